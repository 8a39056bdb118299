"""JSON Schema + UI schema -> a list of field views that the Jinja form macros render.

Field names are dotted paths (``members.0.name``): the same paths the validation errors carry,
so an error lands beside its own input.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

ATTACHMENT_WIDGETS = ("attachment", "file", "files")


@dataclass
class FieldView:
    """One input (or group of inputs) of a rendered form."""

    name: str
    label: str
    kind: str
    required: bool = False
    help: str = ""
    value: Any = None
    error: str = ""
    options: list[tuple[Any, str]] = field(default_factory=list)
    rows: list[list[FieldView]] = field(default_factory=list)
    template: list[FieldView] = field(default_factory=list)
    children: list[FieldView] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)
    readonly: bool = False


def label_of(schema: dict, name: str, lang: str) -> str:
    """The field's title in the UI language (``title`` is Chinese, ``x-title-en`` or ``title_en`` English)."""
    zh, en = schema.get("title"), schema.get("x-title-en") or schema.get("title_en")
    if lang == "en":
        return en or zh or name
    return zh or en or name


def one_of_options(schema: dict, lang: str) -> list[tuple[Any, str]] | None:
    """``oneOf`` (or ``anyOf``) of ``{"const": v, "title": t}``: the values with their titles; None otherwise."""
    choices = schema.get("oneOf") or schema.get("anyOf")
    if not isinstance(choices, list) or not choices:
        return None
    if not all(isinstance(c, dict) and "const" in c for c in choices):
        return None
    return [(c["const"], label_of(c, str(c["const"]), lang)) for c in choices]


def options_of(schema: dict, ui: dict, lang: str) -> list[tuple[Any, str]]:
    """Enum values with their labels (``enumNames``/``x-enumNames-en``/``enumNames_en`` in the schema or
    UI schema, or ``oneOf`` with ``const`` and ``title``)."""
    if isinstance(schema.get("items"), dict) and "enum" not in schema and "oneOf" not in schema:
        schema = schema["items"]
    titled = one_of_options(schema, lang)
    if titled is not None:
        return titled
    values = list(schema.get("enum") or [])
    suffix = "_en" if lang == "en" else ""
    english = (ui.get("ui:enumNames_en") or schema.get("x-enumNames-en") or schema.get("enumNames_en")
               if lang == "en" else None)
    names = (english or ui.get(f"ui:enumNames{suffix}") or schema.get(f"enumNames{suffix}")
             or ui.get("ui:enumNames") or schema.get("enumNames") or [])
    return [(v, str(names[i]) if i < len(names) else str(v)) for i, v in enumerate(values)]


def ordered(properties: dict, ui: dict) -> list[str]:
    """Property names in ``ui:order`` (``*`` stands for the rest), else schema order."""
    order = ui.get("ui:order")
    names = list(properties)
    if not order:
        return names
    rest = [n for n in names if n not in order]
    out: list[str] = []
    for n in order:
        if n == "*":
            out.extend(rest)
        elif n in properties:
            out.append(n)
    if "*" not in order:
        out.extend(rest)
    return out


def kind_of(schema: dict, ui: dict) -> str:
    """Which widget renders this schema."""
    widget = ui.get("ui:widget")
    typ = schema.get("type")
    if isinstance(typ, list):
        typ = next((t for t in typ if t != "null"), "string")
    if widget == "hidden":
        return "hidden"
    if widget in ATTACHMENT_WIDGETS or schema.get("format") == "attachment":
        return "attachment"
    if typ == "array":
        items = schema.get("items") or {}
        if items.get("type") == "object":
            return "array"
        if "enum" in items or one_of_options(items, "") is not None:
            return "multi"
        return "lines"
    if typ == "object":
        return "object"
    if typ == "boolean":
        return "boolean_radio" if widget in ("radio", "select") else "checkbox"
    if "enum" in schema or one_of_options(schema, "") is not None:
        return "radio" if widget == "radio" else "select"
    if widget == "textarea":
        return "textarea"
    if typ in ("integer", "number"):
        return typ
    if schema.get("format") == "date" or widget == "date":
        return "date"
    if schema.get("format") == "email" or widget == "email":
        return "email"
    return "text"


def build_fields(schema: dict | None, ui: dict | None, data: dict | None, errors: dict[str, str],
                 lang: str, prefix: str = "", readonly: bool = False) -> list[FieldView]:
    """Field views for an object schema.

    Args:
        schema: JSON Schema of an object.
        ui: its UI schema (may be empty).
        data: current values.
        errors: messages by dotted field path.
        lang: ``zh_CN`` or ``en``.
        prefix: dotted path of the object ("" at the top).
        readonly: render values only.

    Returns:
        The views, in display order.
    """
    schema, ui, data = schema or {}, ui or {}, data if isinstance(data, dict) else {}
    props = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    return [_field(n, props[n] if isinstance(props[n], dict) else {}, ui.get(n) or {}, data.get(n), errors, lang,
                   f"{prefix}{n}", n in required, readonly) for n in ordered(props, ui)]


def _field(name: str, schema: dict, ui: dict, value: Any, errors: dict[str, str], lang: str, path: str,
           required: bool, readonly: bool) -> FieldView:
    kind = kind_of(schema, ui)
    help_text = ui.get("ui:help") or ""
    if lang == "en":
        help_text = ui.get("ui:help_en") or schema.get("description_en") or help_text
    help_text = help_text or schema.get("description") or ""
    view = FieldView(name=path, label=label_of(schema, name, lang), kind=kind, required=required,
                     help=help_text, value=value, error=errors.get(path, ""),
                     readonly=readonly or bool(ui.get("ui:readonly")))
    for key in ("maxLength", "minLength", "minimum", "maximum", "pattern", "minItems", "maxItems", "format"):
        if key in schema:
            view.attrs[key] = schema[key]
    if kind in ("select", "radio", "multi"):
        view.options = options_of(schema, ui, lang)
    elif kind == "boolean_radio":
        view.options = [(True, _("Yes")), (False, _("No"))]
    elif kind == "object":
        view.children = build_fields(schema, ui, value, errors, lang, f"{path}.", readonly)
    elif kind == "array":
        items = schema.get("items") or {}
        item_ui = ui.get("items") or {}
        rows = value if isinstance(value, list) else []
        view.rows = [build_fields(items, item_ui, row, errors, lang, f"{path}.{i}.", view.readonly)
                     for i, row in enumerate(rows)]
        view.template = build_fields(items, item_ui, {}, {}, lang, f"{path}.__INDEX__.", False)
    return view


def unplaced_errors(fields: list[FieldView], errors: dict[str, str]) -> list[tuple[str, str]]:
    """Errors whose path has no input of its own (shown above the form)."""
    placed: set[str] = set()

    def walk(views: list[FieldView]) -> None:
        for v in views:
            placed.add(v.name)
            walk(v.children)
            for row in v.rows:
                walk(row)

    walk(fields)
    return [(k, m) for k, m in errors.items() if k not in placed]
