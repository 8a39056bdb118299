"""Coordination and records (responsibilities 1, 4, 5, 19) through the engine services, on SQLite.

1: the plan goes protocol section -> director -> municipal leader, is prepared in parallel and
minuted after the day. 4: an incident report answered within hours (no approval loop). 5: a
request routed to the sections concerned, a reply drafted and signed off. 19: a record that
lives through changes and annual reports until it is cancelled.
"""
from __future__ import annotations

from datetime import date, timedelta

from tests.integration.helpers import data_of
from tests.integration.process_driver import (  # noqa: F401
    CST,
    CaseDriver,
    ProcessSpec,
    assert_audit_matches_log,
    assert_letter,
    fast_engine,
    happy_path,
    open_together,
    processes_template,
    rejection,
    revise_then_approve,
    task_rows,
    user_steps,
)

CLERK, PROTOCOL, PV, PRESS, SISTER = "clerk_li", "protocol_zhou", "visa_wu", "press_huang", "sister_zheng"
CHIEF, DIRECTOR, LEADER, UNIT = "chief_zhang", "director_liu", "leader_sun", "unit_wang"

PLAN = ProcessSpec(
    "foreign_activity_plan", "审",
    {"title": "孙建国市长会见日本大分市代表团", "unit_name": "衡阳市人民政府办公室", "contact_person": "王磊",
     "contact_phone": "13907341234", "activity_type": "meeting", "activity_date": "{Y}-05-20", "activity_time": "10:00",
     "venue": "雁城宾馆贵宾厅", "attending_leader": "孙建国市长",
     "foreign_guests": [{"name": "佐藤樹一郎", "position": "大分市市长", "nationality": "日本"}],
     "chinese_attendees": "市政府办公室、市外办、市商务局负责人", "attendance": 30,
     "plan_summary": "会见、签署友好交流备忘录、工作午宴。", "interpretation_language": "japanese",
     "media_coverage": True, "plan_document": "plan-oita-meeting"},
    (("examine", PROTOCOL), ("director_review", DIRECTOR), ("leader_approve", LEADER),
     ("interpretation", CLERK), ("press_arrangements", PRESS), ("protocol_arrangements", PROTOCOL),
     ("activity_minutes", PROTOCOL)),
    subject="外事活动方案", timers=1, revise_at="leader_approve", reject_at="director_review")

INCIDENT = {"title": "韩国游客南岳景区交通事故", "unit_name": "衡阳市公安局", "contact_person": "贺警官",
            "contact_phone": "0734-8110110", "incident_kind": "accident", "reported_level": "serious",
            "occurred_at": "{Y}-03-01 15:30", "location": "南岳区南岳大道", "nationalities": "韩国",
            "foreigners_involved": 2, "casualties": 2, "facts": "旅游大巴与私家车相撞，2名韩国游客受伤送医。",
            "measures_taken": "已送市中心医院救治，现场已处置。"}
COORDINATION = {"title": "协调德国专家来衡工作许可事宜", "unit_name": "衡阳市人力资源和社会保障局",
                "contact_person": "赵强", "contact_phone": "0734-8221234", "matter_kind": "personnel",
                "foreign_party": "德国弗劳恩霍夫研究所", "matter": "2名德国专家拟来衡指导智能制造项目，需办理工作许可。",
                "requested_support": "协调公安出入境部门办理工作类居留许可。", "needed_by": "{Y}-04-30"}
RECORD = ProcessSpec(
    "overseas_institution_registration", "备",
    {"title": "湖南衡阳电气有限公司德国代表处备案", "unit_name": "衡阳市人民政府国有资产监督管理委员会",
     "contact_person": "龙洁", "contact_phone": "0734-8678901", "institution_name": "湖南衡阳电气有限公司德国代表处",
     "institution_name_foreign": "Hengyang Electric GmbH Repräsentanz", "institution_kind": "representative_office",
     "country_region": "德国", "address": "Mainzer Landstraße 50, Frankfurt am Main", "legal_representative": "刘建",
     "parent_unit": "湖南衡阳电气有限公司", "established_on": "{Y}-01-15", "local_registration_no": "HRB 12345",
     "business_scope": "输变电设备市场开拓与售后服务。", "chinese_staff": 3, "funding": "企业自有资金",
     "registration_certificate": "reg-frankfurt", "approval_document": "sasac-approval"},
    (("examine", CLERK), ("verify", CHIEF)), subject="备案申请", revise_at="verify", reject_at="examine",
    revised_first_tail="record_filing")


