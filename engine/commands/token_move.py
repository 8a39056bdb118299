"""Token move (instance modification): take a case's token off one step and put it before another.

Semantics follow Camunda's process instance modification ("cancel the activity instance, start
before the activity"): the token at the source step is cancelled (with the boundary events that
wait on it, and the subprocess it runs, for a call activity), and a new token starts *before* the
target step, in the same process or subprocess, so the target runs as if the flow had just reached
it. Nothing between the two steps runs; the case keeps all its data; the history stays as it was
(completed steps stay completed, the cancelled step shows as cancelled).

How, in SpiffWorkflow 3.2 terms (one mechanism for backward, forward and sideways moves):

1. ``Task.cancel()`` on the source token (for a task with boundary events, on every unfinished child
   of its ``BoundaryEventSplit``): the library's own cancellation, which drops the predicted tasks
   below it and cancels a call activity's subprocess (``SubWorkflowTask._on_cancel``).
2. ``parent._add_child(entry, FUTURE)`` under the source token's parent, marked ``triggered``, then
   ``Task.reset_branch(data)`` on the new task, which predicts its branch and makes it READY.
   That is how SpiffWorkflow itself starts a token at an arbitrary spec (``BpmnStartTask.trigger_wf``
   and the multi-instance ``create_child`` do the same ``_add_child`` + update), and ``triggered``
   keeps the branch from being pruned as an unexpected child. ``entry`` is the target's
   ``BoundaryEventSplit`` when the target has boundary events (so its timers are armed again).
3. The command's engine steps run what is READY (a script or service target runs at once).

``BpmnWorkflow.reset_from_task_id`` was not used for backward moves: it deletes the completed steps
after the target from the tree (the case forgets it ran them), re-uses the target's old task id
(its completed inbox row would be re-opened with the old assignee) and points ``last_task`` at the
older data, so the case would show rolled-back data.
"""
from __future__ import annotations

import dataclasses
from copy import deepcopy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
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
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import (
    EventSubprocess,
    SubWorkflowTask,
)
from SpiffWorkflow.util.task import TaskState

from engine.errors import MoveRefused, NotFound, ValidationFailed, problem
from engine.people.identity import Actor, require_supervisor
from engine.state.activities import load_readonly

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
    from SpiffWorkflow.bpmn.util.subworkflow import BpmnBaseWorkflow
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.specs.base import TaskSpec
    from SpiffWorkflow.task import Task

    from engine.commands.runner import CommandRunner
    from store.models import Incident, Instance

ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
MAX_REASON = 2000
_GATEWAYS = (ExclusiveGateway, InclusiveGateway, ParallelGateway, EventBasedGateway)


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
    """What a move would do, or why it is refused; ``sources``/``targets`` are what one may choose."""

    instance_id: str
    status: str
    source: Element | None = None
    target: Element | None = None
    cancelled: list[Element] = field(default_factory=list)
    data_kept: list[str] = field(default_factory=list)
    stays_active: list[Element] = field(default_factory=list)
    reasons: list[Refusal] = field(default_factory=list)
    sources: list[Element] = field(default_factory=list)
    targets: list[Element] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reasons

    def as_dict(self) -> dict[str, Any]:
        return {
            "instance_id": self.instance_id, "status": self.status, "ok": self.ok,
            "source": self.source.as_dict() if self.source else None,
            "target": self.target.as_dict() if self.target else None,
            "cancelled": [e.as_dict() for e in self.cancelled],
            "becomes_active": self.target.as_dict() if self.target and self.ok else None,
            "data_kept": list(self.data_kept),
            "stays_active": [e.as_dict() for e in self.stays_active],
            "reasons": [r.as_detail() for r in self.reasons],
            "sources": [e.as_dict() for e in self.sources],
            "targets": [e.as_dict() for e in self.targets],
        }


@dataclass
class _Plan:
    preview: MovePreview
    token: Any = None  # the task to cancel (the source, or its BoundaryEventSplit)
    source_task: Any = None
    entry: Any = None  # the spec to start before the target


# --- what the workflow holds --------------------------------------------------------------------

