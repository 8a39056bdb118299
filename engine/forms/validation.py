"""Server-side validation of form data against its JSON Schema, with messages per language.

:func:`validate_form` answers ``[{"field": "members.0.name", "message": "此项为必填项"}]``: ``field``
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


_TYPE_NAMES = {
    "zh": {"string": "文本", "integer": "整数", "number": "数字", "boolean": "是/否", "array": "列表",
           "object": "对象", "null": "空值"},
    "en": {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "yes/no",
           "array": "a list", "object": "an object", "null": "empty"},
}
_FORMAT_NAMES = {
    "zh": {"date": "日期格式不正确", "date-time": "日期时间格式不正确", "time": "时间格式不正确",
           "email": "电子邮箱格式不正确", "idn-email": "电子邮箱格式不正确", "uuid": "编号格式不正确"},
    "en": {"date": "Enter a valid date (YYYY-MM-DD)", "date-time": "Enter a valid date and time",
           "time": "Enter a valid time", "email": "Enter a valid email address",
           "idn-email": "Enter a valid email address", "uuid": "Enter a valid identifier"},
}
_MESSAGES = {
    "zh": {
        "required": "此项为必填项",
        "type": "应为{type}",
        "pattern": "格式不正确",
        "enum": "请选择有效的选项",
        "const": "请选择有效的选项",
        "minLength": "至少需要 {limit} 个字符",
        "maxLength": "最多允许 {limit} 个字符",
        "minimum": "不能小于 {limit}",
        "maximum": "不能大于 {limit}",
        "exclusiveMinimum": "必须大于 {limit}",
        "exclusiveMaximum": "必须小于 {limit}",
        "multipleOf": "必须是 {limit} 的倍数",
        "minItems": "至少需要 {limit} 项",
        "maxItems": "最多允许 {limit} 项",
        "uniqueItems": "不能有重复项",
        "minProperties": "至少需要 {limit} 项",
        "maxProperties": "最多允许 {limit} 项",
        "additionalProperties": "不允许的字段",
        "unevaluatedProperties": "不允许的字段",
        "format": "格式不正确",
        "not": "取值无效",
        "anyOf": "取值无效",
        "oneOf": "取值无效",
        "fallback": "取值无效",
    },
    "en": {
        "required": "This field is required",
        "type": "Must be {type}",
        "pattern": "The format is not valid",
        "enum": "Choose a valid option",
        "const": "Choose a valid option",
        "minLength": "Enter at least {limit} characters",
        "maxLength": "Enter at most {limit} characters",
        "minimum": "Must be at least {limit}",
        "maximum": "Must be at most {limit}",
        "exclusiveMinimum": "Must be more than {limit}",
        "exclusiveMaximum": "Must be less than {limit}",
        "multipleOf": "Must be a multiple of {limit}",
        "minItems": "Add at least {limit} items",
        "maxItems": "Add at most {limit} items",
        "uniqueItems": "Items must not repeat",
        "minProperties": "Add at least {limit} entries",
        "maxProperties": "Add at most {limit} entries",
        "additionalProperties": "This field is not allowed",
        "unevaluatedProperties": "This field is not allowed",
        "format": "The format is not valid",
        "not": "The value is not valid",
        "anyOf": "The value is not valid",
        "oneOf": "The value is not valid",
        "fallback": "The value is not valid",
    },
}


def validate_form(schema: dict, data: Any, locale: str = "zh_CN") -> list[dict]:
    """Validate submitted form data.

    Args:
        schema: A JSON Schema (Draft 2020-12), already checked with :func:`check_schema`.
        data: The submitted data.
        locale: ``zh_*`` for Chinese messages, anything else for English.

    Returns:
        One ``{"field": "a.0.b", "message": ...}`` per problem (empty when the data is valid),
        in the order the schema states its rules.
    """
    lang = "zh" if locale.lower().startswith("zh") else "en"
    validator = Draft202012Validator(schema, format_checker=_format_checker())
    details: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for error in validator.iter_errors(data):
        for field, message in _describe(error, lang):
            if (field, message) not in seen:
                seen.add((field, message))
                details.append({"field": field, "message": message})
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


def _describe(error: ValidationError, lang: str) -> list[tuple[str, str]]:
    """The (field, message) pairs for one jsonschema error."""
    path = list(error.absolute_path)
    texts = _MESSAGES[lang]
    keyword = str(error.validator)
    if keyword in ("anyOf", "oneOf") and error.context:
        # the closest alternative is one whose type fits the value
        fitting = [e for e in error.context if e.validator != "type"] or list(error.context)
        return _describe(best_match(fitting), lang)
    if keyword in ("required", "dependentRequired"):
        names = _missing(error)
        return [(_join([*path, name]), texts["required"]) for name in names] or [(_join(path), texts["required"])]
    if keyword in ("additionalProperties", "unevaluatedProperties") and isinstance(error.instance, dict):
        extra = _extra_properties(error)
        if extra:
            return [(_join([*path, name]), texts[keyword]) for name in extra]
    if keyword == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        separator = "、" if lang == "zh" else " or "
        type_text = separator.join(_TYPE_NAMES[lang].get(str(t), str(t)) for t in expected)
        return [(_join(path), texts["type"].format(type=type_text))]
    if keyword == "format":
        return [(_join(path), _FORMAT_NAMES[lang].get(str(error.validator_value), texts["format"]))]
    template = texts.get(keyword)
    if template is None:
        return [(_join(path), texts["fallback"] if lang == "zh" else error.message)]
    return [(_join(path), template.format(limit=error.validator_value))]


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
