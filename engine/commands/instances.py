"""Instance commands: start, suspend, resume, terminate, retry an incident, reindex."""
from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.attachments import referenced_ids
from engine.bpmn.spec_facts import starts_by
from engine.commands.case_command import Command, Outcome
from engine.commands.message_catch import catch_message
from engine.errors import Conflict, Forbidden, NoManualStart, NotFound, ValidationFailed, problem
from engine.forms.case_title import case_title
from engine.forms.options import resolve_unit_options
from engine.forms.rules import RuleContext
from engine.forms.validation import validate_form
from engine.people.identity import SYSTEM, Actor, may_start, require_supervisor
from engine.service_tasks.context import CommandServiceContext
from engine.state import stepping
from store.models import Instance

if TYPE_CHECKING:
    from engine.commands.runner import CommandRunner
    from store.uow import UnitOfWork

MAX_DATA_BYTES = 2 * 1024 * 1024


def check_form(schema: dict | None, data: dict, context: RuleContext | None = None) -> None:
    """Raise ValidationFailed with field errors when data breaks the schema or its rules (``x-rules``)."""
    if not isinstance(data, dict):
        raise ValidationFailed("data_not_object", [problem("", "data_not_object")])
    if schema is None:
        return
    errors = validate_form(schema, data, context)
    if errors:
        raise ValidationFailed("form_invalid", errors)


def start_instance(engine: CommandRunner, key: str, actor: Actor, data: dict, business_key: str | None,
                   message: tuple[str, dict] | None = None, check: bool = True,
                   timer_start: str | None = None) -> Instance:
    """Start the latest version of a process in its own transaction."""
    return start_with_next(engine, key, actor, data, business_key, message, check, timer_start).instance


def start_with_next(engine: CommandRunner, key: str, actor: Actor, data: dict, business_key: str | None,
                    message: tuple[str, dict] | None = None, check: bool = True,
                    timer_start: str | None = None) -> Outcome:
    """Start a case in its own transaction; returns it with its task rows open now."""
    with engine.uow() as uow:
        cmd = start_command(engine, uow, key, actor, data, business_key, message, check, timer_start)
        uow.commit()
        engine.keep(cmd)
        return cmd.outcome


def start_in(engine: CommandRunner, uow: UnitOfWork, key: str, actor: Actor, data: dict, business_key: str | None,
             message: tuple[str, dict] | None = None, check: bool = True,
             timer_start: str | None = None) -> Instance:
    """Start a case inside the caller's unit of work (the caller commits)."""
    return start_command(engine, uow, key, actor, data, business_key, message, check, timer_start).instance


def start_command(engine: CommandRunner, uow: UnitOfWork, key: str, actor: Actor, data: dict, business_key: str | None,
                  message: tuple[str, dict] | None = None, check: bool = True,
                  timer_start: str | None = None) -> Command:
    """Start a case inside the caller's unit of work (the caller commits); returns the saved command."""
    version_id = uow.processes.latest_id(key)  # one small query; the version itself is cached
    if version_id is None:
        raise NotFound("process_not_found", key=key)
    version = engine.version(uow, version_id)
    if check:
        if message is None and not version.manual_start:
            raise NoManualStart("no_manual_start", key=key)
        if not may_start(actor, engine.start_policy(key), version.start_lane):
            raise Forbidden("start_not_allowed", key=key)
        schema = version.forms.get(version.start_form) if version.start_form else None
        today = engine.clock.now().astimezone(engine.calendar(uow).tz).date()
        check_form(resolve_unit_options(uow, schema), data, RuleContext(today))  # unit choices: the active units
    start_schema = version.forms.get(version.start_form) if version.start_form else None
    now = engine.clock.now()
    spec, subs = engine.codec.load_specs(version.id, version.spec_json)
    workflow = BpmnWorkflow(spec, subs)
    stepping.choose_start_events(workflow, lambda ts: starts_by(ts, message and message[0], timer_start))
    instance_id = engine.new_instance_id()
    bk = business_key or f"{now.astimezone(engine.calendar(uow).tz).strftime('%Y%m%d')}-{instance_id[:8].upper()}"
    instance = Instance(
        id=instance_id, process_version_id=version.id, process_key=key, version=version.version,
        status="active", business_key=bk, title=case_title(start_schema, data, version.title, bk),
        state="{}", serializer_version="", revision=0, started_by=actor.username,
        started_at=now, updated_at=now, ended_at=None, due_at=None, unit_key=actor.unit,
    )
    uow.instances.add(instance)
    services = CommandServiceContext(uow, instance, actor.username, now, actor.locale)
    workflow.script_engine = engine.script_engine(services, uow)
    initial = {**data, "business_key": bk, "applicant": actor.username,
               "applicant_name": actor.display_name or actor.username, "process_key": key}
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(initial)
    cmd = Command(uow, instance, workflow, actor, now, services, had_events=False)
    cmd.task_rows = {}  # a new case has no task rows yet: the projection needs no query
    cmd.attachment_ids.extend(referenced_ids(data))
    cmd.audit("started", version=version.version, business_key=bk, fields=sorted(data))
    engine.advance(cmd)
    if cmd.failure is None and message is not None:
        catch_message(cmd, message[0], message[1], {})
        engine.advance(cmd)
    if cmd.failure is None and timer_start is not None:
        for fired in stepping.fire_start_timer(workflow, timer_start):
            cmd.audit_timer(None, fired)
        engine.advance(cmd)
    engine.save(cmd)
    return cmd


