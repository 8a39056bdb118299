"""Case data as people read it: the values the process's forms describe, by their titles and option
words, sensitive values masked (CONTRACT section 8 ``x-sensitive``); the rest (internal variables)
kept apart for supervisors' technical view.

A case's forms (the start form first, then the task forms by file name) together describe its data:
the first form that names a top-level field gives its title, options and widget.
"""
from __future__ import annotations

from typing import Any

from webui.masking import is_sensitive, masked

SCHEMA_SUFFIX = ".schema.json"
UI_SUFFIX = ".uischema.json"
# variables the engine itself puts into every case: described by the case summary, not by forms
ENGINE_KEYS = frozenset({"business_key", "applicant", "applicant_name", "process_key"})


def case_schema(forms: dict[str, Any], start_form: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """One object schema (with its UI schema) describing every top-level field the case's forms hold."""
    names = sorted(n for n in forms if n.endswith(SCHEMA_SUFFIX) and not n.endswith(UI_SUFFIX))
    if start_form in names:
        names.remove(start_form)
        names.insert(0, start_form)
    props: dict[str, Any] = {}
    ui: dict[str, Any] = {}
    order: list[str] = []
    for name in names:
        schema = forms.get(name)
        if not isinstance(schema, dict):
            continue
        form_ui = forms.get(name[: -len(SCHEMA_SUFFIX)] + UI_SUFFIX) or {}
        if not isinstance(form_ui, dict):
            form_ui = {}
        for key, prop in (schema.get("properties") or {}).items():
            if key in props or not isinstance(prop, dict):
                continue
            props[key] = prop
            if isinstance(form_ui.get(key), dict):
                ui[key] = form_ui[key]
            order.append(key)
        start_order = form_ui.get("ui:order") if name == start_form else None
        if isinstance(start_order, list):  # the start form's own order first
            order = [k for k in start_order if k in props] + [k for k in order if k not in start_order]
    ui["ui:order"] = order
    return {"type": "object", "properties": props}, ui


def sensitive_names(schema: dict[str, Any] | None) -> frozenset[str]:
    """Top-level fields of a form that are (or hold) values marked ``x-sensitive``."""
    return frozenset(k for k, p in ((schema or {}).get("properties") or {}).items()
                     if isinstance(p, dict) and _holds_sensitive(p))


def _holds_sensitive(schema: dict[str, Any]) -> bool:
    if schema.get("x-sensitive") is True:
        return True
    props = schema.get("properties") or {}
    items = schema.get("items")
    return any(isinstance(p, dict) and _holds_sensitive(p) for p in props.values()) or (
        isinstance(items, dict) and _holds_sensitive(items))


def mask_value(value: Any) -> Any:
    """CONTRACT section 8: the first and last 3 characters kept; 6 characters or fewer wholly masked."""
    if value is None or value == "":
        return value
    text = str(value)
    if len(text) <= 6:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 6) + text[-3:]


def mask_by_schema(value: Any, schema: dict[str, Any] | None, reveal: frozenset[str] = frozenset()) -> Any:
    """A copy of ``value`` with every value its schema marks ``x-sensitive`` masked (at any depth);
    the top-level fields in ``reveal`` (those of the form the reader is filling) left as they are."""
    schema = schema if isinstance(schema, dict) else {}
    if schema.get("x-sensitive") is True:
        return _mask_all(value)
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        return {k: (v if k in reveal else _masked_field(k, v, props.get(k))) for k, v in value.items()}
    if isinstance(value, list):
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        return [mask_by_schema(v, items) for v in value]
    return value


def _masked_field(key: str, value: Any, schema: Any) -> Any:
    """A field's value masked by its schema; a personal number no schema marks (``passport_no``,
    ``id_number``, ``phone``) masked all the same, as everywhere (:mod:`webui.masking`)."""
    if is_sensitive(key) and not (isinstance(schema, dict) and schema.get("x-sensitive") is True):
        return masked(value, True)
    return mask_by_schema(value, schema)


def _mask_all(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _mask_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_all(v) for v in value]
    return mask_value(value)


def masked_case_data(data: dict[str, Any], forms: dict[str, Any], reveal: frozenset[str] = frozenset()) -> dict:
    """Case or task data for an API answer or export: sensitive fields of any of the case's forms
    masked (except ``reveal``)."""
    schema, _ui = case_schema(forms, None)
    return mask_by_schema(data, schema, reveal) if isinstance(data, dict) else data


def technical_data(data: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The values no form describes (internal variables), personal numbers masked: supervisors only."""
    props = schema.get("properties") or {}
    rest = {k: v for k, v in data.items() if k not in props and k not in ENGINE_KEYS}
    return {k: masked(v) for k, v in sorted(rest.items())}
