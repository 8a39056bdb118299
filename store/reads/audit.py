"""Reads of the audit trail."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from store.models import AuditEvent, Instance


@dataclass(frozen=True)
class Suspension:
    """Why a suspended case waits: who suspended it, when, and the reason they gave."""

    by: str | None
    at: datetime | None
    reason: str


# built once: a list page asks it on every request (the ids bound as one expanding parameter)
_SUSPENSIONS = (
    select(Instance.id, AuditEvent.actor, AuditEvent.at, AuditEvent.detail)
    .outerjoin(AuditEvent, and_(AuditEvent.instance_id == Instance.id, AuditEvent.action == "suspended"))
    .where(Instance.id.in_(bindparam("ids", expanding=True)), Instance.status == "suspended")
    .order_by(AuditEvent.id))


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

    def suspensions(self, instance_ids: Iterable[str]) -> dict[str, Suspension]:
        """The suspended ones of these cases, each with its latest ``suspended`` event (one query:
        a page of tasks names a few cases)."""
        ids = sorted(set(instance_ids))
        if not ids:
            return {}
        rows = self.s.execute(_SUSPENSIONS, {"ids": ids}).all()
        out: dict[str, Suspension] = {}
        for instance_id, actor, at, detail in rows:  # the latest suspension wins
            reason = detail.get("reason") if isinstance(detail, dict) else None
            out[instance_id] = Suspension(actor, at, str(reason or ""))
        return out
