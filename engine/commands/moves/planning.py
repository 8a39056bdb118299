"""Planning a token move on a loaded workflow, without changing it: the source token, where the new
token starts, and every reason to refuse (see :mod:`engine.commands.moves`)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from SpiffWorkflow.bpmn.specs.control import BoundaryEventJoin, BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import EventSubprocess, SubWorkflowTask

from engine.commands.moves.elements import (
    ACTIVE,
    GATEWAYS,
    JOINS,
    POSITIONS,
    Element,
    MovePreview,
    MoveRequest,
    Plan,
    Refusal,
    Start,
    active_tasks,
    bpmn_spec,
    cancel_roots,
    element,
    enclosing_repetition,
    entry_of,
    find_spec,
    may_be_target,
    repeats_itself,
    scope_key,
    targets_of,
    token_of,
)
from engine.commands.moves.joins import stranded_joins

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.specs.base import TaskSpec
    from SpiffWorkflow.task import Task

    from store.models import Incident, Instance

# sequence flow id -> (source element id, target element id), read from the deployed BPMN
Flows = Mapping[str, tuple[str, str]]


def _refuse(preview: MovePreview, code: str, fld: str, **params: str) -> None:
    preview.reasons.append(Refusal(code, fld, {k: str(v) for k, v in params.items()}))


def _cancelled_by(token: Task, top: BpmnWorkflow, top_key: str) -> tuple[list[Element], set[int]]:
    """The active elements that cancelling ``token`` ends (subprocesses included), and the ids of every
    task it cancels."""
    out: list[Element] = []
    seen: set[int] = set()
    for root in cancel_roots(token):
        for task in root:
            seen.add(id(task))
            spec = task.task_spec
            if not task.state & ACTIVE or getattr(spec, "bpmn_id", None) is None:
                continue
            out.append(element(spec, scope_key(task.workflow, top, top_key)))
            if isinstance(spec, SubWorkflowTask):
                sub = top.subprocesses.get(task.id)
                if sub is not None:
                    for inner in sub.get_tasks(state=ACTIVE):
                        seen.add(id(inner))
                        if getattr(inner.task_spec, "bpmn_id", None) is not None:
                            out.append(element(inner.task_spec, sub.spec.name))
    return list(dict.fromkeys(out)), seen


def _output_to(source: TaskSpec, target_id: str) -> TaskSpec | None:
    """The output of ``source`` that a flow to ``target_id`` leads to (its BoundaryEventSplit when it has one)."""
    return next((o for o in source.outputs if not isinstance(o, BoundaryEventJoin)
                 and getattr(bpmn_spec(o), "bpmn_id", None) == target_id), None)


def _start_on_flow(preview: MovePreview, scope_spec: BpmnProcessSpec, flows: Flows, flow_id: str,
                   to_bpmn_id: str | None, loop: Task | None) -> tuple[TaskSpec, Start] | None:
    ends = flows.get(flow_id)
    if ends is None:
        _refuse(preview, "flow_unknown", "to_flow", flow=flow_id)
        return None
    source_id, target_id = ends
    if to_bpmn_id and to_bpmn_id != target_id:
        _refuse(preview, "flow_not_to", "to_flow", flow=flow_id, element=to_bpmn_id, target=target_id)
        return None
    source = find_spec(scope_spec, source_id)
    entry = _output_to(source, target_id) if source is not None else None
    if (source is None or entry is None) and loop is not None:
        _refuse(preview, "to_leaves_iteration", "to_flow", element=flow_id, loop=loop.task_spec.bpmn_id or "")
        return None
    if source is None or entry is None:
        _refuse(preview, "flow_other_scope", "to_flow", flow=flow_id)
        return None
    if isinstance(source, (EventSubprocess, StartEvent)) or isinstance(bpmn_spec(entry), BoundaryEvent):
        _refuse(preview, "flow_kind", "to_flow", flow=flow_id)
        return None
    return bpmn_spec(entry), Start(source, (entry,))


def _start_after(preview: MovePreview, spec: TaskSpec, to_bpmn_id: str) -> Start | None:
    if isinstance(spec, (*GATEWAYS, StartEvent, EndEvent, BoundaryEvent, EventSubprocess)):
        _refuse(preview, "to_after_kind", "to_position", element=to_bpmn_id, kind=type(spec).__name__)
        return None
    outputs = tuple(o for o in spec.outputs if not isinstance(o, BoundaryEventJoin))
    if not outputs:
        _refuse(preview, "to_after_kind", "to_position", element=to_bpmn_id, kind=type(spec).__name__)
        return None
    return Start(spec, outputs)


def _start_before(preview: MovePreview, spec: TaskSpec, to_bpmn_id: str, flows: Flows) -> Start | None:
    if not may_be_target(spec):
        _refuse(preview, "to_kind", "to", element=to_bpmn_id, kind=type(spec).__name__)
        return None
    if isinstance(spec, JOINS):
        # a parallel or inclusive gateway counts the flows its tokens arrive on: the token comes on one
        incoming = [i for i in spec.inputs if not isinstance(i, BoundaryEventSplit)]
        if len(incoming) != 1:
            ids = sorted(f for f, (_s, t) in flows.items() if t == to_bpmn_id)
            _refuse(preview, "to_join", "to", element=to_bpmn_id, flows=", ".join(ids))
            return None
        return Start(incoming[0], (spec,))
    return Start(None, (entry_of(spec),))


def _check_scope(preview: MovePreview, workflow: BpmnWorkflow, scope_spec: BpmnProcessSpec, source: Task,
                 to_bpmn_id: str) -> None:
    """Why ``to_bpmn_id`` is not in the source's process: another scope, another iteration, or nowhere."""
    others = [s for s in [workflow.spec, *workflow.subprocess_specs.values()]
              if s is not None and s is not scope_spec and find_spec(s, to_bpmn_id) is not None]
    loop = enclosing_repetition(source, workflow)
    if others and loop is not None:
        _refuse(preview, "to_leaves_iteration", "to", element=to_bpmn_id, loop=loop.task_spec.bpmn_id or "")
    elif others:
        _refuse(preview, "to_other_scope", "to", element=to_bpmn_id)
    else:
        _refuse(preview, "to_unknown", "to", element=to_bpmn_id)


