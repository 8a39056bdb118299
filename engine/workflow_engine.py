"""The engine facade: one object the web UI and the CLI hold; each method names a service.

The facade holds a :class:`~engine.commands.runner.CommandRunner` (the plumbing every command
shares: lock, load, save, commit) and hands it to the service modules, which hold the rules.
Services never see the facade.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from engine import attachments
from engine.commands import bulk_retry, comments, instances, tasks, timers, withdrawal
from engine.commands import message_delivery as messages
from engine.commands import moves as moving
from engine.commands import version_migration as migration
from engine.commands.bulk_retry import BulkRetry
from engine.commands.case_command import Command, Outcome
from engine.commands.digest import send_overdue_digest
from engine.commands.passport_reminders import remind_overdue_passports
from engine.commands.runner import CommandRunner, StartPolicy
from engine.deploy.command import deploy_files
from engine.deploy.dry_run import CheckResult, validate_only
from engine.deploy.pipeline import DeployResult
from engine.people import account_commands as accounts
from engine.people.administration import Administration
from engine.people.identity import SYSTEM, Actor
from engine.service_tasks.registry import HandlerRegistry
from engine.state.activities import load_readonly
from engine.state.case_detail import CaseDetail, read_case
from engine.timekeeping.clock import Clock
from engine.timekeeping.working_days import WorkingCalendar
from store.db import dispose_sessions
from store.models import Attachment, HumanTask, Instance
from store.uow import UnitOfWork

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

__all__ = ["Command", "StartPolicy", "WorkflowEngine"]


class WorkflowEngine:
    """Every service of the engine as a method, over one command runner.

    Args:
        session_factory: Makes the sessions of the units of work.
        clock: The office's clock (default: the real one).
        handlers: The service-task handlers.
        start_policy: Who may start a catalogued process.
        known_groups: The group keys a lane may name.
        **runner_options: ``script_time_limit_s``, ``calendar_ttl_s``, ``workflow_cache_size``.
    """

    def __init__(self, session_factory: Callable[[], Any], clock: Clock | None = None,
                 handlers: HandlerRegistry | None = None, start_policy: StartPolicy | None = None,
                 known_groups: Iterable[str] | None = None,
                 **runner_options: Any) -> None:
        self.runner = CommandRunner(session_factory, clock, handlers, start_policy, known_groups, **runner_options)
        self.administration = Administration(self.runner)
        """Users and units as an administrator manages them (:mod:`engine.people.administration`)."""

    # --- what callers read --------------------------------------------------------------
    @property
    def session_factory(self) -> Callable[[], Any]:
        """The factory of the units of work's sessions (its bind is the database engine)."""
        return self.runner.session_factory

    def dispose(self) -> None:
        """Close the database connections this engine holds (at the end of a worker or a trial)."""
        dispose_sessions(self.runner.session_factory)

    @property
    def clock(self) -> Clock:
        return self.runner.clock

    @property
    def handlers(self) -> HandlerRegistry:
        return self.runner.handlers

    @property
    def known_groups(self) -> set[str]:
        return self.runner.known_groups

    def uow(self, read_only: bool = False) -> UnitOfWork:
        """A unit of work; ``read_only`` for one that only reads."""
        return self.runner.uow(read_only)

    def actor(self, username: str) -> Actor:
        return self.runner.actor(username)

    def calendar(self, uow: UnitOfWork | None = None) -> WorkingCalendar:
        """The working-day calendar with the admin's overrides."""
        return self.runner.calendar(uow)

    def load_readonly(self, uow: UnitOfWork, instance: Instance) -> BpmnWorkflow:
        """A case's workflow for reading (sandboxed, never saved)."""
        return load_readonly(self.runner, uow, instance)

    def read_case(self, uow: UnitOfWork, instance: Instance) -> CaseDetail:
        """A case as its readers see it: data, activities, open tasks, waits and history
        (see :mod:`engine.state.case_detail`)."""
        return read_case(self.runner, uow, instance)

    # --- models -------------------------------------------------------------------------
    def deploy(self, files: Iterable[tuple[str, bytes]], actor: Actor = SYSTEM,
               change_note: str = "") -> list[DeployResult]:
        return deploy_files(self.runner, files, actor, change_note)

    def validate(self, files: Iterable[tuple[str, bytes]]) -> CheckResult:
        """The whole deploy pipeline over ``files`` without writing anything."""
        return validate_only(self.runner, files)

    def migration_preview(self, key: str, from_version: int, to_version: int,
                          limit: int = 500) -> list[migration.MigrationCheck]:
        """Which running cases of a version could move to another, and why not."""
        return migration.preview(self.runner, key, from_version, to_version, limit)

    def migrate_many(self, instance_ids: Iterable[str], actor: Actor, to_version: int,
                     reason: str = "") -> list[migration.MigrationOutcome]:
        """Move cases to another version, each in its own transaction."""
        return migration.migrate_many(self.runner, instance_ids, actor, to_version, reason)

    # --- cases and tasks ----------------------------------------------------------------
    def start(self, key: str, actor: Actor, data: dict | None = None, business_key: str | None = None,
              message: tuple[str, dict] | None = None, check: bool = True) -> Instance:
        """Start the latest version of a process (see :mod:`engine.commands.instances`)."""
        return instances.start_instance(self.runner, key, actor, data or {}, business_key, message, check=check)

    def start_with_next(self, key: str, actor: Actor, data: dict | None = None,
                        business_key: str | None = None) -> Outcome:
        """Start a case; returns it with its open task rows as saved (no second query)."""
        return instances.start_with_next(self.runner, key, actor, data or {}, business_key)

    def claim(self, task_id: str, actor: Actor) -> HumanTask:
        return tasks.claim(self.runner, task_id, actor)

    def unclaim(self, task_id: str, actor: Actor) -> HumanTask:
        return tasks.unclaim(self.runner, task_id, actor)

    def assign(self, task_id: str, actor: Actor, username: str, reason: str = "") -> HumanTask:
        return tasks.assign(self.runner, task_id, actor, username, reason)

    def complete(self, task_id: str, actor: Actor, data: dict | None = None) -> Instance:
        return tasks.complete(self.runner, task_id, actor, data)

    def complete_with_next(self, task_id: str, actor: Actor, data: dict | None = None) -> Outcome:
        """Complete a task; returns the case with its open task rows as saved (no second query)."""
        return tasks.complete_with_next(self.runner, task_id, actor, data)

    def save_draft(self, task_id: str, actor: Actor, data: dict) -> None:
        tasks.save_draft(self.runner, task_id, actor, data)

    def suspend(self, instance_id: str, actor: Actor, reason: str = "") -> Instance:
        return instances.suspend(self.runner, instance_id, actor, reason)

    def resume(self, instance_id: str, actor: Actor, reason: str = "") -> Instance:
        return instances.resume(self.runner, instance_id, actor, reason)

    def terminate(self, instance_id: str, actor: Actor, reason: str = "") -> Instance:
        return instances.terminate(self.runner, instance_id, actor, reason)

    def add_comment(self, instance_id: str, actor: Actor, text: str) -> None:
        """A note in the case's history by someone who may see it (engine.commands.comments)."""
        comments.add_comment(self.runner, instance_id, actor, text)

    def withdraw(self, instance_id: str, actor: Actor, reason: str) -> Instance:
        """The applicant withdraws the case before the office has begun (engine.commands.withdrawal)."""
        return withdrawal.withdraw(self.runner, instance_id, actor, reason)

    def retry_incidents(self, incident_ids: list[int], actor: Actor, reason: str = "") -> BulkRetry:
        """Retry many incidents, one transaction each (engine.commands.bulk_retry)."""
        return bulk_retry.retry_incidents(self.runner, incident_ids, actor, reason)

    def retry_incident(self, incident_id: int, actor: Actor, data: dict | None = None, reason: str = "") -> Instance:
        return instances.retry_incident(self.runner, incident_id, actor, data, reason)

    def move_preview(self, instance_id: str, actor: Actor, from_bpmn_id: str | None, to_bpmn_id: str | None,
                     position: str | None = None, flow_id: str | None = None,
                     from_task: str | None = None) -> moving.MovePreview:
        """What moving a case's token would do, or why it is refused (see :mod:`engine.commands.moves`)."""
        request = moving.MoveRequest(from_bpmn_id, to_bpmn_id, position, flow_id, from_task)
        return moving.move_preview(self.runner, instance_id, actor, request)

    def move(self, instance_id: str, actor: Actor, from_bpmn_id: str, to_bpmn_id: str | None, reason: str,
             position: str | None = None, flow_id: str | None = None, from_task: str | None = None) -> Instance:
        """Move a case's token from one step to before or after another, or onto a sequence flow
        (audited ``moved``); ``from_task`` picks one of several tokens at ``from_bpmn_id``."""
        request = moving.MoveRequest(from_bpmn_id, to_bpmn_id, position, flow_id, from_task)
        return moving.move_token(self.runner, instance_id, actor, request, reason)

    def deliver_message(self, actor: Actor, name: str, correlation: dict | None = None,
                        payload: dict | None = None) -> list[str]:
        return messages.deliver_message(self.runner, actor, name, correlation, payload)

    def save_upload(self, name: str, content_type: str, content: bytes, username: str) -> Attachment:
        """Store one uploaded file (see :mod:`engine.attachments`)."""
        return attachments.save_upload(self.runner, name, content_type, content, username)

    # --- background work ----------------------------------------------------------------
    def fire_due_timers(self, limit: int = 50, stop: timers.StopFlag | None = None) -> int:
        """Fire due timers; ``stop`` (an Event) is checked between cases for a graceful exit."""
        return timers.fire_due_timers(self.runner, limit, stop)

    def send_overdue_digest(self, once_per_day: bool = False) -> int:
        return send_overdue_digest(self.runner, once_per_day=once_per_day)

    def remind_overdue_passports(self, once_per_day: bool = False) -> int:
        return remind_overdue_passports(self.runner, once_per_day=once_per_day)

    def reindex(self) -> int:
        """Rebuild every case's projections from its state; returns how many cases."""
        return instances.reindex(self.runner)

    # --- people -------------------------------------------------------------------------
    def save_users(self, users: Iterable[accounts.UserSpec]) -> list[str]:
        """Create or update users (see :mod:`engine.people.account_commands`)."""
        return accounts.save_users(self.runner, users)

    def save_units(self, units: Iterable[accounts.UnitSpec]) -> list[str]:
        """Create or update units (see :mod:`engine.people.account_commands`)."""
        return accounts.save_units(self.runner, units)

    def issue_token(self, username: str) -> str:
        """A new API token for a user."""
        return accounts.issue_token(self.runner, username)

    def sign_in(self, username: str, password: str) -> accounts.SignedIn | None:
        """Check a password (with the lock-out rules); None when refused."""
        return accounts.sign_in(self.runner, username, password)

    def remember_locale(self, username: str, locale: str) -> None:
        """Keep the user's chosen language."""
        accounts.remember_locale(self.runner, username, locale)
