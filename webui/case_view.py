"""The case beside a task, and the case page: summary, earlier steps, attachments, diagram."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import abort

from engine.forms.options import resolve_unit_options
from engine.people.identity import Actor
from engine.people.visibility import Sight, case_sight
from engine.state.case_detail import CaseDetail
from store.models import Instance
from store.uow import UnitOfWork
from webui.case_data import case_schema, mask_by_schema, technical_data
from webui.element_names import name_or_id, names_of
from webui.error_texts import incident_text
from webui.formview import FieldView, build_fields
from webui.i18n import ui_lang

ID_RE = re.compile(r"^[0-9a-f]{32}$")


@dataclass
class CaseView:
    """Everything the case panel shows."""

    instance: Instance
    summary: list[FieldView]
    history: list[Any]
    attachments: list[Any]
    active_ids: list[str]
    done_ids: list[str]
    waiting: list[dict]
    active_tasks: list[Any] = field(default_factory=list)
    waiting_events: list[dict] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    technical: dict[str, Any] = field(default_factory=dict)  # values no form describes: supervisors only


def attachment_ids(value: Any) -> set[str]:
    """Every string in the data that looks like an attachment id."""
    found: set[str] = set()
    if isinstance(value, str):
        if ID_RE.match(value):
            found.add(value)
    elif isinstance(value, dict):
        for v in value.values():
            found |= attachment_ids(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            found |= attachment_ids(v)
    return found


def load_instance_or_abort(uow: UnitOfWork, actor: Actor, instance_id: str) -> Instance:
    """The case row (without state); 404 when missing or hidden from the actor (another unit's),
    403 when the actor may not see it."""
    instance = uow.reads.cases.summary(instance_id)
    if instance is None:
        abort(404)
    sight = case_sight(uow, actor, instance_id)
    if sight is not Sight.SEEN:
        abort(404 if sight is Sight.HIDDEN else 403)
    return instance


def build_case(uow: UnitOfWork, detail: CaseDetail, data: dict | None) -> CaseView:
    """Assemble the case panel from the case's detail (data: the case or task data, for the summary).

    The summary shows every value the case's forms describe, by the forms' titles and option words,
    sensitive values masked; the values no form describes are kept apart (``technical``)."""
    instance = detail.instance
    summary, technical, attachments = case_fields(uow, instance, data or {})
    history, waiting = detail.history, detail.waiting
    active_ids = sorted({w["bpmn_id"] for w in waiting})
    done_ids = sorted({e.bpmn_id for e in history if e.action in ("completed", "timer", "message") and e.bpmn_id}
                      - set(active_ids))
    active_tasks = [w for w in waiting if w["kind"] == "task"]
    names = dict(names_of(uow.reads, instance.process_key, instance.version))
    events = [dict(w, name=name_or_id(names, w.get("bpmn_id"))) for w in waiting if w["kind"] != "task"]
    return CaseView(instance, summary, history, attachments, active_ids, done_ids, waiting, active_tasks,
                    events, names, technical)


def case_fields(uow: UnitOfWork, instance: Instance, data: dict) -> tuple[list[FieldView], dict[str, Any], list]:
    """The case's data as people read it: the values its forms describe (titles, option words,
    files by name, sensitive values masked); the values no form describes (for supervisors); the
    attachments the data names."""
    forms = dict(uow.reads.processes.forms(instance.process_version_id))
    versions = {v.version: v for v in uow.reads.processes.versions(instance.process_key)}
    version = versions.get(instance.version)
    start_form = version.start_form if version and version.start_form else None
    if start_form and forms.get(start_form):  # a unit named then, by its name
        forms[start_form] = resolve_unit_options(uow, forms[start_form], active_only=False)
    schema, ui = case_schema(forms, start_form)
    shown = mask_by_schema(data, schema)
    fields = build_fields(schema, ui, shown, {}, ui_lang(), readonly=True)
    attachments = uow.reads.attachments.of(instance_ids=[instance.id], ids=attachment_ids(data))
    name_files(fields, {a.id: a.name for a in attachments})
    return fields, technical_data(shown, schema), list(attachments)


def name_files(views: list[FieldView], names: dict[str, str]) -> None:
    """Give each attachment field its files' names (``attrs["files"]``: ``[(id, name)]``), for links
    by file name, never by id."""
    for v in views:
        if v.kind == "attachment" and v.value:
            ids = v.value if isinstance(v.value, list) else [v.value]
            v.attrs["files"] = [(i, names.get(str(i)) or "") for i in ids if isinstance(i, str)]
        name_files(v.children, names)
        for row in v.rows:
            name_files(row, names)


# what only supervisors read in a case's history: errors, and their own actions' notes
TECHNICAL_ACTIONS = frozenset({"incident", "retried"})
SUPERVISOR_NOTES = frozenset({"suspended", "resumed", "terminated", "moved", "migrated"})


def history_rows(history: Iterable[Any], names: dict[str, str] | None = None, technical: bool = True) -> list[dict]:
    """Audit events for display: who (by their name), when, what (the step by its name), decision, comment.

    Args:
        history: the case's audit events, oldest first.
        names: element names of the case's version (``webui.element_names``); a step that is not
            in it (e.g. inside a called process) is named by another event that recorded its name.
        technical: the reader is a supervisor: errors and supervisors' notes shown; for everyone
            else errors are left out and supervisors' actions shown without their notes.
    """
    history = list(history)
    known = dict(names or {})
    for e in history:
        detail = e.detail if isinstance(e.detail, dict) else {}
        if e.bpmn_id and detail.get("task"):
            known.setdefault(e.bpmn_id, detail["task"])
    rows = []
    for e in history:
        if not technical and e.action in TECHNICAL_ACTIONS:
            continue
        detail = e.detail if isinstance(e.detail, dict) else {}
        task = detail.get("task") or name_or_id(known, e.bpmn_id)
        if e.action == "moved" and detail.get("to"):
            task = f"{name_or_id(known, detail.get('from') or e.bpmn_id)} → {name_or_id(known, detail['to'])}"
        comment = detail.get("comment") or detail.get("opinion") or detail.get("reason") or ""
        if e.action == "incident":
            comment = incident_text(detail.get("type") or "", detail.get("error") or "", e.bpmn_id)
        if not technical and e.action in SUPERVISOR_NOTES:
            comment = ""
        rows.append({"at": e.at, "actor": e.actor, "action": e.action, "task": task,
                     "decision": detail.get("decision"), "comment": comment})
    return rows
