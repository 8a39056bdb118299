"""Facts about a parsed process spec that the deploy pipeline and services need."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from SpiffWorkflow.bpmn.specs.control import StartEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
    from SpiffWorkflow.specs.base import TaskSpec

FORM_SCHEMA = "formJsonSchemaFilename"
FORM_UI = "formUiSchemaFilename"


@dataclass(frozen=True)
class FormRef:
    file: str
    element_id: str
    is_schema: bool


@dataclass
class SpecInfo:
    form_refs: list[FormRef] = field(default_factory=list)
    lanes: list[tuple[str, str]] = field(default_factory=list)
    service_operators: list[tuple[str, str]] = field(default_factory=list)
    start_form: str | None = None
    start_ui_form: str | None = None
    start_lane: str | None = None
    manual_start: bool = False
    start_messages: list[str] = field(default_factory=list)
    timer_starts: list[tuple[str, str]] = field(default_factory=list)  # (bpmn_id, expression)


def form_files(task_spec: TaskSpec) -> tuple[str | None, str | None]:
    props = (getattr(task_spec, "extensions", None) or {}).get("properties") or {}
    return props.get(FORM_SCHEMA), props.get(FORM_UI)


def describe_spec(spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec | None]) -> SpecInfo:
    """Collect forms, lanes, operators and start events of a process and its subprocesses."""
    info = SpecInfo()
    for is_top, s in [(True, spec), *[(False, v) for v in subprocess_specs.values() if v is not None]]:
        for ts in s.task_specs.values():
            bpmn_id = getattr(ts, "bpmn_id", None)
            if bpmn_id is None:
                continue
            schema, ui = form_files(ts)
            if schema:
                info.form_refs.append(FormRef(schema, bpmn_id, True))
            if ui:
                info.form_refs.append(FormRef(ui, bpmn_id, False))
            if getattr(ts, "manual", False) and ts.lane:
                info.lanes.append((ts.lane, bpmn_id))
            op = (getattr(ts, "extensions", None) or {}).get("serviceTaskOperator")
            if op and op.get("name"):
                info.service_operators.append((op["name"], bpmn_id))
            if is_top and isinstance(ts, StartEvent) and _is_process_start(ts):
                ed = ts.event_definition
                if isinstance(ed, NoneEventDefinition):
                    info.manual_start = True
                    info.start_form = info.start_form or schema
                    info.start_ui_form = info.start_ui_form or ui
                    info.start_lane = info.start_lane or ts.lane
                elif isinstance(ed, MessageEventDefinition):
                    info.start_messages.append(ed.name)
                elif isinstance(ed, TimerEventDefinition):
                    info.timer_starts.append((bpmn_id, ed.expression))
    return info


def _is_process_start(ts: TaskSpec) -> bool:
    """A start event of the process itself: after its Start task, or behind the split SpiffWorkflow
    puts before a process's several start events."""
    return any(getattr(i, "name", "") == "Start" or isinstance(i, StartEventSplit) for i in ts.inputs)


def starts_by(task_spec: TaskSpec, message: str | None = None, timer_start: str | None = None) -> bool:
    """Whether a case starts by this start event: the timer start ``timer_start``, a message start
    for ``message``, or (neither given) a none start event: a manual start."""
    ed = getattr(task_spec, "event_definition", None)
    if timer_start is not None:
        return task_spec.bpmn_id == timer_start
    if message is not None:
        return isinstance(ed, MessageEventDefinition) and ed.name == message
    return isinstance(ed, NoneEventDefinition)
