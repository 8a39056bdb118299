"""Timers and message subscriptions."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, delete, select, text
from sqlalchemy.orm import Session

from store import fast_writes
from store.models import MessageSubscription, Timer
from store.repositories.dialect import dialect_of, for_update

_timers = cast(Table, Timer.__table__)
_subscriptions = cast(Table, MessageSubscription.__table__)
_DELETE_TIMERS = delete(_timers).where(_timers.c.instance_id == bindparam("iid"))
_DELETE_SUBSCRIPTIONS = delete(_subscriptions).where(_subscriptions.c.instance_id == bindparam("iid"))
_DELETE_EVENTS_PG = text("WITH gone AS (DELETE FROM timer WHERE instance_id = :iid) "
                         "DELETE FROM message_subscription WHERE instance_id = :iid")


class EventRepository:
    """Timers and message subscriptions (both rebuilt per instance on every save)."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def replace_for(self, instance_id: str, timers: list[Timer], subscriptions: list[MessageSubscription]) -> None:
        if dialect_of(self.s) == "postgresql":  # both deletes in one statement
            fast_writes.write(self.s, _DELETE_EVENTS_PG, {"iid": instance_id})
        else:
            self.s.connection().execute(_DELETE_TIMERS, {"iid": instance_id})
            self.s.connection().execute(_DELETE_SUBSCRIPTIONS, {"iid": instance_id})
        self.s.add_all(timers)
        self.s.add_all(subscriptions)

    def timers_for(self, instance_id: str) -> Sequence[Timer]:
        return self.s.scalars(select(Timer).where(Timer.instance_id == instance_id).order_by(Timer.due_at)).all()

    def subscriptions_for(self, instance_id: str) -> Sequence[MessageSubscription]:
        return self.s.scalars(select(MessageSubscription).where(MessageSubscription.instance_id == instance_id)).all()

    def claim_due_timer(self, now: datetime, exclude: Iterable[str] = ()) -> str | None:
        """Lock the earliest due timer row of a case that no other worker holds; returns its case.

        ``FOR UPDATE SKIP LOCKED`` on PostgreSQL: concurrent workers each take a different row
        and never walk the same list. The lock lasts until the caller's transaction ends, so the
        claim and the case's step commit (or roll back) together. On SQLite the write
        transaction already serialises the workers.
        """
        stmt = select(Timer.instance_id).where(Timer.due_at <= now, Timer.instance_id.is_not(None))
        exclude = list(exclude)
        if exclude:
            stmt = stmt.where(Timer.instance_id.not_in(exclude))
        stmt = stmt.order_by(Timer.due_at).limit(1)  # the due_at index's order: no sort of every due row
        return self.s.scalar(for_update(self.s, stmt, skip_locked=True))

    def lock_due_timers(self, instance_id: str, now: datetime) -> Sequence[Timer]:
        """Lock this instance's due timer rows, skipping rows another worker holds."""
        stmt = select(Timer).where(Timer.instance_id == instance_id, Timer.due_at <= now)
        return self.s.scalars(for_update(self.s, stmt, skip_locked=True)).all()

    def due_start_timers(self, now: datetime, limit: int = 20) -> Sequence[Timer]:
        stmt = select(Timer).where(Timer.instance_id.is_(None), Timer.due_at <= now).order_by(Timer.due_at).limit(limit)
        return self.s.scalars(for_update(self.s, stmt, skip_locked=True)).all()

    def lock_start_timer(self, timer_id: int, now: datetime) -> Timer | None:
        stmt = select(Timer).where(Timer.id == timer_id, Timer.instance_id.is_(None), Timer.due_at <= now)
        locked = for_update(self.s, stmt, skip_locked=True).execution_options(populate_existing=True)
        return self.s.scalars(locked).first()

    def start_timers(self, process_key: str) -> Sequence[Timer]:
        return self.s.scalars(select(Timer).where(Timer.instance_id.is_(None), Timer.process_key == process_key)).all()

    def add_timer(self, timer: Timer) -> None:
        self.s.add(timer)

    def delete_timer(self, timer: Timer) -> None:
        self.s.delete(timer)

    def subscriptions(self, message_name: str, correlation_key: str | None = None) -> Sequence[MessageSubscription]:
        stmt = select(MessageSubscription).where(MessageSubscription.message_name == message_name)
        if correlation_key is not None:
            stmt = stmt.where(MessageSubscription.correlation_key == correlation_key)
        return self.s.scalars(stmt.order_by(MessageSubscription.id)).all()
