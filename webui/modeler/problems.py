"""Put a deploy problem on the diagram element it is about.

The deploy pipeline names the element for schema errors; other problems carry a line number or
mention an element id in their text. Both are resolved against the submitted XML here.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_TOKEN = re.compile(r"[A-Za-z_][\w.\-]*")
_CONTAINERS = {"definitions", "process", "collaboration", "laneSet"}


class ModelIndex:
    """Element ids of a BPMN text with the line each starts on (empty when it does not parse)."""

    def __init__(self, xml: str) -> None:
        self.lines: list[tuple[int, str]] = []
        self.ids: set[str] = set()
        self.process_ids: list[str] = []
        self.executable: list[str] = []
        try:
            root = etree.fromstring(xml.encode("utf-8"), _PARSER)
        except (etree.XMLSyntaxError, ValueError):
            return
        for el in root.iter(f"{{{BPMN_NS}}}*"):
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
        return (self.executable or self.process_ids or [None])[0]

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
    """
    out = []
    for p in problems:
        element = getattr(p, "element_id", None)
        if p.file == filename:
            if element not in index.ids:
                element = index.mentioned(p.message) or index.at_line(p.line)
        else:
            element = None
        out.append({"file": p.file, "line": p.line, "message": p.message, "element_id": element})
    return out
