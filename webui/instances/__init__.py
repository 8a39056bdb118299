"""The case page: read-only for everyone who may see the case."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from engine.commands.withdrawal import office_has_begun
from engine.errors import EngineError
from engine.people.visibility import may_withdraw_case
from webui.case_view import build_case, history_rows, load_instance_or_abort
from webui.error_texts import error_text
from webui.present import person_name
from webui.security import current_actor, engine, reading

bp = Blueprint("instances", __name__, template_folder="templates")


@bp.get("/instances/<instance_id>")
@login_required
def show(instance_id: str) -> ResponseReturnValue:
    """Summary, steps, earlier steps (history), attachments and the diagram."""
    actor = current_actor()
    eng = engine()
    with reading() as uow:
        load_instance_or_abort(uow, actor, instance_id)
        instance = uow.instances.get(instance_id)
        assert instance is not None  # load_instance_or_abort found it
        halt = uow.reads.audit.suspensions([instance_id]).get(instance_id)
        detail = eng.read_case(uow, instance)
        case = build_case(uow, detail, detail.data)
        tasks = list(uow.reads.tasks.all_of(instance_id))
    withdrawable = (instance.status == "active" and may_withdraw_case(actor, instance)
                    and not office_has_begun(tasks))
    return render_template("instances/case.html", instance=instance, case=case,
                           history=history_rows(case.history, case.names, actor.is_supervisor), tasks=tasks, halt=halt,
                           withdrawable=withdrawable)


@bp.post("/instances/<instance_id>/comments")
@login_required
def comment(instance_id: str) -> ResponseReturnValue:
    """A comment in the case's history; what was typed stays in the form when it is refused."""
    try:
        engine().add_comment(instance_id, current_actor(), request.form.get("text", ""))
    except EngineError as exc:
        flash(_("The comment was not added: %(reason)s", reason=error_text(exc, person_name)), "error")
    else:
        flash(_("Your comment was added to the case's history."), "success")
    return redirect(url_for("instances.show", instance_id=instance_id) + "#history")


@bp.post("/instances/<instance_id>/withdraw")
@login_required
def withdraw(instance_id: str) -> ResponseReturnValue:
    """The applicant withdraws the application (a reason is required) before the office has begun."""
    try:
        instance = engine().withdraw(instance_id, current_actor(), request.form.get("reason", ""))
    except EngineError as exc:
        flash(_("The application was not withdrawn: %(reason)s", reason=error_text(exc, person_name)), "error")
        return redirect(url_for("instances.show", instance_id=instance_id))
    flash(_("Your application %(key)s was withdrawn.", key=instance.business_key or instance.id), "success")
    return redirect(url_for("apply.applications"))
