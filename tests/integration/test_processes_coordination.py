"""Coordination and records (responsibilities 1, 4, 5, 19) through the engine services, on SQLite.

Each process: the happy path to the end, a return for revision then approval (document number
N+1), and a rejection; plus the examination SLA's escalation.
"""
from __future__ import annotations

import pytest

from tests.integration.process_driver import (CaseDriver, ProcessSpec, all_three, fast_engine,  # noqa: F401
                                              open_together, processes_template, task_rows, user_steps)

CLERK, PROTOCOL, PV, PRESS = "clerk_li", "protocol_zhou", "visa_wu", "press_huang"
CHIEF, DIRECTOR, LEADER, UNIT = "chief_zhang", "director_liu", "leader_sun", "unit_wang"

SPECS = [
    ProcessSpec(
        "foreign_activity_plan", "审",
        {"title": "孙建国市长会见日本大分市代表团", "unit_name": "衡阳市人民政府办公室", "contact_person": "王磊",
         "contact_phone": "13907341234", "activity_type": "meeting", "activity_date": "{Y}-05-20",
         "venue": "雁城宾馆贵宾厅", "attending_leader": "孙建国市长", "foreign_guests": "大分市市长佐藤樹一郎一行",
         "attendance": 30, "plan_summary": "会见、签署友好交流备忘录、工作午宴；配日语翻译2名。",
         "plan_document": "plan-oita-meeting"},
        (("examine", PROTOCOL), ("verify", CHIEF), ("approve", DIRECTOR), ("leader_approve", LEADER),
         ("protocol_arrangements", PROTOCOL), ("activity_report", UNIT)),
        subject="外事活动方案", revise_at="leader_approve", reject_at="verify"),
    ProcessSpec(
        "foreign_incident_response", "审",
        {"title": "韩国游客南岳景区交通事故处置", "unit_name": "衡阳市公安局", "contact_person": "贺警官",
         "contact_phone": "0734-8110110", "incident_kind": "accident", "severity": "major",
         "occurred_at": "{Y}-03-01 15:30", "location": "南岳区南岳大道", "persons_involved": "韩国籍游客2名受伤",
         "facts": "旅游大巴与私家车相撞，2名韩国游客受伤送医。", "proposed_measures": "全力救治，通报驻长沙总领馆。"},
        (("examine", CLERK), ("verify", CHIEF), ("approve", DIRECTOR), ("leader_approve", LEADER),
         ("documents_border", PV), ("liaise_foreign", PROTOCOL), ("public_opinion", PRESS),
         ("consolidate", CLERK), ("incident_report", UNIT)),
        subject="事件报告", revise_at="verify", reject_at="leader_approve",
        revise_changes={"severity": "general"}),  # reassessed as general: no municipal leader
    ProcessSpec(
        "unit_foreign_affairs_coordination", "审",
        {"title": "协调德国专家来衡工作许可事宜", "unit_name": "衡阳市人力资源和社会保障局", "contact_person": "赵强",
         "contact_phone": "0734-8221234", "matter_kind": "personnel", "foreign_party": "德国弗劳恩霍夫研究所",
         "matter": "2名德国专家拟来衡指导智能制造项目，需办理工作许可。",
         "requested_support": "协调公安出入境部门办理工作类居留许可。"},
        (("examine", CLERK), ("verify", CHIEF), ("approve", DIRECTOR), ("coordinate", CLERK), ("feedback", UNIT)),
        subject="协调申请", revise_at="examine", reject_at="examine"),
    ProcessSpec(
        "overseas_institution_registration", "备",
        {"title": "湖南衡阳电气有限公司德国代表处备案", "unit_name": "衡阳市人民政府国有资产监督管理委员会",
         "contact_person": "龙洁", "contact_phone": "0734-8678901", "institution_name": "湖南衡阳电气有限公司德国代表处",
         "country_region": "德国", "address": "Mainzer Landstraße 50, Frankfurt am Main",
         "institution_kind": "representative_office", "established_on": "{Y}-01-15", "chinese_staff": 3,
         "business_scope": "输变电设备市场开拓与售后服务。", "registration_certificate": "reg-frankfurt",
         "approval_document": "sasac-approval"},
        (("examine", CLERK), ("verify", CHIEF), ("approve", DIRECTOR), ("keep_record", CLERK)),
        subject="备案申请", revise_at="examine", reject_at="approve"),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.key)
def test_coordination_approved_revised_and_rejected(fast_engine, spec):
    happy, revised, rejected = all_three(fast_engine, spec)

    if spec.key == "foreign_incident_response":
        assert open_together(happy, "documents_border", "liaise_foreign", "public_opinion")
        assert "leader_approve" not in [s for s, _u in user_steps(revised)]  # reassessed: general
        assert sorted(revised.open_ids()) == ["documents_border", "liaise_foreign", "public_opinion"]
    if spec.key == "overseas_institution_registration":
        (keep,) = task_rows(happy, "keep_record")
        assert f"备案号 {happy.doc_number()}" in keep.instructions
    if spec.key == "foreign_activity_plan":
        (arr,) = task_rows(happy, "protocol_arrangements")
        assert arr.due_at is not None and arr.due_at.date().isoformat() < happy.start_data["activity_date"]


def test_examination_sla_escalates_and_is_withdrawn_when_the_review_ends(fast_engine):
    spec = SPECS[2]
    case = CaseDriver(fast_engine, spec.key, start_data=dict(spec.data)).start()
    (examine,) = case.open_tasks()
    assert examine.due_at is not None
    assert case.engine.fire_due_timers() == 0
    fast_engine.reload()
    assert case.fire_next_timer() == "examine_sla"  # five working days later
    assert sorted(case.open_ids()) == ["examine", "examine_escalation"]
    esc = next(t for t in case.open_tasks() if t.bpmn_id == "examine_escalation")
    assert esc.lane == "section_chief" and spec.data["title"] in esc.instructions
    case.do("examine")
    case.do("verify")
    assert "examine_escalation" in case.open_ids()  # still open while the review goes on
    case.do("approve")
    assert case.open_ids() == ["coordinate"]  # the review is over: the escalation is withdrawn
    (withdrawn,) = task_rows(case, "examine_escalation")
    assert withdrawn.status == "cancelled" and withdrawn.completed_by is None
    assert case.run() == "completed"


def test_an_overdue_task_keeps_its_due_date(fast_engine):
    """The examine task stays due (and so overdue) after its SLA escalation fired.

    Fails today: engine/projections.sync_human_tasks recomputes due_at from the *waiting*
    boundary timers only, so once the non-interrupting SLA timer has fired the task's due_at
    (and the case's due_at) become None and the overdue task drops out of overdue lists.
    """
    spec = SPECS[2]
    case = CaseDriver(fast_engine, spec.key, start_data=dict(spec.data)).start()
    (examine,) = case.open_tasks()
    due = examine.due_at
    assert due is not None and case.instance().due_at == due
    case.fire_next_timer()
    row = next(t for t in case.open_tasks() if t.bpmn_id == "examine")
    assert row.due_at == due, row.due_at
    assert case.instance().due_at == due
