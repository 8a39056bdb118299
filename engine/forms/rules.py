"""Form rules (``x-rules``, CONTRACT 8): checks across fields that JSON Schema cannot state.

A form's root may hold ``"x-rules": [{"assert": EXPR, "field": "a.b", "message": TEXT, "if": EXPR}]``.
EXPR is an expression of the gateway conditions' restricted language, evaluated in the sandbox
(:class:`~engine.sandbox.environment.RestrictedEnvironment`, never a bare ``eval``) with the
submitted fields as names (``format: date``/``date-time`` values as ``date``/``datetime``, an absent
field as ``None``), ``case`` for the case's data and ``today`` for the office's date.

A rule applies when its ``if`` holds (or it has none) and every field its ``assert`` names has a
value (not ``None``, ``""``, ``[]`` or ``{}``); a false ``assert`` is a problem
``{"field": field, "reason": "form_rule", "params": {"text": TEXT}}``, worded at the edge in the
reader's language. :func:`check_rules` tells at deploy what is wrong with a form's rules.
"""
from __future__ import annotations

import ast
import copy
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from engine.errors import problem
from engine.sandbox.compiler import CODE_CACHE
from engine.sandbox.environment import RestrictedEnvironment
from engine.sandbox.guards import SAFE_BUILTINS, ScriptError

log = logging.getLogger(__name__)

RULES_KEY = "x-rules"
RULE_REASON = "form_rule"
"""The message code of a broken rule; its ``text`` parameter is the rule's own message."""
CONTEXT_NAMES = frozenset({"case", "today"})
RULE_KEYS = frozenset({"assert", "field", "message", "if"})
LANGUAGES = ("zh_CN", "en")
TIME_LIMIT_S = 1.0


@dataclass(frozen=True)
class RuleContext:
    """What a rule may read beside the submitted form.

    Attributes:
        today: The office's date (the engine clock in the office time zone).
        case: The case's data (empty for a start form).
    """

    today: date
    case: dict = field(default_factory=dict)


def has_rules(schema: Any) -> bool:
    """Whether a form schema carries rules."""
    return isinstance(schema, dict) and bool(schema.get(RULES_KEY))


def apply_rules(schema: dict, data: dict, context: RuleContext, skip_fields: Iterable[str] = ()) -> list[dict]:
    """Check submitted data against the form's rules.

    Args:
        schema: A form schema whose rules passed :func:`check_rules`.
        data: The submitted data (an object).
        context: The office's date and the case's data.
        skip_fields: Top-level fields the schema already refused: rules naming them are not applied.

    Returns:
        One problem per failing rule, in the order of the rules.
    """
    rules = schema.get(RULES_KEY)
    if not isinstance(rules, list) or not isinstance(data, dict):
        return []
    properties = _properties(schema)
    names = {name: _typed(data.get(name), properties[name]) for name in properties}
    scope = {**names, "case": copy.deepcopy(context.case), "today": context.today}
    environment = RestrictedEnvironment({}, time_limit_s=TIME_LIMIT_S)
    skipped = set(skip_fields)
    problems = []
    for rule in rules:
        if not isinstance(rule, dict):
            continue
        condition, check = rule.get("if"), str(rule.get("assert", ""))
        named = free_names(check) & set(properties)
        if skipped & (named | (free_names(condition) if isinstance(condition, str) else set())):
            continue
        if any(not _has_value(names[name]) for name in named):
            continue
        try:
            if isinstance(condition, str) and not environment.evaluate(condition, dict(scope)):
                continue
            holds = environment.evaluate(check, dict(scope))
        except (ScriptError, ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as err:
            log.warning("form rule %r of %s not applied: %s", check, schema.get("$id", "a form"), err)
            continue
        if not holds:
            problems.append(problem(str(rule.get("field", "")), RULE_REASON, text=rule.get("message")))
    return problems


def rule_text(text: Any, locale: str) -> str:
    """A rule's message in the reader's language (``zh_CN``, ``en``); Chinese when it has no such text."""
    if isinstance(text, str):
        return text
    if not isinstance(text, dict):
        return ""
    for key in (locale, locale.split("_")[0], "zh_CN", "zh", "en"):
        if isinstance(text.get(key), str):
            return str(text[key])
    return next((str(v) for v in text.values() if isinstance(v, str)), "")


def check_rules(schema: Any) -> list[tuple[str, dict]]:
    """What is wrong with a form's rules, as message codes for the deploy (``(reason, params)``).

    Args:
        schema: The parsed form schema.

    Returns:
        Empty when the form has no rules or they are well formed; otherwise one entry per problem,
        ``params`` naming the rule by its number (from 1).
    """
    if not isinstance(schema, dict) or RULES_KEY not in schema:
        return []
    rules = schema[RULES_KEY]
    if not isinstance(rules, list):
        return [("rules_not_list", {})]
    properties = _properties(schema)
    known = set(properties) | CONTEXT_NAMES | set(SAFE_BUILTINS)
    found: list[tuple[str, dict]] = []
    for number, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict):
            found.append(("rule_not_object", {"rule": number}))
            continue
        for key in sorted(set(rule) - RULE_KEYS):
            found.append(("rule_unknown_key", {"rule": number, "key": key}))
        for key in ("assert", "field", "message"):
            if key not in rule:
                found.append(("rule_missing_key", {"rule": number, "key": key}))
        for key in ("assert", "if"):
            if key in rule:
                found.extend(_check_expression(rule[key], key, number, known))
        target = rule.get("field")
        if "field" in rule and not (isinstance(target, str) and _field_exists(schema, target)):
            found.append(("rule_unknown_field", {"rule": number, "field": str(target)}))
        if "message" in rule and not _message_ok(rule["message"]):
            found.append(("rule_bad_message", {"rule": number}))
    return found


