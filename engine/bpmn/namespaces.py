"""The XML namespaces of model files: BPMN 2.0, its diagram interchange, DMN, SpiffWorkflow's extensions.

The one place a namespace URI is written; everything that reads or writes model XML imports it here.
"""
from __future__ import annotations

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
DMN = "https://www.omg.org/spec/DMN/20191111/MODEL/"
DMN_NAMESPACES = (DMN, "http://www.omg.org/spec/DMN/20151101/dmn.xsd", "http://www.omg.org/spec/DMN/20180521/MODEL/")

PREFIXES = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI, "xsi": XSI, "spiffworkflow": SPIFF}
"""The prefixes model files written here use, ``{prefix: namespace}``."""


def bpmn(local_name: str) -> str:
    """The Clark name of a BPMN element: ``bpmn("process")`` is ``{http://...MODEL}process``.

    Args:
        local_name: The element's local name, or ``*`` for any BPMN element.

    Returns:
        The ``{namespace}local`` tag lxml matches against.
    """
    return f"{{{BPMN}}}{local_name}"
