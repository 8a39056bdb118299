"""Timers on PostgreSQL: how fast one and two ``fao worker`` processes drain 2,000 due timers.

Each run gets a fresh database holding ``n`` cases waiting on a due timer (20 started by the
engine, the rest copies of their committed rows, as the fault tests make them). The drain time
is measured from the rows: from the first to the last ``timer`` audit event, so the workers'
start-up does not count. Every case must fire exactly once and complete.
"""
from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path

from bench.load import Server, _env

KEY = "bench_timer"
MODEL = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="bench">
<bpmn:process id="{KEY}" name="Timer" isExecutable="true">
<bpmn:startEvent id="begin"/>
<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>"PT1S"</bpmn:timeDuration>
</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
<bpmn:scriptTask id="work" name="Work"><bpmn:script>done = 1</bpmn:script></bpmn:scriptTask>
<bpmn:endEvent id="finish"/>
<bpmn:sequenceFlow id="f1" sourceRef="begin" targetRef="wait"/>
<bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="work"/>
<bpmn:sequenceFlow id="f3" sourceRef="work" targetRef="finish"/>
</bpmn:process></bpmn:definitions>""".encode()


def seed(url: str, n: int, through_engine: int = 20) -> None:
    """``n`` cases waiting on a one-second timer."""
    from sqlalchemy import insert, select

    from engine.people.identity import SYSTEM
    from store.models import AuditEvent, Instance, Timer
    from webui.wiring import build_engine

    engine = build_engine(url)
    try:
        engine.deploy([(f"{KEY}.bpmn", MODEL)], SYSTEM)
        ids = [engine.start(KEY, SYSTEM, {}, check=False).id for _ in range(min(n, through_engine))]
        with engine.uow() as uow:
            s = uow.session
            inst = [dict(r._mapping) for r in s.execute(select(Instance.__table__).where(Instance.id.in_(ids)))]
            timers = [dict(r._mapping) for r in s.execute(select(Timer.__table__).where(Timer.instance_id.in_(ids)))]
            events = [dict(r._mapping) for r in s.execute(select(AuditEvent.__table__).where(
                AuditEvent.instance_id.in_(ids), AuditEvent.action == "started"))]
            new_i, new_t, new_e = [], [], []
            for i in range(n - len(ids)):
                src = inst[i % len(inst)]
                new_id = uuid.uuid4().hex
                new_i.append({**src, "id": new_id, "business_key": f"COPY-{new_id[:12]}"})
                new_t += [{k: v for k, v in {**t, "instance_id": new_id}.items() if k != "id"}
                          for t in timers if t["instance_id"] == src["id"]]
                new_e += [{k: v for k, v in {**e, "instance_id": new_id}.items() if k != "id"}
                          for e in events if e["instance_id"] == src["id"]]
            for table, rows in ((Instance.__table__, new_i), (Timer.__table__, new_t), (AuditEvent.__table__, new_e)):
                for k in range(0, len(rows), 2000):
                    s.execute(insert(table), rows[k:k + 2000])
            uow.commit()
    finally:
        engine.session_factory.kw["bind"].dispose()


def drain(url: str, tmp: Path, n: int, workers: int, deadline_s: float = 240) -> dict:
    """Start ``workers`` worker processes on a seeded database; wait until every case completed."""
    from sqlalchemy import create_engine, text

    tmp.mkdir(parents=True, exist_ok=True)
    time.sleep(1.1)  # every timer is due
    procs = [Server(f"timerworker{workers}-{i}", [sys.executable, "-m", "webui.cli", "worker", "--interval", "0.2"],
                    _env(url, tmp), 0, tmp) for i in range(workers)]
    db = create_engine(url)
    try:
        began = time.monotonic()
        with db.connect() as conn:
            while time.monotonic() - began < deadline_s:
                done = conn.execute(text("SELECT count(*) FROM instance WHERE status = 'completed'")).scalar()
                conn.rollback()
                if done >= n:
                    break
                time.sleep(0.1)
            fired = conn.execute(text(
                "SELECT count(*), count(DISTINCT instance_id), "
                "EXTRACT(EPOCH FROM max(at) - min(at)) FROM audit_event WHERE action = 'timer'")).one()
            left = conn.execute(text("SELECT count(*) FROM timer")).scalar()
            done = conn.execute(text("SELECT count(*) FROM instance WHERE status = 'completed'")).scalar()
    finally:
        for p in procs:
            p.stop()
        db.dispose()
    events, cases, seconds = int(fired[0]), int(fired[1]), float(fired[2] or 0.0)
    return {"workers": workers, "seconds": seconds, "rate": n / seconds if seconds else 0.0,
            "exactly_once": events == cases == n and done == n and left == 0,
            "events": events, "completed": done}
