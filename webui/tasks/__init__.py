"""The task page: instructions, the form, the case beside it; claim, release, reassign, complete."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from engine.errors import Conflict, ValidationFailed
from engine.forms.options import resolve_unit_options
from engine.forms.validation import with_task_data_options
from engine.people.visibility import Sight, may_work_task, task_sight, work_scope, workers_of
from engine.state import activities
from engine.tasks import lifecycle
from webui.case_data import mask_by_schema
from webui.case_view import build_case, history_rows
from webui.error_texts import error_text, field_errors
from webui.formdata import parse_form
from webui.formview import build_fields, unplaced_errors
from webui.i18n import ui_lang
from webui.present import due_info, person_name
from webui.security import current_actor, engine, reading
from webui.uploads import FileTooLarge, store_upload

bp = Blueprint("tasks", __name__, template_folder="templates")


def _back(task_id: str) -> str:
    target = request.form.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("tasks.show", task_id=task_id)


def _render(task_id: str, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
            status: int = 200, kept: bool = False) -> ResponseReturnValue:
    """The task page; ``kept``: a submission was refused, and the form shows what was typed (files
    uploaded stay attached) even when the person may no longer work on the task."""
    actor = current_actor()
    eng = engine()
    errors = errors or {}
    with reading() as uow:
        row = uow.tasks.get(task_id)
        if row is None:
            abort(404)
        sight = task_sight(uow, actor, row)
        if sight is not Sight.SEEN:
            abort(404 if sight is Sight.HIDDEN else 403)
        instance = uow.instances.get(row.instance_id)
        assert instance is not None  # the foreign key keeps a task's case
        forms = uow.reads.processes.forms(instance.process_version_id)
        schema = forms.get(row.form_file) if row.form_file else None
        ui = forms.get(row.ui_form_file) if row.ui_form_file else None
        detail = eng.read_case(uow, instance)
        data = activities.task_data(detail.workflow, task_id)
        schema = resolve_unit_options(uow, with_task_data_options(schema, data))
        if values is None:
            draft = uow.misc.draft(task_id, actor.username)
            values = dict(draft.data) if draft is not None else data
        case = build_case(uow, detail, data)
        can_assign = lifecycle.allows(lifecycle.ASSIGN, actor, row)
        members = workers_of(uow, row) if can_assign else []
        calendar = eng.calendar(uow)
        has_draft = uow.misc.draft(task_id, actor.username) is not None
        halt = uow.reads.audit.suspensions([instance.id]).get(instance.id)
    is_open = row.status in lifecycle.ACTIVE_STATUSES
    may_work = is_open and may_work_task(actor, row)
    can_work = may_work and instance.status == "active"
    if not may_work_task(actor, row):  # sensitive values unmasked only to those who fill this form
        values = mask_by_schema(values, schema)
    fields = build_fields(schema, ui, values, errors, ui_lang())
    return render_template(
        "tasks/task.html", task=row, instance=instance, case=case, form_fields=fields, errors=errors,
        other_errors=unplaced_errors(fields, errors), can_work=can_work, is_open=is_open,
        kept=kept and not can_work, can_draft=may_work, halt=halt,
        can_claim=halt is None and lifecycle.allows(lifecycle.CLAIM, actor, row),
        can_unclaim=lifecycle.allows(lifecycle.UNCLAIM, actor, row),
        can_assign=can_assign, members=members, has_draft=has_draft,
        due=due_info(row.due_at, eng.clock.now(), calendar),
        history=history_rows(case.history, case.names, actor.is_supervisor),
        form_title=(schema or {}).get("title_en" if ui_lang() == "en" else "title") or "",
    ), status


@bp.get("/tasks/<task_id>")
@login_required
def show(task_id: str) -> ResponseReturnValue:
    """The task with its form (for those who may work on it) and its case."""
    return _render(task_id)


@bp.post("/tasks/<task_id>")
@login_required
def submit(task_id: str) -> ResponseReturnValue:
    """``action=complete`` (validated on the server) or ``action=draft``."""
    actor = current_actor()
    eng = engine()
    with reading() as uow:
        row = uow.tasks.get(task_id)
        if row is None:
            abort(404)
        case_row = uow.reads.cases.summary(row.instance_id)
        assert case_row is not None  # the foreign key keeps a task's case
        forms = uow.reads.processes.forms(case_row.process_version_id)
        schema = resolve_unit_options(uow, forms.get(row.form_file) if row.form_file else None)
    ui = forms.get(row.ui_form_file) if row.ui_form_file else None
    try:
        data = parse_form(schema, ui, request.form, request.files,
                          upload=lambda storage: store_upload(storage, actor.username).id)
    except FileTooLarge:
        abort(413)
    if request.form.get("action") == "draft":
        eng.save_draft(task_id, actor, data)
        flash(_("Draft saved."), "success")
        return redirect(url_for("tasks.show", task_id=task_id))
    try:
        instance = eng.complete(task_id, actor, data)
    except ValidationFailed as exc:
        errors = field_errors(exc.details, person_name)
        return _render(task_id, values=data, errors=errors, status=422)
    except Conflict as exc:  # another took or finished it, or the case was suspended: keep what was typed
        flash(_("This task cannot be completed now: %(reason)s", reason=error_text(exc, person_name)), "error")
        return _render(task_id, values=data, status=409, kept=True)
    with reading() as uow:
        following = uow.reads.tasks.next_for(instance.id, work_scope(actor))
    if following is not None:
        flash(_("Task completed. Next step of this case: %(name)s", name=following.name), "success")
        return redirect(url_for("tasks.show", task_id=following.id))
    flash(_("Task “%(name)s” completed.", name=row.name), "success")
    return redirect(url_for("inbox.index"))


@bp.post("/tasks/<task_id>/claim")
@login_required
def claim(task_id: str) -> ResponseReturnValue:
    try:
        engine().claim(task_id, current_actor())
        flash(_("You took the task."), "success")
    except Conflict as exc:
        flash(_("The task could not be claimed: %(reason)s", reason=error_text(exc, person_name)), "error")
    return redirect(_back(task_id))


@bp.post("/tasks/<task_id>/unclaim")
@login_required
def unclaim(task_id: str) -> ResponseReturnValue:
    try:
        engine().unclaim(task_id, current_actor())
        flash(_("The task is back in the group's queue."), "success")
    except Conflict as exc:
        flash(_("The task could not be released: %(reason)s", reason=error_text(exc, person_name)), "error")
    return redirect(_back(task_id))


@bp.post("/tasks/<task_id>/assign")
@login_required
def assign(task_id: str) -> ResponseReturnValue:
    """Supervisors hand a task to a user (the engine refuses everyone else: 403)."""
    actor = current_actor()
    username = (request.form.get("user") or "").strip()
    if not username:
        flash(_("Choose a user."), "error")
        return redirect(_back(task_id))
    try:
        engine().assign(task_id, actor, username)
        flash(_("The task is assigned to %(user)s.", user=username), "success")
    except Conflict as exc:
        flash(_("The task could not be assigned: %(reason)s", reason=error_text(exc, person_name)), "error")
    return redirect(_back(task_id))
