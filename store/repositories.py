"""Repositories: the only write paths to the tables. They flush (or, on PostgreSQL, queue the
hot-path writes: :mod:`store.write_batch`), never commit."""
from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Iterable, Sequence

from sqlalchemy import (
    bindparam,
    delete,
    func,
    insert,
    inspect,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session, aliased, defer
from sqlalchemy.orm.attributes import set_committed_value

from store import write_batch
from store.models import (
    ApiToken,
    Attachment,
    AuditEvent,
    CalendarOverride,
    Group,
    HumanTask,
    Incident,
    Instance,
    Membership,
    MessageSubscription,
    ModelFile,
    Notification,
    ProcessVersion,
    SequenceCounter,
    TaskCount,
    TaskDraft,
    Timer,
    User,
    UserRole,
)
from store.task_status import ACTIVE_STATUSES, TaskStatus

# The hot path's statements, built once: SQLAlchemy then only looks up their compiled form.
_INSTANCE = select(Instance).where(Instance.id == bindparam("iid")).execution_options(populate_existing=True)
_INSTANCE_LOCKED = {
    "sqlite": _INSTANCE,
    "postgresql": _INSTANCE.with_for_update(),
    "postgresql-skip": _INSTANCE.with_for_update(skip_locked=True),
}
_named = aliased(HumanTask)
# the case of a task with the task and the case's open or claimed task rows, the state left for
# later (a command that finds its workflow in memory never reads it): one round trip where a lock
# and a row query took two. Completed and cancelled rows are not read: a completion never makes
# their tasks ready again (only a move does, and a move reads the rows it needs itself), so the
# statement reads the same few rows however long the case has run.
_WITH_ROWS_BY_TASK = (
    select(Instance, HumanTask).join(HumanTask, HumanTask.instance_id == Instance.id)
    .where(Instance.id == select(_named.instance_id).where(_named.id == bindparam("tid")).scalar_subquery(),
           (HumanTask.status == TaskStatus.OPEN) | (HumanTask.status == TaskStatus.CLAIMED)
           | (HumanTask.id == bindparam("tid")))
    .options(defer(Instance.state)).execution_options(populate_existing=True))
_WITH_ROWS_BY_TASK_LOCKED = {"sqlite": _WITH_ROWS_BY_TASK,
                             "postgresql": _WITH_ROWS_BY_TASK.with_for_update(of=Instance)}
del _named
_LATEST_ID = (select(ProcessVersion.id).where(ProcessVersion.process_key == bindparam("key"))
              .order_by(ProcessVersion.version.desc()).limit(1))
_STATE_COLUMNS = ("state", "serializer_version", "status", "updated_at", "ended_at", "due_at")
_t = Instance.__table__
_INSERT_INSTANCE = insert(_t)
_INSTANCE_COLUMNS = tuple(c.key for c in _t.columns)
_SAVE_STATE = (
    update(_t)
    .where(_t.c.id == bindparam("b_id"), _t.c.revision == bindparam("b_revision"))
    .values(revision=bindparam("b_new_revision"), **{c: bindparam(f"b_{c}") for c in _STATE_COLUMNS})
)
_SAVE_STATE_CHECKED = write_batch.checked_update(_SAVE_STATE, _t.c.id)  # queued form: fails on 0 rows
_ROWS_OF = (select(HumanTask).where(HumanTask.instance_id == bindparam("iid"))
            .execution_options(populate_existing=True))
_ACTIVE_FOR = (select(HumanTask)
               .where(HumanTask.instance_id == bindparam("iid"), HumanTask.status.in_(ACTIVE_STATUSES))
               .order_by(HumanTask.created_at, HumanTask.id))
_TASK_MUTABLE = ("status", "assignee", "due_at", "completed_by", "completed_at")
_TASK_MUTABLE_SET = frozenset(_TASK_MUTABLE)
_th = HumanTask.__table__
_UPDATE_TASK = (update(_th).where(_th.c.id == bindparam("b_id"))
                .values(**{c: bindparam(f"b_{c}") for c in _TASK_MUTABLE}))
_INSERT_TASK = insert(_th)
_TASK_COLUMNS = tuple(c.key for c in _th.columns)
del _th
_DELETE_TIMERS = delete(Timer.__table__).where(Timer.__table__.c.instance_id == bindparam("iid"))
_DELETE_SUBSCRIPTIONS = delete(MessageSubscription.__table__).where(
    MessageSubscription.__table__.c.instance_id == bindparam("iid"))
_DELETE_EVENTS_PG = text("WITH gone AS (DELETE FROM timer WHERE instance_id = :iid) "
                         "DELETE FROM message_subscription WHERE instance_id = :iid")
_DELETE_DRAFTS = delete(TaskDraft.__table__).where(TaskDraft.__table__.c.task_id == bindparam("tid"))
_AUDIT_COLUMNS = ("instance_id", "at", "actor", "action", "task_id", "bpmn_id", "detail")
_INSERT_AUDIT = insert(AuditEvent.__table__)
del _t


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _for_update(session: Session, stmt, skip_locked: bool = False):
    if session.get_bind().dialect.name == "postgresql":
        return stmt.with_for_update(skip_locked=skip_locked)
    return stmt


class ProcessRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def latest(self, key: str) -> ProcessVersion | None:
        return self.s.scalars(
            select(ProcessVersion).where(ProcessVersion.process_key == key).order_by(ProcessVersion.version.desc()).limit(1)
        ).first()

    def latest_id(self, key: str) -> int | None:
        """The id of a process's latest version (versions are immutable: callers cache the row)."""
        return self.s.scalar(_LATEST_ID, {"key": key})

    def get(self, key: str, version: int) -> ProcessVersion | None:
        return self.s.scalars(
            select(ProcessVersion).where(ProcessVersion.process_key == key, ProcessVersion.version == version)
        ).first()

    def by_id(self, version_id: int) -> ProcessVersion | None:
        return self.s.get(ProcessVersion, version_id)

    def detached(self, version_id: int) -> ProcessVersion | None:
        """A version row detached from the session, safe to cache (versions are immutable)."""
        row = self.s.get(ProcessVersion, version_id)
        if row is not None:
            self.s.expunge(row)
        return row

    def versions(self, key: str) -> Sequence[ProcessVersion]:
        return self.s.scalars(
            select(ProcessVersion).where(ProcessVersion.process_key == key).order_by(ProcessVersion.version)
        ).all()

    def latest_all(self) -> Sequence[ProcessVersion]:
        newest = (
            select(ProcessVersion.process_key, func.max(ProcessVersion.version).label("v"))
            .group_by(ProcessVersion.process_key)
            .subquery()
        )
        return self.s.scalars(
            select(ProcessVersion)
            .join(newest, (ProcessVersion.process_key == newest.c.process_key) & (ProcessVersion.version == newest.c.v))
            .order_by(ProcessVersion.process_key)
        ).all()

    def add(self, version: ProcessVersion) -> None:
        self.s.add(version)
        self.s.flush()

    def model_file(self, name: str) -> ModelFile | None:
        return self.s.get(ModelFile, name)

    def model_files(self, kind: str | None = None) -> Sequence[ModelFile]:
        stmt = select(ModelFile)
        if kind:
            stmt = stmt.where(ModelFile.kind == kind)
        return self.s.scalars(stmt).all()

    def put_model_file(self, name: str, kind: str, content: str, content_hash: str, at: datetime) -> None:
        row = self.s.get(ModelFile, name)
        if row is None:
            self.s.add(ModelFile(name=name, kind=kind, content=content, content_hash=content_hash, deployed_at=at))
        elif row.content_hash != content_hash:
            row.content, row.content_hash, row.deployed_at, row.kind = content, content_hash, at, kind
        self.s.flush()

    def with_start_message(self, message_name: str) -> list[ProcessVersion]:
        return [v for v in self.latest_all() if message_name in (v.start_messages or [])]

    def instance_counts(self, key: str) -> dict[int, int]:
        rows = self.s.execute(
            select(Instance.version, func.count()).where(Instance.process_key == key).group_by(Instance.version)
        ).all()
        return {v: n for v, n in rows}


class InstanceRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def get(self, instance_id: str) -> Instance | None:
        return self.s.get(Instance, instance_id)

    def get_for_update(self, instance_id: str, skip_locked: bool = False) -> Instance | None:
        """Load and lock the row (``FOR UPDATE`` on PostgreSQL; SQLite's write lock otherwise).

        With ``skip_locked`` a row another transaction holds is answered with None.
        """
        dialect = _dialect(self.s)
        if dialect == "postgresql" and skip_locked:
            dialect = "postgresql-skip"
        stmt = _INSTANCE_LOCKED.get(dialect, _INSTANCE)
        return self.s.scalars(stmt, {"iid": instance_id}).first()

    def lock_with_rows_by_task(self, task_id: str) -> tuple[Instance | None, list[HumanTask]]:
        """Lock the case a human task belongs to and read the task's row with every open or
        claimed task row of the case, in one statement; the case's ``state`` is read when first used."""
        stmt = _WITH_ROWS_BY_TASK_LOCKED.get(_dialect(self.s), _WITH_ROWS_BY_TASK)
        pairs = self.s.execute(stmt, {"tid": task_id}).all()
        if not pairs:
            return None, []
        return pairs[0][0], [row for _instance, row in pairs]

    def add(self, instance: Instance) -> None:
        """Insert the row now with a prepared Core statement; the object stays usable, untracked
        (a command then writes its state through :meth:`save_state`)."""
        write_batch.write(self.s, _INSERT_INSTANCE, {c: getattr(instance, c) for c in _INSTANCE_COLUMNS})

    def save_state(self, instance: Instance, values: dict[str, Any]) -> bool:
        """Write state with optimistic locking; False when another writer got there first.

        On PostgreSQL the write is queued and True returned: the check then runs in the
        database, and a lost race raises :class:`store.errors.StaleState` when the queue is sent
        (at the commit, or at the next statement of the transaction).
        """
        expected = instance.revision
        if set(values) <= set(_STATE_COLUMNS):  # the usual case: one prepared Core statement
            params = {f"b_{c}": values[c] if c in values else getattr(instance, c) for c in _STATE_COLUMNS}
            params.update(b_id=instance.id, b_revision=expected, b_new_revision=expected + 1)
            conn = self.s.connection()
            batch = write_batch.batch_of(conn)
            if batch is not None:
                batch.add(_SAVE_STATE_CHECKED, params, checked=True)
                self._saved(instance, values, expected + 1)
                return True
            changed = write_batch.execute_now(conn, _SAVE_STATE, params)
        else:
            changed = self.s.execute(
                update(Instance)
                .where(Instance.id == instance.id, Instance.revision == expected)
                .values(revision=expected + 1, **values)
                .execution_options(synchronize_session=False)
            ).rowcount
        if changed != 1:
            return False
        self._saved(instance, values, expected + 1)
        return True

    @staticmethod
    def _saved(instance: Instance, values: dict[str, Any], revision: int) -> None:
        for k, v in {**values, "revision": revision}.items():
            set_committed_value(instance, k, v)  # already written: not dirty, no second UPDATE

    def ids_by_status(self, statuses: Iterable[str]) -> list[str]:
        return list(self.s.scalars(select(Instance.id).where(Instance.status.in_(list(statuses)))).all())

    def all_ids(self) -> list[str]:
        return list(self.s.scalars(select(Instance.id)).all())


class HumanTaskRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def get(self, task_id: str) -> HumanTask | None:
        return self.s.get(HumanTask, task_id)

    def instance_id_of(self, task_id: str) -> str | None:
        return self.s.scalar(select(HumanTask.instance_id).where(HumanTask.id == task_id))

    def get_fresh(self, task_id: str) -> HumanTask | None:
        """The row as committed now (not a stale copy from this session's identity map)."""
        return self.s.scalars(
            select(HumanTask).where(HumanTask.id == task_id).execution_options(populate_existing=True)
        ).first()

    def rows_of(self, instance_id: str) -> Sequence[HumanTask]:
        """Every task row of a case, as committed now."""
        return self.s.scalars(_ROWS_OF, {"iid": instance_id}).all()

    def active_or_listed(self, instance_id: str, task_ids: Sequence[str]) -> Sequence[HumanTask]:
        """Open/claimed rows of a case plus rows with the given ids, in one query."""
        cond = HumanTask.status.in_(ACTIVE_STATUSES)
        if task_ids:
            cond = cond | HumanTask.id.in_(list(task_ids))
        return self.s.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id, cond)).all()

    def became_overdue(self, since: datetime, now: datetime) -> Sequence[HumanTask]:
        """Open or claimed tasks whose due time passed between ``since`` and ``now``."""
        return self.s.scalars(
            select(HumanTask)
            .where(HumanTask.status.in_(ACTIVE_STATUSES), HumanTask.due_at > since, HumanTask.due_at <= now)
            .order_by(HumanTask.due_at, HumanTask.id)
        ).all()

    def active_for(self, instance_id: str) -> Sequence[HumanTask]:
        return self.s.scalars(_ACTIVE_FOR, {"iid": instance_id}).all()

    def all_for(self, instance_id: str) -> Sequence[HumanTask]:
        return self.s.scalars(
            select(HumanTask).where(HumanTask.instance_id == instance_id).order_by(HumanTask.created_at, HumanTask.id)
        ).all()

    def add(self, task: HumanTask) -> None:
        """Insert the row now with a prepared Core statement; the object stays usable, untracked
        (a command creates a row once and changes it only in a later command)."""
        write_batch.write(self.s, _INSERT_TASK, {c: getattr(task, c) for c in _TASK_COLUMNS})

    def write_changes(self) -> None:
        """Write the session's changed task rows with one prepared UPDATE and detach them (their
        values stay readable), so the commit has no unit-of-work flush to do for them. A row
        changed in another column is left to the ordinary flush."""
        params = []
        for obj in [o for o in self.s.dirty if isinstance(o, HumanTask)]:
            changed = set(inspect(obj).committed_state)  # the attributes set since the load
            if not changed or not changed <= _TASK_MUTABLE_SET:
                continue
            params.append({"b_id": obj.id, **{f"b_{c}": getattr(obj, c) for c in _TASK_MUTABLE}})
            self.s.expunge(obj)  # written: detached with its values, nothing left for a flush
        if params:
            write_batch.write(self.s, _UPDATE_TASK, params)

    def rebuild_counts(self) -> None:
        """Recount the counter projection (``task_count``) from the task rows, in this transaction.

        The triggers of migration 0004 keep it exact; this repairs it after rows were edited
        with the triggers off (a restore, a manual fix)."""
        pg = _dialect(self.s) == "postgresql"
        if pg:
            self.s.execute(text("LOCK TABLE human_task IN SHARE MODE"))  # no command moves a count meanwhile
        shard = func.hashtext(HumanTask.id).op("&")(15) if pg else literal(0)  # any spread: a key's sum counts
        self.s.execute(delete(TaskCount))
        kinds = (
            ("lane", HumanTask.lane, (HumanTask.status == TaskStatus.OPEN) & HumanTask.lane.is_not(None)),
            ("mine", HumanTask.assignee, HumanTask.status.in_(ACTIVE_STATUSES) & HumanTask.assignee.is_not(None)),
            ("done", HumanTask.completed_by, (HumanTask.status == TaskStatus.COMPLETED) & HumanTask.completed_by.is_not(None)),
        )
        for kind, col, cond in kinds:
            sel = select(literal(kind), col, shard, func.count()).where(cond).group_by(col, *([shard] if pg else []))
            self.s.execute(insert(TaskCount).from_select(["kind", "key", "shard", "n"], sel))

    def flush(self) -> None:
        self.s.flush()


