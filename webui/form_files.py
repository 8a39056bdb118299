"""Form files as the form editor edits them: a JSON Schema and its UI schema, checked before a deploy.

A form is edited as a pair: ``<base>.schema.json`` and its UI schema ``<base>.uischema.json``
(the naming every model of the office uses). Both the editor's page (the preview) and the API's
save use :func:`check_texts`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from flask_babel import gettext as _

from engine.forms.rules import check_rules
from engine.forms.validation import check_schema
from webui.error_texts import describe

MAX_FORM_BYTES = 1024 * 1024
NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,200}\.json$")
SCHEMA_SUFFIX = ".schema.json"
UI_SUFFIX = ".uischema.json"


def ui_name_of(schema_name: str) -> str | None:
    """The UI schema file paired with a schema file, by the naming convention (None for other names)."""
    if schema_name.endswith(SCHEMA_SUFFIX):
        return schema_name[: -len(SCHEMA_SUFFIX)] + UI_SUFFIX
    return None


def schema_name_of(ui_name: str) -> str | None:
    """The JSON Schema file a UI schema file belongs to (None for other names)."""
    if ui_name.endswith(UI_SUFFIX):
        return ui_name[: -len(UI_SUFFIX)] + SCHEMA_SUFFIX
    return None


def is_ui_name(name: str) -> bool:
    """Whether a file name is a UI schema's."""
    return name.endswith(UI_SUFFIX)


def pair_of(name: str, stored: set[str]) -> tuple[str | None, str | None]:
    """``(schema file, UI schema file)`` edited together on the page of ``name``.

    A UI schema goes with its JSON Schema when that is deployed; otherwise it is edited alone.
    """
    if is_ui_name(name):
        schema = schema_name_of(name)
        return (schema if schema in stored else None), name
    return name, ui_name_of(name)


@dataclass
class Checked:
    """The outcome of reading the two texts of the editor."""

    schema: dict | None
    ui: dict | None
    problems: list[dict]  # {"file", "line", "column", "message"}

    @property
    def ok(self) -> bool:
        return not self.problems


def _problem(file: str | None, message: str, line: int | None = None, column: int | None = None) -> dict:
    return {"file": file, "line": line, "column": column, "message": message}


def _parse(text: str, filename: str, problems: list[dict]) -> tuple[bool, object]:
    try:
        return True, json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(_problem(filename, _("Invalid JSON (line %(line)s, column %(column)s): %(reason)s",
                                             line=exc.lineno, column=exc.colno, reason=exc.msg),
                                 exc.lineno, exc.colno))
        return False, None


def _check_schema(value: object, schema_name: str | None, problems: list[dict]) -> dict | None:
    if not isinstance(value, dict):
        problems.append(_problem(schema_name, _("A form file must hold a JSON object."), 1))
        return None
    for message in check_schema(value):
        problems.append(_problem(schema_name, _("Not a valid JSON Schema: %(reason)s", reason=message)))
    for reason, params in check_rules(value):  # the form's rules (x-rules), as the deploy checks them
        problems.append(_problem(schema_name, describe(reason, params, str)))
    if value.get("type", "object") != "object":
        problems.append(_problem(schema_name, _("The form's JSON Schema must have \"type\": \"object\".")))
    return value


def check_texts(schema_text: str | None, ui_text: str, schema_name: str | None, ui_name: str | None) -> Checked:
    """Parse both texts, check the schema against the JSON Schema meta-schema and the UI schema's shape.

    Args:
        schema_text: The JSON Schema's text; None when the edit holds none (a lone UI schema).
        ui_text: The UI schema's text; empty stands for "no UI schema".
        schema_name: The schema's file name, for the problems.
        ui_name: The UI schema's file name, for the problems.

    Returns:
        The parsed documents and the problems found.
    """
    problems: list[dict] = []
    schema = ui = None
    if schema_text is not None and not schema_text.strip():
        problems.append(_problem(schema_name, _("The JSON Schema is empty.")))
    elif schema_text is not None:
        parsed, value = _parse(schema_text, schema_name or "schema", problems)
        if parsed:
            schema = _check_schema(value, schema_name, problems)
    if ui_text.strip():
        parsed, value = _parse(ui_text, ui_name or "uischema", problems)
        if parsed and isinstance(value, dict):
            ui = value
        elif parsed:
            problems.append(_problem(ui_name, _("The UI schema must be a JSON object."), 1))
    return Checked(schema, ui, problems)
