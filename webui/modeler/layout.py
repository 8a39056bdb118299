"""A plain left-to-right layout for models deployed without a diagram (no BPMNDI).

bpmn-js draws only what the diagram interchange describes; a model written by hand or by a tool
without layout would show an empty canvas. This adds shapes and edges (columns by flow order,
rows by lane) and leaves every semantic element untouched. Models that have a diagram are
returned unchanged.
"""
from __future__ import annotations

from collections import defaultdict

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=True)

_EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
_GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
_SUBPROCESSES = {"subProcess", "transaction", "adHocSubProcess"}
_NODES = _EVENTS | _GATEWAYS | _SUBPROCESSES | {
    "task", "userTask", "manualTask", "serviceTask", "scriptTask", "businessRuleTask", "sendTask",
    "receiveTask", "callActivity"}
COL_W, ROW_H, LEFT, TOP = 170, 110, 80, 40


def _local(el) -> str:
    return etree.QName(el).localname


def _size(kind: str) -> tuple[int, int]:
    if kind in _EVENTS:
        return 36, 36
    if kind in _GATEWAYS:
        return 50, 50
    return 100, 80


def _sub(parent, ns: str, tag: str, **attrs):
    el = etree.SubElement(parent, f"{{{ns}}}{tag}")
    for k, v in attrs.items():
        el.set(k, str(v))
    return el


def _ranks(nodes: dict[str, object], flows: list) -> dict[str, int]:
    """Column per node: the longest path from a node without incoming flow, back edges ignored."""
    out: dict[str, list[str]] = defaultdict(list)
    incoming: dict[str, int] = defaultdict(int)
    for f in flows:
        src, dst = f.get("sourceRef"), f.get("targetRef")
        if src in nodes and dst in nodes:
            out[src].append(dst)
            incoming[dst] += 1
    for node_id, el in nodes.items():  # a boundary event leaves from its host's column
        host = el.get("attachedToRef")
        if _local(el) == "boundaryEvent" and host in nodes:
            out[host].append(node_id)
            incoming[node_id] += 1
    order: list[str] = []
    state: dict[str, int] = {}
    back: set[tuple[str, str]] = set()

    def visit(n: str) -> None:
        stack = [(n, iter(out[n]))]
        state[n] = 1
        while stack:
            node, children = stack[-1]
            nxt = next(children, None)
            if nxt is None:
                state[node] = 2
                order.append(node)
                stack.pop()
            elif state.get(nxt) == 1:
                back.add((node, nxt))
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(out[nxt])))

    for n in [n for n in nodes if not incoming[n]] + list(nodes):
        if n not in state:
            visit(n)
    rank = {n: 0 for n in nodes}
    for n in reversed(order):
        for m in out[n]:
            if (n, m) not in back:
                step = 0 if _local(nodes[m]) == "boundaryEvent" else 1
                rank[m] = max(rank[m], rank[n] + step)
    return rank


