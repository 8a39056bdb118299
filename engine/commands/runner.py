"""The command runner: every command on a case is lock + load -> mutate -> save + projections + audit -> commit.

Service modules (tasks, instances, messages, timers, migration) take a :class:`CommandRunner` and
run their rules inside :meth:`CommandRunner.command`; :mod:`engine.workflow_engine` composes them.
"""
from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from cachetools import LRUCache

from engine.commands.case_command import Command
from engine.commands.escalations import notify_escalations
from engine.errors import Conflict, NotFound
from engine.people.identity import GROUPS, Actor, load_actor
from engine.sandbox.script_engine import RestrictedScriptEngine
from engine.service_tasks.context import CommandServiceContext
from engine.service_tasks.registry import HandlerRegistry
from engine.state import stepping
from engine.state.projections import subscription_rows, sync_human_tasks, timer_rows
from engine.state.serializer import SERIALIZER_VERSION, WorkflowCodec
from engine.state.stepping import StepFailure
from engine.state.workflow_cache import WorkflowCache
from engine.tasks import lifecycle
from engine.timekeeping.clock import Clock
from engine.timekeeping.working_days import WorkingCalendar
from store.errors import StaleState
from store.models import Incident, Instance, ProcessVersion
from store.uow import UnitOfWork

StartPolicy = Callable[[str], "frozenset[str] | None"]
STALE_CONFLICT = "case_changed"




