"""Write a :class:`ProcessModel` as BPMN 2.0 XML (SpiffWorkflow extensions, full DI).

Element order follows the BPMN 2.0 XSD (documentation, extensionElements, incoming, outgoing,
loop characteristics, then children / event definitions), so that
``SpiffBpmnParser(validator=VALIDATOR)`` accepts the output.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from engine.bpmn.layout import Layout, layout
from engine.bpmn.namespaces import PREFIXES as NS

from .dsl import (
    AND,
    BOUNDARY,
    CALL,
    END,
    MSG_CATCH,
    RULE,
    SCRIPT,
    SERVICE,
    START,
    SUB,
    TIMER_CATCH,
    USER,
    XOR,
    Flow,
    Node,
    ProcessModel,
)

for _p, _u in NS.items():
    ET.register_namespace(_p, _u)

TAGS = {
    START: "startEvent", END: "endEvent", USER: "userTask", SERVICE: "serviceTask",
    SCRIPT: "scriptTask", RULE: "businessRuleTask", XOR: "exclusiveGateway",
    AND: "parallelGateway", SUB: "subProcess", CALL: "callActivity",
    MSG_CATCH: "intermediateCatchEvent", TIMER_CATCH: "intermediateCatchEvent",
    BOUNDARY: "boundaryEvent",
}


def q(prefix: str, tag: str) -> str:
    return f"{{{NS[prefix]}}}{tag}"


def sub(parent: ET.Element, prefix: str, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, q(prefix, tag), {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = text
    return el


def message_id(name: str) -> str:
    return f"message_{name}"


def form_files(form: str) -> tuple[str, str]:
    return f"{form}.schema.json", f"{form}.uischema.json"


def _extensions(parent: ET.Element, n: Node) -> None:
    has = n.form or n.instructions or n.operator or n.pre_script or n.post_script or n.decision_ref
    if not has:
        return
    ext = sub(parent, "bpmn", "extensionElements")
    if n.instructions:
        sub(ext, "spiffworkflow", "instructionsForEndUser", n.instructions)
    if n.form:
        props = sub(ext, "spiffworkflow", "properties")
        schema, ui = form_files(n.form)
        sub(props, "spiffworkflow", "property", name="formJsonSchemaFilename", value=schema)
        sub(props, "spiffworkflow", "property", name="formUiSchemaFilename", value=ui)
    if n.operator:
        op = sub(ext, "spiffworkflow", "serviceTaskOperator", id=n.operator, resultVariable=n.result or "")
        params = sub(op, "spiffworkflow", "parameters")
        for pid, expr in n.params:
            sub(params, "spiffworkflow", "parameter", id=pid, type="str", value=expr)
    if n.decision_ref:
        sub(ext, "spiffworkflow", "calledDecisionId", n.decision_ref)
    if n.pre_script:
        sub(ext, "spiffworkflow", "preScript", n.pre_script)
    if n.post_script:
        sub(ext, "spiffworkflow", "postScript", n.post_script)


def _timer(parent: ET.Element, n: Node) -> None:
    assert n.timer is not None
    td = sub(parent, "bpmn", "timerEventDefinition", id=f"{n.id}_timer")
    expr = sub(td, "bpmn", n.timer.kind, n.timer.expression)
    expr.set(q("xsi", "type"), "bpmn:tFormalExpression")


def _node(parent: ET.Element, n: Node, flows: tuple[Flow, ...]) -> None:
    attrs: dict[str, str] = {"id": n.id}
    if n.name:
        attrs["name"] = n.name
    if n.kind == XOR:
        default = [f.id for f in flows if f.source == n.id and f.default]
        if default:
            attrs["default"] = default[0]
    if n.kind == BOUNDARY:
        attrs["attachedToRef"] = n.attached_to or ""
        attrs["cancelActivity"] = "true" if n.interrupting else "false"
    if n.kind == CALL:
        attrs["calledElement"] = n.called_element or ""
    el = sub(parent, "bpmn", TAGS[n.kind], **attrs)
    if n.documentation:
        sub(el, "bpmn", "documentation", n.documentation)
    _extensions(el, n)
    for f in flows:
        if f.target == n.id:
            sub(el, "bpmn", "incoming", f.id)
    for f in flows:
        if f.source == n.id:
            sub(el, "bpmn", "outgoing", f.id)
    if n.multi:
        mi = sub(el, "bpmn", "multiInstanceLoopCharacteristics",
                 isSequential="true" if n.multi.sequential else "false")
        sub(mi, "bpmn", "loopDataInputRef", n.multi.input_ref)
        if n.multi.output_ref:
            sub(mi, "bpmn", "loopDataOutputRef", n.multi.output_ref)
        sub(mi, "bpmn", "inputDataItem", id=n.multi.item, name=n.multi.item)
        if n.multi.output_item:
            sub(mi, "bpmn", "outputDataItem", id=n.multi.output_item, name=n.multi.output_item)
    if n.loop:
        lp = sub(el, "bpmn", "standardLoopCharacteristics",
                 testBefore="true" if n.loop.test_before else "false", loopMaximum=str(n.loop.maximum))
        cond = sub(lp, "bpmn", "loopCondition", n.loop.condition)
        cond.set(q("xsi", "type"), "bpmn:tFormalExpression")
    if n.kind == SCRIPT:
        sub(el, "bpmn", "script", n.script or "")
    if n.kind == SUB:
        for c in n.children:
            _node(el, c, n.flows)
        for f in n.flows:
            _flow(el, f)
    if n.kind in (TIMER_CATCH, BOUNDARY) or (n.kind == START and n.timer):
        _timer(el, n)
    if n.kind == MSG_CATCH:
        md = sub(el, "bpmn", "messageEventDefinition", id=f"{n.id}_message", messageRef=message_id(n.message or ""))
        ext = sub(md, "bpmn", "extensionElements")
        if n.message_var:
            sub(ext, "spiffworkflow", "messageVariable", n.message_var)
        corr = sub(ext, "spiffworkflow", "processVariableCorrelation")
        sub(corr, "spiffworkflow", "propertyId", "business_key")
        sub(corr, "spiffworkflow", "expression", "business_key")
    if n.kind == END and n.terminate:
        sub(el, "bpmn", "terminateEventDefinition", id=f"{n.id}_terminate")


def _flow(parent: ET.Element, f: Flow) -> None:
    attrs = {"id": f.id, "sourceRef": f.source, "targetRef": f.target}
    if f.name:
        attrs["name"] = f.name
    el = sub(parent, "bpmn", "sequenceFlow", **attrs)
    if f.condition:
        ce = sub(el, "bpmn", "conditionExpression", f.condition)
        ce.set(q("xsi", "type"), "bpmn:tFormalExpression")


def _walk(nodes: tuple[Node, ...]) -> list[Node]:
    out: list[Node] = []
    for n in nodes:
        out.append(n)
        out.extend(_walk(n.children))
    return out


def _walk_flows(nodes: tuple[Node, ...], flows: tuple[Flow, ...]) -> list[Flow]:
    out = list(flows)
    for n in nodes:
        out.extend(_walk_flows(n.children, n.flows))
    return out


def _num(v: float) -> str:
    return str(int(round(v)))


def _diagram(root: ET.Element, model: ProcessModel, lay: Layout, collab_id: str) -> None:
    diagram = sub(root, "bpmndi", "BPMNDiagram", id=f"{model.key}_diagram")
    plane = sub(diagram, "bpmndi", "BPMNPlane", id=f"{model.key}_plane", bpmnElement=collab_id)

    def shape(el_id: str, box, label=None, **extra: str) -> None:
        s = sub(plane, "bpmndi", "BPMNShape", id=f"{el_id}_di", bpmnElement=el_id, **extra)
        sub(s, "dc", "Bounds", x=_num(box.x), y=_num(box.y), width=_num(box.w), height=_num(box.h))
        if label is not None:
            lab = sub(s, "bpmndi", "BPMNLabel")
            sub(lab, "dc", "Bounds", x=_num(label[0]), y=_num(label[1]), width=_num(label[2]), height=_num(label[3]))

    shape(f"{model.key}_participant", lay.pool, isHorizontal="true")
    for k, box in lay.lanes.items():
        shape(f"lane_{k}", box, isHorizontal="true")
    nodes = _walk(model.nodes)
    # containers first so that bpmn-js draws children on top
    for n in sorted(nodes, key=lambda n: 0 if n.kind == SUB else 1):
        extra = {"isExpanded": "true"} if n.kind == SUB else {}
        if n.kind == XOR:
            extra = {"isMarkerVisible": "true"}
        box = lay.shapes[n.id]
        label = None
        if n.kind in (XOR, AND) and n.name:
            # above-left of the diamond: edges leave from the top, bottom and right vertices
            label = (box.x - 72, box.y - 14, 80, 14)
        elif n.kind == BOUNDARY and n.name:
            label = (box.right + 2, box.bottom - 4, 70, 14)
        shape(n.id, box, label, **extra)
    for f in _walk_flows(model.nodes, model.flows):
        e = sub(plane, "bpmndi", "BPMNEdge", id=f"{f.id}_di", bpmnElement=f.id)
        for x, y in lay.edges[f.id]:
            sub(e, "di", "waypoint", x=_num(x), y=_num(y))


def _lane_refs(model: ProcessModel) -> dict[str, list[str]]:
    from engine.bpmn.layout import lanes_of as _lanes_of  # the same lane inference the diagram uses

    lane_of = _lanes_of(model)
    refs: dict[str, list[str]] = {k: [] for k, _ in model.lanes}
    for n in _walk(model.nodes):
        if n.kind == SUB:
            continue  # a sub-process in no lane lets its children keep their own lanes
        refs[lane_of[n.id]].append(n.id)
    return refs


def to_xml(model: ProcessModel) -> str:
    """Return the BPMN document of ``model`` as a string."""
    lay = layout(model)
    root = ET.Element(q("bpmn", "definitions"), {
        "id": f"{model.key}_definitions",
        "targetNamespace": "https://hengyang.gov.cn/fao/bpmn",
        "exporter": "processes.authoring",
        "exporterVersion": "1",
    })
    collab_id = f"{model.key}_collaboration"
    collab = sub(root, "bpmn", "collaboration", id=collab_id)
    sub(collab, "bpmn", "participant", id=f"{model.key}_participant", name=model.name, processRef=model.key)
    if model.messages:
        ck = sub(collab, "bpmn", "correlationKey", name="business_key_correlation")
        sub(ck, "bpmn", "correlationPropertyRef", "business_key")
        for m in model.messages:
            sub(root, "bpmn", "message", id=message_id(m), name=m)
        cp = sub(root, "bpmn", "correlationProperty", id="business_key", name="business_key")
        for m in model.messages:
            rex = sub(cp, "bpmn", "correlationPropertyRetrievalExpression", messageRef=message_id(m))
            sub(rex, "bpmn", "messagePath", "business_key")
    proc = sub(root, "bpmn", "process", id=model.key, name=model.name, isExecutable="true")
    if model.documentation:
        sub(proc, "bpmn", "documentation", model.documentation)
    lane_set = sub(proc, "bpmn", "laneSet", id=f"{model.key}_lanes")
    refs = _lane_refs(model)
    labels = dict(model.lanes)
    for k in lay.lanes:
        lane = sub(lane_set, "bpmn", "lane", id=f"lane_{k}", name=k)
        sub(lane, "bpmn", "documentation", labels[k])
        for r in refs[k]:
            sub(lane, "bpmn", "flowNodeRef", r)
    for n in model.nodes:
        _node(proc, n, model.flows)
    for f in model.flows:
        _flow(proc, f)
    _diagram(root, model, lay, collab_id)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
