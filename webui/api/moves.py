"""API: token move (instance modification) on a case: preview and move, supervisors only."""
from __future__ import annotations

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from webui.api import schemas as s
from webui.api.base import api, json_body, optional_str
from webui.api.serialize import task_json
from webui.error_texts import describe
from webui.errors import ApiError
from webui.present import person_name
from webui.security import current_actor, engine, reading

MAX_ID = 200
MAX_REASON = 2000
MOVE_QUERY = (
    ("from", {"type": "string", "maxLength": MAX_ID}, "bpmn id of the active step to move the token from"),
    ("to", {"type": "string", "maxLength": MAX_ID}, "bpmn id of the step to move the token to"),
)
MOVE_BODY = {
    "type": "object", "required": ["from", "to", "reason"],
    "properties": {
        "from": {"type": "string", "maxLength": MAX_ID, "description": "bpmn id of an active step"},
        "to": {"type": "string", "maxLength": MAX_ID,
               "description": "bpmn id of a task or activity of the same process"},
        "reason": {"type": "string", "minLength": 1, "maxLength": MAX_REASON, "description": "goes into the history"},
    },
}
MOVED = {200: ("the case after the move", {
    "type": "object", "required": ["id", "status", "active_tasks"], "properties": {
        "id": {"type": "string"}, "status": {"type": "string"},
        "active_tasks": {"type": "array", "items": s.ref("Task")}}})}


def _query_id(name: str) -> str | None:
    value = (request.args.get(name) or "").strip()
    if len(value) > MAX_ID:
        text = _("Enter at most %(limit)s characters", limit=MAX_ID)
        raise ApiError(400, f"{name}: {text}", [{"field": name, "message": text}])
    return value or None


@api.route("/instances/<instance_id>/move", summary="Preview a token move: what is cancelled, what becomes active, "
           "what data is kept, and why it would be refused (changes nothing)", who="supervisor", query=MOVE_QUERY,
           tag="instances", errors=(403, 404), responses={200: ("the preview", s.ref("MovePreview"))})
def preview_move(instance_id: str) -> ResponseReturnValue:
    preview = engine().move_preview(instance_id, current_actor(), _query_id("from"), _query_id("to")).as_dict()
    for reason in preview["reasons"]:
        reason["message"] = describe(reason["code"], reason["params"], person_name)
    return jsonify(preview)


@api.route("/instances/<instance_id>/move", "POST", summary="Move a case's token from an active step to another "
           "step of the same process (audited 'moved'); 409 with the reasons when refused", who="supervisor",
           request=MOVE_BODY, tag="instances", errors=(403, 404, 409, 415, 422), responses=MOVED)
def move_instance(instance_id: str) -> ResponseReturnValue:
    actor = current_actor()
    body = json_body()
    values = {"from": optional_str(body, "from", MAX_ID), "to": optional_str(body, "to", MAX_ID),
              "reason": optional_str(body, "reason", MAX_REASON)}
    missing = [{"field": k, "message": _("This field is required")} for k, v in values.items() if not (v or "").strip()]
    if missing:
        raise ApiError(422, _("A move needs the current step, the target step and a reason."), missing)
    frm, to, reason = (values["from"] or "").strip(), (values["to"] or "").strip(), values["reason"] or ""
    instance = engine().move(instance_id, actor, frm, to, reason)
    with reading() as uow:
        active = uow.reads.tasks.open_of(instance.id)
    return jsonify({"id": instance.id, "status": instance.status, "active_tasks": [task_json(t) for t in active]})
