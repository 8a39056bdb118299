"""The model a new process starts from in the modeler: one process with its start event, drawn."""
from __future__ import annotations

from lxml import etree

from engine.bpmn.namespaces import BPMN, BPMNDI, DC, PREFIXES

TARGET_NAMESPACE = "https://hengyang.gov.cn/fao/bpmn"
PROCESS_ID = "new_process"


def blank_process(process_name: str, start_name: str) -> str:
    """A BPMN text holding an executable process ``new_process`` with a start event ``start``.

    Args:
        process_name: The process's name (in the analyst's language).
        start_name: The start event's name.

    Returns:
        The XML text, with a diagram.
    """
    root = etree.Element(f"{{{BPMN}}}definitions", nsmap=PREFIXES,
                         id=f"{PROCESS_ID}_definitions", targetNamespace=TARGET_NAMESPACE)
    process = etree.SubElement(root, f"{{{BPMN}}}process", id=PROCESS_ID, name=process_name, isExecutable="true")
    etree.SubElement(process, f"{{{BPMN}}}startEvent", id="start", name=start_name)
    diagram = etree.SubElement(root, f"{{{BPMNDI}}}BPMNDiagram", id=f"{PROCESS_ID}_diagram")
    plane = etree.SubElement(diagram, f"{{{BPMNDI}}}BPMNPlane", id=f"{PROCESS_ID}_plane", bpmnElement=PROCESS_ID)
    shape = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNShape", id="start_di", bpmnElement="start")
    etree.SubElement(shape, f"{{{DC}}}Bounds", x="180", y="160", width="36", height="36")
    etree.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="unicode") + "\n"
