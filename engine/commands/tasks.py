"""Human-task commands: claim, unclaim, assign, complete, save a draft.

Each is one locked command on the task's case (:meth:`CommandRunner.command`); the moves and who
may make them are the task lifecycle's (:mod:`engine.tasks.lifecycle`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.attachments import referenced_ids
from engine.commands.case_command import Command, Outcome
from engine.commands.instances import check_form
from engine.errors import Conflict, Forbidden, NotFound
from engine.forms.options import resolve_unit_options
from engine.forms.rules import RuleContext
from engine.forms.validation import with_task_data_options
from engine.people.identity import Actor, load_actor
from engine.people.visibility import may_receive_task, may_work_task, require_task_in_sight
from engine.state.stepping import failure_from
from engine.tasks import lifecycle
from store.models import HumanTask, Instance

if TYPE_CHECKING:
    from engine.commands.runner import CommandRunner

AUDITED_FIELDS = ("decision", "comment", "opinion")


def _row(cmd: Command, task_id: str) -> HumanTask:
    """The task's row: a command opened on a task always holds the rows it read with its lock.

    Raises:
        NotFound: the task is hidden from the actor (another unit's).
    """
    assert cmd.task_rows is not None, "a command opened on a task holds its task rows"
    row = cmd.task_rows[task_id]
    require_task_in_sight(cmd.uow, cmd.actor, row)
    return row


def _require_case_active(cmd: Command) -> None:
    """A task of a suspended (or failed) case waits: nobody claims or completes it.

    Raises:
        Conflict: ``case_not_active``, naming the case's status.
    """
    if cmd.instance.status != "active":
        raise Conflict("case_not_active", code="case_not_active", status=cmd.instance.status)


def claim(engine: CommandRunner, task_id: str, actor: Actor) -> HumanTask:
    """Take a task from its lane's queue; claiming a task one holds already changes nothing.

    Raises:
        Conflict: the task is taken or finished, or its case is not active (suspended).
    """
    with engine.command(None, actor, task_id=task_id) as cmd:
        row = _row(cmd, task_id)
        if lifecycle.holds(row, actor):
            cmd.skip_save = True
        else:
            lifecycle.check(lifecycle.CLAIM, actor, row)  # a taken task names its holder first
            _require_case_active(cmd)
            lifecycle.fire(cmd, row, lifecycle.CLAIM)
    return row


def unclaim(engine: CommandRunner, task_id: str, actor: Actor) -> HumanTask:
    """Give a claimed task back to its lane's queue."""
    with engine.command(None, actor, task_id=task_id) as cmd:
        row = _row(cmd, task_id)
        lifecycle.fire(cmd, row, lifecycle.UNCLAIM)
    return row


def assign(engine: CommandRunner, task_id: str, actor: Actor, username: str, reason: str = "") -> HumanTask:
    """Hand a task to a user (a supervisor's move); a task bound to owners goes to one of them.

    Raises:
        NotFound: no such task or user.
        Forbidden: the user is not one of the task's owners.
    """
    with engine.command(None, actor, task_id=task_id) as cmd:
        row = _row(cmd, task_id)
        lifecycle.check(lifecycle.ASSIGN, actor, row)
        if not may_receive_task(load_actor(cmd.uow, username), row):  # NotFound: no such user
            raise Forbidden("assignee_not_owner", user=username)
        lifecycle.fire(cmd, row, lifecycle.ASSIGN, username, to=username, reason=reason)
    return row


def complete(engine: CommandRunner, task_id: str, actor: Actor, data: dict | None = None) -> Instance:
    """Complete a task with form data; returns the instance after the engine has moved on."""
    return complete_with_next(engine, task_id, actor, data).instance


def complete_with_next(engine: CommandRunner, task_id: str, actor: Actor, data: dict | None = None) -> Outcome:
    """Complete a task; returns the case and its task rows open now (read from the saved command,
    so the caller needs no second query)."""
    data = data or {}
    with engine.command(None, actor, task_id=task_id) as cmd:
        row = _row(cmd, task_id)  # the command read the case's active task rows with its lock
        lifecycle.check(lifecycle.COMPLETE, actor, row)
        _require_case_active(cmd)
        version = engine.version(cmd.uow, cmd.instance.process_version_id)
        task = cmd.workflow.get_task_from_id(UUID(task_id))
        if task is None or task.state != TaskState.READY:
            raise Conflict("task_no_longer_open", code="task_not_ready")
        schema = version.forms.get(row.form_file) if row.form_file else None
        today = cmd.now.astimezone(engine.calendar(cmd.uow).tz).date()
        check_form(resolve_unit_options(cmd.uow, with_task_data_options(schema, task.data)), data,
                   RuleContext(today, task.data))
        task.data.update(data)
        cmd.attachment_ids.extend(referenced_ids(data))
        lifecycle.fire(cmd, row, lifecycle.COMPLETE, **{k: data[k] for k in AUDITED_FIELDS if k in data},
                       fields=sorted(data))
        cmd.uow.misc.delete_drafts(task_id)
        try:
            task.run()
        except SpiffWorkflowException as exc:
            cmd.failure = failure_from(exc)
        else:
            engine.advance(cmd)
    return cmd.outcome


def save_draft(engine: CommandRunner, task_id: str, actor: Actor, data: dict) -> None:
    """Keep what the actor typed into a task's form, for them alone, until they complete it."""
    with engine.uow() as uow:
        row = uow.tasks.get(task_id)
        if row is None:
            raise NotFound("task_not_found", task=task_id)
        require_task_in_sight(uow, actor, row)
        if not may_work_task(actor, row):
            raise Forbidden("task_not_yours")
        uow.misc.save_draft(task_id, actor.username, data, engine.clock.now())
        uow.commit()
