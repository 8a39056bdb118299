"""Minimal valid data for a JSON Schema form: what a person who accepts every default would submit.

Used by ``fao try`` to drive a case through its user tasks without a person. Every property is
filled (conditions after a form usually read its fields): its ``default`` when there is one, else
the first ``enum``/``const``/``oneOf`` choice, else a small value of its type that honours the
limits (``minimum``, ``minLength``, ``minItems``, date and e-mail formats). ``pattern`` is not
solved: a field with a pattern and no default may still be refused by the form's validation.

The simple form rules (``x-rules``) are respected: every date is ``today``, so ``a <= b`` between
dates and ``a >= today`` hold; a count ``n == len(names)`` is set to the length of the list.
Other rules may still refuse the data.
"""
from __future__ import annotations

import ast
from datetime import date
from typing import Any

MAX_DEPTH = 12


def example_data(schema: Any, today: date | None = None) -> Any:
    """A value that a form with this schema accepts in the usual cases.

    Args:
        schema: A JSON Schema (an object form schema for a task; any schema works).
        today: The date used for ``format: date`` fields (default: today).

    Returns:
        The value (a dict for an object schema).
    """
    value = _value(schema, schema, today or date.today(), 0)
    if isinstance(value, dict) and isinstance(schema, dict):
        follow_count_rules(schema, value)
    return value


def follow_count_rules(schema: dict, data: dict) -> None:
    """Make a form's ``count == len(names)`` rules hold in ``data`` (changed in place): the count
    follows the list when both are filled."""
    rules = schema.get("x-rules")
    for rule in rules if isinstance(rules, list) else []:
        source = rule.get("assert") if isinstance(rule, dict) else None
        try:
            tree = ast.parse(source.strip(), mode="eval").body if isinstance(source, str) else None
        except SyntaxError:
            continue
        if not (isinstance(tree, ast.Compare) and len(tree.ops) == 1 and isinstance(tree.ops[0], ast.Eq)):
            continue
        for left, right in ((tree.left, tree.comparators[0]), (tree.comparators[0], tree.left)):
            if (isinstance(left, ast.Name) and isinstance(data.get(left.id), int) and isinstance(right, ast.Call)
                    and isinstance(right.func, ast.Name) and right.func.id == "len" and len(right.args) == 1
                    and isinstance(right.args[0], ast.Name) and isinstance(data.get(right.args[0].id), list)
                    and data[right.args[0].id]):
                data[left.id] = len(data[right.args[0].id])


def _resolve(node: Any, root: Any) -> Any:
    """Follow a local ``$ref`` (``#/definitions/x``, ``#/$defs/x``); anything else is kept."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/") and seen < 8:
        target: Any = root
        for part in node["$ref"][2:].split("/"):
            target = target.get(part) if isinstance(target, dict) else None
        if target is None:
            break
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        seen += 1
    return node


def _value(node: Any, root: Any, today: date, depth: int) -> Any:
    node = _resolve(node, root)
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return None
    if "default" in node:
        return node["default"]
    if "const" in node:
        return node["const"]
    if isinstance(node.get("enum"), list) and node["enum"]:
        return node["enum"][0]
    for key in ("oneOf", "anyOf"):
        options = node.get(key)
        if isinstance(options, list) and options:
            if all(isinstance(o, dict) and "const" in o for o in options) and node.get("type") != "array":
                return options[0]["const"]
            if not node.get("type") and not node.get("properties"):
                return _value(options[0], root, today, depth + 1)
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), kind[0] if kind else None)
    if kind is None:
        kind = "object" if "properties" in node else ("array" if "items" in node else None)
    if kind == "object":
        return _object(node, root, today, depth)
    if kind == "array":
        return _array(node, root, today, depth)
    if kind == "string":
        return _string(node, today)
    if kind in ("integer", "number"):
        return _number(node, kind)
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return None


def _object(node: dict, root: Any, today: date, depth: int) -> dict:
    out: dict[str, Any] = {}
    declared = node.get("properties")
    properties = declared if isinstance(declared, dict) else {}
    for name, sub in properties.items():
        value = _value(sub, root, today, depth + 1)
        if value is not None or name in (node.get("required") or []):
            out[name] = value
    for part in node.get("allOf") or []:
        value = _value(part, root, today, depth + 1)
        if isinstance(value, dict):
            out = {**value, **out}
    return out


def _array(node: dict, root: Any, today: date, depth: int) -> list:
    items = node.get("items")
    min_items = node.get("minItems")
    count = min_items if isinstance(min_items, int) else 0
    if isinstance(items, dict):
        item = _resolve(items, root)
        options = item.get("anyOf") or item.get("oneOf") or item.get("enum") if isinstance(item, dict) else None
        if count == 0 and node.get("uniqueItems") and options:  # a checkbox list: tick nothing
            return []
        return [_value(items, root, today, depth + 1) for _ in range(min(count, 10))]
    return []


def _string(node: dict, today: date) -> str:
    fmt = node.get("format")
    if fmt == "date":
        return today.isoformat()
    if fmt == "date-time":
        return f"{today.isoformat()}T09:00:00+08:00"
    if fmt == "time":
        return "09:00:00"
    if fmt in ("email", "idn-email"):
        return "someone@example.org"
    if fmt in ("uri", "url", "iri"):
        return "https://example.org/"
    if fmt == "uuid":
        return "00000000-0000-4000-8000-000000000000"
    min_length = node.get("minLength")
    length = min_length if isinstance(min_length, int) else 1
    text = ("x" * max(length, 1))
    limit = node.get("maxLength")
    return text[:limit] if isinstance(limit, int) and limit >= 0 else text


def _number(node: dict, kind: str) -> int | float:
    value: float = 1
    if isinstance(node.get("minimum"), (int, float)) and node["minimum"] > value:
        value = node["minimum"]
    if isinstance(node.get("exclusiveMinimum"), (int, float)) and value <= node["exclusiveMinimum"]:
        value = node["exclusiveMinimum"] + 1
    if isinstance(node.get("maximum"), (int, float)) and value > node["maximum"]:
        value = node["maximum"]
    return int(value) if kind == "integer" else value
