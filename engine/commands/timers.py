"""Firing due timers: waiting timer events of cases, and timer starts of processes."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition as T

from engine.bpmn.spec_facts import describe_spec
from engine.commands.case_command import TIMER_ACTOR_NAME
from engine.commands.instances import start_in
from engine.errors import Conflict, NotFound
from engine.people.identity import Actor
from engine.state import stepping
from engine.timekeeping.timer_events import first_cycle_due
from store.models import Timer

if TYPE_CHECKING:
    from engine.commands.runner import CommandRunner
    from store.uow import UnitOfWork

log = logging.getLogger(__name__)
TIMER_ACTOR = Actor(TIMER_ACTOR_NAME, roles=frozenset({"admin"}), display_name=TIMER_ACTOR_NAME)


class StopFlag(Protocol):
    """What a graceful stop looks like to the timer loop (a ``threading.Event`` fits)."""

    def is_set(self) -> bool: ...


def _stopping(stop: StopFlag | None) -> bool:
    return stop is not None and stop.is_set()


def fire_due_timers(engine: CommandRunner, limit: int = 50, stop: StopFlag | None = None) -> int:
    """Fire every timer due by the engine clock; each case in its own transaction.

    Args:
        engine: the engine.
        limit: at most this many cases per call.
        stop: checked between cases; once set, the case in hand is finished and no other begun.

    Returns:
        How many cases moved on.
    """
    now = engine.clock.now()
    moved = 0
    passed: list[str] = []  # cases claimed in this poll that had nothing to fire, or were busy
    for _ in range(limit):
        if _stopping(stop):
            return moved
        claimed: list[str] = []

        def claim(uow: UnitOfWork) -> str | None:
            # lock one due timer row no other worker holds, before the case is even loaded:
            # concurrent workers each take a different row and never walk the same list
            instance_id = uow.events.claim_due_timer(now, exclude=passed)
            if instance_id is not None:
                claimed.append(instance_id)  # noqa: B023 - claim runs within this iteration's command
            return instance_id

        try:
            with engine.command(None, TIMER_ACTOR, skip_locked=True, claim=claim) as cmd:
                fired = []  # the claimed row is locked and due: no second look at the timer rows
                if cmd.instance.status == "active":
                    fired = stepping.fire_due_timers(cmd.workflow, now)
                if not fired:
                    cmd.skip_save = True
                    passed.append(cmd.instance.id)
                else:
                    for timer in fired:
                        cmd.audit_timer(str(timer.task.id), timer.bpmn_id)
                    engine.advance(cmd)
                    moved += 1
        except (NotFound, Conflict):
            if not claimed:
                break  # nothing due is left that another worker does not hold
            passed.append(claimed[0])  # a user's command holds the case or changed it: next poll
    moved += fire_timer_starts(engine, now, stop)
    return moved


def _first_due(expression_value: str, now: datetime) -> tuple[datetime, float | None, int | None]:
    value = str(expression_value).strip()
    if value.upper().startswith("R"):
        cycles, _wall_clock_start, duration = T.parse_iso_recurring_interval(value)
        return first_cycle_due(value, now), duration.total_seconds(), (None if cycles < 0 else cycles)
    if value.upper().startswith("P"):
        return now + T.get_timedelta_from_start(T.parse_iso_duration(value), now), None, 1
    return T.get_datetime(value), None, 1


def schedule_timer_starts(engine: CommandRunner, uow: UnitOfWork, keys: list[str]) -> None:
    """(Re)create the start-timer rows of the given processes' latest versions."""
    now = engine.clock.now()
    for key in keys:
        version = uow.processes.latest(key)
        if version is None:
            continue
        for row in uow.events.start_timers(key):
            uow.events.delete_timer(row)
        spec, subs = engine.codec.load_specs(version.id, version.spec_json)
        for bpmn_id, expression in describe_spec(spec, subs).timer_starts:
            try:
                value = engine.script_engine(None, uow).environment.evaluate(expression, {})
                due, period, repeats = _first_due(value, now)
            except Exception as exc:
                log.warning("timer start %s of %s not scheduled: %s", bpmn_id, key, exc)
                continue
            uow.events.add_timer(Timer(instance_id=None, process_key=key, task_id=None, bpmn_id=bpmn_id,
                                       due_at=due, period_s=period, repeats_left=repeats))


def fire_timer_starts(engine: CommandRunner, now: datetime, stop: StopFlag | None = None) -> int:
    """Start a case for every due timer start; each start and its reschedule in one transaction."""
    if _stopping(stop):
        return 0
    with engine.uow() as uow:
        due_ids = [row.id for row in uow.events.due_start_timers(now)]
    started = 0
    for timer_id in due_ids:
        if _stopping(stop):
            break
        with engine.uow() as uow:
            row = uow.events.lock_start_timer(timer_id, now)
            if row is None:
                continue  # another worker took it
            try:
                start_in(engine, uow, row.process_key, TIMER_ACTOR, {}, None, check=False, timer_start=row.bpmn_id)
                uow.send_writes()  # a failing write of the start fails here, inside the try
            except Exception as exc:
                log.error("timer start of %s failed: %s", row.process_key, exc)
                uow.rollback()
                row = uow.events.lock_start_timer(timer_id, now)
                if row is None:
                    continue
            started += 1
            if row.repeats_left is not None:
                row.repeats_left -= 1
            if row.period_s and (row.repeats_left is None or row.repeats_left > 0):
                nxt = row.due_at + timedelta(seconds=row.period_s)
                while nxt <= now:  # a long outage fires once, not once per missed period
                    nxt += timedelta(seconds=row.period_s)
                row.due_at = nxt
            else:
                uow.events.delete_timer(row)
            uow.commit()
    return started
