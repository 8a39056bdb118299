"""Automatic left-to-right layout of a process graph in horizontal lanes.

Columns come from the longest path (a sub-process spans as many columns as its inside needs;
a flow that closes a loop is left out of the ranking); rows are the lanes, and nodes that share
a lane and a column are stacked inside the lane. Edges are orthogonal, with the vertical leg in
the gap before the target (or after the source when that one is free of nodes). The result is
plain numbers: :mod:`engine.bpmn.diagram` writes them as BPMN diagram interchange, and so does
the generator of the office's models.

The graph is any object shaped like :class:`Graph`: nodes carry a ``kind`` word (below; any
other word is drawn as a task), an optional ``lane`` key, the host of a boundary event and the
nodes and flows inside a sub-process.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

# kinds of node the layout tells apart
START, END, MSG_CATCH, TIMER_CATCH, BOUNDARY = "start", "end", "msg_catch", "timer_catch", "boundary"
XOR, AND, SUB = "xor", "and", "sub"
EVENT_KINDS = (START, END, MSG_CATCH, TIMER_CATCH, BOUNDARY)
GATEWAY_KINDS = (XOR, AND)

TASK_W, TASK_H = 100, 80
EVENT = 36
GATEWAY = 50
COL_GAP = 56
SUB_PAD = 36
ROW_H = 120
LANE_PAD = 14
POOL_LABEL = 30
ORIGIN_X, ORIGIN_Y = 100, 60


class Flow(Protocol):
    """A sequence flow between two nodes of one scope."""

    @property
    def id(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def target(self) -> str: ...


class Node(Protocol):
    """A flow node; ``children`` and ``flows`` are the inside of a sub-process."""

    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def lane(self) -> str | None: ...
    @property
    def attached_to(self) -> str | None: ...
    @property
    def children(self) -> Sequence[Node]: ...
    @property
    def flows(self) -> Sequence[Flow]: ...


class Graph(Protocol):
    """A process: lanes ``(key, label)`` in order (at least one), top-level nodes and flows."""

    @property
    def lanes(self) -> Sequence[tuple[str, str]]: ...
    @property
    def nodes(self) -> Sequence[Node]: ...
    @property
    def flows(self) -> Sequence[Flow]: ...


@dataclass(frozen=True)
class Box:
    """A rectangle: top-left corner, width and height."""

    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass(frozen=True)
class Layout:
    """Where everything goes: node and lane boxes by id/key, the pool, waypoints per flow id."""

    shapes: dict[str, Box]
    lanes: dict[str, Box]
    pool: Box
    edges: dict[str, list[tuple[float, float]]]


def node_size(node: Node) -> tuple[float, float]:
    """Width and height of a node's shape."""
    if node.kind in EVENT_KINDS:
        return EVENT, EVENT
    if node.kind in GATEWAY_KINDS:
        return GATEWAY, GATEWAY
    return TASK_W, TASK_H


def all_nodes(nodes: Sequence[Node]) -> list[Node]:
    """Every node of a scope, those inside sub-processes included, in document order."""
    out: list[Node] = []
    for n in nodes:
        out.append(n)
        out.extend(all_nodes(n.children))
    return out


def _all_flows(nodes: Sequence[Node], flows: Sequence[Flow]) -> list[Flow]:
    out = list(flows)
    for n in nodes:
        if n.kind == SUB:
            out.extend(_all_flows(n.children, n.flows))
    return out


