"""Reads of human tasks: the inbox, its counts, a case's open tasks, the overdue list."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, literal, or_, select, union_all
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from store.access import WorkScope, assigned_condition, lane_condition, open_owned_condition, workable_condition
from store.models import HumanTask, Instance, TaskCount
from store.reads.pager import Page, bounds
from store.reads.sorting import SelectT, containing, ordered, starter_matching
from store.task_status import ACTIVE_STATUSES, TaskStatus

TASK_COLUMNS = (HumanTask.id, HumanTask.instance_id, HumanTask.process_key, HumanTask.bpmn_id, HumanTask.name,
                HumanTask.lane, HumanTask.assignee, HumanTask.status, HumanTask.created_at, HumanTask.due_at,
                HumanTask.business_key, HumanTask.case_title, HumanTask.applicant)
_OPEN_OF = (select(HumanTask)
            .where(HumanTask.instance_id == bindparam("iid"), HumanTask.status.in_(ACTIVE_STATUSES))
            .order_by(HumanTask.created_at, HumanTask.id))

_ORDERS = {
    "created": ((HumanTask.created_at, True), (HumanTask.id, False)),
    "due": ((HumanTask.due_at, False), (HumanTask.id, False)),
    "priority": ((HumanTask.priority, True), (HumanTask.created_at, True), (HumanTask.id, False)),
    "completed": ((HumanTask.completed_at, True), (HumanTask.id, False)),
}


def _order_by(sort: str) -> list[ColumnElement[Any] | InstrumentedAttribute[Any]]:
    out: list[ColumnElement[Any] | InstrumentedAttribute[Any]] = []
    for col, desc in _ORDERS[sort]:
        if col is HumanTask.due_at:
            out.append(HumanTask.due_at.is_(None))
        out.append(col.desc() if desc else col)
    return out


def _sort_key(sort: str) -> Callable[[HumanTask], tuple[Any, ...]]:
    far = datetime.max.replace(tzinfo=None)

    def key(t: HumanTask) -> tuple[Any, ...]:
        parts: list[Any] = []
        for col, desc in _ORDERS[sort]:
            value = getattr(t, col.key)
            if isinstance(value, datetime):
                value = value.replace(tzinfo=None)
            if col is HumanTask.due_at:
                parts += [value is None, value or far]
                continue
            if desc:
                value = -value.timestamp() if isinstance(value, datetime) else -value
            parts.append(value)
        return tuple(parts)

    return key


def _filtered(stmt: SelectT, process: str | None, overdue: bool, q: str | None, now: datetime | None) -> SelectT:
    if process:
        stmt = stmt.where(HumanTask.process_key == process)
    if overdue and now is not None:
        stmt = stmt.where(HumanTask.due_at.is_not(None), HumanTask.due_at < now)
    if q:
        cases = select(Instance.id).where(starter_matching(q, Instance.started_by, Instance.unit_key))
        stmt = stmt.where(or_(containing(q, HumanTask.name, HumanTask.business_key, HumanTask.case_title,
                                         HumanTask.applicant, HumanTask.process_key),
                              HumanTask.instance_id.in_(cases.scalar_subquery())))
    return stmt


def _overdue(now: datetime) -> ColumnElement[bool]:
    return and_(HumanTask.status.in_(ACTIVE_STATUSES), HumanTask.due_at.is_not(None), HumanTask.due_at < now)


TASK_SORTS = {"due": (HumanTask.due_at,), "created": (HumanTask.created_at,),
              "group": (HumanTask.lane, HumanTask.due_at),
              "assignee": (HumanTask.assignee, HumanTask.due_at), "process": (HumanTask.process_key, HumanTask.due_at),
              "name": (HumanTask.name,)}


def overdue_list(now: datetime, group: str | None = None, assignee: str | None = None,
                 process: str | None = None, q: str | None = None, sort: str = "due") -> Select:
    """The monitor's list of open tasks past their due time; ``group="-"`` means tasks in no lane."""
    stmt = select(*TASK_COLUMNS).where(_overdue(now))
    if group == "-":
        stmt = stmt.where(HumanTask.lane.is_(None))
    elif group:
        stmt = stmt.where(HumanTask.lane == group)
    if assignee:
        stmt = stmt.where(HumanTask.assignee == assignee)
    if process:
        stmt = stmt.where(HumanTask.process_key == process)
    if q:
        stmt = stmt.where(containing(q, HumanTask.name, HumanTask.business_key, HumanTask.case_title,
                                      HumanTask.applicant))
    return ordered(stmt, sort, TASK_SORTS, "due", HumanTask.id)


