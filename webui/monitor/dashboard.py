"""The dashboard and the lists behind its numbers: cases, overdue tasks, stuck cases, incidents."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import g, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from store.reads import Reads
from store.reads.audit import Suspension
from store.reads.cases import case_list, stuck_list
from store.reads.incidents import open_incidents
from store.reads.tasks import overdue_list
from store.uow import UnitOfWork
from webui.element_names import name_or_id
from webui.error_texts import incident_text
from webui.monitor.blueprint import bp
from webui.monitor.common import (
    Column,
    Link,
    WorkingDaysAgo,
    dt,
    int_arg,
    list_page,
    load_titles,
    supervisor_only,
    text_arg,
    title_of,
)
from webui.notifications import notification_text
from webui.present import due_info, group_title, person_name, status_label
from webui.security import current_actor, engine, reading
from webui.suspension import SuspendedMark

STATUSES = ("active", "suspended", "error")
DEFAULT_STUCK_DAYS = 3


def _process_options(reads: Reads) -> list[tuple[str, str]]:
    load_titles(reads)
    return sorted(((key, title_of(key)) for key in g.fao_monitor_titles), key=lambda o: o[1])


def _stuck_cutoff(uow: UnitOfWork, days: int) -> tuple[datetime, datetime]:
    eng = engine()
    now = eng.clock.now()
    return now, eng.calendar(uow).add_working_days(now, -days)


@bp.get("")
@supervisor_only
def dashboard() -> ResponseReturnValue:
    """Open cases by process and status, overdue tasks by group and person, stuck cases,
    incidents, suspended cases and my notifications; every number links to its list."""
    actor = current_actor()
    days = int_arg("days", DEFAULT_STUCK_DAYS, 1, 250)
    with reading() as uow:
        now, cutoff = _stuck_cutoff(uow, days)
        figures = uow.reads.analytics.dashboard(now, cutoff)
        notes = list(uow.misc.notifications(actor.username, limit=8))
        processes = _process_options(uow.reads)
    worded = [(n, notification_text(n)) for n in notes]
    table: dict[str, dict[str, int]] = {}
    for key, status, n in figures.cases:
        table.setdefault(key, {s: 0 for s in STATUSES})[status] = n
    totals = {s: sum(r[s] for r in table.values()) for s in STATUSES}
    return render_template("monitor/dashboard.html", table=table, totals=totals, statuses=STATUSES,
                           by_group=figures.overdue_by_group, by_person=figures.overdue_by_assignee,
                           overdue_total=sum(n for _, n in figures.overdue_by_group), stuck=figures.stuck,
                           days=days, incidents=figures.incidents, notes=worded, processes=processes,
                           process_title=title_of, group_title=group_title, status_label=status_label)


# --- cases ----------------------------------------------------------------------------------

def _case_row(r: Any, _extra: Any = None) -> dict[str, Any]:
    return {"business_key": Link(r.business_key or r.id, url_for("monitor.case_page", instance_id=r.id)),
            "title": r.title, "process": Link(title_of(r.process_key), url_for(
                "monitor.process_page", key=r.process_key)),
            "version": r.version, "status": status_label(r.status), "started_by": person_name(r.started_by),
            "started": dt(r.started_at), "updated": dt(r.updated_at), "due": dt(r.due_at)}


def _status_options() -> list[tuple[str, str]]:
    return [("open", _("All open"))] + [(s, status_label(s)) for s in
                                                   ("active", "suspended", "error", "completed", "terminated")]


@bp.get("/cases")
@supervisor_only
def cases() -> ResponseReturnValue:
    """Cases filtered by process, status and text; ``?format=csv`` exports them all."""
    process, status, q = text_arg("process"), text_arg("status") or "open", text_arg("q")
    sort = text_arg("sort") or "-started"
    with reading() as uow:
        options = _process_options(uow.reads)
    filters = [{"name": "process", "label": _("Process"), "options": options, "value": process},
               {"name": "status", "label": _("Status"), "options": _status_options(), "value": status,
                "required": True},
               {"name": "q", "label": _("Search"), "value": q}]
    return list_page(title=_("Cases"), columns=case_columns(), row=_case_row, export_name="cases",
                     stmt=case_list(process, status, q, sort), filters=filters, sort=sort)


def case_columns() -> list[Column]:
    return [Column("business_key", _("Business key"), "business_key"),
            Column("title", _("Title")), Column("process", _("Process"), "process"),
            Column("version", _("Version")), Column("status", _("Status"), "status"),
            Column("started_by", _("Applicant")), Column("started", _("Started"), "started"),
            Column("updated", _("Last progress"), "updated"), Column("due", _("Due"), "due")]


# --- overdue tasks --------------------------------------------------------------------------

@bp.get("/overdue")
@supervisor_only
def overdue() -> ResponseReturnValue:
    """Open tasks past due, by group, person and process, with how long overdue (minutes, hours or
    days, never rounded up) and a suspended case's mark."""
    group, assignee, process, q = text_arg("group"), text_arg("assignee"), text_arg("process"), text_arg("q")
    sort = text_arg("sort") or "due"
    eng = engine()
    with reading() as uow:
        now = eng.clock.now()
        calendar = eng.calendar(uow)
        options = _process_options(uow.reads)

    def row(r: Any, halts: dict[str, Suspension] | None = None) -> dict[str, Any]:
        halt = (halts or {}).get(r.instance_id)
        return {"task": Link(r.name, url_for("monitor.case_page", instance_id=r.instance_id)),
                "business_key": Link(r.business_key or r.instance_id,
                                     url_for("monitor.case_page", instance_id=r.instance_id)),
                "title": r.case_title or "", "applicant": person_name(r.applicant),
                "process": title_of(r.process_key), "group": group_title(r.lane) or "—",
                "assignee": person_name(r.assignee) or _("(unclaimed)"), "created": dt(r.created_at),
                "due": dt(r.due_at), "late": due_info(r.due_at, now, calendar).text,
                "halt": SuspendedMark(halt) if halt else None}

    columns = [Column("task", _("Task"), "name"), Column("business_key", _("Business key")),
               Column("title", _("Title")), Column("applicant", _("Applicant")),
               Column("process", _("Process"), "process"), Column("group", _("Group"), "group"),
               Column("assignee", _("Assignee"), "assignee"),
               Column("created", _("Arrived"), "created"), Column("due", _("Due"), "due"),
               Column("late", _("Overdue by")), Column("halt", _("Case status"))]
    groups = [(g, group_title(g)) for g in sorted(_all_groups())] + [("-", _("(no group)"))]
    filters = [{"name": "group", "label": _("Group"), "options": groups, "value": group},
               {"name": "assignee", "label": _("Assignee"), "value": assignee},
               {"name": "process", "label": _("Process"), "options": options, "value": process},
               {"name": "q", "label": _("Search"), "value": q}]
    return list_page(title=_("Overdue tasks"), columns=columns, row=row, export_name="overdue_tasks",
                     stmt=overdue_list(now, group, assignee, process, q, sort), filters=filters, sort=sort,
                     decorate=lambda reads, items: reads.audit.suspensions(r.instance_id for r in items))


