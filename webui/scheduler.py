"""Timer polling: an APScheduler job inside ``fao serve``, or the ``fao worker`` loop.

Timers are rows; both only poll them. A stop flag (a ``threading.Event``) is checked between
cases, so a stop finishes the case in hand (its transaction commits) and begins no other.
"""
from __future__ import annotations

import logging
import signal
import threading
from datetime import UTC, datetime
from types import FrameType
from typing import TYPE_CHECKING

from engine.workflow_engine import WorkflowEngine

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.base import BaseScheduler

log = logging.getLogger(__name__)
BATCH = 50  # cases per poll; a full batch is followed at once by the next poll


def poll(engine: WorkflowEngine, stop: threading.Event | None = None, limit: int = BATCH) -> int:
    """Fire due timers once; a failure (e.g. the database is gone) is logged and counts as 0."""
    try:
        return engine.fire_due_timers(limit, stop=stop)
    except Exception:
        log.exception("timer poll failed")
        return 0


def drain(engine: WorkflowEngine, stop: threading.Event, limit: int = BATCH) -> int:
    """Poll until fewer than a full batch fell due (a busy engine polls again at once) or ``stop``.

    Logs how many cases moved on (``fired``) when any did.
    """
    total = 0
    while not stop.is_set():
        moved = poll(engine, stop, limit)
        total += moved
        if moved < limit:
            break
    if total:
        log.info("timers fired", extra={"fired": total})
    return total


def digest(engine: WorkflowEngine) -> None:
    """The daily digest of what became overdue, and the overdue passport loans; of several
    schedulers, one sends each."""
    try:
        engine.send_overdue_digest(once_per_day=True)
    except Exception:
        log.exception("overdue digest failed")
    try:
        engine.remind_overdue_passports(once_per_day=True)
    except Exception:
        log.exception("overdue passport reminder failed")


def _add_jobs(scheduler: BaseScheduler, engine: WorkflowEngine, stop: threading.Event, interval_s: float,
              timezone: str) -> None:
    scheduler.add_job(drain, "interval", seconds=interval_s, args=[engine, stop], id="fire_due_timers",
                      max_instances=1, coalesce=True, next_run_time=datetime.now(UTC))
    scheduler.add_job(digest, "cron", hour=8, minute=30, timezone=timezone, args=[engine], id="overdue_digest",
                      max_instances=1, coalesce=True)


def start_background(engine: WorkflowEngine, interval_s: float = 1.0,
                     timezone: str = "Asia/Shanghai") -> BackgroundScheduler:
    """The embedded scheduler of ``fao serve``: one polling job (never one job per timer) and the digest."""
    from apscheduler.schedulers.background import BackgroundScheduler

    stop = threading.Event()
    scheduler = BackgroundScheduler(daemon=True)
    _add_jobs(scheduler, engine, stop, interval_s, timezone)
    scheduler.start()
    scheduler.fao_stop = stop  # set it before ``shutdown()`` to end a running poll after its case
    return scheduler


def work(engine: WorkflowEngine, stop: threading.Event, interval_s: float = 1.0,
         timezone: str = "Asia/Shanghai") -> None:
    """Run the APScheduler jobs until ``stop`` is set; the poll in progress finishes its case first."""
    from apscheduler.schedulers.background import BackgroundScheduler

    log.info("worker started", extra={"interval_s": interval_s})
    scheduler = BackgroundScheduler()
    _add_jobs(scheduler, engine, stop, interval_s, timezone)
    scheduler.start()
    stop.wait()
    scheduler.shutdown(wait=True)  # waits for a running poll, which stops after its current case
    log.info("worker stopped")


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT (install it early: a signal during start-up then stops cleanly)."""
    stop = threading.Event()

    def _signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: stopping after the current case", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, _signal)
    signal.signal(signal.SIGINT, _signal)
    return stop


def run_worker(engine: WorkflowEngine, interval_s: float = 1.0, stop: threading.Event | None = None) -> None:
    """``fao worker``: poll until SIGTERM/SIGINT, which finish the current case; then return."""
    stop = stop or stop_on_signals()
    try:
        work(engine, stop, interval_s)
    finally:
        engine.dispose()
