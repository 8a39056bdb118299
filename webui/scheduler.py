"""Timer polling with APScheduler: inside ``fao serve`` or as ``fao worker``."""
from __future__ import annotations

import logging
import signal
import threading

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

log = logging.getLogger(__name__)


def _poll(engine) -> None:
    try:
        engine.fire_due_timers()
    except Exception:  # noqa: BLE001 - a failing poll must not stop the scheduler
        log.exception("timer poll failed")


def start_background(engine, interval_s: float = 1.0) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(daemon=True)
    scheduler.add_job(_poll, "interval", seconds=interval_s, args=[engine], id="fire_due_timers",
                      max_instances=1, coalesce=True)
    scheduler.start()
    return scheduler


def run_worker(engine, interval_s: float = 1.0) -> None:
    """Poll until SIGTERM/SIGINT; the running poll finishes its current case first."""
    scheduler = BlockingScheduler()
    scheduler.add_job(_poll, "interval", seconds=interval_s, args=[engine], id="fire_due_timers",
                      max_instances=1, coalesce=True)

    def stop(signum, _frame) -> None:
        log.info("signal %s: stopping after the current case", signum)
        threading.Thread(target=scheduler.shutdown, kwargs={"wait": True}, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    scheduler.start()
