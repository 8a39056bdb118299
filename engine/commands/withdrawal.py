"""An applicant withdraws their application (撤回) before the office has begun to examine it.

The office has begun once any task outside the applicant unit's lane has been claimed or done:
from then on only a supervisor can end the case (terminate). A withdrawn case ends as terminated,
its open tasks cancelled, with a ``withdrawn`` event and the applicant's reason in its history.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from engine.errors import Conflict, Forbidden, NotFound, ValidationFailed, problem
from engine.people.identity import Actor
from engine.people.visibility import Sight, case_sight, may_withdraw_case
from engine.tasks.lifecycle import TaskStatus

if TYPE_CHECKING:
    from engine.commands.runner import CommandRunner
    from store.models import Instance

APPLICANT_LANE = "applicant_unit"
MAX_REASON = 2000


def office_has_begun(rows: Iterable[Any]) -> bool:
    """Whether a task of the office (any lane but the applicant unit's) was claimed or done."""
    return any(r.lane != APPLICANT_LANE and r.status in (TaskStatus.CLAIMED, TaskStatus.COMPLETED) for r in rows)


def withdraw(runner: CommandRunner, instance_id: str, actor: Actor, reason: str) -> Instance:
    """Withdraw an application in one transaction.

    Raises:
        ValidationFailed: no reason, or one too long.
        NotFound: no such case, or one hidden from the actor.
        Forbidden: the actor does not apply for this case.
        Conflict: the case has ended or is not active, or the office has begun to examine it.
    """
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise ValidationFailed("withdraw_incomplete", [problem("reason", "required" if not reason else "maxLength",
                                                               limit=MAX_REASON)])
    with runner.command(instance_id, actor) as cmd:
        if case_sight(cmd.uow, actor, instance_id) is Sight.HIDDEN:
            raise NotFound("case_not_found", case=instance_id)
        if not may_withdraw_case(actor, cmd.instance):
            raise Forbidden("withdraw_not_applicant")
        if cmd.instance.status != "active":
            raise Conflict("case_cannot_withdraw", code="case_not_active", status=cmd.instance.status)
        if office_has_begun(cmd.uow.tasks.rows_of(instance_id)):
            raise Conflict("case_examined_already", code="case_examined")
        cmd.workflow.cancel()
        cmd.instance.status = "terminated"
        cmd.audit("withdrawn", reason=reason)
    return cmd.instance
