"""Round trips and milliseconds of one task completion through the engine on PostgreSQL.

Prints figures; not a test. Two engines on one database, measured in alternate rounds:

- ``plain``: every statement is its own round trip, with the pre-ping on checkout (the engine
  before :mod:`store.fast_writes` and :mod:`store.pg_pool`);
- ``ours``: :func:`store.db.make_engine` as the application builds it.

Round trips are counted from libpq's protocol trace of the one pooled connection: every run of
messages the client sends before it reads the server's answer is one round trip.

Usage::

    .venv/bin/python bench/pg_roundtrips.py [ROUNDS] [CASES]     # A/B on PostgreSQL
    .venv/bin/python bench/pg_roundtrips.py --one KIND [ROUNDS] [CASES]
        # make_engine as it is in this tree, on sqlite or postgresql (run it in another tree
        # for a before/after of that tree)
"""
from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.all import engine_cases  # noqa: E402
from bench.engine import make_db, our_engine_setup  # noqa: E402


def plain_engine(url: str, **kwargs):
    """An engine whose every statement is a round trip, pre-pinged on checkout."""
    from sqlalchemy import create_engine

    from engine.workflow_engine import WorkflowEngine
    from store.db import make_session_factory
    from webui.wiring import handler_registry, start_policy

    db = create_engine(url, pool_pre_ping=True, **kwargs)
    return WorkflowEngine(make_session_factory(db), handlers=handler_registry(), start_policy=start_policy)


def our_engine(url: str, **kwargs):
    from engine.workflow_engine import WorkflowEngine
    from store.db import make_engine, make_session_factory
    from webui.wiring import handler_registry, start_policy

    return WorkflowEngine(make_session_factory(make_engine(url, **kwargs)), handlers=handler_registry(),
                          start_policy=start_policy)


def round_trips(trace: str) -> tuple[int, int]:
    """(round trips, statements) in a libpq trace: a round trip is a run of frontend messages
    followed by backend ones; a statement is an Execute or a simple Query."""
    trips = statements = 0
    previous = "B"
    for line in trace.splitlines():
        direction, _, rest = line.partition("\t")
        message = rest.split("\t")[1].split(" ")[0] if "\t" in rest else ""
        if direction == "F":
            statements += message in ("Execute", "Query")
            if previous == "B":
                trips += 1
        if direction in ("F", "B"):
            previous = direction
    return trips, statements


def traced_completions(make, url: str, actor_name: str, tmp: Path, n: int = 5) -> tuple[float, float]:
    """Median (round trips, statements) of ``n`` completions on a one-connection pool."""
    from psycopg.pq import Trace
    from sqlalchemy import event

    engine = make(url, pool_size=1, max_overflow=0)
    bind = engine.session_factory.kw["bind"]
    current = {}

    @event.listens_for(bind, "checkout")
    def _remember(dbapi_connection, _record, _proxy):
        current["conn"] = dbapi_connection

    actor = engine.actor(actor_name)
    inst = engine.start("bench_seq", actor, {})
    trips, statements = [], []
    for i in range(n):
        with engine.uow() as uow:
            task_id = uow.reads.tasks.open_of(inst.id)[0].id
        pgconn = current["conn"].pgconn
        path = tmp / f"trace-{i}.txt"
        with open(path, "w") as f:
            pgconn.trace(f.fileno())
            pgconn.set_trace_flags(Trace.SUPPRESS_TIMESTAMPS)
            engine.complete(task_id, actor, {"ok": True})
            pgconn.untrace()
        t, s = round_trips(path.read_text())
        trips.append(t)
        statements.append(s)
    bind.dispose()
    return statistics.median(trips), statistics.median(statements)


def ab(rounds: int, cases: int) -> None:
    tmp = Path(tempfile.mkdtemp())
    url, drop = make_db("postgresql", tmp)
    try:
        setup, _ = our_engine_setup(url)
        setup.session_factory.kw["bind"].dispose()
        engines = {"plain": plain_engine(url), "ours": our_engine(url)}
        actors = {k: e.actor("bench") for k, e in engines.items()}
        for k, e in engines.items():
            engine_cases(e, actors[k], 3)  # warm: caches, prepared statements
        per: dict[str, list[float]] = {k: [] for k in engines}
        for _ in range(rounds):
            for k, e in engines.items():
                per[k].append(engine_cases(e, actors[k], cases)[2])
        counts = {"plain": traced_completions(plain_engine, url, "bench", tmp),
                  "ours": traced_completions(our_engine, url, "bench", tmp)}
        print(f"PostgreSQL, one completion through the engine ({rounds} alternate rounds x {cases} cases x 10 tasks)")
        print(f"{'engine':8} {'median ms':>10} {'round medians ms':>40} {'round trips':>12} {'statements':>11}")
        for k in engines:
            rs = " ".join(f"{m:.2f}" for m in per[k])
            print(f"{k:8} {statistics.median(per[k]):10.2f} {rs:>40} {counts[k][0]:12.0f} {counts[k][1]:11.0f}")
        for e in engines.values():
            e.session_factory.kw["bind"].dispose()
    finally:
        drop()


def one(kind: str, rounds: int, cases: int) -> None:
    tmp = Path(tempfile.mkdtemp())
    url, drop = make_db(kind, tmp)
    try:
        engine, actor = our_engine_setup(url)
        engine_cases(engine, actor, 3)
        medians = [engine_cases(engine, actor, cases)[2] for _ in range(rounds)]
        line = f"{kind}: median completion {statistics.median(medians):.2f} ms (rounds: " \
               + " ".join(f"{m:.2f}" for m in medians) + ")"
        if kind == "postgresql":
            trips, statements = traced_completions(our_engine, url, "bench", tmp)
            line += f"; {trips:.0f} round trips, {statements:.0f} statements"
        print(line)
        engine.session_factory.kw["bind"].dispose()
    finally:
        drop()


def main(argv: list[str]) -> None:
    kind = None
    if argv[:1] == ["--one"]:
        kind, argv = argv[1], argv[2:]
    rounds, cases = (int(argv[0]) if argv else 7), (int(argv[1]) if len(argv) > 1 else 10)
    if kind is None:
        ab(rounds, cases)
    else:
        one(kind, rounds, cases)


if __name__ == "__main__":
    main(sys.argv[1:])
