"""Reads of incidents: the one list of open incidents, whole or of one case."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from store.models import Incident, Instance
from store.reads.pager import PER_PAGE, Page, paged
from store.reads.sorting import containing, ordered

INCIDENT_SORTS = {"since": (Incident.created_at,), "process": (Instance.process_key, Incident.created_at),
                  "task": (Incident.bpmn_id,), "type": (Incident.error_type,)}


def open_incidents(process: str | None = None, q: str | None = None, sort: str = "since",
                   instance_id: str | None = None) -> Select:
    """Unresolved incidents with their case's key, business key and title, oldest first by default."""
    stmt = (select(Incident.id, Incident.instance_id, Incident.task_id, Incident.bpmn_id, Incident.error_type,
                   Incident.message, Incident.line, Incident.created_at, Instance.process_key,
                   Instance.business_key, Instance.title, Instance.status)
            .outerjoin(Instance, Instance.id == Incident.instance_id)  # every incident has its case; an outer
            .where(Incident.resolved_at.is_(None)))                     # join lets PostgreSQL skip it when counting
    if instance_id is not None:
        stmt = stmt.where(Incident.instance_id == instance_id)
    if process:
        stmt = stmt.where(Instance.process_key == process)
    if q:
        stmt = stmt.where(containing(q, Incident.message, Instance.business_key, Instance.title))
    return ordered(stmt, sort, INCIDENT_SORTS, "since", Incident.id)


class IncidentReads:
    """Named reads of open incidents."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def open_page(self, page: int = 1, per_page: int = PER_PAGE) -> Page:
        """A page of every open incident, oldest first."""
        return paged(self.s, open_incidents(), page, per_page)

    def open_ids(self, process: str | None = None, q: str | None = None, limit: int = 200) -> list[int]:
        """The ids of the open incidents a list shows (its filters), oldest first, at most ``limit``."""
        stmt = open_incidents(process, q).with_only_columns(Incident.id).limit(limit)
        return list(self.s.scalars(stmt).all())

    def open_of(self, instance_id: str) -> list[Any]:
        """The open incidents of one case, oldest first."""
        return list(self.s.execute(open_incidents(instance_id=instance_id)).all())