def _scopes(workflow: BpmnWorkflow) -> list[BpmnBaseWorkflow]:
    return [workflow, *workflow.subprocesses.values()]


def _scope_key(scope: BpmnBaseWorkflow, workflow: BpmnWorkflow, top_key: str) -> str:
    return top_key if scope is workflow else scope.spec.name


def _element(spec: TaskSpec, process_key: str) -> Element:
    named = spec
    if isinstance(spec, LoopTask) and not getattr(spec, "bpmn_name", None):
        # a multi-instance or loop activity: its name and lane are on the activity it repeats
        named = spec._wf_spec.task_specs.get(spec.task_spec, spec)
    return Element(spec.bpmn_id, getattr(named, "bpmn_name", None) or spec.bpmn_id, type(spec).__name__,
                   getattr(spec, "lane", None) or getattr(named, "lane", None), process_key)


def _repeated_specs(scope_spec: BpmnProcessSpec) -> set[str]:
    """Names of the specs that multi-instance and loop activities repeat (their instances)."""
    return {ts.task_spec for ts in scope_spec.task_specs.values() if isinstance(ts, LoopTask)}


def _in_repetition(task: Task | None, top: BpmnWorkflow) -> bool:
    """The task is a loop or multi-instance activity, one of its instances, or runs inside one."""
    while task is not None:
        if isinstance(task.task_spec, LoopTask):
            return True
        parent = task.parent
        if parent is not None and isinstance(parent.task_spec, LoopTask):
            return True
        owner = task.workflow.parent_task_id
        task = top.get_task_from_id(owner) if owner is not None else None
    return False


def _is_source_candidate(task: Task) -> bool:
    spec = task.task_spec
    if getattr(spec, "bpmn_id", None) is None:
        return False  # SpiffWorkflow's own plumbing (start, end join, boundary splits)
    return not isinstance(spec, (BoundaryEvent, StartEvent, EndEvent, *_GATEWAYS))


def _active_tasks(workflow: BpmnWorkflow) -> list[Task]:
    out: list[Task] = []
    for scope in _scopes(workflow):
        out.extend(t for t in scope.get_tasks(state=ACTIVE, skip_subprocesses=True) if _is_source_candidate(t))
    return out


def _may_be_target(spec: TaskSpec) -> bool:
    """A token may start before a task or activity; not before a start or end event, a boundary event
    (it follows the task it is attached to), a gateway or an event subprocess."""
    return not isinstance(spec, (StartEvent, EndEvent, BoundaryEvent, *_GATEWAYS, EventSubprocess))


def _targets_of(scope_spec: BpmnProcessSpec, process_key: str) -> list[Element]:
    repeated = _repeated_specs(scope_spec)
    return [_element(ts, process_key) for name, ts in scope_spec.task_specs.items()
            if getattr(ts, "bpmn_id", None) and name not in repeated and _may_be_target(ts)]


def _find_target_spec(scope_spec: BpmnProcessSpec, bpmn_id: str) -> TaskSpec | None:
    repeated = _repeated_specs(scope_spec)
    for name, ts in scope_spec.task_specs.items():
        if getattr(ts, "bpmn_id", None) == bpmn_id and name not in repeated:
            return ts
    return None


def _token_of(task: Task) -> Task:
    """The task that carries the source's token: its BoundaryEventSplit when it has boundary events."""
    parent = task.parent
    if parent is not None and isinstance(parent.task_spec, BoundaryEventSplit):
        return parent
    return task


def _entry_of(spec: TaskSpec) -> TaskSpec:
    """The spec a token starts at to reach ``spec``: its BoundaryEventSplit when it has boundary events."""
    return next((i for i in spec.inputs if isinstance(i, BoundaryEventSplit)), spec)


def _cancel_roots(token: Task) -> list[Task]:
    """The tasks that cancelling ``token`` cancels: the token itself, or for a BoundaryEventSplit that
    ran, its unfinished children (a boundary branch that already fired goes on by itself)."""
    if not token.has_state(TaskState.FINISHED_MASK) or token.state == TaskState.ERROR:
        return [token]
    return [c for c in token.children if not c.has_state(TaskState.FINISHED_MASK) or c.state == TaskState.ERROR]


