"""JSON Schemas of the API's objects, shared by the OpenAPI document and the tests."""
from __future__ import annotations

from engine.tasks.lifecycle import TaskStatus


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


TIME = {"type": "string", "format": "date-time", "nullable": True}
STR_OR_NULL = {"type": "string", "nullable": True}

ERROR_TEXT = {
    400: "malformed request", 401: "not authenticated", 403: "not allowed", 404: "not found",
    409: "conflict: the task or case is not in a state that allows it", 413: "too large",
    415: "wrong Content-Type", 422: "validation failed",
}

COMPONENTS: dict[str, dict] = {
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["code", "message", "details"], "properties": {
            "code": {"type": "string"}, "message": {"type": "string"},
            "details": {"type": "array", "items": {"type": "object", "properties": {
                "field": {"type": "string"}, "message": {"type": "string"}, "file": {"type": "string"},
                "line": {"type": "integer", "nullable": True}}}}}}},
    },
    "Task": {
        "type": "object",
        "required": ["id", "instance_id", "process_key", "bpmn_id", "name", "lane", "status", "assignee",
                     "created_at", "due_at", "priority"],
        "properties": {
            "id": {"type": "string"}, "instance_id": {"type": "string"}, "process_key": {"type": "string"},
            "bpmn_id": {"type": "string"}, "name": {"type": "string"}, "lane": STR_OR_NULL,
            "status": {"type": "string", "enum": [status.value for status in TaskStatus]},
            "assignee": STR_OR_NULL, "created_at": TIME, "due_at": TIME, "priority": {"type": "integer"},
            "business_key": STR_OR_NULL, "case_title": {"type": "string", "description": "the case's title"},
            "applicant": STR_OR_NULL,
        },
    },
    "TaskDetail": {"allOf": [ref("Task"), {"type": "object", "properties": {
        "form_schema": {"type": "object", "nullable": True}, "ui_schema": {"type": "object", "nullable": True},
        "data": {"type": "object"}, "instructions": {"type": "string"},
        "draft": {"type": "object", "nullable": True}}}]},
    "Instance": {
        "type": "object", "required": ["id", "process_key", "version", "status", "business_key"],
        "properties": {
            "id": {"type": "string"}, "process_key": {"type": "string"}, "version": {"type": "integer"},
            "status": {"type": "string", "enum": ["active", "suspended", "completed", "terminated", "error"]},
            "business_key": STR_OR_NULL, "title": {"type": "string"},
            "case_title": {"type": "string", "description": "the case's title (as title)"}, "started_by": STR_OR_NULL,
            "started_at": TIME, "ended_at": TIME, "due_at": TIME,
        },
    },
    "AuditEvent": {"type": "object", "required": ["at", "actor", "action", "task_id", "bpmn_id", "detail"],
                   "properties": {"at": TIME, "actor": STR_OR_NULL, "action": {"type": "string"},
                                  "task_id": STR_OR_NULL, "bpmn_id": STR_OR_NULL, "detail": {"type": "object"}}},
    "Activity": {"type": "object", "required": ["bpmn_id", "process_key", "name", "type", "state", "runs"],
                 "properties": {"bpmn_id": {"type": "string"}, "process_key": {"type": "string"},
                                "name": {"type": "string"}, "type": {"type": "string"},
                                "state": {"type": "string"}, "runs": {"type": "integer"}}},
    "Waiting": {"type": "object", "required": ["kind", "bpmn_id"],
                "properties": {"kind": {"type": "string", "enum": ["task", "timer", "message", "gateway"],
                                        "description": "gateway: a join waiting for its other flows"},
                               "bpmn_id": {"type": "string"}, "group": STR_OR_NULL, "until": TIME,
                               "message": {"type": "string"}}},
    "Process": {"type": "object", "required": ["key", "version", "title", "title_zh", "description"],
                "properties": {"key": {"type": "string"}, "version": {"type": "integer"},
                               "title": {"type": "string"}, "title_zh": {"type": "string"},
                               "description": {"type": "string"}}},
    "Attachment": {"type": "object", "required": ["id", "name", "size", "content_type", "sha256"],
                   "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "size": {"type": "integer"},
                                  "content_type": {"type": "string"}, "sha256": {"type": "string"}}},
    "Incident": {"type": "object", "properties": {
        "id": {"type": "integer"}, "instance_id": {"type": "string"}, "task_id": STR_OR_NULL,
        "bpmn_id": STR_OR_NULL, "error_type": {"type": "string"}, "error": {"type": "string"},
        "line": {"type": "integer", "nullable": True}, "since": TIME}},
}
COMPONENTS["Unit"] = {"type": "object", "required": ["key", "name", "name_en"],
                      "properties": {"key": {"type": "string"}, "name": {"type": "string"}, "name_en": STR_OR_NULL}}
