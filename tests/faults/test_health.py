"""Liveness, readiness, the scheduler switch, JSON log lines and the worker's stop flag (in process)."""
from __future__ import annotations

import io
import json
import logging
import threading
import time

import pytest


def app_on(url: str, **config):
    from webui import create_app

    settings = {"TESTING": True, "SCHEDULER_ENABLED": False, "DATABASE_URL": url, "SECRET_KEY": "t"}
    settings.update(config)
    return create_app(settings)


def dispose(app) -> None:
    scheduler = app.extensions.get("fao_scheduler")
    if scheduler is not None:
        scheduler.shutdown(wait=False)
    app.extensions["fao_engine"].session_factory.kw["bind"].dispose()


def test_healthz_answers_without_the_database_and_readyz_says_503():
    app = app_on("postgresql+psycopg://postgres@127.0.0.1:1/nowhere")  # nothing listens on port 1
    try:
        client = app.test_client()
        alive = client.get("/healthz")
        assert alive.status_code == 200 and alive.json == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json == {"status": "unavailable", "checks": {"database": "unreachable"}}
        assert ready.headers["Cache-Control"] == "no-store"
    finally:
        dispose(app)


def test_readyz_reports_the_database_and_the_timer_lag(sqlite_url):
    app = app_on(sqlite_url)
    try:
        ready = app.test_client().get("/readyz")
        assert ready.status_code == 200
        assert ready.json == {"status": "ready", "checks": {"database": "ok"}, "timer_lag_s": 0.0}
    finally:
        dispose(app)


def test_fao_scheduler_0_keeps_the_scheduler_out_of_the_web_process(sqlite_url, monkeypatch):
    from webui import create_app

    base = {"TESTING": True, "DATABASE_URL": sqlite_url, "SECRET_KEY": "t"}
    monkeypatch.setenv("FAO_SCHEDULER", "0")
    app = create_app(dict(base))
    assert app.config["SCHEDULER_ENABLED"] is False and "fao_scheduler" not in app.extensions
    dispose(app)
    monkeypatch.delenv("FAO_SCHEDULER")
    app = create_app(dict(base))
    try:
        assert "fao_scheduler" in app.extensions  # the embedded default stays as it was
    finally:
        dispose(app)


def test_log_lines_are_json_with_context_and_extra_fields():
    from webui.logging_setup import log_context, make_handler

    stream = io.StringIO()
    log = logging.getLogger("fao.test.json")
    log.propagate = False
    log.addHandler(make_handler("json", stream))
    log.setLevel(logging.INFO)
    try:
        with log_context(case_id="c1"):
            log.info("fired %s", "wait", extra={"bpmn_id": "wait"})
        log.warning("outside")
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("failed")
    finally:
        log.handlers.clear()
    first, second, third = (json.loads(line) for line in stream.getvalue().splitlines())
    assert {k: first[k] for k in ("level", "logger", "message", "case_id", "bpmn_id")} == {
        "level": "INFO", "logger": "fao.test.json", "message": "fired wait", "case_id": "c1", "bpmn_id": "wait"}
    assert first["time"].endswith("+00:00")
    assert "case_id" not in second
    assert "ValueError: boom" in third["exc"]


def test_a_failing_poll_is_logged_and_the_worker_loop_goes_on(caplog):
    from webui import scheduler

    class Broken:  # stands in for the engine facade
        calls = 0

        @staticmethod
        def fire_due_timers(limit, stop=None):
            Broken.calls += 1
            raise ConnectionError("database gone")

    stop = threading.Event()
    runner = threading.Thread(target=scheduler.work, args=(Broken, stop, 0.01), daemon=True)
    with caplog.at_level(logging.ERROR, logger="webui.scheduler"):
        runner.start()
        deadline = time.monotonic() + 5
        while Broken.calls < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        stop.set()
        runner.join(5)
    assert not runner.is_alive() and Broken.calls >= 3
    assert any(r.message == "timer poll failed" for r in caplog.records)


@pytest.mark.parametrize("stop_after", [0, 1])
def test_the_stop_flag_ends_a_timer_batch_between_cases(engine, deploy, users, clock, stop_after):
    deploy("timers.bpmn")
    cases = [engine.start("timers", users["clerk"]) for _ in range(3)]
    for case in cases:
        with engine.uow() as uow:
            task_id = uow.reads.tasks.open_of(case.id)[0].id
        engine.complete(task_id, users["clerk"], {})
    clock.advance(days=2)

    class StopAfter:
        def __init__(self, n: int) -> None:
            self.n = n

        def is_set(self) -> bool:
            self.n -= 1
            return self.n < 0

    assert engine.fire_due_timers(stop=StopAfter(stop_after)) == stop_after
    assert engine.fire_due_timers() == 3 - stop_after  # the rest is left for the next poll


def test_a_task_request_logs_its_task_and_case(tmp_path):
    from engine.people.accounts import new_token
    from tests.web.conftest import START_DATA, make_app, seed_database
    from webui.logging_setup import make_handler

    app = make_app(tmp_path, seed_database(tmp_path / "seed.db"))
    eng = app.extensions["fao_engine"]
    stream = io.StringIO()
    log = logging.getLogger("fao.http")
    handler = make_handler("json", stream)
    log.addHandler(handler)
    old_level = log.level
    log.setLevel(logging.INFO)
    try:
        case = eng.start("web_trip", eng.actor("alice"), dict(START_DATA))
        with eng.uow() as uow:
            task_id = uow.reads.tasks.open_of(case.id)[0].id
            token = new_token(uow, eng.clock.now(), "carl")
            uow.commit()
        client = app.test_client()
        auth = {"Authorization": f"Bearer {token}"}
        assert client.post(f"/api/v1/tasks/{task_id}/claim", json={}, headers=auth).status_code == 200
        assert client.get("/readyz").status_code == 200
    finally:
        log.removeHandler(handler)
        log.setLevel(old_level)
        dispose(app)
    (line,) = [json.loads(x) for x in stream.getvalue().splitlines()]  # the probe is not logged at INFO
    assert {k: line[k] for k in ("logger", "method", "status", "task_id", "case_id")} == {
        "logger": "fao.http", "method": "POST", "status": 200, "task_id": task_id, "case_id": case.id}
    assert isinstance(line["duration_ms"], float)
