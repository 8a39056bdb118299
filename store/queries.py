"""Named read-only queries over the projections (never a workflow deserialization)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Sequence

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from store.access import CaseScope, WorkScope, assigned_condition, case_condition, lane_condition
from store.models import (
    AuditEvent,
    HumanTask,
    Incident,
    Instance,
    MessageSubscription,
    TaskCount,
    Timer,
)
from store.task_status import ACTIVE_STATUSES, TaskStatus


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    total: int
    page: int
    per_page: int


def _page(session: Session, stmt, page: int, per_page: int) -> Page:
    page = max(1, page)
    per_page = max(1, min(per_page, 200))
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    items = session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items, total, page, per_page)


_ORDERS = {
    "created": ((HumanTask.created_at, True), (HumanTask.id, False)),
    "due": ((HumanTask.due_at, False), (HumanTask.id, False)),
    "priority": ((HumanTask.priority, True), (HumanTask.created_at, True), (HumanTask.id, False)),
    "completed": ((HumanTask.completed_at, True), (HumanTask.id, False)),
}


def _order_by(sort: str):
    out = []
    for col, desc in _ORDERS[sort]:
        if col is HumanTask.due_at:
            out.append(HumanTask.due_at.is_(None))
        out.append(col.desc() if desc else col)
    return out


def _sort_key(sort: str):
    far = datetime.max.replace(tzinfo=None)

    def key(t: HumanTask):
        parts = []
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


def _filtered(stmt, process: str | None, overdue: bool, q: str | None, now: datetime | None):
    if process:
        stmt = stmt.where(HumanTask.process_key == process)
    if overdue and now is not None:
        stmt = stmt.where(HumanTask.due_at.is_not(None), HumanTask.due_at < now)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(HumanTask.name.like(like), HumanTask.business_key.like(like),
                              HumanTask.applicant.like(like), HumanTask.process_key.like(like)))
    return stmt


def inbox(session: Session, work: WorkScope, *, scope: str = "both",
          status: str | None = None, process: str | None = None, overdue: bool = False,
          q: str | None = None, now: datetime | None = None, page: int = 1, per_page: int = 50,
          sort: str = "created", counts: dict[str, int] | None = None) -> Page:
    """Tasks assigned to the worker (``mine``), unclaimed in their lanes (``group``), or both;
    ``done``: the worker's completed tasks.

    ``counts`` (from :func:`inbox_counts`) spares the totals' queries when nothing is filtered.

    "Both" is two index-friendly queries (assigned to me; unclaimed in my lanes) merged here, so
    the time stays flat however many tasks the groups hold: each branch reads at most one page
    past the offset from its index, and the totals are index-only counts.
    """
    page, per_page = max(1, page), max(1, min(per_page, 200))
    sort = "completed" if scope == "done" else (sort if sort in _ORDERS else "created")
    if scope == "done":
        branches = [select(HumanTask).where(HumanTask.completed_by == work.user,
                                            HumanTask.status == TaskStatus.COMPLETED)]
    else:
        branches = []
        if scope in ("mine", "both"):
            branches.append(select(HumanTask).where(assigned_condition(work, (status,) if status else ACTIVE_STATUSES)))
        if scope in ("group", "both") and status in (None, TaskStatus.OPEN):
            # one branch per lane: each reads its index in order
            branches += [select(HumanTask).where(lane_condition(lane)) for lane in sorted(set(work.lanes))]
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


def inbox_counts(session: Session, work: WorkScope) -> dict[str, int]:
    """Tasks assigned to me (open or claimed) and unclaimed in my lanes, from the counter
    projection (``task_count``): a few rows, however many tasks are open."""
    return task_counts(session, work)


def task_counts(session: Session, work: WorkScope) -> dict[str, int]:
    """``mine``, ``group`` and ``done`` totals of a user, in one query of the counter projection."""
    cond = or_(and_(TaskCount.kind.in_(("mine", "done")), TaskCount.key == work.user),
               and_(TaskCount.kind == "lane", TaskCount.key.in_(list(work.lanes) or [""])))
    rows = session.execute(select(TaskCount.kind, func.sum(TaskCount.n)).where(cond).group_by(TaskCount.kind)).all()
    got = {kind: int(n or 0) for kind, n in rows}
    return {"mine": got.get("mine", 0), "group": got.get("lane", 0), "done": got.get("done", 0)}


def instances(session: Session, *, scope: CaseScope = CaseScope(everything=True),
              status: str | None = None, process: str | None = None, overdue: bool = False,
              q: str | None = None, now: datetime | None = None, page: int = 1, per_page: int = 50) -> Page:
    """Cases the scope allows, newest first."""
    stmt = select(Instance)
    visible = case_condition(scope)
    if visible is not None:
        stmt = stmt.where(visible)
    if status:
        stmt = stmt.where(Instance.status == status)
    if process:
        stmt = stmt.where(Instance.process_key == process)
    if overdue and now is not None:
        stmt = stmt.where(Instance.status == "active", Instance.due_at.is_not(None), Instance.due_at < now)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Instance.business_key.like(like), Instance.title.like(like), Instance.id.like(like)))
    return _page(session, stmt.order_by(Instance.started_at.desc(), Instance.id), page, per_page)


def case_visible(session: Session, instance_id: str, scope: CaseScope) -> bool:
    """Whether the case exists and the scope allows it."""
    stmt = select(Instance.id).where(Instance.id == instance_id)
    visible = case_condition(scope)
    if visible is not None:
        stmt = stmt.where(visible)
    return session.scalar(stmt) is not None


def waiting_on(session: Session, instance_id: str) -> list[dict[str, Any]]:
    """What the case waits for now: people (tasks), timers and messages."""
    out: list[dict[str, Any]] = []
    for t in session.scalars(select(HumanTask).where(
            HumanTask.instance_id == instance_id, HumanTask.status.in_(ACTIVE_STATUSES)).order_by(HumanTask.created_at)):
        out.append({"kind": "task", "bpmn_id": t.bpmn_id, "group": t.lane, "assignee": t.assignee,
                    "since": t.created_at, "until": t.due_at, "task_id": t.id, "name": t.name})
    for tm in session.scalars(select(Timer).where(Timer.instance_id == instance_id).order_by(Timer.due_at)):
        out.append({"kind": "timer", "bpmn_id": tm.bpmn_id, "until": tm.due_at})
    for s in session.scalars(select(MessageSubscription).where(MessageSubscription.instance_id == instance_id)):
        out.append({"kind": "message", "bpmn_id": s.bpmn_id, "message": s.message_name, "correlation": s.correlation})
    return out


def open_incidents(session: Session, page: int = 1, per_page: int = 50) -> Page:
    stmt = select(Incident).where(Incident.resolved_at.is_(None)).order_by(Incident.created_at, Incident.id)
    return _page(session, stmt, page, per_page)


def history(session: Session, instance_id: str) -> Sequence[AuditEvent]:
    return session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.id)).all()
