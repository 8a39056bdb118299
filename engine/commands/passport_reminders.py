"""Overdue passport loans: the passport section hears of each loan not handed back in time."""
from __future__ import annotations

from typing import TYPE_CHECKING

from store.models import Notification

if TYPE_CHECKING:
    from engine.commands.runner import CommandRunner

PASSPORT_OVERDUE = "passport_overdue"  # Notification.code: a lent passport or permit is past its due-back day
PASSPORT_SECTION = "passport_visa_section"


def remind_overdue_passports(engine: CommandRunner, once_per_day: bool = False) -> int:
    """One notification per member of the passport section for each loan that became overdue.

    A loan is reminded of once (the ledger keeps the day, and the history says so); lending the
    document again starts afresh. The notice carries the holder, the kind, the due-back day and
    the case; the number stays out of it (personal data).

    Args:
        once_per_day: claim today's run first, so that of several schedulers only one sends.

    Returns:
        How many loans were reminded of.
    """
    now = engine.clock.now()
    with engine.uow() as uow:
        today = now.astimezone(engine.calendar(uow).tz).date()
        if once_per_day:
            if uow.misc.next_sequence(PASSPORT_OVERDUE, int(today.strftime("%Y%m%d"))) != 1:
                return 0
            uow.commit()
        rows = uow.registers.overdue_passports(today)
        readers = uow.users.members_of(PASSPORT_SECTION)
        for row in rows:
            params = {"entry_id": row.id, "holder": row.holder, "holder_unit": row.holder_unit, "kind": row.kind,
                      "due_back_on": row.due_back_on.isoformat() if row.due_back_on else "",
                      "lent_for": row.lent_for}
            for username in readers:
                uow.misc.add_notification(Notification(
                    username=username, instance_id=row.lent_instance_id, created_at=now, read_at=None,
                    code=PASSPORT_OVERDUE, params=params))
            uow.registers.write("passports", row.number, {"reminded_on": today}, action="reminded", at=now,
                                actor=None, instance_id=row.lent_instance_id)
        uow.commit()
        return len(rows)
