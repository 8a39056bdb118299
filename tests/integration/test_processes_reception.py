"""Receiving visitors (responsibilities 2, 3, 10, 14, 18) through the engine services, on SQLite.

Each reception is driven by the visit: the request (or the higher authority's notice), the
reception plan and its protocol level, the municipal leader's meeting, preparation side by
side, the arrival date's timer, the visit and its summary. The cases are saved and restored
mid-way (see tests/integration/process_driver.py).
"""
from __future__ import annotations

import pytest

from tests.integration.process_driver import (  # noqa: F401
    CST,
    CaseDriver,
    ProcessSpec,
    fast_engine,
    happy_path,
    open_together,
    pass_deadline,
    processes_template,
    task_rows,
    user_steps,
)

PROTOCOL, SISTER, PRESS = "protocol_zhou", "sister_zheng", "press_huang"
CHIEF, DIRECTOR, LEADER, UNIT, CLERK = "chief_zhang", "director_liu", "leader_sun", "unit_wang", "clerk_li"

VISITORS = [
    {"name": "Markus Weber", "gender": "male", "position": "巴伐利亚州经济部司长", "nationality": "德国",
     "passport_no": "C4RT6YZ81"},
    {"name": "Julia Fischer", "gender": "female", "position": "巴伐利亚州驻华代表", "nationality": "德国",
     "passport_no": "C7HK2LM09"},
]


def _visit(title, **over):
    data = {
        "title": title, "unit_name": "衡阳市商务局", "contact_person": "王磊", "contact_phone": "13907341234",
        "guest_name": "德国巴伐利亚州经贸代表团", "guest_country": "德国", "delegation_head": "Markus Weber 司长",
        "arrival_date": "{Y}-05-10", "departure_date": "{Y}-05-12", "party_size": 2, "guests": VISITORS,
        "purpose": "考察衡阳高新区装备制造企业，出席中德产业合作座谈会。", "requested_leader": "孙建国",
    }
    data.update(over)
    if "party_size" not in over:  # as many visitors as names listed (the start form's rule)
        data["party_size"] = len(data["guests"])
    return data


def with_data(bpmn_id: str, **data):
    """A hook: the data the user enters when ``bpmn_id`` is completed."""
    def hook(case: CaseDriver) -> None:
        case.task_data[bpmn_id] = {**case.task_data.get(bpmn_id, {}), **data}
    return hook


PLAN = {"protocol_level": "ministerial", "programme": "5月10日抵达、会见、座谈；11日参观企业；12日离衡。",
        "leader_meeting": True, "meeting_leader": "孙建国", "accommodation": "雁城宾馆",
        "interpretation": "德语翻译2名", "budget_yuan": 60000}

