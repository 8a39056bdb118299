"""What one command on a case works on, for the length of one transaction."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from engine.people.identity import Actor
from engine.service_tasks.context import CommandServiceContext
from engine.state.stepping import StepFailure
from store.models import AuditEvent, HumanTask, Instance
from store.uow import UnitOfWork

TIMER_ACTOR_NAME = "timer"


@dataclass
class Command:
    """A locked, loaded case and what the command has done to it so far."""

    uow: UnitOfWork
    instance: Instance
    workflow: BpmnWorkflow
    actor: Actor
    now: datetime
    services: CommandServiceContext
    events: list[AuditEvent] = field(default_factory=list)
    failure: StepFailure | None = None
    skip_save: bool = False  # nothing to do after all: roll back instead of saving
    had_events: bool = True  # timers or messages waited when loaded (their rows need rewriting)
    attachment_ids: list[str] = field(default_factory=list)  # uploads the submitted data refers to
    task_rows: dict[str, HumanTask] | None = None  # the case's human-task rows, when already loaded
    open_rows: list[HumanTask] = field(default_factory=list)  # after the save: the case's open task rows

    @property
    def outcome(self) -> Outcome:
        return Outcome(self.instance, self.open_rows)

    def audit(self, action: str, task_id: str | None = None, bpmn_id: str | None = None, **detail: Any) -> None:
        self.events.append(AuditEvent(instance_id=self.instance.id, at=self.now, actor=self.actor.username,
                                      action=action, task_id=task_id, bpmn_id=bpmn_id, detail=detail))

    def audit_timer(self, task_id: str | None, bpmn_id: str) -> None:
        """A timer fired: one ``timer`` event by the timer, whichever command it fell due in."""
        self.events.append(AuditEvent(instance_id=self.instance.id, at=self.now, actor=TIMER_ACTOR_NAME,
                                      action="timer", task_id=task_id, bpmn_id=bpmn_id, detail={}))


@dataclass(frozen=True)
class Outcome:
    """A case after a command, with its open task rows as saved (what the API answers with)."""

    instance: Instance
    open_tasks: list[Any]