def _all_groups() -> list[str]:
    from engine.people.identity import GROUPS

    return list(GROUPS)


# --- stuck cases ------------------------------------------------------------------------------

def describe_waiting(items: list[dict], names: Mapping[str, str] | None = None) -> str:
    """One line per thing a case waits on: a person or group since when, a timer until when, a message.

    Args:
        items: what the case waits on (``waiting_on``).
        names: element names of the case's version, to name timers by their step.
    """
    names = names or {}
    parts = []
    step: str | None
    for w in items:
        if w["kind"] == "task":
            who = person_name(w.get("assignee")) or group_title(w.get("group")) or _("anyone")
            parts.append(_("%(step)s: waiting for %(who)s since %(since)s", step=w["name"], who=who,
                           since=dt(w["since"])))
        elif w["kind"] == "timer":
            step = name_or_id(names, w["bpmn_id"])
            parts.append(_("timer %(step)s: until %(until)s", step=step, until=dt(w["until"])))
        else:
            step = names.get(w.get("bpmn_id") or "")
            waiting = _("waiting for message %(message)s", message=w["message"])
            parts.append(_("%(step)s: %(waiting)s", step=step, waiting=waiting) if step else waiting)
    return "; ".join(parts) or _("(nothing)")


@bp.get("/stuck")
@supervisor_only
def stuck() -> ResponseReturnValue:
    """Active cases without progress for ``days`` working days (default 3), with what they wait on."""
    days = int_arg("days", DEFAULT_STUCK_DAYS, 1, 250)
    process, q = text_arg("process"), text_arg("q")
    sort = text_arg("sort") or "updated"
    eng = engine()
    with reading() as uow:
        now, cutoff = _stuck_cutoff(uow, days)
        idle_days = WorkingDaysAgo(eng.calendar(uow), now)
        options = _process_options(uow.reads)

    def row(r: Any, waiting: dict | None) -> dict[str, Any]:
        cells = _case_row(r)
        cells["idle_days"] = idle_days(r.updated_at)
        cells["waiting"] = describe_waiting((waiting or {}).get(r.id, []))
        return cells

    columns = [Column("business_key", _("Business key"), "business_key"),
               Column("title", _("Title")), Column("process", _("Process"), "process"),
               Column("updated", _("Last progress"), "updated"),
               Column("idle_days", _("Working days idle")),
               Column("waiting", _("Waiting on"))]
    filters = [{"name": "days", "label": _("Idle for more than (working days)"),
                "type": "number", "value": days},
               {"name": "process", "label": _("Process"), "options": options, "value": process},
               {"name": "q", "label": _("Search"), "value": q}]
    return list_page(title=_("Stuck cases"), columns=columns, row=row, export_name="stuck_cases",
                     stmt=stuck_list(cutoff, process, q, sort), filters=filters, sort=sort,
                     decorate=lambda reads, rows: reads.waits.of_cases([r.id for r in rows]))


# --- incidents --------------------------------------------------------------------------------

@bp.get("/incidents")
@supervisor_only
def incidents() -> ResponseReturnValue:
    """Open incidents with their error, oldest first."""
    process, q = text_arg("process"), text_arg("q")
    sort = text_arg("sort") or "since"
    with reading() as uow:
        options = _process_options(uow.reads)

    def row(r: Any, _extra: Any = None) -> dict[str, Any]:
        return {"business_key": Link(r.business_key or r.instance_id,
                                     url_for("monitor.case_page", instance_id=r.instance_id)),
                "title": r.title or "",
                "process": title_of(r.process_key), "task": r.bpmn_id or "—", "type": r.error_type,
                "error": incident_text(r.error_type, r.message, r.bpmn_id, r.line), "since": dt(r.created_at)}

    columns = [Column("business_key", _("Business key")), Column("title", _("Title")),
               Column("process", _("Process"), "process"), Column("task", _("Step"), "task"),
               Column("type", _("Error type"), "type"), Column("error", _("Error")),
               Column("since", _("Since"), "since")]
    filters = [{"name": "process", "label": _("Process"), "options": options, "value": process},
               {"name": "q", "label": _("Search"), "value": q}]
    return list_page(title=_("Incidents"), columns=columns, row=row, export_name="incidents",
                     stmt=open_incidents(process, q, sort), filters=filters, sort=sort,
                     template="monitor/incidents.html")
