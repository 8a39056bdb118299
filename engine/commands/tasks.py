"""Human-task commands: claim, unclaim, assign, complete, save a draft."""
from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.attachments import referenced_ids
from engine.commands.case_command import Outcome
from engine.commands.instances import check_form
from engine.errors import Conflict, Forbidden, NotFound
from engine.forms.validation import with_task_data_options
from engine.people.identity import Actor, may_work_task, require_supervisor
from engine.state.stepping import failure_from
from store.models import AuditEvent, HumanTask

if TYPE_CHECKING:
    from engine.commands.runner import CommandRunner

AUDITED_FIELDS = ("decision", "comment", "opinion")


def _lock_case_of(uow, task_id: str):
    """Lock the case a task belongs to; the row lock serialises commands on one case."""
    instance_id = uow.tasks.instance_id_of(task_id)
    if instance_id is None:
        raise NotFound("task_not_found", task=task_id)
    return uow.instances.get_for_update(instance_id)


def _locked_row(uow, task_id: str) -> HumanTask:
    """The task row read after the case's lock was taken."""
    row = uow.tasks.get_fresh(task_id)
    if row is None:
        raise NotFound("task_not_found", task=task_id)
    return row


def _require_open(row: HumanTask) -> None:
    if row.status not in ("open", "claimed"):
        raise Conflict("task_completed" if row.status == "completed" else "task_cancelled")


def claim(engine: "CommandRunner", task_id: str, actor: Actor) -> HumanTask:
    with engine.uow() as uow:
        instance = _lock_case_of(uow, task_id)
        row = _locked_row(uow, task_id)
        _require_open(row)
        if row.lane is not None and row.lane not in actor.groups:
            raise Forbidden("claim_outside_group")
        if row.assignee and row.assignee != actor.username:
            raise Conflict("task_claimed_by", holder=row.assignee)
        row.assignee, row.status = actor.username, "claimed"
        _audit(engine, uow, instance, actor, "claimed", row)
        uow.commit()
        return row


def unclaim(engine: "CommandRunner", task_id: str, actor: Actor) -> HumanTask:
    with engine.uow() as uow:
        instance = _lock_case_of(uow, task_id)
        row = _locked_row(uow, task_id)
        _require_open(row)
        if row.assignee != actor.username and not actor.is_supervisor:
            if row.assignee:
                raise Conflict("task_claimed_by", holder=row.assignee)
            raise Conflict("task_not_claimed")
        if row.lane is not None and row.lane not in actor.groups and not actor.is_supervisor:
            raise Forbidden("unclaim_outside_group")
        row.assignee, row.status = None, "open"
        _audit(engine, uow, instance, actor, "unclaimed", row)
        uow.commit()
        return row


def assign(engine: "CommandRunner", task_id: str, actor: Actor, username: str, reason: str = "") -> HumanTask:
    require_supervisor(actor)
    with engine.uow() as uow:
        target = uow.users.by_username(username)
        if target is None:
            raise NotFound("unknown_user", user=username)
        instance = _lock_case_of(uow, task_id)
        row = _locked_row(uow, task_id)
        _require_open(row)
        row.assignee, row.status = username, "claimed"
        _audit(engine, uow, instance, actor, "assigned", row, to=username, reason=reason)
        uow.commit()
        return row


def _audit(engine, uow, instance, actor: Actor, action: str, row: HumanTask, **detail) -> None:
    uow.audit.add(AuditEvent(instance_id=instance.id, at=engine.clock.now(), actor=actor.username,
                             action=action, task_id=row.id, bpmn_id=row.bpmn_id, detail={"task": row.name, **detail}))


def complete(engine: "CommandRunner", task_id: str, actor: Actor, data: dict | None = None):
    """Complete a task with form data; returns the instance after the engine has moved on."""
    return complete_with_next(engine, task_id, actor, data).instance


def complete_with_next(engine: "CommandRunner", task_id: str, actor: Actor, data: dict | None = None) -> Outcome:
    """Complete a task; returns the case and its task rows open now (read from the saved command,
    so the caller needs no second query)."""
    data = data or {}
    with engine.command(None, actor, task_id=task_id) as cmd:
        row = cmd.task_rows[task_id]  # the command read the case's active task rows with its lock
        _require_open(row)
        if cmd.instance.status != "active":
            raise Conflict("case_not_active", status=cmd.instance.status)
        if not may_work_task(actor, row.lane, row.assignee):
            if row.assignee and (row.lane is None or row.lane in actor.groups):
                raise Conflict("task_claimed_by", holder=row.assignee)
            raise Forbidden("complete_not_allowed")
        version = engine.version(cmd.uow, cmd.instance.process_version_id)
        task = cmd.workflow.get_task_from_id(UUID(task_id))
        if task is None or task.state != TaskState.READY:
            raise Conflict("task_no_longer_open")
        schema = version.forms.get(row.form_file) if row.form_file else None
        check_form(with_task_data_options(schema, task.data), data)
        task.data.update(data)
        cmd.attachment_ids.extend(referenced_ids(data))
        row.status, row.completed_by, row.completed_at = "completed", actor.username, cmd.now
        row.assignee = row.assignee or actor.username
        cmd.audit("completed", task_id, row.bpmn_id, task=row.name,
                  **{k: data[k] for k in AUDITED_FIELDS if k in data}, fields=sorted(data))
        cmd.uow.misc.delete_drafts(task_id)
        try:
            task.run()
        except SpiffWorkflowException as exc:
            cmd.failure = failure_from(exc)
        else:
            engine.advance(cmd)
    return cmd.outcome


def save_draft(engine: "CommandRunner", task_id: str, actor: Actor, data: dict) -> None:
    with engine.uow() as uow:
        row = uow.tasks.get(task_id)
        if row is None:
            raise NotFound("task_not_found", task=task_id)
        if not may_work_task(actor, row.lane, row.assignee):
            raise Forbidden("task_not_yours")
        uow.misc.save_draft(task_id, actor.username, data, engine.clock.now())
        uow.commit()
