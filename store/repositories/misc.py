"""Attachments, notifications, counters, drafts and the calendar."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import cast

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.orm import Session

from store import fast_writes
from store.models import Attachment, CalendarOverride, Notification, SequenceCounter, TaskDraft

_drafts = cast(Table, TaskDraft.__table__)
_DELETE_DRAFTS = delete(_drafts).where(_drafts.c.task_id == bindparam("tid"))


class MiscRepository:
    """Attachments, notifications, counters, drafts and the calendar."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def next_sequence(self, category: str, year: int) -> int:
        """Increment a counter atomically: concurrent callers get distinct, gapless numbers."""
        dialect = self.s.get_bind().dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert
            upsert: Callable[..., PgInsert | SqliteInsert] = pg_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert
            upsert = sqlite_insert
        self.s.execute(upsert(SequenceCounter).values(category=category, year=year, last_value=0)
                       .on_conflict_do_nothing(index_elements=["category", "year"]))
        return self.s.execute(
            update(SequenceCounter)
            .where(SequenceCounter.category == category, SequenceCounter.year == year)
            .values(last_value=SequenceCounter.last_value + 1)
            .returning(SequenceCounter.last_value)
            .execution_options(synchronize_session=False)
        ).scalar_one()

    def add_attachment(self, attachment: Attachment) -> None:
        self.s.add(attachment)
        self.s.flush()

    def link_attachments(self, attachment_ids: Iterable[str], instance_id: str) -> None:
        """Tie uploads that case data refers to to that case (first case wins)."""
        self.s.execute(
            update(Attachment)
            .where(Attachment.id.in_(list(attachment_ids)), Attachment.instance_id.is_(None))
            .values(instance_id=instance_id)
            .execution_options(synchronize_session=False)
        )

    def attachment(self, attachment_id: str) -> Attachment | None:
        return self.s.get(Attachment, attachment_id)

    def attachments_for(self, instance_id: str) -> Sequence[Attachment]:
        return self.s.scalars(
            select(Attachment).where(Attachment.instance_id == instance_id).order_by(Attachment.created_at)
        ).all()

    def add_notification(self, note: Notification) -> None:
        self.s.add(note)

    def notifications(self, username: str, unread_only: bool = False, limit: int = 50) -> Sequence[Notification]:
        stmt = select(Notification).where(Notification.username == username)
        if unread_only:
            stmt = stmt.where(Notification.read_at.is_(None))
        return self.s.scalars(stmt.order_by(Notification.id.desc()).limit(limit)).all()

    def mark_notifications_read(self, username: str, at: datetime) -> None:
        self.s.execute(
            update(Notification)
            .where(Notification.username == username, Notification.read_at.is_(None))
            .values(read_at=at)
        )

    def draft(self, task_id: str, username: str) -> TaskDraft | None:
        return self.s.get(TaskDraft, (task_id, username))

    def save_draft(self, task_id: str, username: str, data: dict, at: datetime) -> None:
        row = self.s.get(TaskDraft, (task_id, username))
        if row is None:
            self.s.add(TaskDraft(task_id=task_id, username=username, data=data, saved_at=at))
        else:
            row.data, row.saved_at = data, at
        self.s.flush()

    def delete_drafts(self, task_id: str) -> None:
        fast_writes.write(self.s, _DELETE_DRAFTS, {"tid": task_id})

    def calendar_overrides(self) -> dict[date, bool]:
        return {row.day: row.working for row in self.s.scalars(select(CalendarOverride)).all()}

    def put_calendar_override(self, day: date, working: bool, note: str = "") -> None:
        row = self.s.get(CalendarOverride, day)
        if row is None:
            self.s.add(CalendarOverride(day=day, working=working, note=note))
        else:
            row.working, row.note = working, note
        self.s.flush()
