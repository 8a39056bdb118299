"""Conventions of models written for SpiffWorkflow: lint, timers, scripts, forms."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.forms.examples import example_data
from engine.forms.validation import check_schema, validate_form, with_task_data_options
from engine.sandbox.guards import ScriptRefused
from engine.sandbox.script_engine import RestrictedScriptEngine
from engine.sandbox.timer_values import iso_duration
from engine.timekeeping.clock import Clock
from engine.timekeeping.working_days import WorkingCalendar
from tests.model_words import said
from tests.unit.test_lint import MERGE_MISSING, lint

ALTERNATIVES = """
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="split"/>
    <bpmn:exclusiveGateway id="split" default="f3"/>
    <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="a"><bpmn:conditionExpression>x == 1</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="b"/>
    <bpmn:task id="a"/>
    <bpmn:task id="b"/>
    <bpmn:sequenceFlow id="f4" sourceRef="a" targetRef="archive"/>
    <bpmn:sequenceFlow id="f5" sourceRef="b" targetRef="archive"/>
    <bpmn:task id="archive"/>
    <bpmn:sequenceFlow id="f6" sourceRef="archive" targetRef="done"/>
    <bpmn:endEvent id="done"/>"""


def test_flows_into_a_task_without_a_gateway_are_refused_saying_which_kind_of_merge():
    errors, _ = lint(ALTERNATIVES)
    assert [e.element_id for e in errors] == ["archive"] and "implicit merge" in said(errors[0])
    errors, _ = lint(MERGE_MISSING)
    assert [e.element_id for e in errors] == ["archive"] and "parallel branches of “split”" in said(errors[0])


def test_a_loop_back_into_a_user_task_is_refused_as_an_implicit_merge():
    body = """
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="draft"/>
    <bpmn:userTask id="draft"/>
    <bpmn:sequenceFlow id="f2" sourceRef="draft" targetRef="ok"/>
    <bpmn:exclusiveGateway id="ok" default="f4"/>
    <bpmn:sequenceFlow id="f3" sourceRef="ok" targetRef="draft"><bpmn:conditionExpression>again</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="ok" targetRef="done"/>
    <bpmn:endEvent id="done"/>"""
    errors, _ = lint(body)
    assert [e.element_id for e in errors] == ["draft"] and "implicit merge" in said(errors[0])


def test_a_malformed_unquoted_iso_timer_is_refused_at_deploy():
    body = """
    <bpmn:startEvent id="start"><bpmn:timerEventDefinition><bpmn:timeCycle>R/P1H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="done"/>
    <bpmn:endEvent id="done"/>"""
    errors, _ = lint(body)
    assert [e.element_id for e in errors] == ["start"] and "PT1H" in said(errors[0])


@pytest.mark.parametrize("value, text", [
    (timedelta(seconds=30), "PT30S"), (timedelta(minutes=10), "PT10M"), (timedelta(days=2), "P2D"),
    (timedelta(days=1, hours=2, seconds=1.5), "P1DT2H1.5S"), (timedelta(0), "PT0S"),
])
def test_a_timedelta_becomes_an_iso_duration_spiffworkflow_reads_back(value, text):
    assert iso_duration(value) == text
    parsed = TimerEventDefinition.parse_iso_duration(text)
    assert timedelta(**{k: v for k, v in parsed.items()}) == value


def test_scripts_may_use_time_and_datetime_formatting_but_not_sleep_or_imports():
    env = RestrictedScriptEngine(Clock(), WorkingCalendar()).environment
    data: dict = {}
    env.execute('t = time.time()\ns = datetime(2026, 5, 1).strftime("%d.%m.%Y")\n'
                'd = datetime.strptime("2026-05-02", "%Y-%m-%d").day\ndel time', data)
    assert data["s"] == "01.05.2026" and data["d"] == 2 and isinstance(data["t"], float) and "time" not in data
    with pytest.raises(ScriptRefused, match="timer event"):
        env.execute("time.sleep(5)", {})
    for escape in ("import os", '__import__("os")', "time._clock", 'getattr(time, "_clock")'):
        with pytest.raises(Exception) as refused:
            env.execute(escape, {})
        assert "not allowed" in str(refused.value) or "invalid" in str(refused.value)


COLOR = {"type": "object", "required": ["color"], "definitions": {
    "Color": {"type": "string", "anyOf": ["options_from_task_data_var:colors"]}},
    "properties": {"color": {"$ref": "#/definitions/Color"}}}


def test_choices_named_by_task_data_are_a_valid_schema_filled_in_from_the_task():
    assert check_schema(COLOR) == []
    schema = with_task_data_options(COLOR, {"colors": [{"value": "blue", "label": "Blue"}, "green"]})
    assert schema["definitions"]["Color"]["enum"] == ["blue", "green"]
    assert schema["definitions"]["Color"]["enumNames"] == ["Blue", "green"]
    assert validate_form(schema, {"color": "green"}) == []
    assert [d["field"] for d in validate_form(schema, {"color": "red"})] == ["color"]
    assert validate_form(with_task_data_options(COLOR, {}), {"color": "blue"}) != []  # no choices
    assert with_task_data_options({"type": "object"}, {}) == {"type": "object"}


def test_example_data_fills_every_field_within_its_limits():
    schema = {"type": "object", "required": ["n"], "properties": {
        "name": {"type": "string", "minLength": 3}, "n": {"type": "integer", "minimum": 5},
        "when": {"type": "string", "format": "date"}, "kind": {"type": "string", "enum": ["a", "b"]},
        "ok": {"type": "boolean", "default": True}, "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "choice": {"type": "string", "oneOf": [{"const": "x", "title": "X"}, {"const": "y", "title": "Y"}]}}}
    data = example_data(schema, today=date(2026, 5, 1))
    assert data == {"name": "xxx", "n": 5, "when": "2026-05-01", "kind": "a", "ok": True, "tags": ["x"], "choice": "x"}
    assert validate_form(schema, data) == []
