"""Message delivery: SpiffWorkflow routes nothing between instances, the subscriptions do."""
from __future__ import annotations

from typing import TYPE_CHECKING

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition as BaseMessage
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.errors import NotFound, ValidationFailed
from engine.identity import Actor
from engine.script_guards import ScriptError
from engine.stepping import failure_from

if TYPE_CHECKING:
    from engine.workflow_engine import Command, WorkflowEngine


def _matches(subscription_correlation: dict, wanted: dict) -> bool:
    return all(str(subscription_correlation.get(k)) == str(v) for k, v in wanted.items())


def catch_message(cmd: "Command", name: str, payload: dict, correlation: dict) -> bool:
    """Hand a message to the waiting catch events of this case; True when one caught it."""
    workflow = cmd.workflow
    waiting = [
        t for t in workflow.get_tasks(state=TaskState.WAITING)
        if isinstance(getattr(t.task_spec, "event_definition", None), BaseMessage)
        and t.task_spec.event_definition.name == name
    ]
    if not waiting:
        return False
    spec_ed = waiting[0].task_spec.event_definition
    full = {**payload, **correlation}
    event_def = MessageEventDefinition(name, correlation_properties=spec_ed.correlation_properties)
    try:
        correlations = event_def.calculate_correlations(workflow.script_engine, event_def.correlation_properties, full)
    except Exception:  # noqa: BLE001 - a payload without the property correlates on our side already
        correlations = {}
    if getattr(spec_ed, "message_var", None) is None:
        for task in waiting:
            task.data.update(payload)
    try:
        try:
            workflow.send_event(BpmnEvent(event_def, payload=full, correlations=correlations))
        except WorkflowException:
            # SpiffWorkflow's own correlation check refused: fall back to the first waiting task
            workflow.correlations.clear()
            try:
                workflow.send_event(BpmnEvent(event_def, payload=full, correlations={}))
            except WorkflowException as exc:
                cmd.failure = failure_from(exc)
                return False
    except (NameError, KeyError, TypeError, AttributeError, ScriptError) as exc:
        # a correlation property's retrieval expression failed on this payload
        raise _uncorrelated(name, spec_ed, exc) from None
    cmd.audit("message", str(waiting[0].id), waiting[0].task_spec.bpmn_id, name=name, correlation=correlation,
              fields=sorted(payload))
    return True


def _uncorrelated(name: str, definition, exc: BaseException) -> ValidationFailed:
    expressions = ", ".join(f"'{p.retrieval_expression}'" for p in getattr(definition, "correlation_properties", None) or [])
    message = (f"the payload of message '{name}' does not give its correlation properties "
               f"(retrieval expression {expressions or '?'} failed: {exc.__class__.__name__}: {exc})")
    return ValidationFailed(message, [{"field": "payload", "message": message}])


def deliver_message(engine: "WorkflowEngine", actor: Actor, name: str, correlation: dict | None,
                    payload: dict | None) -> list[str]:
    """Deliver to every waiting case whose correlation matches, else start message-start processes.

    Raises:
        NotFound: nothing waits for this message.
    """
    correlation = correlation or {}
    payload = payload or {}
    with engine.uow() as uow:
        key = correlation.get("business_key")
        subs = uow.events.subscriptions(name, str(key) if key is not None else None)
        targets: list[str] = []
        for sub in subs:
            if _matches(sub.correlation, correlation) and sub.instance_id not in targets:
                targets.append(sub.instance_id)
        starters = [v.process_key for v in uow.processes.with_start_message(name)] if not targets else []
    delivered: list[str] = []
    for instance_id in targets:
        with engine.command(instance_id, actor) as cmd:
            if cmd.instance.status != "active":
                continue
            if catch_message(cmd, name, payload, correlation):
                engine._advance(cmd)
                delivered.append(instance_id)
    for key in starters:
        instance = engine.start(key, actor, data=dict(payload), message=(name, payload), _check=False)
        delivered.append(instance.id)
    if not delivered:
        raise NotFound(f"no case waits for message '{name}' with this correlation")
    return delivered
