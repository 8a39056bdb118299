"""What a token move is about: the elements shown, the preview, the plan, and where the case's tokens are."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn.specs.control import BoundaryEventJoin, BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import (
    BoundaryEvent,
    EventBasedGateway,
)
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.exclusive_gateway import ExclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.inclusive_gateway import InclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.specs.mixins.parallel_gateway import ParallelGateway
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import EventSubprocess
from SpiffWorkflow.util.task import TaskState

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
    from SpiffWorkflow.bpmn.util.subworkflow import BpmnBaseWorkflow
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.specs.base import TaskSpec
    from SpiffWorkflow.task import Task

ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
GATEWAYS = (ExclusiveGateway, InclusiveGateway, ParallelGateway, EventBasedGateway)
JOINS = (InclusiveGateway, ParallelGateway)
POSITIONS = ("before", "after")


@dataclass(frozen=True)
class Element:
    """A BPMN element of the case's process (or of a subprocess it runs)."""

    bpmn_id: str
    name: str
    type: str
    lane: str | None
    process_key: str

    def as_dict(self) -> dict[str, Any]:
        return {"bpmn_id": self.bpmn_id, "name": self.name, "type": self.type, "lane": self.lane,
                "process_key": self.process_key}


@dataclass(frozen=True)
class Refusal:
    """Why a move cannot be done: a message ``code``, the request ``field`` it is about, its parameters."""

    code: str
    field: str
    # dataclasses.field by its module: the ``field`` attribute above shadows the name in this class
    params: dict[str, str] = dataclasses.field(default_factory=dict)

    def as_detail(self) -> dict[str, Any]:
        return {"field": self.field, "code": self.code, "params": dict(self.params)}


@dataclass
class MovePreview:
    """What a move would do, or why it is refused; ``sources``/``targets`` are what one may choose.

    ``position`` is where the token starts at the target (``before`` it, or ``after`` it: on its
    outgoing flows as if it had completed); ``flow`` the sequence flow it starts on, when one was chosen;
    ``starts_before`` the elements the new token starts before."""

    instance_id: str
    status: str
    source: Element | None = None
    target: Element | None = None
    position: str = "before"
    flow: str | None = None
    cancelled: list[Element] = field(default_factory=list)
    starts_before: list[Element] = field(default_factory=list)
    data_kept: list[str] = field(default_factory=list)
    stays_active: list[Element] = field(default_factory=list)
    reasons: list[Refusal] = field(default_factory=list)
    sources: list[Element] = field(default_factory=list)
    targets: list[Element] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reasons

    def as_dict(self) -> dict[str, Any]:
        becomes = None
        if self.ok:
            becomes = self.target if self.position == "before" and self.flow is None else \
                (self.starts_before[0] if self.starts_before else None)
        return {
            "instance_id": self.instance_id, "status": self.status, "ok": self.ok,
            "source": self.source.as_dict() if self.source else None,
            "target": self.target.as_dict() if self.target else None,
            "position": self.position, "flow": self.flow,
            "cancelled": [e.as_dict() for e in self.cancelled],
            "becomes_active": becomes.as_dict() if becomes else None,
            "starts_before": [e.as_dict() for e in self.starts_before] if self.ok else [],
            "data_kept": list(self.data_kept),
            "stays_active": [e.as_dict() for e in self.stays_active],
            "reasons": [r.as_detail() for r in self.reasons],
            "sources": [e.as_dict() for e in self.sources],
            "targets": [e.as_dict() for e in self.targets],
        }


@dataclass(frozen=True)
class MoveRequest:
    """What a supervisor asks: the token at ``source`` (the active task ``source_task`` when several tokens are
    there, e.g. one per multi-instance child) goes ``position`` (before/after) ``target``, or onto ``flow``."""

    source: str | None
    target: str | None = None
    position: str | None = None
    flow: str | None = None
    source_task: str | None = None


@dataclass(frozen=True)
class Start:
    """Where the new token goes: before each of ``entries``; when ``via`` is set, under a task of that spec
    marked as passed (the flows out of ``via`` are the ones the token arrives on: joins count them)."""

    via: TaskSpec | None
    entries: tuple[TaskSpec, ...]


@dataclass
class Plan:
    preview: MovePreview
    token: Any = None  # the task to cancel (the source, or its BoundaryEventSplit)
    source_task: Any = None
    start: Start | None = None


# --- what the workflow holds --------------------------------------------------------------------

def scopes(workflow: BpmnWorkflow) -> list[BpmnBaseWorkflow]:
    return [workflow, *workflow.subprocesses.values()]


def scope_key(scope: BpmnBaseWorkflow, workflow: BpmnWorkflow, top_key: str) -> str:
    return top_key if scope is workflow else scope.spec.name


