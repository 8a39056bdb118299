"""What the repositories ask of the session's database."""
from __future__ import annotations

from sqlalchemy import Select
from sqlalchemy.orm import Session


def dialect_of(session: Session) -> str:
    """The name of the session's database dialect (``sqlite``, ``postgresql``)."""
    return session.get_bind().dialect.name


def for_update(session: Session, stmt: Select, skip_locked: bool = False) -> Select:
    """``stmt`` with ``FOR UPDATE`` on PostgreSQL; SQLite's write transaction serialises already."""
    if dialect_of(session) == "postgresql":
        return stmt.with_for_update(skip_locked=skip_locked)
    return stmt