SPECS = [
    ProcessSpec(
        "foreign_delegation_reception", "接",
        _visit("接待德国巴伐利亚州经贸代表团", guest_type="delegation", arranged_by="省外办湘外函〔{Y}〕15号",
               visit_attachment="att-invite"),
        (("examine", PROTOCOL), ("draft_plan", PROTOCOL), ("verify", CHIEF), ("approve", DIRECTOR),
         ("leader_approve", LEADER), ("meeting_arrangement", LEADER), ("interpretation", CLERK),
         ("press_coverage", PRESS), ("protocol_arrangements", PROTOCOL), ("security_liaison", CLERK),
         ("receive", PROTOCOL), ("report", UNIT)),
        subject="接待请示", timers=1),
    ProcessSpec(
        "sister_city_delegation_reception", "接",
        _visit("接待日本大分市友好访问团", guest_name="大分市友好访问团", guest_country="日本", relationship="sister_city",
               purpose="纪念结好周年，考察农业与旅游合作。",
               guests=[dict(VISITORS[0], name="Sato Kiichiro", position="大分市市长", nationality="日本",
                            passport_no="TZ1234567")]),
        (("examine", SISTER), ("approve", DIRECTOR), ("send_invitation", SISTER), ("draft_plan", SISTER),
         ("meeting_arrangement", LEADER), ("exchange_programme", SISTER), ("interpretation", CLERK),
         ("protocol_support", PROTOCOL), ("receive", SISTER), ("report", UNIT)),
        subject="接待申请", messages=("foreign_city_confirmation",), timers=1),
    ProcessSpec(
        "foreign_journalist_management", "新",
        {"title": "香港《大公报》记者采访衡阳先进制造业", "unit_name": "中共衡阳市委宣传部", "contact_person": "何静",
         "contact_phone": "0734-8236789", "media_outlet": "香港大公报", "journalist_origin": "hk",
         "journalists": [dict(VISITORS[0], name="陈家豪", position="记者", nationality="中国香港", passport_no="K12345678")],
         "press_card_no": "港澳记字第0123号", "interview_start": "{Y}-05-10", "interview_end": "{Y}-05-13",
         "topics": "衡阳输变电装备产业发展。", "interviewees": "衡阳高新区管委会\n特变电工衡阳变压器有限公司",
         "interview_request": "req-dagong"},
        (("examine", PRESS), ("interviewee_consent", UNIT), ("arrange_interviews", PRESS), ("accompany", PRESS),
         ("follow_coverage", PRESS), ("respond_coverage", PRESS), ("interview_report", PRESS)),
        subject="采访申请", timers=2),
    ProcessSpec(
        "foreign_press_group_reception", "接",
        _visit("接待俄罗斯新闻代表团", unit_name="中共衡阳市委宣传部", guest_name="俄罗斯新闻代表团", guest_country="俄罗斯",
               group_type="press", media_programme="采访南岳衡山和衡阳非遗项目。",
               guests=[dict(VISITORS[0], name="Ivan Petrov", position="塔斯社记者", nationality="俄罗斯",
                            passport_no="753123456")]),
        (("examine", PRESS), ("approve", DIRECTOR), ("draft_plan", PRESS), ("meeting_arrangement", LEADER),
         ("interpretation", CLERK), ("press_programme", PRESS), ("protocol_support", PROTOCOL),
         ("security_liaison", CLERK), ("receive", PRESS), ("follow_coverage", PRESS), ("report", UNIT)),
        subject="接待申请", timers=2),
]
SPEC = {s.key: s for s in SPECS}
HOOKS = {
    "foreign_delegation_reception": {"draft_plan": with_data("draft_plan", **PLAN)},
    "foreign_journalist_management": {"follow_coverage": with_data("follow_coverage", coverage_tone="negative")},
}


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.key)
def test_a_requested_visit_runs_from_request_to_summary(fast_engine, spec):
    case = happy_path(fast_engine, spec, 1, HOOKS.get(spec.key))
    prep = {"foreign_delegation_reception": ("interpretation", "press_coverage", "protocol_arrangements",
                                             "security_liaison"),
            "sister_city_delegation_reception": ("exchange_programme", "interpretation", "protocol_support"),
            "foreign_press_group_reception": ("interpretation", "press_programme", "protocol_support",
                                              "security_liaison")}.get(spec.key)
    if prep:  # preparations run side by side; the visit waits for all of them and for the arrival date
        assert open_together(case, *prep)
        assert ("timer", "timer", "wait_arrival") in case.audit()
        (receive,) = task_rows(case, "receive")
        assert receive.created_at.astimezone(CST).date().isoformat() >= case.start_data["arrival_date"]
    if spec.key == "sister_city_delegation_reception":
        events = [a for a in case.audit() if a[0] in ("completed", "message")]
        assert events.index(("message", SISTER, "wait_confirmation")) == \
            events.index(("completed", SISTER, "send_invitation")) + 1  # nothing is planned before it confirms
    if spec.key == "foreign_journalist_management":
        (follow,) = task_rows(case, "follow_coverage")  # ten working days after the last interview
        assert follow.created_at.astimezone(CST).date().isoformat() > case.start_data["interview_end"]
        assert [t for t, _u in user_steps(case)].index("respond_coverage") > 0


