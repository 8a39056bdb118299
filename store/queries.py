"""Named read-only queries over the projections (never a workflow deserialization)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Sequence

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from store.models import (
    AuditEvent,
    HumanTask,
    Incident,
    Instance,
    MessageSubscription,
    TaskCount,
    Timer,
)


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


def inbox(session: Session, username: str, groups: Sequence[str], *, scope: str = "both",
          status: str | None = None, process: str | None = None, overdue: bool = False,
          q: str | None = None, now: datetime | None = None, page: int = 1, per_page: int = 50,
          sort: str = "created", counts: dict[str, int] | None = None) -> Page:
    """Tasks assigned to me (``mine``), open in my groups' lanes (``group``), or both; ``done``: mine completed.

    ``counts`` (from :func:`inbox_counts`) spares the totals' queries when nothing is filtered.

    "Both" is two index-friendly queries (assigned to me; unclaimed in my lanes) merged here, so
    the time stays flat however many tasks the groups hold: each branch reads at most one page
    past the offset from its index, and the totals are index-only counts.
    """
    page, per_page = max(1, page), max(1, min(per_page, 200))
    sort = "completed" if scope == "done" else (sort if sort in _ORDERS else "created")
    if scope == "done":
        branches = [select(HumanTask).where(HumanTask.completed_by == username, HumanTask.status == "completed")]
    else:
        statuses = (status,) if status else ("open", "claimed")
        branches = []
        if scope in ("mine", "both"):
            branches.append(select(HumanTask).where(HumanTask.assignee == username, HumanTask.status.in_(statuses)))
        if scope in ("group", "both") and "open" in statuses:
            # one branch per lane: each reads its index in order ("open" means unclaimed)
            branches += [select(HumanTask).where(HumanTask.lane == lane, HumanTask.status == "open")
                         for lane in sorted(set(groups))]
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


def inbox_counts(session: Session, username: str, groups: Sequence[str]) -> dict[str, int]:
    """Tasks assigned to me (open or claimed) and unclaimed in my groups' lanes, from the counter
    projection (``task_count``): a few rows, however many tasks are open."""
    return task_counts(session, username, groups)


def task_counts(session: Session, username: str, groups: Sequence[str]) -> dict[str, int]:
    """``mine``, ``group`` and ``done`` totals of a user, in one query of the counter projection."""
    cond = or_(and_(TaskCount.kind.in_(("mine", "done")), TaskCount.key == username),
               and_(TaskCount.kind == "lane", TaskCount.key.in_(list(groups) or [""])))
    rows = session.execute(select(TaskCount.kind, func.sum(TaskCount.n)).where(cond).group_by(TaskCount.kind)).all()
    got = {kind: int(n or 0) for kind, n in rows}
    return {"mine": got.get("mine", 0), "group": got.get("lane", 0), "done": got.get("done", 0)}


def instances(session: Session, *, visible_to: tuple[str, Sequence[str]] | None = None,
              status: str | None = None, process: str | None = None, overdue: bool = False,
              q: str | None = None, now: datetime | None = None, page: int = 1, per_page: int = 50) -> Page:
    """Cases, newest first; ``visible_to=(username, groups)`` limits to what a non-supervisor may see."""
    stmt = select(Instance)
    if visible_to is not None:
        username, groups = visible_to
        touched = select(HumanTask.instance_id).where(or_(
            HumanTask.completed_by == username,
            HumanTask.assignee == username,
            and_(HumanTask.status.in_(("open", "claimed")), HumanTask.lane.in_(list(groups) or [""])),
        ))
        stmt = stmt.where(or_(Instance.started_by == username, Instance.id.in_(touched)))
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


def may_see_instance(session: Session, instance_id: str, username: str, groups: Sequence[str]) -> bool:
    inst = session.get(Instance, instance_id)
    if inst is None:
        return False
    if inst.started_by == username:
        return True
    hit = session.scalar(select(func.count()).where(HumanTask.instance_id == instance_id, or_(
        HumanTask.completed_by == username,
        HumanTask.assignee == username,
        and_(HumanTask.status.in_(("open", "claimed")), HumanTask.lane.in_(list(groups) or [""])),
    )))
    return bool(hit)


def waiting_on(session: Session, instance_id: str) -> list[dict[str, Any]]:
    """What the case waits for now: people (tasks), timers and messages."""
    out: list[dict[str, Any]] = []
    for t in session.scalars(select(HumanTask).where(
            HumanTask.instance_id == instance_id, HumanTask.status.in_(("open", "claimed"))).order_by(HumanTask.created_at)):
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
