"""What cases wait on now: people (open tasks), timers and messages."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import HumanTask, MessageSubscription, Timer
from store.reads.tasks import TASK_COLUMNS
from store.task_status import ACTIVE_STATUSES


class WaitReads:
    """Named reads of the ``human_task``, ``timer`` and ``message_subscription`` projections."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def of_case(self, instance_id: str) -> list[dict[str, Any]]:
        """What one case waits for now, people first, then timers, then messages."""
        return self.of_cases([instance_id])[instance_id]

    def of_cases(self, instance_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """What each case waits for now: three queries for any number of cases."""
        ids = list(dict.fromkeys(instance_ids))
        out: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
        if not ids:
            return out
        for t in self.s.execute(select(*TASK_COLUMNS).where(HumanTask.instance_id.in_(ids),
                                                            HumanTask.status.in_(ACTIVE_STATUSES))
                                .order_by(HumanTask.created_at, HumanTask.id)):
            out[t.instance_id].append({"kind": "task", "bpmn_id": t.bpmn_id, "group": t.lane,
                                       "assignee": t.assignee, "since": t.created_at, "until": t.due_at,
                                       "task_id": t.id, "name": t.name})
        for tm in self.s.execute(select(Timer.instance_id, Timer.bpmn_id, Timer.due_at)
                                 .where(Timer.instance_id.in_(ids)).order_by(Timer.due_at, Timer.id)):
            out[tm.instance_id].append({"kind": "timer", "bpmn_id": tm.bpmn_id, "until": tm.due_at})
        for s in self.s.execute(select(MessageSubscription.instance_id, MessageSubscription.bpmn_id,
                                       MessageSubscription.message_name, MessageSubscription.correlation)
                                .where(MessageSubscription.instance_id.in_(ids)).order_by(MessageSubscription.id)):
            out[s.instance_id].append({"kind": "message", "bpmn_id": s.bpmn_id, "message": s.message_name,
                                       "correlation": s.correlation})
        return out

    def oldest_timer_due(self) -> datetime | str | None:
        """The earliest due time of any timer (SQLite answers text)."""
        return self.s.scalar(select(func.min(Timer.due_at)))
