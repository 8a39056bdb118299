"""Monitor benchmark: the dashboard's queries over 200,000 cases and 2,000,000 audit events.

Creates its own PostgreSQL database (``FAO_TEST_PG_ADMIN``, default postgres@127.0.0.1:5432),
migrates it, bulk-loads the projections with COPY, times each query of the dashboard and of the
first page of its lists (median of 5 runs after one warm-up), prints one table and drops the
database. Run by ``make bench`` (not by the tests); ``--cases N`` for a smaller run.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PG_ADMIN = os.environ.get("FAO_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
KEYS = [f"process_{i:02d}" for i in range(20)]
GROUPS = ["applicant_unit", "fao_clerk", "section_chief", "office_director", "municipal_leader",
          "protocol_section", "passport_visa_section", "sister_city_section", "press_culture_section"]
STATUSES = ["completed"] * 60 + ["active"] * 25 + ["suspended"] * 5 + ["error"] * 2 + ["terminated"] * 8
STEPS = ["submit", "examine", "verify", "approve", "archive"]
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)


def admin():
    import psycopg

    return psycopg.connect(PG_ADMIN.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def load(url: str, n_cases: int, n_events: int, rng: random.Random) -> dict[str, int]:
    """Bulk-load process versions, cases, tasks, timers, subscriptions, incidents and audit events."""
    import psycopg

    counts = dict.fromkeys(["instance", "human_task", "timer", "message_subscription", "incident", "audit_event"], 0)
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn, conn.cursor() as cur:
        for key in KEYS:
            cur.execute("INSERT INTO process_version (process_key, version, title, content_hash, source_file, bpmn_xml,"
                        " spec_json, forms, start_messages, warnings, change_note, deployed_by, deployed_at, manual_start)"
                        " VALUES (%s, 1, %s, 'x', %s, '<x/>', '{}', '{}', '[]', '[]', '', 'bench', %s, true) RETURNING id",
                        (key, key, f"{key}.bpmn", NOW - timedelta(days=800)))
        cur.execute("SELECT process_key, id FROM process_version")
        version_ids = dict(cur.fetchall())
        cases = []
        with cur.copy("COPY instance (id, process_version_id, process_key, version, status, business_key, title, state,"
                      " serializer_version, revision, started_by, started_at, updated_at, ended_at, due_at) FROM STDIN") as cp:
            for i in range(n_cases):
                key = rng.choice(KEYS)
                status = rng.choice(STATUSES)
                started = NOW - timedelta(seconds=rng.uniform(0, 730 * 86400))
                ended = started + timedelta(seconds=rng.uniform(3600, 40 * 86400)) if status in ("completed", "terminated") else None
                if ended and ended > NOW:
                    ended = NOW - timedelta(minutes=1)
                updated = ended or (started + (NOW - started) * rng.random())
                due = updated + timedelta(days=rng.uniform(-10, 10)) if status in ("active", "suspended", "error") else None
                iid = uuid.uuid4().hex
                cases.append((iid, key, status, started, updated, ended))
                cp.write_row((iid, version_ids[key], key, 1, status, f"BK-{i:07d}", f"案件 {i}", "{}", "1.3", 1,
                              f"user{i % 500}", started, updated, ended, due))
        counts["instance"] = len(cases)
        with cur.copy("COPY human_task (id, instance_id, process_key, bpmn_id, name, lane, instructions, status, assignee,"
                      " priority, created_at, due_at, completed_by, completed_at, business_key, applicant) FROM STDIN") as cp:
            for iid, key, status, started, updated, ended in cases:
                t = started
                for step in STEPS[:2]:  # two completed steps per case, for the analytics
                    done = t + timedelta(seconds=rng.uniform(600, 5 * 86400))
                    cp.write_row((str(uuid.uuid4()), iid, key, step, step, rng.choice(GROUPS), "", "completed",
                                  f"user{rng.randrange(500)}", 50, t, t + timedelta(days=3), f"user{rng.randrange(500)}",
                                  done, iid[:8], "u"))
                    t = done
                    counts["human_task"] += 1
                if status in ("active", "suspended", "error"):
                    claimed = rng.random() < 0.4
                    cp.write_row((str(uuid.uuid4()), iid, key, "approve", "approve", rng.choice(GROUPS), "",
                                  "claimed" if claimed else "open", f"user{rng.randrange(500)}" if claimed else None, 50,
                                  updated, updated + timedelta(days=rng.uniform(-10, 10)), None, None, iid[:8], "u"))
                    counts["human_task"] += 1
        with cur.copy("COPY timer (instance_id, process_key, task_id, bpmn_id, due_at) FROM STDIN") as cp:
            for iid, key, status, *_ in cases:
                if status == "active" and rng.random() < 0.3:
                    cp.write_row((iid, key, str(uuid.uuid4()), "sla", NOW + timedelta(days=rng.uniform(-5, 10))))
                    counts["timer"] += 1
        with cur.copy("COPY message_subscription (instance_id, message_name, task_id, bpmn_id, correlation,"
                      " correlation_key) FROM STDIN") as cp:
            for iid, key, status, *_ in cases:
                if status == "active" and rng.random() < 0.1:
                    cp.write_row((iid, "visa_result", str(uuid.uuid4()), "wait_visa", '{"business_key": "x"}', iid[:8]))
                    counts["message_subscription"] += 1
        with cur.copy("COPY incident (instance_id, task_id, bpmn_id, error_type, message, created_at) FROM STDIN") as cp:
            for iid, key, status, started, updated, ended in cases:
                if status == "error":
                    cp.write_row((iid, str(uuid.uuid4()), "notify", "ZeroDivisionError", "division by zero", updated))
                    counts["incident"] += 1
        actions = ["started", "claimed", "completed", "completed", "timer", "message", "assigned", "completed"]
        with cur.copy("COPY audit_event (instance_id, at, actor, action, task_id, bpmn_id, detail) FROM STDIN") as cp:
            per_case = max(1, n_events // len(cases))
            for iid, key, status, started, updated, ended in cases:
                for j in range(per_case):
                    cp.write_row((iid, started + timedelta(minutes=j * 37), f"user{rng.randrange(500)}", actions[j % len(actions)],
                                  None, STEPS[j % len(STEPS)], '{"comment": "同意"}'))
                    counts["audit_event"] += 1
        conn.commit()
        conn.autocommit = True
        cur.execute("ANALYZE")
    return counts


def timed(fn, runs: int = 5) -> float:
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def bench(url: str) -> list[tuple[str, float]]:
    from engine.timekeeping.working_days import WorkingCalendar
    from store.reads import Reads
    from store.reads.cases import case_list, stuck_list
    from store.reads.incidents import open_incidents
    from store.reads.tasks import overdue_list
    from store.db import make_engine, make_session_factory
    from store.repositories import MiscRepository

    db = make_engine(url)
    session = make_session_factory(db)()
    cutoff = WorkingCalendar().add_working_days(NOW, -3)
    since = NOW - timedelta(weeks=12)
    reads = Reads(session)
    stuck_page = reads.page(stuck_list(cutoff))
    queries = [
        ("dashboard figures (cases, stuck, overdue, incidents)", lambda: reads.analytics.dashboard(NOW, cutoff)),
        ("my notifications", lambda: MiscRepository(session).notifications("boss", limit=8)),
    ]
    results = [(name, timed(fn)) for name, fn in queries]
    results.append(("= dashboard queries", sum(ms for _, ms in results)))
    lists = [
        ("list: open cases, page 1 of 50 + total", lambda: reads.page(case_list(status="open"))),
        ("list: open cases of one process, by due", lambda: reads.page(case_list(KEYS[3], "active", sort="due"))),
        ("list: overdue tasks, page 1 + total", lambda: reads.page(overdue_list(NOW))),
        ("list: stuck cases, page 1 + total", lambda: reads.page(stuck_list(cutoff))),
        ("waiting-on for a page of 50 cases", lambda: reads.waits.of_cases([r.id for r in stuck_page.items])),
        ("list: open incidents, page 1 + total", lambda: reads.page(open_incidents())),
        ("analytics: started/finished per week (12)", lambda: reads.analytics.weekly_counts(KEYS[0], since, "Asia/Shanghai", 28800)),
        ("analytics: cycle time median and p90", lambda: reads.analytics.cycle_time_percentiles(KEYS[0], since)),
        ("analytics: SLA breach rate", lambda: reads.analytics.sla_breaches(KEYS[0], since)),
        ("analytics: mean wait per activity", lambda: reads.analytics.waiting_by_activity(KEYS[0], since)),
        ("modeler: versions with case counts", lambda: reads.processes.table()),
    ]
    results += [(name, timed(fn)) for name, fn in lists]
    session.close()
    db.dispose()
    results += pages(url)
    return results


def pages(url: str) -> list[tuple[str, float]]:
    """Whole pages through Flask (signed in as a supervisor): what a user waits for."""
    from engine.people.accounts import put_user
    from engine.timekeeping.clock import FrozenClock
    from webui import create_app

    app = create_app({"DATABASE_URL": url, "SCHEDULER_ENABLED": False, "TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "CLOCK": FrozenClock(NOW)})
    eng = app.extensions["fao_engine"]
    with eng.uow() as uow:
        put_user(uow, NOW, "boss", "pw-bench-boss", [], ["supervisor"])
        uow.commit()
    client = app.test_client()
    client.post("/login", data={"username": "boss", "password": "pw-bench-boss"})
    out = []
    for label, path in (("page: /monitor (dashboard)", "/monitor"), ("page: /monitor/stuck", "/monitor/stuck"),
                        ("page: /monitor/overdue", "/monitor/overdue"),
                        (f"page: /monitor/processes/{KEYS[0]}", f"/monitor/processes/{KEYS[0]}")):
        def get(path=path):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        out.append((label, timed(get)))
    eng.session_factory.kw["bind"].dispose()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--events", type=int, default=2_000_000)
    args = parser.parse_args()
    from store.migrate import upgrade

    name = f"fao_bench_monitor_{uuid.uuid4().hex[:8]}"
    with admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    try:
        upgrade(url)
        t0 = time.perf_counter()
        counts = load(url, args.cases, args.events, random.Random(7))
        load_s = time.perf_counter() - t0
        results = bench(url)
    finally:
        with admin() as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                         (name,))
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    print(f"Monitor benchmark on PostgreSQL: {', '.join(f'{v:,} {k}' for k, v in counts.items())} "
          f"(loaded in {load_s:.0f} s)")
    print(f"{'query':<54} {'median of 5':>12}")
    for label, ms in results:
        print(f"{label:<54} {ms:>9.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
