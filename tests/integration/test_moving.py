"""Token move (instance modification) through the engine, restoring the engine between steps."""
from __future__ import annotations

import pytest

from engine.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.state import activities
from tests.conftest import _truncate_all, reload_engine
from tests.integration.process_driver import fast_engine, processes_template  # noqa: F401 - fixtures

MOVE = ("move.bpmn",)


@pytest.fixture
def db_url(request, tmp_path):
    """SQLite unless a test asks for PostgreSQL too (``indirect`` parametrisation)."""
    if getattr(request, "param", "sqlite") == "postgresql":
        url = request.getfixturevalue("pg_database_url")
        _truncate_all(url)
        return url
    from store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'fao.db'}"
    upgrade(url)
    return url


def rows(engine, instance_id):
    """Every inbox row of the case: (bpmn_id, lane, status, assignee), in creation order."""
    with engine.uow() as uow:
        return sorted(((t.created_at, t.id, t.bpmn_id, t.lane, t.status, t.assignee)
                       for t in uow.reads.tasks.all_of(instance_id)))


def open_row(engine, instance_id, bpmn_id):
    engine.clock.advance(minutes=1)  # rows sort by creation: one step a minute
    return next(r[1] for r in rows(engine, instance_id) if r[2] == bpmn_id and r[4] == "open")


def timers(engine, instance_id):
    with engine.uow() as uow:
        return sorted((t.bpmn_id, t.due_at) for t in uow.events.timers_for(instance_id))


def case(engine, instance_id):
    with engine.uow() as uow:
        instance = uow.instances.get(instance_id)
        workflow = engine.load_readonly(uow, instance)
        return instance.status, activities.case_data(workflow)


def moved_events(engine, instance_id):
    with engine.uow() as uow:
        return [(e.actor, e.bpmn_id, e.detail) for e in uow.reads.audit.history(instance_id) if e.action == "moved"]


def start_at_approve(engine, users):
    inst = engine.start("move_case", users["unit"], {"title": "赴日访问"})
    engine.complete(open_row(engine, inst.id, "submit"), users["unit"], {"purpose": "交流"})
    engine.complete(open_row(engine, inst.id, "examine"), users["clerk"], {"opinion": "齐全"})
    return inst


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
def test_moving_back_to_a_completed_task_keeps_the_data_and_cancels_the_later_task(engine, users, deploy):
    deploy(*MOVE)
    inst = start_at_approve(engine, users)
    approve = open_row(engine, inst.id, "approve")
    engine = reload_engine(engine)

    preview = engine.move_preview(inst.id, users["boss"], "approve", "submit")
    assert preview.ok, preview.reasons
    assert [e.bpmn_id for e in preview.cancelled] == ["approve"]
    assert (preview.target.bpmn_id, preview.target.name, preview.target.lane) == ("submit", "填写申请", "applicant_unit")
    assert {"purpose", "opinion", "title"} <= set(preview.data_kept)
    assert rows(engine, inst.id)[-1][4] == "open"  # the preview changed nothing

    engine.clock.advance(minutes=1)
    engine.move(inst.id, users["boss"], "approve", "submit", "申请人需补充材料")
    engine = reload_engine(engine)
    after = rows(engine, inst.id)
    assert [(r[2], r[4]) for r in after] == [("submit", "completed"), ("examine", "completed"),
                                            ("approve", "cancelled"), ("submit", "open")]
    assert after[-1][3] == "applicant_unit" and after[-1][1] != after[0][1]  # a new task, in its lane
    assert not any(r[1] == approve and r[4] == "open" for r in after)
    status, data = case(engine, inst.id)
    assert status == "active" and data["purpose"] == "交流" and data["opinion"] == "齐全"
    assert moved_events(engine, inst.id) == [("boss", "approve", {
        "from": "approve", "to": "submit", "reason": "申请人需补充材料", "cancelled": ["approve"]})]

    before = (rows(engine, inst.id), timers(engine, inst.id))
    assert engine.reindex() == 1
    assert (rows(engine, inst.id), timers(engine, inst.id)) == before

    # the case runs on from the new token: examine again, with its SLA timer armed again
    engine.complete(open_row(engine, inst.id, "submit"), users["unit"], {"purpose": "交流（补充）"})
    assert [t[0] for t in timers(engine, inst.id)] == ["examine_sla"]
    assert case(engine, inst.id)[1]["purpose"] == "交流（补充）"


