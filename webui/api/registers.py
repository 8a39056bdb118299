"""API: the office's registers (ledgers), read-only: the processes write them through service tasks.

Clerks of the office and supervisors read them (403 for everyone else); passport numbers are
masked except for the passport and visa section.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.people.identity import Actor
from engine.people.visibility import may_read_passport_numbers, may_see_registers
from webui.api import schemas as s
from webui.api.base import api, page_json, paging
from webui.errors import ApiError
from webui.register_texts import SLUGS, dormant_before, is_dormant, is_overdue, shown_number, today
from webui.security import current_actor, reading

DAY = {"type": "string", "format": "date", "nullable": True}
STR = {"type": "string"}
CASE_ID = {"type": "string", "nullable": True}


def _entry(props: dict[str, Any]) -> dict[str, Any]:
    props = {"id": {"type": "integer"}, **props, "instance_id": CASE_ID, "updated_at": s.TIME}
    return {"type": "object", "required": list(props), "properties": props}


s.COMPONENTS.update({
    "PassportEntry": _entry({
        "number": {"type": "string", "description": "masked except for the passport and visa section"},
        "kind": {"type": "string", "enum": ["passport", "hk_macao_permit"]}, "holder": STR, "holder_unit": STR,
        "issued_on": DAY, "expires_on": DAY, "status": {"type": "string", "enum": ["in_custody", "lent", "cancelled"]},
        "overdue": {"type": "boolean"}, "lent_on": DAY, "lent_instance_id": CASE_ID, "lent_for": STR,
        "due_back_on": DAY, "returned_on": DAY, "cancelled_on": DAY}),
    "SisterCityEntry": _entry({
        "city": STR, "country": STR, "relation": {"type": "string", "enum": ["sister", "exchange"]},
        "established_on": DAY, "approving_document": STR, "status": STR,
        "dormant": {"type": "boolean", "description": "active, with no exchange for the configured period"},
        "last_exchange_on": DAY}),
    "InstitutionEntry": _entry({
        "record_number": STR, "name": STR, "country": STR, "unit": STR,
        "status": {"type": "string", "enum": ["active", "cancelled"]}, "registered_on": DAY, "cancelled_on": DAY,
        "annual_reports": {"type": "array", "items": {"type": "object"}}}),
    "DocumentEntry": _entry({
        "number": STR, "genre": STR, "title": STR, "addressee": STR, "issued_on": DAY,
        "attachment_id": {"type": "string", "nullable": True}}),
    "RegisterChange": {"type": "object", "required": ["at", "actor", "instance_id", "bpmn_id", "action", "changes"],
                       "properties": {"at": s.TIME, "actor": {"type": "string", "nullable": True},
                                      "instance_id": CASE_ID, "bpmn_id": {"type": "string", "nullable": True},
                                      "action": STR,
                                      "changes": {"type": "object", "description": "field -> [old, new]"}}},
    "RegisterEntry": {"type": "object", "required": ["register", "entry", "history"], "properties": {
        "register": STR, "entry": {"type": "object"}, "history": {"type": "array", "items": s.ref("RegisterChange")}}},
})

WHO = "clerks of the office and supervisors"
Q = ("q", {"type": "string"}, "search the entries' names and texts")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _columns(row: Any) -> dict[str, Any]:
    return {c.key: _plain(getattr(row, c.key)) for c in row.__table__.columns if c.key != "reminded_on"}


def _reader() -> Actor:
    actor = current_actor()
    if not may_see_registers(actor):
        raise ApiError(403, _("Only the office's clerks and supervisors may read the registers."))
    return actor


def _choice(name: str, values: tuple[str, ...]) -> str | None:
    value = request.args.get(name) or None
    if value is not None and value not in values:
        text = _("Must be one of %(values)s", values=", ".join(values))
        raise ApiError(400, f"{name}: {text}", [{"field": name, "message": text}])
    return value


def _q() -> str | None:
    return (request.args.get("q") or "").strip()[:100] or None


def passport_json(row: Any, unmasked: bool, on: date) -> dict[str, Any]:
    out = _columns(row)
    out["number"] = shown_number(row.number, unmasked)
    out["overdue"] = is_overdue(row, on)
    return out


def city_json(row: Any, before: date) -> dict[str, Any]:
    return dict(_columns(row), dormant=is_dormant(row, before))


@api.route("/registers/passports", summary="The passport custody ledger: passports and permits, lent, due back",
           who=WHO, tag="registers", errors=(403,), responses={200: ("a page of entries", s.page_of("PassportEntry"))},
           query=(("status", {"type": "string", "enum": ["in_custody", "lent", "overdue", "cancelled"]},
                   "only entries in this status (overdue: lent and past the due-back day)"),
                  ("kind", {"type": "string", "enum": ["passport", "hk_macao_permit"]}, "only this kind"),
                  Q) + s.PAGING)
def list_passports() -> ResponseReturnValue:
    actor = _reader()
    status = _choice("status", ("in_custody", "lent", "overdue", "cancelled"))
    kind = _choice("kind", ("passport", "hk_macao_permit"))
    page, per_page = paging()
    on, unmasked = today(), may_read_passport_numbers(actor)
    with reading() as uow:
        found = uow.reads.page(uow.reads.registers.passports(status=status, kind=kind, q=_q(), today=on),
                               page, per_page)
    return jsonify(page_json(found, lambda r: passport_json(r, unmasked, on)))


@api.route("/registers/sister-cities", summary="The sister-city register, with the dormant ones marked",
           who=WHO, tag="registers", errors=(403,),
           responses={200: ("a page of entries", s.page_of("SisterCityEntry"))},
           query=(("status", {"type": "string", "enum": ["active", "dormant", "suspended", "ended"]},
                   "only entries in this status (dormant: active without an exchange for the configured period)"),
                  ("relation", {"type": "string", "enum": ["sister", "exchange"]}, "友好城市 or 友好交流城市"),
                  Q) + s.PAGING)
def list_sister_cities() -> ResponseReturnValue:
    _reader()
    status = _choice("status", ("active", "dormant", "suspended", "ended"))
    relation = _choice("relation", ("sister", "exchange"))
    page, per_page = paging()
    before = dormant_before()
    with reading() as uow:
        found = uow.reads.page(uow.reads.registers.sister_cities(status=status, relation=relation, q=_q(),
                                                                 dormant_before=before), page, per_page)
    return jsonify(page_json(found, lambda r: city_json(r, before)))


@api.route("/registers/institutions", summary="The register of institutions abroad", who=WHO, tag="registers",
           errors=(403,), responses={200: ("a page of entries", s.page_of("InstitutionEntry"))},
           query=(("status", {"type": "string", "enum": ["active", "cancelled"]}, "only entries in this status"),
                  Q) + s.PAGING)
def list_institutions() -> ResponseReturnValue:
    _reader()
    status = _choice("status", ("active", "cancelled"))
    page, per_page = paging()
    with reading() as uow:
        found = uow.reads.page(uow.reads.registers.institutions(status=status, q=_q()), page, per_page)
    return jsonify(page_json(found, _columns))


@api.route("/registers/documents", summary="The outgoing-document register: every numbered document",
           who=WHO, tag="registers", errors=(403,), responses={200: ("a page of entries", s.page_of("DocumentEntry"))},
           query=(("genre", {"type": "string"}, "only this genre (approval, reply, notice, ...)"),
                  ("year", {"type": "integer", "minimum": 2000, "maximum": 2100}, "only documents of this year"),
                  Q) + s.PAGING)
def list_documents() -> ResponseReturnValue:
    _reader()
    year_text = request.args.get("year")
    year = None
    if year_text:
        if not year_text.isdigit() or not 2000 <= int(year_text) <= 2100:
            text = _("Must be between %(low)s and %(high)s", low=2000, high=2100)
            raise ApiError(400, f"year: {text}", [{"field": "year", "message": text}])
        year = int(year_text)
    page, per_page = paging()
    with reading() as uow:
        found = uow.reads.page(uow.reads.registers.documents(genre=request.args.get("genre") or None, q=_q(),
                                                             year=year), page, per_page)
    return jsonify(page_json(found, _columns))


@api.route("/registers/<register>/<int:entry_id>", summary="One register entry and its history of changes",
           who=WHO, tag="registers", errors=(403, 404),
           responses={200: ("the entry and its history, oldest change first", s.ref("RegisterEntry"))})
def get_register_entry(register: str, entry_id: int) -> ResponseReturnValue:
    actor = _reader()
    name = SLUGS.get(register)
    unmasked = may_read_passport_numbers(actor)
    with reading() as uow:
        row = uow.reads.registers.entry(name, entry_id) if name else None
        if name is None or row is None:
            raise ApiError(404, _("There is no such register entry."))
        history = list(uow.reads.registers.history(name, entry_id))
    convert: dict[str, Callable[[Any], dict[str, Any]]] = {
        "passports": lambda r: passport_json(r, unmasked, today()),
        "sister_cities": lambda r: city_json(r, dormant_before()),
        "institutions": _columns, "documents": _columns}
    return jsonify({"register": register, "entry": convert[name](row),
                    "history": [_change_json(name, c, unmasked) for c in history]})


def _change_json(register: str, change: Any, unmasked: bool) -> dict[str, Any]:
    changes = dict(change.changes or {})
    if register == "passports" and "number" in changes:
        changes["number"] = [shown_number(v, unmasked) if v else v for v in changes["number"]]
    return {"at": _plain(change.at), "actor": change.actor, "instance_id": change.instance_id,
            "bpmn_id": change.bpmn_id, "action": change.action, "changes": changes}
