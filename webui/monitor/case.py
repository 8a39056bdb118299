"""A case for supervisors: diagram with states and runs, timeline, masked data, and actions.

Every action needs a reason, is CSRF-protected (Flask-WTF), goes through the engine facade
(which checks the supervisor role again and writes the audit event) and answers with a flash
message: engine errors are shown, never a traceback.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.bpmn.diagram import ensure_layout
from engine.bpmn.elements import element_names
from engine.errors import EngineError
from engine.people.visibility import workers_of
from store.models import Instance
from store.uow import UnitOfWork
from webui.case_view import case_fields
from webui.element_names import name_or_id
from webui.error_texts import error_text
from webui.monitor.blueprint import bp
from webui.monitor.common import supervisor_only, title_of
from webui.monitor.dashboard import describe_waiting
from webui.monitor.diagram import case_marks, masked
from webui.monitor.moving import element_label, move_choices
from webui.present import action_label, group_title, person_name, status_label
from webui.security import current_actor, engine, reading

MAX_REASON = 500
MAX_PATCH_BYTES = 64 * 1024


def _instance_or_404(uow: UnitOfWork, instance_id: str) -> Instance:
    instance = uow.reads.cases.summary(instance_id) if len(instance_id) <= 32 else None
    if instance is None:
        abort(404)
    return instance


@bp.get("/cases/<instance_id>")
@supervisor_only
def case_page(instance_id: str) -> ResponseReturnValue:
    """The case: summary, diagram (completed, running and failed elements, runs), what it waits
    on, incidents, open tasks with reassignment, audit timeline, data with personal numbers masked."""
    eng = engine()
    with eng.uow(read_only=True) as uow:
        instance = _instance_or_404(uow, instance_id)
        incidents = uow.reads.incidents.open_of(instance_id)
        tasks = uow.reads.tasks.open_of(instance_id)
        waiting = uow.reads.waits.of_case(instance_id)
        history = list(uow.reads.audit.history(instance_id))
        xml = uow.reads.processes.bpmn_xml(instance.process_key, instance.version) or ""
        full = uow.instances.get(instance_id)  # with its state, for the engine's read-only load
        assert full is not None  # _instance_or_404 found it
        marks = case_marks(eng, uow, full, xml, {i.bpmn_id for i in incidents if i.bpmn_id}) if xml else {
            "states": {}, "runs": {}, "data": {}, "problem": None}
        members = {t_.id: workers_of(uow, t_) for t_ in tasks}
        fields, technical, _files = case_fields(uow, full, marks["data"] if isinstance(marks["data"], dict) else {})
        uow.detach_all()
    names = element_names(xml) if xml else {}
    diagram = {"xml": ensure_layout(xml) if xml else "", "states": marks["states"], "runs": marks["runs"]}
    moves = move_choices(instance_id) if instance.status in ("active", "error") else None
    return render_template(
        "monitor/case.html", instance=instance, incidents=incidents, tasks=tasks, waiting=waiting,
        waiting_text=describe_waiting(waiting, names) if waiting or not incidents
        else _("an incident: retry or terminate the case"), history=history, diagram=diagram,
        data=masked(technical), fields=fields, problem=marks["problem"], members=members,
        process_title=title_of, status_label=status_label, action_label=action_label,
        group_title=group_title, moves=moves if moves is not None and moves.sources else None,
        move_label=lambda e: element_label(e, instance.process_key), step_name=lambda i: name_or_id(names, i))


# --- actions ------------------------------------------------------------------------------------

def _reason() -> str | None:
    reason = (request.form.get("reason") or "").strip()
    if not reason:
        flash(_("Please give a reason."), "error")
        return None
    return reason[:MAX_REASON]


def _run(instance_id: str, done: str, call: Callable[[], Any]) -> ResponseReturnValue:
    """Run an engine command; flash its outcome; back to the case page."""
    try:
        call()
    except EngineError as exc:
        flash(_("Not done: %(reason)s", reason=error_text(exc, person_name)), "error")
    else:
        flash(done, "success")
    return redirect(url_for("monitor.case_page", instance_id=instance_id))


@bp.post("/cases/<instance_id>/<any(suspend, resume, terminate):action>")
@supervisor_only
def case_action(instance_id: str, action: str) -> ResponseReturnValue:
    """Suspend, resume or terminate the case (reason required)."""
    reason = _reason()
    if reason is None:
        return redirect(url_for("monitor.case_page", instance_id=instance_id))
    eng, actor = engine(), current_actor()
    done = {"suspend": _("The case is suspended."),
            "resume": _("The case is resumed."),
            "terminate": _("The case is terminated.")}[action]
    command = getattr(eng, action)
    return _run(instance_id, done, lambda: command(instance_id, actor, reason))


@bp.post("/cases/<instance_id>/tasks/<task_id>/assign")
@supervisor_only
def assign_task(instance_id: str, task_id: str) -> ResponseReturnValue:
    """Give an open task to someone (reason required)."""
    reason = _reason()
    username = (request.form.get("username") or "").strip()[:100]
    if reason is None or not username:
        if reason is not None:
            flash(_("Please name the new assignee."), "error")
        return redirect(url_for("monitor.case_page", instance_id=instance_id))
    eng, actor = engine(), current_actor()
    with reading() as uow:
        row = uow.tasks.get(task_id)
    if row is None or row.instance_id != instance_id:
        abort(404)
    return _run(instance_id, _("The task is now assigned to %(user)s.", user=person_name(username)),
                lambda: eng.assign(task_id, actor, username, reason=reason))


@bp.post("/cases/<instance_id>/incidents/<int:incident_id>/retry")
@supervisor_only
def retry_incident(instance_id: str, incident_id: int) -> ResponseReturnValue:
    """Re-run the failed step, optionally patching the case data with a JSON object first."""
    reason = _reason()
    if reason is None:
        return redirect(url_for("monitor.case_page", instance_id=instance_id))
    raw = (request.form.get("patch") or "").strip()
    patch = None
    if raw:
        error = None
        if len(raw.encode()) > MAX_PATCH_BYTES:
            error = _("The patch is too large (at most 64 KB).")
        else:
            try:
                patch = json.loads(raw)
            except json.JSONDecodeError as exc:
                error = _("The patch is not valid JSON: line %(line)s: %(problem)s", line=exc.lineno, problem=exc.msg)
            else:
                if not isinstance(patch, dict):
                    error = _("The patch must be a JSON object, e.g. {\"amount\": 3}.")
        if error:
            flash(error, "error")
            return redirect(url_for("monitor.case_page", instance_id=instance_id))
    eng, actor = engine(), current_actor()
    with reading() as uow:
        incident = uow.incidents.get(incident_id)
    if incident is None or incident.instance_id != instance_id:
        abort(404)
    return _run(instance_id, _("The failed step was run again."),
                lambda: eng.retry_incident(incident_id, actor, patch, reason=reason))
