"""Facts read from a model's text: element names, element ids and lines, the process it is about.

Pages show element names rather than ids, the case diagram needs the ids it can colour, and the
modeler puts a deploy problem on the element it is about. Every text is read through
:func:`engine.bpmn.safe_xml.parse_model_text`; a text that does not parse yields no facts.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from lxml import etree

from engine.bpmn.namespaces import bpmn
from engine.bpmn.safe_xml import parse_model_text
from engine.errors import ModelFileError

_TOKEN = re.compile(r"[A-Za-z_][\w.\-]*")
_CONTAINERS = {"definitions", "process", "collaboration", "laneSet"}
_SCOPES = ("process", "subProcess", "transaction", "adHocSubProcess")


def _root(xml: str) -> etree._Element | None:
    try:
        return parse_model_text(xml).getroot()
    except ModelFileError:
        return None


@lru_cache(maxsize=64)
def element_names(xml: str) -> Mapping[str, str]:
    """``{element id: name}`` for every named element of a BPMN text (empty when it does not parse).

    Versions never change once deployed, so the answer is cached per text.

    Args:
        xml: A BPMN text.

    Returns:
        The names by id; the first element with an id wins.
    """
    root = _root(xml)
    out: dict[str, str] = {}
    for el in root.iter() if root is not None else ():
        if not isinstance(el.tag, str):
            continue
        ident, name = el.get("id"), (el.get("name") or "").strip()
        if ident and name and ident not in out:
            out[ident] = name
    return out


def diagram_ids(xml: str) -> tuple[set[str], set[str]]:
    """``(element ids, process and subprocess ids)`` of a BPMN text (both empty when it does not parse).

    Args:
        xml: A BPMN text.

    Returns:
        The ids of every BPMN element, and those of the scopes (processes, sub-processes) among them.
    """
    root = _root(xml)
    ids: set[str] = set()
    scopes: set[str] = set()
    for el in root.iter(bpmn("*")) if root is not None else ():
        el_id = el.get("id")
        if not el_id:
            continue
        ids.add(el_id)
        if etree.QName(el.tag).localname in _SCOPES:
            scopes.add(el_id)
    return ids, scopes


class ModelIndex:
    """Element ids of a BPMN text with the line each starts on (empty when it does not parse)."""

    def __init__(self, xml: str) -> None:
        self.lines: list[tuple[int, str]] = []
        self.ids: set[str] = set()
        self.process_ids: list[str] = []
        self.executable: list[str] = []
        root = _root(xml)
        for el in root.iter(bpmn("*")) if root is not None else ():
            el_id = el.get("id")
            if not el_id:
                continue
            local = etree.QName(el.tag).localname
            if local == "process":
                self.process_ids.append(el_id)
                if el.get("isExecutable", "true") == "true":
                    self.executable.append(el_id)
            self.ids.add(el_id)
            if local not in _CONTAINERS:
                self.lines.append((el.sourceline or 0, el_id))
        self.lines.sort()

    @property
    def key(self) -> str | None:
        """The process the file is about: its first executable process."""
        ids = self.executable or self.process_ids
        return ids[0] if ids else None

    def at_line(self, line: int | None) -> str | None:
        """The last element that starts on or before ``line``."""
        if not line:
            return None
        found = None
        for start, el_id in self.lines:
            if start > line:
                break
            found = el_id
        return found

    def mentioned(self, message: str) -> str | None:
        """The first element id (not a process) named in a message."""
        for token in _TOKEN.findall(message):
            if token in self.ids and token not in self.process_ids:
                return token
        return None


def locate(problems: Iterable[Any], index: ModelIndex, filename: str) -> list[dict]:
    """Problems as JSON, each with the ``element_id`` it is about when one can be found.

    Problems of other files (a form, a stored model) keep their file and get no element.

    Args:
        problems: Deploy problems (:class:`~engine.errors.ModelProblem`).
        index: The index of the submitted text.
        filename: The name the submitted text was checked as.

    Returns:
        ``[{"file", "line", "reason", "params", "element_id"}]`` in the problems' order.
    """
    out = []
    for p in problems:
        element = getattr(p, "element_id", None)
        if p.file == filename:
            if element not in index.ids:
                named = " ".join(str(v) for v in p.params.values())
                element = index.mentioned(named) or index.at_line(p.line)
        else:
            element = None
        out.append({"file": p.file, "line": p.line, "reason": p.reason, "params": dict(p.params),
                    "element_id": element})
    return out
