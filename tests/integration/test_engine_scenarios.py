"""Engine scenarios through the services, on SQLite and PostgreSQL, restoring mid-way."""
from __future__ import annotations

import pytest

from engine.errors import Conflict, Forbidden, ValidationFailed
from tests.conftest import reload_engine


def open_tasks(engine, instance_id):
    with engine.uow() as uow:
        return [(t.id, t.bpmn_id, t.lane, t.status, t.assignee) for t in uow.reads.tasks.open_of(instance_id)]


def task_of(engine, instance_id, bpmn_id):
    return next(t[0] for t in open_tasks(engine, instance_id) if t[1] == bpmn_id)


def status_of(engine, instance_id):
    with engine.uow() as uow:
        return uow.instances.get(instance_id).status


def actions(engine, instance_id):
    with engine.uow() as uow:
        return [(e.action, e.actor, e.bpmn_id) for e in uow.reads.audit.history(instance_id)]


def test_review_in_lanes_runs_to_approval_with_restore_midway(engine, users, deploy):
    deploy("review.bpmn", "review.start.schema.json", "review.decision.schema.json", "review.decision.uischema.json")
    inst = engine.start("review", users["unit"], {"title": "赴日访问"})
    examine = task_of(engine, inst.id, "examine")
    with engine.uow() as uow:
        row = uow.tasks.get(examine)
        assert row.lane == "fao_clerk" and row.instructions == "Please examine 赴日访问"

    engine = reload_engine(engine)  # nothing carried over in memory
    with pytest.raises(Forbidden):
        engine.complete(examine, users["chief"], {"decision": "approve"})
    engine.claim(examine, users["clerk"])
    with pytest.raises(Conflict):
        engine.complete(examine, users["clerk2"], {"decision": "approve"})
    engine.complete(examine, users["clerk"], {"decision": "approve", "comment": "齐全"})

    engine = reload_engine(engine)
    approve = task_of(engine, inst.id, "approve")
    done = engine.complete(approve, users["chief"], {"decision": "approve"})
    assert done.status == "completed"
    assert status_of(engine, inst.id) == "completed"
    assert [a for a in actions(engine, inst.id) if a[0] in ("started", "claimed", "completed")] == [
        ("started", "unit", None), ("claimed", "clerk", "examine"),
        ("completed", "clerk", "examine"), ("completed", "chief", "approve"),
    ]
    with pytest.raises(Conflict):
        engine.complete(approve, users["chief"], {"decision": "approve"})


def test_reject_path_ends_without_approval(engine, users, deploy):
    deploy("review.bpmn", "review.start.schema.json", "review.decision.schema.json", "review.decision.uischema.json")
    inst = engine.start("review", users["unit"], {"title": "x"})
    engine.complete(task_of(engine, inst.id, "examine"), users["clerk"], {"decision": "reject", "comment": "材料不全"})
    assert status_of(engine, inst.id) == "completed"
    assert "approve" not in [a[2] for a in actions(engine, inst.id)]


def test_form_errors_name_the_field_and_change_nothing(engine, users, deploy):
    deploy("review.bpmn", "review.start.schema.json", "review.decision.schema.json", "review.decision.uischema.json")
    with pytest.raises(ValidationFailed) as err:
        engine.start("review", users["unit"], {"title": "t", "members": [{"passport_no": "bad"}]})
    fields = {d["field"] for d in err.value.details}
    assert {"members.0.name", "members.0.passport_no"} <= fields
    inst = engine.start("review", users["unit"], {"title": "t"})
    examine = task_of(engine, inst.id, "examine")
    with pytest.raises(ValidationFailed) as err:
        engine.complete(examine, users["clerk"], {"decision": "reject"})
    assert [d["field"] for d in err.value.details] == ["comment"]
    assert open_tasks(engine, inst.id)[0][3] == "open"


def test_parallel_countersign_waits_for_both(engine, users, deploy):
    deploy("parallel.bpmn")
    inst = engine.start("parallel", users["clerk"], {})
    assert sorted(t[1] for t in open_tasks(engine, inst.id)) == ["sign_a", "sign_b"]
    engine.complete(task_of(engine, inst.id, "sign_a"), users["protocol"], {"a_ok": "protocol"})
    engine = reload_engine(engine)
    assert [t[1] for t in open_tasks(engine, inst.id)] == ["sign_b"]
    assert status_of(engine, inst.id) == "active"
    engine.complete(task_of(engine, inst.id, "sign_b"), users["press"], {"b_ok": "press"})
    assert status_of(engine, inst.id) == "completed"


def test_call_activity_per_member(engine, users, deploy):
    deploy("call_parent.bpmn")
    inst = engine.start("call_parent", users["unit"], {"members": [{"name": "张三"}, {"name": "李四"}]})
    tasks = open_tasks(engine, inst.id)
    assert [t[1] for t in tasks] == ["issue", "issue"] and tasks[0][2] == "passport_visa_section"
    engine.complete(tasks[0][0], users["clerk"], {"passport_no": "E12345678"})
    engine = reload_engine(engine)
    engine.complete(open_tasks(engine, inst.id)[0][0], users["clerk"], {"passport_no": "E87654321"})
    assert status_of(engine, inst.id) == "completed"


