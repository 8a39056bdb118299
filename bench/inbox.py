"""Inbox benchmark: server time of the inbox page and GET /api/v1/tasks with 100,000 open tasks.

Run by ``make bench``. Seeds 100,000 open human tasks (the projection the inbox reads) in a fresh
SQLite file and a fresh PostgreSQL database, most of them in one busy group's lane, then times
requests of a clerk of that group through the Flask test client (server time, no network).
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.engine import make_db, sequential_bpmn  # noqa: E402

N_TASKS = int(os.environ.get("BENCH_INBOX_TASKS", "100000"))
N_REQUESTS = 40


PG_SEED = """
WITH made AS (
    INSERT INTO instance (id, process_version_id, process_key, version, status, business_key, title, state,
                          serializer_version, revision, started_by, started_at, updated_at)
    SELECT md5(random()::text || g::text), :pv, 'bench_seq', 1, 'active', 'B' || lpad(g::text, 6, '0'), 'case', '{}',
           '1.5', 1, 'unit', :base + g * interval '20 seconds', :base + g * interval '20 seconds'
    FROM generate_series(0, :n - 1) AS g
    RETURNING id, business_key, started_at, (substr(business_key, 2))::int AS g)
INSERT INTO human_task (id, instance_id, process_key, bpmn_id, name, lane, status, priority, created_at, due_at,
                        instructions, business_key, applicant)
SELECT gen_random_uuid()::text, id, 'bench_seq', 't0', 'Step 0',
       CASE WHEN g % 10 < 8 THEN 'fao_clerk' WHEN g % 10 = 8 THEN 'protocol_section' ELSE 'press_culture_section' END,
       'open', 50, started_at, started_at + interval '5 days', '', business_key, 'unit' FROM made
"""


def seed(engine, n: int) -> None:
    from sqlalchemy import insert, select, text

    from store.models import HumanTask, Instance

    with engine.uow() as uow:
        s = uow.session
        template = s.scalars(select(Instance).limit(1)).first()
        base = datetime.now(timezone.utc) - timedelta(days=30)
        lanes = ["fao_clerk"] * 8 + ["protocol_section", "press_culture_section"]
        rows_i, rows_t = [], []
        if s.get_bind().dialect.name == "postgresql":  # the same rows, made by the server in one statement
            s.execute(text("SET LOCAL session_replication_role = replica"))  # a bulk load: triggers off,
            s.execute(text(PG_SEED), {"n": n, "pv": template.process_version_id, "base": base})
            s.execute(text("SET LOCAL session_replication_role = origin"))
            uow.tasks.rebuild_counts()  # then the counter projection recounted
            n = 0
        for i in range(n):
            iid = uuid.uuid4().hex
            at = base + timedelta(seconds=i * 20)
            rows_i.append(dict(id=iid, process_version_id=template.process_version_id, process_key="bench_seq",
                               version=1, status="active", business_key=f"B{i:06d}", title="case", state="{}",
                               serializer_version="1.5", revision=1, started_by="unit", started_at=at, updated_at=at))
            rows_t.append(dict(id=str(uuid.uuid4()), instance_id=iid, process_key="bench_seq", bpmn_id="t0",
                               name="Step 0", lane=lanes[i % len(lanes)], status="open", priority=50, created_at=at,
                               due_at=at + timedelta(days=5), instructions="", business_key=f"B{i:06d}",
                               applicant="unit"))
            if len(rows_i) == 5000:
                s.execute(insert(Instance), rows_i)
                s.execute(insert(HumanTask), rows_t)
                rows_i, rows_t = [], []
        if rows_i:
            s.execute(insert(Instance), rows_i)
            s.execute(insert(HumanTask), rows_t)
        uow.commit()
    # what a running database's autovacuum / ANALYZE would have done by now
    bind = engine.session_factory.kw["bind"]
    if bind.dialect.name == "postgresql":
        with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE human_task")
    else:
        with bind.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


def timed(client, path: str, headers: dict | None = None) -> list[float]:
    out = []
    for _ in range(N_REQUESTS):
        t0 = time.perf_counter()
        resp = client.get(path, headers=headers or {})
        out.append((time.perf_counter() - t0) * 1000)
        assert resp.status_code == 200, (path, resp.status_code)
    return out


def p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95) - 1]


def run(kind: str, tmp: Path) -> list[tuple[str, float, float]]:
    from engine.people.accounts import new_token, put_user
    from webui import create_app
    from webui.wiring import build_engine

    url, drop = make_db(kind, tmp)
    try:
        engine = build_engine(url)
        with engine.uow() as uow:
            put_user(uow, engine.clock.now(), "ana", "pw", [], ["analyst"])
            put_user(uow, engine.clock.now(), "clerk", "pw", ["fao_clerk"], ["clerk"])
            uow.commit()
        engine.deploy([("bench_seq.bpmn", sequential_bpmn().encode())], engine.actor("ana"))
        engine.start("bench_seq", engine.actor("ana"), {})
        t0 = time.perf_counter()
        seed(engine, N_TASKS)
        print(f"  {kind}: seeded {N_TASKS} open tasks in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        with engine.uow() as uow:
            token = new_token(uow, engine.clock.now(), "clerk")
            uow.commit()
        app = create_app({"DATABASE_URL": url, "SCHEDULER_ENABLED": False, "ENGINE": engine, "TESTING": True,
                          "WTF_CSRF_ENABLED": False})
        client = app.test_client()
        resp = client.post("/login", data={"username": "clerk", "password": "pw"})
        assert resp.status_code in (200, 302)
        page = timed(client, "/inbox")
        api = timed(client, "/api/v1/tasks?per_page=50", {"Authorization": f"Bearer {token}"})
        engine.session_factory.kw["bind"].dispose()
        return [(f"{kind}: /inbox page", statistics.median(page), p95(page)),
                (f"{kind}: GET /api/v1/tasks", statistics.median(api), p95(api))]
    finally:
        drop()


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    rows = []
    for kind in ("sqlite", "postgresql"):
        rows += run(kind, tmp)
    print(f"\nInbox benchmark: {N_TASKS} open tasks (80% in the clerk's group), page size 50, {N_REQUESTS} requests\n")
    print(f"| {'request':<34} | {'median ms':>9} | {'p95 ms':>7} |")
    print(f"|{'-' * 36}|{'-' * 11}|{'-' * 9}|")
    for name, med, p in rows:
        print(f"| {name:<34} | {med:>9.1f} | {p:>7.1f} |")


if __name__ == "__main__":
    main()
