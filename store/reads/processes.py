"""Reads of deployed process versions, without their BPMN text and spec unless named."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from store.models import Instance, ProcessVersion
from store.reads.cases import OPEN_CASE


@dataclass(frozen=True)
class VersionInfo:
    """A process version without its BPMN text and serialized spec."""

    id: int
    process_key: str
    version: int
    title: str
    start_form: str | None
    start_ui_form: str | None
    start_lane: str | None
    manual_start: bool
    deployed_at: datetime
    deployed_by: str | None
    change_note: str


@dataclass(frozen=True)
class VersionRow:
    """A deployed version without its XML and spec, with its cases."""

    id: int
    process_key: str
    version: int
    title: str
    deployed_by: str | None
    deployed_at: datetime
    change_note: str
    cases: int
    running: int


_VERSION_COLUMNS = (ProcessVersion.id, ProcessVersion.process_key, ProcessVersion.version, ProcessVersion.title,
                    ProcessVersion.start_form, ProcessVersion.start_ui_form, ProcessVersion.start_lane,
                    ProcessVersion.manual_start, ProcessVersion.deployed_at, ProcessVersion.deployed_by,
                    ProcessVersion.change_note)


class ProcessReads:
    """Named reads of ``process_version``."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def latest(self) -> list[VersionInfo]:
        """The newest version of every deployed process, by key."""
        newest = (select(ProcessVersion.process_key, func.max(ProcessVersion.version).label("v"))
                  .group_by(ProcessVersion.process_key).subquery())
        rows = self.s.execute(
            select(*_VERSION_COLUMNS)
            .join(newest, and_(ProcessVersion.process_key == newest.c.process_key,
                               ProcessVersion.version == newest.c.v))
            .order_by(ProcessVersion.process_key)).all()
        return [VersionInfo(*row) for row in rows]

    def versions(self, key: str) -> list[VersionInfo]:
        """Every version of a process, oldest first."""
        rows = self.s.execute(select(*_VERSION_COLUMNS).where(ProcessVersion.process_key == key)
                              .order_by(ProcessVersion.version)).all()
        return [VersionInfo(*row) for row in rows]

    def forms(self, version_id: int) -> dict[str, Any]:
        """The form files deployed with a version (name -> JSON document)."""
        return self.s.scalar(select(ProcessVersion.forms).where(ProcessVersion.id == version_id)) or {}

    def bpmn_xml(self, key: str, version: int) -> str | None:
        """The BPMN XML of one version as deployed."""
        return self.s.scalar(select(ProcessVersion.bpmn_xml).where(
            ProcessVersion.process_key == key, ProcessVersion.version == version))

    def titles(self) -> dict[str, str]:
        """Latest deployed title per process key."""
        return {v.process_key: v.title for v in self.latest()}

    def table(self, key: str | None = None) -> list[VersionRow]:
        """Every version (of one process, or of all), oldest first per key, with case counts (two queries)."""
        vstmt = select(ProcessVersion.id, ProcessVersion.process_key, ProcessVersion.version, ProcessVersion.title,
                       ProcessVersion.deployed_by, ProcessVersion.deployed_at, ProcessVersion.change_note)
        running = case((Instance.status.in_(OPEN_CASE), 1), else_=0)
        cstmt = select(Instance.process_version_id, func.count(), func.coalesce(func.sum(running), literal(0)))
        if key is not None:
            vstmt = vstmt.where(ProcessVersion.process_key == key)
            cstmt = cstmt.where(Instance.process_key == key)
        counts = {vid: (n, int(r or 0)) for vid, n, r in self.s.execute(cstmt.group_by(Instance.process_version_id))}
        rows = self.s.execute(vstmt.order_by(ProcessVersion.process_key, ProcessVersion.version)).all()
        return [VersionRow(*row, *counts.get(row.id, (0, 0))) for row in rows]

    def source(self, key: str, version: int | None = None) -> tuple[int, str, str] | None:
        """``(version, source_file, bpmn_xml)`` of a version (the latest when ``version`` is None)."""
        stmt = select(ProcessVersion.version, ProcessVersion.source_file, ProcessVersion.bpmn_xml).where(
            ProcessVersion.process_key == key)
        if version is not None:
            stmt = stmt.where(ProcessVersion.version == version)
        row = self.s.execute(stmt.order_by(ProcessVersion.version.desc()).limit(1)).first()
        return (row[0], row[1], row[2]) if row else None
