"""``make bench``: every speed figure in one run, in one table, beside the floor measured in that run.

Rows (see the issue on speed for the goals):
- the floor: SpiffWorkflow alone, in memory and with a JSON dump and load around every step;
- our engine (services called directly) and the JSON API (Flask test client, in-process; and over
  HTTP: gunicorn 1x1 on 127.0.0.1, one keep-alive client), on SQLite and PostgreSQL: completions per
  second of whole cases of a 10-user-task process, start included, with the ratio to the floor;
- case start through the HTTP API (median);
- scale-out on PostgreSQL: gunicorn + ``fao worker``, 8 clients each working its own cases;
- timers: one and two ``fao worker`` processes draining 2,000 due timers;
- the inbox page with 100,000 open tasks;
- the cost of one completion beside 1,000 and 100,000 other cases, and a case's state bytes in a
  revise loop after 1, 5 and 10 passes.

Every PostgreSQL database is created and dropped here (server ``FAO_TEST_PG_ADMIN``, default
``postgres@127.0.0.1:5432``). Environment: ``BENCH_CASES`` (30), ``BENCH_PAD`` (100000),
``BENCH_SECONDS`` (scale-out seconds per row, 15), ``BENCH_TIMERS`` (2000), ``BENCH_WEB`` (web
workers x threads, ``3x4``), ``BENCH_ONLY`` (comma list of sections to run: floor, engine, inbox,
scale, timers).
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.engine import (  # noqa: E402
    N_TASKS,
    api_cases,
    api_client,
    completion_cost_ms,
    make_db,
    our_engine_setup,
    pad_instances,
    run_cases,
    sequential_bpmn,
    spiff_alone,
)

CASES = int(os.environ.get("BENCH_CASES", "30"))
PAD = int(os.environ.get("BENCH_PAD", "100000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
TIMERS = int(os.environ.get("BENCH_TIMERS", "2000"))
WEB = os.environ.get("BENCH_WEB", "3x4")
ONLY = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))
DB_LABEL = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class Table:
    """Rows of figures; a rate's ratio to the floor is taken at the end, against the median of the
    floor measured several times during the run (the machine's load changes while it runs)."""

    def __init__(self) -> None:
        self.rows: list[list] = []
        self.floors: list[float] = []

    def measure_floor(self) -> None:
        self.floors.append(spiff_alone(CASES, persist=True))
        print(f"  floor sample: {self.floors[-1]:,.0f}/s", file=sys.stderr, flush=True)

    @property
    def floor(self) -> float:
        return statistics.median(self.floors)

    def add(self, what: str, value: str, rate: float | None = None, note: str = "") -> None:
        self.rows.append([what, value, rate, note])
        print(f"  {what}: {value} {note}", file=sys.stderr, flush=True)

    def rate(self, what: str, per_s: float, note: str = "") -> None:
        self.add(what, f"{per_s:,.0f}/s", per_s, note)

    def print(self) -> None:
        self.rows = [[w, v, f"{r / self.floor:.2f}" if r is not None else "", n] for w, v, r, n in self.rows]
        print(f"\nSpeed benchmark ({N_TASKS}-user-task sequential process, {CASES} cases per sequential row)\n")
        widths = [max(len(r[i]) for r in self.rows + [("what", "value", "ratio to floor", "notes")]) for i in range(4)]
        head = ("what", "value", "ratio to floor", "notes")
        print("| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |")
        print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        for r in self.rows:
            print("| " + " | ".join(c.ljust(w) if i != 1 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) + " |")


def wanted(section: str) -> bool:
    return not ONLY or section in ONLY


def engine_cases(engine, actor, cases: int) -> tuple[float, float, float]:
    """Whole cases through the services: (completions/s counting only start + complete, start ms, completion ms)."""
    starts: list[float] = []
    per = run_cases(engine, actor, cases, starts)
    return len(per) / (sum(starts) + sum(per)), statistics.median(starts) * 1000, statistics.median(per) * 1000


def sequential_rows(table: Table, tmp: Path) -> None:
    from bench.growth import revise_loop_bytes
    from bench.http_api import sequential_http
    from engine.people.accounts import new_token

    results: dict[str, dict] = {}
    for kind in ("sqlite", "postgresql"):
        table.measure_floor()
        url, drop = make_db(kind, tmp)
        try:
            engine, actor = our_engine_setup(url)
            engine_cases(engine, actor, 3)  # warm: spec cache, compiled statements
            r = results[kind] = {}
            r["engine"] = engine_cases(engine, actor, CASES)
            client, auth = api_client(engine)
            api_cases(client, auth, 3)
            r["test_client"] = api_cases(client, auth, CASES)
            with engine.uow() as uow:
                token = new_token(uow, engine.clock.now(), "bench")
                uow.commit()
            r["http"] = sequential_http(url, token, tmp / f"http-{kind}", CASES)
            r["granian"] = sequential_http(url, token, tmp / f"granian-{kind}", CASES, server_kind="granian")
            pad_instances(engine, 1_000)
            r["cost_1k"] = completion_cost_ms(engine, actor)
            t0 = time.perf_counter()
            pad_instances(engine, PAD)
            print(f"  {kind}: padded to {PAD:,} cases in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
            r["cost_pad"] = completion_cost_ms(engine, actor)
            if kind == "sqlite":
                r["revise"] = revise_loop_bytes(engine, actor)
            engine.session_factory.kw["bind"].dispose()
        finally:
            drop()
    for kind, r in results.items():
        rate, start_ms, complete_ms = r["engine"]
        table.rate(f"our engine, {DB_LABEL[kind]}", rate, f"start {start_ms:.2f} ms, completion {complete_ms:.2f} ms (medians)")
    for kind, r in results.items():
        rate, start_ms, complete_ms = r["test_client"]
        table.rate(f"API in-process (test client), {DB_LABEL[kind]}", rate,
                   f"start {start_ms:.2f} ms, completion {complete_ms:.2f} ms")
    goal = {"sqlite": 0.5, "postgresql": 0.33}
    for kind, r in results.items():
        h = r["http"]
        table.rate(f"API over HTTP, {DB_LABEL[kind]} (goal {goal[kind]} of floor)", h["rate"],
                   f"gunicorn 1x1, keep-alive; start {h['start_ms']:.2f} ms, completion {h['complete_ms']:.2f} ms")
    for kind, r in results.items():
        h = r["granian"]
        table.rate(f"API over HTTP, {DB_LABEL[kind]}, Granian server (comparison)", h["rate"],
                   f"granian 1 worker, 1 thread; start {h['start_ms']:.2f} ms, completion {h['complete_ms']:.2f} ms")
    start_goal = {"sqlite": 3, "postgresql": 5}
    for kind, r in results.items():
        table.add(f"case start over HTTP, {DB_LABEL[kind]} (goal < {start_goal[kind]} ms)", f"{r['http']['start_ms']:.2f} ms",
                  note="median")
    for kind, r in results.items():
        table.add(f"completion beside 1,000 cases, {DB_LABEL[kind]}", f"{r['cost_1k']:.2f} ms", note="median")
        table.add(f"completion beside {PAD:,} cases, {DB_LABEL[kind]}", f"{r['cost_pad']:.2f} ms",
                  note=f"x{r['cost_pad'] / r['cost_1k']:.2f} of the 1,000-case cost")
    rev = results["sqlite"]["revise"]
    per_pass = (rev[10] - rev[5]) / 5
    table.add("state bytes per case after 1 / 5 / 10 revise passes", " / ".join(f"{rev[n]:,}" for n in sorted(rev)),
              note=f"+{(rev[5] - rev[1]) / 4:,.0f} B per pass for passes 2-5, +{per_pass:,.0f} B for 6-10 (linear when equal)")


def scale_rows(table: Table, tmp: Path) -> None:
    from bench.scaleout import FIRST_KEY, FIRST_MODEL, scale_out
    from engine.people.accounts import new_token, put_user

    url, drop = make_db("postgresql", tmp)
    try:
        engine, actor = our_engine_setup(url)
        engine.deploy([(f"{FIRST_KEY}.bpmn", FIRST_MODEL)], actor)
        tokens = []
        with engine.uow() as uow:
            for i in range(8):
                put_user(uow, engine.clock.now(), f"lane{i}", "pw-lane", ["fao_clerk"], [])
                tokens.append(new_token(uow, engine.clock.now(), f"lane{i}"))
            uow.commit()
        engine.session_factory.kw["bind"].dispose()
        w, t = (int(x) for x in WEB.split("x"))
        out = scale_out(url, tokens, tmp / "scale", w, t, 1, SECONDS)
    finally:
        drop()
    c, s = out["completions"], out["starts"]
    table.rate("scale-out PostgreSQL: completions (goal 250/s)", c["completions"],
               f"{out['setup']}; p50 {c['p50_ms']:.0f} ms, p95 {c['p95_ms']:.0f} ms; errors {c['errors']}")
    table.add("scale-out PostgreSQL: case starts, first step run (target 300/s)", f"{s['starts']:,.0f}/s",
              note=f"{out['setup']}; p50 {s['p50_ms']:.0f} ms, p95 {s['p95_ms']:.0f} ms; errors {s['errors']}")


def timer_rows(table: Table, tmp: Path) -> None:
    from bench.timers import drain, seed

    runs = {}
    for workers in (1, 2):
        url, drop = make_db("postgresql", tmp)
        try:
            seed(url, TIMERS)
            runs[workers] = drain(url, tmp / f"timers{workers}", TIMERS, workers)
        finally:
            drop()
    for workers, r in runs.items():
        note = f"{TIMERS:,} due timers in {r['seconds']:.1f} s; each fired exactly once: {'yes' if r['exactly_once'] else 'NO'}"
        if workers == 2:
            note += f"; x{r['rate'] / runs[1]['rate']:.2f} of one worker (goal 1.8)"
        table.add(f"timers, {workers} fao worker{'s' if workers > 1 else ''}, PostgreSQL", f"{r['rate']:,.0f}/s", note=note)


def inbox_rows(table: Table, tmp: Path) -> None:
    from bench.inbox import N_TASKS as INBOX_TASKS
    from bench.inbox import run

    for kind in ("sqlite", "postgresql"):
        for name, med, p95 in run(kind, tmp):
            goal = " (goal < 50 ms)" if kind == "postgresql" and "/inbox" in name else ""
            table.add(f"{name} at {INBOX_TASKS:,} open tasks{goal}", f"{med:.1f} ms", note=f"median; p95 {p95:.1f} ms")


def main() -> None:
    began = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="fao-bench-"))
    table = Table()
    table.measure_floor()
    table.add("SpiffWorkflow alone, in memory", f"{spiff_alone(CASES, persist=False):,.0f}/s")
    if wanted("engine"):
        sequential_rows(table, tmp)
    table.measure_floor()
    if wanted("scale"):
        scale_rows(table, tmp)
    if wanted("timers"):
        timer_rows(table, tmp)
    if wanted("inbox"):
        inbox_rows(table, tmp)
    table.measure_floor()
    table.rows.insert(1, ["floor: SpiffWorkflow + JSON dump/load around every step", f"{table.floor:,.0f}/s",
                          table.floor, "median of " + ", ".join(f"{f:,.0f}" for f in table.floors) + " measured in this run"])
    table.print()
    print(f"\n(total {time.monotonic() - began:.0f} s; the machine's load average then: {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
