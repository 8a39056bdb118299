"""What changed between two versions of a process model, element by element (by BPMN id).

Compares the semantic part of the two deployed BPMN texts (the diagram layout is ignored):
an element is *added* or *removed* when its id is only on one side, *changed* when its tag,
name, attributes or its own content (extension elements, scripts, conditions, flow references;
not the elements inside it that have an id of their own) differ.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from engine.bpmn.namespaces import BPMN as BPMN_NS
from engine.bpmn.safe_xml import parse_model_text


@dataclass(frozen=True)
class ElementChange:
    """One element that differs between the versions."""

    id: str
    tag: str
    name: str
    details: tuple[str, ...] = ()


@dataclass
class VersionDiff:
    added: list[ElementChange] = field(default_factory=list)
    removed: list[ElementChange] = field(default_factory=list)
    changed: list[ElementChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _local(tag: str) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _prefixed(tag: str) -> str:
    q = etree.QName(tag)
    if q.namespace == BPMN_NS:
        return q.localname
    return f"{{{q.namespace}}}{q.localname}" if q.namespace else q.localname


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def _own_content(el: etree._Element) -> list[tuple[str, str]]:
    """Children of an element as ``(tag, canonical text)`` pairs, skipping children with an id of their own."""
    out: list[tuple[str, str]] = []
    for child in el:
        if not isinstance(child.tag, str):
            continue
        if child.get("id") is not None and etree.QName(child.tag).namespace == BPMN_NS:
            continue  # compared as an element of its own
        out.append((_prefixed(child.tag), _canonical(child)))
    return out


def _canonical(el: etree._Element) -> str:
    """A stable text of an element and everything inside it (attributes sorted, whitespace folded)."""
    attrs = " ".join(f"{etree.QName(k).localname}={_norm(v)!r}" for k, v in sorted(el.attrib.items()))
    inner = "".join(_canonical(c) for c in el if isinstance(c.tag, str))
    return f"<{_prefixed(el.tag)} {attrs}>{_norm(el.text)}{inner}</>"


def _elements(xml: str) -> dict[str, object]:
    root = parse_model_text(xml).getroot()
    found: dict[str, object] = {}
    for el in root.iter():
        if not isinstance(el.tag, str) or etree.QName(el.tag).namespace != BPMN_NS:
            continue  # layout (BPMNDI) and extension elements are not elements of their own
        el_id = el.get("id")
        if el_id and el is not root:
            found.setdefault(el_id, el)
    return found


def _summary(el_id: str, el: etree._Element, details: tuple[str, ...] = ()) -> ElementChange:
    return ElementChange(el_id, _local(el.tag), el.get("name") or "", details)


def _differences(a: etree._Element, b: etree._Element) -> tuple[str, ...]:
    details: list[str] = []
    if _local(a.tag) != _local(b.tag):
        details.append(f"type {_local(a.tag)} -> {_local(b.tag)}")
    if (a.get("name") or "") != (b.get("name") or ""):
        details.append("name")
    keys = sorted((set(a.attrib) | set(b.attrib)) - {"id", "name"})
    for k in keys:
        if _norm(a.get(k)) != _norm(b.get(k)):
            details.append(f"attribute {etree.QName(k).localname}")
    if _norm(a.text) != _norm(b.text):
        details.append("text")
    ca, cb = _own_content(a), _own_content(b)
    if ca != cb:
        tags = sorted({t for t, _ in ca} ^ {t for t, _ in cb}
                      | {t for (t, x) in ca if (t, x) not in cb} | {t for (t, x) in cb if (t, x) not in ca})
        details.extend(_local(t) if t.startswith("{") else t for t in tags)
    return tuple(dict.fromkeys(details))


def diff_bpmn(old_xml: str, new_xml: str) -> VersionDiff:
    """Compare two BPMN texts by element id.

    Args:
        old_xml: the earlier version's BPMN.
        new_xml: the later version's BPMN.

    Returns:
        Added, removed and changed elements, each in document order.

    Raises:
        ModelFileError: a text is not a readable model.
    """
    old, new = _elements(old_xml), _elements(new_xml)
    diff = VersionDiff()
    for el_id, el in new.items():
        if el_id not in old:
            diff.added.append(_summary(el_id, el))
    for el_id, el in old.items():
        if el_id not in new:
            diff.removed.append(_summary(el_id, el))
            continue
        details = _differences(el, new[el_id])
        if details:
            diff.changed.append(_summary(el_id, new[el_id], details))
    return diff
