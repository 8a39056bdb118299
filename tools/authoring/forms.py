"""Builders for the JSON Schema (draft 2020-12) and UI schema of the office's forms.

Each property carries ``title`` (Chinese) and ``title_en``; enumerations carry ``enumNames`` and
``enumNames_en`` parallel to ``enum``. A :class:`Form` turns into the pair of documents
``<name>.schema.json`` and ``<name>.uischema.json``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DRAFT = "https://json-schema.org/draft/2020-12/schema"

PASSPORT_PATTERN = "^[EGDSP][0-9A-Z]{8}$"
HK_MACAO_PERMIT_PATTERN = "^[CG][0-9A-Z]{8}$"
ID_NUMBER_PATTERN = "^[1-9][0-9]{16}[0-9X]$"
PHONE_PATTERN = "^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$"

RANKS = (("division", "处级及以下", "Division level or below"),
         ("bureau", "局级", "Bureau level"),
         ("municipal", "市级领导", "Municipal leader"))
DESTINATIONS = (("hk_macao", "港澳地区", "Hong Kong / Macao"),
                ("asia", "亚洲国家", "Asian country"),
                ("other", "亚洲以外国家", "Country outside Asia"))
DECISIONS = (("approve", "同意", "Approve"),
             ("revise", "退回修改", "Return for revision"),
             ("reject", "不予同意", "Reject"))


@dataclass(frozen=True)
class Field:
    name: str
    schema: dict[str, Any]
    ui: dict[str, Any]
    required: bool = True


@dataclass(frozen=True)
class Form:
    name: str
    title: str
    title_en: str
    fields: tuple[Field, ...]
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    rules: tuple[dict[str, Any], ...] = ()

    def schema(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "$schema": DRAFT,
            "$id": f"{self.name}.schema.json",
            "title": self.title,
            "title_en": self.title_en,
            "type": "object",
            "properties": {f.name: mark_sensitive(f.name, f.schema) for f in self.fields},
            "required": [f.name for f in self.fields if f.required],
        }
        if self.description:
            doc["description"] = self.description
        doc.update(self.extra)
        if self.rules:
            doc["x-rules"] = list(self.rules)
        return doc

    def ui_schema(self) -> dict[str, Any]:
        ui: dict[str, Any] = {"ui:order": [f.name for f in self.fields]}
        for f in self.fields:
            if f.ui:
                ui[f.name] = f.ui
        return ui


def rule(check: str, field_name: str, zh: str, en: str, when: str | None = None) -> dict[str, Any]:
    """A form rule (CONTRACT 8, ``x-rules``): ``check`` must hold, else ``zh``/``en`` shows beside the field."""
    out: dict[str, Any] = {"assert": check, "field": field_name, "message": {"zh_CN": zh, "en": en}}
    if when:
        out["if"] = when
    return out


def not_before(first: str, then: str, zh_first: str, zh_then: str, en_first: str, en_then: str) -> dict[str, Any]:
    """``then`` is not earlier than ``first`` (return after departure); the message is beside ``then``."""
    return rule(f"{first} <= {then}", then, f"{zh_then}不能早于{zh_first}", f"The {en_then} cannot be before the "
                f"{en_first}")


def not_past(name: str, zh: str, en: str) -> dict[str, Any]:
    """A date the applicant expects (a deadline, a wish) is not in the past."""
    return rule(f"{name} >= today", name, f"{zh}不能早于今天", f"The {en} cannot be in the past")


def days_within(days: str, first: str, last: str, zh: str, en: str) -> dict[str, Any]:
    """A count of days is at most the span from ``first`` to ``last`` counted inclusively."""
    return rule(f"{days} <= ({last} - {first}).days + 1", days, zh, en)


def count_matches(count: str, names: str, zh: str, en: str) -> dict[str, Any]:
    """A head count equals the number of people listed (applied when a list is given)."""
    return rule(f"{count} == len({names})", count, zh, en)


SENSITIVE_KEYS = frozenset({"passport_no", "permit_no", "id_number"})  # personal numbers (CONTRACT section 8)


def mark_sensitive(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with ``"x-sensitive": true`` on every personal number in it (at any depth)."""
    out = dict(schema)
    if name in SENSITIVE_KEYS and out.get("type") == "string":
        out["x-sensitive"] = True
    if isinstance(out.get("properties"), dict):
        out["properties"] = {k: mark_sensitive(k, v) if isinstance(v, dict) else v
                             for k, v in out["properties"].items()}
    if isinstance(out.get("items"), dict):
        out["items"] = mark_sensitive("", out["items"])
    return out