UNIT_REF = {"type": "object", "nullable": True, "required": ["key", "name"],
            "description": "the unit (申报单位), null when there is none",
            "properties": {"key": {"type": "string"}, "name": {"type": "string"}}}
COMPONENTS["User"] = {"type": "object", "required": ["username", "display_name", "unit", "groups", "roles"],
                      "properties": {"username": {"type": "string"}, "display_name": {"type": "string"},
                                     "unit": UNIT_REF, "groups": {"type": "array", "items": {"type": "string"}},
                                     "roles": {"type": "array", "items": {"type": "string"}}}}
COMPONENTS["AdminUser"] = {"type": "object",
                           "required": ["username", "display_name", "unit", "groups", "roles", "active", "locale"],
                           "properties": {**COMPONENTS["User"]["properties"], "active": {"type": "boolean"},
                                          "locale": STR_OR_NULL}}
COMPONENTS["AdminUserDetail"] = {"allOf": [ref("AdminUser"), {"type": "object", "required": ["history"], "properties": {
    "history": {"type": "array", "items": {"type": "object", "required": ["at", "actor", "action", "detail"],
                                           "properties": {"at": {"type": "string", "format": "date-time"},
                                                          "actor": STR_OR_NULL, "action": {"type": "string"},
                                                          "detail": {"type": "object"}}}}}}]}
COMPONENTS["InstanceDetail"] = {"allOf": [ref("Instance"), {"type": "object", "properties": {
    "unit": UNIT_REF, "data": {"type": "object"}, "active_tasks": {"type": "array", "items": ref("Task")},
    "waiting_on": {"type": "array", "items": ref("Waiting")},
    "activities": {"type": "array", "items": ref("Activity")},
    "history": {"type": "array", "items": ref("AuditEvent")}}}]}

COMPONENTS["MoveElement"] = {"type": "object", "required": ["bpmn_id", "name", "type", "lane", "process_key"],
                              "properties": {"bpmn_id": {"type": "string"}, "name": {"type": "string"},
                                             "type": {"type": "string"}, "lane": STR_OR_NULL,
                                             "process_key": {"type": "string"}}}
COMPONENTS["MovePreview"] = {
    "type": "object",
    "required": ["instance_id", "status", "ok", "source", "target", "cancelled", "becomes_active", "data_kept",
                 "stays_active", "reasons", "sources", "targets"],
    "properties": {
        "instance_id": {"type": "string"}, "status": {"type": "string"},
        "ok": {"type": "boolean", "description": "the move can be done"},
        "source": {"allOf": [ref("MoveElement")], "nullable": True},
        "target": {"allOf": [ref("MoveElement")], "nullable": True},
        "position": {"type": "string", "enum": ["before", "after"],
                     "description": "where the token starts at the target"},
        "flow": {**STR_OR_NULL, "description": "the sequence flow the token starts on, when one was chosen"},
        "starts_before": {"type": "array", "items": ref("MoveElement"),
                          "description": "the elements the new token starts before (after an element: those its "
                                         "outgoing flows lead to)"},
        "cancelled": {"type": "array", "items": ref("MoveElement"),
                      "description": "active steps the move cancels (the source, its boundary events, "
                                     "a call activity's subprocess steps)"},
        "becomes_active": {"allOf": [ref("MoveElement")], "nullable": True},
        "data_kept": {"type": "array", "items": {"type": "string"},
                      "description": "the case data fields, all kept as they are"},
        "stays_active": {"type": "array", "items": ref("MoveElement"),
                         "description": "other active steps of the same process, left alone"},
        "reasons": {"type": "array", "description": "why the move is refused (empty when ok)",
                    "items": {"type": "object", "required": ["field", "message", "code"], "properties": {
                        "field": {"type": "string"}, "message": {"type": "string"}, "code": {"type": "string"},
                        "params": {"type": "object"}}}},
        "sources": {"type": "array", "items": ref("MoveElement"), "description": "steps one may move from"},
        "targets": {"type": "array", "items": ref("MoveElement"), "description": "steps one may move to"},
    },
}

ERROR = ref("Error")


def page_of(item: str) -> dict:
    return {"type": "object", "required": ["items", "total", "page", "per_page"], "properties": {
        "items": {"type": "array", "items": ref(item)}, "total": {"type": "integer"},
        "page": {"type": "integer", "minimum": 1}, "per_page": {"type": "integer", "minimum": 1, "maximum": 200}}}


def array_of(item: str) -> dict:
    return {"type": "array", "items": ref(item)}


OBJECT = {"type": "object"}
PAGING = (("page", {"type": "integer", "minimum": 1, "default": 1}, "page number, from 1"),
          ("per_page", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}, "items per page"))
