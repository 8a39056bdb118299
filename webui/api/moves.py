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
POSITIONS = ("before", "after")
TO_POSITION = {"type": "string", "enum": list(POSITIONS), "default": "before",
               "description": "before: the target runs as if the flow had reached it; after: the token leaves on "
                              "the target's outgoing flows as if it had completed, without running it (e.g. past "
                              "a timer)"}
TO_FLOW = {"type": "string", "maxLength": MAX_ID,
           "description": "id of a sequence flow of the same process: the token starts on it and arrives at its "
                          "target by it (a parallel split fires all its branches; a join counts the flow); "
                          "instead of `to`"}
FROM_TASK_TEXT = ("id of the active task to move when several tokens are at `from` (e.g. one per multi-instance "
                  "child: the move stays within that child)")
MOVE_QUERY = (
    ("from", {"type": "string", "maxLength": MAX_ID}, "bpmn id of the active step to move the token from"),
    ("to", {"type": "string", "maxLength": MAX_ID}, "bpmn id of the element to move the token to"),
    ("to_position", TO_POSITION, "where the token starts at `to`: before (default) or after it"),
    ("to_flow", TO_FLOW, "a sequence flow to start the token on, instead of `to`"),
    ("from_task", {"type": "string", "maxLength": MAX_ID}, FROM_TASK_TEXT),
)
MOVE_BODY = {
    "type": "object", "required": ["from", "reason"],
    "description": "`to` (with `to_position`) or `to_flow` says where the token starts",
    "properties": {
        "from": {"type": "string", "maxLength": MAX_ID, "description": "bpmn id of an active step"},
        "to": {"type": "string", "maxLength": MAX_ID,
               "description": "bpmn id of a task, activity, event or gateway of the same process (or of the "
                              "same loop iteration or multi-instance child)"},
        "to_position": TO_POSITION,
        "to_flow": TO_FLOW,
        "from_task": {"type": "string", "maxLength": MAX_ID, "description": FROM_TASK_TEXT},
        "reason": {"type": "string", "minLength": 1, "maxLength": MAX_REASON, "description": "goes into the history"},
    },
}
MOVED = {200: ("the case after the move", {
    "type": "object", "required": ["id", "status", "active_tasks"], "properties": {
        "id": {"type": "string"}, "status": {"type": "string"},
        "active_tasks": {"type": "array", "items": s.ref("Task")}}})}


def _position(value: str | None, field: str = "to_position") -> str | None:
    value = (value or "").strip() or None
    if value is not None and value not in POSITIONS:
        text = _("Must be one of %(values)s", values=", ".join(POSITIONS))
        raise ApiError(422 if request.method == "POST" else 400, f"{field}: {text}",
                       [{"field": field, "message": text}])
    return value


def _query_id(name: str) -> str | None:
    value = (request.args.get(name) or "").strip()
    if len(value) > MAX_ID:
        text = _("Enter at most %(limit)s characters", limit=MAX_ID)
        raise ApiError(400, f"{name}: {text}", [{"field": name, "message": text}])
    return value or None


@api.route("/instances/<instance_id>/move", summary="Preview a token move: what is cancelled, what becomes active, "
           "what data is kept, and why it would be refused (changes nothing); the token may start before `to`, "
           "after it (to_position=after: past a timer, say) or on a sequence flow (to_flow)", who="supervisor",
           query=MOVE_QUERY, tag="instances", errors=(403, 404), responses={200: ("the preview", s.ref("MovePreview"))})
def preview_move(instance_id: str) -> ResponseReturnValue:
    preview = engine().move_preview(instance_id, current_actor(), _query_id("from"), _query_id("to"),
                                    _position(request.args.get("to_position")), _query_id("to_flow"),
                                    _query_id("from_task")).as_dict()
    for reason in preview["reasons"]:
        reason["message"] = describe(reason["code"], reason["params"], person_name)
    return jsonify(preview)


@api.route("/instances/<instance_id>/move", "POST", summary="Move a case's token from an active step to before or "
           "after another element of the same process, or onto a sequence flow (`to_position`, `to_flow`; audited "
           "'moved'); 409 with the reasons when refused (e.g. a parallel join that could never fire)", who="supervisor",
           request=MOVE_BODY, tag="instances", errors=(403, 404, 409, 415, 422), responses=MOVED)
def move_instance(instance_id: str) -> ResponseReturnValue:
    actor = current_actor()
    body = json_body()
    values = {"from": optional_str(body, "from", MAX_ID), "to": optional_str(body, "to", MAX_ID),
              "reason": optional_str(body, "reason", MAX_REASON)}
    flow = (optional_str(body, "to_flow", MAX_ID) or "").strip() or None
    from_task = (optional_str(body, "from_task", MAX_ID) or "").strip() or None
    position = _position(optional_str(body, "to_position", 20))
    missing = [{"field": k, "message": _("This field is required")} for k, v in values.items()
               if not (v or "").strip() and not (k == "to" and flow)]
    if missing:
        raise ApiError(422, _("A move needs the current step, the target step and a reason."), missing)
    frm, to, reason = (values["from"] or "").strip(), (values["to"] or "").strip() or None, values["reason"] or ""
    instance = engine().move(instance_id, actor, frm, to, reason, position, flow, from_task)
    with reading() as uow:
        active = uow.reads.tasks.open_of(instance.id)
    return jsonify({"id": instance.id, "status": instance.status, "active_tasks": [task_json(t) for t in active]})
