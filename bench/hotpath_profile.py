"""Profile the API hot path: start a case and complete its ten tasks, through the Flask test client.

    python bench/hotpath_profile.py [--db sqlite|postgresql] [--cases 40] [--sort tottime|cumulative] [--top 30]

Prints cProfile's top lines (the figures quoted in the closing notes of the speed work). Not run
by the tests; ``make bench`` does not run it either.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.engine import api_client, make_db, our_engine_setup  # noqa: E402


def workload(client, auth: dict, cases: int) -> None:
    for _ in range(cases):
        resp = client.post("/api/v1/processes/bench_seq/instances", json={}, headers=auth)
        tasks = resp.get_json()["active_tasks"]
        while tasks:
            resp = client.post(f"/api/v1/tasks/{tasks[0]['id']}/complete", json={"data": {"ok": True}}, headers=auth)
            assert resp.status_code == 200, resp.get_data(as_text=True)
            tasks = resp.get_json()["next_tasks"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="sqlite")
    ap.add_argument("--cases", type=int, default=40)
    ap.add_argument("--sort", default="tottime")
    ap.add_argument("--top", type=int, default=30)
    args = ap.parse_args()
    url, drop = make_db(args.db, Path(tempfile.mkdtemp()))
    try:
        engine, _actor = our_engine_setup(url)
        client, auth = api_client(engine)
        workload(client, auth, 5)  # warm caches (spec, compiled statements, templates)
        prof = cProfile.Profile()
        prof.enable()
        workload(client, auth, args.cases)
        prof.disable()
        out = io.StringIO()
        stats = pstats.Stats(prof, stream=out)
        stats.sort_stats(args.sort).print_stats(args.top)
        print(out.getvalue())
        engine.session_factory.kw["bind"].dispose()
    finally:
        drop()


if __name__ == "__main__":
    main()
