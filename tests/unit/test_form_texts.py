"""Texts the generated models show users: Chinese help without English tails, choices by their labels."""
from __future__ import annotations

import json
import re
from pathlib import Path

from jinja2.sandbox import SandboxedEnvironment

from processes.authoring.forms import choice_text

MODELS = Path(__file__).resolve().parents[2] / "bpmn_models"
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
LATIN_TAIL = re.compile(r"[\u4e00-\u9fff\uff09\uff1b] / [A-Za-z]")


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


def test_choice_text_renders_the_chinese_label_and_keeps_unknown_values():
    levels = (("general", "一般", "General"), ("major", "重大", "Major"))
    template = SandboxedEnvironment().from_string("等级：" + choice_text("level", levels))
    assert template.render(level="major") == "等级：重大"
    assert template.render(level="odd") == "等级：odd"


def test_chinese_help_texts_carry_no_english_tail():
    mixed = []
    for path in (MODELS / "forms").glob("*.json"):
        text = path.read_text(encoding="utf-8")
        for key in ("ui:help", "description"):
            for value in re.findall(rf'"{re.escape(key)}": "([^"]*)"', text):
                if LATIN_TAIL.search(value):
                    mixed.append((path.name, value))
    assert mixed == []
