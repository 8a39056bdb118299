"""Doing a token move: cancel the source token, start the new one (see :mod:`engine.commands.moves`)."""
from __future__ import annotations

from copy import deepcopy
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.util.task import TaskState

from engine.bpmn.safe_xml import parse_model_text
from engine.commands.moves.elements import MovePreview, MoveRequest, Start, cancel_roots
from engine.commands.moves.planning import Flows, plan_move
from engine.errors import MoveRefused, NotFound, ValidationFailed, problem
from engine.people.identity import Actor, require_supervisor
from engine.state.activities import PASSED, load_readonly

if TYPE_CHECKING:
    from SpiffWorkflow.specs.base import TaskSpec
    from SpiffWorkflow.task import Task

    from engine.commands.runner import CommandRunner
    from store.models import Instance
    from store.uow import UnitOfWork

MAX_REASON = 2000
BPMN_NS = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def sequence_flows(bpmn_xml: str) -> dict[str, tuple[str, str]]:
    """The sequence flows of a deployed BPMN file (every process and subprocess in it), by id."""
    try:
        root = parse_model_text(bpmn_xml).getroot()
    except Exception:  # a version that cannot be read offers no flows (moves by element still work)
        return {}
    out: dict[str, tuple[str, str]] = {}
    for node in root.iter(f"{BPMN_NS}sequenceFlow"):
        flow_id, source, target = node.get("id"), node.get("sourceRef"), node.get("targetRef")
        if flow_id and source and target:
            out[flow_id] = (source, target)
    return out


def _flows_of(uow: UnitOfWork, instance: Instance) -> Flows:
    version = uow.processes.by_id(instance.process_version_id)
    return sequence_flows(version.bpmn_xml) if version is not None else {}


def _cancel_token(token: Task) -> None:
    for task in cancel_roots(token):
        if task.state == TaskState.ERROR:
            task._set_state(TaskState.READY)  # a failed task counts as finished; cancel() ends unfinished ones
        task.cancel()


def _start_before(parent: Task, entry: TaskSpec, data: dict[str, Any]) -> Task:
    """A new token before ``entry`` under ``parent``: ``_add_child`` marked ``triggered`` (kept when the
    parent's children are synced), then ``reset_branch``, which predicts the branch and updates it (a
    task becomes READY, a join checks the flows its tokens came on)."""
    child = parent._add_child(entry, TaskState.FUTURE)
    child.triggered = True
    child.reset_branch(data)
    return child


def start_token(parent: Task, start: Start, data: dict[str, Any]) -> list[Task]:
    """Start the planned token under ``parent``; with ``via``, first a task of that spec marked passed
    (COMPLETED without running, its internal data says so), so the token leaves on its outgoing flows."""
    if start.via is not None:
        passed = parent._add_child(start.via, TaskState.FUTURE)
        passed.triggered = True
        passed.data = deepcopy(data)
        passed.internal_data[PASSED] = True
        passed._set_state(TaskState.COMPLETED)
        parent = passed
    return [_start_before(parent, entry, deepcopy(data)) for entry in start.entries]


def move_preview(runner: CommandRunner, instance_id: str, actor: Actor, request: MoveRequest) -> MovePreview:
    """What the move ``request`` would do (nothing is changed; see :func:`plan_move`).

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
        flows = _flows_of(uow, instance) if request.flow or request.target else {}
        return plan_move(workflow, instance, list(uow.incidents.open_for(instance_id)), request, flows).preview


def move_token(runner: CommandRunner, instance_id: str, actor: Actor, request: MoveRequest, reason: str) -> Instance:
    """Move the token in one transaction; audit ``moved`` with ``{from, to, reason, cancelled}`` (and
    ``position``/``flow`` when the token starts after the target or on a flow).

    Raises:
        Forbidden: the actor is not a supervisor.
        ValidationFailed: no reason, or no ``from``, or neither ``to`` nor a flow.
        NotFound: no such case.
        Conflict: the move is refused (code ``move_refused``; ``details`` say why).
    """
    require_supervisor(actor)
    from_bpmn_id, to_bpmn_id, flow_id = request.source, request.target, request.flow
    reason = (reason or "").strip()
    missing = [problem(f, "required") for f, v in (("from", from_bpmn_id), ("to", to_bpmn_id or flow_id),
                                                   ("reason", reason)) if not v]
    if missing:
        raise ValidationFailed("move_incomplete", missing)
    if len(reason) > MAX_REASON:
        raise ValidationFailed("form_invalid", [problem("reason", "maxLength", limit=MAX_REASON)])
    with runner.command(instance_id, actor) as cmd:
        incidents = list(cmd.uow.incidents.open_for(instance_id))
        plan = plan_move(cmd.workflow, cmd.instance, incidents, request, _flows_of(cmd.uow, cmd.instance))
        preview = plan.preview
        if not preview.ok or plan.start is None:
            raise MoveRefused("move_refused", [problem(r.field, r.code, **r.params) for r in preview.reasons])
        source = plan.source_task
        data = deepcopy(source.data)
        graft_point = plan.token.parent
        _cancel_token(plan.token)
        start_token(graft_point, plan.start, data)
        for incident in incidents:  # only the source's own incidents can be open here
            incident.resolved_at = cmd.now
        if incidents:
            cmd.instance.status = "active"
            cmd.uow.session.flush()
        target = preview.target.bpmn_id if preview.target else to_bpmn_id
        detail: dict[str, Any] = {"from": from_bpmn_id, "to": target, "reason": reason,
                                  "cancelled": [e.bpmn_id for e in preview.cancelled]}
        if preview.position != "before":
            detail["position"] = preview.position
        if flow_id:
            detail["flow"] = flow_id
        cmd.audit("moved", str(source.id), from_bpmn_id, **detail)
        runner.advance(cmd)
    return cmd.instance
