"""Press and culture (responsibilities 15 and 16) through the engine services, on SQLite.

Each process: the happy path to the end, a return for revision then approval (document number
N+1), and a rejection; the large event goes to the municipal leader only when it is large.
"""
from __future__ import annotations

import pytest

from tests.integration.process_driver import (ProcessSpec, all_three, fast_engine, open_together,  # noqa: F401
                                              processes_template, task_rows, user_steps)

PRESS, PROTOCOL, PV = "press_huang", "protocol_zhou", "visa_wu"
CHIEF, DIRECTOR, LEADER, UNIT = "chief_zhang", "director_liu", "leader_sun", "unit_wang"

SPECS = [
    ProcessSpec(
        "news_culture_exchange", "新",
        {"title": "衡阳—大分摄影作品交流展", "unit_name": "衡阳市文化旅游广电体育局", "contact_person": "邓晓",
         "contact_phone": "0734-8456789", "partner": "大分市文化振兴财团", "partner_kind": "ngo",
         "exchange_kind": "exhibition", "start_date": "{Y}-09-10", "end_date": "{Y}-09-25",
         "project_content": "在两市互办摄影作品展，展出作品各60幅。", "project_attachment": "proj-photo"},
        (("examine", PRESS), ("verify", CHIEF), ("approve", DIRECTOR), ("carry_out", PRESS),
         ("exchange_report", UNIT)),
        subject="交流项目", revise_at="examine", reject_at="approve"),
    ProcessSpec(
        "large_foreign_event", "审",
        {"title": "{Y}衡阳国际马拉松赛", "unit_name": "衡阳市体育局", "contact_person": "曾强",
         "contact_phone": "0734-8567890", "event_kind": "sports", "event_date": "{Y}-10-18",
         "venue": "衡阳市体育中心及沿江风光带", "foreign_participants": 150, "expected_audience": 30000,
         "security_plan": "公安、武警分段警戒，设医疗点12处。", "event_plan": "plan-marathon"},
        (("examine", PRESS), ("verify", CHIEF), ("approve", DIRECTOR), ("leader_approve", LEADER),
         ("media_plan", PRESS), ("protocol_plan", PROTOCOL), ("visa_support", PV),
         ("run_event", PRESS), ("event_report", UNIT)),
        subject="活动申请", revise_at="leader_approve", reject_at="verify",
        # the organiser cuts the foreign field below 100: the director's approval now suffices
        revise_changes={"foreign_participants": 60}),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.key)
def test_press_culture_approved_revised_and_rejected(fast_engine, spec):
    happy, revised, rejected = all_three(fast_engine, spec)

    if spec.key == "large_foreign_event":
        assert open_together(happy, "media_plan", "protocol_plan", "visa_support")
        assert [s for s, _u in user_steps(revised)].count("leader_approve") == 1  # only the one that returned it
        assert sorted(revised.open_ids()) == ["media_plan", "protocol_plan", "visa_support"]
        (run,) = task_rows(happy, "run_event")
        assert run.due_at is not None and run.due_at.date().isoformat() < happy.start_data["event_date"]
    assert all(t.lane == "press_culture_section" for t in task_rows(happy, "examine"))
