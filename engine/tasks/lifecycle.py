"""The life of a human task: its statuses and the one table of the transitions between them.

::

    transition      from                  to         who may (engine.people.visibility)  audit      row change
    claim           open                  claimed    a member of the lane                claimed    assignee: the actor
    unclaim         claimed               open       its assignee, a supervisor          unclaimed  assignee: none
    assign          open, claimed         claimed    a supervisor                        assigned   assignee: the user named
    complete        open, claimed         completed  whoever may work the task           completed  finisher and time
    cancel          open, claimed         cancelled  the engine: the case went on        -          time
    reopen          completed, cancelled  open       the engine: the task is ready again -          -
    reopen_claimed  completed, cancelled  claimed    the same, back to its assignee      -          -

The table is :data:`TRANSITIONS` below, one line per transition. A transition asked of a task
in another status raises :class:`~engine.errors.Conflict` with a code naming that status
(``task_claimed``, ``task_not_claimed``, ``task_completed``, ``task_cancelled``), naming who holds
or finished it (``holder``, ``finisher``). People's
transitions run inside a locked command (:meth:`engine.commands.runner.CommandRunner.command`,
through :func:`fire`); the engine's run while a command saves the case's projections
(:func:`cancel`, :func:`reopen`). The stored values are :class:`store.task_status.TaskStatus`.
"""  # noqa: E501 - the docstring's table is the documentation; its rows cannot wrap
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine.errors import Conflict, EngineError, Forbidden
from engine.people import visibility
from engine.people.identity import Actor
from store.task_status import ACTIVE_STATUSES, TaskStatus

if TYPE_CHECKING:
    from engine.commands.case_command import Command

__all__ = ["ACTIVE_STATUSES", "TaskStatus", "Transition", "allows", "cancel", "check", "fire", "holds", "reopen"]

OPEN, CLAIMED, COMPLETED, CANCELLED = TaskStatus.OPEN, TaskStatus.CLAIMED, TaskStatus.COMPLETED, TaskStatus.CANCELLED
Permission = Callable[[Actor, Any], None]  # raises Forbidden (or Conflict) when the actor may not
Change = Callable[[Any, "str | None", datetime], None]  # (row, the person it concerns, now)


@dataclass(frozen=True)
class Transition:
    """One move of a task between statuses.

    Attributes:
        name: what the move is called.
        sources: the statuses it starts from.
        target: the status it ends in.
        permission: the actor's check; None for the engine's own moves.
        audit: the audit event's action, or None when the move is not audited on its own.
        change: what else it writes on the row.
    """

    name: str
    sources: tuple[TaskStatus, ...]
    target: TaskStatus
    permission: Permission | None
    audit: str | None
    change: Change


def _may_claim(actor: Actor, row: Any) -> None:
    if not visibility.may_claim_task(actor, row):
        raise Forbidden("claim_outside_group")


def _may_unclaim(actor: Actor, row: Any) -> None:
    if not visibility.may_unclaim_task(actor, row):
        if row.assignee != actor.username:
            raise _refusal(row)
        raise Forbidden("unclaim_outside_group")


def _may_assign(actor: Actor, row: Any) -> None:
    if not visibility.may_assign_task(actor, row):
        raise Forbidden("supervisor_only")


def _may_complete(actor: Actor, row: Any) -> None:
    if not visibility.may_work_task(actor, row):
        if row.assignee and visibility.works_lane(actor, row):
            raise _refusal(row)
        raise Forbidden("complete_not_allowed")


def _hold(row: Any, person: str | None, now: datetime) -> None:
    row.assignee = person


def _release(row: Any, person: str | None, now: datetime) -> None:
    row.assignee = None


def _finish(row: Any, person: str | None, now: datetime) -> None:
    row.completed_by, row.completed_at = person, now
    row.assignee = row.assignee or person


def _stop(row: Any, person: str | None, now: datetime) -> None:
    row.completed_at = now


