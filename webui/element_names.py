"""Names of the BPMN elements of a deployed version, so pages show "公示期（5个工作日）", not "publicity_period".

Audit events, timers and message subscriptions carry only an element's id; its name is in the
version's BPMN XML, read by :func:`engine.bpmn.elements.element_names`.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from engine.bpmn.elements import element_names
from store.reads import Reads


def names_of(reads: Reads, process_key: str, version: int) -> Mapping[str, str]:
    """The element names of one deployed version."""
    xml = reads.processes.bpmn_xml(process_key, version)
    return element_names(xml) if xml else {}


def name_or_id(names: Mapping[str, str], bpmn_id: str | None) -> str:
    """The element's name, else its id ("" for none)."""
    if not bpmn_id:
        return ""
    return names.get(bpmn_id) or bpmn_id


def waiting_events(reads: Reads, instance: Any) -> list[dict]:
    """The timers and messages a case waits on, each with its element's ``name``."""
    waiting = [w for w in reads.waits.of_case(instance.id) if w["kind"] != "task"]
    if not waiting:
        return []
    names = names_of(reads, instance.process_key, instance.version)
    return [dict(w, name=name_or_id(names, w.get("bpmn_id"))) for w in waiting]


def type_label(type_name: str) -> str:
    """A BPMN element type for people."""
    return {
        "UserTask": _("user task"), "ManualTask": _("manual task"), "NoneTask": _("task"),
        "ScriptTask": _("script task"), "ServiceTask": _("service task"),
        "BusinessRuleTask": _("decision task"), "CallActivity": _("call activity"),
        "SubWorkflowTask": _("subprocess"), "TransactionSubprocess": _("subprocess"),
        "ParallelMultiInstanceTask": _("multi-instance activity"),
        "SequentialMultiInstanceTask": _("multi-instance activity"), "StandardLoopTask": _("loop activity"),
        "SendTask": _("send task"), "ReceiveTask": _("receive task"),
        "IntermediateCatchEvent": _("intermediate event"), "IntermediateThrowEvent": _("intermediate event"),
        "StartEvent": _("start event"), "EndEvent": _("end event"), "BoundaryEvent": _("boundary event"),
        "ParallelGateway": _("parallel gateway"), "InclusiveGateway": _("inclusive gateway"),
        "ExclusiveGateway": _("exclusive gateway"), "EventBasedGateway": _("event-based gateway"),
    }.get(type_name, type_name)
