"""The read side, one room per noun: named SQL reads over the projections.

A unit of work hands it out as ``uow.reads`` (``uow.reads.tasks.inbox(...)``,
``uow.reads.page(stmt)``); nothing here writes, and nothing loads a workflow state unless asked
for by name.
"""
from __future__ import annotations

from functools import cached_property
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from store.reads.analytics import AnalyticsReads
from store.reads.attachments import AttachmentReads
from store.reads.audit import AuditReads
from store.reads.cases import CaseReads
from store.reads.incidents import IncidentReads
from store.reads.pager import PER_PAGE, Page, paged, sliced
from store.reads.people import PeopleReads
from store.reads.processes import ProcessReads
from store.reads.registers import RegisterReads
from store.reads.tasks import TaskReads
from store.reads.waits import WaitReads


class Reads:
    """The read side of one unit of work, by noun."""

    def __init__(self, session: Session) -> None:
        self._s = session

    @cached_property
    def tasks(self) -> TaskReads:
        return TaskReads(self._s)

    @cached_property
    def cases(self) -> CaseReads:
        return CaseReads(self._s)

    @cached_property
    def incidents(self) -> IncidentReads:
        return IncidentReads(self._s)

    @cached_property
    def waits(self) -> WaitReads:
        return WaitReads(self._s)

    @cached_property
    def processes(self) -> ProcessReads:
        return ProcessReads(self._s)

    @cached_property
    def attachments(self) -> AttachmentReads:
        return AttachmentReads(self._s)

    @cached_property
    def audit(self) -> AuditReads:
        return AuditReads(self._s)

    @cached_property
    def registers(self) -> RegisterReads:
        return RegisterReads(self._s)

    @cached_property
    def analytics(self) -> AnalyticsReads:
        return AnalyticsReads(self._s)

    @cached_property
    def people(self) -> PeopleReads:
        return PeopleReads(self._s)

    def page(self, stmt: Select, page: int = 1, per_page: int = PER_PAGE) -> Page:
        """One page of a list statement (see :func:`store.reads.pager.paged`)."""
        return paged(self._s, stmt, page, per_page)

    def slice(self, stmt: Select, offset: int, limit: int) -> list[Any]:
        """A slice of a list statement, for exports (see :func:`store.reads.pager.sliced`)."""
        return sliced(self._s, stmt, offset, limit)