def test_moving_forward_skips_steps_cancels_their_timer_and_runs_a_script_target(engine, users, deploy):
    deploy(*MOVE)
    inst = engine.start("move_case", users["unit"], {"title": "t", "members": ["王", "李"]})
    engine.complete(open_row(engine, inst.id, "submit"), users["unit"], {})
    assert [t[0] for t in timers(engine, inst.id)] == ["examine_sla"]

    preview = engine.move_preview(inst.id, users["boss"], "examine", "per_member")
    assert [e.bpmn_id for e in preview.cancelled] == ["examine", "examine_sla"]
    engine.clock.advance(minutes=1)
    engine.move(inst.id, users["boss"], "examine", "per_member", "审批已线下完成")
    engine = reload_engine(engine)
    assert timers(engine, inst.id) == []
    assert [(r[2], r[4]) for r in rows(engine, inst.id)] == [
        ("submit", "completed"), ("examine", "cancelled"), ("per_member", "open"), ("per_member", "open")]
    assert moved_events(engine, inst.id)[0][2]["cancelled"] == ["examine", "examine_sla"]

    # the whole multi-instance activity is a source that repeats: moving from it is refused
    with pytest.raises(Conflict) as err:
        engine.move(inst.id, users["boss"], "per_member", "archive", "跳过")
    assert [d["reason"] for d in err.value.details] == ["from_repeats"]


def test_moving_to_a_script_task_runs_it_and_can_finish_the_case(engine, users, deploy):
    deploy(*MOVE)
    inst = start_at_approve(engine, users)
    done = engine.move(inst.id, users["boss"], "approve", "archive", "领导已口头同意")
    assert done.status == "completed"
    status, data = case(engine, inst.id)
    assert status == "completed" and data["archived"] is True
    assert [r[4] for r in rows(engine, inst.id) if r[2] == "approve"] == ["cancelled"]
    with pytest.raises(Conflict) as err:
        engine.move(inst.id, users["boss"], "approve", "submit", "再来")
    assert {d["reason"] for d in err.value.details} >= {"case_ended"}


def test_refusals_name_the_reason_and_change_nothing(engine, users, deploy):
    deploy(*MOVE)
    inst = start_at_approve(engine, users)
    before = rows(engine, inst.id)

    with pytest.raises(Forbidden):
        engine.move(inst.id, users["clerk"], "approve", "submit", "x")
    with pytest.raises(Forbidden):
        engine.move_preview(inst.id, users["analyst"], "approve", "submit")
    with pytest.raises(ValidationFailed) as err:
        engine.move(inst.id, users["boss"], "approve", "submit", "   ")
    assert [d["field"] for d in err.value.details] == ["reason"]
    with pytest.raises(NotFound):
        engine.move("0" * 32, users["boss"], "approve", "submit", "x")

    def codes(frm, to):
        with pytest.raises(Conflict) as err:
            engine.move(inst.id, users["boss"], frm, to, "理由")
        assert err.value.code == "move_refused"
        return [(d["field"], d["reason"]) for d in err.value.details]

    assert codes("approve", "nowhere") == [("to", "to_unknown")]
    assert codes("approve", "start") == [("to", "to_kind")]
    assert codes("approve", "examine_sla") == [("to", "to_kind")]
    assert codes("approve", "end") == [("to", "to_kind")]
    assert codes("submit", "examine") == [("from", "from_not_active")]
    engine.suspend(inst.id, users["boss"], "暂停")
    assert codes("approve", "submit") == [("", "case_suspended")]
    assert rows(engine, inst.id) == before
    assert moved_events(engine, inst.id) == []

    preview = engine.move_preview(inst.id, users["boss"], None, None)
    assert [e.bpmn_id for e in preview.sources] == ["approve"]
    assert [e.bpmn_id for e in preview.targets] == ["submit", "examine", "approve", "per_member", "archive"]


def test_moving_off_a_failed_script_resolves_its_incident(engine, users, deploy):
    deploy("script_fail.bpmn")
    inst = engine.start("script_fail", users["boss"], {"total": 1, "parts": 0})
    assert inst.status == "error"
    preview = engine.move_preview(inst.id, users["boss"], "divide", "after")
    assert preview.ok and [e.bpmn_id for e in preview.cancelled] == ["divide"]
    moved = engine.move(inst.id, users["boss"], "divide", "after", "份数为零，人工分配")
    assert moved.status == "active"
    with engine.uow() as uow:
        assert list(uow.incidents.open_for(inst.id)) == []
    assert [(r[2], r[3], r[4]) for r in rows(engine, inst.id)] == [("after", "fao_clerk", "open")]
    assert engine.reindex() == 1 and case(engine, inst.id)[0] == "active"


