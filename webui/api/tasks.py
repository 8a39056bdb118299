"""API: tasks (inbox list from the projection, detail, claim, unclaim, assign, complete)."""
from __future__ import annotations

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.forms.options import resolve_unit_options
from engine.forms.validation import with_task_data_options
from engine.people.visibility import Sight, may_work_task, task_sight, work_scope
from engine.state import activities
from engine.tasks.lifecycle import ACTIVE_STATUSES, TaskStatus
from webui.api import schemas as s
from webui.api.base import api, flag, json_body, optional_object, page_json, paging
from webui.api.serialize import jsonable, task_json
from webui.case_data import masked_case_data, sensitive_names
from webui.errors import ApiError
from webui.logging_setup import name_case
from webui.security import current_actor, engine, reading

SCOPES = {"mine": "mine", "group": "group", "both": "both", "done": "done"}
TASK = {200: ("the task", s.ref("Task"))}


@api.route("/tasks", summary="My tasks: assigned to me (scope=mine), open in my groups or for my unit "
                             "(scope=group), or both",
           tag="tasks", responses={200: ("a page of tasks", s.page_of("Task"))},
           query=(("scope", {"type": "string", "enum": list(SCOPES)}, "default: both"),
                  ("status", {"type": "string", "enum": [status.value for status in ACTIVE_STATUSES]},
                   "only this status"),
                  ("process", {"type": "string"}, "only this process key"),
                  ("overdue", {"type": "boolean"}, "only tasks past their due time"),
                  ("q", {"type": "string"},
                   "search task name, case title, business key, process, the starter's name and unit"),
                  ("sort", {"type": "string", "enum": ["created", "due", "priority"]}, "order")) + s.PAGING)
def list_tasks() -> ResponseReturnValue:
    actor = current_actor()
    scope = request.args.get("scope", "both")
    if scope not in SCOPES:
        text = _("Must be one of %(values)s", values="mine, group, both")
        raise ApiError(400, f"scope: {text}", [{"field": "scope", "message": text}])
    status = request.args.get("status") or None
    if status is not None and status not in list(TaskStatus):
        text = _("Must be one of %(values)s", values=", ".join(ACTIVE_STATUSES))
        raise ApiError(400, f"status: {text}", [{"field": "status", "message": text}])
    sort = request.args.get("sort", "created")
    page, per_page = paging()
    with reading() as uow:
        work = work_scope(actor)
        counts = uow.reads.tasks.counts(work)  # the counter projection
        result = uow.reads.tasks.inbox(work, scope=SCOPES[scope], status=status,
                               process=request.args.get("process") or None, overdue=flag("overdue"),
                               q=(request.args.get("q") or "")[:100] or None, now=engine().clock.now(),
                               page=page, per_page=per_page,
                               sort=sort if sort in ("created", "due", "priority") else "created", counts=counts)
    return jsonify(page_json(result, task_json))


@api.route("/tasks/<task_id>", summary="A task with its form schemas, current data and instructions",
           who="a user who may see it", tag="tasks", errors=(403, 404),
           responses={200: ("the task", s.ref("TaskDetail"))})
def get_task(task_id: str) -> ResponseReturnValue:
    actor = current_actor()
    eng = engine()
    with reading() as uow:
        row = uow.tasks.get(task_id)
        if row is None:
            raise ApiError(404, _("There is no such task."))
        sight = task_sight(uow, actor, row)
        if sight is Sight.HIDDEN:
            raise ApiError(404, _("There is no such task."))
        if sight is Sight.REFUSED:
            raise ApiError(403, _("You may not see this task."))
        instance = uow.instances.get(row.instance_id)
        assert instance is not None  # the foreign key keeps a task's case
        forms = uow.reads.processes.forms(instance.process_version_id)
        data = activities.task_data(eng.load_readonly(uow, instance), task_id)
        draft = uow.misc.draft(task_id, actor.username)
        schema = resolve_unit_options(uow, forms.get(row.form_file) if row.form_file else None)
    # sensitive values in the clear only to those who may fill this task's form, and only its own fields
    data = masked_case_data(data, forms, sensitive_names(schema) if may_work_task(actor, row) else frozenset())
    out = task_json(row)
    out.update({"form_schema": with_task_data_options(schema, data),
                "ui_schema": forms.get(row.ui_form_file) if row.ui_form_file else None,
                "data": jsonable(data), "instructions": row.instructions or "",
                "draft": jsonable(draft.data) if draft is not None else None,
                "business_key": row.business_key, "applicant": row.applicant})
    return jsonify(out)


@api.route("/tasks/<task_id>/claim", "POST", summary="Claim a task",
           who="member of the lane's group (of the case's unit for an applicant-unit task; 404 for another unit)",
           tag="tasks", errors=(403, 404, 409), responses=TASK)
def claim_task(task_id: str) -> ResponseReturnValue:
    json_body()
    return jsonify(task_json(engine().claim(task_id, current_actor())))


@api.route("/tasks/<task_id>/unclaim", "POST", summary="Give a claimed task back to its group",
           who="its assignee (or a supervisor)", tag="tasks", errors=(403, 404, 409), responses=TASK)
def unclaim_task(task_id: str) -> ResponseReturnValue:
    json_body()
    return jsonify(task_json(engine().unclaim(task_id, current_actor())))


ASSIGN_BODY = {"type": "object", "required": ["user"], "properties": {"user": {"type": "string"}}}


@api.route("/tasks/<task_id>/assign", "POST", summary="Assign a task to a user", who="supervisor",
           request=ASSIGN_BODY, tag="tasks", errors=(403, 404, 409, 413, 415, 422), responses=TASK)
def assign_task(task_id: str) -> ResponseReturnValue:
    actor = current_actor()
    body = json_body()
    user = body.get("user")
    if not isinstance(user, str) or not user.strip():
        raise ApiError(422, _("A user name is required."), [{"field": "user", "message": _("This field is required")}])
    return jsonify(task_json(engine().assign(task_id, actor, user.strip())))


COMPLETE_BODY = {"type": "object", "properties": {"data": s.OBJECT}}
COMPLETED = {200: ("the case after the step, and the tasks now open in it", {"type": "object", "properties": {
    "instance": {"type": "object", "properties": {"id": {"type": "string"}, "status": {"type": "string"}}},
    "next_tasks": s.array_of("Task")}})}


@api.route("/tasks/<task_id>/complete", "POST", summary="Complete a task with form data (validated)",
           who="the assignee, or a member of the lane's group (the case's unit for an applicant-unit task) "
               "while unclaimed",
           request=COMPLETE_BODY,
           tag="tasks", errors=(403, 404, 409, 413, 415, 422), responses=COMPLETED)
def complete_task(task_id: str) -> ResponseReturnValue:
    actor = current_actor()
    body = json_body()
    data = body.get("data", {})
    if data is None:
        data = {}
    if not isinstance(data, dict):
        optional_object(body, "data")
    done = engine().complete_with_next(task_id, actor, data)
    name_case(done.instance.id)
    return jsonify({"instance": {"id": done.instance.id, "status": done.instance.status},
                    "next_tasks": [task_json(t) for t in done.open_tasks]})
