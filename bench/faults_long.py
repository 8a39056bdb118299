"""Long fault run (not part of the tests): many timers, several workers, a web process, and chaos.

While ``--workers`` ``fao worker`` processes fire ``--cases`` due timers and a client starts more
cases through a ``fao serve --no-scheduler`` process, every ``--chaos-every`` seconds one fault is
injected at random: a worker SIGKILLed (and restarted), a worker SIGTERMed (and restarted), every
database connection cut, or the web process SIGKILLed (and restarted). At the end the rows must
show: every case completed, exactly one 'timer' audit event per case, every case the API
acknowledged present. Exit status 1 otherwise.

    python bench/faults_long.py [--cases 10000] [--workers 4] [--minutes 10] [--chaos-every 3]

Bounded by ``--minutes``; only 127.0.0.1 and a database of its own, dropped at the end.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    from engine.people.identity import SYSTEM
    from tests.faults.conftest import (
        SIGKILL,
        SIGTERM,
        TIMER_KEY,
        TIMER_MODEL,
        Database,
        Proc,
        child_env,
        create_database,
        drop_database,
        engine_for,
        free_port,
        http,
        start_many,
    )
    from tests.faults.test_restart import Traffic, token_for

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--minutes", type=float, default=10.0, help="give up after this long")
    parser.add_argument("--chaos-every", type=float, default=3.0, help="seconds between faults")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    deadline = time.monotonic() + args.minutes * 60
    name, url = create_database("fao_chaos")
    db = Database(name, url)
    procs: list[Proc] = []
    faults: Counter[str] = Counter()
    tmp = Path(tempfile.mkdtemp(prefix="fao_chaos_"))
    try:
        engine = engine_for(url)
        engine.deploy([(f"{TIMER_KEY}.bpmn", TIMER_MODEL)], SYSTEM)
        engine.session_factory.kw["bind"].dispose()
        token = token_for(url)
        _, made_s = start_many(db, args.cases)
        print(f"{args.cases} waiting cases made in {made_s:.1f}s; logs in {tmp}", flush=True)
        time.sleep(1.1)

        def new_worker(i: int) -> Proc:
            proc = Proc(f"worker{i}", [sys.executable, "-m", "webui.cli", "worker", "--interval", "0.2"],
                        child_env(url, tmp), tmp).start()
            procs.append(proc)
            return proc

        workers = [new_worker(i) for i in range(args.workers)]
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        web = Proc("web", [sys.executable, "-m", "webui.cli", "serve", "--no-scheduler", "--port", str(port)],
                   child_env(url, tmp), tmp).start()
        procs.append(web)
        while http("GET", base + "/readyz", timeout_s=2)[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        traffic = Traffic(base, token, limit=args.cases)
        traffic.start()
        began = time.monotonic()
        next_fault = began + args.chaos_every
        while time.monotonic() < deadline:
            counts = db.counts()
            if counts.get("active", 0) == 0 and not traffic.is_alive():
                break
            if time.monotonic() > began + args.minutes * 30 and traffic.is_alive():
                traffic.halt.set()  # second half: let the workers drain
            if time.monotonic() >= next_fault:
                fault = rng.choice(["kill_worker", "term_worker", "cut_connections", "kill_web"])
                faults[fault] += 1
                if fault in ("kill_worker", "term_worker"):
                    i = rng.randrange(len(workers))
                    workers[i].signal(SIGKILL if fault == "kill_worker" else SIGTERM)
                    code = workers[i].wait(30)
                    if fault == "term_worker" and code != 0:
                        faults["term_worker_bad_exit"] += 1
                        print(f"worker{i} exited {code} on SIGTERM", flush=True)
                    workers[i].start()
                elif fault == "cut_connections":
                    db.terminate_connections()
                else:
                    web.signal(SIGKILL)
                    web.wait(10)
                    web.start()
                next_fault = time.monotonic() + args.chaos_every
                print(f"{time.monotonic() - began:6.1f}s {fault:<16} {counts}", flush=True)
            time.sleep(0.25)
        traffic.halt.set()
        traffic.join(30)
        elapsed = time.monotonic() - began
        while db.counts().get("active", 0) and time.monotonic() < deadline + 60:
            time.sleep(0.5)  # let the last restarted workers finish
        events = db.timer_events()
        twice = sum(1 for n in events.values() if n > 1)
        never = sum(1 for n in events.values() if n == 0)
        lost = len(set(traffic.acknowledged) - set(events))
        counts = db.counts()
        failed_polls = sum(1 for p in procs for line in p.json_logs() if line.get("message") == "timer poll failed")
        print()
        print(f"{'cases':>7} {'via API':>8} {'seconds':>8} {'cases/s':>8} {'faults':>7} {'failed polls':>13} "
              f"{'fired twice':>12} {'never fired':>12} {'lost':>5}  statuses")
        print(f"{len(events):>7} {len(traffic.acknowledged):>8} {elapsed:>8.1f} {len(events) / elapsed:>8.1f} "
              f"{sum(faults.values()):>7} {failed_polls:>13} {twice:>12} {never:>12} {lost:>5}  {counts}")
        print("faults:", dict(faults), "; API answers:", traffic.statuses)
        five_xx = sum(n for s, n in traffic.statuses.items() if s >= 500)
        if five_xx:  # a request whose connection was cut under it: the transaction rolled back, nothing written
            print(f"note: {five_xx} request(s) answered 5xx while the database connections were cut")
        ok = twice == 0 and never == 0 and lost == 0 and set(counts) == {"completed"} \
            and not faults["term_worker_bad_exit"]
        print("OK" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        for proc in procs:
            proc.kill()
        drop_database(name)


if __name__ == "__main__":
    sys.exit(main())
