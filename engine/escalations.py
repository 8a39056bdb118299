"""Supervisors hear of escalations and of what became overdue, through in-app notifications."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent

from store.models import Notification

if TYPE_CHECKING:
    from engine.workflow_engine import Command, WorkflowEngine

SUPERVISOR_ROLES = ("supervisor", "admin")


def _supervisors(uow) -> list[str]:
    names: list[str] = []
    for role in SUPERVISOR_ROLES:
        names += [n for n in uow.users.with_role(role) if n not in names]
    return names


def _boundary_specs(workflow) -> dict[str, object]:
    specs = [workflow.spec, *[s for s in workflow.subprocess_specs.values() if s is not None]]
    return {ts.bpmn_id: ts for spec in specs for ts in spec.task_specs.values() if isinstance(ts, BoundaryEvent)}


def notify_escalations(cmd: "Command") -> None:
    """When a boundary timer of this case fired in this command, tell every supervisor."""
    fired = [e.bpmn_id for e in cmd.events if e.action == "timer" and e.bpmn_id]
    if not fired:
        return
    boundaries = _boundary_specs(cmd.workflow)
    escalated = [boundaries[b] for b in fired if b in boundaries]
    if not escalated:
        return
    case = f"{cmd.instance.title}（{cmd.instance.business_key}）"
    for spec in escalated:
        label = spec.bpmn_name or spec.bpmn_id
        for username in _supervisors(cmd.uow):
            cmd.uow.misc.add_notification(Notification(
                username=username, instance_id=cmd.instance.id, created_at=cmd.now, read_at=None,
                message=f"超期升级：{case} 的“{label}”已到时限，已按流程升级督办。",
                message_en=f"Escalation: '{label}' of {case} reached its deadline and was escalated.",
            ))


def send_overdue_digest(engine: "WorkflowEngine", since: datetime | None = None, once_per_day: bool = False) -> int:
    """One notification per supervisor listing the tasks that became overdue since ``since``.

    Args:
        once_per_day: claim today's digest first, so that of several schedulers only one sends it.

    Returns:
        How many tasks the digest names (0: nothing sent).
    """
    now = engine.clock.now()
    since = since or now - timedelta(days=1)
    with engine.uow() as uow:
        if once_per_day:
            day = int(now.astimezone(engine.calendar(uow).tz).strftime("%Y%m%d"))
            if uow.misc.next_sequence("overdue_digest", day) != 1:
                return 0  # another process sent today's digest
            uow.commit()  # the claim stands even when there is nothing to report
        rows = uow.tasks.became_overdue(since, now)
        if not rows:
            return 0
        lines = [f"{t.name}（{t.business_key or t.instance_id[:8]}，{t.lane or '-'}，{t.assignee or '未认领'}）"
                 for t in rows[:20]]
        more = f" 等共 {len(rows)} 项" if len(rows) > 20 else ""
        more_en = f" and more, {len(rows)} in all" if len(rows) > 20 else ""
        for username in _supervisors(uow):
            uow.misc.add_notification(Notification(
                username=username, instance_id=None, created_at=now, read_at=None,
                message=f"超期日报：{len(rows)} 项任务在过去一天转为超期：" + "；".join(lines) + more,
                message_en=f"Overdue digest: {len(rows)} tasks became overdue in the last day: "
                           + "; ".join(lines) + more_en,
            ))
        uow.commit()
        return len(rows)
