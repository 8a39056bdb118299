"""Named read-only queries of the supervisors' monitor and the analysts' modeler.

SQL over the projections (``instance`` columns without ``state``, ``human_task``, ``timer``,
``message_subscription``, ``incident``) only: nothing here loads a workflow state. List queries
return a ``Select`` that :func:`page_of` pages and :func:`slice_of` reads in slices (CSV export), so a
view filters, sorts, pages and exports the same statement.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable, Sequence

from sqlalchemy import Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from store.models import (
    HumanTask,
    Incident,
    Instance,
    MessageSubscription,
    ProcessVersion,
    Timer,
)
from store.queries import Page
from store.task_status import ACTIVE_STATUSES

PER_PAGE = 50
OPEN_CASE = ("active", "suspended", "error")

CASE_COLUMNS = (Instance.id, Instance.process_key, Instance.version, Instance.status, Instance.business_key,
                Instance.title, Instance.started_by, Instance.started_at, Instance.updated_at, Instance.ended_at,
                Instance.due_at)
TASK_COLUMNS = (HumanTask.id, HumanTask.instance_id, HumanTask.process_key, HumanTask.bpmn_id, HumanTask.name,
                HumanTask.lane, HumanTask.assignee, HumanTask.status, HumanTask.created_at, HumanTask.due_at,
                HumanTask.business_key, HumanTask.applicant)


# --- paging and streaming -----------------------------------------------------------------

def page_of(session: Session, stmt: Select, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """One page of a list statement (rows with named columns) and the total."""
    page = max(1, page)
    per_page = max(1, min(per_page, 200))
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    items = session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items, total, page, per_page)


def slice_of(session: Session, stmt: Select, offset: int, limit: int) -> list[Any]:
    """Rows ``offset .. offset+limit`` of a list statement (exports read in short slices, each its own
    transaction: a long read would hold SQLite's write lock)."""
    return list(session.execute(stmt.limit(limit).offset(offset)).all())


def _ordered(stmt: Select, sort: str, orders: dict[str, tuple], default: str, tiebreak) -> Select:
    """Order by an allowed key; ``-key`` sorts descending. Unknown keys fall back to ``default``."""
    desc = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in orders:
        key, desc = default.lstrip("-"), default.startswith("-")
    cols = orders[key]
    return stmt.order_by(*[(c.desc() if desc else c.asc()) for c in cols], tiebreak)


# --- dashboard counts ---------------------------------------------------------------------

def _overdue(now: datetime):
    return and_(HumanTask.status.in_(ACTIVE_STATUSES), HumanTask.due_at.is_not(None), HumanTask.due_at < now)


def _stuck(cutoff: datetime):
    return and_(Instance.status == "active", Instance.updated_at < cutoff)


@dataclass(frozen=True)
class DashboardCounts:
    """The dashboard's figures, from one pass over open cases and one over overdue tasks."""

    cases: list[tuple[str, str, int]]  # (process_key, status, n) of active, suspended and failed cases
    stuck: int  # active cases without progress since the cutoff
    overdue_by_group: list[tuple[str | None, int]]  # most first
    overdue_by_assignee: list[tuple[str, int]]  # claimed or assigned tasks only, most first
    incidents: int  # open incidents


def dashboard_counts(session: Session, now: datetime, stuck_cutoff: datetime) -> DashboardCounts:
    """Open cases by process and status, stuck cases, overdue tasks by group and person, incidents."""
    stuck = case((_stuck(stuck_cutoff), 1), else_=0)
    rows = session.execute(
        select(Instance.status, Instance.process_key, func.count(), func.coalesce(func.sum(stuck), 0))
        .where(Instance.status.in_(OPEN_CASE))
        .group_by(Instance.status, Instance.process_key)).all()
    by_group: dict[str | None, int] = defaultdict(int)
    by_person: dict[str, int] = defaultdict(int)
    for lane, who, n in session.execute(select(HumanTask.lane, HumanTask.assignee, func.count())
                                        .where(_overdue(now)).group_by(HumanTask.lane, HumanTask.assignee)):
        by_group[lane] += n
        if who:
            by_person[who] += n
    incidents = session.scalar(select(func.count()).select_from(Incident).where(Incident.resolved_at.is_(None))) or 0
    return DashboardCounts(
        cases=sorted((k, st, n) for st, k, n, _ in rows),
        stuck=sum(int(x or 0) for *_, x in rows),
        overdue_by_group=sorted(by_group.items(), key=lambda r: (-r[1], r[0] or "")),
        overdue_by_assignee=sorted(by_person.items(), key=lambda r: (-r[1], r[0])),
        incidents=incidents)


# --- list statements ------------------------------------------------------------------------

CASE_SORTS = {"started": (Instance.started_at,), "updated": (Instance.updated_at,), "due": (Instance.due_at,),
              "process": (Instance.process_key, Instance.started_at), "status": (Instance.status,),
              "business_key": (Instance.business_key,)}


def cases(process: str | None = None, status: str | None = None, q: str | None = None,
          sort: str = "-started") -> Select:
    """Cases; ``status="open"`` means active, suspended or in error."""
    stmt = select(*CASE_COLUMNS)
    if status == "open":
        stmt = stmt.where(Instance.status.in_(OPEN_CASE))
    elif status:
        stmt = stmt.where(Instance.status == status)
    if process:
        stmt = stmt.where(Instance.process_key == process)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Instance.business_key.like(like), Instance.title.like(like),
                              Instance.id.like(like), Instance.started_by.like(like)))
    return _ordered(stmt, sort, CASE_SORTS, "-started", Instance.id)


