"""Helpers for the monitor and modeler tests: the app around a test engine, sign-in, a seeded office."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

import pytest

REVIEW = ("review.bpmn", "review.start.schema.json", "review.decision.schema.json", "review.decision.uischema.json")


def make_app(engine, **config):
    """The real app (``webui.create_app``) on the test engine."""
    from webui import create_app

    url = engine.session_factory.kw["bind"].url.render_as_string(hide_password=False)
    settings = {"DATABASE_URL": url, "ENGINE": engine, "SCHEDULER_ENABLED": False, "TESTING": True,
                "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test-secret", **config}
    return create_app(settings)


@contextmanager
def serving(app) -> Iterator[str]:
    """Serve the app with werkzeug in a thread on a free port; yields its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


def sign_in(client, username: str) -> None:
    """Sign a test client in through the login form (the root conftest's users have ``pw-<name>``)."""
    response = client.post("/login", data={"username": username, "password": f"pw-{username}"})
    assert response.status_code == 302, response.data[:500]


def open_tasks(engine, instance_id: str) -> list:
    with engine.uow() as uow:
        return list(uow.reads.tasks.open_of(instance_id))


def task_id(engine, instance_id: str, bpmn_id: str) -> str:
    return next(t.id for t in open_tasks(engine, instance_id) if t.bpmn_id == bpmn_id)


@dataclass
class Office:
    """The seeded cases, by what they show on the monitor."""

    review: list[str] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)
    timers: list[str] = field(default_factory=list)
    failed: str = ""
    waiting_message: str = ""
    suspended: str = ""
    fresh: str = ""


def seed_office(engine, users, deploy, clock) -> Office:
    """A small office a week into work: open, overdue, stuck, failed, suspended and finished cases.

    Day 0: five review cases, three with an SLA timer (due in 2 working days; one claimed, one done
    in time), one waiting for a message, one whose script fails; two reviews finish (one on day 2).
    One review is suspended. Five days later a review and a timer case move again (the timer case's
    task a week late), so they are not stuck; the other untouched active cases are.
    """
    deploy(*REVIEW)
    deploy("timers.bpmn")
    deploy("script_fail.bpmn")
    deploy("message.bpmn")
    office = Office()
    for i in range(5):
        office.review.append(engine.start("review", users["unit"], {"title": f"出访申请 {i}",
                                                                    "members": [{"name": "张三", "passport_no": "E12345678"}]}).id)
    for i in range(3):
        office.timers.append(engine.start("timers", users["clerk"], {"title": f"定时 {i}"}).id)
    office.failed = engine.start("script_fail", users["clerk"], {"total": 1, "parts": 0}).id
    office.waiting_message = engine.start("message_wait", users["clerk"], {}).id
    engine.claim(task_id(engine, office.timers[0], "examine"), users["clerk"])
    engine.complete(task_id(engine, office.timers[2], "examine"), users["clerk"], {})  # in time: now on its P1D wait

    first, second = office.review[0], office.review[1]
    engine.complete(task_id(engine, first, "examine"), users["clerk"], {"decision": "reject", "comment": "材料不全"})
    clock.advance(days=2)
    engine.complete(task_id(engine, second, "examine"), users["clerk"], {"decision": "approve", "comment": "同意"})
    engine.complete(task_id(engine, second, "approve"), users["chief"], {"decision": "approve", "comment": "同意"})
    office.completed = [first, second]

    office.suspended = office.review[2]
    engine.suspend(office.suspended, users["boss"], "等待外事审批")
    clock.advance(days=5)
    office.fresh = office.review[3]
    engine.claim(task_id(engine, office.fresh, "examine"), users["clerk2"])
    engine.complete(task_id(engine, office.fresh, "examine"), users["clerk2"], {"decision": "approve", "comment": "好"})
    engine.complete(task_id(engine, office.timers[1], "examine"), users["clerk2"], {})  # a week late
    return office


@pytest.fixture
def client_of(engine, users, deploy):
    deploy(*REVIEW)
    app = make_app(engine)

    def _client(username: str | None):
        client = app.test_client()
        if username:
            sign_in(client, username)
        return client

    return _client


def versions(engine, key="review") -> list[int]:
    with engine.uow() as uow:
        return [v.version for v in uow.processes.versions(key)]
