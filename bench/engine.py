"""Engine benchmark: task completions per second, from SpiffWorkflow alone to our engine.

Run by ``make bench`` (not by the tests). Prints one table.
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

N_TASKS = 10
PG_ADMIN = os.environ.get("FAO_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def sequential_bpmn(n: int = N_TASKS) -> str:
    nodes, flows = [], []
    prev = "start"
    for i in range(n):
        nodes.append(f'<bpmn:userTask id="t{i}" name="Step {i}"/>')
        flows.append(f'<bpmn:sequenceFlow id="f{i}" sourceRef="{prev}" targetRef="t{i}"/>')
        prev = f"t{i}"
    flows.append(f'<bpmn:sequenceFlow id="fend" sourceRef="{prev}" targetRef="end"/>')
    refs = "".join(f"<bpmn:flowNodeRef>t{i}</bpmn:flowNodeRef>" for i in range(n))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
<bpmn:process id="bench_seq" isExecutable="true">
<bpmn:laneSet id="ls"><bpmn:lane id="l" name="fao_clerk">{refs}</bpmn:lane></bpmn:laneSet>
<bpmn:startEvent id="start"/>{''.join(nodes)}<bpmn:endEvent id="end"/>{''.join(flows)}
</bpmn:process></bpmn:definitions>"""


def spiff_alone(cases: int, persist: bool) -> float:
    from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
    from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
    from SpiffWorkflow.util.task import TaskState

    parser = SpiffBpmnParser()
    with tempfile.NamedTemporaryFile("w", suffix=".bpmn", delete=False) as f:
        f.write(sequential_bpmn())
    parser.add_bpmn_file(f.name)
    spec = parser.get_spec("bench_seq")
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    done = 0
    t0 = time.perf_counter()
    for _ in range(cases):
        wf = BpmnWorkflow(spec)
        wf.do_engine_steps()
        state = serializer.serialize_json(wf) if persist else None
        while True:
            if persist:
                wf = serializer.deserialize_json(state)
            ready = wf.get_tasks(state=TaskState.READY, manual=True)
            if not ready:
                break
            ready[0].data.update({"ok": True})
            ready[0].run()
            wf.do_engine_steps()
            done += 1
            if persist:
                state = serializer.serialize_json(wf)
    return done / (time.perf_counter() - t0)


def make_db(kind: str, tmp: Path) -> tuple[str, callable]:
    from store.migrate import upgrade

    if kind == "sqlite":
        url = f"sqlite:///{tmp / f'bench-{uuid.uuid4().hex[:6]}.db'}"
        upgrade(url)
        return url, lambda: None
    import psycopg

    name = f"fao_bench_{uuid.uuid4().hex[:8]}"
    admin = PG_ADMIN.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname=%s AND pid<>pg_backend_pid()", (name,))
            c.execute(f'DROP DATABASE IF EXISTS "{name}"')

    upgrade(url)
    return url, drop


def our_engine_setup(url: str):
    """An engine on ``url`` with the bench user and the sequential process deployed."""
    from engine.people.accounts import put_user
    from webui.wiring import build_engine

    engine = build_engine(url)
    with engine.uow() as uow:
        put_user(uow, engine.clock.now(), "bench", "pw", ["fao_clerk"], ["analyst"])
        uow.commit()
    actor = engine.actor("bench")
    engine.deploy([("bench_seq.bpmn", sequential_bpmn().encode())], actor)
    return engine, actor


def api_client(engine):
    """A Flask test client of an app over ``engine`` and the bench user's bearer header."""
    from engine.people.accounts import new_token
    from webui import create_app

    with engine.uow() as uow:
        token = new_token(uow, engine.clock.now(), "bench")
        uow.commit()
    app = create_app({"ENGINE": engine, "SCHEDULER_ENABLED": False, "TESTING": True,
                      "DATABASE_URL": str(engine.session_factory.kw["bind"].url)})
    return app.test_client(), {"Authorization": f"Bearer {token}"}


def our_engine(url: str, cases: int) -> tuple[float, list[float], object, object]:
    engine, actor = our_engine_setup(url)
    t0 = time.perf_counter()
    per_completion = run_cases(engine, actor, cases)
    return len(per_completion) / (time.perf_counter() - t0), per_completion, engine, actor


