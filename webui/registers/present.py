"""The registers' lists as their readers read them: one row function per register serves its
page and its CSV export; an entry's history in words. The labels are :mod:`webui.register_texts`."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from flask import url_for
from flask_babel import gettext as _

from store.reads import Reads
from webui.i18n import local_date, local_dt
from webui.lists import Column, Link
from webui.present import person_name
from webui.register_texts import (
    SLUG_OF,
    action_label,
    city_status_label,
    field_label,
    genre_label,
    institution_status_label,
    is_dormant,
    is_overdue,
    passport_kind_label,
    passport_status_label,
    relation_label,
    shown_number,
)


def entry_link(register: str, entry: Any, text: str) -> Link:
    return Link(text, url_for("registers.entry", register=SLUG_OF[register], entry_id=entry.id))


def case_link(instance_id: str | None, names: dict[str, str] | None) -> Link | None:
    if not instance_id:
        return None
    return Link((names or {}).get(instance_id, instance_id[:8]), url_for("instances.show", instance_id=instance_id))


def case_names(reads: Reads, rows: Sequence[Any]) -> dict[str, str]:
    """The ``decorate`` of the lists: the cases' business keys, one query a page."""
    ids = [i for r in rows for i in (getattr(r, "lent_instance_id", None), r.instance_id) if i]
    return reads.registers.case_names(ids)


# --- columns and rows -----------------------------------------------------------------------

def passport_columns() -> list[Column]:
    return [Column("holder", _("Passport holder"), "holder"), Column("holder_unit", _("Holder's unit"), "unit"),
            Column("kind", _("Document kind")), Column("number", _("Number")),
            Column("issued_on", _("Issued on")), Column("status", _("Status")),
            Column("lent_for", _("Lent for")), Column("case", _("Case")), Column("due_back_on", _("Due back"), "due"),
            Column("returned_on", _("Returned on")), Column("cancelled_on", _("Cancelled on"))]


def passport_row(unmasked: bool, on: date) -> Any:
    def row(e: Any, names: dict[str, str] | None) -> dict[str, Any]:
        status = "overdue" if is_overdue(e, on) else e.status
        return {"holder": entry_link("passports", e, e.holder or "—"), "holder_unit": e.holder_unit,
                "kind": passport_kind_label(e.kind), "number": shown_number(e.number, unmasked),
                "issued_on": local_date(e.issued_on), "status": passport_status_label(status),
                "lent_for": e.lent_for if e.status == "lent" else "",
                "case": _passport_case(e, names),
                "due_back_on": local_date(e.due_back_on) if e.status == "lent" else "",
                "returned_on": local_date(e.returned_on), "cancelled_on": local_date(e.cancelled_on)}
    return row


def _passport_case(e: Any, names: dict[str, str] | None) -> Link | None:
    """The trip a document is lent to, or the case that cancelled it."""
    if e.status == "lent":
        return case_link(e.lent_instance_id, names)
    return case_link(e.instance_id, names) if e.status == "cancelled" else None


def city_columns() -> list[Column]:
    return [Column("city", _("City"), "city"), Column("country", _("Country"), "country"),
            Column("relation", _("Relation")), Column("established_on", _("Established on"), "established"),
            Column("approving_document", _("Approving document")), Column("status", _("Status")),
            Column("last_exchange_on", _("Last exchange"), "last_exchange")]


def city_row(before: date) -> Any:
    def row(e: Any, _names: dict[str, str] | None) -> dict[str, Any]:
        status = "dormant" if is_dormant(e, before) else e.status
        return {"city": entry_link("sister_cities", e, e.city), "country": e.country,
                "relation": relation_label(e.relation), "established_on": local_date(e.established_on),
                "approving_document": e.approving_document, "status": city_status_label(status),
                "last_exchange_on": local_date(e.last_exchange_on)}
    return row


def institution_columns() -> list[Column]:
    return [Column("record_number", _("Record number"), "number"), Column("name", _("Name"), "name"),
            Column("country", _("Country"), "country"), Column("unit", _("Unit")), Column("status", _("Status")),
            Column("registered_on", _("Registered on"), "registered"), Column("annual_reports", _("Annual reports")),
            Column("cancelled_on", _("Cancelled on")), Column("case", _("Case"))]


def institution_row(e: Any, names: dict[str, str] | None) -> dict[str, Any]:
    years = [str(r.get("year")) for r in e.annual_reports or [] if isinstance(r, dict) and r.get("year")]
    return {"record_number": entry_link("institutions", e, e.record_number), "name": e.name, "country": e.country,
            "unit": e.unit, "status": institution_status_label(e.status), "registered_on": local_date(e.registered_on),
            "annual_reports": _("、").join(years), "cancelled_on": local_date(e.cancelled_on),
            "case": case_link(e.instance_id, names)}


def document_columns() -> list[Column]:
    return [Column("number", _("Number"), "number"), Column("genre", _("Genre"), "genre"),
            Column("title", _("Title")), Column("addressee", _("Addressee")),
            Column("issued_on", _("Date"), "issued"), Column("case", _("Case"))]


def document_row(e: Any, names: dict[str, str] | None) -> dict[str, Any]:
    return {"number": entry_link("documents", e, e.number), "genre": genre_label(e.genre), "title": e.title,
            "addressee": e.addressee, "issued_on": local_date(e.issued_on), "case": case_link(e.instance_id, names)}


def history_rows(register: str, changes: Sequence[Any], unmasked: bool, names: dict[str, str]) -> list[dict]:
    """An entry's history for people: when, who, the case, what happened and what changed."""
    out = []
    for c in changes:
        items = []
        for name, (old, new) in (c.changes or {}).items():
            if name in ("lent_instance_id", "attachment_id"):
                continue
            items.append({"field": field_label(name), "old": _shown(register, name, old, unmasked),
                          "new": _shown(register, name, new, unmasked)})
        out.append({"at": local_dt(c.at), "actor": person_name(c.actor) if c.actor else _("System"),
                    "case": case_link(c.instance_id, names), "action": action_label(c.action), "changes": items})
    return out


def _shown(register: str, name: str, value: Any, unmasked: bool) -> str:
    if value is None or value == "":
        return "—"
    if register == "passports" and name == "number":
        return shown_number(str(value), unmasked)
    if name == "kind":
        return passport_kind_label(str(value))
    if name == "status":
        labels = {"passports": passport_status_label, "sister_cities": city_status_label,
                  "institutions": institution_status_label}
        return labels.get(register, str)(str(value))
    if name == "relation":
        return relation_label(str(value))
    if name == "genre":
        return genre_label(str(value))
    if name == "annual_reports" and isinstance(value, list):
        return _("、").join(str(r.get("year")) for r in value if isinstance(r, dict))
    if isinstance(value, datetime):
        return local_dt(value)
    return str(value)