def _today(case: CaseDriver) -> date:
    return case.engine.clock.now().astimezone(CST).date()


# --- 1 ------------------------------------------------------------------------------------------

def test_activity_plan_goes_to_the_leader_then_is_prepared_and_minuted(fast_engine):
    case = happy_path(fast_engine, PLAN, 1)
    assert open_together(case, "interpretation", "press_arrangements", "protocol_arrangements")
    (arr,) = task_rows(case, "protocol_arrangements")
    assert arr.due_at is not None and arr.due_at.astimezone(CST).date().isoformat() < case.start_data["activity_date"]
    (minutes,) = task_rows(case, "activity_minutes")
    assert minutes.created_at.astimezone(CST).date().isoformat() > case.start_data["activity_date"]  # after the day
    assert ("timer", "timer", "activity_held") in case.audit()


def test_activity_plan_revised_by_the_leader_and_refused_by_the_director(fast_engine):
    revised = revise_then_approve(fast_engine, PLAN, 1)
    assert sorted(revised.open_ids()) == ["interpretation", "press_arrangements", "protocol_arrangements"]
    refused = CaseDriver(fast_engine, PLAN.key, start_data=dict(PLAN.data)).start()
    assert refused.run(until={"director_review"}) == "director_review"
    refused.do("director_review", "reject", comment="与其他外事活动时间冲突")
    assert refused.status() == "completed" and refused.attachments() == []
    assert refused.notifications() == [f"您提交的外事活动方案《{PLAN.title}》未获批准。理由：与其他外事活动时间冲突"]
    # without press coverage the press section is not involved
    case = CaseDriver(fast_engine, PLAN.key, start_data=dict(PLAN.data, media_coverage=False)).start()
    assert case.run(until={"protocol_arrangements"}) == "protocol_arrangements"
    assert sorted(case.open_ids()) == ["interpretation", "protocol_arrangements"]


# --- 4 ------------------------------------------------------------------------------------------

def test_incident_is_acknowledged_within_hours_and_handled_in_parallel(fast_engine):
    run_incident(fast_engine)


def run_incident(holder) -> CaseDriver:
    """A major incident from the report to the closure (also run on PostgreSQL)."""
    fast_engine = holder
    case = CaseDriver(fast_engine, "foreign_incident_response", start_data=dict(INCIDENT),
                      reload_after={"acknowledge", "progress_report"}).start()
    (ack,) = case.open_tasks()
    assert ack.bpmn_id == "acknowledge" and ack.lane == "fao_clerk"
    started = case.engine.clock.now()
    assert ack.due_at == started + timedelta(hours=2)  # hours, not working days
    assert case.engine.fire_due_timers() == 0
    case.engine.clock.set(started + timedelta(hours=2, minutes=1))
    assert case.engine.fire_due_timers() == 1
    assert sorted(case.open_ids()) == ["acknowledge", "acknowledge_escalation"]
    esc = next(t for t in case.open_tasks() if t.bpmn_id == "acknowledge_escalation")
    assert esc.lane == "section_chief" and "2小时" in esc.instructions
    case.do("acknowledge", confirmed_level="major", inform_leader=False,
            sections=["protocol_section", "press_culture_section"], initial_measures="通报驻长沙总领馆，全力救治。")
    assert sorted(case.open_ids()) == ["acknowledge_escalation", "director_instruction", "liaise_foreign",
                                       "progress_report", "public_opinion"]
    (director,) = task_rows(case, "director_instruction")
    assert director.due_at == case.engine.clock.now() + timedelta(hours=1)
    case.do("director_instruction", instruction="立即启动应急预案。")
    assert "leader_instruction" in case.open_ids()  # major: the municipal leader is informed too
    case.engine.clock.set(case.engine.clock.now() + timedelta(hours=1))
    case.do("progress_report", progress_note="伤员已脱离危险。", resolved=False)
    assert case.open_ids().count("progress_report") == 1  # a further report is due
    case.engine.clock.set(case.engine.clock.now() + timedelta(hours=4))
    case.do("progress_report", progress_note="家属已抵衡，善后处理中。", resolved=False)
    for bpmn_id in ("liaise_foreign", "public_opinion", "leader_instruction"):
        case.do(bpmn_id)
    assert "closure_report" not in case.open_ids()  # still being handled
    case.engine.clock.set(case.engine.clock.now() + timedelta(days=2))
    case.do("progress_report", progress_note="伤员出院回国。", resolved=True)
    assert "closure_report" in case.open_ids()
    case.do("closure_report", closure_summary="事件妥善处置，伤员已回国。")
    case.do("director_sign")
    assert case.status() == "completed"
    data = data_of(case.engine, case.instance_id)
    year = _today(case).year
    assert data["doc_number"] == f"衡外报〔{year}〕1号" and len(data["progress_reports"]) == 3
    assert not task_rows(case, "documents_border")  # the passport section was not asked
    assert case.notifications() == [f"您报告的涉外事件《{case.start_data['title']}》已处置完毕，处置情况报告 衡外报〔{year}〕1号"]
    assert_audit_matches_log(case)
    return case