class CommandRunner:
    """Runs commands on cases: the codec, clock, handlers and policies over a session factory."""

    def __init__(
        self,
        session_factory: Callable[[], Any],  # makes SQLAlchemy sessions, which engine never names
        clock: Clock | None = None,
        handlers: HandlerRegistry | None = None,
        start_policy: StartPolicy | None = None,
        known_groups: Iterable[str] | None = None,
        script_time_limit_s: float = 2.0,
        calendar_ttl_s: float = 60.0,
        workflow_cache_size: int = 256,
    ) -> None:
        self.session_factory = session_factory
        self.clock = clock or Clock()
        self.handlers = handlers or HandlerRegistry()
        self.start_policy = start_policy or (lambda key: None)
        self.known_groups = set(known_groups or GROUPS)
        self.codec = WorkflowCodec()
        self.workflows = WorkflowCache(workflow_cache_size)
        self.script_time_limit_s = script_time_limit_s
        self._versions: LRUCache[int, Any] = LRUCache(maxsize=512)
        self._calendar: WorkingCalendar | None = None
        self._calendar_loaded = 0.0
        self._calendar_ttl_s = calendar_ttl_s
        # test hook: called after the state is written (on PostgreSQL: queued) and before commit
        self.before_commit: Callable[[Command], None] | None = None

    # --- plumbing -----------------------------------------------------------------------
    def uow(self, read_only: bool = False) -> UnitOfWork:
        """A unit of work; ``read_only`` for one that only reads (see :class:`UnitOfWork`)."""
        return UnitOfWork(self.session_factory, read_only=read_only)

    def actor(self, username: str) -> Actor:
        with self.uow(read_only=True) as uow:
            return load_actor(uow, username)

    def calendar(self, uow: UnitOfWork | None = None) -> WorkingCalendar:
        if self._calendar is None or time.monotonic() - self._calendar_loaded > self._calendar_ttl_s:
            if uow is None:
                with self.uow(read_only=True) as own:
                    overrides = own.misc.calendar_overrides()
            else:
                overrides = uow.misc.calendar_overrides()
            self._calendar = WorkingCalendar(overrides=overrides)
            self._calendar_loaded = time.monotonic()
        return self._calendar

    def invalidate_calendar(self) -> None:
        self._calendar = None

    def script_engine(self, services: CommandServiceContext | None, uow: UnitOfWork) -> RestrictedScriptEngine:
        def call(name: str, params: dict) -> Any:
            if services is None:
                raise ValueError(f"operator '{name}' called outside a case")
            handler = self.handlers.get(name)
            if handler is None:
                raise ValueError(f"no service handler registered for operator '{name}'")
            services.bind_task(script.current_task)  # task_data() and the registers' history name it
            return handler(services, params)

        script = RestrictedScriptEngine(self.clock, self.calendar(uow), service_caller=call,
                                        time_limit_s=self.script_time_limit_s)
        return script

    def version(self, uow: UnitOfWork, version_id: int) -> ProcessVersion:
        """A process version row; versions never change once deployed, so they are cached."""
        hit = self._versions.get(version_id)
        if hit is None:
            hit = uow.processes.detached(version_id)
            if hit is None:
                raise NotFound("version_id_not_found", version_id=version_id)
            self._versions[version_id] = hit
        return hit

    def load(self, uow: UnitOfWork, instance: Instance, actor: Actor, now: datetime,
             reuse: bool = False) -> Command:
        """The case's workflow with a fresh sandbox; with ``reuse``, the live workflow the last
        command on this case committed, when the row's revision shows nobody wrote it since."""
        version = self.version(uow, instance.process_version_id)
        workflow = self.workflows.take(instance.id, version.id, instance.revision) if reuse else None
        if workflow is None:
            spec, subs = self.codec.load_specs(version.id, version.spec_json)
            workflow = self.codec.load_state(instance.state, instance.serializer_version, spec, subs)
        services = CommandServiceContext(uow, instance, actor.username, now, actor.locale)
        workflow.script_engine = self.script_engine(services, uow)  # never run a script unsandboxed
        cmd = Command(uow, instance, workflow, actor, now, services)
        cmd.had_events = bool(workflow.waiting_events())
        return cmd

    @contextmanager
    def command(self, instance_id: str | None, actor: Actor, skip_locked: bool = False,
                task_id: str | None = None,
                claim: Callable[[UnitOfWork], str | None] | None = None) -> Iterator[Command]:
        """Lock and load an instance; on clean exit save state, projections, audit and commit.

        Pass ``task_id`` instead of ``instance_id`` to work on the case a human task belongs to
        (the command then holds, in ``task_rows``, the task's row and every open or claimed
        task row of the case), or ``claim``: called first inside the transaction, it locks a row that names the case
        (a due timer) and returns the case's id, or None when there is nothing to do.

        Raises:
            NotFound: no such case or task, nothing claimed, or (with ``skip_locked``) another
                worker holds the case.
        """
        with self.uow() as uow:
            if claim is not None:
                instance_id = claim(uow)
                if instance_id is None:
                    raise NotFound("nothing_to_claim")
            rows = None
            if task_id is not None:
                instance, rows = uow.instances.lock_with_rows_by_task(task_id)
                if instance is None:
                    raise NotFound("task_not_found", task=task_id)
            else:
                instance = (uow.instances.get_for_update(instance_id, skip_locked=skip_locked)
                            if instance_id is not None else None)
                if instance is None:
                    raise NotFound("case_not_found", case=instance_id)
            cmd = self.load(uow, instance, actor, self.clock.now(), reuse=True)
            if rows is not None:
                cmd.task_rows = {r.id: r for r in rows}
            yield cmd
            if cmd.skip_save:
                return
            try:
                self.save(cmd)
                uow.commit()
            except StaleState:  # PostgreSQL checks the revision when the queued writes are sent
                raise Conflict(STALE_CONFLICT) from None
            self.keep(cmd)

    def keep(self, cmd: Command) -> None:
        """After the commit: keep the live workflow of a case that goes on, for its next command."""
        instance = cmd.instance
        if instance.status in ("completed", "terminated"):
            self.workflows.discard(instance.id)
        else:
            self.workflows.put(instance.id, instance.process_version_id, instance.revision, cmd.workflow)

    def advance(self, cmd: Command) -> None:
        """Run engine steps; a failure is kept on the command and becomes an incident on save."""
        failure = stepping.advance(cmd.workflow)
        if failure is not None:
            cmd.failure = failure

    def save(self, cmd: Command) -> None:
        uow, instance, wf = cmd.uow, cmd.instance, cmd.workflow
        if cmd.failure is not None:
            self.open_incident(cmd, cmd.failure)
        status = instance.status
        has_incident = cmd.failure is not None or (status == "error" and bool(uow.incidents.open_for(instance.id)))
        if status in ("active", "error"):
            if has_incident:
                status = "error"
            elif wf.is_completed():
                status = "completed"
            else:
                status = "active"
        values: dict[str, Any] = {
            "state": self.codec.dump_state(wf),
            "serializer_version": SERIALIZER_VERSION,
            "status": status,
            "updated_at": cmd.now,
        }
        if status in ("completed", "terminated") and instance.ended_at is None:
            values["ended_at"] = cmd.now
        active = (sync_human_tasks(uow, instance, wf, cmd.now, cmd.task_rows)
                  if status not in ("completed", "terminated") else [])
        if status in ("completed", "terminated"):
            for row in uow.reads.tasks.open_of(instance.id):
                lifecycle.cancel(row, cmd.now)  # the row completed by this command stays completed
            uow.events.replace_for(instance.id, [], [])
        elif cmd.had_events or wf.waiting_events():
            uow.events.replace_for(instance.id, timer_rows(instance, wf), subscription_rows(instance, wf))
        uow.tasks.write_changes()
        cmd.open_rows = sorted(active, key=lambda r: (r.created_at, r.id))
        dues = [t.due_at for t in active if t.due_at is not None]
        values["due_at"] = min(dues) if dues else None
        if not uow.instances.save_state(instance, values):
            raise Conflict(STALE_CONFLICT)
        notify_escalations(cmd)
        uow.audit.add_all(cmd.events)  # one multi-row insert
        if cmd.attachment_ids:
            uow.misc.link_attachments(cmd.attachment_ids, instance.id)
        if self.before_commit is not None:
            uow.session.flush()
            self.before_commit(cmd)

    def open_incident(self, cmd: Command, failure: StepFailure) -> None:
        cmd.uow.incidents.add(Incident(
            instance_id=cmd.instance.id, task_id=failure.task_id, bpmn_id=failure.bpmn_id,
            error_type=failure.error_type, message=failure.message, line=failure.line,
            created_at=cmd.now, resolved_at=None,
        ))
        cmd.audit("incident", failure.task_id, failure.bpmn_id, error=failure.message, type=failure.error_type)

    def new_instance_id(self) -> str:
        return uuid.uuid4().hex
