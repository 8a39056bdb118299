"""Modelling rules SpiffWorkflow does not check (ARCHITECTURE 2 step 4 and 8).

Errors block a deploy: unquoted timer literals (timer expressions are Python, so ``PT1S`` is a
name, not a duration), ids ``Start``/``End`` (reserved by SpiffWorkflow), and two or more flows
into an activity or intermediate event without a merge gateway; the message says which kind:
from parallel branches (it would run once per branch), a loop with no way out, or an implicit
merge of alternative paths (SpiffWorkflow would run it once per arriving path; the office's
rule is that a model shows its merges), and ad-hoc sub-processes (SpiffWorkflow 3.2 runs each
inner activity once at the start, evaluates the completion condition outside the script engine's
error handling and merges every task's data into the sub-process: a case could not be run or
repaired reliably). Warnings never block: a loop through a gateway (it
stalls silently after about 333 iterations) and an exclusive gateway with several outgoing
flows but no default flow.
"""
from __future__ import annotations

import ast
import re
from collections import defaultdict

from lxml import etree

from engine.bpmn.namespaces import BPMN as BPMN_NS
from engine.errors import ModelProblem

RESERVED_IDS = frozenset({"Start", "End"})
GATEWAY_LOOP_LIMIT = 333

_ACTIVITIES = frozenset({
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
    "businessRuleTask", "callActivity", "subProcess", "transaction", "adHocSubProcess",
})
_INTERMEDIATE_EVENTS = frozenset({"intermediateCatchEvent", "intermediateThrowEvent"})
_PARALLEL_GATEWAYS = frozenset({"parallelGateway", "inclusiveGateway", "complexGateway"})
_GATEWAYS = frozenset({"exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway",
                       "complexGateway"})
_TIMER_FIELDS = ("timeDuration", "timeDate", "timeCycle")

_NUM = r"\d+(?:[.,]\d+)?"
_DURATION = rf"P(?!$)(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}W)?(?:{_NUM}D)?(?:T(?=\d)(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?"
_DATETIME = r"\d{4}-\d{2}-\d{2}(?:T\d{2}(?::\d{2}(?::\d{2}(?:[.,]\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
_MOMENT = rf"(?:{_DURATION}|{_DATETIME})"
_ISO_LIKE = re.compile(r"(?:R\d*/)?P[0-9TYMWDHS.,]+(?:/\S*)?|R\d*/\S+")
_ISO_LITERAL = re.compile(rf"(?:R\d*/)?{_MOMENT}(?:/{_MOMENT})?")


def lint_bpmn(tree: etree._ElementTree, filename: str) -> tuple[list[ModelProblem], list[ModelProblem]]:
    """Check a parsed BPMN file against the project's modelling rules.

    Args:
        tree: The file as parsed by :func:`engine.bpmn.safe_xml.parse_model_bytes`.
        filename: The name reported with each problem.

    Returns:
        ``(errors, warnings)``, each problem with the element's source line and id.
    """
    root = tree.getroot()
    errors: list[ModelProblem] = []
    warnings: list[ModelProblem] = []
    errors += _timer_literals(root, filename)
    errors += _reserved_ids(root, filename)
    errors += _ad_hoc_sub_processes(root, filename)
    flows = _sequence_flows(root)
    nodes = _flow_nodes(root)
    unmerged_errors, unmerged_warnings = _unmerged_flows(root, flows, nodes, filename)
    errors += unmerged_errors
    warnings += unmerged_warnings
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
        where = {"field": _local(field), "element": owner or "-", "text": text}
        if _ISO_LITERAL.fullmatch(text):
            problems.append(ModelProblem(filename, field.sourceline, "timer_bare_literal", where, owner))
            continue
        if _ISO_LIKE.fullmatch(text):
            problems.append(ModelProblem(filename, field.sourceline, "timer_not_iso", where, owner))
            continue
        try:
            ast.parse(text, mode="eval")
        except SyntaxError as err:
            problems.append(ModelProblem(filename, field.sourceline, "timer_not_python",
                                         {**where, "detail": err.msg}, owner))
    return problems


def _reserved_ids(root: etree._Element, filename: str) -> list[ModelProblem]:
    return [
        ModelProblem(filename, element.sourceline, "id_reserved",
                     {"id": element.get("id"), "kind": _local(element)}, element.get("id"))
        for element in root.iter()
        if isinstance(element.tag, str) and element.get("id") in RESERVED_IDS
        and etree.QName(element).namespace == BPMN_NS
    ]


