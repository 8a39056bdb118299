"""The form editor: deployed form files (JSON Schema + UI schema), a live preview, save = deploy.

A form is edited as a pair: ``<base>.schema.json`` and its UI schema ``<base>.uischema.json``
(the naming every model of the office uses). The preview is rendered on the server with the very
macros of the task page (``macros/form.html`` through :func:`webui.formview.build_fields`), so the
analyst sees what the clerk will see. Saving deploys the changed file(s) through ``engine.deploy.pipeline``
as the analyst with a change note; the deploy re-versions the processes that use the form.

Any signed-in user may look and preview; only analysts save (the engine checks the role again).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from flask import abort, jsonify, redirect, render_template, request, url_for
from flask_login import login_required

from engine.errors import DeployRefused, EngineError, Forbidden
from engine.forms.validation import check_schema
from webui.formview import build_fields
from webui.i18n import pick as t
from webui.i18n import ui_lang
from webui.modeler import bp
from webui.security import current_actor, engine, reading

MAX_FORM_BYTES = 1024 * 1024
NOTE_LIMIT = 1000
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,200}\.json$")
SCHEMA_SUFFIX = ".schema.json"
UI_SUFFIX = ".uischema.json"


def ui_name_of(schema_name: str) -> str | None:
    """The UI schema file paired with a schema file, by the naming convention (None for other names)."""
    if schema_name.endswith(SCHEMA_SUFFIX):
        return schema_name[: -len(SCHEMA_SUFFIX)] + UI_SUFFIX
    return None


def schema_name_of(ui_name: str) -> str | None:
    if ui_name.endswith(UI_SUFFIX):
        return ui_name[: -len(UI_SUFFIX)] + SCHEMA_SUFFIX
    return None


def is_ui_name(name: str) -> bool:
    return name.endswith(UI_SUFFIX)


def _json_error(status: int, code: str, message: str, details: list | None = None):
    response = jsonify({"error": {"code": code, "message": message, "details": details or []}})
    response.status_code = status
    return response


@dataclass
class Checked:
    """The outcome of reading the two texts of the editor."""

    schema: dict | None
    ui: dict | None
    problems: list[dict]  # {"file", "line", "column", "message"}

    @property
    def ok(self) -> bool:
        return not self.problems


def _parse(text: str, filename: str, problems: list[dict]) -> tuple[bool, object]:
    try:
        return True, json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append({"file": filename, "line": exc.lineno, "column": exc.colno,
                         "message": t(f"JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 列）：{exc.msg}",
                                      f"Invalid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}")})
        return False, None


def check_texts(schema_text: str | None, ui_text: str, schema_name: str | None, ui_name: str | None) -> Checked:
    """Parse both texts, check the schema against the JSON Schema meta-schema and the UI schema's shape.

    ``schema_text`` None: there is no JSON Schema in this edit (a lone UI schema). An empty UI
    schema text stands for "no UI schema".
    """
    problems: list[dict] = []
    schema = ui = None
    if schema_text is not None and not schema_text.strip():
        problems.append({"file": schema_name, "line": None, "column": None,
                         "message": t("JSON Schema 不能为空。", "The JSON Schema is empty.")})
    elif schema_text is not None:
        parsed, value = _parse(schema_text, schema_name or "schema", problems)
        if parsed:
            if not isinstance(value, dict):
                problems.append({"file": schema_name, "line": 1, "column": None,
                                 "message": t("表单文件必须是一个 JSON 对象。", "A form file must hold a JSON object.")})
            else:
                for message in check_schema(value):
                    problems.append({"file": schema_name, "line": None, "column": None,
                                     "message": t("不是有效的 JSON Schema：", "Not a valid JSON Schema: ") + message})
                if value.get("type", "object") != "object":
                    problems.append({"file": schema_name, "line": None, "column": None,
                                     "message": t("表单的 JSON Schema 的 type 必须是 \"object\"。",
                                                  "The form's JSON Schema must have \"type\": \"object\".")})
                schema = value
    if ui_text.strip():
        parsed, value = _parse(ui_text, ui_name or "uischema", problems)
        if parsed:
            if isinstance(value, dict):
                ui = value
            else:
                problems.append({"file": ui_name, "line": 1, "column": None,
                                 "message": t("UI Schema 必须是一个 JSON 对象。", "The UI schema must be a JSON object.")})
    return Checked(schema, ui, problems)


def pair_of(name: str, stored: set[str]) -> tuple[str | None, str | None]:
    """``(schema file, UI schema file)`` edited together on the page of ``name``.

    A UI schema goes with its JSON Schema when that is deployed; otherwise it is edited alone.
    """
    if is_ui_name(name):
        schema = schema_name_of(name)
        return (schema if schema in stored else None), name
    return name, ui_name_of(name)


def _texts() -> tuple[str, str, str]:
    """``(schema, uischema, note)`` of a JSON request (missing parts are empty)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400)
    parts = []
    for key in ("schema", "uischema", "note"):
        value = body.get(key, "")
        parts.append(value if isinstance(value, str) else "")
    if any(len(p.encode("utf-8")) > MAX_FORM_BYTES for p in parts[:2]):
        abort(413)
    return parts[0], parts[1], parts[2].strip()[:NOTE_LIMIT]