def _layout_container(container, plane, lanes: list[tuple[str, set[str]]]) -> None:
    """Shapes and edges of one process or subprocess (lanes are rows)."""
    nodes = {el.get("id"): el for el in container if isinstance(el.tag, str)
             and _local(el) in _NODES and el.get("id")}
    flows = [el for el in container if isinstance(el.tag, str) and _local(el) == "sequenceFlow"]
    rank = _ranks(nodes, flows)
    lane_of = {n: i for i, (_, refs) in enumerate(lanes) for n in refs}
    outside = len(lanes)  # a row below the lanes for elements in none of them
    rows = len(lanes) + (1 if any(n not in lane_of for n in nodes) or not lanes else 0)
    taken: dict[tuple[int, int], int] = defaultdict(int)
    slot: dict[str, int] = {}
    for n in sorted(nodes, key=lambda n: (rank[n], list(nodes).index(n))):
        if _local(nodes[n]) == "boundaryEvent":
            continue
        key = (lane_of.get(n, outside), rank[n])
        slot[n] = taken[key]
        taken[key] += 1
    depth = defaultdict(lambda: 1)
    for (lane, _), count in taken.items():
        depth[lane] = max(depth[lane], count)
    lane_top, y0 = {}, TOP
    for i in range(rows):
        lane_top[i] = y0
        y0 += depth[i] * ROW_H + 20
    bounds: dict[str, tuple[float, float, float, float]] = {}
    for n, el in nodes.items():
        if _local(el) == "boundaryEvent":
            continue
        w, h = _size(_local(el))
        cx = LEFT + 60 + rank[n] * COL_W + 50
        cy = lane_top[lane_of.get(n, outside)] + slot[n] * ROW_H + ROW_H / 2
        bounds[n] = (cx - w / 2, cy - h / 2, w, h)
    for n, el in nodes.items():
        host = bounds.get(el.get("attachedToRef") or "")
        if _local(el) == "boundaryEvent" and host:
            bounds[n] = (host[0] + host[2] - 46, host[1] + host[3] - 18, 36, 36)
    width = LEFT + 60 + (max(rank.values() or [0]) + 1) * COL_W + 40
    for i, (lane_id, _) in enumerate(lanes):
        shape = _sub(plane, BPMNDI, "BPMNShape", id=f"{lane_id}_di", bpmnElement=lane_id, isHorizontal="true")
        _sub(shape, DC, "Bounds", x=LEFT, y=lane_top[i] - 10, width=width - LEFT, height=depth[i] * ROW_H + 20)
    for n, (x, y, w, h) in bounds.items():
        attrs = {"id": f"{n}_di", "bpmnElement": n}
        if _local(nodes[n]) in _SUBPROCESSES:
            attrs["isExpanded"] = "false"
        shape = _sub(plane, BPMNDI, "BPMNShape", **attrs)
        _sub(shape, DC, "Bounds", x=round(x), y=round(y), width=w, height=h)
    bottom = y0 + 10
    for f in flows:
        a, b = bounds.get(f.get("sourceRef") or ""), bounds.get(f.get("targetRef") or "")
        if a is None or b is None or not f.get("id"):
            continue
        edge = _sub(plane, BPMNDI, "BPMNEdge", id=f"{f.get('id')}_di", bpmnElement=f.get("id"))
        if b[0] > a[0] + a[2]:
            sy, ty, mid = a[1] + a[3] / 2, b[1] + b[3] / 2, (a[0] + a[2] + b[0]) / 2
            points = [(a[0] + a[2], sy), (mid, sy), (mid, ty), (b[0], ty)]
        else:  # backwards (a loop) or straight down: route under everything
            points = [(a[0] + a[2] / 2, a[1] + a[3]), (a[0] + a[2] / 2, bottom), (b[0] + b[2] / 2, bottom),
                      (b[0] + b[2] / 2, b[1] + b[3])]
            bottom += 8
        for x, y in points:
            _sub(edge, DI, "waypoint", x=round(x), y=round(y))
    for el in nodes.values():
        if _local(el) in _SUBPROCESSES:
            diagram = _sub(plane.getparent().getparent(), BPMNDI, "BPMNDiagram", id=f"{el.get('id')}_diagram")
            sub_plane = _sub(diagram, BPMNDI, "BPMNPlane", id=f"{el.get('id')}_plane", bpmnElement=el.get("id"))
            _layout_container(el, sub_plane, [])


def ensure_layout(xml: str) -> str:
    """The model with a generated diagram when it has none; unchanged otherwise (also when unparsable)."""
    try:
        root = etree.fromstring(xml.encode("utf-8"), _PARSER)
    except etree.XMLSyntaxError:
        return xml
    if root.find(f"{{{BPMNDI}}}BPMNDiagram") is not None:
        return xml
    processes = root.findall(f"{{{BPMN}}}process")
    if not processes:
        return xml
    collaboration = root.find(f"{{{BPMN}}}collaboration")
    main = next((p for p in processes if p.get("isExecutable") == "true"), processes[0])
    diagram = _sub(root, BPMNDI, "BPMNDiagram", id="generated_diagram")
    plane = _sub(diagram, BPMNDI, "BPMNPlane", id="generated_plane", bpmnElement=main.get("id"))
    lanes = [(lane.get("id"), {ref.text.strip() for ref in lane.findall(f"{{{BPMN}}}flowNodeRef") if ref.text})
             for lane in main.iterfind(f"{{{BPMN}}}laneSet/{{{BPMN}}}lane") if lane.get("id")]
    participant = None
    if collaboration is not None:
        plane.set("bpmnElement", collaboration.get("id") or "")
        participant = next((p for p in collaboration.findall(f"{{{BPMN}}}participant")
                            if p.get("processRef") == main.get("id")), None)
    _layout_container(main, plane, lanes)
    if participant is not None:
        xs = [float(b.get("x")) + float(b.get("width")) for b in plane.iter(f"{{{DC}}}Bounds")]
        ys = [float(b.get("y")) + float(b.get("height")) for b in plane.iter(f"{{{DC}}}Bounds")]
        shape = etree.Element(f"{{{BPMNDI}}}BPMNShape", id=f"{participant.get('id')}_di",
                              bpmnElement=participant.get("id"), isHorizontal="true")
        _sub(shape, DC, "Bounds", x=LEFT - 30, y=TOP - 20, width=max(xs or [400]) - LEFT + 40,
             height=max(ys or [200]) - TOP + 30)
        plane.insert(0, shape)
    return etree.tostring(root, encoding="unicode")
