"""Figures for the supervisors' monitor: the dashboard's counts and per-process analytics.

SQL over the projections only (``instance`` columns without ``state``, ``human_task``, ``incident``).
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement, SQLColumnExpression

from store.models import HumanTask, Incident, Instance
from store.reads.cases import OPEN_CASE
from store.task_status import ACTIVE_STATUSES


def _overdue(now: datetime) -> ColumnElement[bool]:
    return and_(HumanTask.status.in_(ACTIVE_STATUSES), HumanTask.due_at.is_not(None), HumanTask.due_at < now)


def _stuck(cutoff: datetime) -> ColumnElement[bool]:
    return and_(Instance.status == "active", Instance.updated_at < cutoff)


@dataclass(frozen=True)
class DashboardCounts:
    """The dashboard's figures, from one pass over open cases and one over overdue tasks."""

    cases: list[tuple[str, str, int]]  # (process_key, status, n) of active, suspended and failed cases
    stuck: int  # active cases without progress since the cutoff
    overdue_by_group: list[tuple[str | None, int]]  # most first
    overdue_by_assignee: list[tuple[str, int]]  # claimed or assigned tasks only, most first
    incidents: int  # open incidents


def _seconds(session: Session, start: SQLColumnExpression[datetime | None],
             end: SQLColumnExpression[datetime | None]) -> ColumnElement[Any]:
    """``end - start`` in seconds, as SQL for this database."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _week_start(session: Session, column: SQLColumnExpression[datetime | None], tz_name: str,
                utc_offset_s: int) -> ColumnElement[Any]:
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


def _done() -> ColumnElement[bool]:
    """A task someone completed (``completed_by`` is set only then; cancelled rows have none)."""
    return and_(HumanTask.completed_by.is_not(None), HumanTask.completed_at.is_not(None))


class AnalyticsReads:
    """Named reads of the monitor's figures."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def dashboard(self, now: datetime, stuck_cutoff: datetime) -> DashboardCounts:
        """Open cases by process and status, stuck cases, overdue tasks by group and person, incidents."""
        stuck = case((_stuck(stuck_cutoff), 1), else_=0)
        rows = self.s.execute(
            select(Instance.status, Instance.process_key, func.count(), func.coalesce(func.sum(stuck), 0))
            .where(Instance.status.in_(OPEN_CASE))
            .group_by(Instance.status, Instance.process_key)).all()
        by_group: dict[str | None, int] = defaultdict(int)
        by_person: dict[str, int] = defaultdict(int)
        for lane, who, n in self.s.execute(select(HumanTask.lane, HumanTask.assignee, func.count())
                                            .where(_overdue(now)).group_by(HumanTask.lane, HumanTask.assignee)):
            by_group[lane] += n
            if who:
                by_person[who] += n
        incidents = self.s.scalar(select(func.count()).select_from(Incident).where(Incident.resolved_at.is_(None))) or 0
        return DashboardCounts(
            cases=sorted((k, st, n) for st, k, n, _ in rows),
            stuck=sum(int(x or 0) for *_, x in rows),
            overdue_by_group=sorted(by_group.items(), key=lambda r: (-r[1], r[0] or "")),
            overdue_by_assignee=sorted(by_person.items(), key=lambda r: (-r[1], r[0])),
            incidents=incidents)

    def weekly_counts(self, key: str, since: datetime, tz_name: str,
                      utc_offset_s: int) -> dict[date, tuple[int, int]]:
        """Cases started and finished (completed or terminated) per office week since ``since``."""
        out: dict[date, list[int]] = defaultdict(lambda: [0, 0])
        started = _week_start(self.s, Instance.started_at, tz_name, utc_offset_s)
        for week, n in self.s.execute(select(started, func.count()).where(
                Instance.process_key == key, Instance.started_at >= since).group_by(started)):
            out[_as_date(week)][0] += n
        ended = _week_start(self.s, Instance.ended_at, tz_name, utc_offset_s)
        for week, n in self.s.execute(select(ended, func.count()).where(
                Instance.process_key == key, Instance.ended_at.is_not(None), Instance.ended_at >= since)
                .group_by(ended)):
            out[_as_date(week)][1] += n
        return {k: (v[0], v[1]) for k, v in out.items()}

    def cycle_time_percentiles(self, key: str, since: datetime,
                               quantiles: Sequence[float] = (0.5, 0.9)) -> tuple[int, dict[float, float | None]]:
        """How many cases completed since ``since`` and their cycle time quantiles (seconds, nearest rank).

        The database sorts; one row per quantile comes back (no percentile function needed).
        """
        where = and_(Instance.process_key == key, Instance.status == "completed", Instance.ended_at.is_not(None),
                     Instance.ended_at >= since)
        n = self.s.scalar(select(func.count()).select_from(Instance).where(where)) or 0
        result: dict[float, float | None] = {q: None for q in quantiles}
        if n == 0:
            return 0, result
        duration = _seconds(self.s, Instance.started_at, Instance.ended_at)
        for q in quantiles:
            rank = max(1, math.ceil(q * n))
            value = self.s.scalar(select(duration).where(where).order_by(duration).offset(rank - 1).limit(1))
            result[q] = float(value) if value is not None else None
        return n, result

    def sla_breaches(self, key: str, since: datetime) -> tuple[int, int]:
        """``(late, with_due)``: completed tasks finished after their due time, of those that had one."""
        late = case((HumanTask.completed_at > HumanTask.due_at, 1), else_=0)
        row = self.s.execute(select(func.coalesce(func.sum(late), 0), func.count()).where(
            HumanTask.process_key == key, _done(), HumanTask.due_at.is_not(None),
            HumanTask.completed_at.is_not(None), HumanTask.completed_at >= since)).one()
        return int(row[0] or 0), int(row[1] or 0)

    def waiting_by_activity(self, key: str, since: datetime) -> list[tuple[str, str, int, float]]:
        """``(bpmn_id, name, n, mean_seconds)`` of completed human tasks, longest wait first."""
        waited = _seconds(self.s, HumanTask.created_at, HumanTask.completed_at)
        rows = self.s.execute(
            select(HumanTask.bpmn_id, func.max(HumanTask.name), func.count(), func.avg(waited))
            .where(HumanTask.process_key == key, _done(), HumanTask.completed_at >= since)
            .group_by(HumanTask.bpmn_id)).all()
        return sorted(((b, n, c, float(a or 0)) for b, n, c, a in rows), key=lambda r: -r[3])
