"""The lists' shared clauses: ordering by a key the user chose, and free-text search."""
from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from store.models import Unit, User

SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])  # a SELECT of any columns


def ordered(stmt: SelectT, sort: str, orders: dict[str, tuple[InstrumentedAttribute[Any], ...]], default: str,
            tiebreak: InstrumentedAttribute[Any]) -> SelectT:
    """Order by an allowed key; ``-key`` sorts descending. Unknown keys fall back to ``default``."""
    desc = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in orders:
        key, desc = default.lstrip("-"), default.startswith("-")
    cols = orders[key]
    return stmt.order_by(*[(c.desc() if desc else c.asc()) for c in cols], tiebreak)


def containing(q: str, *columns: InstrumentedAttribute[Any]) -> ColumnElement[bool]:
    """A list's free-text search: any of ``columns`` contains ``q``."""
    like = f"%{q}%"
    return or_(*(column.like(like) for column in columns))


def starter_matching(q: str, starter: InstrumentedAttribute[Any], unit: InstrumentedAttribute[Any]
                     ) -> ColumnElement[bool]:
    """A case whose starter's name or unit contains ``q`` (CONTRACT section 7: ``q`` matches the
    starter's name and unit): ``starter`` holds the starter's login, ``unit`` the case's unit key."""
    like = f"%{q}%"
    units = select(Unit.key).where(or_(Unit.name.like(like), Unit.name_en.like(like))).scalar_subquery()
    people = select(User.username).where(or_(User.display_name.like(like), User.unit_key.in_(units)))
    return or_(starter.in_(people.scalar_subquery()), unit.in_(units))
