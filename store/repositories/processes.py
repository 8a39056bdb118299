"""Process versions and deployed model files."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from store.models import Instance, ModelFile, ProcessVersion

_LATEST_ID = (select(ProcessVersion.id).where(ProcessVersion.process_key == bindparam("key"))
              .order_by(ProcessVersion.version.desc()).limit(1))


class ProcessRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def latest(self, key: str) -> ProcessVersion | None:
        return self.s.scalars(
            select(ProcessVersion)
            .where(ProcessVersion.process_key == key)
            .order_by(ProcessVersion.version.desc())
            .limit(1)
        ).first()

    def latest_id(self, key: str) -> int | None:
        """The id of a process's latest version (versions are immutable: callers cache the row)."""
        return self.s.scalar(_LATEST_ID, {"key": key})

    def get(self, key: str, version: int) -> ProcessVersion | None:
        return self.s.scalars(
            select(ProcessVersion).where(ProcessVersion.process_key == key, ProcessVersion.version == version)
        ).first()

    def by_id(self, version_id: int) -> ProcessVersion | None:
        return self.s.get(ProcessVersion, version_id)

    def detached(self, version_id: int) -> ProcessVersion | None:
        """A version row detached from the session, safe to cache (versions are immutable)."""
        row = self.s.get(ProcessVersion, version_id)
        if row is not None:
            self.s.expunge(row)
        return row

    def versions(self, key: str) -> Sequence[ProcessVersion]:
        return self.s.scalars(
            select(ProcessVersion).where(ProcessVersion.process_key == key).order_by(ProcessVersion.version)
        ).all()

    def latest_all(self) -> Sequence[ProcessVersion]:
        newest = (
            select(ProcessVersion.process_key, func.max(ProcessVersion.version).label("v"))
            .group_by(ProcessVersion.process_key)
            .subquery()
        )
        return self.s.scalars(
            select(ProcessVersion)
            .join(newest, (ProcessVersion.process_key == newest.c.process_key) & (ProcessVersion.version == newest.c.v))
            .order_by(ProcessVersion.process_key)
        ).all()

    def add(self, version: ProcessVersion) -> None:
        self.s.add(version)
        self.s.flush()

    def model_file(self, name: str) -> ModelFile | None:
        return self.s.get(ModelFile, name)

    def model_files(self, kind: str | None = None) -> Sequence[ModelFile]:
        stmt = select(ModelFile)
        if kind:
            stmt = stmt.where(ModelFile.kind == kind)
        return self.s.scalars(stmt).all()

    def put_model_file(self, name: str, kind: str, content: str, content_hash: str, at: datetime) -> None:
        row = self.s.get(ModelFile, name)
        if row is None:
            self.s.add(ModelFile(name=name, kind=kind, content=content, content_hash=content_hash, deployed_at=at))
        elif row.content_hash != content_hash:
            row.content, row.content_hash, row.deployed_at, row.kind = content, content_hash, at, kind
        self.s.flush()

    def with_start_message(self, message_name: str) -> list[ProcessVersion]:
        return [v for v in self.latest_all() if message_name in (v.start_messages or [])]

    def instance_counts(self, key: str) -> dict[int, int]:
        rows = self.s.execute(
            select(Instance.version, func.count()).where(Instance.process_key == key).group_by(Instance.version)
        ).all()
        return {v: n for v, n in rows}
