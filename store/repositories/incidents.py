"""Incidents: a failed step, until it is retried."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Incident


class IncidentRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, incident: Incident) -> None:
        self.s.add(incident)
        self.s.flush()

    def get(self, incident_id: int) -> Incident | None:
        return self.s.get(Incident, incident_id)

    def open_for(self, instance_id: str) -> Sequence[Incident]:
        return self.s.scalars(
            select(Incident).where(Incident.instance_id == instance_id, Incident.resolved_at.is_(None))
        ).all()
