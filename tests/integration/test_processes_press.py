"""Press and culture events (responsibilities 15 and 16) through the engine services, on SQLite.

Both: examined and verified, countersigned in parallel (content, safety, protocol; for a
large event protocol, visas, media and, for a large crowd, the police's safety permit), then
approved (a large foreign field by the municipal leader), held on the event's date, summed up.
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
    processes_template,
    task_rows,
    user_steps,
)

PRESS, PROTOCOL, PV = "press_huang", "protocol_zhou", "visa_wu"
CHIEF, DIRECTOR, LEADER, UNIT, CLERK = "chief_zhang", "director_liu", "leader_sun", "unit_wang", "clerk_li"

EXCHANGE = ProcessSpec(
    "news_culture_exchange", "新",
    {"title": "衡阳—大分摄影作品交流展", "unit_name": "衡阳市文化旅游广电体育局", "contact_person": "邓晓",
     "contact_phone": "0734-8456789", "partner": "大分市文化振兴财团", "partner_kind": "ngo",
     "exchange_kind": "exhibition", "start_date": "{Y}-09-10", "end_date": "{Y}-09-25", "venue": "衡阳市美术馆",
     "foreign_participants": 6, "project_content": "在两市互办摄影作品展，展出作品各60幅。",
     "content_list": "《雁城印象》等60幅", "safety_measures": "场馆限流300人，安保4人。",
     "project_attachment": "proj-photo"},
    (("examine", PRESS), ("verify", CHIEF), ("content_review", PRESS), ("protocol_review", PROTOCOL),
     ("safety_review", CLERK), ("approve", DIRECTOR), ("carry_out", PRESS), ("exchange_report", UNIT)),
    subject="交流项目", timers=1)

EVENT = ProcessSpec(
    "large_foreign_event", "审",
    {"title": "{Y}衡阳国际马拉松赛", "unit_name": "衡阳市体育局", "contact_person": "曾强",
     "contact_phone": "0734-8567890", "event_kind": "sports", "event_date": "{Y}-10-18",
     "venue": "衡阳市体育中心及沿江风光带", "foreign_participants": 150, "expected_audience": 30000,
     "security_plan": "公安、武警分段警戒，设医疗点12处。", "event_plan": "plan-marathon",
     "emergency_plan": "emergency-marathon"},
    (("examine", PRESS), ("verify", CHIEF), ("media_plan", PRESS), ("protocol_plan", PROTOCOL),
     ("request_police_permit", CLERK), ("visa_support", PV), ("approve", DIRECTOR), ("leader_approve", LEADER),
     ("run_event", PRESS), ("event_day", PRESS), ("event_report", UNIT)),
    subject="活动申请", messages=("police_permit",), timers=1)


def test_an_exchange_is_countersigned_approved_and_held(fast_engine):
    case = happy_path(fast_engine, EXCHANGE, 1)
    assert open_together(case, "content_review", "protocol_review", "safety_review")
    (carry,) = task_rows(case, "carry_out")  # opened on the first day of the exchange
    assert carry.created_at.astimezone(CST).date().isoformat() == case.start_data["start_date"]


def test_one_countersignature_refused_stops_the_exchange(fast_engine):
    case = CaseDriver(fast_engine, EXCHANGE.key, start_data=dict(EXCHANGE.data)).start()
    case.do("examine")
    case.do("verify")
    case.do("safety_review", agree=False, countersign_opinion="场馆消防验收未通过")
    assert case.run(until={"approve"}) != "approve" and case.status() == "completed"
    assert case.attachments() == []
    note = case.notifications()[-1]
    assert "未获批准" in note and "安全审查会签" in note


def test_a_large_event_needs_the_police_permit_and_the_municipal_leader(fast_engine):
    case = happy_path(fast_engine, EVENT, 1)
    assert open_together(case, "media_plan", "protocol_plan", "request_police_permit", "visa_support")
    assert ("message", CLERK, "wait_police_permit") in case.audit()
    (run,) = task_rows(case, "run_event")
    assert run.due_at is not None and run.due_at.date().isoformat() < case.start_data["event_date"]
    assert ("timer", "timer", "wait_event") in case.audit()


def test_a_smaller_event_is_approved_by_the_director_after_a_revision(fast_engine):
    data = dict(EVENT.data, title="衡阳国际友城青少年足球邀请赛", foreign_participants=60, expected_audience=800)
    case = CaseDriver(fast_engine, EVENT.key, start_data=data).start()
    assert case.run(until={"approve"}) == "approve"
    assert "request_police_permit" not in [s.bpmn_id for s in case.log]  # fewer than 1,000 spectators
    case.do("approve", "revise", comment="请补充外籍球队的食宿安排")
    (rev,) = case.open_tasks()
    assert rev.bpmn_id == "revise_after_countersign" and rev.lane == "applicant_unit"
    case.do("revise_after_countersign")
    assert case.open_ids() == ["approve"]  # back to the director, not to a new countersigning
    case.decisions.clear()
    case.task_data.pop("approve", None)
    assert case.run() == "completed"
    ids = [s.bpmn_id for s in case.log]
    assert "leader_approve" not in ids and ids.count("media_plan") == 1 and ids[-1] == "event_report"


def test_the_police_can_refuse_the_permit(fast_engine):
    case = CaseDriver(fast_engine, EVENT.key, start_data=dict(EVENT.data)).start()
    assert case.run(until={"police_permit"}) == "police_permit"
    fast_engine.reload()
    case.deliver("police_permit", permitted=False, reference="衡公（治）不许〔2027〕3号")
    assert case.status() == "completed" and case.attachments() == []
    assert "公安安全许可" in case.notifications()[-1]
