"""The daily digest: supervisors hear which tasks became overdue."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from engine.commands.escalations import DIGEST_LISTS_AT_MOST, OVERDUE_DIGEST, supervisors
from store.models import Notification

if TYPE_CHECKING:
    from engine.commands.runner import CommandRunner


def send_overdue_digest(engine: CommandRunner, since: datetime | None = None, once_per_day: bool = False) -> int:
    """One notification per supervisor listing the tasks that became overdue since ``since``.

    Args:
        once_per_day: claim today's digest first, so that of several schedulers only one sends it.

    Returns:
        How many tasks the digest names (0: nothing sent).
    """
    now = engine.clock.now()
    since = since or now - timedelta(days=1)
    with engine.uow() as uow:
        if once_per_day:
            day = int(now.astimezone(engine.calendar(uow).tz).strftime("%Y%m%d"))
            if uow.misc.next_sequence("overdue_digest", day) != 1:
                return 0  # another process sent today's digest
            uow.commit()  # the claim stands even when there is nothing to report
        rows = uow.tasks.became_overdue(since, now)
        if not rows:
            return 0
        named = [{"name": t.name, "business_key": t.business_key or t.instance_id[:8], "lane": t.lane,
                  "assignee": t.assignee} for t in rows[:DIGEST_LISTS_AT_MOST]]
        for username in supervisors(uow):
            uow.misc.add_notification(Notification(
                username=username, instance_id=None, created_at=now, read_at=None,
                code=OVERDUE_DIGEST, params={"count": len(rows), "tasks": named},
            ))
        uow.commit()
        return len(rows)
