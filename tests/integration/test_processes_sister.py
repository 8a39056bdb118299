"""Sister cities (responsibilities 9, 11, 12, 13, 20) through the engine services, on SQLite.

9: the office's plan, units consulted one by one; 11: a year of upkeep with quarterly records
and a review of every sister city; 12: a unit's exchange, confirmed by the partner; 13: a sister
institution approved by the province, signed and guided year by year; 20: people selected and
sent, or admitted from a sister city.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.integration.process_driver import (  # noqa: F401
    CaseDriver,
    ProcessSpec,
    assert_letter,
    fast_engine,
    happy_path,
    open_together,
    processes_template,
    task_rows,
    user_steps,
)

SISTER, CHIEF, DIRECTOR, LEADER, UNIT, CLERK = ("sister_zheng", "chief_zhang", "director_liu", "leader_sun",
                                                "unit_wang", "clerk_li")
CONTACT = {"contact_person": "郑芳", "contact_phone": "0734-8218899"}
UNITS = ["commerce", "education", "gov_office"]  # the demo units, named by key on the forms
UNIT_NAMES = ["市商务局", "市教育局", "市政府办"]


def with_data(bpmn_id: str, **data):
    def hook(case: CaseDriver) -> None:
        case.task_data[bpmn_id] = {**case.task_data.get(bpmn_id, {}), **data}
    return hook


# --- 9 -------------------------------------------------------------------------------------------

def test_the_plan_is_drafted_consulted_endorsed_and_issued(fast_engine):
    case = CaseDriver(fast_engine, "sister_city_development_plan", reload_after={"consolidate"}, start_data={
        "title": "衡阳市{Y}年度友好城市交流计划", "plan_type": "exchange", "plan_period": "{Y}年度",
        "plan_summary": "巩固与大分市、克拉斯诺达尔市等友城关系，新建1对友好交流城市。", "target_new_cities": 1,
        "consulted_units": UNITS, "opinions_due": "{Y}-03-20", "plan_document": "plan-draft"}).start()
    assert case.starter == SISTER
    consult = case.open_tasks()  # one opinion per unit, all asked at once
    assert [t.bpmn_id for t in consult] == ["consult_units"] * 3 and {t.lane for t in consult} == {"applicant_unit"}
    assert sorted(u for t in consult for u in UNIT_NAMES if u in t.instructions) == sorted(UNIT_NAMES)
    assert sorted(t.owners for t in consult) == sorted(f"unit:{u}" for u in UNITS)
    for stance in ("agree", "agree_with_changes", "agree"):
        case.do("consult_units", opinion_stance=stance, opinion_text=f"{stance}的意见")
    (consolidate,) = case.open_tasks()
    assert all(u in consolidate.instructions for u in UNIT_NAMES) and "agree_with_changes的意见" in consolidate.instructions
    assert "：原则同意，有修改意见；agree_with_changes的意见" in consolidate.instructions  # the view in words
    case.do("consolidate")
    case.do("verify")
    case.do("approve")
    case.do("leader_approve", "revise", comment="请补充青少年交流项目")
    (redo,) = case.open_tasks()  # back to the section, which redrafts; the units are not asked again
    assert redo.bpmn_id == "revise_plan" and redo.lane == "sister_city_section" and "青少年交流" in redo.instructions
    case.decisions.clear()
    case.task_data.pop("leader_approve", None)
    assert case.run() == "completed"
    (publish,) = task_rows(case, "publish_plan")
    year = case.engine.clock.now().year
    assert f"衡外友〔{year}〕1号" in publish.instructions
    assert [s for s, _u in user_steps(case)][-5:] == ["revise_plan", "verify", "approve", "leader_approve",
                                                     "publish_plan"]
    assert [s for s, _u in user_steps(case)].count("consult_units") == 3
    assert case.attachments() == [] and case.notifications() == []


def test_a_plan_that_is_not_adopted_ends_without_a_number(fast_engine):
    case = CaseDriver(fast_engine, "sister_city_development_plan", start_data={"consulted_units": UNITS[:1]}).start()
    case.do("consult_units")
    case.do("consolidate")
    case.do("verify", "reject", comment="与全市外事工作要点不一致")
    assert case.status() == "completed" and task_rows(case, "publish_plan") == []


# --- 11 ------------------------------------------------------------------------------------------

CITIES = [{"city": "大分市", "country": "日本", "since": 1997},
          {"city": "克拉斯诺达尔市", "country": "俄罗斯", "since": 2014},
          {"city": "莱茵-诺伊斯县", "country": "德国", "since": 2006}]
DAILY = {"title": "{Y}年度友好城市日常管理", "year": 2027, "cities": CITIES,
         "annual_plan": "按季度与各友城联络，组织互访不少于3批次。"}


def _daily_management_case(holder) -> CaseDriver:
    case = CaseDriver(holder, "sister_city_daily_management", start_data=dict(DAILY)).start()
    assert case.open_ids() == ["upkeep"]
    return case


def test_a_year_of_upkeep_reviews_every_sister_city(fast_engine):
    case = _daily_management_case(fast_engine)
    case.do("upkeep")
    reviews = case.open_tasks()
    assert len(reviews) == 3 and all(r.bpmn_id == "review_city" for r in reviews)
    assert sorted(c["city"] for c in CITIES for r in reviews if c["city"] in r.instructions) == \
        sorted(c["city"] for c in CITIES)
    for level in ("active", "dormant", "normal"):
        case.do("review_city", activity_level=level, main_exchanges="互致新年贺信")
    fast_engine.reload()
    case.do("annual_report")
    case.do("verify", "revise", comment="请补充互访团组明细")
    (rev,) = case.open_tasks()  # the section revises its own report; nobody outside is told
    assert rev.bpmn_id == "revise" and rev.form_file == "sister_city_daily_management.annual_report.schema.json"
    case.do("revise", user=SISTER)
    case.task_data.pop("verify", None)
    assert case.run(until={"revive_contacts"}) == "revive_contacts"
    (revive,) = case.open_tasks()
    dormant = [r for r in task_rows(case, "review_city") if r.bpmn_id == "review_city"]
    assert len(dormant) == 3 and any(c["city"] in revive.instructions for c in CITIES)
    assert case.run() == "completed"
    assert [s for s, _u in user_steps(case)][-3:] == ["approve", "revive_contacts", "archive"]
    assert case.notifications() == [] and case.attachments() == []


def test_quarterly_cycle_is_measured_on_the_engine_clock(fast_engine):
    """The R3/P3M cycle on the year's upkeep is first due three months after the engine's now."""
    case = _daily_management_case(fast_engine)
    (cycle,) = case.timers()
    started = case.engine.clock.now()
    assert cycle.bpmn_id == "quarterly"
    assert started + timedelta(days=89) <= cycle.due_at <= started + timedelta(days=93), (started, cycle.due_at)


def test_one_quarter_opens_one_quarterly_record(fast_engine):
    """Each firing of the quarterly cycle asks for one contact record; there are three of them."""
    case = _daily_management_case(fast_engine)
    fast_engine.reload()
    for quarter in (1, 2, 3):
        (cycle,) = case.timers()
        case.engine.clock.set(max(case.engine.clock.now(), cycle.due_at) + timedelta(minutes=1))
        assert case.engine.fire_due_timers() == 1
        records = [t for t in case.open_tasks() if t.bpmn_id == "quarterly_report"]
        assert len(records) == 1, f"quarter {quarter}: {case.open_ids()}"
        case.do("quarterly_report")
        assert case.open_ids() == ["upkeep"]
    assert case.timers() == []  # R3: no fourth quarter


# --- 12, 13 --------------------------------------------------------------------------------------

EXCHANGE = ProcessSpec(
    "sister_city_exchange", "友",
    {"title": "衡阳市八中与大分上野丘高中青少年交流", "unit_name": "衡阳市教育局", "contact_person": "赵强",
     "contact_phone": "0734-8123456", "partner_city": "日本大分市", "partner_organisation": "大分县立上野丘高等学校",
     "exchange_kind": "youth", "direction": "outbound", "start_date": "{Y}-07-15", "end_date": "{Y}-07-22",
     "project_content": "两校师生互访、同堂上课、家庭寄宿。", "participants": 20, "funding_source": "学校自筹",
     "project_attachment": "proj-youth"},
    (("examine", SISTER), ("approve", DIRECTOR), ("liaise", SISTER), ("outbound_formalities", UNIT),
     ("exchange_report", UNIT), ("assess", SISTER)),
    subject="交流项目", messages=("partner_reply",), timers=1)

INSTITUTION = ProcessSpec(
    "sister_institution_approval", "友",
    {"title": "市中心医院与德国弗莱堡大学医院缔结友好医院", "unit_name": "衡阳市中心医院",
     "contact_person": "彭医生", "contact_phone": "13807345678", "institution_type": "hospital",
     "partner_institution": "弗莱堡大学医院", "partner_country_city": "德国弗莱堡",
     "contacts_so_far": "2019年起互派医生进修。", "cooperation_content": "医护人员进修、远程会诊、联合科研。",
     "authority_opinion": "opinion-health", "partner_profile": "prof-freiburg", "draft_agreement": "draft-freiburg"},
    (("examine", SISTER), ("verify", CHIEF), ("approve", DIRECTOR), ("report_province", SISTER), ("sign", UNIT),
     ("record_agreement", SISTER), ("activity_report", UNIT), ("guide", SISTER)),
    subject="结好申请", messages=("provincial_approval",), timers=1)


def test_an_exchange_confirmed_by_the_partner_runs_to_its_assessment(fast_engine):
    case = happy_path(fast_engine, EXCHANGE, 1)
    (report,) = task_rows(case, "exchange_report")  # asked for once the project has ended
    assert report.created_at.date().isoformat() >= case.start_data["end_date"]


def test_an_exchange_revised_to_a_visit_here_or_declined_by_the_partner(fast_engine):
    case = CaseDriver(fast_engine, EXCHANGE.key, start_data=dict(EXCHANGE.data)).start()
    assert case.open_ids() == ["examine"]
    case.do("examine", "revise", comment="请改为对方来衡，并补充安全预案")
    (rev,) = case.open_tasks()
    assert rev.bpmn_id == "revise" and rev.lane == "applicant_unit" and "安全预案" in rev.instructions
    case.do("revise", direction="inbound")
    case.start_data["direction"] = "inbound"
    case.decisions.clear()
    assert case.run() == "completed"
    ids = [s for s, _u in user_steps(case)]
    assert "host_arrangements" in ids and "outbound_formalities" not in ids
    assert_letter(case, "友", 1)

    declined = CaseDriver(fast_engine, EXCHANGE.key, start_data=dict(EXCHANGE.data)).start()
    assert declined.run(until={"partner_reply"}) == "partner_reply"
    declined.deliver("partner_reply", agreed=False, note="对方学校日程已满")
    assert declined.status() == "completed" and "对方友城未同意" in declined.notifications()[-1]


def test_a_sister_institution_is_approved_by_the_province_signed_and_guided(fast_engine):
    year = fast_engine.clock.now().year  # (the guidance runs into the next year: no happy_path year check)
    case = CaseDriver(fast_engine, INSTITUTION.key, start_data=dict(INSTITUTION.data), reload_after={"examine"},
                      task_data={"guide": {"relationship_active": False}}).start()
    assert case.run(on_message=lambda c, _name: c.holder.reload()) == "completed"
    assert user_steps(case) == list(INSTITUTION.happy)
    assert case.doc_number() == f"衡外友〔{year}〕1号"
    assert case.notifications() == [f"您提交的结好申请《{INSTITUTION.title}》已批准，文号 衡外友〔{year}〕1号"]
    (sign,) = task_rows(case, "sign")
    assert "湘外审" in sign.instructions and sign.lane == "applicant_unit"
    assert ("message", CLERK, "wait_provincial") in case.audit()
    assert ("timer", "timer", "wait_next_year") in case.audit()


def test_guidance_goes_on_year_by_year_while_the_relationship_lasts(fast_engine):
    year = fast_engine.clock.now().year
    case = CaseDriver(fast_engine, INSTITUTION.key, start_data=dict(INSTITUTION.data),
                      task_data={"guide": {"relationship_active": True}, "sign": {"signed_on": f"{year}-04-01"}})
    case.start()
    assert case.run(until={"activity_report"}) == "activity_report"
    first = case.engine.clock.now()
    case.do("activity_report")
    case.do("guide")  # the relationship lasts: another year
    (wait,) = case.timers()
    assert wait.bpmn_id == "wait_next_year" and timedelta(days=360) < wait.due_at - first < timedelta(days=370)
    case.task_data["guide"] = {"relationship_active": False}
    assert case.run() == "completed"
    assert [s for s, _u in user_steps(case)].count("activity_report") == 2


def test_the_province_can_refuse_a_sister_institution(fast_engine):
    case = CaseDriver(fast_engine, INSTITUTION.key, start_data=dict(INSTITUTION.data)).start()
    assert case.run(until={"provincial_approval"}) == "provincial_approval"
    case.deliver("provincial_approval", approved=False, reference="湘外复〔2027〕2号")
    assert case.status() == "completed" and case.attachments() == []
    assert "未获省外办批准" in case.notifications()[-1]


# --- 20 ------------------------------------------------------------------------------------------

STUDY = {"title": "选派护理骨干赴大分市研修", "partner_city": "日本大分市", "host_institution": "大分大学医学部附属医院",
         "study_field": "老年护理", "places": 2, "start_date": "{Y}-09-01", "end_date": "{Y}-11-30",
         "programme_attachment": "prog-oita"}


def test_study_abroad_units_nominate_the_office_selects_and_sends(fast_engine):
    case = CaseDriver(fast_engine, "research_study_personnel", reload_after={"vet_nominees"}, start_data=dict(
        STUDY, direction="outbound", nominating_units=UNITS[:2], applicants=[])).start()
    assert case.starter == SISTER
    noms = case.open_tasks()
    assert [t.bpmn_id for t in noms] == ["nominate", "nominate"] and {t.lane for t in noms} == {"applicant_unit"}
    case.do("nominate", nominees="刘婷（护士长）")
    case.do("nominate", nominees="谭浩（主管护师）")
    (vet,) = case.open_tasks()
    assert "刘婷" in vet.instructions and "谭浩" in vet.instructions
    case.do("vet_nominees", selected="刘婷、谭浩")
    case.do("approve", "revise", comment="请优先选派基层医院人员")
    (redo,) = case.open_tasks()
    assert redo.bpmn_id == "revise_selection" and redo.lane == "sister_city_section"
    case.do("revise_selection", selected="刘婷")
    case.decisions.clear()
    assert case.run() == "completed"
    assert [s for s, _u in user_steps(case)][-4:] == ["approve", "dispatch", "return_report", "assess_outbound"]
    assert ("timer", "timer", "wait_return") in case.audit()
    assert_letter(case, "友", 1)
    assert case.notifications() == []


def test_study_in_hengyang_the_host_agrees_the_office_admits_and_manages(fast_engine):
    applicants = [{"name": "Suzuki Mai", "gender": "female", "position": "看護師", "nationality": "日本",
                   "passport_no": "TR1234567"}]
    case = CaseDriver(fast_engine, "research_study_personnel", start_data=dict(
        STUDY, title="接收大分市护理人员来衡研修", direction="inbound", nominating_units=[],
        applicants=applicants)).start()
    (host,) = case.open_tasks()
    assert host.bpmn_id == "host_consent" and host.lane == "applicant_unit"
    case.do("host_consent")
    case.do("examine", "revise", comment="请补充健康证明")
    (sup,) = case.open_tasks()
    assert sup.bpmn_id == "supplement" and "健康证明" in sup.instructions
    case.do("supplement")
    case.decisions.clear()
    assert case.run(until={"manage_study"}) == "manage_study"
    assert ("timer", "timer", "wait_arrival") in case.audit()
    (manage,) = task_rows(case, "manage_study")
    assert manage.due_at is not None and manage.due_at.date().isoformat() > case.start_data["end_date"]
    assert case.run() == "completed"
    assert [s for s, _u in user_steps(case)][-4:] == ["examine", "approve_admission", "manage_study", "assess_inbound"]
    assert_letter(case, "友", 1)
