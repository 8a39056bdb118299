"""Modelling rules: blocking errors and analyst warnings, located by line and element id."""
from __future__ import annotations

import pytest

from engine.bpmn.safe_xml import parse_model_bytes
from engine.deploy.lint import lint_bpmn
from tests.model_words import said


HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="x">
  <bpmn:process id="p" isExecutable="true">"""
TAIL = """
  </bpmn:process>
</bpmn:definitions>"""


def lint(body: str):
    source = HEAD + body + TAIL
    return lint_bpmn(parse_model_bytes(source.encode(), "m.bpmn"), "m.bpmn")


def line_of(body: str, needle: str) -> int:
    return next(number for number, line in enumerate((HEAD + body).splitlines(), 1) if needle in line)


CLEAN = """
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fill"/>
    <bpmn:userTask id="fill"/>
    <bpmn:sequenceFlow id="f2" sourceRef="fill" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"PT5M"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="decide"/>
    <bpmn:exclusiveGateway id="decide" default="f5"/>
    <bpmn:sequenceFlow id="f4" sourceRef="decide" targetRef="done"><bpmn:conditionExpression>ok</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f5" sourceRef="decide" targetRef="done"/>
    <bpmn:endEvent id="done"/>"""


def test_a_clean_model_has_no_problems():
    assert lint(CLEAN) == ([], [])


def timer(field: str, text: str) -> str:
    return f"""
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:timerEventDefinition>
        <bpmn:{field}>{text}</bpmn:{field}>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="done"/>
    <bpmn:endEvent id="done"/>"""


@pytest.mark.parametrize("field, text", [
    ("timeDuration", "PT1S"),
    ("timeDuration", "P5D"),
    ("timeDuration", "P1DT12H"),
    ("timeDate", "2026-10-01T09:00:00+08:00"),
    ("timeDate", "2026-10-01"),
    ("timeCycle", "R3/PT10M"),
    ("timeCycle", "R/2026-03-01T09:00:00Z/P1D"),
])
def test_unquoted_timer_literal_is_an_error_at_its_line(field, text):
    body = timer(field, text)
    errors, _ = lint(body)
    assert len(errors) == 1
    assert errors[0].element_id == "wait"
    assert errors[0].line == line_of(body, f"<bpmn:{field}>")
    assert f'"{text}"' in said(errors[0])


@pytest.mark.parametrize("text", ['"PT1S"', "'P5D'", "due_date", 'working_days_after(start, 5)', "timedelta(days=1)"])
def test_quoted_literals_and_expressions_are_fine(text):
    assert lint(timer("timeDuration", text))[0] == []


def test_timer_that_is_not_python_is_an_error():
    errors, _ = lint(timer("timeDuration", "${duration}"))
    assert len(errors) == 1 and "not a Python expression" in said(errors[0])


@pytest.mark.parametrize("reserved", ["Start", "End"])
def test_reserved_ids_are_errors(reserved):
    body = CLEAN.replace('"start"', f'"{reserved}"') if reserved == "Start" else CLEAN.replace('"done"', '"End"')
    errors, _ = lint(body)
    assert [e.element_id for e in errors] == [reserved]
    assert "reserved by SpiffWorkflow" in said(errors[0])
    assert errors[0].line == line_of(body, f'id="{reserved}"')


MERGE_MISSING = """
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="split"/>
    <bpmn:parallelGateway id="split"/>
    <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="a"/>
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="b"/>
    <bpmn:task id="a"/>
    <bpmn:task id="b"/>
    <bpmn:sequenceFlow id="f4" sourceRef="a" targetRef="archive"/>
    <bpmn:sequenceFlow id="f5" sourceRef="b" targetRef="archive"/>
    <bpmn:serviceTask id="archive"/>
    <bpmn:sequenceFlow id="f6" sourceRef="archive" targetRef="done"/>
    <bpmn:endEvent id="done"/>"""


def test_two_flows_into_a_task_without_a_merge_gateway_is_an_error():
    errors, warnings = lint(MERGE_MISSING)
    assert [e.element_id for e in errors] == ["archive"]
    assert "f4, f5" in said(errors[0]) and "gateway" in said(errors[0])
    assert errors[0].line == line_of(MERGE_MISSING, 'serviceTask id="archive"')
    assert warnings == []


def test_flows_merging_into_a_gateway_or_an_end_event_are_fine():
    merged = MERGE_MISSING.replace('targetRef="archive"/>\n    <bpmn:sequenceFlow id="f5" sourceRef="b" targetRef="archive"/>',
                                   'targetRef="join"/>\n    <bpmn:sequenceFlow id="f5" sourceRef="b" targetRef="join"/>\n'
                                   '    <bpmn:parallelGateway id="join"/>\n'
                                   '    <bpmn:sequenceFlow id="f7" sourceRef="join" targetRef="archive"/>')
    assert lint(merged) == ([], [])
    to_end = MERGE_MISSING.replace('targetRef="archive"', 'targetRef="done"')
    assert lint(to_end)[0] == []


REVISION_LOOP = """
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="merge"/>
    <bpmn:exclusiveGateway id="merge"/>
    <bpmn:sequenceFlow id="f2" sourceRef="merge" targetRef="draft"/>
    <bpmn:userTask id="draft"/>
    <bpmn:sequenceFlow id="f3" sourceRef="draft" targetRef="review"/>
    <bpmn:userTask id="review"/>
    <bpmn:sequenceFlow id="f4" sourceRef="review" targetRef="ok"/>
    <bpmn:exclusiveGateway id="ok"/>
    <bpmn:sequenceFlow id="f5" sourceRef="ok" targetRef="merge"><bpmn:conditionExpression>decision == "return"</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f6" sourceRef="ok" targetRef="done"><bpmn:conditionExpression>decision == "approve"</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:endEvent id="done"/>"""


