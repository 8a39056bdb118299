"""The registers' words and judgements, shared by their pages, the API and the notifications:
labels in the reader's language, masked numbers, overdue loans and dormant sister cities."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from webui.masking import mask_text
from webui.security import engine

REGISTER_NAMES = ("passports", "sister_cities", "institutions", "documents")
SLUGS = {"passports": "passports", "sister-cities": "sister_cities", "institutions": "institutions",
         "documents": "documents"}
"""The registers as addresses name them (``/registers/sister-cities``) -> their names in the store."""
SLUG_OF = {name: slug for slug, name in SLUGS.items()}


def register_title(register: str) -> str:
    return {"passports": _("Passport custody ledger"), "sister_cities": _("Sister-city register"),
            "institutions": _("Register of institutions abroad"),
            "documents": _("Outgoing-document register")}.get(register, register)


def passport_kind_label(kind: str) -> str:
    return {"passport": _("Official passport"), "hk_macao_permit": _("Hong Kong and Macao permit")}.get(kind, kind)


def passport_status_label(status: str) -> str:
    return {"in_custody": _("In custody"), "lent": _("Lent out"), "overdue": _("Overdue"),
            "cancelled": _("Document cancelled")}.get(status, status)


def relation_label(relation: str) -> str:
    return {"sister": _("Sister city"), "exchange": _("Friendly exchange city")}.get(relation, relation)


def city_status_label(status: str) -> str:
    return {"active": _("Active"), "dormant": _("Dormant"), "suspended": _("Relation suspended"),
            "ended": _("Relation ended")}.get(status, status)


def institution_status_label(status: str) -> str:
    return {"active": _("On record"), "cancelled": _("Record cancelled")}.get(status, status)


def genre_label(genre: str) -> str:
    return {"approval": _("Approval letter"), "reply": _("Reply letter"), "notice": _("Notice"),
            "request": _("Request for instructions"), "receipt": _("Receipt"), "invitation": _("Letter of invitation"),
            "task_approval": _("Mission approval"), "report": _("Report")}.get(genre, genre)


def action_label(action: str) -> str:
    return {"issued": _("Issued"), "lent": _("Lent out"), "returned": _("Returned"), "cancelled": _("Cancellation"),
            "reminded": _("Overdue reminder sent"), "recorded": _("Recorded"), "reviewed": _("Reviewed"),
            "exchange": _("Exchange recorded"), "numbered": _("Number given"),
            "issued_document": _("Document issued")}.get(action, action)


def field_label(name: str) -> str:
    return {
        "number": _("Number"), "kind": _("Document kind"), "holder": _("Passport holder"),
        "holder_unit": _("Holder's unit"),
        "issued_on": _("Issued on"), "expires_on": _("Valid until"), "status": _("Status"), "lent_on": _("Lent on"),
        "lent_instance_id": _("Lent for case"), "lent_for": _("Lent for"), "due_back_on": _("Due back"),
        "returned_on": _("Returned on"), "cancelled_on": _("Cancelled on"), "reminded_on": _("Reminded on"),
        "city": _("City"), "country": _("Country"), "relation": _("Relation"), "established_on": _("Established on"),
        "approving_document": _("Approving document"), "last_exchange_on": _("Last exchange"),
        "record_number": _("Record number"), "name": _("Name"), "unit": _("Unit"),
        "registered_on": _("Registered on"), "annual_reports": _("Annual reports"), "genre": _("Genre"),
        "title": _("Title"), "addressee": _("Addressee"), "attachment_id": _("File"),
    }.get(name, name)


def today() -> date:
    eng = engine()
    return eng.clock.now().astimezone(eng.calendar().tz).date()


def dormant_before() -> date:
    """Sister cities with no exchange since this day are dormant (``FAO_SISTER_CITY_DORMANT_DAYS``)."""
    return today() - timedelta(days=int(current_app.config["FAO_SISTER_CITY_DORMANT_DAYS"]))


def is_overdue(entry: Any, on: date) -> bool:
    return entry.status == "lent" and entry.due_back_on is not None and entry.due_back_on < on


def is_dormant(entry: Any, before: date) -> bool:
    last = entry.last_exchange_on or entry.established_on
    return entry.status == "active" and (last is None or last < before)


def shown_number(number: str, unmasked: bool) -> str:
    return number if unmasked else mask_text(number)
