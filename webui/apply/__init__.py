"""Applying: the processes a user may start, their start forms, and the user's applications."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from engine.errors import NoManualStart, ValidationFailed
from engine.forms.options import resolve_unit_options
from engine.forms.prefill import prefilled
from engine.people.identity import Actor, may_start
from engine.people.visibility import applications_scope, may_read_passport_numbers, work_scope
from store.models import Attachment
from store.reads.processes import VersionInfo
from webui.element_names import waiting_events
from webui.error_texts import field_errors
from webui.formdata import parse_form
from webui.formview import build_fields, unplaced_errors
from webui.i18n import localized_value, ui_lang
from webui.present import (
    catalogue_entry,
    person_name,
    process_description,
    process_title,
    starter_groups,
)
from webui.security import current_actor, engine, reading
from webui.uploads import FileTooLarge, store_upload

bp = Blueprint("apply", __name__, template_folder="templates")


def startable(actor: Actor, versions: Iterable[VersionInfo]) -> list[VersionInfo]:
    """Latest versions the actor may start by hand."""
    return [v for v in versions
            if v.manual_start and may_start(actor, starter_groups(catalogue_entry(v.process_key)), v.start_lane)]


def _grouped(versions: Iterable[VersionInfo]) -> list[tuple[str, list[dict]]]:
    groups: dict[str, tuple[int, str, list[dict]]] = {}
    for v in versions:
        info = catalogue_entry(v.process_key)
        category = getattr(info, "category", None)
        if category is not None:
            cat_key = getattr(category, "key", str(category))
            label = localized_value(getattr(category, "label_zh", None), getattr(category, "label_en", None)) or cat_key
        else:
            cat_key, label = "other", _("Other processes")
        number = getattr(info, "number", 999) if info is not None else 999
        order = min(groups[cat_key][0], number) if cat_key in groups else number
        entries = groups[cat_key][2] if cat_key in groups else []
        entries.append({"key": v.process_key, "number": number, "title": process_title(v.process_key, v.title),
                        "description": process_description(v.process_key), "version": v.version})
        groups[cat_key] = (order, label, entries)
    out = sorted(groups.values(), key=lambda g: g[0])
    return [(label, sorted(entries, key=lambda e: (e["number"], e["key"]))) for _o, label, entries in out]


@bp.get("/apply")
@login_required
def index() -> ResponseReturnValue:
    """The processes the user may start, grouped by category."""
    actor = current_actor()
    with reading() as uow:
        versions = startable(actor, uow.reads.processes.latest())
    return render_template("apply/index.html", groups=_grouped(versions))


def _start_version(key: str) -> tuple[VersionInfo, dict[str, Any] | None, dict[str, Any] | None]:
    actor = current_actor()
    with reading() as uow:
        version = next((v for v in uow.reads.processes.latest() if v.process_key == key), None)
        if version is None:
            abort(404)
        forms = uow.reads.processes.forms(version.id)
        schema = resolve_unit_options(uow, forms.get(version.start_form) if version.start_form else None)
    if not version.manual_start:
        raise NoManualStart("no_manual_start", key=key)
    if not may_start(actor, starter_groups(catalogue_entry(key)), version.start_lane):
        abort(403)
    ui = forms.get(version.start_ui_form) if version.start_ui_form else None
    return version, schema, ui


def _render(key: str, version: VersionInfo, schema: dict[str, Any] | None, ui: dict[str, Any] | None,
            values: dict[str, Any], errors: dict[str, str], status: int = 200) -> ResponseReturnValue:
    fields = build_fields(schema, ui, values, errors, ui_lang())
    return render_template("apply/start.html", key=key, version=version, form_fields=fields, errors=errors,
                           other_errors=unplaced_errors(fields, errors), title=process_title(key, version.title),
                           description=process_description(key)), status


@bp.get("/apply/<key>")
@login_required
def start_form(key: str) -> ResponseReturnValue:
    version, schema, ui = _start_version(key)
    actor = current_actor()
    return _render(key, version, schema, ui, prefilled(schema, {**_profile(actor), **_ledger_entry(actor)}), {})


def _ledger_entry(actor: Actor) -> dict[str, str | None]:
    """What a form opened from a passport-ledger entry (``?passport=<id>``) may be prefilled with:
    its number, holder and unit; for the passport section only (the others read numbers masked)."""
    entry_id = request.args.get("passport", type=int)
    if entry_id is None or not may_read_passport_numbers(actor):
        return {}
    with reading() as uow:
        row = uow.reads.registers.entry("passports", entry_id)
        if row is None:
            return {}
        return {"passport_number": row.number, "passport_holder": row.holder, "passport_unit": row.holder_unit}


def _profile(actor: Actor) -> dict[str, str | None]:
    """What a start form may be prefilled with (engine/forms/prefill.py): the applicant's unit, name, phone."""
    with reading() as uow:
        user = uow.users.by_username(actor.username)
        unit = uow.users.unit(user.unit_key) if user is not None and user.unit_key else None
        return {"unit": localized_value(unit.name, unit.name_en) if unit is not None else None,
                "name": user.display_name if user is not None else None,
                "phone": user.phone if user is not None else None}


@bp.post("/apply/<key>")
@login_required
def submit(key: str) -> ResponseReturnValue:
    """Start the case (validated on the server); go to its first step if it is the user's."""
    actor = current_actor()
    version, schema, ui = _start_version(key)
    try:
        data = parse_form(schema, ui, request.form, request.files,
                          upload=lambda storage: store_upload(storage, actor.username).id)
    except FileTooLarge:
        abort(413)
    try:
        instance = engine().start(key, actor, data)
    except ValidationFailed as exc:
        errors = field_errors(exc.details, person_name)
        return _render(key, version, schema, ui, data, errors, 422)
    with reading() as uow:
        following = uow.reads.tasks.next_for(instance.id, work_scope(actor))
    flash(_("Your application %(key)s was submitted.", key=instance.business_key), "success")
    if following is not None:
        return redirect(url_for("tasks.show", task_id=following.id))
    return redirect(url_for("apply.applications"))


@bp.get("/applications")
@login_required
def applications() -> ResponseReturnValue:
    """The user's applications: status, current step, holder, due, decisions, letters."""
    actor = current_actor()
    try:
        page_no = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page_no = 1
    status = request.args.get("status") or None
    q = (request.args.get("q") or "").strip()[:100] or None
    with reading() as uow:
        page = uow.reads.cases.applications(applications_scope(actor), status=status, page=page_no, q=q)
        ids = [i.id for i in page.items]
        tasks = uow.reads.tasks.open_of_cases(ids)
        decisions = uow.reads.audit.decisions_of_cases(ids)
        files = uow.reads.attachments.of(instance_ids=ids)
        events = {i.id: waiting_events(uow.reads, i) for i in page.items
                  if i.status == "active" and not tasks.get(i.id)}
    by_case: dict[str | None, list[Attachment]] = {}
    for f in files:
        by_case.setdefault(f.instance_id, []).append(f)
    pages = max(1, -(-page.total // page.per_page))
    return render_template("apply/applications.html", page=page, pages=pages, tasks=tasks, decisions=decisions,
                           files=by_case, status=status, events=events, q=q or "")