def _ui(widget: str | None = None, help: str | None = None, **kw: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if widget:
        out["ui:widget"] = widget
    if help:
        out["ui:help"] = help
    out.update(kw)
    return out


def text(name: str, zh: str, en: str, required: bool = True, max_length: int = 200,
         pattern: str | None = None, help: str | None = None, min_length: int | None = None,
         prefill: str | None = None, case_title: bool = False) -> Field:
    s: dict[str, Any] = {"type": "string", "title": zh, "title_en": en, "maxLength": max_length}
    if required:
        s["minLength"] = min_length or 1
    if pattern:
        s["pattern"] = pattern
    if prefill:
        s["x-prefill"] = prefill  # filled from the applicant's profile on a start form (engine/forms/prefill.py)
    if case_title:
        s["x-case-title"] = True  # the case's title in every list (CONTRACT section 8)
    return Field(name, s, _ui(help=help), required)


def textarea(name: str, zh: str, en: str, required: bool = True, max_length: int = 4000,
             help: str | None = None) -> Field:
    f = text(name, zh, en, required, max_length)
    return Field(name, f.schema, _ui("textarea", help), required)


def date(name: str, zh: str, en: str, required: bool = True, help: str | None = None) -> Field:
    return Field(name, {"type": "string", "format": "date", "title": zh, "title_en": en},
                 _ui("date", help), required)


def integer(name: str, zh: str, en: str, minimum: int = 0, maximum: int | None = None,
            required: bool = True, help: str | None = None) -> Field:
    s: dict[str, Any] = {"type": "integer", "title": zh, "title_en": en, "minimum": minimum}
    if maximum is not None:
        s["maximum"] = maximum
    return Field(name, s, _ui(help=help), required)


def choice(name: str, zh: str, en: str, options: tuple[tuple[str, str, str], ...],
           widget: str = "select", required: bool = True, help: str | None = None) -> Field:
    s = {"type": "string", "title": zh, "title_en": en, "enum": [o[0] for o in options],
         "enumNames": [o[1] for o in options], "enumNames_en": [o[2] for o in options]}
    return Field(name, s, _ui(widget, help), required)


def choice_text(name: str, options: tuple[tuple[str, str, str], ...]) -> str:
    """A Jinja expression for task instructions that shows a choice by its Chinese label, not its value."""
    pairs = ", ".join(f"'{o[0]}': '{o[1]}'" for o in options)
    return f"{{{{ {{{pairs}}}.get({name}, {name}) }}}}"


def units(name: str, zh: str, en: str, min_items: int = 1, max_items: int = 30,
          help: str | None = None, help_en: str | None = None) -> Field:
    """Units of the system, ticked in a list: their keys (engine/forms/options.py, ``x-options``)."""
    schema = {"type": "array", "title": zh, "title_en": en, "minItems": min_items, "maxItems": max_items,
              "uniqueItems": True, "items": {"type": "string", "x-options": "units"}}
    ui = _ui(help=help)
    if help_en:
        ui["ui:help_en"] = help_en
    return Field(name, schema, ui, True)


def boolean(name: str, zh: str, en: str, required: bool = True, help: str | None = None) -> Field:
    return Field(name, {"type": "boolean", "title": zh, "title_en": en}, _ui("radio", help), required)


def attachment(name: str, zh: str, en: str, required: bool = True, help: str | None = None) -> Field:
    s = {"type": "string", "title": zh, "title_en": en, "maxLength": 64}
    if required:
        s["minLength"] = 1
    return Field(name, s, _ui("attachment", help), required)


def phone(name: str = "contact_phone", zh: str = "联系电话", en: str = "Contact phone",
          prefill: str | None = None) -> Field:
    return text(name, zh, en, pattern=PHONE_PATTERN, max_length=20,
                help="手机号或带区号的固定电话，如 0734-8888888", prefill=prefill)


def person(name: str = "contact_person", zh: str = "联系人", en: str = "Contact person",
           prefill: str | None = None) -> Field:
    return text(name, zh, en, max_length=50, prefill=prefill)


def members(name: str = "members", zh: str = "团组成员", en: str = "Delegation members",
            foreign: bool = False, min_items: int = 1, max_items: int = 50) -> Field:
    """Delegation members: an array of objects, one per person."""
    props: dict[str, Any] = {
        "name": {"type": "string", "title": "姓名", "title_en": "Name", "minLength": 1, "maxLength": 50},
        "gender": {"type": "string", "title": "性别", "title_en": "Gender", "enum": ["male", "female"],
                   "enumNames": ["男", "女"], "enumNames_en": ["Male", "Female"]},
        "position": {"type": "string", "title": "职务", "title_en": "Position", "minLength": 1,
                     "maxLength": 100},
    }
    required = ["name", "gender", "position"]
    if foreign:
        props["nationality"] = {"type": "string", "title": "国籍", "title_en": "Nationality",
                                "minLength": 1, "maxLength": 60}
        props["passport_no"] = {"type": "string", "title": "护照号码", "title_en": "Passport number",
                                "pattern": "^[0-9A-Z]{5,12}$"}
        required += ["nationality", "passport_no"]
    else:
        props["id_number"] = {"type": "string", "title": "身份证号", "title_en": "ID card number",
                              "pattern": ID_NUMBER_PATTERN, "minLength": 18, "maxLength": 18}
        props["passport_no"] = {"type": "string", "title": "因公护照号码", "title_en": "Official passport number",
                                "pattern": PASSPORT_PATTERN,
                                "description": "尚未办理的留空",
                                "description_en": "Leave empty if not yet issued"}
        props["rank"] = {"type": "string", "title": "级别", "title_en": "Rank",
                         "enum": [r[0] for r in RANKS], "enumNames": [r[1] for r in RANKS],
                         "enumNames_en": [r[2] for r in RANKS]}
        required += ["id_number", "rank"]
    schema = {"type": "array", "title": zh, "title_en": en, "minItems": min_items, "maxItems": max_items,
              "items": {"type": "object", "properties": props, "required": required}}
    ui = {"ui:help": "每人一行", "ui:help_en": "One row per person",
          "items": {"ui:order": list(props), "gender": {"ui:widget": "radio"}}}
    return Field(name, schema, ui, True)


def decision_fields(extra_options: tuple[tuple[str, str, str], ...] = DECISIONS) -> tuple[Field, ...]:
    return (
        choice("decision", "审查意见", "Decision", extra_options, widget="radio"),
        textarea("comment", "意见说明", "Comment", required=False, max_length=2000,
                 help="退回修改或不予同意时必须说明理由，申请人可见"),
    )


COMMENT_RULE = {
    "if": {"properties": {"decision": {"not": {"const": "approve"}}}, "required": ["decision"]},
    "then": {"required": ["comment"], "properties": {"comment": {"minLength": 2}}},
}


def decision_form(name: str, title: str, title_en: str, *before: Field,
                  options: tuple[tuple[str, str, str], ...] = DECISIONS, description: str = "") -> Form:
    """A reviewing form: some checks, then ``decision`` and ``comment`` (required unless approve)."""
    return Form(name, title, title_en, tuple(before) + decision_fields(options), description,
                extra=dict(COMMENT_RULE))
