"""HTTP load on loopback: N client threads start cases and complete tasks through the JSON API.

Two targets, each a real server process on 127.0.0.1 with its own fresh database:

- PostgreSQL behind gunicorn (``webui/gunicorn_conf.py``, 4 workers x 4 threads);
- SQLite behind one ``fao serve`` process (the embedded set-up, scheduler inside).

Each client repeats a cycle until its count or the time limit is reached:
start a case (201) -> complete its first task (200) -> read the group inbox (200) -> complete one
of the first ten tasks listed there (200). Every client works the same lane, so a task may be
taken by another client first: that 409 is expected and counted apart. Anything else is an error. Prints one table: completions per second, requests per second,
latency percentiles per request and the error counts.

    python bench/load.py [--clients 8] [--seconds 20] [--cycles 200] [--targets pg,sqlite]

Bounded: at most ``clients * cycles`` cycles and ``seconds`` per target; only 127.0.0.1.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_ADMIN = os.environ.get("FAO_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
KEY = "bench_load"
MODEL = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="bench">
<bpmn:process id="{KEY}" name="Load" isExecutable="true">
<bpmn:laneSet id="ls"><bpmn:lane id="l" name="fao_clerk"><bpmn:flowNodeRef>examine</bpmn:flowNodeRef>
<bpmn:flowNodeRef>archive</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
<bpmn:startEvent id="begin"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
<bpmn:userTask id="examine" name="Examine"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
<bpmn:userTask id="archive" name="Archive"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
<bpmn:endEvent id="finish"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
<bpmn:sequenceFlow id="f1" sourceRef="begin" targetRef="examine"/>
<bpmn:sequenceFlow id="f2" sourceRef="examine" targetRef="archive"/>
<bpmn:sequenceFlow id="f3" sourceRef="archive" targetRef="finish"/>
</bpmn:process></bpmn:definitions>""".encode()


# --- targets -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_admin():
    import psycopg

    return psycopg.connect(PG_ADMIN.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def prepare_database(url: str, clients: int) -> list[str]:
    """Migrate, deploy the model, add one clerk per client; returns their API tokens."""
    from engine.people.accounts import new_token, put_user
    from engine.people.identity import SYSTEM
    from store.migrate import upgrade
    from webui.wiring import build_engine

    upgrade(url)
    engine = build_engine(url)
    try:
        engine.deploy([(f"{KEY}.bpmn", MODEL)], SYSTEM)
        tokens = []
        with engine.uow() as uow:
            for i in range(clients):
                name = f"load{i}"
                put_user(uow, engine.clock.now(), name, "pw-load-1", ["fao_clerk", "applicant_unit"], [])
                tokens.append(new_token(uow, engine.clock.now(), name))
            uow.commit()
        return tokens
    finally:
        engine.session_factory.kw["bind"].dispose()


class Server:
    def __init__(self, name: str, argv: list[str], env: dict[str, str], port: int, log_dir: Path) -> None:
        self.name, self.port = name, port
        self.log = open(log_dir / f"{name.split()[0].lower()}.log", "wb")
        self.popen = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL)

    def wait_ready(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.popen.returncode}; see {self.log.name}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/readyz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready after {timeout_s}s")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(30)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(10)
        self.log.close()


def _env(url: str, tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAO_")}
    env.update(FAO_DATABASE_URL=url, FAO_INSTANCE_PATH=str(tmp / "instance"), FAO_SECRET_KEY="bench-secret")
    env.update(extra)
    return env


# --- clients -----------------------------------------------------------------------------------

@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[tuple[str, int], int] = field(default_factory=dict)
    completions: int = 0
    conflicts: int = 0
    errors: int = 0
    cycles: int = 0
    samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, op: str, status: int, seconds: float, ok: tuple[int, ...], expected: tuple[int, ...] = ()) -> None:
        with self.lock:
            self.latencies.setdefault(op, []).append(seconds)
            self.statuses[(op, status)] = self.statuses.get((op, status), 0) + 1
            if status in ok:
                if op == "complete":
                    self.completions += 1
            elif status in expected:
                self.conflicts += 1
            else:
                self.errors += 1
                if len(self.samples) < 5:
                    self.samples.append(f"{op} -> {status}")


