"""Server-side validation of form data against its JSON Schema; problems are message codes.

:func:`validate_form` answers ``[{"field": "members.0.name", "reason": "required", "params": {}}]``
(the web layer and the CLI put the codes into words): ``field``
names the offending field itself (a missing required property is named, not its parent; an
``if``/``then`` rule such as "comment required unless approved" points at ``comment``), ``""`` the
body as a whole. :func:`check_schema` tells an analyst whether an uploaded schema is valid;
:func:`with_task_data_options` fills in choices a process computes
(``"anyOf": ["options_from_task_data_var:NAME"]``, the SpiffWorkflow convention).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

from engine.errors import problem
from engine.forms.rules import RuleContext, apply_rules, has_rules

_RFC3339_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})"
)


def _is_date_time(value: object) -> bool:
    """RFC 3339 date-time (jsonschema only checks it when an optional package is installed)."""
    if not isinstance(value, str):
        return True
    if not _RFC3339_DATE_TIME.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _format_checker() -> FormatChecker:
    checker = FormatChecker()  # an instance copy: the library's registry is left as it is
    checker.checks("date-time")(_is_date_time)
    return checker


_KEYWORD_REASONS = {
    "required": "required", "pattern": "pattern", "enum": "choice", "const": "choice",
    "minLength": "minLength", "maxLength": "maxLength", "minimum": "minimum", "maximum": "maximum",
    "exclusiveMinimum": "exclusiveMinimum", "exclusiveMaximum": "exclusiveMaximum",
    "multipleOf": "multipleOf", "minItems": "minItems", "maxItems": "maxItems",
    "uniqueItems": "uniqueItems", "minProperties": "minItems", "maxProperties": "maxItems",
    "additionalProperties": "not_allowed", "unevaluatedProperties": "not_allowed",
}
"""The message code of each JSON Schema keyword; the codes of ``format`` are ``format_<name>``."""

_FORMATS = ("date", "date-time", "time", "email", "idn-email", "uuid")


def validate_form(schema: dict, data: Any, context: RuleContext | None = None) -> list[dict]:
    """Validate submitted form data against its schema and then its rules (``x-rules``).

    Args:
        schema: A JSON Schema (Draft 2020-12), already checked with :func:`check_schema`.
        data: The submitted data.
        context: The office's date and the case's data for the form's rules
            (:mod:`engine.forms.rules`); ``None`` checks the schema alone.

    Returns:
        One :func:`engine.errors.problem` per problem (empty when the data is valid), in the order
        the schema states its rules: ``{"field": "a.0.b", "reason": "minLength", "params": {"limit": 2}}``;
        then one ``form_rule`` problem per failing rule (a rule naming a field the schema already
        refused is not applied).
    """
    validator = Draft202012Validator(schema, format_checker=_format_checker())
    details: list[dict] = []
    for error in validator.iter_errors(data):
        for found in _describe(error):
            if found not in details:
                details.append(found)
    if context is not None and has_rules(schema) and isinstance(data, dict):
        refused = {str(d["field"]).split(".")[0] for d in details}
        details.extend(apply_rules(schema, data, context, refused))
    return details


TASK_DATA_OPTIONS = "options_from_task_data_var:"
"""``"anyOf": ["options_from_task_data_var:colors"]``: the choices are the list ``colors`` in the
task data (SpiffWorkflow's convention for choices computed by the process), each a
``{"value": ..., "label": ...}`` object or a plain value."""


def _options_variable(node: Any) -> tuple[str, str] | None:
    """``(keyword, variable)`` when this schema node takes its choices from task data."""
    if not isinstance(node, dict):
        return None
    for keyword in ("anyOf", "oneOf", "enum"):
        value = node.get(keyword)
        if (isinstance(value, list) and len(value) == 1 and isinstance(value[0], str)
                and value[0].startswith(TASK_DATA_OPTIONS)):
            return keyword, value[0][len(TASK_DATA_OPTIONS):].strip()
    return None


def with_task_data_options(schema: Any, data: dict | None) -> Any:
    """The schema with choices taken from task data filled in as ``enum`` (and ``enumNames``).

    Args:
        schema: A form schema, possibly using ``options_from_task_data_var:NAME``.
        data: The task data; ``None`` leaves every such field free text (used to check a schema
            before any task exists).

    Returns:
        The schema itself when it uses no such choices, else a resolved copy. A variable that is
        missing or not a list gives no choices (nothing validates).
    """
    if not _uses_task_data_options(schema):
        return schema
    return _fill_options(schema, data)


def _uses_task_data_options(node: Any) -> bool:
    stack = [node]
    while stack:
        item = stack.pop()
        if _options_variable(item) is not None:
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _fill_options(node: Any, data: dict | None) -> Any:
    if isinstance(node, list):
        return [_fill_options(item, data) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _fill_options(value, data) for key, value in node.items()}
    found = _options_variable(node)
    if found is not None:
        keyword, variable = found
        del out[keyword]
        if data is not None:
            options = data.get(variable)
            options = options if isinstance(options, list) else []
            values = [o.get("value") if isinstance(o, dict) else o for o in options]
            labels = [str(o.get("label", o.get("value"))) if isinstance(o, dict) else str(o) for o in options]
            out["enum"] = values
            out["enumNames"] = labels
    return out


def check_schema(schema: Any) -> list[str]:
    """Tell whether ``schema`` is a valid JSON Schema (Draft 2020-12).

    Args:
        schema: The parsed content of a form schema file.

    Returns:
        One message per problem, ``"path: message"``; empty when the schema is valid.
    """
    if not isinstance(schema, (dict, bool)):
        return [f"a JSON Schema must be an object, not {type(schema).__name__}"]
    schema = with_task_data_options(schema, None)  # choices named by task data are filled in later
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA, format_checker=FormatChecker())
    messages = []
    for error in sorted(meta.iter_errors(schema), key=lambda e: list(map(str, e.absolute_path))):
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        messages.append(f"{where}: {error.message}")
    return messages + _check_refs(schema)


def _join(path: Iterable[Any]) -> str:
    return ".".join(str(part) for part in path)


def _describe(error: ValidationError) -> list[dict]:
    """The problems one jsonschema error stands for."""
    path = list(error.absolute_path)
    keyword = str(error.validator)
    if keyword in ("anyOf", "oneOf") and error.context:
        # the closest alternative is one whose type fits the value
        fitting = [e for e in error.context if e.validator != "type"] or list(error.context)
        return _describe(best_match(fitting))
    if keyword in ("required", "dependentRequired"):
        names = _missing(error)
        return [problem(_join([*path, name]), "required") for name in names] or [problem(_join(path), "required")]
    if keyword in ("additionalProperties", "unevaluatedProperties") and isinstance(error.instance, dict):
        extra = _extra_properties(error)
        if extra:
            return [problem(_join([*path, name]), "not_allowed") for name in extra]
    if keyword == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return [problem(_join(path), "type", types=[str(t) for t in expected])]
    if keyword == "format":
        name = str(error.validator_value)
        return [problem(_join(path), "format_" + name.replace("-", "_") if name in _FORMATS else "pattern")]
    reason = _KEYWORD_REASONS.get(keyword)
    if reason is None:
        return [problem(_join(path), "invalid")]
    return [problem(_join(path), reason, limit=error.validator_value)]


def _missing(error: ValidationError) -> list[str]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    value = error.validator_value
    if error.validator == "dependentRequired" and isinstance(value, dict):
        required = [name for names in value.values() for name in names]
    else:
        required = list(value) if isinstance(value, list) else []
    missing = [name for name in required if name not in instance]
    named = [name for name in missing if f"{name!r} is a required property" in error.message
             or f"{name!r} is a dependency" in error.message]
    return named or missing


def _extra_properties(error: ValidationError) -> list[str]:
    """The unexpected property names jsonschema quotes in its message."""
    return [name for name in error.instance if isinstance(name, str) and repr(name) in error.message]


def _check_refs(schema: Any) -> list[str]:
    """Local ``$ref`` targets must exist; remote ones are not fetched."""
    anchors: set[str] = set()
    refs: list[tuple[str, str]] = []
    stack: list[tuple[Any, str]] = [(schema, "")]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("$anchor"), str):
                anchors.add(node["$anchor"])
            if isinstance(node.get("$ref"), str):
                refs.append((node["$ref"], where))
            stack.extend((value, f"{where}/{key}") for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((value, f"{where}/{index}") for index, value in enumerate(node))
    problems = []
    for ref, where in refs:
        location = (where.lstrip("/") or "(root)") + "/$ref"
        if not ref.startswith("#"):
            problems.append(f"{location}: only local references (#/...) are supported, not {ref!r}")
        elif ref.startswith("#/") and not _pointer_exists(schema, ref[2:]):
            problems.append(f"{location}: {ref!r} points at nothing in this schema")
        elif len(ref) > 1 and not ref.startswith("#/") and ref[1:] not in anchors:
            problems.append(f"{location}: no $anchor {ref[1:]!r} in this schema")
    return sorted(problems)


def _pointer_exists(document: Any, pointer: str) -> bool:
    node = document
    for raw in pointer.split("/"):
        part = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True
