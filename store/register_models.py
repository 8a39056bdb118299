"""The office's registers (ledgers): passports in custody, sister cities, institutions abroad and
outgoing documents, and the history of every change to them.

The processes write them through service tasks, inside the case's transaction
(:class:`store.repositories.registers.RegisterRepository`); pages and the API read them through
:mod:`store.reads.registers`. Each entry keeps the case that last changed it; each change is a
:class:`RegisterChange` row (who, when, which case, what changed).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base


class PassportEntry(Base):
    """One official passport or Hong Kong / Macao permit (因公护照、港澳通行证) in the office's custody."""

    __tablename__ = "register_passport"
    __table_args__ = (Index("ix_register_passport_status_due", "status", "due_back_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="passport")  # passport | hk_macao_permit
    holder: Mapped[str] = mapped_column(String(100), default="")
    holder_unit: Mapped[str] = mapped_column(String(200), default="")
    issued_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="in_custody")  # in_custody | lent | cancelled
    lent_on: Mapped[date | None] = mapped_column(Date)
    lent_instance_id: Mapped[str | None] = mapped_column(String(32))
    lent_for: Mapped[str] = mapped_column(String(300), default="")
    due_back_on: Mapped[date | None] = mapped_column(Date)
    returned_on: Mapped[date | None] = mapped_column(Date)
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    reminded_on: Mapped[date | None] = mapped_column(Date)
    instance_id: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime]


class SisterCityEntry(Base):
    """One sister city (友好城市) or friendly-exchange city (友好交流城市)."""

    __tablename__ = "register_sister_city"

    id: Mapped[int] = mapped_column(primary_key=True)
    city: Mapped[str] = mapped_column(String(100), unique=True)
    country: Mapped[str] = mapped_column(String(100), default="")
    relation: Mapped[str] = mapped_column(String(20), default="sister")  # sister | exchange
    established_on: Mapped[date | None] = mapped_column(Date)
    approving_document: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | suspended | ended
    last_exchange_on: Mapped[date | None] = mapped_column(Date)
    instance_id: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime]


class InstitutionEntry(Base):
    """One institution abroad on record (境外机构备案)."""

    __tablename__ = "register_institution"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_number: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(100), default="")
    unit: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | cancelled
    registered_on: Mapped[date | None] = mapped_column(Date)
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    annual_reports: Mapped[list[Any]] = mapped_column(JSON, default=list)
    instance_id: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime]


class DocumentEntry(Base):
    """One numbered outgoing document (发文登记)."""

    __tablename__ = "register_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)
    genre: Mapped[str] = mapped_column(String(20), default="")  # 批复, 复函, 通知, ... (a code, see processes)
    title: Mapped[str] = mapped_column(String(300), default="")
    addressee: Mapped[str] = mapped_column(String(200), default="")
    issued_on: Mapped[date | None] = mapped_column(Date)
    attachment_id: Mapped[str | None] = mapped_column(String(32))
    instance_id: Mapped[str | None] = mapped_column(String(32), index=True)
    updated_at: Mapped[datetime]


class RegisterChange(Base):
    """Append-only history of the registers: one row per change of an entry."""

    __tablename__ = "register_change"
    __table_args__ = (Index("ix_register_change_entry", "register", "entry_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    register: Mapped[str] = mapped_column(String(20))
    entry_id: Mapped[int]
    at: Mapped[datetime]
    actor: Mapped[str | None] = mapped_column(String(100))
    instance_id: Mapped[str | None] = mapped_column(String(32), index=True)
    bpmn_id: Mapped[str | None] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(30))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


REGISTERS: dict[str, tuple[type[Base], str]] = {
    "passports": (PassportEntry, "number"),
    "sister_cities": (SisterCityEntry, "city"),
    "institutions": (InstitutionEntry, "record_number"),
    "documents": (DocumentEntry, "number"),
}
"""The registers by name: their table and the column that identifies an entry."""
