"""A posted HTML form -> the JSON data its schema describes.

Inputs are named by dotted paths (``members.0.name``). Empty optional inputs are left out, so a
missing required field is reported as missing by the server-side validation, on its own path.
Values that do not convert (``"abc"`` for an integer) are kept as text for the validator to name.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from werkzeug.datastructures import FileStorage, MultiDict

from webui.formview import kind_of

Upload = Callable[[FileStorage], str]


def parse_form(schema: dict | None, ui: dict | None, form: MultiDict, files: MultiDict | None = None,
               upload: Upload | None = None) -> dict[str, Any]:
    """Turn the posted fields into data shaped by the schema.

    Args:
        schema: JSON Schema of an object.
        ui: its UI schema.
        form: ``request.form``.
        files: ``request.files``; a file posted for an attachment field is stored by ``upload``.
        upload: stores a file and returns its attachment id.

    Returns:
        The data (only fields that were filled in).
    """
    return _object(schema or {}, ui or {}, form, files or MultiDict(), upload, "")


def _object(schema: dict, ui: dict, form: MultiDict, files: MultiDict, upload: Upload | None, prefix: str) -> dict:
    out: dict[str, Any] = {}
    for name, sub in (schema.get("properties") or {}).items():
        if not isinstance(sub, dict):
            continue
        value = _value(sub, ui.get(name) or {}, form, files, upload, f"{prefix}{name}")
        if value is not None:
            out[name] = value
    return out


def _value(schema: dict, ui: dict, form: MultiDict, files: MultiDict, upload: Upload | None, path: str) -> Any:
    kind = kind_of(schema, ui)
    if kind == "object":
        value = _object(schema, ui, form, files, upload, f"{path}.")
        return value or None
    if kind == "array":
        rows = []
        for index in _indices(form, files, path):
            row = _object(schema.get("items") or {}, ui.get("items") or {}, form, files, upload, f"{path}.{index}.")
            if row:
                rows.append(row)
        return rows if rows or f"{path}.__present__" in form else None
    if kind == "multi":
        values = [v for v in form.getlist(path) if v != ""]
        return values if values or f"{path}.__present__" in form else None
    if kind == "lines":
        text = form.get(path, "")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return lines or None
    if kind == "checkbox":
        return form.get(path) in ("on", "true", "1", "yes")
    if kind == "boolean_radio":
        raw = form.get(path, "")
        return {"true": True, "false": False}.get(raw)
    if kind == "attachment":
        storage = files.get(path)
        if storage is not None and storage.filename and upload is not None:
            return upload(storage)
        raw = form.get(path, "").strip()
        return raw or None
    raw = form.get(path)
    if raw is None:
        return None
    raw = raw if kind == "textarea" else raw.strip()
    if raw == "":
        return None
    if kind in ("integer", "number"):
        return _number(raw, kind)
    if kind in ("select", "radio"):
        return _enum_value(schema, raw)
    return raw


def _indices(form: MultiDict, files: MultiDict, path: str) -> list[int]:
    pattern = re.compile(rf"^{re.escape(path)}\.(\d+)\.")
    found = {int(m.group(1)) for key in list(form.keys()) + list(files.keys()) if (m := pattern.match(key))}
    return sorted(found)[:1000]


def _number(raw: str, kind: str) -> Any:
    text = raw.replace(",", "").strip()
    try:
        if kind == "integer":
            return int(text)
        number = float(text)
        return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number
    except ValueError:
        return raw


def _enum_value(schema: dict, raw: str) -> Any:
    """Enum values may be numbers or booleans: give back the enum's own value."""
    for option in schema.get("enum") or []:
        if str(option) == raw or (isinstance(option, bool) and str(option).lower() == raw):
            return option
    return raw
