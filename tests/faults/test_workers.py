"""Several ``fao worker`` processes on one PostgreSQL: no timer fires twice, none is lost.

Each test starts real worker processes (``python -m webui.cli worker``) against this module's
database and proves its claim from the rows: exactly one ``timer`` audit event per case, every
case completed, no timer row left.
"""
from __future__ import annotations

import json
import os
import time

import pytest

from tests.faults.conftest import SIGKILL, SIGTERM, start_cases, start_many, wait_until

pytestmark = pytest.mark.postgres

MANY = int(os.environ.get("FAO_FAULT_CASES", "2000"))


def assert_each_fired_once(db, n: int) -> None:
    events = db.timer_events()
    assert len(events) == n
    wrong = {case: count for case, count in events.items() if count != 1}
    assert not wrong, f"{len(wrong)} cases fired other than once, e.g. {list(wrong.items())[:5]}"
    assert db.counts() == {"completed": n}
    assert db.scalar("SELECT count(*) FROM timer") == 0
    assert db.scalar("SELECT count(*) FROM incident") == 0


def completed(db) -> int:
    return db.counts().get("completed", 0)


def test_two_workers_fire_2000_timers_exactly_once(db, procs, record_property):
    procs.url = db.url
    ids, start_s = start_many(db, MANY)  # each waits on "PT1S"
    record_property("start_cases_s", round(start_s, 1))
    print(f"\n{MANY} waiting cases made in {start_s:.1f}s")
    assert db.scalar("SELECT count(*) FROM timer") == MANY
    wait_until(db.all_timers_due, 10, what="every timer to fall due")
    began = time.monotonic()
    a, b = procs.worker("a"), procs.worker("b")
    wait_until(lambda: completed(db) == MANY, 50, what=f"{MANY} cases to move on")
    fire_s = time.monotonic() - began
    record_property("fire_s", round(fire_s, 1))
    print(f"two workers fired {MANY} timers in {fire_s:.1f}s ({MANY / fire_s:.0f}/s)")
    assert a.alive() and b.alive()
    assert_each_fired_once(db, MANY)
    # their logs are JSON lines, and say that both took part
    for w in (a, b):
        logs = w.json_logs()
        assert any(line["message"] == "worker started" for line in logs), w.stderr()[-2000:]
        assert all({"time", "level", "logger", "message"} <= set(line) for line in logs)

    def fired_by() -> dict[str, int]:
        return {w.name: sum(line.get("fired", 0) for line in w.json_logs()) for w in (a, b)}

    wait_until(lambda: sum(fired_by().values()) == MANY, 10, what="both workers to log what they fired")
    assert all(fired_by().values()), fired_by()


def test_worker_killed_mid_step_loses_nothing(db, procs):
    """A worker is SIGKILLed after writing a case's new state and before its commit: the other redoes it."""
    procs.url = db.url
    ids, _ = start_cases(db.url, 40)
    wait_until(db.all_timers_due, 10, what="every timer to fall due")
    slow = procs.slow_worker("slow", pause_s=30)
    wait_until(lambda: "mid_step" in slow.stdout(), 20, what="the slow worker to be mid-step")
    victim = json.loads(slow.stdout().splitlines()[0])["mid_step"]
    assert db.scalar("SELECT status FROM instance WHERE id = %s", victim) == "active"  # not committed
    slow.signal(SIGKILL)
    assert slow.wait(10) == -SIGKILL
    worker = procs.worker("rescuer")
    wait_until(lambda: completed(db) == len(ids), 40, what="the other worker to finish every case")
    assert worker.alive()
    assert db.timer_events()[victim] == 1
    assert db.scalar("SELECT status FROM instance WHERE id = %s", victim) == "completed"
    assert_each_fired_once(db, len(ids))


def test_worker_killed_during_a_large_batch_loses_nothing(db, procs):
    procs.url = db.url
    n = min(MANY, 600)
    start_many(db, n)
    wait_until(db.all_timers_due, 10, what="every timer to fall due")
    a, b = procs.worker("a"), procs.worker("b")
    wait_until(lambda: completed(db) >= n // 5, 40, every_s=0.05, what="work to be under way")
    a.signal(SIGKILL)
    assert a.wait(10) == -SIGKILL
    wait_until(lambda: completed(db) == n, 45, what="the surviving worker to finish")
    assert b.alive()
    assert_each_fired_once(db, n)


def test_workers_reconnect_after_their_database_connections_are_cut(db, procs):
    procs.url = db.url
    n = min(MANY, 800)
    start_many(db, n)
    wait_until(db.all_timers_due, 10, what="every timer to fall due")
    a, b = procs.worker("a"), procs.worker("b")
    cuts = 0
    for share in (5, 3, 2):  # cut every connection three times while the work goes on
        wait_until(lambda: completed(db) >= n // share, 40, every_s=0.05, what=f"1/{share} of the work")
        cuts += db.terminate_connections()
    assert cuts >= 2
    wait_until(lambda: completed(db) == n, 45, what="the workers to reconnect and finish")
    assert a.alive() and b.alive()
    assert_each_fired_once(db, n)
    failed = [line for w in (a, b) for line in w.json_logs() if line["message"] == "timer poll failed"]
    print(f"\n{cuts} connections cut; {len(failed)} polls failed and were retried:",
          sorted({next((l for l in line.get("exc", "").splitlines() if "Error:" in l), "")[:140] for line in failed}))


def test_sigterm_finishes_the_current_case_then_exits_0(db, procs):
    procs.url = db.url
    ids, _ = start_cases(db.url, 20)
    wait_until(db.all_timers_due, 10, what="every timer to fall due")
    slow = procs.slow_worker("slow", pause_s=2)
    wait_until(lambda: "mid_step" in slow.stdout(), 20, what="the worker to be mid-step")
    victim = json.loads(slow.stdout().splitlines()[0])["mid_step"]
    slow.signal(SIGTERM)
    assert slow.wait(20) == 0, slow.stderr()[-3000:]
    assert db.scalar("SELECT status FROM instance WHERE id = %s", victim) == "completed"  # finished, committed
    assert completed(db) < len(ids)  # and began no other case after the signal
    messages = [line["message"] for line in slow.json_logs()]
    assert any("stopping after the current case" in m for m in messages)
    assert "worker stopped" in messages
    # what it left is done by the next worker, once
    procs.worker("next")
    wait_until(lambda: completed(db) == len(ids), 30, what="the next worker to finish")
    assert_each_fired_once(db, len(ids))
