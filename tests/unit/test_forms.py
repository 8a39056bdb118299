"""Form validation: each detail names the offending field, in the user's language."""
from __future__ import annotations

import pytest

from engine.forms.validation import check_schema, validate_form
from webui.error_texts import detail_texts
from webui.i18n import speaking

APPLICATION = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["title", "start", "members"],
    "properties": {
        "title": {"type": "string", "minLength": 4, "maxLength": 20},
        "start": {"type": "string", "format": "date"},
        "meeting_at": {"type": "string", "format": "date-time"},
        "contact": {"type": "string", "format": "email"},
        "days": {"type": "integer", "minimum": 1, "maximum": 30},
        "destination": {"enum": ["日本", "韩国", "新加坡"]},
        "passport": {"type": "string", "pattern": "^[EG][0-9]{8}$"},
        "members": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name", "role"],
                "properties": {"name": {"type": "string"}, "role": {"type": "string"}},
                "additionalProperties": False,
            },
        },
    },
}

DECISION = {
    "type": "object",
    "required": ["decision"],
    "properties": {
        "decision": {"enum": ["approve", "return", "reject"]},
        "comment": {"type": "string", "minLength": 1},
    },
    "if": {"properties": {"decision": {"not": {"const": "approve"}}}, "required": ["decision"]},
    "then": {"required": ["comment"]},
}

VALID = {"title": "赴日交流访问", "start": "2026-03-02", "members": [{"name": "张三", "role": "团长"}]}


def worded(schema: dict, data, lang: str = "zh_CN") -> list[dict]:
    """The problems as a user reads them (the engine gives codes; the catalogue words them)."""
    with speaking(lang):
        return detail_texts(validate_form(schema, data), str)


def by_field(details: list[dict]) -> dict[str, str]:
    return {d["field"]: d["message"] for d in details}


def test_valid_data_has_no_details():
    assert worded(APPLICATION, VALID) == []
    assert worded(DECISION, {"decision": "approve"}) == []
    assert worded(DECISION, {"decision": "reject", "comment": "材料不全"}) == []


def test_missing_required_property_names_the_property_itself():
    details = worded(APPLICATION, {"title": "赴日交流访问", "start": "2026-03-02",
                                          "members": [{"name": "张三", "role": "团长"}, {"role": "翻译"}]})
    assert details == [{"field": "members.1.name", "message": "此项为必填项"}]


def test_every_missing_top_level_property_is_named():
    assert by_field(worded(APPLICATION, {})) == {
        "title": "此项为必填项", "start": "此项为必填项", "members": "此项为必填项",
    }


def test_chinese_messages_per_rule():
    details = by_field(worded(APPLICATION, {
        **VALID,
        "title": "短",
        "start": "2026-02-30",
        "meeting_at": "2026-03-02 10:00",
        "contact": "not-an-address",
        "days": 31,
        "destination": "火星",
        "passport": "123",
        "members": [{"name": 5, "role": "团长", "age": 40}],
    }))
    assert details == {
        "title": "至少需要 4 个字符",
        "start": "日期格式不正确",
        "meeting_at": "日期时间格式不正确",
        "contact": "电子邮箱格式不正确",
        "days": "不能大于 30",
        "destination": "请选择有效的选项",
        "passport": "格式不正确",
        "members.0.name": "应为文本",
        "members.0.age": "不允许的字段",
    }


def test_english_messages_per_rule():
    details = by_field(worded(APPLICATION, {**VALID, "days": 0, "start": "2026/03/02", "members": []}, "en"))
    assert details == {
        "days": "Must be at least 1",
        "start": "Enter a valid date (YYYY-MM-DD)",
        "members": "Add at least 1 items",
    }
    assert worded(APPLICATION, {**VALID, "title": None}, "en_US") == [
        {"field": "title", "message": "Must be text"}
    ]


def test_a_body_that_is_not_an_object_is_reported_for_the_whole_body():
    assert worded(APPLICATION, ["not", "an", "object"]) == [{"field": "", "message": "应为对象"}]


@pytest.mark.parametrize("data", [{"decision": "reject"}, {"decision": "return"}])
def test_decision_rule_if_then_points_at_the_comment(data):
    assert worded(DECISION, data) == [{"field": "comment", "message": "此项为必填项"}]
    assert worded(DECISION, data, "en") == [{"field": "comment", "message": "This field is required"}]


def test_decision_rule_checks_the_comment_it_requires():
    assert worded(DECISION, {"decision": "reject", "comment": ""}) == [
        {"field": "comment", "message": "至少需要 1 个字符"}
    ]


def test_date_time_needs_an_offset():
    schema = {"type": "string", "format": "date-time"}
    assert worded(schema, "2026-03-02T10:00:00+08:00") == []
    assert worded(schema, "2026-03-02T10:00:00Z") == []
    assert worded(schema, "2026-03-02T25:00:00+08:00") != []
    assert worded(schema, "2026-03-02T10:00:00") != []


def test_one_of_reports_the_closest_alternative():
    schema = {"type": "object", "properties": {"id": {"oneOf": [
        {"type": "string", "pattern": "^[0-9]{17}[0-9X]$"}, {"type": "integer"}]}}}
    assert worded(schema, {"id": "123"}) == [{"field": "id", "message": "格式不正确"}]


def test_valid_schemas_pass_the_check():
    assert check_schema(APPLICATION) == []
    assert check_schema(DECISION) == []
    assert check_schema({"$defs": {"n": {"type": "string"}}, "properties": {"a": {"$ref": "#/$defs/n"}}}) == []


def test_invalid_schemas_get_one_message_each():
    problems = check_schema({"type": "text", "properties": {"a": {"pattern": "(", "minLength": -1}}})
    assert any(p.startswith("type:") for p in problems)
    assert any(p.startswith("properties/a/pattern:") for p in problems)
    assert any(p.startswith("properties/a/minLength:") for p in problems)


def test_dangling_and_remote_references_are_reported():
    problems = check_schema({"properties": {"a": {"$ref": "#/$defs/missing"},
                                            "b": {"$ref": "https://example.org/s.json"}}})
    assert problems == [
        "properties/a/$ref: '#/$defs/missing' points at nothing in this schema",
        "properties/b/$ref: only local references (#/...) are supported, not 'https://example.org/s.json'",
    ]


def test_a_schema_must_be_an_object():
    assert check_schema(["type", "object"]) == ["a JSON Schema must be an object, not list"]