def run_cases(engine, actor, cases: int, starts: list[float] | None = None) -> list[float]:
    """Start cases and complete each task by task; returns the seconds of every completion
    (and appends the seconds of every start to ``starts``, when given)."""
    samples: list[float] = []
    for _ in range(cases):
        t0 = time.perf_counter()
        inst = engine.start("bench_seq", actor, {})
        if starts is not None:
            starts.append(time.perf_counter() - t0)
        while True:
            with engine.uow(read_only=True) as uow:  # as the web UI reads
                active = uow.reads.tasks.open_of(inst.id)
                task_id = active[0].id if active else None
            if task_id is None:
                break
            t1 = time.perf_counter()
            engine.complete(task_id, actor, {"ok": True})
            samples.append(time.perf_counter() - t1)
    return samples


def through_api(engine, cases: int) -> tuple[float, float, float]:
    """Completions per second, median completion and median start, through the JSON API (test client)."""
    from engine.people.accounts import new_token
    from webui import create_app

    with engine.uow() as uow:
        token = new_token(uow, engine.clock.now(), "bench")
        uow.commit()
    app = create_app({"ENGINE": engine, "SCHEDULER_ENABLED": False, "TESTING": True,
                      "DATABASE_URL": str(engine.session_factory.kw["bind"].url)})
    rate, start_ms, per_ms = api_cases(app.test_client(), {"Authorization": f"Bearer {token}"}, cases)
    return rate, per_ms, start_ms


def api_cases(client, auth: dict, cases: int) -> tuple[float, float, float]:
    """Whole cases through the JSON API: completions per second, median start and median completion (ms)."""
    done, starts, per = 0, [], []
    t_all = time.perf_counter()
    for _ in range(cases):
        t0 = time.perf_counter()
        resp = client.post("/api/v1/processes/bench_seq/instances", json={}, headers=auth)
        starts.append(time.perf_counter() - t0)
        tasks = resp.get_json()["active_tasks"]
        while tasks:
            t0 = time.perf_counter()
            resp = client.post(f"/api/v1/tasks/{tasks[0]['id']}/complete", json={"data": {"ok": True}}, headers=auth)
            per.append(time.perf_counter() - t0)
            assert resp.status_code == 200, resp.get_data(as_text=True)
            tasks = resp.get_json()["next_tasks"]
            done += 1
    return done / (time.perf_counter() - t_all), statistics.median(starts) * 1000, statistics.median(per) * 1000


def start_cost(engine, actor, n: int = 200) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        engine.start("bench_seq", actor, {})
    return (time.perf_counter() - t0) / n * 1000


def pad_instances(engine, target: int) -> None:
    """Bulk-insert copies of a running case until the database holds ``target`` cases."""
    from sqlalchemy import func, insert, select

    from store.models import HumanTask, Instance

    with engine.uow() as uow:
        template = uow.session.scalars(select(Instance).where(Instance.status == "active").limit(1)).first()
    if template is None:
        engine.start("bench_seq", engine.actor("bench"), {})
    bind = engine.session_factory.kw["bind"]
    if bind.dialect.name == "postgresql":
        pad_instances_pg(engine, target)
        return
    with engine.uow() as uow:
        s = uow.session
        have = s.scalar(select(func.count()).select_from(Instance))
        template = s.scalars(select(Instance).where(Instance.status == "active").limit(1)).first()
        now = datetime.now(timezone.utc)
        batch_i, batch_t = [], []
        for _ in range(max(0, target - have)):
            iid = uuid.uuid4().hex
            batch_i.append(dict(id=iid, process_version_id=template.process_version_id, process_key="bench_seq",
                                version=1, status="active", business_key=iid[:8], title="pad", state=template.state,
                                serializer_version=template.serializer_version, revision=1, started_by="bench",
                                started_at=now, updated_at=now))
            batch_t.append(dict(id=str(uuid.uuid4()), instance_id=iid, process_key="bench_seq", bpmn_id="t0",
                                name="Step 0", lane="fao_clerk", status="open", priority=50, created_at=now,
                                instructions=""))
            if len(batch_i) >= 5000:
                s.execute(insert(Instance), batch_i)
                s.execute(insert(HumanTask), batch_t)
                batch_i, batch_t = [], []
        if batch_i:
            s.execute(insert(Instance), batch_i)
            s.execute(insert(HumanTask), batch_t)
        uow.commit()