class EventRepository:
    """Timers and message subscriptions (both rebuilt per instance on every save)."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def replace_for(self, instance_id: str, timers: list[Timer], subscriptions: list[MessageSubscription]) -> None:
        if _dialect(self.s) == "postgresql":  # both deletes in one statement
            write_batch.write(self.s, _DELETE_EVENTS_PG, {"iid": instance_id})
        else:
            self.s.connection().execute(_DELETE_TIMERS, {"iid": instance_id})
            self.s.connection().execute(_DELETE_SUBSCRIPTIONS, {"iid": instance_id})
        self.s.add_all(timers)
        self.s.add_all(subscriptions)

    def timers_for(self, instance_id: str) -> Sequence[Timer]:
        return self.s.scalars(select(Timer).where(Timer.instance_id == instance_id).order_by(Timer.due_at)).all()

    def subscriptions_for(self, instance_id: str) -> Sequence[MessageSubscription]:
        return self.s.scalars(select(MessageSubscription).where(MessageSubscription.instance_id == instance_id)).all()

    def claim_due_timer(self, now: datetime, exclude: Iterable[str] = ()) -> str | None:
        """Lock the earliest due timer row of a case that no other worker holds; returns its case.

        ``FOR UPDATE SKIP LOCKED`` on PostgreSQL: concurrent workers each take a different row
        and never walk the same list. The lock lasts until the caller's transaction ends, so the
        claim and the case's step commit (or roll back) together. On SQLite the write
        transaction already serialises the workers.
        """
        stmt = select(Timer.instance_id).where(Timer.due_at <= now, Timer.instance_id.is_not(None))
        exclude = list(exclude)
        if exclude:
            stmt = stmt.where(Timer.instance_id.not_in(exclude))
        stmt = stmt.order_by(Timer.due_at).limit(1)  # the due_at index's order: no sort of every due row
        return self.s.scalar(_for_update(self.s, stmt, skip_locked=True))

    def lock_due_timers(self, instance_id: str, now: datetime) -> Sequence[Timer]:
        """Lock this instance's due timer rows, skipping rows another worker holds."""
        stmt = select(Timer).where(Timer.instance_id == instance_id, Timer.due_at <= now)
        return self.s.scalars(_for_update(self.s, stmt, skip_locked=True)).all()

    def due_start_timers(self, now: datetime, limit: int = 20) -> Sequence[Timer]:
        stmt = select(Timer).where(Timer.instance_id.is_(None), Timer.due_at <= now).order_by(Timer.due_at).limit(limit)
        return self.s.scalars(_for_update(self.s, stmt, skip_locked=True)).all()

    def lock_start_timer(self, timer_id: int, now: datetime) -> Timer | None:
        stmt = select(Timer).where(Timer.id == timer_id, Timer.instance_id.is_(None), Timer.due_at <= now)
        return self.s.scalars(_for_update(self.s, stmt, skip_locked=True).execution_options(populate_existing=True)).first()

    def start_timers(self, process_key: str) -> Sequence[Timer]:
        return self.s.scalars(select(Timer).where(Timer.instance_id.is_(None), Timer.process_key == process_key)).all()

    def add_timer(self, timer: Timer) -> None:
        self.s.add(timer)

    def delete_timer(self, timer: Timer) -> None:
        self.s.delete(timer)

    def subscriptions(self, message_name: str, correlation_key: str | None = None) -> Sequence[MessageSubscription]:
        stmt = select(MessageSubscription).where(MessageSubscription.message_name == message_name)
        if correlation_key is not None:
            stmt = stmt.where(MessageSubscription.correlation_key == correlation_key)
        return self.s.scalars(stmt.order_by(MessageSubscription.id)).all()


class IncidentRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, incident: Incident) -> None:
        self.s.add(incident)
        self.s.flush()

    def get(self, incident_id: int) -> Incident | None:
        return self.s.get(Incident, incident_id)

    def open_for(self, instance_id: str) -> Sequence[Incident]:
        return self.s.scalars(
            select(Incident).where(Incident.instance_id == instance_id, Incident.resolved_at.is_(None))
        ).all()

    def all_for(self, instance_id: str) -> Sequence[Incident]:
        return self.s.scalars(select(Incident).where(Incident.instance_id == instance_id).order_by(Incident.id)).all()


class AuditRepository:
    """Append-only: there is deliberately no update or delete here."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, event: AuditEvent) -> None:
        """Insert the event now (a Core insert: audit rows are never changed, so the ORM has
        nothing to track); it commits or rolls back with the command's transaction."""
        self.add_all([event])

    def add_all(self, events: Sequence[AuditEvent]) -> None:
        if events:
            rows = [{c: getattr(e, c) for c in _AUDIT_COLUMNS} for e in events]
            for row in rows:
                if row["detail"] is None:
                    row["detail"] = {}
            write_batch.write(self.s, _INSERT_AUDIT, rows)

    def for_instance(self, instance_id: str) -> Sequence[AuditEvent]:
        return self.s.scalars(
            select(AuditEvent).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.id)
        ).all()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def by_username(self, username: str) -> User | None:
        return self.s.scalars(select(User).where(User.username == username)).first()

    def by_id(self, user_id: int) -> User | None:
        return self.s.get(User, user_id)

    def add(self, user: User) -> None:
        self.s.add(user)
        self.s.flush()

    def count(self) -> int:
        return self.s.scalar(select(func.count()).select_from(User)) or 0

    def groups_of(self, user: User) -> list[str]:
        return list(self.s.scalars(select(Membership.group_key).where(Membership.user_id == user.id)).all())

    def roles_of(self, user: User) -> list[str]:
        return list(self.s.scalars(select(UserRole.role).where(UserRole.user_id == user.id)).all())

    def set_groups(self, user: User, groups: Iterable[str]) -> None:
        self.s.execute(delete(Membership).where(Membership.user_id == user.id))
        for g in sorted(set(groups)):
            self.s.add(Membership(user_id=user.id, group_key=g))
        self.s.flush()

    def set_roles(self, user: User, roles: Iterable[str]) -> None:
        self.s.execute(delete(UserRole).where(UserRole.user_id == user.id))
        for r in sorted(set(roles)):
            self.s.add(UserRole(user_id=user.id, role=r))
        self.s.flush()

    def members_of(self, group_key: str) -> list[str]:
        return list(
            self.s.scalars(
                select(User.username).join(Membership, Membership.user_id == User.id).where(Membership.group_key == group_key)
            ).all()
        )

    def with_role(self, role: str) -> list[str]:
        return list(
            self.s.scalars(select(User.username).join(UserRole, UserRole.user_id == User.id).where(UserRole.role == role)).all()
        )

    def group(self, key: str) -> Group | None:
        return self.s.get(Group, key)

    def groups(self) -> Sequence[Group]:
        return self.s.scalars(select(Group).order_by(Group.key)).all()

    def put_group(self, key: str, title_zh: str, title_en: str) -> None:
        row = self.s.get(Group, key)
        if row is None:
            self.s.add(Group(key=key, title_zh=title_zh, title_en=title_en))
        else:
            row.title_zh, row.title_en = title_zh, title_en
        self.s.flush()

    def add_token(self, user: User, token: str, at: datetime) -> None:
        self.s.add(ApiToken(user_id=user.id, token_hash=hash_token(token), created_at=at))
        self.s.flush()

    def by_token(self, token: str) -> User | None:
        row = self.s.scalars(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).first()
        return self.s.get(User, row.user_id) if row else None


