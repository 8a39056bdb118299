"""The web process and the worker restarted under traffic, and gunicorn with several workers.

Nothing acknowledged is lost: every case the API answered 201 for exists after the restarts and
moves on exactly once; no request is answered with a 5xx.
"""
from __future__ import annotations

import shutil
import sys
import threading

import pytest

from tests.faults.conftest import (
    CUT,
    SIGKILL,
    SIGTERM,
    TIMER_KEY,
    free_port,
    http,
    start_cases,
    wait_ready,
    wait_until,
)

pytestmark = pytest.mark.postgres


def token_for(url: str, username: str = "loader") -> str:
    from engine.people.accounts import new_token, put_user
    from webui.wiring import build_engine

    engine = build_engine(url)
    try:
        with engine.uow() as uow:
            put_user(uow, engine.clock.now(), username, "pw-loader-1", ["applicant_unit"], [])
            token = new_token(uow, engine.clock.now(), username)
            uow.commit()
        return token
    finally:
        engine.session_factory.kw["bind"].dispose()


class Traffic(threading.Thread):
    """Starts cases through the API until stopped (bounded: at most ``limit`` requests)."""

    def __init__(self, base: str, token: str, limit: int = 3000) -> None:
        super().__init__(daemon=True)
        self.base, self.token, self.limit = base, token, limit
        self.halt = threading.Event()
        self.acknowledged: list[str] = []
        self.statuses: dict[int, int] = {}

    def run(self) -> None:
        for _ in range(self.limit):
            if self.halt.is_set():
                return
            status, body = http("POST", f"{self.base}/api/v1/processes/{TIMER_KEY}/instances", {}, self.token,
                                timeout_s=10)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status == 201:
                self.acknowledged.append(body["id"])
            else:
                self.halt.wait(0.05)  # the web process is down or restarting: try again shortly

    def count(self) -> int:
        return len(self.acknowledged)


def test_web_and_worker_restarted_under_traffic_lose_nothing(db, procs):
    procs.url = db.url
    token = token_for(db.url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    web, worker = procs.web(port), procs.worker()
    wait_ready(base, web)
    traffic = Traffic(base, token)
    traffic.start()
    try:
        for sig in (SIGTERM, SIGKILL):  # a graceful restart, then a crash of both
            floor = traffic.count() + 40
            wait_until(lambda: traffic.count() >= floor, 90, every_s=0.05,
                       what=f"cases to be started (answers so far: {traffic.statuses}, traffic alive: {traffic.is_alive()})")
            web.signal(sig)
            worker.signal(sig)
            codes = (web.wait(20), worker.wait(20))
            assert codes == ((0, 0) if sig == SIGTERM else (-SIGKILL, -SIGKILL)), web.stderr()[-2000:]
            if sig == SIGTERM:  # graceful: every request begun before the signal got its whole answer
                assert CUT not in traffic.statuses, traffic.statuses
            web.start()
            worker.start()
            wait_ready(base, web)
        floor = traffic.count() + 40
        wait_until(lambda: traffic.count() >= floor, 90, every_s=0.05,
                   what=f"cases after the restarts (answers so far: {traffic.statuses})")
    finally:
        traffic.halt.set()
        traffic.join(20)
    # refusals or "try again" while down, an answer cut by the crash, never a 500
    assert set(traffic.statuses) <= {201, 0, CUT, 503}, traffic.statuses
    acknowledged = set(traffic.acknowledged)
    wait_until(lambda: db.counts().get("active", 0) == 0, 40, what="every case to move on")
    events = db.timer_events()
    assert acknowledged <= set(events), f"{len(acknowledged - set(events))} acknowledged cases lost"
    assert set(events.values()) == {1}  # each fired exactly once (including any begun as the web died)
    assert set(db.counts()) == {"completed"}
    print(f"\n{len(acknowledged)} cases acknowledged across two restarts; answers {traffic.statuses}")


def test_web_logs_are_json_lines_with_the_case_id(db, procs):
    procs.url = db.url
    token = token_for(db.url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    web = procs.web(port)
    wait_ready(base, web)
    status, body = http("POST", f"{base}/api/v1/processes/{TIMER_KEY}/instances", {}, token)
    assert status == 201
    case_id = body["id"]
    assert http("GET", f"{base}/api/v1/instances/{case_id}", token=token)[0] == 200
    assert http("GET", f"{base}/healthz")[0] == 200
    web.signal(SIGTERM)
    assert web.wait(20) == 0
    lines = web.json_logs()
    assert lines and all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    hit = [line for line in lines if line.get("path") == f"/api/v1/instances/{case_id}"]
    assert hit and hit[0]["case_id"] == case_id and hit[0]["status"] == 200 and hit[0]["logger"] == "fao.http"
    started = [line for line in lines if line.get("method") == "POST" and line.get("status") == 201]
    assert started and started[0]["case_id"] == case_id  # the new case is named on its start line
    assert not [line for line in lines if line.get("path") == "/healthz"]  # probes are DEBUG only


@pytest.mark.skipif(shutil.which("gunicorn", path=str(__import__("pathlib").Path(sys.executable).parent)) is None,
                    reason="gunicorn is not installed")
def test_gunicorn_workers_serve_and_leave_timers_to_fao_worker(db, procs, tmp_path):
    from tests.faults.conftest import Proc, child_env

    procs.url = db.url
    token = token_for(db.url)
    ids, _ = start_cases(db.url, 30)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = Proc("gunicorn", [sys.executable, "-m", "gunicorn", "-c", "webui/gunicorn_conf.py", "webui:create_app()"],
                    child_env(db.url, tmp_path, FAO_BIND=f"127.0.0.1:{port}", FAO_WEB_WORKERS="2"), tmp_path).start()
    try:
        wait_ready(base, gunicorn, timeout_s=40)
        status, body = http("GET", f"{base}/readyz")
        assert status == 200 and body["checks"] == {"database": "ok"}
        statuses = [http("POST", f"{base}/api/v1/processes/{TIMER_KEY}/instances", {}, token)[0] for _ in range(10)]
        assert statuses == [201] * 10
        # every timer has been due for two poll intervals of a scheduler: the web workers have none
        # (FAO_SCHEDULER=0), so the cases still wait and no worker logged a firing
        wait_until(lambda: http("GET", f"{base}/readyz")[1]["timer_lag_s"] >= 2, 10, what="the timers to be overdue")
        assert db.counts() == {"active": 40}
        assert not [line for line in gunicorn.json_logs() if line["message"] == "timers fired"]
        procs.worker()
        wait_until(lambda: db.counts() == {"completed": 40}, 30, what="the worker to fire the timers")
        gunicorn.signal(SIGTERM)
        assert gunicorn.wait(30) == 0, gunicorn.stderr()[-2000:]
        lines = gunicorn.json_logs()
        assert any(line["logger"] == "gunicorn.error" for line in lines)  # gunicorn's own lines are JSON too
    finally:
        gunicorn.kill()
