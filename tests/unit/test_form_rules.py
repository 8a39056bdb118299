"""Form rules (``x-rules``, CONTRACT 8): semantics of ``if``, absent fields, dates, ``case``, ``today``."""
from __future__ import annotations

from datetime import date

from engine.forms.rules import RuleContext, check_rules, rule_text
from engine.forms.validation import validate_form

TODAY = date(2026, 12, 8)

SCHEMA = {
    "type": "object",
    "properties": {
        "departure_date": {"type": "string", "format": "date"},
        "return_date": {"type": "string", "format": "date"},
        "trip_days": {"type": "integer", "minimum": 1},
        "party_size": {"type": "integer"},
        "guests": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
        "needed_by": {"type": "string", "format": "date"},
        "urgent": {"type": "boolean"},
        "stops": {"type": "array", "items": {"type": "object", "properties": {
            "arrive_on": {"type": "string", "format": "date"}, "leave_on": {"type": "string", "format": "date"}}}},
        "meets_at": {"type": "string", "format": "date-time"},
        "budget_yuan": {"type": "integer"},
    },
    "x-rules": [
        {"assert": "departure_date <= return_date", "field": "return_date",
         "message": {"zh_CN": "回国日期不能早于出发日期", "en": "The return date cannot be before the departure"}},
        {"assert": "trip_days <= (return_date - departure_date).days + 1", "field": "trip_days",
         "message": "在外天数超过出发至回国的天数"},
        {"assert": "party_size == len(guests)", "field": "party_size", "message": "来访人数与名单人数不符"},
        {"assert": "needed_by >= today", "field": "needed_by", "message": "期望办结日期不能早于今天",
         "if": "not urgent"},
        {"assert": "all(s['arrive_on'] <= s['leave_on'] for s in stops)", "field": "stops",
         "message": "行程中某站的离开日期早于抵达日期"},
        {"assert": "meets_at.date() >= today", "field": "meets_at", "message": "会见时间已过"},
        {"assert": "budget_yuan <= case.get('budget_cap', budget_yuan)", "field": "budget_yuan",
         "message": "超出核定预算"},
    ],
}


def _fields(data: dict, case: dict | None = None) -> list[tuple[str, object]]:
    found = validate_form(SCHEMA, data, RuleContext(TODAY, case or {}))
    return [(d["field"], d["params"].get("text")) for d in found if d["reason"] == "form_rule"]


def test_return_before_departure_is_refused_with_the_rule_field_and_message() -> None:
    found = validate_form(SCHEMA, {"departure_date": "2026-12-10", "return_date": "2026-12-09"}, RuleContext(TODAY))
    assert found == [{"field": "return_date", "reason": "form_rule",
                      "params": {"text": SCHEMA["x-rules"][0]["message"]}}]


def test_dates_are_compared_as_dates_and_arithmetic_works() -> None:
    assert _fields({"departure_date": "2026-12-10", "return_date": "2026-12-15", "trip_days": 6}) == []
    assert [f for f, _ in _fields({"departure_date": "2026-12-10", "return_date": "2026-12-15",
                                   "trip_days": 9})] == ["trip_days"]


def test_a_rule_naming_an_absent_or_empty_field_is_not_applied() -> None:
    assert _fields({"departure_date": "2026-12-10"}) == []
    assert _fields({"departure_date": "2026-12-10", "return_date": ""}) == []
    assert _fields({"party_size": 5, "guests": []}) == []


def test_a_rule_whose_if_does_not_hold_is_not_applied() -> None:
    assert _fields({"needed_by": "2026-12-01", "urgent": True}) == []
    assert _fields({"needed_by": "2026-12-01", "urgent": False}) == [("needed_by", "期望办结日期不能早于今天")]
    assert _fields({"needed_by": "2026-12-08", "urgent": False}) == []


def test_an_absent_field_is_none_in_the_if() -> None:
    # urgent is absent: ``not None`` holds, so the rule applies
    assert _fields({"needed_by": "2026-12-07"}) == [("needed_by", "期望办结日期不能早于今天")]


def test_every_failing_rule_is_reported_in_the_order_of_the_rules() -> None:
    data = {"departure_date": "2026-12-10", "return_date": "2026-12-09", "trip_days": 9, "party_size": 5,
            "guests": [{"name": "A"}, {"name": "B"}], "needed_by": "2026-01-01",
            "stops": [{"arrive_on": "2026-12-10", "leave_on": "2026-12-11"},
                      {"arrive_on": "2026-12-12", "leave_on": "2026-12-11"}]}
    assert [f for f, _ in _fields(data)] == ["return_date", "trip_days", "party_size", "needed_by", "stops"]


def test_nested_dates_and_date_times_are_typed() -> None:
    good = {"stops": [{"arrive_on": "2026-12-10", "leave_on": "2026-12-10"}], "meets_at": "2026-12-08T10:00:00+08:00"}
    assert _fields(good) == []
    assert [f for f, _ in _fields({"meets_at": "2026-12-07T10:00:00Z"})] == ["meets_at"]


