"""API: cases (list, detail with waiting_on/activities/history, suspend/resume/terminate, withdraw)."""
from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.people.visibility import Sight, case_scope, case_sight
from webui.api import schemas as s
from webui.api.base import api, flag, json_body, optional_str, page_json, paging
from webui.api.serialize import (
    event_json,
    instance_json,
    jsonable,
    task_json,
    unit_ref,
    waiting_json,
)
from webui.case_data import masked_case_data
from webui.case_view import SUPERVISOR_NOTES, TECHNICAL_ACTIONS
from webui.errors import ApiError
from webui.security import current_actor, engine, reading

STATUSES = ("active", "suspended", "completed", "terminated", "error")
LIST_QUERY = (
    ("status", {"type": "string", "enum": list(STATUSES)}, "only cases in this status"),
    ("process", {"type": "string"}, "only cases of this process key"),
    ("overdue", {"type": "boolean"}, "only active cases past their due time"),
    ("q", {"type": "string"}, "search business key, title, id, the starter's name and unit"),
) + s.PAGING


@api.route("/instances", summary="Cases: supervisors see all, others those they started, worked on or may work on",
           query=LIST_QUERY, tag="instances", responses={200: ("a page of cases", s.page_of("Instance"))})
def list_instances() -> ResponseReturnValue:
    actor = current_actor()
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        text = _("Must be one of %(values)s", values=", ".join(STATUSES))
        raise ApiError(400, f"status: {text}", [{"field": "status", "message": text}])
    page, per_page = paging()
    with reading() as uow:
        result = uow.reads.cases.listing(scope=case_scope(actor), status=status,
                                   process=request.args.get("process") or None, overdue=flag("overdue"),
                                   q=(request.args.get("q") or "")[:100] or None, now=engine().clock.now(),
                                   page=page, per_page=per_page)
    return jsonify(page_json(result, instance_json))


@api.route("/instances/<instance_id>", summary="A case with its open tasks, what it waits on, activities and history",
           tag="instances", errors=(403, 404), responses={200: ("the case", s.ref("InstanceDetail"))})
def get_instance(instance_id: str) -> ResponseReturnValue:
    actor = current_actor()
    eng = engine()
    with reading() as uow:
        instance = uow.instances.get(instance_id)
        if instance is None:
            raise ApiError(404, _("There is no such case."))
        sight = case_sight(uow, actor, instance_id)
        if sight is Sight.HIDDEN:
            raise ApiError(404, _("There is no such case."))
        if sight is Sight.REFUSED:
            raise ApiError(403, _("You may not see this case."))
        case = eng.read_case(uow, instance)
        ran, data = case.activities, masked_case_data(case.data, uow.reads.processes.forms(instance.process_version_id))
        unit = uow.users.unit(instance.unit_key) if instance.unit_key else None
    active, history = case.open_tasks, [_plain(event_json(e), actor.is_supervisor) for e in case.history
                                        if actor.is_supervisor or e.action not in TECHNICAL_ACTIONS]
    waiting = [waiting_json(w) for w in case.waiting]
    if instance.status == "active" and not waiting:  # e.g. an engine step in progress: name what runs
        waiting = [running_json(a) for a in ran if a["state"] == "running"]
    out = instance_json(instance)
    out.update({"unit": unit_ref(unit), "data": jsonable(data), "active_tasks": [task_json(t) for t in active],
                "waiting_on": waiting, "activities": ran, "history": history})
    return jsonify(out)


def _plain(event: dict[str, Any], supervisor: bool) -> dict[str, Any]:
    """An event as its reader may read it: errors are left out before; supervisors' notes are theirs."""
    if not supervisor and event["action"] in SUPERVISOR_NOTES:
        event["detail"] = {k: v for k, v in event["detail"].items() if k not in ("reason", "comment")}
    return event


def running_json(activity: dict) -> dict[str, Any]:
    """A running element the case waits on, when it waits on no task, timer or message: a join waiting for
    its other flows is a ``gateway``, never a task."""
    if activity["type"].endswith("Gateway"):
        return {"kind": "gateway", "bpmn_id": activity["bpmn_id"]}
    return {"kind": "task", "bpmn_id": activity["bpmn_id"], "group": None}


REASON_BODY = {"type": "object", "properties": {"reason": {"type": "string", "maxLength": 2000}}}


def _change(instance_id: str, command: str) -> ResponseReturnValue:
    reason = optional_str(json_body(), "reason", 2000) or ""
    instance = getattr(engine(), command)(instance_id, current_actor(), reason)
    return jsonify({"id": instance.id, "status": instance.status})


STATE = {200: ("the new state",
                {"type": "object", "properties": {"id": {"type": "string"}, "status": {"type": "string"}}})}


@api.route("/instances/<instance_id>/suspend", "POST", summary="Suspend a case", who="supervisor",
           request=REASON_BODY, tag="instances", errors=(403, 404, 409, 415, 422), responses=STATE)
def suspend_instance(instance_id: str) -> ResponseReturnValue:
    return _change(instance_id, "suspend")


@api.route("/instances/<instance_id>/resume", "POST", summary="Resume a suspended case", who="supervisor",
           request=REASON_BODY, tag="instances", errors=(403, 404, 409, 415, 422), responses=STATE)
def resume_instance(instance_id: str) -> ResponseReturnValue:
    return _change(instance_id, "resume")


COMMENT_BODY = {"type": "object", "required": ["text"],
                "properties": {"text": {"type": "string", "minLength": 1, "maxLength": 2000}}}


@api.route("/instances/<instance_id>/comments", "POST", summary="Leave a comment in the case's history",
           who="whoever may see the case", request=COMMENT_BODY, tag="instances",
           errors=(403, 404, 415, 422), responses={201: ("the comment was added", {"type": "object"})})
def comment_instance(instance_id: str) -> ResponseReturnValue:
    engine().add_comment(instance_id, current_actor(), optional_str(json_body(), "text", 2000) or "")
    return jsonify({}), 201


@api.route("/instances/<instance_id>/withdraw", "POST",
           summary="Withdraw an application before the office has begun to examine it (a reason is required)",
           who="its applicant or a colleague of the applying unit", request=REASON_BODY, tag="instances",
           errors=(403, 404, 409, 415, 422), responses=STATE)
def withdraw_instance(instance_id: str) -> ResponseReturnValue:
    reason = optional_str(json_body(), "reason", 2000) or ""
    instance = engine().withdraw(instance_id, current_actor(), reason)
    return jsonify({"id": instance.id, "status": instance.status})


@api.route("/instances/<instance_id>/terminate", "POST", summary="Terminate a case", who="supervisor",
           request=REASON_BODY, tag="instances", errors=(403, 404, 409, 415, 422), responses=STATE)
def terminate_instance(instance_id: str) -> ResponseReturnValue:
    return _change(instance_id, "terminate")