def plan_move(workflow: BpmnWorkflow, instance: Instance, open_incidents: list[Incident], request: MoveRequest,
              flows: Flows | None = None) -> Plan:
    """Work out a move on a loaded workflow without changing it.

    Args:
        request: the active step whose token moves (``source``, and ``source_task`` to pick one of several
            tokens there); the element the token goes to (``target``, optional with ``flow``), ``before``
            (default) or ``after`` it (``position``); or the sequence flow it starts on (``flow``: its target
            runs as if the flow was taken).
        flows: the sequence flows of the case's process, by id.
    """
    from_bpmn_id, to_bpmn_id, flow_id = request.source, request.target, request.flow
    top_key = instance.process_key
    flows = flows or {}
    position = request.position or "before"
    preview = MovePreview(instance.id, instance.status, position=position, flow=flow_id)
    active = active_tasks(workflow)
    preview.sources = list(dict.fromkeys(element(t.task_spec, scope_key(t.workflow, workflow, top_key))
                                         for t in active))
    running_scopes = [workflow] + [sp for sp in workflow.subprocesses.values() if not sp.is_completed()]
    for scope in running_scopes:
        preview.targets.extend(targets_of(scope.spec, scope_key(scope, workflow, top_key)))
    preview.targets = list(dict.fromkeys(preview.targets))
    plan = Plan(preview)

    if instance.status in ("completed", "terminated"):
        _refuse(preview, "case_ended", "", status=instance.status)
    elif instance.status == "suspended":
        _refuse(preview, "case_suspended", "")
    if not from_bpmn_id:
        _refuse(preview, "from_missing", "from")
    if not to_bpmn_id and not flow_id:
        _refuse(preview, "to_missing", "to")
    if position not in POSITIONS:
        _refuse(preview, "to_position", "to_position", position=position, expected=", ".join(POSITIONS))
    if flow_id and position != "before":
        _refuse(preview, "flow_and_after", "to_position")
    if not from_bpmn_id:
        return plan

    matches = [t for t in active if t.task_spec.bpmn_id == from_bpmn_id]
    if request.source_task:
        matches = [t for t in matches if str(t.id) == request.source_task]
        if not matches:
            _refuse(preview, "from_task_not_active", "from_task", element=from_bpmn_id, task=request.source_task)
            return plan
    if not matches:
        _refuse(preview, "from_not_active", "from", element=from_bpmn_id)
        return plan
    if any(repeats_itself(t) for t in matches):
        _refuse(preview, "from_repeats", "from", element=from_bpmn_id)
        return plan
    if len(matches) > 1:
        _refuse(preview, "from_ambiguous", "from", element=from_bpmn_id)
        return plan
    source = matches[0]
    scope = source.workflow
    key = scope_key(scope, workflow, top_key)
    preview.source = element(source.task_spec, key)
    plan.source_task = source
    plan.token = token_of(source)
    preview.cancelled, cancelled_ids = _cancelled_by(plan.token, workflow, top_key)
    preview.data_kept = sorted(k for k in source.data if not k.startswith("_"))
    preview.stays_active = list(dict.fromkeys(
        element(t.task_spec, scope_key(t.workflow, workflow, top_key)) for t in active
        if id(t) not in cancelled_ids and t.workflow is scope))

    source_id = str(source.id)
    elsewhere = [i for i in open_incidents if i.task_id != source_id]
    if elsewhere:
        _refuse(preview, "incident_elsewhere", "from", element=elsewhere[0].bpmn_id or "")
    if preview.reasons:
        return plan

    if flow_id:
        loop = enclosing_repetition(source, workflow)
        on_flow = _start_on_flow(preview, scope.spec, flows, flow_id, to_bpmn_id, loop)
        if on_flow is None:
            return plan
        target, plan.start = on_flow
    else:
        assert to_bpmn_id
        spec = find_spec(scope.spec, to_bpmn_id)
        if spec is None:
            _check_scope(preview, workflow, scope.spec, source, to_bpmn_id)
            return plan
        target = spec
        plan.start = _start_after(preview, spec, to_bpmn_id) if position == "after" else \
            _start_before(preview, spec, to_bpmn_id, flows)
    preview.target = element(target, key)
    if plan.start is None:
        return plan
    preview.starts_before = list(dict.fromkeys(element(bpmn_spec(e), key) for e in plan.start.entries))
    for join, missing in stranded_joins(scope, cancelled_ids, plan.start):
        _refuse(preview, "join_stranded", "to", join=join.bpmn_id or join.name,
                branch=bpmn_spec(missing).bpmn_id or missing.name)
    return plan
