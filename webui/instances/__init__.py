"""The case page: read-only for everyone who may see the case."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required

from webui.case_view import build_case, history_rows, load_instance_or_abort
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
        detail = eng.read_case(uow, instance)
        case = build_case(uow, detail, detail.data)
        tasks = list(uow.reads.tasks.all_of(instance_id))
    return render_template("instances/case.html", instance=instance, case=case,
                           history=history_rows(case.history, case.names, actor.is_supervisor), tasks=tasks)