PG_PAD = """
WITH made AS (
    INSERT INTO instance (id, process_version_id, process_key, version, status, business_key, title, state,
                          serializer_version, revision, started_by, started_at, updated_at)
    SELECT md5(random()::text || g::text), t.process_version_id, 'bench_seq', 1, 'active', 'PAD' || g, 'pad',
           t.state, t.serializer_version, 1, 'bench', now(), now()
    FROM generate_series(1, :n) AS g, (SELECT * FROM instance WHERE id = :template) AS t
    RETURNING id)
INSERT INTO human_task (id, instance_id, process_key, bpmn_id, name, lane, status, priority, created_at, instructions)
SELECT gen_random_uuid()::text, id, 'bench_seq', 't0', 'Step 0', 'fao_clerk', 'open', 50, now(), '' FROM made
"""


def pad_instances_pg(engine, target: int) -> None:
    """The PostgreSQL padding in one server-side statement, then what autovacuum would do."""
    from sqlalchemy import func, select, text

    from store.models import Instance

    with engine.uow() as uow:
        s = uow.session
        have = s.scalar(select(func.count()).select_from(Instance))
        template = s.scalar(select(Instance.id).where(Instance.status == "active").limit(1))
        if target > have:
            # a bulk load: triggers off (100,000 updates of one counter row in one transaction
            # crawl), then the counter projection recounted, as after a restore
            s.execute(text("SET LOCAL session_replication_role = replica"))
            s.execute(text(PG_PAD), {"n": target - have, "template": template})
            s.execute(text("SET LOCAL session_replication_role = origin"))
            uow.tasks.rebuild_counts()
        uow.commit()
    with engine.session_factory.kw["bind"].connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE instance")
        conn.exec_driver_sql("VACUUM ANALYZE human_task")


def completion_cost_ms(engine, actor, n: int = 100) -> float:
    return statistics.median(run_cases(engine, actor, n // N_TASKS)) * 1000


def main() -> None:
    cases = int(os.environ.get("BENCH_CASES", "30"))
    tmp = Path(tempfile.mkdtemp())
    rows = []
    a = spiff_alone(cases, persist=False)
    b = spiff_alone(cases, persist=True)
    rows.append(("(a) SpiffWorkflow alone, in memory", a, ""))
    rows.append(("(b) SpiffWorkflow + JSON load/save per step (floor)", b, ""))
    results, api = {}, {}
    for kind in ("sqlite", "postgresql"):
        url, drop = make_db(kind, tmp)
        try:
            rate, per, engine, actor = our_engine(url, cases)
            results[kind] = (rate, statistics.median(per) * 1000, start_cost(engine, actor))
            api[kind] = through_api(engine, cases)
            cost_1k = cost_50k = None
            if kind == "sqlite" or os.environ.get("BENCH_PAD_PG", "1") == "1":
                pad_instances(engine, 1_000)
                cost_1k = completion_cost_ms(engine, actor)
                pad_instances(engine, 50_000)
                cost_50k = completion_cost_ms(engine, actor)
            results[kind] += (cost_1k, cost_50k)
            engine.session_factory.kw["bind"].dispose()
        finally:
            drop()
    label = {"sqlite": "(c) our engine, SQLite", "postgresql": "(d) our engine, PostgreSQL"}
    for kind, (rate, med, start_ms, c1k, c50k) in results.items():
        padded = (f"; completion with 1,000 cases {c1k:.2f} ms, with 50,000 {c50k:.2f} ms"
                  if c1k is not None else "")
        rows.append((label[kind], rate, f"ratio to (b) {rate / b:.2f}; median completion {med:.2f} ms; "
                     f"start {start_ms:.2f} ms{padded}"))
    for kind, (rate, med, start_ms) in api.items():
        rows.append((f"(e) through the JSON API, {'SQLite' if kind == 'sqlite' else 'PostgreSQL'}", rate,
                     f"ratio to (b) {rate / b:.2f}; median completion {med:.2f} ms; median start {start_ms:.2f} ms"))
    print(f"\nEngine benchmark: {N_TASKS}-user-task sequential process, {cases} cases per row\n")
    print(f"| {'what':<52} | {'completions/s':>13} | notes")
    print(f"|{'-' * 54}|{'-' * 15}|------")
    for name, rate, note in rows:
        print(f"| {name:<52} | {rate:>13.0f} | {note}")


if __name__ == "__main__":
    main()
