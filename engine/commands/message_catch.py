"""Catching a message inside one case: the waiting catch events get it through SpiffWorkflow."""
from __future__ import annotations

from typing import TYPE_CHECKING

from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition

from engine.errors import ValidationFailed, problem
from engine.sandbox.guards import ScriptError
from engine.state.stepping import failure_from, waiting_messages

if TYPE_CHECKING:
    from engine.commands.case_command import Command


def catch_message(cmd: Command, name: str, payload: dict, correlation: dict) -> bool:
    """Hand a message to the waiting catch events of this case; True when one caught it."""
    workflow = cmd.workflow
    waiting = waiting_messages(workflow, name)
    if not waiting:
        return False
    first_task, first_id, spec_ed = waiting[0]
    full = {**payload, **correlation}
    event_def = MessageEventDefinition(name, correlation_properties=spec_ed.correlation_properties)
    try:
        correlations = event_def.calculate_correlations(workflow.script_engine, event_def.correlation_properties, full)
    except Exception:
        correlations = {}
    if getattr(spec_ed, "message_var", None) is None:
        for task, _catch_id, _definition in waiting:
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
    cmd.audit("message", str(first_task.id), first_id, name=name, correlation=correlation,
              fields=sorted(payload))
    return True


def _uncorrelated(name: str, definition: MessageEventDefinition | None, exc: BaseException) -> ValidationFailed:
    properties = getattr(definition, "correlation_properties", None) or []
    expressions = ", ".join(f"'{p.retrieval_expression}'" for p in properties)
    params = {"name": name, "expressions": expressions or "?", "error": f"{exc.__class__.__name__}: {exc}"}
    return ValidationFailed("message_uncorrelated", [problem("payload", "message_uncorrelated", **params)], **params)
