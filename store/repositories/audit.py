"""The audit trail: append-only."""
from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from store import fast_writes
from store.models import AuditEvent

_AUDIT_COLUMNS = ("instance_id", "at", "actor", "action", "task_id", "bpmn_id", "detail", "subject")
_INSERT_AUDIT = insert(cast(Table, AuditEvent.__table__))


class AuditRepository:
    """Append-only: there is deliberately no update or delete here."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, event: AuditEvent) -> None:
        """Insert the event now (a Core insert: audit rows are never changed, so the ORM has
        nothing to track); it commits or rolls back with the command's transaction."""
        self.add_all([event])

    def add_all(self, events: Sequence[AuditEvent]) -> None:
        if events:
            rows = [{c: getattr(e, c) for c in _AUDIT_COLUMNS} for e in events]
            for row in rows:
                if row["detail"] is None:
                    row["detail"] = {}
            fast_writes.write(self.s, _INSERT_AUDIT, rows)