class Client(threading.Thread):
    def __init__(self, port: int, token: str, tally: Tally, cycles: int, deadline: float) -> None:
        super().__init__(daemon=True)
        self.port, self.token, self.tally, self.cycles, self.deadline = port, token, tally, cycles, deadline
        self.conn: http.client.HTTPConnection | None = None
        self.pick = random.Random(token)  # reproducible choice among the inbox's first ten

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict | None, float]:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {self.token}"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        began = time.perf_counter()
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                raw = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return response.status, (json.loads(raw) if raw else None), time.perf_counter() - began
            except (OSError, http.client.HTTPException):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt == 2:
                    return 0, None, time.perf_counter() - began
        return 0, None, time.perf_counter() - began  # pragma: no cover

    def run(self) -> None:
        t = self.tally
        for _ in range(self.cycles):
            if time.monotonic() > self.deadline:
                return
            status, body, s = self.call("POST", f"/api/v1/processes/{KEY}/instances", {})
            t.add("start", status, s, (201,))
            if status != 201 or not body.get("active_tasks"):
                continue
            status, _, s = self.call("POST", f"/api/v1/tasks/{body['active_tasks'][0]['id']}/complete", {"data": {}})
            t.add("complete", status, s, (200,), expected=(409,))  # another client may have taken it from the inbox
            status, inbox, s = self.call("GET", "/api/v1/tasks?scope=group&per_page=10")
            t.add("inbox", status, s, (200,))
            if status == 200 and inbox["items"]:
                task = self.pick.choice(inbox["items"])
                status, _, s = self.call("POST", f"/api/v1/tasks/{task['id']}/complete", {"data": {}})
                t.add("complete", status, s, (200,), expected=(409,))  # another client may have been first
            with t.lock:
                t.cycles += 1


def drive(name: str, port: int, tokens: list[str], seconds: float, cycles: int) -> dict:
    tally = Tally()
    began = time.monotonic()
    deadline = began + seconds
    clients = [Client(port, token, tally, cycles, deadline) for token in tokens]
    for c in clients:
        c.start()
    for c in clients:
        c.join(seconds + 60)
    elapsed = time.monotonic() - began
    every = [x for xs in tally.latencies.values() for x in xs]
    return {"target": name, "clients": len(tokens), "seconds": elapsed, "cycles": tally.cycles,
            "completions": tally.completions, "requests": len(every), "conflicts": tally.conflicts,
            "errors": tally.errors, "samples": tally.samples, "latencies": tally.latencies,
            "statuses": tally.statuses}


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] * 1000


# --- the runs ----------------------------------------------------------------------------------

def run_pg(args, tmp: Path) -> dict:
    name = f"fao_load_{uuid.uuid4().hex[:8]}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    server = None
    try:
        tokens = prepare_database(url, args.clients)
        port = free_port()
        server = Server(f"PostgreSQL, gunicorn {args.web_workers}w x {args.threads}t",
                        [sys.executable, "-m", "gunicorn", "-c", "webui/gunicorn_conf.py", "webui:create_app()"],
                        _env(url, tmp, FAO_BIND=f"127.0.0.1:{port}", FAO_WEB_WORKERS=str(args.web_workers),
                             FAO_WEB_THREADS=str(args.threads)), port, tmp)
        server.wait_ready()
        return drive(server.name, port, tokens, args.seconds, args.cycles)
    finally:
        if server is not None:
            server.stop()
        with _pg_admin() as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                         "AND pid <> pg_backend_pid()", (name,))
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def run_sqlite(args, tmp: Path) -> dict:
    url = f"sqlite:///{tmp / 'load.db'}"
    tokens = prepare_database(url, args.clients)
    port = free_port()
    server = Server("SQLite, one fao serve", [sys.executable, "-m", "webui.cli", "serve", "--port", str(port)],
                    _env(url, tmp), port, tmp)
    try:
        server.wait_ready()
        return drive(server.name, port, tokens, args.seconds, args.cycles)
    finally:
        server.stop()


def table(results: list[dict]) -> str:
    head = (f"{'target':<34} {'clients':>7} {'secs':>5} {'cases':>6} {'compl':>6} {'compl/s':>8} {'req/s':>6} "
            f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'409':>5} {'errors':>6}")
    lines = [head, "-" * len(head)]
    for r in results:
        every = [x for xs in r["latencies"].values() for x in xs]
        lines.append(f"{r['target']:<34} {r['clients']:>7} {r['seconds']:>5.0f} {r['cycles']:>6} {r['completions']:>6} "
                     f"{r['completions'] / r['seconds']:>8.1f} {r['requests'] / r['seconds']:>6.1f} "
                     f"{pct(every, 50):>7.0f} {pct(every, 95):>7.0f} {pct(every, 99):>7.0f} "
                     f"{r['conflicts']:>5} {r['errors']:>6}")
    lines.append("")
    lines.append(f"{'per request':<34} {'op':>8} {'n':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for r in results:
        for op in ("start", "complete", "inbox"):
            xs = r["latencies"].get(op, [])
            lines.append(f"{r['target']:<34} {op:>8} {len(xs):>6} {pct(xs, 50):>7.0f} {pct(xs, 95):>7.0f} {pct(xs, 99):>7.0f}")
    for r in results:
        if r["samples"]:
            lines.append(f"{r['target']}: unexpected answers, e.g. {r['samples']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0, help="time limit per target")
    parser.add_argument("--cycles", type=int, default=200, help="count limit per client")
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--targets", default="pg,sqlite")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for target in args.targets.split(","):
            run = {"pg": run_pg, "sqlite": run_sqlite}[target.strip()]
            target_tmp = Path(tmp) / target
            target_tmp.mkdir()
            results.append(run(args, target_tmp))
            print(f"{results[-1]['target']}: done", file=sys.stderr)
    print(table(results))
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
