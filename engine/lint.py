"""Modelling rules SpiffWorkflow does not check (ARCHITECTURE 2 step 4 and 8).

Errors block a deploy: unquoted timer literals (timer expressions are Python, so ``PT1S`` is a
name, not a duration), ids ``Start``/``End`` (reserved by SpiffWorkflow), and two or more flows
into an activity or intermediate event without a merge gateway. Warnings never block: a loop
through a gateway (it stalls silently after about 333 iterations) and an exclusive gateway with
several outgoing flows but no default flow.
"""
from __future__ import annotations

import ast
import re
from collections import defaultdict

from lxml import etree

from engine.errors import ModelProblem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
RESERVED_IDS = frozenset({"Start", "End"})
GATEWAY_LOOP_LIMIT = 333

_ACTIVITIES = frozenset({
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
    "businessRuleTask", "callActivity", "subProcess", "transaction", "adHocSubProcess",
})
_INTERMEDIATE_EVENTS = frozenset({"intermediateCatchEvent", "intermediateThrowEvent"})
_GATEWAYS = frozenset({"exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway"})
_TIMER_FIELDS = ("timeDuration", "timeDate", "timeCycle")

_NUM = r"\d+(?:[.,]\d+)?"
_DURATION = rf"P(?!$)(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}W)?(?:{_NUM}D)?(?:T(?=\d)(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?"
_DATETIME = r"\d{4}-\d{2}-\d{2}(?:T\d{2}(?::\d{2}(?::\d{2}(?:[.,]\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
_MOMENT = rf"(?:{_DURATION}|{_DATETIME})"
_ISO_LITERAL = re.compile(rf"(?:R\d*/)?{_MOMENT}(?:/{_MOMENT})?")


def lint_bpmn(tree: etree._ElementTree, filename: str) -> tuple[list[ModelProblem], list[ModelProblem]]:
    """Check a parsed BPMN file against the project's modelling rules.

    Args:
        tree: The file as parsed by :func:`engine.xml_safety.parse_model_bytes`.
        filename: The name reported with each problem.

    Returns:
        ``(errors, warnings)``, each problem with the element's source line and id.
    """
    root = tree.getroot()
    errors: list[ModelProblem] = []
    warnings: list[ModelProblem] = []
    errors += _timer_literals(root, filename)
    errors += _reserved_ids(root, filename)
    flows = _sequence_flows(root)
    nodes = _flow_nodes(root)
    errors += _unmerged_flows(flows, nodes, filename)
    warnings += _gateway_loops(root, flows, nodes, filename)
    warnings += _exclusive_without_default(flows, nodes, filename)
    return errors, warnings


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _bpmn(root: etree._Element, *names: str) -> list[etree._Element]:
    found: list[etree._Element] = []
    for name in names:
        found.extend(root.iter(f"{{{BPMN_NS}}}{name}"))
    return sorted(found, key=lambda e: e.sourceline or 0)


def _owner_id(element: etree._Element) -> str | None:
    while element is not None:
        if element.get("id") and _local(element) not in ("timerEventDefinition",) + _TIMER_FIELDS:
            return element.get("id")
        element = element.getparent()
    return None


def _timer_literals(root: etree._Element, filename: str) -> list[ModelProblem]:
    problems = []
    for field in _bpmn(root, *_TIMER_FIELDS):
        text = (field.text or "").strip()
        if not text:
            continue
        owner = _owner_id(field)
        what = f"timer {_local(field)} of '{owner}'" if owner else f"timer {_local(field)}"
        if _ISO_LITERAL.fullmatch(text):
            problems.append(ModelProblem(
                filename, field.sourceline,
                f"{what} is the bare literal {text}: timer expressions are "
                f'Python, so quote it: "{text}"',
                owner,
            ))
            continue
        try:
            ast.parse(text, mode="eval")
        except SyntaxError as err:
            problems.append(ModelProblem(
                filename, field.sourceline,
                f"{what} is not a Python expression ({err.msg}): {text}",
                owner,
            ))
    return problems


