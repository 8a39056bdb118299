"""The engine facade: one object the web UI and the CLI hold; each method names a service.

The rules live in the service modules; the plumbing every command shares (lock, load, save,
commit) lives in :mod:`engine.commands.runner`.
"""
from __future__ import annotations

from typing import Iterable

from engine.commands import instances, tasks, timers
from engine.commands import message_delivery as messages
from engine.commands import token_move as moving
from engine.commands.case_command import Command, Outcome
from engine.commands.digest import send_overdue_digest
from engine.commands.runner import CommandRunner, StartPolicy
from engine.deploy.command import deploy_files
from engine.deploy.pipeline import DeployResult
from engine.people.identity import SYSTEM, Actor
from store.models import Instance

__all__ = ["Command", "StartPolicy", "WorkflowEngine"]


class WorkflowEngine(CommandRunner):
    """The command runner with every service as a method."""

    def deploy(self, files: Iterable[tuple[str, bytes]], actor: Actor = SYSTEM, change_note: str = "") -> list[DeployResult]:
        return deploy_files(self, files, actor, change_note)

    def start(self, key: str, actor: Actor, data: dict | None = None, business_key: str | None = None,
              message: tuple[str, dict] | None = None, check: bool = True) -> Instance:
        """Start the latest version of a process (see :mod:`engine.commands.instances`)."""
        return instances.start_instance(self, key, actor, data or {}, business_key, message, check=check)

    def start_with_next(self, key: str, actor: Actor, data: dict | None = None,
                        business_key: str | None = None) -> Outcome:
        """Start a case; returns it with its open task rows as saved (no second query)."""
        return instances.start_with_next(self, key, actor, data or {}, business_key)

    def claim(self, task_id: str, actor: Actor):
        return tasks.claim(self, task_id, actor)

    def unclaim(self, task_id: str, actor: Actor):
        return tasks.unclaim(self, task_id, actor)

    def assign(self, task_id: str, actor: Actor, username: str, reason: str = ""):
        return tasks.assign(self, task_id, actor, username, reason)

    def complete(self, task_id: str, actor: Actor, data: dict | None = None) -> Instance:
        return tasks.complete(self, task_id, actor, data)

    def complete_with_next(self, task_id: str, actor: Actor, data: dict | None = None) -> Outcome:
        """Complete a task; returns the case with its open task rows as saved (no second query)."""
        return tasks.complete_with_next(self, task_id, actor, data)

    def save_draft(self, task_id: str, actor: Actor, data: dict) -> None:
        tasks.save_draft(self, task_id, actor, data)

    def suspend(self, instance_id: str, actor: Actor, reason: str = "") -> Instance:
        return instances.suspend(self, instance_id, actor, reason)

    def resume(self, instance_id: str, actor: Actor, reason: str = "") -> Instance:
        return instances.resume(self, instance_id, actor, reason)

    def terminate(self, instance_id: str, actor: Actor, reason: str = "") -> Instance:
        return instances.terminate(self, instance_id, actor, reason)

    def retry_incident(self, incident_id: int, actor: Actor, data: dict | None = None, reason: str = "") -> Instance:
        return instances.retry_incident(self, incident_id, actor, data, reason)

    def move_preview(self, instance_id: str, actor: Actor, from_bpmn_id: str | None,
                     to_bpmn_id: str | None) -> moving.MovePreview:
        """What moving a case's token would do, or why it is refused (see :mod:`engine.commands.token_move`)."""
        return moving.move_preview(self, instance_id, actor, from_bpmn_id, to_bpmn_id)

    def move(self, instance_id: str, actor: Actor, from_bpmn_id: str, to_bpmn_id: str, reason: str) -> Instance:
        """Move a case's token from one step to another (audited ``moved``)."""
        return moving.move_token(self, instance_id, actor, from_bpmn_id, to_bpmn_id, reason)

    def deliver_message(self, actor: Actor, name: str, correlation: dict | None = None,
                        payload: dict | None = None) -> list[str]:
        return messages.deliver_message(self, actor, name, correlation, payload)

    def fire_due_timers(self, limit: int = 50, stop=None) -> int:
        """Fire due timers; ``stop`` (an Event) is checked between cases for a graceful exit."""
        return timers.fire_due_timers(self, limit, stop)

    def send_overdue_digest(self, once_per_day: bool = False) -> int:
        return send_overdue_digest(self, once_per_day=once_per_day)

    def reindex(self) -> int:
        """Rebuild every case's projections from its state; returns how many cases."""
        return instances.reindex(self)