def test_state_guests_are_the_protocol_sections_work_with_the_municipal_leader(fast_engine):
    from engine.errors import Forbidden

    engine = fast_engine.engine
    with pytest.raises(Forbidden):  # no unit applies for a state guest: the protocol section records the notice
        engine.start("state_guest_reception", engine.actor(UNIT), {"title": "无权发起"})
    case = CaseDriver(fast_engine, "state_guest_reception", start_data={
        "title": "国家领导人来衡调研接待", "notice_from": "省委接待办", "notice_number": "湘接〔{Y}〕3号",
        "guest_category": "party_state", "guest_name": "国家领导人调研组", "guest_country": "中国",
        "delegation_head": "调研组组长", "arrival_date": "{Y}-05-10", "departure_date": "{Y}-05-11",
        "party_size": 20, "purpose": "调研湘南承接产业转移示范区建设。", "security_level": "first",
        "liaison_person": "李处长", "liaison_phone": "0731-82218888"}, reload_after={"leader_review"}).start()
    assert case.starter == PROTOCOL and case.open_ids() == ["draft_plan"]
    case.do("draft_plan", **PLAN)
    case.do("director_review", plan_decision="approve")
    case.do("leader_review", plan_decision="revise", plan_comment="请增加与示范区企业座谈的安排")
    (redraft,) = case.open_tasks()  # the leader's comment goes back to the drafter, the review runs again
    assert redraft.bpmn_id == "draft_plan" and "请增加与示范区企业座谈的安排" in redraft.instructions
    case.task_data["leader_review"] = {"plan_decision": "approve"}
    status = case.run(hooks={"protocol_arrangements": pass_deadline("protocol_arrangements_deadline",
                                                                    "protocol_arrangements_escalation")})
    assert status == "completed", case.incidents()
    assert user_steps(case) == [
        ("draft_plan", PROTOCOL), ("director_review", DIRECTOR), ("leader_review", LEADER),
        ("draft_plan", PROTOCOL), ("director_review", DIRECTOR), ("leader_review", LEADER),
        ("leader_arrangements", LEADER), ("logistics", CLERK), ("press_coverage", PRESS),
        ("protocol_arrangements", PROTOCOL), ("security_liaison", CLERK),
        ("protocol_arrangements_escalation", CHIEF), ("receive", PROTOCOL), ("report", PROTOCOL)]
    assert open_together(case, "logistics", "press_coverage", "protocol_arrangements", "security_liaison")
    assert ("timer", "timer", "wait_arrival") in case.audit()
    assert case.attachments() == [] and case.notifications() == []  # no application, so no reply letter


def test_a_plan_without_a_leader_and_a_refused_plan(fast_engine):
    spec = SPEC["foreign_delegation_reception"]
    case = CaseDriver(fast_engine, spec.key, start_data=dict(spec.data)).start()
    assert case.open_ids() == ["examine"]
    case.do("examine", "revise", comment="请补充上级安排通知的文号")
    case.do("revise", arranged_by="外交部外事函〔2027〕88号")
    case.do("examine")
    case.do("draft_plan", **dict(PLAN, protocol_level="bureau", leader_meeting=False))
    case.do("verify")
    case.do("approve", "reject", comment="接待规格过高，不予同意")  # a working visit needs no leader
    assert case.status() == "completed" and case.attachments() == []
    assert [s.bpmn_id for s in case.log] == ["examine", "revise", "examine", "draft_plan", "verify", "approve"]
    notes = case.notifications()
    assert "被退回修改" in notes[0] and "未获批准" in notes[1] and "接待规格过高" in notes[1]

    low = CaseDriver(fast_engine, spec.key, start_data=dict(spec.data)).start()
    hooks = {"draft_plan": with_data("draft_plan", **dict(PLAN, protocol_level="bureau", leader_meeting=False))}
    assert low.run(hooks=hooks) == "completed"
    ids = [s.bpmn_id for s in low.log]
    assert "leader_approve" not in ids and "meeting_arrangement" not in ids and "receive" in ids


def test_the_visit_is_called_off_when_the_foreign_city_does_not_confirm(fast_engine):
    spec = SPEC["sister_city_delegation_reception"]
    case = CaseDriver(fast_engine, spec.key, start_data=dict(spec.data)).start()
    assert case.run(until={"foreign_city_confirmation"}) == "foreign_city_confirmation"
    fast_engine.reload()
    case.deliver("foreign_city_confirmation", confirmed=False, note="市长日程冲突，来访推迟")
    assert case.status() == "completed"
    assert [s.bpmn_id for s in case.log] == ["examine", "approve", "send_invitation"]
    assert "未确认来访" in case.notifications()[-1]


def test_no_interview_without_the_interviewees_consent(fast_engine):
    spec = SPEC["foreign_journalist_management"]
    case = CaseDriver(fast_engine, spec.key, start_data=dict(spec.data)).start()
    case.do("examine")
    (consent,) = case.open_tasks()
    assert consent.lane == "applicant_unit" and "特变电工" in consent.instructions
    case.do("interviewee_consent", interviewees_agree=False, consent_note="企业不接受境外媒体采访")
    assert case.status() == "completed" and case.attachments() == []
    assert "采访对象不同意" in case.notifications()[-1]
