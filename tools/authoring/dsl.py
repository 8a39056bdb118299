"""A small description language for the office's process models.

A :class:`ProcessModel` is plain data: lanes, flow nodes (possibly nested in sub-processes) and
sequence flows. :mod:`engine.bpmn.layout` places it, :mod:`tools.authoring.bpmn_xml`
writes BPMN 2.0 XML with SpiffWorkflow extensions and diagram interchange. The
:class:`Builder` is a convenience for writing models tersely; it is the only mutable thing here
and never leaves the function that builds one model.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# kinds of flow node
START, END, USER, SERVICE, SCRIPT, RULE = "start", "end", "user", "service", "script", "rule"
XOR, AND, SUB, CALL = "xor", "and", "sub", "call"
MSG_CATCH, TIMER_CATCH, BOUNDARY = "msg_catch", "timer_catch", "boundary"


@dataclass(frozen=True)
class Timer:
    """A timer event definition; ``expression`` is Python evaluated by the engine."""

    kind: str  # timeDate | timeDuration | timeCycle
    expression: str


@dataclass(frozen=True)
class MultiInstance:
    """Parallel multi-instance characteristics over a list in the task data."""

    input_ref: str
    item: str
    sequential: bool = False
    output_ref: str | None = None  # a list collecting each instance's ``output_item``
    output_item: str | None = None


@dataclass(frozen=True)
class StandardLoop:
    """Standard loop: repeats while ``condition`` is true (tested after each pass)."""

    condition: str
    maximum: int = 10
    test_before: bool = False


@dataclass(frozen=True)
class Node:
    """One flow node. Only the fields relevant to ``kind`` are used."""

    id: str
    kind: str
    name: str = ""
    lane: str | None = None
    form: str | None = None  # base name: forms/<form>.schema.json and .uischema.json
    instructions: str | None = None
    documentation: str | None = None
    operator: str | None = None
    params: tuple[tuple[str, str], ...] = ()
    result: str | None = None
    script: str | None = None
    pre_script: str | None = None
    post_script: str | None = None
    decision_ref: str | None = None
    message: str | None = None  # message name (catch events)
    message_var: str | None = None
    timer: Timer | None = None
    attached_to: str | None = None
    interrupting: bool = True
    terminate: bool = False
    called_element: str | None = None
    multi: MultiInstance | None = None
    loop: StandardLoop | None = None
    children: tuple[Node, ...] = ()
    flows: tuple[Flow, ...] = ()


@dataclass(frozen=True)
class Flow:
    """A sequence flow; ``condition`` is a Python expression; ``default`` marks the gateway default."""

    id: str
    source: str
    target: str
    name: str = ""
    condition: str | None = None
    default: bool = False


@dataclass(frozen=True)
class ProcessModel:
    """A whole process: one pool whose lanes are group keys."""

    key: str
    name: str
    lanes: tuple[tuple[str, str], ...]  # (group key, label)
    nodes: tuple[Node, ...]
    flows: tuple[Flow, ...]
    documentation: str = ""
    messages: tuple[str, ...] = field(default=())  # message names used (correlated by business_key)


class Builder:
    """Collects nodes and flows of one scope (a process or a sub-process)."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.nodes: list[Node] = []
        self.flows: list[Flow] = []
        self._flow_count = 0

    def add(self, node: Node) -> str:
        if any(n.id == node.id for n in self.nodes):
            raise ValueError(f"duplicate node id {node.id}")
        self.nodes.append(node)
        return node.id

    def node(self, id: str, kind: str, name: str = "", **kw) -> str:
        return self.add(Node(id=id, kind=kind, name=name, **kw))

    def flow(self, source: str, target: str, name: str = "", condition: str | None = None,
             default: bool = False) -> str:
        self._flow_count += 1
        fid = f"{self.prefix}flow_{self._flow_count}"
        self.flows.append(Flow(fid, source, target, name, condition, default))
        return fid

    def chain(self, *ids: str) -> None:
        for a, b in zip(ids, ids[1:], strict=False):
            self.flow(a, b)

    def build_sub(self, id: str, name: str, **kw) -> Node:
        return Node(id=id, kind=SUB, name=name, children=tuple(self.nodes), flows=tuple(self.flows), **kw)
