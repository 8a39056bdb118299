"""Advancing a workflow: engine steps, timers due on the engine clock, what a case waits on, and
the failures that become incidents (errors, the deep-loop stall, a case stuck on nothing)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn.specs.control import StartEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition, TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.timekeeping.timer_events import gateway_catch_id, timer_state

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.specs.base import TaskSpec
    from SpiffWorkflow.task import Task

MAX_TREE_DEPTH = 900  # SpiffWorkflow stalls silently past ~1000
MAX_STEP_ROUNDS = 10  # engine steps again while engine tasks are ready, within one command


STUCK = "Stuck"  # the error type of a case that waits on nothing
STUCK_REASON = "case_stuck"  # its stored message: a catalogue code, worded where it is shown


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


def choose_start_events(workflow: BpmnWorkflow, chosen: Callable[[TaskSpec], bool]) -> None:
    """Cancel the start events a new case does not start by, before its first engine steps.

    SpiffWorkflow waits on a process's several start events behind one split, and a none start
    event among them would fire at once whatever started the case (a message, a timer).

    Args:
        workflow: the new case, not yet stepped.
        chosen: whether the case starts by a start event's spec.
    """
    for first in workflow.task_tree.children:
        if isinstance(first.task_spec, StartEventSplit):
            for start in list(first.children):
                if not chosen(start.task_spec):
                    start.cancel()


def tasks_in_state(workflow: BpmnWorkflow, state: int) -> list[Task]:
    """Tasks of the workflow and its running sub-processes whose state is in the ``state`` mask.

    A scan of the task maps; SpiffWorkflow's ``get_tasks`` walks the tree through an iterator,
    which the hot path cannot afford several times per command."""
    return [t for wf in (workflow, *workflow.subprocesses.values()) for t in wf.tasks.values() if t.state & state]


def _depth(task: Task | None) -> int:
    depth = 0
    while task is not None:
        depth += 1
        task = task.parent
    return depth


def advance(workflow: BpmnWorkflow) -> StepFailure | None:
    """Run engine steps; detect errors, the deep-loop stall and a case stuck on nothing.

    Timers never fire here: only :func:`fire_due_timers` (the due-timer path) marks them fired.

    Returns:
        The failure to record as an incident, or None.
    """
    for _ in range(MAX_STEP_ROUNDS):
        try:
            workflow.do_engine_steps()
        except SpiffWorkflowException as exc:
            return failure_from(exc)
        except RecursionError:
            return StepFailure(None, None, "LoopTooDeep", "the process looped too often through a gateway; "
                               "model repetition with a loop or multi-instance task", None)
        if not _ready_engine_tasks(workflow):
            break
    return detect_stall(workflow) or detect_stuck(workflow)


def _ready_engine_tasks(workflow: BpmnWorkflow) -> bool:
    """Whether engine tasks are ready still (a timer that ran its last cycle becomes ready in the
    refresh that ends the engine steps)."""
    return any(not t.task_spec.manual for t in tasks_in_state(workflow, TaskState.READY))


def error_tasks(workflow: BpmnWorkflow) -> list[Task]:
    return workflow.get_tasks(state=TaskState.ERROR)


def detect_stall(workflow: BpmnWorkflow) -> StepFailure | None:
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


@dataclass
class WaitingTimer:
    """A timer a waiting task waits on: its own, or one of an event-based gateway's catch events."""

    task: Any
    bpmn_id: str  # the timer event's id (for a gateway: the catch event after it)
    definition: TimerEventDefinition
    state: dict  # where it keeps its due time and flags (see engine.timekeeping.timer_events)

    @property
    def due(self) -> datetime | None:
        raw = self.state.get("fao_due_at")
        return datetime.fromisoformat(raw) if raw else None


