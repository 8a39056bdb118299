"""Supervisors hear of escalations (a boundary timer fired) through in-app notifications."""
from __future__ import annotations

from typing import TYPE_CHECKING

from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent

from store.models import Notification

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

    from engine.commands.case_command import Command
    from store.uow import UnitOfWork

SUPERVISOR_ROLES = ("supervisor", "admin")
ESCALATION = "escalation"  # Notification.code: a boundary timer of a case fired
DIGEST_LISTS_AT_MOST = 20  # tasks named in one overdue digest (the count says how many in all)
OVERDUE_DIGEST = "overdue_digest"  # Notification.code: tasks that became overdue in the last day


def supervisors(uow: UnitOfWork) -> list[str]:
    names: list[str] = []
    for role in SUPERVISOR_ROLES:
        names += [n for n in uow.users.with_role(role) if n not in names]
    return names


def _boundary_specs(workflow: BpmnWorkflow) -> dict[str, BoundaryEvent]:
    specs = [workflow.spec, *[s for s in workflow.subprocess_specs.values() if s is not None]]
    return {ts.bpmn_id: ts for spec in specs for ts in spec.task_specs.values() if isinstance(ts, BoundaryEvent)}


def notify_escalations(cmd: Command) -> None:
    """When a boundary timer of this case fired in this command, tell every supervisor."""
    fired = [e.bpmn_id for e in cmd.events if e.action == "timer" and e.bpmn_id]
    if not fired:
        return
    boundaries = _boundary_specs(cmd.workflow)
    escalated = [boundaries[b] for b in fired if b in boundaries]
    if not escalated:
        return
    for spec in escalated:
        params = {"case_title": cmd.instance.title, "business_key": cmd.instance.business_key,
                  "element": spec.bpmn_name or spec.bpmn_id}
        for username in supervisors(cmd.uow):
            cmd.uow.misc.add_notification(Notification(
                username=username, instance_id=cmd.instance.id, created_at=cmd.now, read_at=None,
                code=ESCALATION, params=params,
            ))
