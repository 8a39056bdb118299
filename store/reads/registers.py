"""Named reads of the registers: their lists (filter, search, order) and an entry's history."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from store.models import Instance
from store.reads.sorting import containing, ordered
from store.register_models import (
    REGISTERS,
    DocumentEntry,
    InstitutionEntry,
    PassportEntry,
    RegisterChange,
    SisterCityEntry,
)

Orders = dict[str, tuple[InstrumentedAttribute[Any], ...]]

PASSPORT_ORDERS: Orders = {"holder": (PassportEntry.holder,), "unit": (PassportEntry.holder_unit,),
                           "due": (PassportEntry.due_back_on,), "updated": (PassportEntry.updated_at,)}
CITY_ORDERS: Orders = {"city": (SisterCityEntry.city,), "country": (SisterCityEntry.country,),
                       "established": (SisterCityEntry.established_on,),
                       "last_exchange": (SisterCityEntry.last_exchange_on,)}
INSTITUTION_ORDERS: Orders = {"number": (InstitutionEntry.record_number,), "name": (InstitutionEntry.name,),
                              "country": (InstitutionEntry.country,),
                              "registered": (InstitutionEntry.registered_on,)}
DOCUMENT_ORDERS: Orders = {"number": (DocumentEntry.number,), "issued": (DocumentEntry.issued_on,),
                           "genre": (DocumentEntry.genre,)}


def last_contact() -> Any:
    """A sister city's last sign of life: its last exchange, else the day the relation began."""
    return func.coalesce(SisterCityEntry.last_exchange_on, SisterCityEntry.established_on)


class RegisterReads:
    """The registers' lists; each returns an ordered statement for the one pager."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def passports(self, *, status: str | None = None, kind: str | None = None, q: str | None = None,
                  today: date | None = None, sort: str = "-updated") -> Select[PassportEntry]:
        """Passports and permits; ``status="overdue"`` means lent and due back before ``today``."""
        stmt = select(PassportEntry)
        if status == "overdue":
            stmt = stmt.where(PassportEntry.status == "lent", PassportEntry.due_back_on < (today or date.max))
        elif status:
            stmt = stmt.where(PassportEntry.status == status)
        if kind:
            stmt = stmt.where(PassportEntry.kind == kind)
        if q:
            stmt = stmt.where(containing(q, PassportEntry.holder, PassportEntry.holder_unit, PassportEntry.lent_for))
        return ordered(stmt, sort, PASSPORT_ORDERS, "-updated", PassportEntry.id)

    def sister_cities(self, *, status: str | None = None, relation: str | None = None, q: str | None = None,
                      dormant_before: date | None = None, sort: str = "city") -> Select[SisterCityEntry]:
        """Sister cities; ``status="dormant"``: active, with no exchange since ``dormant_before``."""
        stmt = select(SisterCityEntry)
        if status == "dormant":
            stmt = stmt.where(SisterCityEntry.status == "active",
                              or_(last_contact().is_(None), last_contact() < (dormant_before or date.min)))
        elif status:
            stmt = stmt.where(SisterCityEntry.status == status)
        if relation:
            stmt = stmt.where(SisterCityEntry.relation == relation)
        if q:
            stmt = stmt.where(containing(q, SisterCityEntry.city, SisterCityEntry.country,
                                         SisterCityEntry.approving_document))
        return ordered(stmt, sort, CITY_ORDERS, "city", SisterCityEntry.id)

    def institutions(self, *, status: str | None = None, q: str | None = None,
                     sort: str = "-registered") -> Select[InstitutionEntry]:
        stmt = select(InstitutionEntry)
        if status:
            stmt = stmt.where(InstitutionEntry.status == status)
        if q:
            stmt = stmt.where(containing(q, InstitutionEntry.record_number, InstitutionEntry.name,
                                         InstitutionEntry.country, InstitutionEntry.unit))
        return ordered(stmt, sort, INSTITUTION_ORDERS, "-registered", InstitutionEntry.id)

    def documents(self, *, genre: str | None = None, q: str | None = None, year: int | None = None,
                  sort: str = "-issued") -> Select[DocumentEntry]:
        stmt = select(DocumentEntry)
        if genre:
            stmt = stmt.where(DocumentEntry.genre == genre)
        if year:
            stmt = stmt.where(DocumentEntry.issued_on.between(date(year, 1, 1), date(year, 12, 31)))
        if q:
            stmt = stmt.where(containing(q, DocumentEntry.number, DocumentEntry.title, DocumentEntry.addressee))
        return ordered(stmt, sort, DOCUMENT_ORDERS, "-issued", DocumentEntry.id)

    def case_names(self, instance_ids: Sequence[str | None]) -> dict[str, str]:
        """The business key (else the title) of each case, for the registers' case links."""
        ids = sorted({i for i in instance_ids if i})
        if not ids:
            return {}
        rows = self.s.execute(select(Instance.id, Instance.business_key, Instance.title).where(Instance.id.in_(ids)))
        return {r.id: r.business_key or r.title or r.id[:8] for r in rows}

    def entry(self, register: str, entry_id: int) -> Any | None:
        """One entry of a register by id (None for an unknown register or id)."""
        if register not in REGISTERS:
            return None
        return self.s.get(REGISTERS[register][0], entry_id)

    def history(self, register: str, entry_id: int) -> Sequence[RegisterChange]:
        """The entry's changes, oldest first."""
        return self.s.scalars(select(RegisterChange).where(
            RegisterChange.register == register, RegisterChange.entry_id == entry_id).order_by(RegisterChange.id)).all()