def test_case_names_the_case_data() -> None:
    assert _fields({"budget_yuan": 900}, {"budget_cap": 1000}) == []
    assert _fields({"budget_yuan": 1200}, {"budget_cap": 1000}) == [("budget_yuan", "超出核定预算")]


def test_rules_are_not_applied_to_a_field_the_schema_refused() -> None:
    found = validate_form(SCHEMA, {"departure_date": "2026-12-10", "return_date": "soon"}, RuleContext(TODAY))
    assert [d["reason"] for d in found] == ["format_date"]


def test_without_a_context_only_the_schema_is_checked() -> None:
    assert validate_form(SCHEMA, {"departure_date": "2026-12-10", "return_date": "2026-12-09"}) == []


def test_the_message_is_chosen_in_the_reader_language() -> None:
    text = {"zh_CN": "回国日期不能早于出发日期", "en": "The return date cannot be before the departure"}
    assert rule_text(text, "zh_CN") == "回国日期不能早于出发日期"
    assert rule_text(text, "en") == "The return date cannot be before the departure"
    assert rule_text({"zh_CN": "只有中文"}, "en") == "只有中文"
    assert rule_text("一句话", "en") == "一句话"


def test_a_rule_cannot_escape_the_sandbox() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}},
              "x-rules": [{"assert": "a.__class__ is None", "field": "a", "message": "x"}]}
    assert check_rules(schema)[0][0] == "rule_bad_expression"
    assert validate_form(schema, {"a": "x"}, RuleContext(TODAY)) == []  # refused code is never run


def test_well_formed_rules_pass_the_deploy_check() -> None:
    assert check_rules(SCHEMA) == []


def test_malformed_rules_are_named_by_number() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
              "x-rules": [{"assert": "a <= ", "field": "a", "message": "x"},
                          {"assert": "a <= c", "field": "a", "message": "x"},
                          {"assert": "a <= b", "field": "z", "message": {"fr": "x"}},
                          {"assert": "all(x > 0 for x in [a, b])", "field": "a", "message": "x", "when": "a"},
                          "a < b"]}
    found = check_rules(schema)
    assert [(reason, params["rule"]) for reason, params in found] == [
        ("rule_bad_expression", 1), ("rule_unknown_name", 2), ("rule_unknown_field", 3), ("rule_bad_message", 3),
        ("rule_unknown_key", 4), ("rule_not_object", 5)]
    assert found[1][1]["name"] == "c"
    assert check_rules({"type": "object", "x-rules": {}}) == [("rules_not_list", {})]


def test_example_data_of_every_shipped_form_keeps_its_rules() -> None:
    import json
    from pathlib import Path

    from engine.forms.examples import example_data

    forms = sorted((Path(__file__).resolve().parents[2] / "bpmn_models" / "forms").glob("*.schema.json"))
    ruled = [json.loads(p.read_text(encoding="utf-8")) for p in forms]
    ruled = [schema for schema in ruled if schema.get("x-rules")]
    assert len(ruled) >= 15
    for schema in ruled:
        found = validate_form(schema, example_data(schema, TODAY), RuleContext(TODAY))
        assert [d for d in found if d["reason"] == "form_rule"] == [], schema["$id"]


def test_example_data_counts_as_many_as_it_lists() -> None:
    from engine.forms.examples import example_data

    schema = {"type": "object", "required": ["n", "names"], "properties": {
        "n": {"type": "integer", "minimum": 1}, "names": {"type": "array", "minItems": 2, "items": {"type": "string"}}},
        "x-rules": [{"assert": "n == len(names)", "field": "n", "message": "x"}]}
    data = example_data(schema, TODAY)
    assert data["n"] == 2 and len(data["names"]) == 2


def test_a_passport_or_endorsement_must_last_until_the_case_return_date() -> None:
    import json
    from pathlib import Path

    forms = Path(__file__).resolve().parents[2] / "bpmn_models" / "forms"
    permit = json.loads((forms / "pv.permit.schema.json").read_text(encoding="utf-8"))
    data = {"permit_no": "C12345678", "endorsement_type": "official", "endorsement_valid_until": "2027-05-10"}
    found = validate_form(permit, data, RuleContext(TODAY, {"return_date": "2027-05-16"}))
    assert [(d["field"], d["params"]["text"]["zh_CN"]) for d in found] == [
        ("endorsement_valid_until", "签注有效期须至少到回国（境）日期")]
    assert validate_form(permit, data, RuleContext(TODAY, {"return_date": "2027-05-10"})) == []
    assert validate_form(permit, data, RuleContext(TODAY, {})) == []  # no trip in the case: not applied
    passport = json.loads((forms / "pv.passport.schema.json").read_text(encoding="utf-8"))
    data = {"passport_no": "E12345678", "passport_issued_on": "2026-12-01", "passport_expires_on": "2026-11-30"}
    found = validate_form(passport, data, RuleContext(TODAY, {"return_date": "2027-05-16"}))
    assert [d["field"] for d in found] == ["passport_expires_on", "passport_expires_on"]
