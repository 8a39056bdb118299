"""Fault tests: real ``fao worker`` / ``fao serve`` processes against PostgreSQL (tests/pg_server.py).

Every module gets its own database (created here, dropped at the end). Every process a test
starts is killed in the fixture's teardown, and every wait has a deadline.
"""
from __future__ import annotations

import http.client as http_client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pytest

from tests.conftest import ROOT, _pg_admin, pg_admin_url

TIMER_KEY = "fault_timer"
TIMER_MODEL = f'''<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs"
                  targetNamespace="http://hengyang.gov.cn/fao/faults">
  <bpmn:process id="{TIMER_KEY}" name="Fault timer" isExecutable="true">
    <bpmn:startEvent id="begin"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDuration>"PT1S"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:scriptTask id="work" name="Work"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>done = 1</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="finish"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="begin" targetRef="wait"/>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="work"/>
    <bpmn:sequenceFlow id="f3" sourceRef="work" targetRef="finish"/>
  </bpmn:process>
</bpmn:definitions>
'''.encode()


# --- the database --------------------------------------------------------------------------

def psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def create_database(prefix: str = "fao_fault") -> tuple[str, str]:
    """A fresh, migrated PostgreSQL database: (name, SQLAlchemy URL)."""
    from store.migrate import upgrade

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = pg_admin_url().rsplit("/", 1)[0] + "/" + name
    upgrade(url)
    return name, url


def drop_database(name: str) -> None:
    with _pg_admin() as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                     "AND pid <> pg_backend_pid()", (name,))
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


class Database:
    """One test module's database, with the SQL the checks read."""

    def __init__(self, name: str, url: str) -> None:
        self.name, self.url = name, url

    def sql(self, query: str, *params) -> list[tuple]:
        import psycopg

        with psycopg.connect(psycopg_url(self.url), autocommit=True) as conn:
            cur = conn.execute(query, params or None)
            return cur.fetchall() if cur.description else []

    def scalar(self, query: str, *params):
        return self.sql(query, *params)[0][0]

    def counts(self, key: str = TIMER_KEY) -> dict[str, int]:
        rows = self.sql("SELECT status, count(*) FROM instance WHERE process_key = %s GROUP BY status", key)
        return dict(rows)

    def timer_events(self, key: str = TIMER_KEY) -> dict[str, int]:
        """Case id -> number of 'timer' audit events."""
        rows = self.sql(
            "SELECT i.id, count(a.id) FROM instance i LEFT JOIN audit_event a "
            "ON a.instance_id = i.id AND a.action = 'timer' WHERE i.process_key = %s GROUP BY i.id", key)
        return dict(rows)

    def all_timers_due(self) -> bool:
        """Whether every waiting timer is due by the wall clock (due_at is stored in UTC)."""
        latest = self.scalar("SELECT max(due_at) FROM timer")
        if latest is None:
            return True
        if latest.tzinfo is None:
            latest = latest.replace(tzinfo=timezone.utc)
        return latest <= datetime.now(timezone.utc)

    def terminate_connections(self) -> int:
        with _pg_admin() as conn:
            rows = conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                                "AND pid <> pg_backend_pid()", (self.name,)).fetchall()
        return len(rows)

    def reset(self) -> None:
        from tests.conftest import _truncate_all

        _truncate_all(self.url)


@pytest.fixture(scope="module")
def fault_db():
    name, url = create_database()
    try:
        yield Database(name, url)
    finally:
        drop_database(name)


@pytest.fixture
def db(fault_db):
    """The module's database, emptied, with the timer model deployed."""
    fault_db.reset()
    engine = engine_for(fault_db.url)
    try:
        from engine.people.identity import SYSTEM

        engine.deploy([(f"{TIMER_KEY}.bpmn", TIMER_MODEL)], SYSTEM)
    finally:
        engine.session_factory.kw["bind"].dispose()
    return fault_db


def engine_for(url: str):
    from webui.wiring import build_engine

    return build_engine(url)


def start_cases(url: str, n: int, key: str = TIMER_KEY) -> tuple[list[str], float]:
    """Start ``n`` cases through the engine (one transaction each); returns ids and seconds taken."""
    from engine.people.identity import SYSTEM

    engine = engine_for(url)
    started = time.monotonic()
    try:
        ids = [engine.start(key, SYSTEM).id for _ in range(n)]
    finally:
        engine.session_factory.kw["bind"].dispose()
    return ids, time.monotonic() - started


