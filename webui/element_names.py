"""Names of the BPMN elements of a deployed version, so pages show "公示期（5个工作日）", not "publicity_period".

Audit events, timers and message subscriptions carry only an element's id; its name is in the
version's BPMN XML. Versions never change once deployed, so a parsed map is cached per XML text.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Mapping

from lxml import etree

from store.reads import Reads

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@lru_cache(maxsize=64)
def names_in(xml: str) -> Mapping[str, str]:
    """``{element id: name}`` for every named element of a BPMN document (empty when it does not parse)."""
    try:
        root = etree.fromstring(xml.encode("utf-8"), _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return {}
    out: dict[str, str] = {}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        ident, name = el.get("id"), (el.get("name") or "").strip()
        if ident and name and ident not in out:
            out[ident] = name
    return out


def names_of(reads: Reads, process_key: str, version: int) -> Mapping[str, str]:
    """The element names of one deployed version."""
    xml = reads.processes.bpmn_xml(process_key, version)
    return names_in(xml) if xml else {}


def name_or_id(names: Mapping[str, str], bpmn_id: str | None) -> str:
    """The element's name, else its id ("" for none)."""
    if not bpmn_id:
        return ""
    return names.get(bpmn_id) or bpmn_id


def waiting_events(reads: Reads, instance: Any) -> list[dict]:
    """The timers and messages a case waits on, each with its element's ``name``."""
    waiting = [w for w in reads.waits.of_case(instance.id) if w["kind"] != "task"]
    if not waiting:
        return []
    names = names_of(reads, instance.process_key, instance.version)
    return [dict(w, name=name_or_id(names, w.get("bpmn_id"))) for w in waiting]
