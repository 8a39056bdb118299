"""Case data helpers (webui/case_data.py, webui/formview.py): the case's forms together, masking by
``x-sensitive`` (CONTRACT section 8), option titles from ``oneOf``/``const`` and ``enum``/``enumNames``."""
from __future__ import annotations

from webui.case_data import case_schema, mask_by_schema, mask_value, sensitive_names, technical_data
from webui.formview import kind_of, label_of, options_of

START = {"properties": {"title": {"type": "string", "title": "事由"},
                        "members": {"type": "array", "items": {"type": "object", "properties": {
                            "name": {"type": "string"}, "pass": {"type": "string", "x-sensitive": True}}}}}}
TASK = {"properties": {"title": {"type": "string", "title": "别的"}, "opinion": {"type": "string", "title": "意见"}}}


def test_the_contracts_mask_keeps_three_and_three():
    assert mask_value("E12345678") == "E12***678"
    assert mask_value("123456") == "******"
    assert mask_value("1234567") == "123*567"
    assert mask_value("") == "" and mask_value(None) is None


def test_the_case_schema_takes_each_field_from_the_first_form_that_names_it():
    schema, ui = case_schema({"t.task.schema.json": TASK, "t.start.schema.json": START,
                              "t.start.uischema.json": {"ui:order": ["members", "title"]}}, "t.start.schema.json")
    assert schema["properties"]["title"]["title"] == "事由"
    assert ui["ui:order"] == ["members", "title", "opinion"]


def test_sensitive_values_are_masked_at_any_depth_unless_revealed():
    data = {"title": "x", "members": [{"name": "张三", "pass": "E12345678"}], "phone_number": "13800001111"}
    shown = mask_by_schema(data, START)
    assert shown["members"][0] == {"name": "张三", "pass": "E12***678"}
    assert shown["phone_number"] != "13800001111"  # a personal number no form marks: masked all the same
    assert mask_by_schema(data, START, frozenset({"members"}))["members"][0]["pass"] == "E12345678"
    assert sensitive_names(START) == {"members"}


def test_internal_variables_are_what_no_form_describes():
    assert technical_data({"title": "x", "score": 3, "business_key": "K"}, START) == {"score": 3}


def test_option_titles_from_one_of_and_english_titles():
    schema = {"type": "string", "title": "性别", "x-title-en": "Gender",
              "oneOf": [{"const": "male", "title": "男", "x-title-en": "Male"},
                        {"const": "female", "title": "女", "x-title-en": "Female"}]}
    assert kind_of(schema, {}) == "select"
    assert options_of(schema, {}, "zh_CN") == [("male", "男"), ("female", "女")]
    assert options_of(schema, {}, "en") == [("male", "Male"), ("female", "Female")]
    assert label_of(schema, "gender", "en") == "Gender"
    enum = {"enum": ["a", "b"], "enumNames": ["甲", "乙"], "x-enumNames-en": ["A", "B"]}
    assert options_of(enum, {}, "en") == [("a", "A"), ("b", "B")]
