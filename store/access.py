"""The SQL side of who may see what: scopes the engine's visibility rules build, as conditions.

The rules themselves live in :mod:`engine.people.visibility`; it hands the store a scope (plain
values: a user name, lanes, owner keys, a unit) and the list queries turn it into a ``WHERE`` condition here, so a
list never shows what the single-case check refuses.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, or_, select

from store.models import HumanTask, Instance, TaskOwner
from store.task_status import ACTIVE_STATUSES, TaskStatus


@dataclass(frozen=True)
class CaseScope:
    """The cases a reader may see: every case, or those matching one of the grounds.

    Attributes:
        everything: no limit at all.
        started_by: cases this user started.
        worked_by: cases with a task assigned to or completed by this user.
        open_in_lanes: cases with an open or claimed task in one of these lanes, bound to no owners.
        owned_by: cases with an open or claimed task bound to one of these owner keys.
        of_unit: cases of this unit.
    """

    everything: bool = False
    started_by: str | None = None
    worked_by: str | None = None
    open_in_lanes: tuple[str, ...] = ()
    owned_by: tuple[str, ...] = ()
    of_unit: str | None = None


@dataclass(frozen=True)
class WorkScope:
    """The tasks a user may work now: assigned to ``user``, unclaimed in one of ``lanes`` and bound
    to no owners, or unclaimed and bound to one of ``owner_keys``."""

    user: str
    lanes: tuple[str, ...] = ()
    owner_keys: tuple[str, ...] = ()


def case_condition(scope: CaseScope) -> ColumnElement[bool] | None:
    """The condition on ``instance`` rows a scope allows (None: every case)."""
    if scope.everything:
        return None
    grounds: list[ColumnElement[bool]] = []
    if scope.started_by is not None:
        grounds.append(Instance.started_by == scope.started_by)
    if scope.of_unit is not None:
        grounds.append(Instance.unit_key == scope.of_unit)
    by_task: list[ColumnElement[bool]] = []
    if scope.worked_by is not None:
        by_task += [HumanTask.completed_by == scope.worked_by, HumanTask.assignee == scope.worked_by]
    if scope.open_in_lanes:
        by_task.append(and_(HumanTask.status.in_(ACTIVE_STATUSES), HumanTask.lane.in_(scope.open_in_lanes),
                            HumanTask.owners.is_(None)))
    if scope.owned_by:
        by_task.append(and_(HumanTask.status.in_(ACTIVE_STATUSES), owned_condition(scope.owned_by)))
    if by_task:
        grounds.append(Instance.id.in_(select(HumanTask.instance_id).where(or_(*by_task))))
    return or_(*grounds) if grounds else false()


def owned_condition(owner_keys: Sequence[str]) -> ColumnElement[bool]:
    """Tasks bound to one of these owners (read from the ``task_owner`` index)."""
    return HumanTask.id.in_(select(TaskOwner.task_id).where(TaskOwner.owner.in_(list(owner_keys))))


def assigned_condition(scope: WorkScope, statuses: Sequence[str] = ACTIVE_STATUSES) -> ColumnElement[bool]:
    """Tasks assigned to the scope's user in one of ``statuses`` (by default: waiting for them)."""
    return and_(HumanTask.assignee == scope.user, HumanTask.status.in_(statuses))


def lane_condition(lane: str) -> ColumnElement[bool]:
    """Tasks any member of the lane may take: unclaimed in it and bound to no owners (one branch per
    lane reads its index)."""
    return and_(HumanTask.lane == lane, HumanTask.status == TaskStatus.OPEN, HumanTask.owners.is_(None))


def open_owned_condition(scope: WorkScope) -> ColumnElement[bool]:
    """Unclaimed tasks bound to one of the scope's owner keys (its unit, its user)."""
    return and_(HumanTask.status == TaskStatus.OPEN, owned_condition(scope.owner_keys or ("",)))


def workable_condition(scope: WorkScope) -> ColumnElement[bool]:
    """Tasks the scope's user may work now: assigned to them, unclaimed in one of its lanes (bound
    to no owners), or unclaimed and bound to them."""
    return or_(assigned_condition(scope),
               and_(HumanTask.status == TaskStatus.OPEN, HumanTask.lane.in_(scope.lanes or ("",)),
                    HumanTask.owners.is_(None)),
               open_owned_condition(scope))