def test_a_token_moves_inside_its_subprocess_and_a_call_activity_moves_as_a_whole(engine, users, deploy):
    deploy("move_call.bpmn")
    inst = engine.start("move_call", users["boss"], {"title": "t"})
    engine.complete(open_row(engine, inst.id, "prepare"), users["clerk"], {})
    preview = engine.move_preview(inst.id, users["boss"], "fill", "prepare")
    assert [(e.bpmn_id, e.process_key) for e in preview.sources] == [("handle", "move_call"), ("fill", "move_child")]
    assert [r.code for r in preview.reasons] == ["to_other_scope"]

    engine.clock.advance(minutes=1)
    engine.move(inst.id, users["boss"], "fill", "check", "已填写")
    assert [(r[2], r[3], r[4]) for r in rows(engine, inst.id)][1:] == [
        ("fill", "passport_visa_section", "cancelled"), ("check", "passport_visa_section", "open")]

    preview = engine.move_preview(inst.id, users["boss"], "handle", "finish")
    assert [e.bpmn_id for e in preview.cancelled] == ["handle", "check"]
    engine.clock.advance(minutes=1)
    engine.move(inst.id, users["boss"], "handle", "finish", "子流程不再需要")
    engine = reload_engine(engine)
    assert [(r[2], r[4]) for r in rows(engine, inst.id)][2:] == [("check", "cancelled"), ("finish", "open")]
    engine.complete(open_row(engine, inst.id, "finish"), users["clerk"], {})
    assert case(engine, inst.id)[0] == "completed"


def test_a_fired_non_interrupting_boundary_branch_stays_when_its_task_moves(engine, users, deploy):
    deploy("timers.bpmn")
    inst = engine.start("timers", users["boss"], {})
    engine.clock.advance(days=10)
    assert engine.fire_due_timers() == 1
    assert sorted(r[2] for r in rows(engine, inst.id) if r[4] == "open") == ["escalate", "examine"]
    preview = engine.move_preview(inst.id, users["boss"], "examine", "after_wait")
    assert [e.bpmn_id for e in preview.cancelled] == ["examine"]
    assert [e.bpmn_id for e in preview.stays_active] == ["escalate"]
    engine.clock.advance(minutes=1)
    engine.move(inst.id, users["boss"], "examine", "after_wait", "已处理")
    assert sorted((r[2], r[4]) for r in rows(engine, inst.id)) == [
        ("after_wait", "open"), ("escalate", "open"), ("examine", "cancelled")]
    assert timers(engine, inst.id) == []


def test_a_multi_instance_target_is_offered_by_its_name_and_lane(engine, users, deploy):
    deploy(*MOVE)
    inst = start_at_approve(engine, users)
    preview = engine.move_preview(inst.id, users["boss"], None, None)
    per_member = next(e for e in preview.targets if e.bpmn_id == "per_member")
    assert (per_member.name, per_member.lane) == ("逐人核对", "section_chief")


def test_a_token_moved_past_a_timer_restores_as_it_was_kept_and_goes_on_after_a_reload(fast_engine):
    """The passed timer (completed without running) and the new branches survive a save and a restore: the
    checked workflow cache compares the kept workflow with its restored state on every save."""
    from tests.integration.process_driver import CaseDriver

    case = CaseDriver(fast_engine, "official_passport_visa").start()
    for _ in range(40):
        if case.open_tasks():
            case.complete(case.open_tasks()[0])
        elif [t.bpmn_id for t in case.timers()] == ["wait_return"]:
            break
        else:
            case.fire_next_timer()
    assert case.open_ids() == [] and [t.bpmn_id for t in case.timers()] == ["wait_return"]
    engine = fast_engine.engine
    checked = engine.runner.workflows.checked
    engine.move(case.instance_id, engine.actor("supervisor_he"), "wait_return", "wait_return", "提前回国",
                position="after")
    assert engine.runner.workflows.checked > checked
    fast_engine.reload()
    assert sorted(case.open_ids()) == ["hand_back", "return_report"] and "wait_return" not in [
        t.bpmn_id for t in case.timers()]
    assert case.run() == "completed"
    with fast_engine.engine.uow() as uow:
        instance = uow.instances.get(case.instance_id)
        ran = {a["bpmn_id"]: a["runs"] for a in activities.activities(fast_engine.engine.load_readonly(uow, instance),
                                                                        instance.process_key)}
    assert "wait_return" not in ran and ran["after_return_join"] == 1