def _keep(row: Any, person: str | None, now: datetime) -> None:
    """The row keeps its assignee (and its earlier finisher)."""


CLAIM = Transition("claim", (OPEN,), CLAIMED, _may_claim, "claimed", _hold)
UNCLAIM = Transition("unclaim", (CLAIMED,), OPEN, _may_unclaim, "unclaimed", _release)
ASSIGN = Transition("assign", (OPEN, CLAIMED), CLAIMED, _may_assign, "assigned", _hold)
COMPLETE = Transition("complete", (OPEN, CLAIMED), COMPLETED, _may_complete, "completed", _finish)
CANCEL = Transition("cancel", (OPEN, CLAIMED), CANCELLED, None, None, _stop)
REOPEN = Transition("reopen", (COMPLETED, CANCELLED), OPEN, None, None, _keep)
REOPEN_CLAIMED = Transition("reopen_claimed", (COMPLETED, CANCELLED), CLAIMED, None, None, _keep)
TRANSITIONS = (CLAIM, UNCLAIM, ASSIGN, COMPLETE, CANCEL, REOPEN, REOPEN_CLAIMED)

_REFUSAL_CODES = {OPEN: "task_not_claimed", CLAIMED: "task_claimed", COMPLETED: "task_completed",
                  CANCELLED: "task_cancelled"}


def _refusal(row: Any) -> Conflict:
    """The conflict of a move the task's status does not allow."""
    code = _REFUSAL_CODES[TaskStatus(row.status)]
    if row.status == CLAIMED:
        return Conflict("task_claimed_by", code=code, holder=row.assignee)
    if row.status == COMPLETED and row.completed_by:
        return Conflict("task_completed_by", code=code, finisher=row.completed_by)
    return Conflict(code, code=code)


def check(transition: Transition, actor: Actor, row: Any) -> None:
    """Check that ``actor`` may make this move on the task now.

    Raises:
        Conflict: the task's status does not allow the move, or another person holds the task.
        Forbidden: the actor may not make the move.
    """
    if row.status not in transition.sources:
        raise _refusal(row)
    if transition.permission is not None:
        transition.permission(actor, row)


def allows(transition: Transition, actor: Actor, row: Any) -> bool:
    """Whether ``actor`` may make this move on the task now (what a page offers)."""
    try:
        check(transition, actor, row)
    except EngineError:
        return False
    return True


def fire(cmd: Command, row: Any, transition: Transition, person: str | None = None, **detail: Any) -> None:
    """Make a person's move on a task inside a locked command, and audit it.

    Args:
        cmd: the command holding the task's case.
        row: the task's row, read under the command's lock.
        transition: the move.
        person: whom the move concerns when not the actor (the user a task is assigned to).
        **detail: more for the audit event's detail.

    Raises:
        Conflict: the task's status does not allow the move, or another person holds the task.
        Forbidden: the actor may not make the move.
    """
    check(transition, cmd.actor, row)
    _move(row, transition, person or cmd.actor.username, cmd.now)
    if transition.audit is not None:
        cmd.audit(transition.audit, row.id, row.bpmn_id, task=row.name, **detail)


def _move(row: Any, transition: Transition, person: str | None, now: datetime) -> None:
    transition.change(row, person, now)
    row.status = transition.target


def cancel(row: Any, now: datetime) -> None:
    """The case went on without a waiting task; a task already finished stays as it is."""
    if row.status in CANCEL.sources:
        _move(row, CANCEL, None, now)


def reopen(row: Any, now: datetime) -> None:
    """A task is ready again: back to its assignee when it had one, else to its lane's queue."""
    if row.status not in ACTIVE_STATUSES:
        _move(row, REOPEN_CLAIMED if row.assignee else REOPEN, None, now)


def holds(row: Any, actor: Actor) -> bool:
    """Whether the actor holds the task already (a claim then changes nothing)."""
    return row.status == CLAIMED and row.assignee == actor.username