def _ad_hoc_sub_processes(root: etree._Element, filename: str) -> list[ModelProblem]:
    return [
        ModelProblem(filename, element.sourceline, "ad_hoc_sub_process", {"element": element.get("id")},
                     element.get("id"))
        for element in _bpmn(root, "adHocSubProcess")
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


def _unmerged_flows(root: etree._Element, flows: list[etree._Element], nodes: dict[str, etree._Element],
                    filename: str) -> tuple[list[ModelProblem], list[ModelProblem]]:
    """Flows entering an activity or intermediate event directly (no merging gateway).

    SpiffWorkflow runs such an element once for every path that arrives (BPMN's implicit merge),
    so alternative paths and a loop back into a task work, and are only a warning. It is an
    error when the flows come from parallel branches (the element would run once per branch)
    or form a loop with no way out.
    """
    incoming: dict[str, list[etree._Element]] = defaultdict(list)
    for flow in flows:
        incoming[flow.get("targetRef", "")].append(flow)
    edges = _graph(root, flows)
    errors: list[ModelProblem] = []
    warnings: list[ModelProblem] = []
    for target, entering in incoming.items():
        node = nodes.get(target)
        if node is None or len(entering) < 2:
            continue
        kind = _local(node)
        if kind not in _ACTIVITIES and kind not in _INTERMEDIATE_EVENTS:
            continue
        flow_ids = [f.get("id", "?") for f in entering]
        what = {"count": len(entering), "flows": ", ".join(flow_ids), "kind": kind, "element": target}
        fork = _parallel_fork(target, entering, flows, nodes)
        if fork is not None:
            errors.append(ModelProblem(filename, node.sourceline, "merge_parallel", {**what, "fork": fork}, target))
        elif _endless(target, edges):
            errors.append(ModelProblem(filename, node.sourceline, "merge_endless_loop", what, target))
        else:
            errors.append(ModelProblem(filename, node.sourceline, "merge_implicit", what, target))
    return errors, warnings


def _parallel_fork(target: str, entering: list[etree._Element], flows: list[etree._Element],
                   nodes: dict[str, etree._Element]) -> str | None:
    """A parallel split from whose different branches two of ``entering`` come, if any."""
    outgoing: dict[str, list[etree._Element]] = defaultdict(list)
    into: dict[str, int] = defaultdict(int)
    for flow in flows:
        outgoing[flow.get("sourceRef", "")].append(flow)
        into[flow.get("targetRef", "")] += 1

    def is_join(node_id: str) -> bool:
        node = nodes.get(node_id)
        return node is not None and _local(node) in _PARALLEL_GATEWAYS and into[node_id] >= 2

    for fork_id, branches in outgoing.items():
        fork = nodes.get(fork_id)
        if fork is None or len(branches) < 2 or fork_id == target:
            continue
        kind = _local(fork)
        if kind not in _PARALLEL_GATEWAYS and kind not in _ACTIVITIES:
            continue
        reached: list[set[str]] = []
        for branch in branches:
            seen: set[str] = set()
            todo = [branch.get("targetRef", "")]
            while todo:
                current = todo.pop()
                if current in seen or current == target or is_join(current):
                    continue
                seen.add(current)
                todo.extend(f.get("targetRef", "") for f in outgoing.get(current, []))
            reached.append(seen)
        per_flow = []
        for flow in entering:
            source = flow.get("sourceRef", "")
            per_flow.append({i for i, branch in enumerate(branches)
                             if branch is flow or source in reached[i]})
        for i, first in enumerate(per_flow):
            for second in per_flow[i + 1:]:
                if first and second and (len(first | second) > 1):
                    return fork_id
    return None


def _endless(target: str, edges: dict[str, list[str]]) -> bool:
    """Whether ``target`` is on a cycle that nothing leaves."""
    for component in _strongly_connected(edges):
        if target in component:
            members = set(component)
            return all(t in members for n in component for t in edges.get(n, []))
    return False


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
            filename, nodes[first].sourceline, "gateway_loop",
            {"gateways": ", ".join(sorted(gateways)), "elements": ", ".join(ordered), "limit": GATEWAY_LOOP_LIMIT},
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
            problems.append(ModelProblem(filename, node.sourceline, "gateway_no_default",
                                         {"element": node_id, "count": outgoing[node_id]}, node_id))
    return sorted(problems, key=lambda p: p.line or 0)