TASK_SORTS = {"due": (HumanTask.due_at,), "created": (HumanTask.created_at,), "group": (HumanTask.lane, HumanTask.due_at),
              "assignee": (HumanTask.assignee, HumanTask.due_at), "process": (HumanTask.process_key, HumanTask.due_at),
              "name": (HumanTask.name,)}


def overdue_tasks(now: datetime, group: str | None = None, assignee: str | None = None,
                  process: str | None = None, q: str | None = None, sort: str = "due") -> Select:
    """Open tasks past their due time; ``group="-"`` means tasks in no lane."""
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
        like = f"%{q}%"
        stmt = stmt.where(or_(HumanTask.name.like(like), HumanTask.business_key.like(like),
                              HumanTask.applicant.like(like)))
    return _ordered(stmt, sort, TASK_SORTS, "due", HumanTask.id)


def stuck_cases(cutoff: datetime, process: str | None = None, q: str | None = None,
                sort: str = "updated") -> Select:
    """Active cases with no progress since ``cutoff`` (oldest first by default)."""
    stmt = select(*CASE_COLUMNS).where(_stuck(cutoff))
    if process:
        stmt = stmt.where(Instance.process_key == process)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Instance.business_key.like(like), Instance.title.like(like)))
    return _ordered(stmt, sort, CASE_SORTS, "updated", Instance.id)


INCIDENT_SORTS = {"since": (Incident.created_at,), "process": (Instance.process_key, Incident.created_at),
                  "task": (Incident.bpmn_id,), "type": (Incident.error_type,)}


def open_incidents(process: str | None = None, q: str | None = None, sort: str = "since") -> Select:
    """Unresolved incidents with their case's key, business key and title."""
    stmt = (select(Incident.id, Incident.instance_id, Incident.task_id, Incident.bpmn_id, Incident.error_type,
                   Incident.message, Incident.line, Incident.created_at, Instance.process_key,
                   Instance.business_key, Instance.title, Instance.status)
            .outerjoin(Instance, Instance.id == Incident.instance_id)  # every incident has its case; an outer
            .where(Incident.resolved_at.is_(None)))                     # join lets PostgreSQL skip it when counting
    if process:
        stmt = stmt.where(Instance.process_key == process)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Incident.message.like(like), Instance.business_key.like(like)))
    return _ordered(stmt, sort, INCIDENT_SORTS, "since", Incident.id)


# --- what cases wait on, for a page of them -------------------------------------------------

