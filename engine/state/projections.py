"""Projections written beside the state: human tasks, timers, message subscriptions."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from jinja2.sandbox import SandboxedEnvironment
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.spec_facts import form_files
from engine.people.visibility import task_owners
from engine.state.stepping import tasks_in_state, waiting_messages, waiting_timers, waiting_timers_of
from engine.tasks import lifecycle
from engine.tasks.lifecycle import TaskStatus
from store.models import HumanTask, MessageSubscription, Timer

if TYPE_CHECKING:
    from jinja2 import Template
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.task import Task

    from store.models import Instance
    from store.uow import UnitOfWork

_JINJA = SandboxedEnvironment(autoescape=False)


@lru_cache(maxsize=512)
def _compiled(template: str) -> Template:
    return _JINJA.from_string(template)


def render_instructions(template: str | None, data: dict) -> str:
    """Render a task's ``instructionsForEndUser`` in a sandbox; a broken template shows as is."""
    if not template:
        return ""
    try:
        return _compiled(template).render(**data)
    except Exception:
        return template


def ready_human_tasks(workflow: BpmnWorkflow) -> list[Task]:
    """The READY manual tasks of the workflow and its running sub-processes."""
    return [t for t in tasks_in_state(workflow, TaskState.READY) if t.task_spec.manual]


def _task_due(task: Task) -> datetime | None:
    """The earliest waiting boundary timer attached to the task, if any (a timer in a parallel
    branch is no due time of the task)."""
    parent = task.parent
    if parent is None or not isinstance(parent.task_spec, BoundaryEventSplit):
        return None
    dues = [t.due for t in waiting_timers_of(parent.children) if t.task is not task]
    known = [d for d in dues if d is not None]
    return min(known) if known else None


def sync_human_tasks(uow: UnitOfWork, instance: Instance, workflow: BpmnWorkflow, now: datetime,
                     known_rows: dict[str, HumanTask] | None = None) -> list[HumanTask]:
    """Insert rows for newly ready manual tasks, cancel rows whose task is no longer ready.

    Args:
        known_rows: the case's open or claimed rows (and any other row a ready task may have),
            when the command loaded them already.

    Returns:
        The open or claimed rows after the sync.
    """
    ready = {str(t.id): t for t in ready_human_tasks(workflow)}
    if known_rows is not None:
        rows = known_rows
    else:
        rows = {t.id: t for t in uow.tasks.active_or_listed(instance.id, list(ready))}
    for task_id, stale in rows.items():
        if task_id not in ready:
            lifecycle.cancel(stale, now)
    active: list[HumanTask] = []
    for task_id, task in ready.items():
        row = rows.get(task_id)
        spec = task.task_spec
        due = _task_due(task)
        if row is None:
            schema, ui = form_files(spec)
            ext = getattr(spec, "extensions", None) or {}
            props = ext.get("properties") or {}
            try:
                priority = int(props.get("priority", task.data.get("priority", 50)))
            except (TypeError, ValueError):
                priority = 50
            owners = task_owners(spec.lane, task.data, instance.unit_key, instance.started_by)
            row = HumanTask(
                id=task_id, instance_id=instance.id, process_key=instance.process_key,
                bpmn_id=spec.bpmn_id, name=spec.bpmn_name or spec.bpmn_id, lane=spec.lane,
                form_file=schema, ui_form_file=ui,
                instructions=render_instructions(ext.get("instructionsForEndUser"), task.data),
                status=TaskStatus.OPEN, assignee=None, priority=priority, created_at=now, due_at=due,
                business_key=instance.business_key, case_title=instance.title, applicant=instance.started_by,
                owners=" ".join(owners) or None,
            )
            uow.tasks.add(row)
            uow.tasks.add_owners(task_id, owners)
        else:
            if due is not None:  # a fired SLA timer leaves the task due (and overdue) as it was
                row.due_at = due
            lifecycle.reopen(row, now)
        active.append(row)
    return active  # the commit flushes the rows together with the state


def timer_rows(instance: Instance, workflow: BpmnWorkflow) -> list[Timer]:
    rows = []
    for timer in waiting_timers(workflow):
        due = timer.due
        if due is not None:
            rows.append(Timer(instance_id=instance.id, process_key=instance.process_key,
                              task_id=str(timer.task.id), bpmn_id=timer.bpmn_id, due_at=due))
    return rows


def subscription_rows(instance: Instance, workflow: BpmnWorkflow) -> list[MessageSubscription]:
    rows = []
    engine = workflow.script_engine
    for task, bpmn_id, ed in waiting_messages(workflow):
        correlation: dict = {}
        for prop in ed.correlation_properties or []:
            try:
                correlation[prop.name] = engine.environment.evaluate(prop.retrieval_expression, dict(task.data))
            except Exception:
                continue
        key = correlation.get("business_key", next(iter(correlation.values()), None))
        rows.append(MessageSubscription(
            instance_id=instance.id, message_name=ed.name, task_id=str(task.id),
            bpmn_id=bpmn_id, correlation=correlation,
            correlation_key=str(key) if key is not None else None,
        ))
    return rows