def _cancelled_by(token: Task, top: BpmnWorkflow, top_key: str) -> tuple[list[Element], set[int]]:
    """The active elements that cancelling ``token`` ends (subprocesses included), and their task ids."""
    out: list[Element] = []
    seen: set[int] = set()
    tasks = [t for root in _cancel_roots(token) for t in root if t.state & ACTIVE]
    for task in tasks:
        seen.add(id(task))
        spec = task.task_spec
        if getattr(spec, "bpmn_id", None) is None:
            continue
        out.append(_element(spec, _scope_key(task.workflow, top, top_key)))
        if isinstance(spec, SubWorkflowTask):
            sub = top.subprocesses.get(task.id)
            if sub is not None:
                for inner in sub.get_tasks(state=ACTIVE):
                    seen.add(id(inner))
                    if getattr(inner.task_spec, "bpmn_id", None) is not None:
                        out.append(_element(inner.task_spec, sub.spec.name))
    return list(dict.fromkeys(out)), seen


# --- planning -----------------------------------------------------------------------------------

def _refuse(preview: MovePreview, code: str, fld: str, **params: str) -> None:
    preview.reasons.append(Refusal(code, fld, {k: str(v) for k, v in params.items()}))


def plan_move(workflow: BpmnWorkflow, instance: Instance, open_incidents: list[Incident], from_bpmn_id: str | None,
              to_bpmn_id: str | None) -> _Plan:
    """Work out a move on a loaded workflow without changing it."""
    top_key = instance.process_key
    preview = MovePreview(instance.id, instance.status)
    active = _active_tasks(workflow)
    preview.sources = list(dict.fromkeys(_element(t.task_spec, _scope_key(t.workflow, workflow, top_key))
                                         for t in active))
    running_scopes = [workflow] + [sp for sp in workflow.subprocesses.values() if not sp.is_completed()]
    for scope in running_scopes:
        preview.targets.extend(_targets_of(scope.spec, _scope_key(scope, workflow, top_key)))
    preview.targets = list(dict.fromkeys(preview.targets))
    plan = _Plan(preview)

    if instance.status in ("completed", "terminated"):
        _refuse(preview, "case_ended", "", status=instance.status)
    elif instance.status == "suspended":
        _refuse(preview, "case_suspended", "")
    if not from_bpmn_id:
        _refuse(preview, "from_missing", "from")
    if not to_bpmn_id:
        _refuse(preview, "to_missing", "to")
    if not from_bpmn_id:
        return plan

    matches = [t for t in active if t.task_spec.bpmn_id == from_bpmn_id]
    if not matches:
        _refuse(preview, "from_not_active", "from", element=from_bpmn_id)
        return plan
    if any(_in_repetition(t, workflow) for t in matches):
        _refuse(preview, "from_repeats", "from", element=from_bpmn_id)
        return plan
    if len(matches) > 1:
        _refuse(preview, "from_ambiguous", "from", element=from_bpmn_id)
        return plan
    source = matches[0]
    scope = source.workflow
    scope_key = _scope_key(scope, workflow, top_key)
    preview.source = _element(source.task_spec, scope_key)
    plan.source_task = source
    plan.token = _token_of(source)
    preview.cancelled, cancelled_ids = _cancelled_by(plan.token, workflow, top_key)
    preview.data_kept = sorted(k for k in source.data if not k.startswith("_"))
    preview.stays_active = list(dict.fromkeys(
        _element(t.task_spec, _scope_key(t.workflow, workflow, top_key)) for t in active
        if id(t) not in cancelled_ids and t.workflow is scope))

    source_id = str(source.id)
    elsewhere = [i for i in open_incidents if i.task_id != source_id]
    if elsewhere:
        _refuse(preview, "incident_elsewhere", "from", element=elsewhere[0].bpmn_id or "")

    if not to_bpmn_id:
        return plan
    spec = _find_target_spec(scope.spec, to_bpmn_id)
    if spec is None:
        others = [s for s in [workflow.spec, *workflow.subprocess_specs.values()]
                  if s is not None and s is not scope.spec and _find_target_spec(s, to_bpmn_id) is not None]
        if others:
            _refuse(preview, "to_other_scope", "to", element=to_bpmn_id)
        else:
            _refuse(preview, "to_unknown", "to", element=to_bpmn_id)
        return plan
    preview.target = _element(spec, scope_key)
    if not _may_be_target(spec):
        _refuse(preview, "to_kind", "to", element=to_bpmn_id, kind=type(spec).__name__)
        return plan
    plan.entry = _entry_of(spec)
    return plan


