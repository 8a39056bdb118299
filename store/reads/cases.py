"""Reads of cases (``instance`` rows, the workflow state left out unless named)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, defer
from sqlalchemy.sql.elements import ColumnElement

from store.access import CaseScope, case_condition
from store.models import Attachment, Instance
from store.reads.pager import Page, paged
from store.reads.sorting import containing, ordered, starter_matching

OPEN_CASE = ("active", "suspended", "error")
EVERY_CASE = CaseScope(everything=True)
CASE_COLUMNS = (Instance.id, Instance.process_key, Instance.version, Instance.status, Instance.business_key,
                Instance.title, Instance.started_by, Instance.started_at, Instance.updated_at, Instance.ended_at,
                Instance.due_at)
CASE_SORTS = {"started": (Instance.started_at,), "updated": (Instance.updated_at,), "due": (Instance.due_at,),
              "process": (Instance.process_key, Instance.started_at), "status": (Instance.status,),
              "business_key": (Instance.business_key,)}


def case_list(process: str | None = None, status: str | None = None, q: str | None = None,
              sort: str = "-started") -> Select:
    """The monitor's list of cases; ``status="open"`` means active, suspended or in error."""
    stmt = select(*CASE_COLUMNS)
    if status == "open":
        stmt = stmt.where(Instance.status.in_(OPEN_CASE))
    elif status:
        stmt = stmt.where(Instance.status == status)
    if process:
        stmt = stmt.where(Instance.process_key == process)
    if q:
        stmt = stmt.where(or_(containing(q, Instance.business_key, Instance.title, Instance.id, Instance.started_by),
                              starter_matching(q, Instance.started_by, Instance.unit_key)))
    return ordered(stmt, sort, CASE_SORTS, "-started", Instance.id)


def _stuck(cutoff: datetime) -> ColumnElement[bool]:
    return and_(Instance.status == "active", Instance.updated_at < cutoff)


def stuck_list(cutoff: datetime, process: str | None = None, q: str | None = None,
               sort: str = "updated") -> Select:
    """Active cases with no progress since ``cutoff`` (oldest first by default)."""
    stmt = select(*CASE_COLUMNS).where(_stuck(cutoff))
    if process:
        stmt = stmt.where(Instance.process_key == process)
    if q:
        stmt = stmt.where(containing(q, Instance.business_key, Instance.title))
    return ordered(stmt, sort, CASE_SORTS, "updated", Instance.id)


class CaseReads:
    """Named reads of cases."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def listing(self, *, scope: CaseScope = EVERY_CASE,
                status: str | None = None, process: str | None = None, overdue: bool = False,
                q: str | None = None, now: datetime | None = None, page: int = 1, per_page: int = 50) -> Page:
        """Cases the scope allows, newest first."""
        stmt = select(Instance)
        visible = case_condition(scope)
        if visible is not None:
            stmt = stmt.where(visible)
        if status:
            stmt = stmt.where(Instance.status == status)
        if process:
            stmt = stmt.where(Instance.process_key == process)
        if overdue and now is not None:
            stmt = stmt.where(Instance.status == "active", Instance.due_at.is_not(None), Instance.due_at < now)
        if q:
            stmt = stmt.where(or_(containing(q, Instance.business_key, Instance.title, Instance.id),
                                  starter_matching(q, Instance.started_by, Instance.unit_key)))
        return paged(self.s, stmt.order_by(Instance.started_at.desc(), Instance.id), page, per_page)

    def visible(self, instance_id: str, scope: CaseScope) -> bool:
        """Whether the case exists and the scope allows it."""
        stmt = select(Instance.id).where(Instance.id == instance_id)
        condition = case_condition(scope)
        if condition is not None:
            stmt = stmt.where(condition)
        return self.s.scalar(stmt) is not None

    def applications(self, scope: CaseScope, *, status: str | None = None, page: int = 1,
                     per_page: int = 20, q: str | None = None) -> Page:
        """The applications a scope allows (the cases a user started), newest first (state text not loaded);
        ``q``: a part of the case's title or business key."""
        stmt = select(Instance).options(defer(Instance.state))
        condition = case_condition(scope)
        if condition is not None:
            stmt = stmt.where(condition)
        if status:
            stmt = stmt.where(Instance.status == status)
        if q:
            stmt = stmt.where(containing(q, Instance.business_key, Instance.title))
        return paged(self.s, stmt.order_by(Instance.started_at.desc(), Instance.id), page, per_page)

    def summary(self, instance_id: str) -> Instance | None:
        """The case row without its workflow state."""
        return self.s.scalars(select(Instance).options(defer(Instance.state)).where(Instance.id == instance_id)).first()

    def referring_to_attachment(self, attachment_id: str) -> list[str]:
        """Cases an attachment belongs to, or whose data mentions its id.

        Ids are 32 hex digits, so a text match on the stored state does not hit by accident.
        """
        if not attachment_id.isalnum():
            return []
        owner = self.s.scalar(select(Attachment.instance_id).where(Attachment.id == attachment_id))
        ids = [owner] if owner else []
        ids += [i for i in self.s.scalars(select(Instance.id).where(Instance.state.like(f'%"{attachment_id}"%')))
                if i not in ids]
        return ids

    def running_of_version(self, key: str, version: int) -> list[Any]:
        """Unfinished cases of one version: ``(id, business_key, title, status, updated_at)``."""
        return list(self.s.execute(
            select(Instance.id, Instance.business_key, Instance.title, Instance.status, Instance.updated_at)
            .where(Instance.process_key == key, Instance.version == version, Instance.status.in_(OPEN_CASE))
            .order_by(Instance.started_at, Instance.id)).all())