class MiscRepository:
    """Attachments, notifications, counters, drafts and the calendar."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def next_sequence(self, category: str, year: int) -> int:
        """Increment a counter atomically: concurrent callers get distinct, gapless numbers."""
        dialect = self.s.get_bind().dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as upsert
        else:
            from sqlalchemy.dialects.sqlite import insert as upsert
        self.s.execute(upsert(SequenceCounter).values(category=category, year=year, last_value=0)
                       .on_conflict_do_nothing(index_elements=["category", "year"]))
        return self.s.execute(
            update(SequenceCounter)
            .where(SequenceCounter.category == category, SequenceCounter.year == year)
            .values(last_value=SequenceCounter.last_value + 1)
            .returning(SequenceCounter.last_value)
            .execution_options(synchronize_session=False)
        ).scalar_one()

    def add_attachment(self, attachment: Attachment) -> None:
        self.s.add(attachment)
        self.s.flush()

    def link_attachments(self, attachment_ids: Iterable[str], instance_id: str) -> None:
        """Tie uploads that case data refers to to that case (first case wins)."""
        self.s.execute(
            update(Attachment)
            .where(Attachment.id.in_(list(attachment_ids)), Attachment.instance_id.is_(None))
            .values(instance_id=instance_id)
            .execution_options(synchronize_session=False)
        )

    def attachment(self, attachment_id: str) -> Attachment | None:
        return self.s.get(Attachment, attachment_id)

    def attachments_for(self, instance_id: str) -> Sequence[Attachment]:
        return self.s.scalars(
            select(Attachment).where(Attachment.instance_id == instance_id).order_by(Attachment.created_at)
        ).all()

    def add_notification(self, note: Notification) -> None:
        self.s.add(note)

    def notifications(self, username: str, unread_only: bool = False, limit: int = 50) -> Sequence[Notification]:
        stmt = select(Notification).where(Notification.username == username)
        if unread_only:
            stmt = stmt.where(Notification.read_at.is_(None))
        return self.s.scalars(stmt.order_by(Notification.id.desc()).limit(limit)).all()

    def mark_notifications_read(self, username: str, at: datetime) -> None:
        self.s.execute(
            update(Notification).where(Notification.username == username, Notification.read_at.is_(None)).values(read_at=at)
        )

    def draft(self, task_id: str, username: str) -> TaskDraft | None:
        return self.s.get(TaskDraft, (task_id, username))

    def save_draft(self, task_id: str, username: str, data: dict, at: datetime) -> None:
        row = self.s.get(TaskDraft, (task_id, username))
        if row is None:
            self.s.add(TaskDraft(task_id=task_id, username=username, data=data, saved_at=at))
        else:
            row.data, row.saved_at = data, at
        self.s.flush()

    def delete_drafts(self, task_id: str) -> None:
        write_batch.write(self.s, _DELETE_DRAFTS, {"tid": task_id})

    def calendar_overrides(self) -> dict:
        return {row.day: row.working for row in self.s.scalars(select(CalendarOverride)).all()}

    def put_calendar_override(self, day, working: bool, note: str = "") -> None:
        row = self.s.get(CalendarOverride, day)
        if row is None:
            self.s.add(CalendarOverride(day=day, working=working, note=note))
        else:
            row.working, row.note = working, note
        self.s.flush()