def test_parallel_multi_instance_user_task(engine, users, deploy):
    deploy("multi.bpmn")
    inst = engine.start("multi", users["clerk"], {"members": ["a", "b", "c"]})
    assert len(open_tasks(engine, inst.id)) == 3
    for i, (task_id, *_rest) in enumerate(open_tasks(engine, inst.id)):
        engine.complete(task_id, users["clerk"], {"ok": True})
        engine = reload_engine(engine)
    assert status_of(engine, inst.id) == "completed"


def test_dmn_business_rule_task(engine, users, deploy):
    from tests.integration.helpers import data_of

    deploy("decide.bpmn", "test_level.dmn")
    small = engine.start("decide", users["clerk"], {"size": 3})
    big = engine.start("decide", users["clerk"], {"size": 5})
    assert data_of(engine, small.id)["level"] == "office_director"
    assert data_of(engine, big.id)["level"] == "municipal_leader"


def test_script_error_opens_incident_and_retry_with_patch_resumes(engine, users, deploy):
    deploy("script_fail.bpmn")
    inst = engine.start("script_fail", users["clerk"], {"total": 10, "parts": 0})
    assert inst.status == "error"
    with engine.uow() as uow:
        incident = uow.incidents.open_for(inst.id)[0]
        assert incident.bpmn_id == "divide" and "division by zero" in incident.message
        incident_id = incident.id
    assert ("incident", "clerk", "divide") in actions(engine, inst.id)
    with pytest.raises(Forbidden):
        engine.retry_incident(incident_id, users["clerk"], {"parts": 2})
    engine = reload_engine(engine)
    after = engine.retry_incident(incident_id, users["boss"], {"parts": 2})
    assert after.status == "active"
    assert [t[1] for t in open_tasks(engine, inst.id)] == ["after"]


def test_timers_boundary_escalation_and_intermediate_wait(engine, users, deploy, clock):
    deploy("timers.bpmn")
    inst = engine.start("timers", users["clerk"], {})
    with engine.uow() as uow:
        timers = uow.events.timers_for(inst.id)
        assert [t.bpmn_id for t in timers] == ["sla"]
        examine_due = uow.reads.tasks.open_of(inst.id)[0].due_at
    assert examine_due == timers[0].due_at
    assert engine.fire_due_timers() == 0
    clock.advance(days=1)
    assert engine.fire_due_timers() == 0  # one working day is not two
    clock.advance(days=2)
    engine = reload_engine(engine)
    assert engine.fire_due_timers() == 1
    assert sorted(t[1] for t in open_tasks(engine, inst.id)) == ["escalate", "examine"]  # non-interrupting
    engine.complete(task_of(engine, inst.id, "examine"), users["clerk"], {})
    with engine.uow() as uow:
        (wait,) = uow.events.timers_for(inst.id)
        assert wait.bpmn_id == "wait"
    clock.advance(hours=23)
    assert engine.fire_due_timers() == 0
    clock.advance(hours=2)
    assert engine.fire_due_timers() == 1
    assert "after_wait" in [t[1] for t in open_tasks(engine, inst.id)]
    assert ("timer", "timer", "wait") in actions(engine, inst.id)


def test_message_with_correlation_reaches_only_its_case(engine, users, deploy):
    deploy("message.bpmn")
    a = engine.start("message_wait", users["clerk"], {}, business_key="BK-A")
    b = engine.start("message_wait", users["clerk"], {}, business_key="BK-B")
    engine = reload_engine(engine)
    delivered = engine.deliver_message(users["clerk"], "visa_result", {"business_key": "BK-B"}, {"visa_ok": True})
    assert delivered == [b.id]
    assert [t[1] for t in open_tasks(engine, b.id)] == ["collect"]
    assert open_tasks(engine, a.id) == []
    from engine.errors import NotFound
    from tests.integration.helpers import data_of

    assert data_of(engine, b.id)["visa_ok"] is True
    with pytest.raises(NotFound):
        engine.deliver_message(users["clerk"], "visa_result", {"business_key": "BK-B"}, {})


def test_deep_gateway_loop_becomes_an_incident_not_a_silent_completion(engine, users, deploy):
    deploy("deep_loop.bpmn")
    few = engine.start("deep_loop", users["clerk"], {"n": 0, "limit": 5})
    assert few.status == "completed"
    many = engine.start("deep_loop", users["clerk"], {"n": 0, "limit": 2000})
    assert many.status == "error"
    with engine.uow() as uow:
        assert uow.incidents.open_for(many.id)[0].error_type in ("LoopTooDeep", "Stalled")


def test_suspend_blocks_completion_until_resumed(engine, users, deploy):
    deploy("review.bpmn", "review.start.schema.json", "review.decision.schema.json", "review.decision.uischema.json")
    inst = engine.start("review", users["unit"], {"title": "t"})
    with pytest.raises(Forbidden):
        engine.suspend(inst.id, users["clerk"])
    engine.suspend(inst.id, users["boss"], "核实材料")
    with pytest.raises(Conflict):
        engine.complete(task_of(engine, inst.id, "examine"), users["clerk"], {"decision": "approve"})
    engine.resume(inst.id, users["boss"])
    engine.complete(task_of(engine, inst.id, "examine"), users["clerk"], {"decision": "reject", "comment": "no"})
    with pytest.raises(Conflict):
        engine.terminate(inst.id, users["boss"])