def _users_of(uow, names: set[str]) -> dict[str, list[tuple[str, int]]]:
    """For each form file, the processes whose latest version uses it: ``[(key, version)]``."""
    used: dict[str, list[tuple[str, int]]] = {n: [] for n in names}
    for version in uow.processes.latest_all():
        for name in version.forms or {}:
            if name in used:
                used[name].append((version.process_key, version.version))
    return {n: sorted(v) for n, v in used.items()}


@bp.get("/forms")
@login_required
def forms():
    """Every deployed form file, schema with its UI schema, and the processes using it."""
    with reading() as uow:
        rows = list(uow.processes.model_files("form"))
        by_name = {m.name: m for m in rows}
        users = _users_of(uow, set(by_name))
    entries = []
    for m in sorted(rows, key=lambda r: r.name):
        if is_ui_name(m.name) and schema_name_of(m.name) in by_name:
            continue  # listed beside its schema
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
        entries.append({"name": (schema or ui).name, "schema": schema, "ui": ui, "title": title,
                        "processes": processes})
    return render_template("modeler/forms.html", entries=entries, can_save=current_actor().is_analyst)


@bp.get("/forms/<name>")
@login_required
def form(name: str):
    """The editor on a form file; a UI schema opens on the page of its JSON Schema."""
    if not _NAME.match(name):
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
        "urls": {"preview": url_for("modeler.form_preview"), "save": url_for("modeler.form_save", name=name)},
        "lang": "en" if ui_lang() == "en" else "zh_CN",
    }
    return render_template("modeler/forms_edit.html", name=name, schema_name=schema_name, ui_name=ui_name,
                           schema_text=schema_row.content if schema_row else "",
                           ui_text=ui_row.content if ui_row else "",
                           schema_row=schema_row, ui_row=ui_row, processes=processes, payload=payload,
                           can_save=current_actor().is_analyst)


def _preview_html(checked: Checked) -> str:
    fields = build_fields(checked.schema, checked.ui, {}, {}, ui_lang()) if checked.schema is not None else []
    title = (checked.schema or {}).get("title_en" if ui_lang() == "en" else "title") or ""
    return render_template("modeler/forms_preview.html", checked=checked, form_fields=fields, form_title=title)


@bp.post("/forms/preview")
@login_required
def form_preview():
    """The form as a clerk will see it, with the schema's problems above it (an HTML fragment)."""
    schema_text, ui_text, _note = _texts()
    body = request.get_json(silent=True) or {}
    schema_name = body.get("schema_name") if isinstance(body.get("schema_name"), str) else "schema.json"
    ui_name = body.get("ui_name") if isinstance(body.get("ui_name"), str) else "uischema.json"
    lone_ui = body.get("schema") is None  # a UI schema edited without its JSON Schema
    checked = check_texts(None if lone_ui else schema_text, ui_text, schema_name[:300], ui_name[:300])
    response = _preview_html(checked)
    return response, 200, {"Content-Type": "text/html; charset=utf-8", "X-Form-Ok": "1" if checked.ok else "0",
                           "Cache-Control": "no-store"}


@bp.post("/forms/<name>")
@login_required
def form_save(name: str):
    """Deploy the edited file(s) with a change note; analysts only.

    Answers 201 (something new) or 200 with ``results`` (``key``, ``version``, ``status``) and the
    files deployed; 400 without a note; 422 with located problems when the texts or the deploy are
    refused (then nothing was written).
    """
    actor = current_actor()
    if not actor.is_analyst:
        return _json_error(403, "forbidden", t("只有流程分析员可以保存表单。", "Only a process analyst may save forms."))
    if not _NAME.match(name):
        abort(404)
    schema_text, ui_text, note = _texts()
    if not note:
        return _json_error(400, "note_required", t("请填写变更说明。", "Please write a change note."))
    with reading() as uow:
        stored = {m.name for m in uow.processes.model_files("form")}
    if name not in stored:
        abort(404)  # new form files come with their model (modeler deploy or upload)
    schema_name, ui_name = pair_of(name, stored)
    checked = check_texts(schema_text if schema_name else None, ui_text, schema_name, ui_name)
    if ui_name in stored and not ui_text.strip():
        checked.problems.append({"file": ui_name, "line": None, "column": None,
                                 "message": t("UI Schema 不能为空（没有界面设置时写 {}）。",
                                              "The UI schema cannot be emptied (write {} for no settings).")})
    if not checked.ok:
        return _json_error(422, "invalid_form", t("表单有错误，未发布。", "The form has errors; nothing was deployed."),
                           checked.problems)
    files = [(schema_name, schema_text.encode("utf-8"))] if schema_name else []
    if ui_name and ui_text.strip():
        files.append((ui_name, ui_text.encode("utf-8")))
    try:
        results = engine().deploy(files, actor, note)
    except DeployRefused as exc:
        status = 413 if exc.too_large else 422
        details = [{"file": p.file, "line": p.line, "column": None, "message": p.message} for p in exc.problems]
        return _json_error(status, exc.code, t("表单有错误，未发布。", "The form has errors; nothing was deployed."), details)
    except Forbidden as exc:
        return _json_error(403, "forbidden", exc.message)
    except EngineError as exc:
        return _json_error(422, exc.code, exc.message, exc.details)
    body = [{"key": r.key, "version": r.version, "status": r.status, "warnings": r.warnings,
             "url": url_for("modeler.edit", key=r.key, version=r.version)} for r in results]
    status = 201 if any(r.status == "new" for r in results) else 200
    return jsonify({"results": body, "files": [f for f, _b in files]}), status
