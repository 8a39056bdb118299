"""The one pager: every list answers a :class:`Page` of at most 200 rows."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

PER_PAGE = 50
MAX_PER_PAGE = 200


@dataclass(frozen=True)
class Page:
    """One page of a list and the list's total."""

    items: Sequence[Any]
    total: int
    page: int
    per_page: int


def bounds(page: int, per_page: int) -> tuple[int, int]:
    """``page`` from 1 and ``per_page`` between 1 and :data:`MAX_PER_PAGE`."""
    return max(1, page), max(1, min(per_page, MAX_PER_PAGE))


def _rows(session: Session, stmt: Select) -> list[Any]:
    """The statement's result: mapped objects for ``select(Entity)``, named rows otherwise."""
    result = session.execute(stmt)
    described = stmt.column_descriptions
    one_entity = len(described) == 1 and described[0]["entity"] is not None \
        and described[0]["expr"] is described[0]["entity"]
    return list(result.scalars().all() if one_entity else result.all())


def paged(session: Session, stmt: Select, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """One page of an ordered list statement, and the total of the whole list.

    Args:
        session: the unit of work's session.
        stmt: an ordered ``select`` of one mapped class or of named columns.
        page: the page from 1.
        per_page: rows a page, at most :data:`MAX_PER_PAGE`.

    Returns:
        The page: mapped objects for ``select(Entity)``, named rows otherwise.
    """
    page, per_page = bounds(page, per_page)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    return Page(_rows(session, stmt.limit(per_page).offset((page - 1) * per_page)), total, page, per_page)


def sliced(session: Session, stmt: Select, offset: int, limit: int) -> list[Any]:
    """Rows ``offset .. offset+limit`` of a list statement (exports read in short slices, each in its
    own transaction: a long read would hold SQLite's write lock)."""
    return _rows(session, stmt.limit(limit).offset(offset))
