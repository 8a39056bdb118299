"""Human task rows (the inbox projection) and their counters."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, delete, func, insert, inspect, literal, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from store import fast_writes
from store.models import HumanTask, TaskCount, TaskOwner
from store.repositories.dialect import dialect_of
from store.task_status import ACTIVE_STATUSES, TaskStatus

_ROWS_OF = (select(HumanTask).where(HumanTask.instance_id == bindparam("iid"))
            .execution_options(populate_existing=True))
_TASK_MUTABLE = ("status", "assignee", "due_at", "completed_by", "completed_at")
_TASK_MUTABLE_SET = frozenset(_TASK_MUTABLE)
_th = cast(Table, HumanTask.__table__)
_UPDATE_TASK = (update(_th).where(_th.c.id == bindparam("b_id"))
                .values(**{c: bindparam(f"b_{c}") for c in _TASK_MUTABLE}))
_INSERT_TASK = insert(_th)
_INSERT_OWNER = insert(cast(Table, TaskOwner.__table__))
_TASK_COLUMNS = tuple(c.key for c in _th.columns)
del _th


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
        cond: ColumnElement[bool] = HumanTask.status.in_(ACTIVE_STATUSES)
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

    def add(self, task: HumanTask) -> None:
        """Insert the row now with a prepared Core statement; the object stays usable, untracked
        (a command creates a row once and changes it only in a later command)."""
        params = {c: getattr(task, c) for c in _TASK_COLUMNS}
        params["case_title"] = params.get("case_title") or ""  # NOT NULL; the ORM default applies on flush only
        fast_writes.write(self.s, _INSERT_TASK, params)

    def add_owners(self, task_id: str, owners: Sequence[str]) -> None:
        """The ``task_owner`` rows of a task bound to owners (written once, when it becomes ready)."""
        if owners:
            fast_writes.write(self.s, _INSERT_OWNER, [{"owner": o, "task_id": task_id} for o in owners])

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
            fast_writes.write(self.s, _UPDATE_TASK, params)

    def rebuild_counts(self) -> None:
        """Recount the counter projection (``task_count``) from the task rows, in this transaction.

        The triggers of migration 0004 keep it exact; this repairs it after rows were edited
        with the triggers off (a restore, a manual fix)."""
        pg = dialect_of(self.s) == "postgresql"
        if pg:
            self.s.execute(text("LOCK TABLE human_task IN SHARE MODE"))  # no command moves a count meanwhile
        shard = func.hashtext(HumanTask.id).op("&")(15) if pg else literal(0)  # any spread: a key's sum counts
        self.s.execute(delete(TaskCount))
        kinds = (
            (
                "lane",
                HumanTask.lane,
                (HumanTask.status == TaskStatus.OPEN) & HumanTask.lane.is_not(None) & HumanTask.owners.is_(None),
            ),
            ("mine", HumanTask.assignee, HumanTask.status.in_(ACTIVE_STATUSES) & HumanTask.assignee.is_not(None)),
            (
                "done",
                HumanTask.completed_by,
                (HumanTask.status == TaskStatus.COMPLETED) & HumanTask.completed_by.is_not(None),
            ),
        )
        for kind, col, cond in kinds:
            sel = select(literal(kind), col, shard, func.count()).where(cond).group_by(col, *([shard] if pg else []))
            self.s.execute(insert(TaskCount).from_select(["kind", "key", "shard", "n"], sel))

    def flush(self) -> None:
        self.s.flush()
