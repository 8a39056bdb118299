"""The SQL side of who may see what: scopes the engine's visibility rules build, as conditions.

The rules themselves live in :mod:`engine.people.visibility`; it hands the store a scope (plain
values: a user name, lanes) and the list queries turn it into a ``WHERE`` condition here, so a
list never shows what the single-case check refuses.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, or_, select

from store.models import HumanTask, Instance
from store.task_status import ACTIVE_STATUSES, TaskStatus


@dataclass(frozen=True)
class CaseScope:
    """The cases a reader may see: every case, or those matching one of the grounds.

    Attributes:
        everything: no limit at all.
        started_by: cases this user started.
        worked_by: cases with a task assigned to or completed by this user.
        open_in_lanes: cases with an open or claimed task in one of these lanes.
    """

    everything: bool = False
    started_by: str | None = None
    worked_by: str | None = None
    open_in_lanes: tuple[str, ...] = ()


@dataclass(frozen=True)
class WorkScope:
    """The tasks a user may work now: assigned to ``user``, or unclaimed in one of ``lanes``."""

    user: str
    lanes: tuple[str, ...] = ()


def case_condition(scope: CaseScope) -> ColumnElement[bool] | None:
    """The condition on ``instance`` rows a scope allows (None: every case)."""
    if scope.everything:
        return None
    grounds: list[ColumnElement[bool]] = []
    if scope.started_by is not None:
        grounds.append(Instance.started_by == scope.started_by)
    by_task: list[ColumnElement[bool]] = []
    if scope.worked_by is not None:
        by_task += [HumanTask.completed_by == scope.worked_by, HumanTask.assignee == scope.worked_by]
    if scope.open_in_lanes:
        by_task.append(and_(HumanTask.status.in_(ACTIVE_STATUSES), HumanTask.lane.in_(scope.open_in_lanes)))
    if by_task:
        grounds.append(Instance.id.in_(select(HumanTask.instance_id).where(or_(*by_task))))
    return or_(*grounds) if grounds else false()


def assigned_condition(scope: WorkScope, statuses: Sequence[str] = ACTIVE_STATUSES) -> ColumnElement[bool]:
    """Tasks assigned to the scope's user in one of ``statuses`` (by default: waiting for them)."""
    return and_(HumanTask.assignee == scope.user, HumanTask.status.in_(statuses))


def lane_condition(lane: str) -> ColumnElement[bool]:
    """Tasks any member of the lane may take: unclaimed in it (one branch per lane reads its index)."""
    return and_(HumanTask.lane == lane, HumanTask.status == TaskStatus.OPEN)


def workable_condition(scope: WorkScope) -> ColumnElement[bool]:
    """Tasks the scope's user may work now: assigned to them, or unclaimed in one of its lanes."""
    return or_(assigned_condition(scope),
               and_(HumanTask.status == TaskStatus.OPEN, HumanTask.lane.in_(scope.lanes or ("",))))
