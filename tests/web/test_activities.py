"""engine.state.activities: what ran, counted per element; multi-instance children count, the container never."""
from __future__ import annotations

from pathlib import Path

LEAD_MODELS = Path(__file__).resolve().parent.parent / "models"


def _activities(eng, instance_id):
    from engine.state import activities

    with eng.uow() as uow:
        instance = uow.instances.get(instance_id)
        workflow = eng.load_readonly(uow, instance)
        return {a["bpmn_id"]: a for a in activities.activities(workflow, instance.process_key)}


def test_multi_instance_counts_each_instance_not_the_container(eng):
    eng.deploy([("multi.bpmn", (LEAD_MODELS / "multi.bpmn").read_bytes())], eng.actor("ana"))
    from engine.people.accounts import put_user

    with eng.uow() as uow:
        put_user(uow, eng.clock.now(), "visa", "pw", ["passport_visa_section"], ["clerk"])
        uow.commit()
    visa = eng.actor("visa")
    instance = eng.start("multi", eng.actor("sam"), {"members": ["a", "b", "c"]})
    ran = _activities(eng, instance.id)
    assert ran["per_member"]["runs"] == 0 and ran["per_member"]["state"] == "running"
    assert ran["per_member"]["type"] == "UserTask"
    for n in range(3):
        with eng.uow() as uow:
            task = uow.reads.tasks.open_of(instance.id)[0]
        eng.complete(task.id, visa, {"ok": True})
        ran = _activities(eng, instance.id)
        assert ran["per_member"]["runs"] == n + 1
    assert ran["per_member"]["state"] == "completed" and ran["end"]["runs"] == 1


def test_case_with_two_steps_lists_both(eng, case):
    instance, task_id = case()
    eng.complete(task_id, eng.actor("carl"), {"decision": "reject", "comment": "不行"})
    ran = _activities(eng, instance.id)
    assert ran["examine"]["runs"] == 1 and ran["end_rejected"]["state"] == "completed"
    assert "archive" not in ran
