"""Every place that reads model XML goes through the one safe parser: a hostile document yields nothing."""
from __future__ import annotations

import pytest

from engine.bpmn.diagram import ensure_layout
from engine.bpmn.elements import ModelIndex, diagram_ids, element_names
from engine.bpmn.safe_xml import parse_model_bytes, parse_model_text
from engine.deploy.versions_diff import diff_bpmn
from engine.errors import ModelFileError
from tests.model_words import said

BENIGN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn:process id="trip" name="出访" isExecutable="true"><bpmn:startEvent id="start" name="开始"/></bpmn:process>
</bpmn:definitions>
"""
HOSTILE = BENIGN.replace(
    '<bpmn:definitions', '<!DOCTYPE d [<!ENTITY secret SYSTEM "file:///etc/passwd"><!ENTITY lol "lollollol">]>\n'
    '<bpmn:definitions', 1).replace('name="出访"', 'name="&lol;&secret;"')


def test_the_benign_model_is_read_by_every_entry_point():
    assert element_names(BENIGN)["start"] == "开始"
    assert diagram_ids(BENIGN)[1] == {"trip"}
    assert ModelIndex(BENIGN).key == "trip"
    assert "BPMNShape" in ensure_layout(BENIGN)


@pytest.mark.parametrize("parse", [lambda x: parse_model_bytes(x.encode(), "m.bpmn"), parse_model_text,
                                   lambda x: diff_bpmn(BENIGN, x), lambda x: diff_bpmn(x, BENIGN)],
                         ids=["bytes", "text", "diff-new", "diff-old"])
def test_parsing_a_hostile_model_is_refused(parse):
    with pytest.raises(ModelFileError) as refused:
        parse(HOSTILE)
    assert "DOCTYPE" in said(refused.value.problem)


def test_facts_of_a_hostile_model_are_empty_and_it_gets_no_diagram():
    assert element_names(HOSTILE) == {}
    assert diagram_ids(HOSTILE) == (set(), set())
    index = ModelIndex(HOSTILE)
    assert index.key is None and not index.ids
    assert ensure_layout(HOSTILE) == HOSTILE  # returned untouched, never parsed with its entities