def test_a_general_incident_reported_by_the_clerk_needs_no_leader(fast_engine):
    case = CaseDriver(fast_engine, "foreign_incident_response", start_data=dict(INCIDENT, reported_level="general"),
                      starter="clerk_li").start()
    case.task_data["acknowledge"] = {"confirmed_level": "general", "inform_leader": False,
                                     "sections": ["passport_visa_section"]}
    assert case.run() == "completed"
    steps = [s for s, _u in user_steps(case)]
    assert steps == ["acknowledge", "director_instruction", "documents_border", "progress_report",
                     "closure_report", "director_sign"]
    assert "leader_instruction" not in steps and case.timers_fired == 0


# cases that wait for the sign-off which numbers their letter (concurrency tests on PostgreSQL)
NUMBERED_AT = {"unit_foreign_affairs_coordination": ("sign_off", {"sign_off": "approve"}, "feedback"),
               "overseas_institution_registration": ("verify", {"decision": "approve"}, "record_filing")}
START_DATA = {"unit_foreign_affairs_coordination": COORDINATION, "overseas_institution_registration": RECORD.data}


# --- 5 ------------------------------------------------------------------------------------------

def test_coordination_is_routed_to_the_sections_and_answered_by_letter(fast_engine):
    case = CaseDriver(fast_engine, "unit_foreign_affairs_coordination", start_data=dict(COORDINATION),
                      reload_after={"route", "draft_reply"}).start()
    (route,) = case.open_tasks()
    assert route.bpmn_id == "route" and route.due_at is not None
    case.do("route", within_remit=True, sections=["passport_visa_section", "sister_city_section"],
            needs_director=False, routing_note="请护照签证科、友城科提出意见。")
    assert sorted(case.open_ids()) == ["opinion_passport", "opinion_sister"]
    case.do("opinion_passport", section_opinion="可协调公安出入境部门加快办理。", user=PV)
    case.do("opinion_sister", section_opinion="专家所在城市为我市友城，建议优先。", user=SISTER)
    (draft,) = case.open_tasks()
    assert "可协调公安出入境部门加快办理" in draft.instructions and "友城" in draft.instructions
    case.do("draft_reply", reply_text="请持邀请函及专家资料到市公安局出入境管理支队办理，外办已函告。")
    case.do("sign_off", sign_off="revise", sign_comment="请写明办理时限")
    (redraft,) = case.open_tasks()
    assert redraft.bpmn_id == "draft_reply" and "请写明办理时限" in redraft.instructions
    case.do("draft_reply", reply_text="请于5个工作日内持邀请函及专家资料到市公安局出入境管理支队办理。")
    case.do("sign_off", sign_off="approve")
    assert case.open_ids() == ["feedback"]  # the chief signs; the director was not asked
    assert_letter(case, "函", 1)
    case.do("feedback")
    assert case.status() == "completed"
    assert [s for s, _u in user_steps(case)] == ["route", "opinion_passport", "opinion_sister", "draft_reply",
                                                  "sign_off", "draft_reply", "sign_off", "feedback"]
    assert_audit_matches_log(case)


