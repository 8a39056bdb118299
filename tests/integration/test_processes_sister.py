"""Sister cities (responsibilities 9, 11, 12, 13, 20) through the engine services, on SQLite.

Each process: the happy path to the end, a return for revision then approval (document number
N+1), and a rejection; plus the units' consultation before the review, the provincial
office's answer, outbound/inbound study and the quarterly report cycle.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.integration.process_driver import (CaseDriver, ProcessSpec, all_three, fast_engine,  # noqa: F401
                                              processes_template, task_rows)

SISTER, CHIEF, DIRECTOR, LEADER, UNIT, CLERK = ("sister_zheng", "chief_zhang", "director_liu", "leader_sun",
                                                "unit_wang", "clerk_li")
CONTACT = {"contact_person": "郑芳", "contact_phone": "0734-8218899"}

SPECS = [
    ProcessSpec(
        "sister_city_development_plan", "友",
        {"title": "衡阳市{Y}年度友好城市交流计划", "unit_name": "衡阳市外事办公室友城科", **CONTACT,
         "plan_type": "exchange", "plan_period": "{Y}年度",
         "plan_summary": "巩固与大分市、克拉斯诺达尔市等友城关系，新建1对友好交流城市。",
         "target_new_cities": 1, "plan_document": "plan-2027"},
        (("consult_units", UNIT), ("examine", CLERK), ("verify", CHIEF), ("approve", DIRECTOR),
         ("leader_approve", LEADER), ("publish_plan", SISTER)),
        subject="规划", revise_at="leader_approve", reject_at="examine"),
    ProcessSpec(
        "sister_city_daily_management", "友",
        {"title": "{Y}年度友好城市日常管理", "unit_name": "衡阳市外事办公室友城科", **CONTACT,
         "cities": "日本大分市（1997年结好）\n俄罗斯克拉斯诺达尔市（2014年结好）",
         "annual_plan": "按季度与各友城联络，组织互访不少于3批次。"},
        (("upkeep", SISTER), ("examine", CLERK), ("verify", CHIEF), ("approve", DIRECTOR),
         ("archive", SISTER)),
        subject="友城年度报告", revise_at="examine", reject_at="verify"),
    ProcessSpec(
        "sister_city_exchange", "友",
        {"title": "衡阳市八中与大分上野丘高中青少年交流", "unit_name": "衡阳市教育局", "contact_person": "赵强",
         "contact_phone": "0734-8123456", "partner_city": "日本大分市", "partner_organisation": "大分县立上野丘高等学校",
         "exchange_kind": "youth", "start_date": "{Y}-07-15", "end_date": "{Y}-07-22",
         "project_content": "两校师生互访、同堂上课、家庭寄宿。", "participants": 20,
         "project_attachment": "proj-youth"},
        (("examine", SISTER), ("verify", CHIEF), ("approve", DIRECTOR), ("liaise", SISTER),
         ("exchange_report", UNIT)),
        subject="交流项目", revise_at="examine", reject_at="approve"),
    ProcessSpec(
        "sister_institution_approval", "友",
        {"title": "市中心医院与德国弗莱堡大学医院缔结友好医院", "unit_name": "衡阳市中心医院",
         "contact_person": "彭医生", "contact_phone": "13807345678", "institution_type": "hospital",
         "partner_institution": "弗莱堡大学医院", "partner_country_city": "德国弗莱堡",
         "cooperation_content": "医护人员进修、远程会诊、联合科研。", "partner_profile": "prof-freiburg",
         "draft_agreement": "draft-freiburg"},
        (("examine", SISTER), ("verify", CHIEF), ("approve", DIRECTOR), ("sign", UNIT), ("guide", SISTER)),
        subject="结好申请", messages=("provincial_approval",), revise_at="verify", reject_at="examine"),
    ProcessSpec(
        "research_study_personnel", "友",
        {"title": "选派护理骨干赴大分市研修", "unit_name": "衡阳市卫生健康委员会", "contact_person": "罗琳",
         "contact_phone": "0734-8345678", "direction": "outbound", "partner_city": "日本大分市",
         "host_institution": "大分大学医学部附属医院", "study_field": "老年护理",
         "start_date": "{Y}-09-01", "end_date": "{Y}-11-30",
         "trainees": [{"name": "刘婷", "gender": "female", "position": "护士长", "id_number": "430407198803120028"},
                      {"name": "谭浩", "gender": "male", "position": "主管护师", "id_number": "430408199001250019"}],
         "selection_attachment": "sel-nursing"},
        (("examine", SISTER), ("verify", CHIEF), ("approve", DIRECTOR), ("send_out", SISTER),
         ("manage_study", SISTER), ("study_report", UNIT)),
        subject="研修申请", revise_at="examine", reject_at="verify",
        # the applicant turns it into receiving trainees from the sister city: the route changes
        revise_changes={"direction": "inbound", "title": "接收大分市护理人员来衡研修",
                        "trainees": [{"name": "Suzuki Mai", "gender": "female", "position": "看護師",
                                      "nationality": "日本", "passport_no": "TR1234567"}]},
        revised_first_tail="admit"),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.key)
def test_sister_city_work_approved_revised_and_rejected(fast_engine, spec):
    happy, revised, rejected = all_three(fast_engine, spec)

    if spec.key == "sister_city_development_plan":
        # the units are consulted once, before the review; a revision does not consult again
        assert happy.log[0].bpmn_id == "consult_units" and happy.starter == SISTER
        assert [s.bpmn_id for s in revised.log].count("consult_units") == 1
        assert rejected.log[0].bpmn_id == "consult_units"
    if spec.key == "sister_city_daily_management":
        # the revision is of the annual report (not the start form), by the sister-city section
        (rev,) = task_rows(revised, "revise")
        assert rev.form_file == "sister_city_daily_management.annual_report.schema.json"
        assert rev.completed_by == SISTER
    if spec.key == "sister_institution_approval":
        (sign,) = task_rows(happy, "sign")
        assert "湘外审" in sign.instructions and sign.lane == "applicant_unit"  # the provincial answer
        assert ("message", CLERK, "wait_provincial") in happy.audit()
    if spec.key == "research_study_personnel":
        assert not task_rows(happy, "admit") and task_rows(revised, "admit")
        assert revised.open_tasks()[0].lane == "sister_city_section"


def _daily_management_case(holder) -> CaseDriver:
    spec = SPECS[1]
    case = CaseDriver(holder, spec.key, start_data=dict(spec.data)).start()
    assert case.open_ids() == ["upkeep"]
    return case


def test_quarterly_cycle_is_measured_on_the_engine_clock(fast_engine):
    """The R3/P3M cycle on the year's upkeep is first due three months after the engine's now.

    Fails today: engine/stepping.fix_timers keeps SpiffWorkflow's first 'next' of a timeCycle,
    which SpiffWorkflow computes from the wall clock, not from the engine clock.
    """
    case = _daily_management_case(fast_engine)
    (cycle,) = case.timers()
    started = case.engine.clock.now()
    assert cycle.bpmn_id == "quarterly"
    assert started + timedelta(days=89) <= cycle.due_at <= started + timedelta(days=93), (started, cycle.due_at)


def test_one_quarter_opens_one_quarterly_report(fast_engine):
    """Each firing of the quarterly cycle asks for one report, and three firings use the three cycles.

    Fails today: engine/stepping.fire_due_timers sets a fired cycle's next to 2000-01-01, so
    SpiffWorkflow fires it again on every later update in the same command (one past period at
    a time): one due firing opens two quarterly_report tasks.
    """
    case = _daily_management_case(fast_engine)
    fast_engine.reload()
    for quarter in (1, 2, 3):
        (cycle,) = case.timers()
        case.engine.clock.set(max(case.engine.clock.now(), cycle.due_at) + timedelta(minutes=1))
        assert case.engine.fire_due_timers() == 1
        reports = [t for t in case.open_tasks() if t.bpmn_id == "quarterly_report"]
        assert len(reports) == 1, f"quarter {quarter}: {case.open_ids()}"
        case.do("quarterly_report")
        assert case.open_ids() == ["upkeep"]
    assert case.timers() == []  # R3: no fourth quarter
