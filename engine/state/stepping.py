"""Advancing a workflow: engine steps, incidents, timers on our clock, the deep-loop stall."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

MAX_TREE_DEPTH = 900  # SpiffWorkflow stalls silently past ~1000


@dataclass
class StepFailure:
    task_id: str | None
    bpmn_id: str | None
    error_type: str
    message: str
    line: int | None


def failure_from(exc: BaseException) -> StepFailure:
    task = getattr(exc, "task", None)
    task_id = str(task.id) if task is not None else None
    bpmn_id = getattr(task.task_spec, "bpmn_id", None) if task is not None else None
    line = getattr(exc, "line_number", None)
    message = str(exc.args[0]) if exc.args else exc.__class__.__name__
    inner = getattr(exc, "exception", None)
    if inner is not None and str(inner) and str(inner) not in message:
        message = f"{message}: {inner}"
    notes = getattr(exc, "notes", None) or []
    if notes:
        message = message + " (" + "; ".join(str(n) for n in notes) + ")"
    error_type = inner.__class__.__name__ if inner is not None else exc.__class__.__name__
    return StepFailure(task_id, bpmn_id, error_type, message, line if isinstance(line, int) and line else None)


def tasks_in_state(workflow, state: int) -> list:
    """Tasks of the workflow and its running sub-processes whose state is in the ``state`` mask.

    A scan of the task maps; SpiffWorkflow's ``get_tasks`` walks the tree through an iterator,
    which the hot path cannot afford several times per command."""
    return [t for wf in (workflow, *workflow.subprocesses.values()) for t in wf.tasks.values() if t.state & state]


def _depth(task) -> int:
    depth = 0
    while task is not None:
        depth += 1
        task = task.parent
    return depth


def advance(workflow, clock_now: datetime) -> StepFailure | None:
    """Run engine steps; fix new timers to our clock; detect errors and the deep-loop stall.

    Returns:
        The failure to record as an incident, or None.
    """
    try:
        workflow.do_engine_steps()
    except SpiffWorkflowException as exc:
        return failure_from(exc)
    except RecursionError:
        return StepFailure(None, None, "LoopTooDeep", "the process looped too often through a gateway; "
                           "model repetition with a loop or multi-instance task", None)
    fix_timers(workflow, clock_now)
    return detect_stall(workflow)


def error_tasks(workflow) -> list:
    return workflow.get_tasks(state=TaskState.ERROR)


def detect_stall(workflow) -> StepFailure | None:
    deepest = 0
    # a task is no deeper than its workflow has tasks: a small case needs no walk up the tree
    if sum(len(wf.tasks) for wf in (workflow, *workflow.subprocesses.values())) > MAX_TREE_DEPTH:
        for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED):
            deepest = max(deepest, _depth(task))
    if deepest > MAX_TREE_DEPTH:
        return StepFailure(None, None, "LoopTooDeep",
                           f"the case's task tree is {deepest} levels deep (a gateway loop ran too often); "
                           "SpiffWorkflow would stop silently past 1000", None)
    if workflow.is_completed():
        ended = any(
            isinstance(t.task_spec, EndEvent) and t.state == TaskState.COMPLETED
            for t in workflow.get_tasks(state=TaskState.COMPLETED, first_task=None)
            if t.workflow is workflow
        )
        if not ended:
            return StepFailure(None, None, "Stalled", "the process stopped without reaching an end event", None)
    return None


def waiting_timer_tasks(workflow) -> list:
    out = []
    for task in tasks_in_state(workflow, TaskState.WAITING):
        ed = getattr(task.task_spec, "event_definition", None)
        if isinstance(ed, TimerEventDefinition):
            out.append(task)
    return out


def fix_timers(workflow, now: datetime) -> None:
    """Give every newly waiting timer a due time measured on the engine clock.

    SpiffWorkflow computes durations from the wall clock; the engine owns time instead (tests
    move a clock, production uses the real one), so the due time is recomputed once and marked.
    """
    for task in waiting_timer_tasks(workflow):
        if "fao_due_at" in task.internal_data:
            continue
        ed = task.task_spec.event_definition
        value = task.internal_data.get("event_value")
        due: datetime | None = None
        try:
            if isinstance(ed, DurationTimerEventDefinition):
                expr = workflow.script_engine.evaluate(task, ed.expression)
                parsed = TimerEventDefinition.parse_iso_duration(expr)
                due = now + TimerEventDefinition.get_timedelta_from_start(parsed, now)
                task.internal_data["event_value"] = due.isoformat()
            elif isinstance(ed, CycleTimerEventDefinition):
                if isinstance(value, dict) and value.get("cycles") != 0:
                    if task.internal_data.pop("fao_cycle_fired", False):
                        due = now + timedelta(seconds=value["duration"])
                    else:
                        due = _first_cycle_due(workflow.script_engine.evaluate(task, ed.expression), now)
                    value["next"] = due.isoformat()
            elif isinstance(value, str):
                due = TimerEventDefinition.get_datetime(value)
        except Exception:  # noqa: BLE001 - a bad expression surfaces when the timer is refreshed
            due = None
        if due is not None:
            task.internal_data["fao_due_at"] = due.astimezone(timezone.utc).isoformat()


def _first_cycle_due(expression_value: str, now: datetime) -> datetime:
    """The first due time of an ISO 8601 repeating interval, measured on the engine clock."""
    parts = str(expression_value).upper().replace("--", "/").strip("R").split("/")
    if len(parts) >= 2 and parts[1].startswith("P"):
        duration = TimerEventDefinition.get_timedelta_from_start(TimerEventDefinition.parse_iso_duration(parts[1]), now)
        if len(parts) == 3 and not parts[2].startswith("P"):
            return TimerEventDefinition.get_datetime(parts[2]) - duration
        return now + duration
    return TimerEventDefinition.get_datetime(parts[1])


def timer_due(task) -> datetime | None:
    raw = task.internal_data.get("fao_due_at")
    return datetime.fromisoformat(raw) if raw else None


def fire_due_timers(workflow, now: datetime) -> list[str]:
    """Mark timers due by the engine clock as fired; returns their bpmn ids."""
    fired = []
    for task in waiting_timer_tasks(workflow):
        due = timer_due(task)
        if due is not None and due <= now:
            ed = task.task_spec.event_definition
            if isinstance(ed, CycleTimerEventDefinition):
                value = task.internal_data.get("event_value") or {}
                if isinstance(value, dict):
                    # SpiffWorkflow compares with the wall clock: a moment just past fires it once
                    value["next"] = (datetime.now(timezone.utc) - timedelta(seconds=1)).isoformat()
                    task.internal_data["fao_cycle_fired"] = True
            else:
                task.internal_data["event_fired"] = True
            task.internal_data.pop("fao_due_at", None)
            fired.append(task.task_spec.bpmn_id)
    if fired:
        workflow.refresh_timers()  # fired timers become READY; the next engine steps run them
    return fired


def fire_start_timer(workflow, bpmn_id: str) -> list[str]:
    """Fire the waiting timer start event ``bpmn_id`` of a case that was just created for it."""
    fired = []
    for task in waiting_timer_tasks(workflow):
        if task.task_spec.bpmn_id == bpmn_id:
            task.internal_data["event_fired"] = True
            if isinstance(task.internal_data.get("event_value"), dict):
                task.internal_data["event_value"] = {"cycles": 0, "next": None, "duration": 0}
            fired.append(bpmn_id)
    if fired:
        workflow.refresh_timers()
    return fired
