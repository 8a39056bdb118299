"""Cases: the locking loads and the revision-checked state write of every command."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, aliased, defer
from sqlalchemy.orm.attributes import set_committed_value

from store import fast_writes
from store.models import HumanTask, Instance
from store.repositories.dialect import dialect_of
from store.task_status import TaskStatus

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
_STATE_COLUMNS = ("state", "serializer_version", "status", "updated_at", "ended_at", "due_at")
_t = cast(Table, Instance.__table__)
_INSERT_INSTANCE = insert(_t)
_INSTANCE_COLUMNS = tuple(c.key for c in _t.columns)
_SAVE_STATE = (
    update(_t)
    .where(_t.c.id == bindparam("b_id"), _t.c.revision == bindparam("b_revision"))
    .values(revision=bindparam("b_new_revision"), **{c: bindparam(f"b_{c}") for c in _STATE_COLUMNS})
)
_SAVE_STATE_CHECKED = fast_writes.checked_update(_SAVE_STATE, _t.c.id)  # queued form: fails on 0 rows
del _t


class InstanceRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def get(self, instance_id: str) -> Instance | None:
        return self.s.get(Instance, instance_id)

    def get_for_update(self, instance_id: str, skip_locked: bool = False) -> Instance | None:
        """Load and lock the row (``FOR UPDATE`` on PostgreSQL; SQLite's write lock otherwise).

        With ``skip_locked`` a row another transaction holds is answered with None.
        """
        dialect = dialect_of(self.s)
        if dialect == "postgresql" and skip_locked:
            dialect = "postgresql-skip"
        stmt = _INSTANCE_LOCKED.get(dialect, _INSTANCE)
        return self.s.scalars(stmt, {"iid": instance_id}).first()

    def lock_with_rows_by_task(self, task_id: str) -> tuple[Instance | None, list[HumanTask]]:
        """Lock the case a human task belongs to and read the task's row with every open or
        claimed task row of the case, in one statement; the case's ``state`` is read when first used."""
        stmt = _WITH_ROWS_BY_TASK_LOCKED.get(dialect_of(self.s), _WITH_ROWS_BY_TASK)
        pairs = self.s.execute(stmt, {"tid": task_id}).all()
        if not pairs:
            return None, []
        return pairs[0][0], [row for _instance, row in pairs]

    def add(self, instance: Instance) -> None:
        """Insert the row now with a prepared Core statement; the object stays usable, untracked
        (a command then writes its state through :meth:`save_state`)."""
        fast_writes.write(self.s, _INSERT_INSTANCE, {c: getattr(instance, c) for c in _INSTANCE_COLUMNS})

    def save_state(self, instance: Instance, values: dict[str, Any]) -> bool:
        """Write state with optimistic locking; False when another writer got there first.

        On PostgreSQL's fast road (:mod:`store.fast_writes`) the write is queued and True returned: the check then
        runs in the database, and a lost race raises :class:`store.errors.StaleState` when the queue is sent
        (at the commit, or at the next statement of the transaction).
        """
        expected = instance.revision
        if set(values) <= set(_STATE_COLUMNS):  # the usual case: one prepared Core statement
            params = {f"b_{c}": values[c] if c in values else getattr(instance, c) for c in _STATE_COLUMNS}
            params.update(b_id=instance.id, b_revision=expected, b_new_revision=expected + 1)
            saved = fast_writes.write_checked(self.s, _SAVE_STATE, _SAVE_STATE_CHECKED, params)
        else:
            saved = cast(CursorResult[Any], self.s.execute(  # an UPDATE's result is a CursorResult
                update(Instance)
                .where(Instance.id == instance.id, Instance.revision == expected)
                .values(revision=expected + 1, **values)
                .execution_options(synchronize_session=False)
            )).rowcount == 1
        if not saved:
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
