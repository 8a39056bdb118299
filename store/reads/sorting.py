"""The lists' shared clauses: ordering by a key the user chose, and free-text search."""
from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, or_
from sqlalchemy.orm import InstrumentedAttribute

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
