"""A diagram for models deployed without one (no BPMNDI), drawn by :mod:`engine.bpmn.layout`.

bpmn-js draws only what the diagram interchange describes; a model written by hand or by a tool
without layout would show an empty canvas. :func:`ensure_layout` adds shapes and edges for the
main process (lanes as rows, sub-processes expanded) and leaves every semantic element untouched.
Models that have a diagram are returned unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from engine.bpmn import layout as geometry
from engine.bpmn.namespaces import BPMNDI, DC, DI, bpmn
from engine.bpmn.safe_xml import parse_model_text
from engine.errors import ModelFileError

_KINDS = {
    "startEvent": geometry.START, "endEvent": geometry.END, "boundaryEvent": geometry.BOUNDARY,
    "intermediateCatchEvent": geometry.MSG_CATCH, "intermediateThrowEvent": geometry.MSG_CATCH,
    "exclusiveGateway": geometry.XOR, "inclusiveGateway": geometry.XOR, "eventBasedGateway": geometry.XOR,
    "complexGateway": geometry.XOR, "parallelGateway": geometry.AND,
    "subProcess": geometry.SUB, "transaction": geometry.SUB, "adHocSubProcess": geometry.SUB,
}
_TASKS = {"task", "userTask", "manualTask", "serviceTask", "scriptTask", "businessRuleTask", "sendTask",
          "receiveTask", "callActivity"}
_NO_LANE = ""


@dataclass(frozen=True)
class _Flow:
    id: str
    source: str
    target: str


@dataclass
class _Node:
    id: str
    kind: str
    lane: str | None
    attached_to: str | None = None
    children: list[_Node] = field(default_factory=list)
    flows: list[_Flow] = field(default_factory=list)


@dataclass
class _Graph:
    lanes: list[tuple[str, str]]
    nodes: list[_Node]
    flows: list[_Flow]


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _scope(container: etree._Element, lane_of: dict[str, str], inherited: str | None) -> tuple[list, list]:
    """The nodes and flows directly inside a process or sub-process."""
    nodes: list[_Node] = []
    for el in container.iterchildren(bpmn("*")):
        kind = _KINDS.get(_local(el)) or ("task" if _local(el) in _TASKS else None)
        if kind is None or not el.get("id"):
            continue
        node = _Node(el.get("id"), kind, lane_of.get(el.get("id"), inherited), el.get("attachedToRef"))
        if kind == geometry.SUB:
            node.children, node.flows = _scope(el, lane_of, node.lane)
        nodes.append(node)
    hosts = {n.id for n in nodes if n.kind != geometry.BOUNDARY}
    nodes = [n for n in nodes if n.kind != geometry.BOUNDARY or n.attached_to in hosts]
    ids = {n.id for n in nodes}
    boundaries = {n.id for n in nodes if n.kind == geometry.BOUNDARY}
    flows = [_Flow(f.get("id"), f.get("sourceRef"), f.get("targetRef"))
             for f in container.iterchildren(bpmn("sequenceFlow"))
             if f.get("id") and f.get("sourceRef") in ids and f.get("targetRef") in ids - boundaries]
    return nodes, flows


def _graph(process: etree._Element) -> _Graph:
    lanes: list[tuple[str, str]] = []
    lane_of: dict[str, str] = {}
    for lane in process.iterfind(f"{bpmn('laneSet')}/{bpmn('lane')}"):
        if not lane.get("id"):
            continue
        lanes.append((lane.get("id"), lane.get("name") or ""))
        for ref in lane.iterchildren(bpmn("flowNodeRef")):
            if ref.text and ref.text.strip():
                lane_of[ref.text.strip()] = lane.get("id")
    nodes, flows = _scope(process, lane_of, None)
    return _Graph(lanes or [(_NO_LANE, "")], nodes, flows)


def _sub(parent: etree._Element, ns: str, tag: str, **attrs: object) -> etree._Element:
    el = etree.SubElement(parent, f"{{{ns}}}{tag}")
    for k, v in attrs.items():
        el.set(k, str(v))
    return el


def _shape(plane: etree._Element, element_id: str, box: geometry.Box, **attrs: str) -> None:
    shape = _sub(plane, BPMNDI, "BPMNShape", id=f"{element_id}_di", bpmnElement=element_id, **attrs)
    _sub(shape, DC, "Bounds", x=round(box.x), y=round(box.y), width=round(box.w), height=round(box.h))


def _draw(plane: etree._Element, graph: _Graph, participant: str | None) -> None:
    placed = geometry.layout(graph)
    if participant is not None:
        _shape(plane, participant, placed.pool, isHorizontal="true")
    for key, box in placed.lanes.items():
        if key != _NO_LANE:
            _shape(plane, key, box, isHorizontal="true")
    subs = {n.id for n in geometry.all_nodes(graph.nodes) if n.kind == geometry.SUB}
    for element_id, box in placed.shapes.items():
        _shape(plane, element_id, box, **({"isExpanded": "true"} if element_id in subs else {}))
    for flow_id, points in placed.edges.items():
        edge = _sub(plane, BPMNDI, "BPMNEdge", id=f"{flow_id}_di", bpmnElement=flow_id)
        for x, y in points:
            _sub(edge, DI, "waypoint", x=round(x), y=round(y))


def ensure_layout(xml: str) -> str:
    """The model with a generated diagram when it has none; unchanged otherwise (also when unreadable).

    Args:
        xml: A BPMN text.

    Returns:
        The text, with a ``BPMNDiagram`` for its main (first executable) process when it had none.
    """
    try:
        root = parse_model_text(xml).getroot()
    except ModelFileError:
        return xml
    if root.find(f"{{{BPMNDI}}}BPMNDiagram") is not None:
        return xml
    processes = root.findall(bpmn("process"))
    if not processes:
        return xml
    main = next((p for p in processes if p.get("isExecutable") == "true"), processes[0])
    diagram = _sub(root, BPMNDI, "BPMNDiagram", id="generated_diagram")
    plane = _sub(diagram, BPMNDI, "BPMNPlane", id="generated_plane", bpmnElement=main.get("id"))
    collaboration = root.find(bpmn("collaboration"))
    participant = None
    if collaboration is not None:
        plane.set("bpmnElement", collaboration.get("id") or "")
        participant = next((p.get("id") for p in collaboration.iterchildren(bpmn("participant"))
                            if p.get("processRef") == main.get("id") and p.get("id")), None)
    _draw(plane, _graph(main), participant)
    return etree.tostring(root, encoding="unicode")

