"""Texts the generated models show users: Chinese help without English tails, choices by their labels."""
from __future__ import annotations

import json
import re
from pathlib import Path

from jinja2.sandbox import SandboxedEnvironment

MODELS = Path(__file__).resolve().parents[2] / "bpmn_models"
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
LATIN_TAIL = re.compile(r"[\u4e00-\u9fff\uff09\uff1b] / [A-Za-z]")
# an instruction showing a choice by its label: {{ {'value': '标签', ...}.get(name, name) }}
CHOICE_TEXT = re.compile(r"\{\{ (\{[^{}]*\})\.get\(([a-z_]+), \2\) \}\}")


def _choice_fields() -> set[str]:
    names: set[str] = set()

    def walk(schema: dict) -> None:
        for name, sub in (schema.get("properties") or {}).items():
            if "enum" in sub:
                names.add(name)
            if isinstance(sub.get("items"), dict):
                walk(sub["items"])

    for path in (MODELS / "forms").glob("*.schema.json"):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return names


def test_instructions_never_print_a_choice_by_its_stored_value():
    choices = _choice_fields()
    raw = [(p.name, m.group(1)) for p in MODELS.rglob("*.bpmn")
           for m in PLACEHOLDER.finditer(p.read_text(encoding="utf-8")) if m.group(1) in choices]
    assert raw == []


def test_instructions_show_each_choice_by_its_chinese_label_and_an_unknown_value_as_it_is():
    import ast
    from html import unescape

    texts = {unescape(m.group(0)): (m.group(2), ast.literal_eval(unescape(m.group(1))))
             for p in MODELS.rglob("*.bpmn") for m in CHOICE_TEXT.finditer(p.read_text(encoding="utf-8"))}
    assert texts, "the models show some choice in an instruction"
    environment = SandboxedEnvironment()
    for text, (name, labels) in texts.items():
        template = environment.from_string(text)
        assert {template.render({name: value}) for value in labels} == set(labels.values()), text
        assert template.render({name: "odd"}) == "odd"


def test_chinese_help_texts_carry_no_english_tail():
    mixed = []
    for path in (MODELS / "forms").glob("*.json"):
        text = path.read_text(encoding="utf-8")
        for key in ("ui:help", "description"):
            for value in re.findall(rf'"{re.escape(key)}": "([^"]*)"', text):
                if LATIN_TAIL.search(value):
                    mixed.append((path.name, value))
    assert mixed == []