def suspend(engine: CommandRunner, instance_id: str, actor: Actor, reason: str = "") -> Instance:
    require_supervisor(actor)
    with engine.command(instance_id, actor) as cmd:
        if cmd.instance.status not in ("active", "error"):
            raise Conflict("case_cannot_suspend", status=cmd.instance.status)
        cmd.instance.status = "suspended"
        cmd.audit("suspended", reason=reason)
    return cmd.instance


def resume(engine: CommandRunner, instance_id: str, actor: Actor, reason: str = "") -> Instance:
    require_supervisor(actor)
    with engine.command(instance_id, actor) as cmd:
        if cmd.instance.status != "suspended":
            raise Conflict("case_cannot_resume", status=cmd.instance.status)
        cmd.instance.status = "active"
        cmd.audit("resumed", reason=reason)
        engine.advance(cmd)  # timers that fell due meanwhile are picked up by the next poll
    return cmd.instance


def terminate(engine: CommandRunner, instance_id: str, actor: Actor, reason: str = "") -> Instance:
    require_supervisor(actor)
    with engine.command(instance_id, actor) as cmd:
        if cmd.instance.status in ("completed", "terminated"):
            raise Conflict("case_cannot_terminate", status=cmd.instance.status)
        cmd.workflow.cancel()
        cmd.instance.status = "terminated"
        for incident in cmd.uow.incidents.open_for(instance_id):
            incident.resolved_at = cmd.now
        cmd.audit("terminated", reason=reason)
    return cmd.instance


def retry_incident(engine: CommandRunner, incident_id: int, actor: Actor, data: dict | None = None,
                   reason: str = "") -> Instance:
    require_supervisor(actor)
    with engine.uow(read_only=True) as uow:
        incident = uow.incidents.get(incident_id)
        if incident is None:
            raise NotFound("incident_not_found", incident=incident_id)
        instance_id = incident.instance_id
    with engine.command(instance_id, actor) as cmd:
        incident = cmd.uow.incidents.get(incident_id)
        if incident is None:
            raise NotFound("incident_not_found", incident=incident_id)
        if incident.resolved_at is not None:
            raise Conflict("incident_resolved")
        if cmd.instance.status == "suspended":
            raise Conflict("resume_before_retry")
        if incident.task_id:
            task = cmd.workflow.get_task_from_id(UUID(incident.task_id))
            if data:
                task.data.update(data)
            if task.state == TaskState.ERROR:
                task._set_state(TaskState.READY)  # the documented way to re-run a failed task
        incident.resolved_at = cmd.now
        cmd.instance.status = "active"
        cmd.audit("retried", incident.task_id, incident.bpmn_id, incident=incident_id,
                  patched=sorted((data or {}).keys()), reason=reason)
        cmd.uow.session.flush()
        engine.advance(cmd)
    return cmd.instance


def reindex(engine: CommandRunner) -> int:
    """Rebuild every case's projections from its state (a plain re-save); returns how many cases."""
    with engine.uow(read_only=True) as uow:
        ids = uow.instances.all_ids()
    for instance_id in ids:
        with engine.command(instance_id, SYSTEM):
            pass  # the state is unchanged; saving rebuilds the projections from it
    with engine.uow() as uow:
        uow.tasks.rebuild_counts()  # and the counter projection from the task rows
        uow.commit()
    return len(ids)