def element(spec: TaskSpec, process_key: str) -> Element:
    named = spec
    if isinstance(spec, LoopTask) and not getattr(spec, "bpmn_name", None):
        # a multi-instance or loop activity: its name and lane are on the activity it repeats
        named = spec._wf_spec.task_specs.get(spec.task_spec, spec)
    return Element(spec.bpmn_id, getattr(named, "bpmn_name", None) or spec.bpmn_id, type(spec).__name__,
                   getattr(spec, "lane", None) or getattr(named, "lane", None), process_key)


def bpmn_spec(spec: TaskSpec) -> TaskSpec:
    """The BPMN element a spec stands for: a BoundaryEventSplit or BoundaryEventJoin stands for its task."""
    if isinstance(spec, BoundaryEventSplit):
        return next((o for o in spec.outputs if not isinstance(o, BoundaryEvent)), spec)
    if isinstance(spec, BoundaryEventJoin):
        return next((i for i in spec.inputs if not isinstance(i, BoundaryEvent)), spec)
    return spec


def repeated_specs(scope_spec: BpmnProcessSpec) -> set[str]:
    """Names of the specs that multi-instance and loop activities repeat (their instances)."""
    return {ts.task_spec for ts in scope_spec.task_specs.values() if isinstance(ts, LoopTask)}


def repeats_itself(task: Task) -> bool:
    """The task is a loop or multi-instance activity, or one of its instances (not a step inside an
    iteration of a repeated subprocess: that iteration is a scope of its own)."""
    parent = task.parent
    return isinstance(task.task_spec, LoopTask) or (parent is not None and isinstance(parent.task_spec, LoopTask))


def enclosing_repetition(task: Task, top: BpmnWorkflow) -> Task | None:
    """The loop or multi-instance activity whose iteration (a subprocess) the task runs in, if any."""
    owner = task.workflow.parent_task_id
    while owner is not None:
        holder = top.get_task_from_id(owner)
        if holder is None:
            return None
        if holder.parent is not None and isinstance(holder.parent.task_spec, LoopTask):
            return holder.parent
        owner = holder.workflow.parent_task_id
    return None


def is_source_candidate(task: Task) -> bool:
    spec = task.task_spec
    if getattr(spec, "bpmn_id", None) is None:
        return False  # SpiffWorkflow's own plumbing (start, end join, boundary splits)
    return not isinstance(spec, (BoundaryEvent, StartEvent, EndEvent, *GATEWAYS))


def active_tasks(workflow: BpmnWorkflow) -> list[Task]:
    out: list[Task] = []
    for scope in scopes(workflow):
        out.extend(t for t in scope.get_tasks(state=ACTIVE, skip_subprocesses=True) if is_source_candidate(t))
    return out


def may_be_target(spec: TaskSpec) -> bool:
    """A token may start before a task, an activity or a gateway; not before a start or end event, a
    boundary event (it follows the task it is attached to) or an event subprocess."""
    return not isinstance(spec, (StartEvent, EndEvent, BoundaryEvent, EventSubprocess))


def targets_of(scope_spec: BpmnProcessSpec, process_key: str) -> list[Element]:
    repeated = repeated_specs(scope_spec)
    return [element(ts, process_key) for name, ts in scope_spec.task_specs.items()
            if getattr(ts, "bpmn_id", None) and name not in repeated and may_be_target(ts)]


def find_spec(scope_spec: BpmnProcessSpec, bpmn_id: str) -> TaskSpec | None:
    repeated = repeated_specs(scope_spec)
    for name, ts in scope_spec.task_specs.items():
        if getattr(ts, "bpmn_id", None) == bpmn_id and name not in repeated:
            return ts
    return None


def token_of(task: Task) -> Task:
    """The task that carries the source's token: its BoundaryEventSplit when it has boundary events."""
    parent = task.parent
    if parent is not None and isinstance(parent.task_spec, BoundaryEventSplit):
        return parent
    return task


def entry_of(spec: TaskSpec) -> TaskSpec:
    """The spec a token starts at to reach ``spec``: its BoundaryEventSplit when it has boundary events."""
    return next((i for i in spec.inputs if isinstance(i, BoundaryEventSplit)), spec)


def cancel_roots(token: Task) -> list[Task]:
    """The tasks that cancelling ``token`` cancels: the token itself, or for a BoundaryEventSplit that
    ran, its unfinished children (a boundary branch that already fired goes on by itself)."""
    if not token.has_state(TaskState.FINISHED_MASK) or token.state == TaskState.ERROR:
        return [token]
    return [c for c in token.children if not c.has_state(TaskState.FINISHED_MASK) or c.state == TaskState.ERROR]