def _check_expression(source: Any, key: str, number: int, known: set[str]) -> list[tuple[str, dict]]:
    if not isinstance(source, str) or not source.strip():
        return [("rule_bad_expression", {"rule": number, "key": key, "detail": repr(source)})]
    try:
        CODE_CACHE.get(source, "eval")
    except ScriptError as err:
        return [("rule_bad_expression", {"rule": number, "key": key, "detail": str(err)})]
    return [("rule_unknown_name", {"rule": number, "key": key, "name": name})
            for name in sorted(free_names(source) - known)]


def free_names(source: Any) -> set[str]:
    """The names an expression reads that it does not bind itself (comprehension targets, lambdas)."""
    if not isinstance(source, str):
        return set()
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError:
        return set()
    read: set[str] = set()
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return read - bound


def _message_ok(text: Any) -> bool:
    if isinstance(text, str):
        return bool(text.strip())
    return (isinstance(text, dict) and bool(text) and set(text) <= set(LANGUAGES)
            and all(isinstance(v, str) and v.strip() for v in text.values()))


def _properties(node: Any) -> dict[str, Any]:
    """A schema node's declared properties, those of its ``allOf``/``then``/``else`` parts included."""
    if not isinstance(node, dict):
        return {}
    out: dict[str, Any] = {}
    for part in [*(node.get("allOf") or []), node.get("then"), node.get("else")]:
        out.update(_properties(part))
    declared = node.get("properties")
    if isinstance(declared, dict):
        out.update(declared)
    return out


def _field_exists(schema: dict, path: str) -> bool:
    """Whether ``a.b`` (or ``a.0.b`` through a list) names a property of the schema."""
    node: Any = schema
    for part in path.split("."):
        if isinstance(node, dict) and part.isdigit() and isinstance(node.get("items"), dict):
            node = node["items"]
            continue
        properties = _properties(node)
        if part not in properties:
            return False
        node = properties[part]
    return True


def _has_value(value: Any) -> bool:
    return not (value is None or (isinstance(value, (str, list, dict)) and not value))


def _typed(value: Any, node: Any) -> Any:
    """The value with its ``date``/``date-time`` strings as dates (nested objects and lists too)."""
    if not isinstance(node, dict):
        return value
    if isinstance(value, str):
        return _as_date(value, node.get("format"))
    if isinstance(value, dict):
        properties = _properties(node)
        return {key: _typed(item, properties.get(key)) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item, node.get("items")) for item in value]
    return value


def _as_date(value: str, fmt: Any) -> Any:
    try:
        if fmt == "date":
            return date.fromisoformat(value)
        if fmt == "date-time":
            return datetime.fromisoformat(value.strip().upper().replace("Z", "+00:00"))
    except ValueError:
        return value
    return value
