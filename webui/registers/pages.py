"""The registers' pages: one list per register (filter, search, sort, CSV export) and an entry's
page with its history. Every list is a named read of :mod:`store.reads.registers`."""
from __future__ import annotations

from collections.abc import Callable

from flask import abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.people.identity import Actor, may_start
from engine.people.visibility import may_read_passport_numbers
from webui import register_texts as t
from webui.lists import list_page, text_arg
from webui.present import catalogue_entry, starter_groups
from webui.registers import present as p
from webui.registers.blueprint import bp, register_reader
from webui.security import current_actor, reading

TEMPLATE = "registers/list.html"
CANCELLATION = "passport_cancellation"  # the process that cancels a document in custody (因公证照注销)


def _options(values: tuple[str, ...], label: Callable[[str], str]) -> list[tuple[str, str]]:
    return [(v, label(v)) for v in values]


@bp.get("/")
@register_reader
def index() -> ResponseReturnValue:
    return redirect(url_for("registers.passports"))


@bp.get("/passports")
@register_reader
def passports() -> ResponseReturnValue:
    """The passport custody ledger; numbers masked except for the passport section."""
    status, kind, q = text_arg("status"), text_arg("kind"), text_arg("q")
    sort = text_arg("sort") or "-updated"
    today = t.today()
    with reading() as uow:
        stmt = uow.reads.registers.passports(status=status, kind=kind, q=q, today=today, sort=sort)
    filters = [
        {"name": "status", "label": _("Status"), "value": status,
         "options": _options(("in_custody", "lent", "overdue", "cancelled"), t.passport_status_label)},
        {"name": "kind", "label": _("Document kind"), "value": kind,
         "options": _options(("passport", "hk_macao_permit"), t.passport_kind_label)},
        {"name": "q", "label": _("Search"), "value": q}]
    unmasked = may_read_passport_numbers(current_actor())
    return list_page(title=t.register_title("passports"), columns=p.passport_columns(), stmt=stmt,
                     row=p.passport_row(unmasked, today), export_name="passports", filters=filters, sort=sort,
                     decorate=p.case_names, template=TEMPLATE, register="passports",
                     intro=_("Official passports and Hong Kong and Macao permits in the office's custody, as the "
                             "trip processes issue, lend and take them back."))


@bp.get("/sister-cities")
@register_reader
def sister_cities() -> ResponseReturnValue:
    """The sister-city register; a city with no exchange for the configured period is dormant."""
    status, relation, q = text_arg("status"), text_arg("relation"), text_arg("q")
    sort = text_arg("sort") or "city"
    before = t.dormant_before()
    with reading() as uow:
        stmt = uow.reads.registers.sister_cities(status=status, relation=relation, q=q, dormant_before=before,
                                                 sort=sort)
    filters = [
        {"name": "status", "label": _("Status"), "value": status,
         "options": _options(("active", "dormant", "suspended", "ended"), t.city_status_label)},
        {"name": "relation", "label": _("Relation"), "value": relation,
         "options": _options(("sister", "exchange"), t.relation_label)},
        {"name": "q", "label": _("Search"), "value": q}]
    return list_page(title=t.register_title("sister_cities"), columns=p.city_columns(), stmt=stmt,
                     row=p.city_row(before), export_name="sister_cities", filters=filters, sort=sort,
                     template=TEMPLATE, register="sister_cities",
                     intro=_("A sister city with no exchange since %(day)s is shown as dormant.",
                             day=before.isoformat()))


@bp.get("/institutions")
@register_reader
def institutions() -> ResponseReturnValue:
    status, q = text_arg("status"), text_arg("q")
    sort = text_arg("sort") or "-registered"
    with reading() as uow:
        stmt = uow.reads.registers.institutions(status=status, q=q, sort=sort)
    filters = [
        {"name": "status", "label": _("Status"), "value": status,
         "options": _options(("active", "cancelled"), t.institution_status_label)},
        {"name": "q", "label": _("Search"), "value": q}]
    return list_page(title=t.register_title("institutions"), columns=p.institution_columns(), stmt=stmt,
                     row=p.institution_row, export_name="institutions", filters=filters, sort=sort,
                     decorate=p.case_names, template=TEMPLATE, register="institutions")


@bp.get("/documents")
@register_reader
def documents() -> ResponseReturnValue:
    genre, q = text_arg("genre"), text_arg("q")
    year_text = text_arg("year", 4)
    year = int(year_text) if year_text and year_text.isdigit() else None
    sort = text_arg("sort") or "-issued"
    with reading() as uow:
        stmt = uow.reads.registers.documents(genre=genre, q=q, year=year, sort=sort)
    from processes.registers import DOCUMENT_GENRES

    filters = [
        {"name": "genre", "label": _("Genre"), "value": genre, "options": _options(DOCUMENT_GENRES, t.genre_label)},
        {"name": "year", "label": _("Year"), "value": year_text, "type": "text"},
        {"name": "q", "label": _("Search"), "value": q}]
    return list_page(title=t.register_title("documents"), columns=p.document_columns(), stmt=stmt,
                     row=p.document_row, export_name="documents", filters=filters, sort=sort,
                     decorate=p.case_names, template=TEMPLATE, register="documents")


@bp.get("/<register>/<int:entry_id>")
@register_reader
def entry(register: str, entry_id: int) -> ResponseReturnValue:
    """One entry and its history: who changed what, when, in which case."""
    if register not in t.SLUGS:
        abort(404)
    register = t.SLUGS[register]
    unmasked = may_read_passport_numbers(current_actor())
    with reading() as uow:
        row = uow.reads.registers.entry(register, entry_id)
        if row is None:
            abort(404)
        changes = list(uow.reads.registers.history(register, entry_id))
        names = uow.reads.registers.case_names([c.instance_id for c in changes]
                                               + [getattr(row, "lent_instance_id", None), row.instance_id])
    cancel_url = _cancellation_url(current_actor(), row) if register == "passports" and unmasked else None
    rows = {"passports": p.passport_row(unmasked, t.today()), "sister_cities": p.city_row(t.dormant_before()),
            "institutions": p.institution_row, "documents": p.document_row}[register](row, names)
    columns = {"passports": p.passport_columns, "sister_cities": p.city_columns,
               "institutions": p.institution_columns, "documents": p.document_columns}[register]()
    return render_template("registers/entry.html", register=register, title=t.register_title(register),
                           columns=columns, row=rows, history=p.history_rows(register, changes, unmasked, names),
                           cancel_url=cancel_url)


def _cancellation_url(actor: Actor, row: object) -> str | None:
    """The cancellation's start form filled from this entry, for a document in custody, when the
    actor may start it and it is deployed; the ledger itself is written by that process only."""
    if getattr(row, "status", None) != "in_custody":
        return None
    if not may_start(actor, starter_groups(catalogue_entry(CANCELLATION)), None):
        return None
    with reading() as uow:
        if not any(v.process_key == CANCELLATION and v.manual_start for v in uow.reads.processes.latest()):
            return None
    return url_for("apply.start_form", key=CANCELLATION, passport=getattr(row, "id", None))