def detect_stuck(workflow: BpmnWorkflow) -> StepFailure | None:
    """An unfinished case that waits on nothing that can come: no ready task, no running work, no
    timer and no message (a signal or condition nobody raises, a branch that can never join).

    Returns:
        A ``Stuck`` failure at the element the case stopped at (a token move resolves it), or None.
    """
    live = tasks_in_state(workflow, TaskState.READY | TaskState.STARTED | TaskState.WAITING | TaskState.ERROR)
    if any(t.state in (TaskState.READY, TaskState.ERROR)  # a failed task has its incident already
           or (t.state == TaskState.STARTED and t.id not in workflow.subprocesses) for t in live):
        return None
    waiting = [t for t in live if t.state == TaskState.WAITING]
    if waiting_timers_of(waiting) or _messages_of(waiting) or workflow.is_completed():
        return None
    named = [t for t in waiting if getattr(t.task_spec, "bpmn_id", None)]
    named.sort(key=lambda t: not isinstance(t.task_spec, CatchingEvent))  # a catch event says most
    at = named[0] if named else None
    return StepFailure(str(at.id) if at is not None else None, at.task_spec.bpmn_id if at is not None else None,
                       STUCK, STUCK_REASON, None)


def waiting_timers(workflow: BpmnWorkflow) -> list[WaitingTimer]:
    """Every timer the case waits on now, event-based gateways' timers included."""
    return waiting_timers_of(tasks_in_state(workflow, TaskState.WAITING))


def waiting_timers_of(tasks: Iterable[Task]) -> list[WaitingTimer]:
    """The timers the waiting ones of ``tasks`` wait on."""
    out = []
    for task in tasks:
        if task.state != TaskState.WAITING:
            continue
        ed = getattr(task.task_spec, "event_definition", None)
        if isinstance(ed, TimerEventDefinition):
            out.append(WaitingTimer(task, task.task_spec.bpmn_id, ed, task.internal_data))
        elif isinstance(ed, MultipleEventDefinition):
            for inner in ed.event_definitions:
                if isinstance(inner, TimerEventDefinition):
                    catch_id = gateway_catch_id(task, inner) or task.task_spec.bpmn_id
                    out.append(WaitingTimer(task, catch_id, inner, timer_state(task, inner)))
    return out


def waiting_messages(workflow: BpmnWorkflow, name: str | None = None) -> list[tuple]:
    """``(task, catch event id, message definition)`` for every message the case waits on now
    (``name``: only that message), event-based gateways' catch events included."""
    return _messages_of(tasks_in_state(workflow, TaskState.WAITING), name)


def _messages_of(tasks: Iterable[Task], name: str | None = None) -> list[tuple]:
    out = []
    for task in tasks:
        ed = getattr(task.task_spec, "event_definition", None)
        inner = ed.event_definitions if isinstance(ed, MultipleEventDefinition) else [ed]
        for definition in inner:
            if isinstance(definition, MessageEventDefinition) and name in (None, definition.name):
                out.append((task, gateway_catch_id(task, definition) or task.task_spec.bpmn_id, definition))
    return out


def fire_due_timers(workflow: BpmnWorkflow, now: datetime) -> list[WaitingTimer]:
    """Mark the timers due by the engine clock as fired and let SpiffWorkflow see it.

    Returns:
        The timers fired; their tasks run at the next engine steps.
    """
    fired = []
    for timer in waiting_timers(workflow):
        due = timer.due
        if due is None or due > now:
            continue
        timer.state.pop("fao_due_at", None)
        _mark_fired(timer)
        fired.append(timer)
    if fired:
        workflow.refresh_timers()
    return fired


def _mark_fired(timer: WaitingTimer) -> None:
    """Let SpiffWorkflow's next refresh take the timer as fired (a cycle keeps its repetitions)."""
    if isinstance(timer.definition, CycleTimerEventDefinition):
        timer.state["fao_cycle_fired"] = True
    else:
        timer.state["event_fired"] = True


def fire_start_timer(workflow: BpmnWorkflow, bpmn_id: str) -> list[str]:
    """Fire the waiting timer start event ``bpmn_id`` of a case that was just created for it (a
    repeating start timer runs the case once: the timer row keeps the repetition)."""
    fired = []
    for timer in waiting_timers(workflow):
        if timer.bpmn_id == bpmn_id:
            if isinstance(timer.definition, CycleTimerEventDefinition):
                timer.state["event_value"] = {"cycles": 1, "next": None, "duration": 0}
            _mark_fired(timer)
            fired.append(bpmn_id)
    if fired:
        workflow.refresh_timers()
    return fired