def waiting_on_many(session: Session, instance_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """What each case waits for now (people, timers, messages): three queries for any number of cases."""
    ids = list(dict.fromkeys(instance_ids))
    out: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    if not ids:
        return out
    for t in session.execute(select(*TASK_COLUMNS).where(HumanTask.instance_id.in_(ids),
                                                         HumanTask.status.in_(ACTIVE_STATUSES))
                             .order_by(HumanTask.created_at, HumanTask.id)):
        out[t.instance_id].append({"kind": "task", "bpmn_id": t.bpmn_id, "name": t.name, "group": t.lane,
                                   "assignee": t.assignee, "since": t.created_at, "until": t.due_at,
                                   "task_id": t.id})
    for tm in session.execute(select(Timer.instance_id, Timer.bpmn_id, Timer.due_at)
                              .where(Timer.instance_id.in_(ids)).order_by(Timer.due_at, Timer.id)):
        out[tm.instance_id].append({"kind": "timer", "bpmn_id": tm.bpmn_id, "until": tm.due_at})
    for s in session.execute(select(MessageSubscription.instance_id, MessageSubscription.bpmn_id,
                                    MessageSubscription.message_name)
                             .where(MessageSubscription.instance_id.in_(ids)).order_by(MessageSubscription.id)):
        out[s.instance_id].append({"kind": "message", "bpmn_id": s.bpmn_id, "message": s.message_name})
    return out


def open_incidents_of(session: Session, instance_id: str) -> list[Any]:
    return list(session.execute(
        select(Incident.id, Incident.task_id, Incident.bpmn_id, Incident.error_type, Incident.message,
               Incident.line, Incident.created_at)
        .where(Incident.instance_id == instance_id, Incident.resolved_at.is_(None))
        .order_by(Incident.id)).all())


def open_tasks_of(session: Session, instance_id: str) -> list[Any]:
    return list(session.execute(select(*TASK_COLUMNS).where(HumanTask.instance_id == instance_id,
                                                            HumanTask.status.in_(ACTIVE_STATUSES))
                                .order_by(HumanTask.created_at, HumanTask.id)).all())


# --- analytics per process ------------------------------------------------------------------

def _seconds(session: Session, start, end):
    """``end - start`` in seconds, as SQL for this database."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _week_start(session: Session, column, tz_name: str, utc_offset_s: int):
    """The Monday (office time) of the week a UTC column falls in, as SQL."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.date_trunc("week", func.timezone(tz_name, column)))
    return func.date(column, f"{utc_offset_s:+d} seconds", "weekday 0", "-6 days")


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def weekly_counts(session: Session, key: str, since: datetime, tz_name: str,
                  utc_offset_s: int) -> dict[date, tuple[int, int]]:
    """Cases started and finished (completed or terminated) per office week since ``since``."""
    out: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    started = _week_start(session, Instance.started_at, tz_name, utc_offset_s)
    for week, n in session.execute(select(started, func.count()).where(
            Instance.process_key == key, Instance.started_at >= since).group_by(started)):
        out[_as_date(week)][0] += n
    ended = _week_start(session, Instance.ended_at, tz_name, utc_offset_s)
    for week, n in session.execute(select(ended, func.count()).where(
            Instance.process_key == key, Instance.ended_at.is_not(None), Instance.ended_at >= since)
            .group_by(ended)):
        out[_as_date(week)][1] += n
    return {k: (v[0], v[1]) for k, v in out.items()}


def cycle_time_percentiles(session: Session, key: str, since: datetime,
                           quantiles: Sequence[float] = (0.5, 0.9)) -> tuple[int, dict[float, float | None]]:
    """How many cases completed since ``since`` and their cycle time quantiles (seconds, nearest rank).

    The database sorts; one row per quantile comes back (no percentile function needed).
    """
    where = and_(Instance.process_key == key, Instance.status == "completed", Instance.ended_at.is_not(None),
                 Instance.ended_at >= since)
    n = session.scalar(select(func.count()).select_from(Instance).where(where)) or 0
    result: dict[float, float | None] = {q: None for q in quantiles}
    if n == 0:
        return 0, result
    duration = _seconds(session, Instance.started_at, Instance.ended_at)
    for q in quantiles:
        rank = max(1, math.ceil(q * n))
        value = session.scalar(select(duration).where(where).order_by(duration).offset(rank - 1).limit(1))
        result[q] = float(value) if value is not None else None
    return n, result


def _done():
    """A task someone completed (``completed_by`` is set only then; cancelled rows have none)."""
    return and_(HumanTask.completed_by.is_not(None), HumanTask.completed_at.is_not(None))


def sla_breaches(session: Session, key: str, since: datetime) -> tuple[int, int]:
    """``(late, with_due)``: completed tasks finished after their due time, of those that had one."""
    late = case((HumanTask.completed_at > HumanTask.due_at, 1), else_=0)
    row = session.execute(select(func.coalesce(func.sum(late), 0), func.count()).where(
        HumanTask.process_key == key, _done(), HumanTask.due_at.is_not(None),
        HumanTask.completed_at.is_not(None), HumanTask.completed_at >= since)).one()
    return int(row[0] or 0), int(row[1] or 0)


def waiting_by_activity(session: Session, key: str, since: datetime) -> list[tuple[str, str, int, float]]:
    """``(bpmn_id, name, n, mean_seconds)`` of completed human tasks, longest wait first."""
    waited = _seconds(session, HumanTask.created_at, HumanTask.completed_at)
    rows = session.execute(
        select(HumanTask.bpmn_id, func.max(HumanTask.name), func.count(), func.avg(waited))
        .where(HumanTask.process_key == key, _done(), HumanTask.completed_at >= since)
        .group_by(HumanTask.bpmn_id)).all()
    return sorted(((b, n, c, float(a or 0)) for b, n, c, a in rows), key=lambda r: -r[3])


# --- versions (modeler) ---------------------------------------------------------------------

@dataclass(frozen=True)
class VersionRow:
    """A deployed version without its XML and spec, with its cases."""

    id: int
    process_key: str
    version: int
    title: str
    deployed_by: str | None
    deployed_at: datetime
    change_note: str
    cases: int
    running: int


def version_table(session: Session, key: str | None = None) -> list[VersionRow]:
    """Every version (of one process, or of all), oldest first per key, with case counts (two queries)."""
    vstmt = select(ProcessVersion.id, ProcessVersion.process_key, ProcessVersion.version, ProcessVersion.title,
                   ProcessVersion.deployed_by, ProcessVersion.deployed_at, ProcessVersion.change_note)
    running = case((Instance.status.in_(OPEN_CASE), 1), else_=0)
    cstmt = select(Instance.process_version_id, func.count(), func.coalesce(func.sum(running), literal(0)))
    if key is not None:
        vstmt = vstmt.where(ProcessVersion.process_key == key)
        cstmt = cstmt.where(Instance.process_key == key)
    counts = {vid: (n, int(r or 0)) for vid, n, r in session.execute(cstmt.group_by(Instance.process_version_id))}
    rows = session.execute(vstmt.order_by(ProcessVersion.process_key, ProcessVersion.version)).all()
    return [VersionRow(*row, *counts.get(row.id, (0, 0))) for row in rows]


def version_xml(session: Session, key: str, version: int | None = None) -> tuple[int, str, str] | None:
    """``(version, source_file, bpmn_xml)`` of a version (the latest when ``version`` is None)."""
    stmt = select(ProcessVersion.version, ProcessVersion.source_file, ProcessVersion.bpmn_xml).where(
        ProcessVersion.process_key == key)
    if version is not None:
        stmt = stmt.where(ProcessVersion.version == version)
    row = session.execute(stmt.order_by(ProcessVersion.version.desc()).limit(1)).first()
    return (row[0], row[1], row[2]) if row else None


def running_cases_of_version(session: Session, key: str, version: int) -> list[Any]:
    """Unfinished cases of one version: ``(id, business_key, title, status, updated_at)``."""
    return list(session.execute(
        select(Instance.id, Instance.business_key, Instance.title, Instance.status, Instance.updated_at)
        .where(Instance.process_key == key, Instance.version == version, Instance.status.in_(OPEN_CASE))
        .order_by(Instance.started_at, Instance.id)).all())