# --- doing it -----------------------------------------------------------------------------------

def _cancel_token(token: Task) -> None:
    for task in _cancel_roots(token):
        if task.state == TaskState.ERROR:
            task._set_state(TaskState.READY)  # a failed task counts as finished; cancel() ends unfinished ones
        task.cancel()


def _start_before(parent: Task, entry: TaskSpec, data: dict[str, Any]) -> Task:
    """A new token before ``entry`` under ``parent`` (see the module docstring)."""
    child = parent._add_child(entry, TaskState.FUTURE)
    child.triggered = True
    child.reset_branch(data)
    return child


def move_preview(runner: CommandRunner, instance_id: str, actor: Actor, from_bpmn_id: str | None,
                 to_bpmn_id: str | None) -> MovePreview:
    """What moving the token from ``from_bpmn_id`` to ``to_bpmn_id`` would do (nothing is changed).

    Raises:
        Forbidden: the actor is not a supervisor.
        NotFound: no such case.
    """
    require_supervisor(actor)
    with runner.uow() as uow:
        instance = uow.instances.get(instance_id) if len(instance_id) <= 64 else None
        if instance is None:
            raise NotFound("case_not_found", case=instance_id)
        workflow = load_readonly(runner, uow, instance)
        return plan_move(workflow, instance, list(uow.incidents.open_for(instance_id)),
                         from_bpmn_id, to_bpmn_id).preview


def move_token(runner: CommandRunner, instance_id: str, actor: Actor, from_bpmn_id: str, to_bpmn_id: str,
               reason: str) -> Instance:
    """Move the token in one transaction; audit ``moved`` with ``{from, to, reason, cancelled}``.

    Raises:
        Forbidden: the actor is not a supervisor.
        ValidationFailed: no reason, or no ``from``/``to``.
        NotFound: no such case.
        Conflict: the move is refused (code ``move_refused``; ``details`` say why).
    """
    require_supervisor(actor)
    reason = (reason or "").strip()
    missing = [problem(f, "required") for f, v in (("from", from_bpmn_id), ("to", to_bpmn_id), ("reason", reason))
               if not v]
    if missing:
        raise ValidationFailed("move_incomplete", missing)
    if len(reason) > MAX_REASON:
        raise ValidationFailed("form_invalid", [problem("reason", "maxLength", limit=MAX_REASON)])
    with runner.command(instance_id, actor) as cmd:
        incidents = list(cmd.uow.incidents.open_for(instance_id))
        plan = plan_move(cmd.workflow, cmd.instance, incidents, from_bpmn_id, to_bpmn_id)
        preview = plan.preview
        if not preview.ok:
            raise MoveRefused("move_refused", [problem(r.field, r.code, **r.params) for r in preview.reasons])
        source = plan.source_task
        data = deepcopy(source.data)
        graft_point = plan.token.parent
        _cancel_token(plan.token)
        _start_before(graft_point, plan.entry, data)
        for incident in incidents:  # only the source's own incidents can be open here
            incident.resolved_at = cmd.now
        if incidents:
            cmd.instance.status = "active"
            cmd.uow.session.flush()
        detail = {"from": from_bpmn_id, "to": to_bpmn_id, "reason": reason,
                  "cancelled": [e.bpmn_id for e in preview.cancelled]}
        cmd.audit("moved", str(source.id), from_bpmn_id, **detail)
        runner.advance(cmd)
    return cmd.instance
