"""One sequential client through the HTTP API: whole cases of the 10-task process, start included.

The server is gunicorn with one worker and one thread (``webui/gunicorn_conf.py``) on 127.0.0.1;
the client keeps its connection open (HTTP/1.1 keep-alive), as a browser or a script would.
"""
from __future__ import annotations

import http.client
import json
import statistics
import sys
import time
from pathlib import Path

from bench.load import Server, _env, free_port

BIND_WAIT_S = 60


def gunicorn(url: str, tmp: Path, workers: int = 1, threads: int = 1, name: str = "gunicorn") -> Server:
    """A gunicorn server of the app on ``url``, ready to answer."""
    port = free_port()
    tmp.mkdir(parents=True, exist_ok=True)
    server = Server(name, [sys.executable, "-m", "gunicorn", "-c", "webui/gunicorn_conf.py", "webui:create_app()"],
                    _env(url, tmp, FAO_BIND=f"127.0.0.1:{port}", FAO_WEB_WORKERS=str(workers),
                         FAO_WEB_THREADS=str(threads), FAO_LOG_LEVEL="WARNING"), port, tmp)
    server.wait_ready(BIND_WAIT_S)
    return server


def granian(url: str, tmp: Path, name: str = "granian") -> Server:
    """For comparison only (gunicorn is the server the project ships): Granian, a Rust HTTP
    server, running the same app in one worker process with one Python thread."""
    port = free_port()
    tmp.mkdir(parents=True, exist_ok=True)
    server = Server(name, [sys.executable, "-m", "granian", "--interface", "wsgi", "--factory",
                           "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
                           "--blocking-threads", "1", "webui:create_app"],
                    _env(url, tmp, FAO_SCHEDULER="0", FAO_LOG_LEVEL="WARNING"), port, tmp)
    server.wait_ready(BIND_WAIT_S)
    return server


class Http:
    """A keep-alive JSON client with a bearer token."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def post(self, path: str, body: dict) -> tuple[int, dict]:
        data = json.dumps(body).encode()
        for attempt in (1, 2):
            try:
                self.conn.request("POST", path, body=data, headers={
                    "Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
                resp = self.conn.getresponse()
                raw = resp.read()
                return resp.status, (json.loads(raw) if raw else {})
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


def run_cases(client: Http, key: str, cases: int) -> tuple[int, float, list[float], list[float]]:
    """Start ``cases`` cases and complete every task from the ``next_tasks`` of each answer.

    Returns:
        (completions, seconds, start latencies, completion latencies).
    """
    done, starts, per = 0, [], []
    t0 = time.perf_counter()
    for _ in range(cases):
        t1 = time.perf_counter()
        status, body = client.post(f"/api/v1/processes/{key}/instances", {})
        starts.append(time.perf_counter() - t1)
        assert status == 201, body
        tasks = body["active_tasks"]
        while tasks:
            t1 = time.perf_counter()
            status, body = client.post(f"/api/v1/tasks/{tasks[0]['id']}/complete", {"data": {"ok": True}})
            per.append(time.perf_counter() - t1)
            assert status == 200, body
            tasks = body["next_tasks"]
            done += 1
    return done, time.perf_counter() - t0, starts, per


def sequential_http(url: str, token: str, tmp: Path, cases: int, key: str = "bench_seq",
                    server_kind: str = "gunicorn") -> dict:
    """Completions/s of whole cases and the medians of start and completion, over HTTP
    (``server_kind``: ``gunicorn`` 1x1, as shipped, or ``granian`` for comparison)."""
    server = gunicorn(url, tmp, name="gunicorn 1x1") if server_kind == "gunicorn" else granian(url, tmp)
    try:
        client = Http(server.port, token)
        run_cases(client, key, 3)  # warm the worker: imports, spec cache, compiled statements
        done, seconds, starts, per = run_cases(client, key, cases)
        client.close()
    finally:
        server.stop()
    return {"rate": done / seconds, "start_ms": statistics.median(starts) * 1000,
            "complete_ms": statistics.median(per) * 1000}
