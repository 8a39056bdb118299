"""Per-request overhead of the JSON API: request time minus the engine service call inside it.

    python bench/api_overhead.py [--db sqlite|postgresql] [--cases 60] [--profile]

Runs whole cases of the 10-task process through the Flask test client (start, then complete each
task from ``next_tasks``), times every request and the ``start_with_next`` / ``complete_with_next``
call inside it, and prints the medians and their difference: the time Flask and our API layer add.
A bare Flask app answering a JSON POST through the same test client is timed too, for the floor of
the framework. ``--profile`` prints cProfile's top lines of everything outside the engine call.
Not run by the tests.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.engine import api_client, make_db, our_engine_setup  # noqa: E402


class Timed:
    """Wraps an engine method and keeps the seconds of its last call."""

    def __init__(self, fn) -> None:
        self.fn, self.last = fn, 0.0

    def __call__(self, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return self.fn(*args, **kwargs)
        finally:
            self.last = time.perf_counter() - t0


def bare_flask(n: int) -> float:
    """Median ms of a JSON POST to a bare Flask app through the test client."""
    from flask import Flask, jsonify, request

    app = Flask("bare")

    @app.post("/x/<task_id>")
    def x(task_id):
        return jsonify({"id": task_id, "got": request.get_json()})

    client = app.test_client()
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        client.post("/x/abc", json={"data": {"ok": True}}, headers={"Authorization": "Bearer x"})
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples[n // 10:]) * 1000


def run(client, auth, cases: int, start: Timed, complete: Timed, prof: cProfile.Profile | None = None):
    starts, completes = [], []  # (request s, engine s)
    for _ in range(cases):
        t0 = time.perf_counter()
        resp = client.post("/api/v1/processes/bench_seq/instances", json={}, headers=auth)
        starts.append((time.perf_counter() - t0, start.last))
        tasks = resp.get_json()["active_tasks"]
        while tasks:
            t0 = time.perf_counter()
            resp = client.post(f"/api/v1/tasks/{tasks[0]['id']}/complete", json={"data": {"ok": True}}, headers=auth)
            completes.append((time.perf_counter() - t0, complete.last))
            assert resp.status_code == 200, resp.get_data(as_text=True)
            tasks = resp.get_json()["next_tasks"]
    return starts, completes


def summary(name: str, pairs) -> str:
    req = statistics.median(p[0] for p in pairs) * 1000
    eng = statistics.median(p[1] for p in pairs) * 1000
    over = statistics.median((p[0] - p[1]) for p in pairs) * 1000
    return f"{name:<10} n={len(pairs):>4}  request {req:6.2f} ms  engine call {eng:6.2f} ms  overhead {over:5.2f} ms"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="sqlite")
    ap.add_argument("--cases", type=int, default=60)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    url, drop = make_db(args.db, Path(tempfile.mkdtemp()))
    try:
        engine, _actor = our_engine_setup(url)
        start, complete = Timed(engine.start_with_next), Timed(engine.complete_with_next)
        engine.start_with_next, engine.complete_with_next = start, complete
        client, auth = api_client(engine)
        run(client, auth, 5, start, complete)  # warm caches
        starts, completes = run(client, auth, args.cases, start, complete)
        print(f"bare Flask JSON POST (test client): {bare_flask(2000):.3f} ms")
        print(summary("start", starts))
        print(summary("complete", completes))
        if args.profile:
            prof = cProfile.Profile()
            inner = {"start": start.fn, "complete": complete.fn}

            def off(fn):
                def call(*a, **k):
                    prof.disable()
                    try:
                        return fn(*a, **k)
                    finally:
                        prof.enable()
                return call

            start.fn, complete.fn = off(inner["start"]), off(inner["complete"])
            prof.enable()
            run(client, auth, args.cases, start, complete)
            prof.disable()
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(args.top)
            print(out.getvalue())
        engine.session_factory.kw["bind"].dispose()
    finally:
        drop()


if __name__ == "__main__":
    main()
