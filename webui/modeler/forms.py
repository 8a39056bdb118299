"""The form editor's pages: deployed form files (JSON Schema + UI schema) and a live preview.

The preview is rendered on the server with the very macros of the task page
(``macros/form.html`` through :func:`webui.formview.build_fields`), so the analyst sees what the
clerk will see. Saving goes through ``POST /api/v1/modeler/forms/<name>`` (a deploy as the analyst
with a change note, which re-versions the processes that use the form).

Any signed-in user may look and preview; only analysts save.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from store.uow import UnitOfWork
from webui.form_files import MAX_FORM_BYTES, NAME, Checked, check_texts, is_ui_name, pair_of, schema_name_of, ui_name_of
from webui.formview import build_fields
from webui.i18n import ui_lang
from webui.modeler.blueprint import bp
from webui.modeler.texts import form_editor_texts
from webui.security import current_actor, reading

if TYPE_CHECKING:
    from store.models import ModelFile


def _texts() -> tuple[str, str]:
    """``(schema, uischema)`` of a JSON request (missing parts are empty)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400)
    parts = [value if isinstance(value := body.get(key), str) else "" for key in ("schema", "uischema")]
    if any(len(p.encode("utf-8")) > MAX_FORM_BYTES for p in parts):
        abort(413)
    return parts[0], parts[1]


def _users_of(uow: UnitOfWork, names: set[str]) -> dict[str, list[tuple[str, int]]]:
    """For each form file, the processes whose latest version uses it: ``[(key, version)]``."""
    used: dict[str, list[tuple[str, int]]] = {n: [] for n in names}
    for version in uow.processes.latest_all():
        for name in version.forms or {}:
            if name in used:
                used[name].append((version.process_key, version.version))
    return {n: sorted(v) for n, v in used.items()}


@bp.get("/forms")
@login_required
def forms() -> ResponseReturnValue:
    """Every deployed form file, schema with its UI schema, and the processes using it."""
    with reading() as uow:
        rows = list(uow.processes.model_files("form"))
        by_name = {m.name: m for m in rows}
        users = _users_of(uow, set(by_name))
    entries = []
    for m in sorted(rows, key=lambda r: r.name):
        if is_ui_name(m.name) and schema_name_of(m.name) in by_name:
            continue  # listed beside its schema
        schema: ModelFile | None
        ui: ModelFile | None
        if is_ui_name(m.name):
            schema, ui = None, m
        else:
            schema, ui = m, by_name.get(ui_name_of(m.name) or "")
        title = ""
        if schema is not None:
            try:
                value = json.loads(schema.content)
                title = (value.get("title_en") if ui_lang() == "en" else None) or value.get("title") or ""
            except (ValueError, AttributeError):
                title = ""
        processes = sorted({*(users.get(schema.name, []) if schema else []), *(users.get(ui.name, []) if ui else [])})
        entries.append({"name": m.name if schema is None else schema.name, "schema": schema, "ui": ui, "title": title,
                        "processes": processes})
    return render_template("modeler/forms.html", entries=entries, can_save=current_actor().is_analyst)


@bp.get("/forms/<name>")
@login_required
def form(name: str) -> ResponseReturnValue:
    """The editor on a form file; a UI schema opens on the page of its JSON Schema."""
    if not NAME.match(name):
        abort(404)
    with reading() as uow:
        files = {m.name: m for m in uow.processes.model_files("form")}
        if name not in files:
            abort(404)
        schema_name, ui_name = pair_of(name, set(files))
        if schema_name is not None and schema_name != name:
            return redirect(url_for("modeler.form", name=schema_name))
        users = _users_of(uow, {n for n in (schema_name, ui_name) if n})
    schema_row = files.get(schema_name) if schema_name else None
    ui_row = files.get(ui_name) if ui_name else None
    processes = sorted({p for n in users for p in users[n]})
    payload = {
        "schema_name": schema_name, "ui_name": ui_name,
        "urls": {"preview": url_for("modeler.form_preview"), "save": url_for("api.save_form", name=name)},
    }
    return render_template("modeler/forms_edit.html", name=name, schema_name=schema_name, ui_name=ui_name,
                           schema_text=schema_row.content if schema_row else "",
                           ui_text=ui_row.content if ui_row else "",
                           schema_row=schema_row, ui_row=ui_row, processes=processes, payload=payload,
                           can_save=current_actor().is_analyst, texts={"ui": form_editor_texts()})


def _preview_html(checked: Checked) -> str:
    fields = build_fields(checked.schema, checked.ui, {}, {}, ui_lang()) if checked.schema is not None else []
    title = (checked.schema or {}).get("title_en" if ui_lang() == "en" else "title") or ""
    return render_template("modeler/forms_preview.html", checked=checked, form_fields=fields, form_title=title)


@bp.post("/forms/preview")
@login_required
def form_preview() -> ResponseReturnValue:
    """The form as a clerk will see it, with the schema's problems above it (an HTML fragment)."""
    schema_text, ui_text = _texts()
    body = request.get_json(silent=True) or {}
    schema_name = value if isinstance(value := body.get("schema_name"), str) else "schema.json"
    ui_name = value if isinstance(value := body.get("ui_name"), str) else "uischema.json"
    lone_ui = body.get("schema") is None  # a UI schema edited without its JSON Schema
    checked = check_texts(None if lone_ui else schema_text, ui_text, schema_name[:300], ui_name[:300])
    response = _preview_html(checked)
    return response, 200, {"Content-Type": "text/html; charset=utf-8", "X-Form-Ok": "1" if checked.ok else "0",
                           "Cache-Control": "no-store"}