def test_gateway_loop_is_a_warning_naming_its_elements_and_the_limit():
    errors, warnings = lint(REVISION_LOOP)
    assert errors == []
    loops = [w for w in warnings if "loop" in said(w)]
    assert len(loops) == 1
    assert loops[0].element_id == "merge"
    assert loops[0].line == line_of(REVISION_LOOP, 'exclusiveGateway id="merge"')
    for element in ("merge", "draft", "review", "ok"):
        assert element in said(loops[0])
    assert "333" in said(loops[0]) and "multi-instance" in said(loops[0])


def test_exclusive_gateway_without_default_is_a_warning():
    _, warnings = lint(REVISION_LOOP)
    defaults = [w for w in warnings if "default" in said(w)]
    assert [w.element_id for w in defaults] == ["ok"]  # 'merge' has one outgoing flow
    assert lint(REVISION_LOOP.replace('<bpmn:exclusiveGateway id="ok"/>',
                                      '<bpmn:exclusiveGateway id="ok" default="f6"/>'))[1] == [
        w for w in warnings if "default" not in said(w)
    ]


def test_loop_back_through_a_boundary_event_is_found():
    body = """
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="again"/>
    <bpmn:exclusiveGateway id="again"/>
    <bpmn:sequenceFlow id="f2" sourceRef="again" targetRef="sign"/>
    <bpmn:userTask id="sign"/>
    <bpmn:boundaryEvent id="remind" attachedToRef="sign">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"P2D"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="remind" targetRef="again"/>
    <bpmn:sequenceFlow id="f4" sourceRef="sign" targetRef="done"/>
    <bpmn:endEvent id="done"/>"""
    _, warnings = lint(body)
    assert [w.element_id for w in warnings] == ["again"]
    assert "remind" in said(warnings[0]) and "sign" in said(warnings[0])


def test_a_loop_without_a_gateway_is_reported_as_an_unmerged_task_not_a_loop():
    body = """
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="a"/>
    <bpmn:task id="a"/>
    <bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="b"/>
    <bpmn:task id="b"/>
    <bpmn:sequenceFlow id="f3" sourceRef="b" targetRef="a"/>"""
    errors, warnings = lint(body)
    assert [e.element_id for e in errors] == ["a"]
    assert warnings == []