def test_coordination_outside_the_remit_is_declined_and_a_director_may_sign(fast_engine):
    declined = CaseDriver(fast_engine, "unit_foreign_affairs_coordination", start_data=dict(COORDINATION)).start()
    declined.do("route", within_remit=False, routing_note="请直接联系市公安局。")
    assert declined.status() == "completed" and declined.attachments() == []
    assert "不属外办职责" in declined.notifications()[0] and "请直接联系市公安局" in declined.notifications()[0]
    case = CaseDriver(fast_engine, "unit_foreign_affairs_coordination", start_data=dict(COORDINATION)).start()
    case.task_data["route"] = {"within_remit": True, "needs_director": True}
    assert case.run(until={"director_sign"}) == "director_sign"
    assert [s for s, _u in user_steps(case)] == ["route", "draft_reply", "sign_off"]  # no section: the clerk answers
    case.do("director_sign", sign_off="approve")
    assert case.open_ids() == ["feedback"]


# --- 19 -----------------------------------------------------------------------------------------

def test_record_lives_through_a_change_and_an_annual_report_until_cancelled(fast_engine):
    case = CaseDriver(fast_engine, RECORD.key, start_data=dict(RECORD.data), reload_after={"verify", "review_annual"}
                      ).start()
    assert case.run(until={"record_filing"}) == "record_filing"
    year = _today(case).year
    doc = assert_letter(case, "备", 1)
    assert case.notifications() == [f"《{RECORD.title}》已予备案，备案号 {doc}"]
    (filing,) = case.open_tasks()
    assert filing.lane == "applicant_unit" and doc in filing.instructions
    # the annual report falls due on 31 March of next year: a timer on the filing task
    (due,) = case.timers()
    assert due.bpmn_id == "annual_due" and due.due_at.astimezone(CST).date() == date(year + 1, 3, 31)
    case.do("record_filing", filing_kind="change", filing_summary="负责人变更为王强", change_items="负责人")
    case.do("review_change", filing_accepted=True, filing_review_note="材料齐全")
    # the deadline passes before the report: the unit is reminded, the filing stays open
    assert case.fire_next_timer() == "annual_due"
    assert case.open_ids() == ["record_filing"] and "年度报告已到截止日期" in case.notifications()[-1]
    case.do("record_filing", filing_kind="annual_report", filing_summary="全年运行正常", report_year=year,
            staff_on_post=3)
    case.do("review_annual", filing_accepted=True, filing_review_note="同意")
    (due,) = case.timers()
    assert due.due_at.astimezone(CST).date() == date(year + 2, 3, 31)  # the next year's report
    # a cancellation the clerk refuses leaves the record active; the next one is confirmed
    case.do("record_filing", filing_kind="cancellation", filing_summary="拟撤销", cancellation_reason="业务调整")
    case.do("review_cancellation", filing_accepted=False, filing_review_note="尚有派出人员未回国")
    assert case.open_ids() == ["record_filing"]
    case.do("record_filing", filing_kind="cancellation", filing_summary="人员已全部回国，申请注销")
    case.do("review_cancellation", filing_accepted=True, filing_review_note="同意注销")
    case.do("confirm_cancellation", cancel_confirmed=True)
    assert case.status() == "completed" and case.timers() == []
    data = data_of(case.engine, case.instance_id)
    assert data["record_status"] == "cancelled"
    assert [c["items"] for c in data["record_changes"]] == ["负责人"]
    assert [r["year"] for r in data["annual_reports"]] == [year]
    assert case.notifications()[-1] == f"《{RECORD.data['institution_name']}》（备案号 {doc}）已注销备案。"
    assert_audit_matches_log(case)


def test_record_returned_for_supplementing_then_registered_and_a_refusal(fast_engine):
    case = CaseDriver(fast_engine, RECORD.key, start_data=dict(RECORD.data)).start()
    assert case.run(until={"verify"}) == "verify"
    case.do("verify", "revise", comment="请补充当地注册证明译文")
    (revise,) = case.open_tasks()
    assert revise.bpmn_id == "revise" and revise.lane == "applicant_unit" and "注册证明译文" in revise.instructions
    fast_engine.reload()
    case.do("revise", user=UNIT, registration_certificate="reg-frankfurt-translated")
    assert case.open_ids() == ["examine"]  # the examination runs again
    assert case.run(until={"record_filing"}) == "record_filing"
    doc = assert_letter(case, "备", 1)
    notes = case.notifications()
    assert len(notes) == 2 and "被退回修改" in notes[0] and notes[1].endswith(f"已予备案，备案号 {doc}")
    refused = rejection(fast_engine, RECORD)
    assert refused.notifications()[0].startswith("您提交的备案申请")