class TaskReads:
    """Named reads of the ``human_task`` projection and its counters."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def inbox(self, work: WorkScope, *, scope: str = "both",
              status: str | None = None, process: str | None = None, overdue: bool = False,
              q: str | None = None, now: datetime | None = None, page: int = 1, per_page: int = 50,
              sort: str = "created", counts: dict[str, int] | None = None) -> Page:
        """Tasks assigned to the worker (``mine``), unclaimed in their lanes (``group``), or both;
        ``done``: the worker's completed tasks.

        ``counts`` (from :meth:`counts`) spares the totals' queries when nothing is filtered, and
        the query of tasks bound to the worker when there are none.

        "Both" is two index-friendly queries (assigned to me; unclaimed in my lanes) merged here, so
        the time stays flat however many tasks the groups hold: each branch reads at most one page
        past the offset from its index, and the totals are index-only counts.
        """
        session = self.s
        page, per_page = bounds(page, per_page)
        sort = "completed" if scope == "done" else (sort if sort in _ORDERS else "created")
        if scope == "done":
            branches = [select(HumanTask).where(HumanTask.completed_by == work.user,
                                                HumanTask.status == TaskStatus.COMPLETED)]
        else:
            branches = []
            if scope in ("mine", "both"):
                branches.append(select(HumanTask).where(
                    assigned_condition(work, (status,) if status else ACTIVE_STATUSES)))
            if scope in ("group", "both") and status in (None, TaskStatus.OPEN):
                # one branch per lane: each reads its index in order
                branches += [select(HumanTask).where(lane_condition(lane)) for lane in sorted(set(work.lanes))]
                # bound to the worker or their unit (an applicant unit's tasks); the counts say when none are
                if work.owner_keys and (counts is None or counts.get("owned", 1)):
                    branches.append(select(HumanTask).where(open_owned_condition(work)))
        branches = [_filtered(b, process, overdue, q, now) for b in branches]
        unfiltered = not (process or overdue or q or status)
        if counts is not None and unfiltered and scope in ("mine", "group", "both"):
            total = counts["mine"] * (scope != "group") + counts["group"] * (scope != "mine")
        else:
            total = sum(session.scalar(select(func.count()).select_from(b.subquery())) or 0 for b in branches)
        window = page * per_page
        rows: list[HumanTask] = []
        for b in branches:
            rows.extend(session.scalars(b.order_by(*_order_by(sort)).limit(window)).all())
        if len(branches) > 1:
            rows.sort(key=_sort_key(sort))
        return Page(rows[(page - 1) * per_page:window], total, page, per_page)

    def counts(self, work: WorkScope) -> dict[str, int]:
        """``mine`` (assigned to the worker, open or claimed), ``group`` (unclaimed in their lanes, or
        bound to them or their unit) and ``done`` totals of a worker.

        The lanes' shared queues come from the counter projection (``task_count``: a few rows,
        however many tasks are open); the tasks bound to owners (an applicant unit's, a
        ``lane_owners`` lane's) have no shared queue to count under, so they are counted by one
        index query over ``task_owner`` for the worker's own keys: it reads their unit's open
        tasks only, never another unit's.
        """
        cond = or_(and_(TaskCount.kind.in_(("mine", "done")), TaskCount.key == work.user),
                   and_(TaskCount.kind == "lane", TaskCount.key.in_(list(work.lanes) or [""])))
        stmt = select(TaskCount.kind, func.sum(TaskCount.n)).where(cond).group_by(TaskCount.kind)
        if work.owner_keys:  # in the same round trip
            owned = select(literal("owned"), func.count()).select_from(HumanTask).where(open_owned_condition(work))
            rows = self.s.execute(union_all(stmt, owned)).all()
        else:
            rows = self.s.execute(stmt).all()
        got = {kind: int(n or 0) for kind, n in rows}
        return {"mine": got.get("mine", 0), "group": got.get("lane", 0) + got.get("owned", 0),
                "done": got.get("done", 0), "owned": got.get("owned", 0)}

    def done_count(self, username: str) -> int:
        """Tasks the user completed, from the counter projection (``task_count``)."""
        return int(self.s.scalar(select(func.sum(TaskCount.n)).where(
            TaskCount.kind == "done", TaskCount.key == username)) or 0)

    def next_for(self, instance_id: str, work: WorkScope) -> HumanTask | None:
        """A task of this case the worker may work on now (assigned to them or unclaimed in their lanes)."""
        return self.s.scalars(
            select(HumanTask).where(HumanTask.instance_id == instance_id, workable_condition(work))
            .order_by(HumanTask.created_at, HumanTask.id).limit(1)).first()

    def open_of(self, instance_id: str) -> Sequence[HumanTask]:
        """The open and claimed tasks of a case, oldest first."""
        return self.s.scalars(_OPEN_OF, {"iid": instance_id}).all()

    def open_of_cases(self, instance_ids: Iterable[str]) -> dict[str, list[HumanTask]]:
        """The open and claimed tasks of each of these cases, oldest first."""
        ids = list(instance_ids)
        out: dict[str, list[HumanTask]] = defaultdict(list)
        if not ids:
            return out
        for t in self.s.scalars(select(HumanTask).where(
                HumanTask.instance_id.in_(ids), HumanTask.status.in_(ACTIVE_STATUSES))
                .order_by(HumanTask.created_at, HumanTask.id)):
            out[t.instance_id].append(t)
        return out

    def all_of(self, instance_id: str) -> Sequence[HumanTask]:
        """Every task row of a case, oldest first."""
        return self.s.scalars(
            select(HumanTask).where(HumanTask.instance_id == instance_id).order_by(HumanTask.created_at, HumanTask.id)
        ).all()