def _reserved_ids(root: etree._Element, filename: str) -> list[ModelProblem]:
    return [
        ModelProblem(
            filename, element.sourceline,
            f"the id '{element.get('id')}' is reserved by SpiffWorkflow (the deploy would fail with "
            f"'No output task connected'); rename the {_local(element)}",
            element.get("id"),
        )
        for element in root.iter()
        if isinstance(element.tag, str) and element.get("id") in RESERVED_IDS
        and etree.QName(element).namespace == BPMN_NS
    ]


def _sequence_flows(root: etree._Element) -> list[etree._Element]:
    return _bpmn(root, "sequenceFlow")


def _flow_nodes(root: etree._Element) -> dict[str, etree._Element]:
    nodes = {}
    for element in root.iter():
        if isinstance(element.tag, str) and etree.QName(element).namespace == BPMN_NS and element.get("id"):
            name = _local(element)
            if name in _ACTIVITIES or name in _GATEWAYS or name in _INTERMEDIATE_EVENTS or name.endswith("Event"):
                nodes[element.get("id")] = element
    return nodes


def _unmerged_flows(flows: list[etree._Element], nodes: dict[str, etree._Element], filename: str) -> list[ModelProblem]:
    incoming: dict[str, list[str]] = defaultdict(list)
    for flow in flows:
        incoming[flow.get("targetRef", "")].append(flow.get("id", "?"))
    problems = []
    for target, flow_ids in incoming.items():
        node = nodes.get(target)
        if node is None or len(flow_ids) < 2:
            continue
        kind = _local(node)
        if kind in _ACTIVITIES or kind in _INTERMEDIATE_EVENTS:
            problems.append(ModelProblem(
                filename, node.sourceline,
                f"{len(flow_ids)} sequence flows ({', '.join(flow_ids)}) enter {kind} '{target}' directly: "
                "merge them with a gateway first (exclusive for alternative paths, parallel to wait for all)",
                target,
            ))
    return problems


def _graph(root: etree._Element, flows: list[etree._Element]) -> dict[str, list[str]]:
    edges: dict[str, list[str]] = defaultdict(list)
    for flow in flows:
        edges[flow.get("sourceRef", "")].append(flow.get("targetRef", ""))
    for boundary in _bpmn(root, "boundaryEvent"):  # a boundary event leaves its activity
        if boundary.get("attachedToRef") and boundary.get("id"):
            edges[boundary.get("attachedToRef")].append(boundary.get("id"))
    return edges


def _strongly_connected(edges: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components of one node only when it loops to itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in list(edges):
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = edges.get(node, [])
            if child < len(targets):
                work.append((node, child + 1))
                target = targets[child]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in targets:
                    components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


def _gateway_loops(root: etree._Element, flows: list[etree._Element], nodes: dict[str, etree._Element],
                   filename: str) -> list[ModelProblem]:
    problems = []
    for component in _strongly_connected(_graph(root, flows)):
        gateways = [n for n in component if n in nodes and _local(nodes[n]) in _GATEWAYS]
        if not gateways:
            continue
        ordered = sorted(component, key=lambda n: nodes[n].sourceline or 0 if n in nodes else 0)
        first = min(gateways, key=lambda n: nodes[n].sourceline or 0)
        problems.append(ModelProblem(
            filename, nodes[first].sourceline,
            f"loop through gateway(s) {', '.join(sorted(gateways))} (elements {', '.join(ordered)}): "
            f"SpiffWorkflow stalls silently after about {GATEWAY_LOOP_LIMIT} iterations of a gateway loop. "
            "A return-for-revision loop is fine; for repetition use a standard loop or multi-instance task",
            first,
        ))
    return problems


def _exclusive_without_default(flows: list[etree._Element], nodes: dict[str, etree._Element],
                               filename: str) -> list[ModelProblem]:
    outgoing: dict[str, int] = defaultdict(int)
    for flow in flows:
        outgoing[flow.get("sourceRef", "")] += 1
    problems = []
    for node_id, node in nodes.items():
        if _local(node) == "exclusiveGateway" and outgoing[node_id] >= 2 and not node.get("default"):
            problems.append(ModelProblem(
                filename, node.sourceline,
                f"exclusive gateway '{node_id}' has {outgoing[node_id]} outgoing flows and no default flow: "
                "when no condition holds the case stops with an error",
                node_id,
            ))
    return sorted(problems, key=lambda p: p.line or 0)
