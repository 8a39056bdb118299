"""Supervisors are told of SLA escalations and of what became overdue."""
from __future__ import annotations

from store.models import Notification
from tests.integration.test_engine_scenarios import open_tasks


def notes_of(engine, username):
    """(code, params) of each notification; webui words them (tests/web/test_monitor.py)."""
    with engine.uow() as uow:
        return [(n.code, n.params) for n in uow.misc.notifications(username)]


def test_boundary_timer_escalation_notifies_every_supervisor_once(engine, users, deploy, clock):
    deploy("timers.bpmn")
    inst = engine.start("timers", users["clerk"], {"title": "逾期案件"})
    clock.advance(days=3)
    assert engine.fire_due_timers() == 1
    assert "escalate" in [t[1] for t in open_tasks(engine, inst.id)]
    boss_notes = notes_of(engine, "boss")
    assert boss_notes == [("escalation", {"case_title": inst.title, "business_key": inst.business_key,
                                          "element": boss_notes[0][1]["element"]})]
    assert notes_of(engine, "clerk") == []  # clerks are not supervisors
    assert engine.fire_due_timers() == 0
    assert len(notes_of(engine, "boss")) == 1


def test_intermediate_timer_is_no_escalation(engine, users, deploy, clock):
    deploy("timers.bpmn")
    inst = engine.start("timers", users["clerk"], {})
    examine = next(t[0] for t in open_tasks(engine, inst.id) if t[1] == "examine")
    engine.complete(examine, users["clerk"], {})
    clock.advance(days=2)
    assert engine.fire_due_timers() == 1  # the wait, not the SLA
    assert notes_of(engine, "boss") == []


def test_daily_digest_lists_tasks_that_became_overdue(engine, users, deploy, clock):
    deploy("timers.bpmn")
    first = engine.start("timers", users["clerk"], {})
    assert engine.send_overdue_digest() == 0
    clock.advance(days=2, hours=12)  # two working days passed half a day ago: examine is overdue
    assert engine.send_overdue_digest() == 1
    [(code, params)] = notes_of(engine, "boss")
    assert code == "overdue_digest" and params["count"] == 1
    assert params["tasks"] == [{"name": "Examine", "business_key": first.business_key, "lane": params["tasks"][0]["lane"],
                                "assignee": None}]
    clock.advance(days=1)
    assert engine.send_overdue_digest() == 0  # already reported yesterday
    with engine.uow() as uow:
        assert uow.session.query(Notification).filter_by(username="clerk").count() == 0