def start_many(db: "Database", n: int, through_engine: int = 20) -> tuple[list[str], float]:
    """``n`` waiting cases, fast: ``through_engine`` started by ``engine.start``, the rest copies of them.

    A copy is the same committed state (instance row, timer row, 'started' event) under a new
    case id, written in one transaction: what ``engine.start`` would have written, without its
    per-case cost (about 10-20 ms here, 20-40 s for 2,000; see ``start_cases``).
    """
    import psycopg
    from psycopg.rows import dict_row

    began = time.monotonic()
    templates, _ = start_cases(db.url, min(n, through_engine))
    ids = list(templates)
    with psycopg.connect(psycopg_url(db.url), row_factory=dict_row) as conn:
        inst = conn.execute("SELECT * FROM instance WHERE id = ANY(%s)", (templates,)).fetchall()
        timers = conn.execute("SELECT * FROM timer WHERE instance_id = ANY(%s)", (templates,)).fetchall()
        started = conn.execute("SELECT * FROM audit_event WHERE instance_id = ANY(%s) AND action = 'started'",
                               (templates,)).fetchall()
        new_instances, new_timers, new_events = [], [], []
        for i in range(n - len(templates)):
            source = inst[i % len(inst)]
            new_id = uuid.uuid4().hex
            ids.append(new_id)
            new_instances.append({**source, "id": new_id, "business_key": f"COPY-{new_id[:12]}"})
            new_timers += [{**t, "instance_id": new_id} for t in timers if t["instance_id"] == source["id"]]
            new_events += [{**e, "instance_id": new_id} for e in started if e["instance_id"] == source["id"]]
        with conn.cursor() as cur:
            for table, rows in (("instance", new_instances), ("timer", new_timers), ("audit_event", new_events)):
                if not rows:
                    continue
                columns = [c for c in rows[0] if not (c == "id" and table != "instance")]
                cur.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('%s' for _ in columns)})",
                    [tuple(psycopg.types.json.Jsonb(r[c]) if isinstance(r[c], (dict, list)) else r[c]
                           for c in columns) for r in rows])
        conn.commit()
    return ids, time.monotonic() - began


# --- processes -----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Proc:
    """A child process whose stdout/stderr go to files (read them after it ends)."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name, self.argv, self.env = name, argv, env
        self.log_dir = log_dir
        self.popen: subprocess.Popen | None = None
        self.runs = 0

    def start(self) -> "Proc":
        self.runs += 1
        self.out_path = self.log_dir / f"{self.name}.{self.runs}.out"
        self.err_path = self.log_dir / f"{self.name}.{self.runs}.err"
        self._out = open(self.out_path, "wb")
        self._err = open(self.err_path, "wb")
        self.popen = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=self._out, stderr=self._err,
                                      stdin=subprocess.DEVNULL)
        return self

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal(self, sig: int) -> None:
        if self.alive():
            self.popen.send_signal(sig)

    def wait(self, timeout_s: float) -> int | None:
        try:
            return self.popen.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait(timeout=10)
        for f in (getattr(self, "_out", None), getattr(self, "_err", None)):
            if f is not None and not f.closed:
                f.close()

    def stderr(self) -> str:
        self._err.flush()
        return self.err_path.read_text(errors="replace")

    def stdout(self) -> str:
        self._out.flush()
        return self.out_path.read_text(errors="replace")

    def json_logs(self) -> list[dict]:
        out = []
        for line in self.stderr().splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
        return out


def child_env(url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAO_")}
    env.update(FAO_DATABASE_URL=url, FAO_INSTANCE_PATH=str(tmp_path / "instance"), FAO_SECRET_KEY="fault-test-secret",
               FAO_LOG_FORMAT="json", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


@pytest.fixture
def procs(tmp_path):
    """``procs.worker()``, ``procs.web(port)``, ``procs.slow_worker(pause_s)``: started, killed at teardown."""
    started: list[Proc] = []

    class Factory:
        def __init__(self) -> None:
            self.url: str | None = None

        def _add(self, name: str, argv: list[str], **env: str) -> Proc:
            proc = Proc(name, argv, child_env(self.url, tmp_path, **env), tmp_path)
            started.append(proc)
            return proc.start()

        def worker(self, name: str = "worker", interval_s: float = 0.2) -> Proc:
            return self._add(name, [sys.executable, "-m", "webui.cli", "worker", "--interval", str(interval_s)])

        def slow_worker(self, name: str, pause_s: float) -> Proc:
            return self._add(name, [sys.executable, "-m", "tests.faults.slow_worker"], FAO_TEST_PAUSE_S=str(pause_s))

        def web(self, port: int, name: str = "web") -> Proc:
            return self._add(name, [sys.executable, "-m", "webui.cli", "serve", "--no-scheduler",
                                    "--port", str(port)])

    factory = Factory()
    yield factory
    for proc in started:
        proc.kill()


def wait_until(predicate: Callable[[], bool], timeout_s: float, every_s: float = 0.25, what: str = "") -> float:
    """Poll until ``predicate()`` holds; returns seconds waited. Fails the test at the deadline."""
    started = time.monotonic()
    while True:
        if predicate():
            return time.monotonic() - started
        if time.monotonic() - started > timeout_s:
            pytest.fail(f"timed out after {timeout_s:.0f}s waiting for {what or predicate}")
        time.sleep(every_s)


CUT = -1  # the status ``http`` answers for a response cut short


def http(method: str, url: str, body: dict | None = None, token: str | None = None,
         timeout_s: float = 10.0) -> tuple[int, dict | None]:
    """A small JSON client (stdlib only); a refused connection answers status 0, a response cut short -1."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            return exc.code, json.loads(raw) if raw else None
        except ValueError:
            return exc.code, None
    except http_client.IncompleteRead:
        return CUT, None  # the server went away between the headers and the end of the body
    except (urllib.error.URLError, http_client.HTTPException, ConnectionError, TimeoutError, OSError):
        return 0, None


def wait_ready(base: str, proc: Proc, timeout_s: float = 30.0) -> None:
    def ready() -> bool:
        assert proc.alive(), f"{proc.name} died:\n{proc.stderr()[-3000:]}"
        return http("GET", base + "/readyz", timeout_s=2)[0] == 200

    wait_until(ready, timeout_s, what=f"{proc.name} to be ready")


SIGKILL, SIGTERM = signal.SIGKILL, signal.SIGTERM
