"""The registers' write side: create or change an entry and record the change in its history."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, select
from sqlalchemy.orm import Session

from store.register_models import REGISTERS, PassportEntry, RegisterChange

_SYSTEM_COLUMNS = frozenset({"id", "instance_id", "updated_at"})


class UnknownRegister(ValueError):
    """A register or a field that does not exist (the calling service task fails with this text)."""


def _plain(value: Any) -> Any:
    """A value as the history's JSON keeps it."""
    return value.isoformat() if isinstance(value, (date, datetime)) else value


class RegisterRepository:
    """Writes entries of the registers (:data:`store.register_models.REGISTERS`); never commits."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def write(self, register: str, key: str, values: Mapping[str, Any], *, action: str, at: datetime,
              actor: str | None, instance_id: str | None, bpmn_id: str | None = None,
              create: bool = True) -> int | None:
        """Create the entry ``key`` of ``register`` or change it, and add a history row for the change.

        Args:
            register: ``passports``, ``sister_cities``, ``institutions`` or ``documents``.
            key: the entry's identifying value (a passport's number, a city, a record number).
            values: the fields to set; dates as :class:`datetime.date` or ISO strings.
            action: what happened, for the history (``issued``, ``lent``, ``returned``, ...).
            create: False to change an existing entry only (an unknown key then writes nothing).

        Returns:
            The entry's id (None when ``create`` is False and there is no such entry).

        Raises:
            UnknownRegister: an unknown register or field.
        """
        if register not in REGISTERS:
            raise UnknownRegister(f"unknown register {register!r}")
        model: Any = REGISTERS[register][0]
        key_column = REGISTERS[register][1]
        columns = model.__table__.columns
        unknown = sorted(set(values) - (set(columns.keys()) - _SYSTEM_COLUMNS))
        if unknown:
            raise UnknownRegister(f"register {register!r} has no field {', '.join(unknown)}")
        entry = self.s.scalars(select(model).where(columns[key_column] == key)).one_or_none()
        changes: dict[str, list[Any]] = {}
        if entry is None:
            if not create:
                return None
            entry = model(**{key_column: key})
            self.s.add(entry)
            changes[key_column] = [None, key]
        for name, value in values.items():
            if isinstance(columns[name].type, Date) and isinstance(value, str):
                value = date.fromisoformat(value[:10]) if value else None
            old = getattr(entry, name)
            if old != value:
                changes[name] = [_plain(old), _plain(value)]
                setattr(entry, name, value)
        entry.instance_id = instance_id or entry.instance_id
        entry.updated_at = at
        self.s.flush()
        if changes:
            self.s.add(RegisterChange(register=register, entry_id=entry.id, at=at, actor=actor,
                                      instance_id=instance_id, bpmn_id=bpmn_id, action=action, changes=changes))
        return int(entry.id)

    def read(self, register: str, key: str) -> dict[str, Any] | None:
        """The entry ``key`` of ``register`` as plain values (dates as ISO strings), or None.

        Raises:
            UnknownRegister: an unknown register.
        """
        if register not in REGISTERS:
            raise UnknownRegister(f"unknown register {register!r}")
        model: Any = REGISTERS[register][0]
        columns = model.__table__.columns
        entry = self.s.scalars(select(model).where(columns[REGISTERS[register][1]] == key)).one_or_none()
        if entry is None:
            return None
        return {column.key: _plain(getattr(entry, column.key)) for column in columns}

    def overdue_passports(self, today: date) -> Sequence[PassportEntry]:
        """Lent passports due back before ``today`` that nobody was reminded of since they were lent."""
        return self.s.scalars(select(PassportEntry).where(
            PassportEntry.status == "lent", PassportEntry.due_back_on < today, PassportEntry.reminded_on.is_(None),
        ).order_by(PassportEntry.due_back_on, PassportEntry.id)).all()