def _forward_edges(placed: list[str], edges: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The edges without those that close a loop (depth-first back edges), in their order."""
    out_of: dict[str, list[str]] = {i: [] for i in placed}
    for s, t in edges:
        out_of[s].append(t)
    state: dict[str, int] = {}
    back: set[tuple[str, str]] = set()
    for root in placed:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(out_of[root]))]
        while stack:
            node, children = stack[-1]
            nxt = next(children, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                back.add((node, nxt))
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(out_of[nxt])))
    return [e for e in edges if e not in back]


def _ranks(nodes: Sequence[Node], flows: Sequence[Flow], spans: dict[str, int]) -> dict[str, int]:
    """Longest-path ranks of one scope; flows out of boundary events count from the host."""
    host = {n.id: n.attached_to for n in nodes if n.kind == BOUNDARY and n.attached_to is not None}
    placed = [n.id for n in nodes if n.kind != BOUNDARY]
    roots = [i for i in placed if not any(f.target == i for f in flows)]
    edges = [(host.get(f.source, f.source), f.target) for f in flows]
    edges = _forward_edges(roots + [i for i in placed if i not in roots], edges)
    indeg = {i: 0 for i in placed}
    for _, t in edges:
        indeg[t] += 1
    rank = {i: 0 for i in placed}
    queue = [i for i in placed if indeg[i] == 0]
    while queue:
        cur = queue.pop(0)
        for s, t in edges:
            if s == cur:
                rank[t] = max(rank[t], rank[cur] + spans.get(cur, 1))
                indeg[t] -= 1
                if indeg[t] == 0:
                    queue.append(t)
    return rank


def _columns(nodes: Sequence[Node], flows: Sequence[Flow], base: int,
             cols: dict[str, int], spans_out: dict[str, int]) -> int:
    """Assign global columns to the nodes of a scope (recursively); returns columns used."""
    spans: dict[str, int] = {}
    for n in nodes:
        if n.kind == SUB:
            spans[n.id] = max(1, _count_inner(n))
    ranks = _ranks(nodes, flows, spans)
    width = 0
    for n in nodes:
        if n.kind == BOUNDARY:
            continue
        cols[n.id] = base + ranks[n.id]
        span = spans.get(n.id, 1)
        spans_out[n.id] = span
        width = max(width, ranks[n.id] + span)
        if n.kind == SUB:
            _columns(n.children, n.flows, base + ranks[n.id], cols, spans_out)
    return width


def _count_inner(sub: Node) -> int:
    return _columns(sub.children, sub.flows, 0, {}, {})


def lanes_of(graph: Graph) -> dict[str, str]:
    """Lane of every node: its own, else its host's (boundary), else its first predecessor's.

    Args:
        graph: The process.

    Returns:
        ``{node id: lane key}`` for every node but sub-processes (which span lanes).
    """
    nodes = all_nodes(graph.nodes)
    flows = _all_flows(graph.nodes, graph.flows)
    lane = {n.id: n.lane for n in nodes if n.lane}
    for _ in range(len(nodes) + 1):
        changed = False
        for n in nodes:
            if n.id in lane or n.kind == SUB:
                continue
            if n.kind == BOUNDARY and n.attached_to in lane:
                lane[n.id] = lane[n.attached_to]
                changed = True
                continue
            preds = [f.source for f in flows if f.target == n.id and f.source in lane]
            succs = [f.target for f in flows if f.source == n.id and f.target in lane]
            if preds or succs:
                lane[n.id] = lane[(preds or succs)[0]]
                changed = True
        if not changed:
            break
    first = graph.lanes[0][0]
    for n in nodes:
        if n.kind != SUB:
            lane.setdefault(n.id, first)
    return lane


def layout(graph: Graph) -> Layout:
    """Place every node, lane and flow of a process.

    Args:
        graph: The process (see :class:`Graph`).

    Returns:
        The boxes and waypoints.
    """
    nodes = all_nodes(graph.nodes)
    by_id = {n.id: n for n in nodes}
    cols: dict[str, int] = {}
    spans: dict[str, int] = {}
    ncols = max(1, _columns(graph.nodes, graph.flows, 0, cols, spans))
    lane_of = lanes_of(graph)

    # column widths and x positions (extra room where a sub-process begins or ends)
    widths = [0.0] * ncols
    pad_before = [0.0] * (ncols + 1)
    for n in nodes:
        if n.kind == BOUNDARY:
            continue
        if n.kind == SUB:
            c0 = cols[n.id]
            pad_before[c0] += SUB_PAD
            pad_before[c0 + spans[n.id]] += SUB_PAD
            continue
        widths[cols[n.id]] = max(widths[cols[n.id]], node_size(n)[0])
    col_x: list[float] = []
    x: float = ORIGIN_X + POOL_LABEL + 40
    for c in range(ncols):
        x += pad_before[c]
        w = widths[c] or TASK_W
        col_x.append(x + w / 2)  # centre
        x += w + COL_GAP
    total_w = x + pad_before[ncols] - (ORIGIN_X + POOL_LABEL) + 10

    # stacking inside (lane, column)
    used_lanes = [k for k, _ in graph.lanes if any(lane_of.get(n.id) == k for n in nodes)]
    subrow: dict[str, int] = {}
    rows_per_lane = {k: 1 for k in used_lanes}
    counter: dict[tuple[str, int], int] = {}
    for n in nodes:
        if n.kind in (BOUNDARY, SUB):
            continue
        key = (lane_of[n.id], cols[n.id])
        subrow[n.id] = counter.get(key, 0)
        counter[key] = subrow[n.id] + 1
        rows_per_lane[lane_of[n.id]] = max(rows_per_lane[lane_of[n.id]], counter[key])

    lanes: dict[str, Box] = {}
    y: float = ORIGIN_Y
    for k in used_lanes:
        h: float = rows_per_lane[k] * ROW_H + 2 * LANE_PAD
        lanes[k] = Box(ORIGIN_X + POOL_LABEL, y, total_w, h)
        y += h
    pool = Box(ORIGIN_X, ORIGIN_Y, total_w + POOL_LABEL, max(y - ORIGIN_Y, ROW_H))

    shapes: dict[str, Box] = {}
    for n in nodes:
        if n.kind in (BOUNDARY, SUB):
            continue
        w, h = node_size(n)
        lb = lanes[lane_of[n.id]]
        cy = lb.y + LANE_PAD + ROW_H * (subrow[n.id] + 0.5)
        shapes[n.id] = Box(col_x[cols[n.id]] - w / 2, cy - h / 2, w, h)

    # sub-process boxes, innermost first
    def sub_box(sub: Node) -> Box:
        inner = all_nodes(sub.children)
        for c in sub.children:
            if c.kind == SUB and c.id not in shapes:
                shapes[c.id] = sub_box(c)
        c0, c1 = cols[sub.id], cols[sub.id] + spans[sub.id] - 1
        x0 = col_x[c0] - (widths[c0] or TASK_W) / 2 - SUB_PAD + 8
        x1 = col_x[c1] + (widths[c1] or TASK_W) / 2 + SUB_PAD - 8
        inner_lanes = [lanes[lane_of[i.id]] for i in inner if i.id in lane_of] or list(lanes.values())[:1]
        y0 = min(b.y for b in inner_lanes) + 6
        y1 = max(b.bottom for b in inner_lanes) - 6
        return Box(x0, y0, x1 - x0, y1 - y0)

    for n in nodes:
        if n.kind == SUB and n.id not in shapes:
            shapes[n.id] = sub_box(n)

    # boundary events sit on the bottom edge of their host
    per_host: dict[str, int] = {}
    for n in nodes:
        if n.kind == BOUNDARY and n.attached_to is not None:
            hb = shapes[n.attached_to]
            i = per_host.get(n.attached_to, 0)
            per_host[n.attached_to] = i + 1
            cx = hb.right - 24 - i * 44
            shapes[n.id] = Box(cx - EVENT / 2, hb.bottom - EVENT / 2, EVENT, EVENT)

    edges = {f.id: _route(f, shapes, by_id) for f in _all_flows(graph.nodes, graph.flows)}
    return Layout(shapes, lanes, pool, edges)
def _seg_blocked(p: tuple[float, float], q: tuple[float, float], shapes: dict[str, Box], skip: set[str],
                 by_id: dict[str, Node]) -> bool:
    """Does the axis-parallel segment p-q cross a node (other than those in ``skip``)?"""
    x0, x1 = sorted((p[0], q[0]))
    y0, y1 = sorted((p[1], q[1]))
    for i, b in shapes.items():
        if i in skip or by_id[i].kind == SUB:
            continue
        if b.x - 4 < x1 and b.right + 4 > x0 and b.y - 4 < y1 and b.bottom + 4 > y0:
            return True
    return False


def _free(points: list[tuple[float, float]], shapes: dict[str, Box], skip: set[str],
          by_id: dict[str, Node]) -> bool:
    return not any(_seg_blocked(a, b, shapes, skip, by_id) for a, b in zip(points, points[1:], strict=False))


def _route(f: Flow, shapes: dict[str, Box], by_id: dict[str, Node]) -> list[tuple[float, float]]:
    s, t = shapes[f.source], shapes[f.target]
    sk, tk = by_id[f.source].kind, by_id[f.target].kind
    skip = {f.source, f.target}
    skip |= {i for i, n in by_id.items() if n.kind == BOUNDARY and n.attached_to in skip}
    if tk == SUB and t.y + 10 <= s.cy <= t.bottom - 10:
        return [(s.right, s.cy), (t.x, s.cy)]
    if sk == SUB and s.y + 10 <= t.cy <= s.bottom - 10:
        return [(s.right, t.cy), (t.x, t.cy)]
    gap = COL_GAP / 2
    cands: list[list[tuple[float, float]]] = []
    if sk == BOUNDARY:
        if t.cy > s.bottom:
            cands.append([(s.cx, s.bottom), (s.cx, t.cy), (t.x, t.cy)])
        cands.append([(s.cx, s.bottom), (s.cx, s.bottom + 18), (t.x - gap, s.bottom + 18), (t.x - gap, t.cy),
                      (t.x, t.cy)])
    else:
        if abs(s.cy - t.cy) < 1:
            cands.append([(s.right, s.cy), (t.x, t.cy)])
        if sk in GATEWAY_KINDS and abs(s.cy - t.cy) >= 1:
            sy = s.y if t.cy < s.cy else s.bottom
            cands.append([(s.cx, sy), (s.cx, t.cy), (t.x, t.cy)])
        if tk in GATEWAY_KINDS and abs(s.cy - t.cy) >= 1:
            ty = t.y if s.cy < t.cy else t.bottom
            cands.append([(s.right, s.cy), (t.cx, s.cy), (t.cx, ty)])
        cands.append([(s.right, s.cy), (t.x - gap, s.cy), (t.x - gap, t.cy), (t.x, t.cy)])
        cands.append([(s.right, s.cy), (s.right + gap, s.cy), (s.right + gap, t.cy), (t.x, t.cy)])
        # detours through a free horizontal channel above or below
        for k in (1, -1, 2, -2, 3, -3):
            yd = max(s.cy, t.cy) + k * ROW_H / 2 if k > 0 else min(s.cy, t.cy) + k * ROW_H / 2
            if sk in GATEWAY_KINDS:
                sy = s.bottom if yd > s.cy else s.y
                head = [(s.cx, sy), (s.cx, yd)]
            else:
                head = [(s.right, s.cy), (s.right + gap, s.cy), (s.right + gap, yd)]
            if tk in GATEWAY_KINDS:
                ty = t.bottom if yd > t.cy else t.y
                tail = [(t.cx, yd), (t.cx, ty)]
            else:
                tail = [(t.x - gap, yd), (t.x - gap, t.cy), (t.x, t.cy)]
            cands.append(head + tail)
    for c in cands:
        if _free(c, shapes, skip, by_id):
            return c
    return cands[0]
