"""The demo cases (processes/demo_cases.py) through `fao demo`'s entry point, webui.demo.seed_demo."""
from __future__ import annotations

from tests.integration.process_driver import fast_engine, processes_template  # noqa: F401


def _stage(uow, instance) -> str:
    open_ids = {t.bpmn_id for t in uow.reads.tasks.open_of(instance.id)}
    letters = [a for a in uow.misc.attachments_for(instance.id) if a.content_type == "application/pdf"]
    if instance.status == "completed":
        return "approved" if letters else "rejected"
    if uow.events.subscriptions_for(instance.id):
        return "waiting_for_message"
    if "revise" in open_ids:
        return "returned_for_revision"
    if "leader_approve" in open_ids:
        return "waiting_for_leader"
    if "verify" in open_ids:
        return "waiting_for_chief"
    if open_ids == {"examine"}:
        return "just_started"
    return "other: " + ",".join(sorted(open_ids))


def test_demo_creates_cases_in_varied_states(fast_engine):
    from webui.demo import DEMO_USERS, seed_demo

    engine = fast_engine.engine
    lines = list(seed_demo(engine))
    assert lines[0].startswith(f"{len(DEMO_USERS)} demo users")
    case_lines = lines[1:]
    assert case_lines and not [line for line in case_lines if "not created" in line], case_lines
    with engine.uow() as uow:
        instances = [uow.instances.get(i) for i in uow.instances.all_ids()]
        assert len(instances) == len(case_lines)
        stages = {}
        for inst in instances:
            assert uow.incidents.open_for(inst.id) == [], inst.process_key
            assert any(inst.business_key in line and inst.title in line for line in case_lines)
            stages.setdefault(_stage(uow, inst), []).append(inst.process_key)
        notes = [n.message for n in uow.misc.notifications("unit_wang", limit=100)]
    assert {"just_started", "waiting_for_chief", "approved", "returned_for_revision", "rejected",
            "waiting_for_message", "waiting_for_leader"} <= set(stages), stages
    assert stages["waiting_for_message"] == ["official_passport_visa"]
    assert any("已函复，文号 衡外函〔" in n for n in notes) and any("已批准，文号 衡外护〔" in n for n in notes)
    assert any("被退回修改" in n for n in notes) and any("未获批准" in n for n in notes)
    # every demo user with work has something in the inbox
    with engine.uow() as uow:
        lanes = {t.lane for i in instances for t in uow.reads.tasks.open_of(i.id)}
    assert {"protocol_section", "section_chief", "applicant_unit", "municipal_leader", "fao_clerk"} <= lanes
