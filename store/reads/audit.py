"""Reads of the audit trail."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import AuditEvent


class AuditReads:
    """Named reads of ``audit_event``."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def history(self, instance_id: str) -> Sequence[AuditEvent]:
        """The case's audit events, oldest first."""
        return self.s.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                              .order_by(AuditEvent.id)).all()

    def decisions_of_cases(self, instance_ids: Iterable[str]) -> dict[str, list[AuditEvent]]:
        """Completed steps that recorded a decision, per case, oldest first."""
        ids = list(instance_ids)
        out: dict[str, list[AuditEvent]] = defaultdict(list)
        if not ids:
            return out
        for e in self.s.scalars(select(AuditEvent).where(
                AuditEvent.instance_id.in_(ids), AuditEvent.action == "completed").order_by(AuditEvent.id)):
            if e.instance_id is not None and isinstance(e.detail, dict) and e.detail.get("decision") is not None:
                out[e.instance_id].append(e)
        return out
