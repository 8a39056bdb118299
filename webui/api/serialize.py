"""Rows -> the API's JSON shapes (times ISO 8601 with offset)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Row

    from engine.people.identity import Actor
    from store.models import Attachment, AuditEvent, HumanTask, Incident, Instance, Unit
    from webui.uploads import Stored

    AnyRow = Row[*tuple[Any, ...]]  # a row of one of the store's named reads

from webui.error_texts import incident_text


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def jsonable(value: Any) -> Any:
    """Task data as JSON: dates ISO, decimals as numbers, tuples and sets as lists."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def task_json(t: HumanTask | AnyRow) -> dict[str, Any]:
    return {"id": t.id, "instance_id": t.instance_id, "process_key": t.process_key, "bpmn_id": t.bpmn_id,
            "name": t.name, "lane": t.lane, "status": t.status, "assignee": t.assignee,
            "created_at": iso(t.created_at), "due_at": iso(t.due_at), "priority": t.priority,
            "business_key": t.business_key, "case_title": getattr(t, "case_title", "") or "",
            "applicant": t.applicant}


def instance_json(i: Instance | AnyRow) -> dict[str, Any]:
    return {"id": i.id, "process_key": i.process_key, "version": i.version, "status": i.status,
            "business_key": i.business_key, "title": i.title, "case_title": i.title, "started_by": i.started_by,
            "started_at": iso(i.started_at), "ended_at": iso(i.ended_at), "due_at": iso(i.due_at)}


def unit_json(u: Unit) -> dict[str, Any]:
    return {"key": u.key, "name": u.name, "name_en": u.name_en}


def unit_ref(u: Unit | None) -> dict[str, Any] | None:
    """A case's or user's unit: ``{key, name}``, or None."""
    return {"key": u.key, "name": u.name} if u is not None else None


def user_json(actor: Actor, unit: Unit | None) -> dict[str, Any]:
    return {"username": actor.username, "display_name": actor.display_name or actor.username,
            "unit": unit_ref(unit), "groups": sorted(actor.groups), "roles": sorted(actor.roles)}


def event_json(e: AuditEvent | AnyRow) -> dict[str, Any]:
    """An audit event; an incident's error worded in the request's language (as ``incident_json``)."""
    detail = dict(e.detail or {})
    if e.action == "incident" and "error" in detail:
        detail["error"] = incident_text(detail.get("type") or "", detail["error"] or "", e.bpmn_id)
    return {"at": iso(e.at), "actor": e.actor, "action": e.action, "task_id": e.task_id, "bpmn_id": e.bpmn_id,
            "detail": jsonable(detail)}


def waiting_json(w: dict) -> dict[str, Any]:
    out = {k: (iso(v) if isinstance(v, datetime) else jsonable(v)) for k, v in w.items()}
    return out


def incident_json(i: Incident | AnyRow) -> dict[str, Any]:
    return {"id": i.id, "instance_id": i.instance_id, "task_id": i.task_id, "bpmn_id": i.bpmn_id,
            "error_type": i.error_type, "error": incident_text(i.error_type, i.message, i.bpmn_id), "line": i.line,
            "since": iso(i.created_at)}


def attachment_json(a: Attachment | Stored | AnyRow) -> dict[str, Any]:
    return {"id": a.id, "name": a.name, "size": a.size, "content_type": a.content_type, "sha256": a.sha256}
