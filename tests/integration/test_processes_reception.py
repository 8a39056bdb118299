"""Receiving visitors (responsibilities 2, 3, 10, 14, 18) through the engine services, on SQLite.

Each process: the happy path to the end, a return for revision then approval (document number
N+1), and a rejection; plus the preparation deadline's escalation, the parallel countersigning
and the sister city's confirmation message. See tests/integration/process_driver.py.
"""
from __future__ import annotations

import pytest

from tests.integration.process_driver import (ProcessSpec, all_three, fast_engine, open_together,  # noqa: F401
                                              pass_deadline, processes_template, task_rows)

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
        "title": title, "unit_name": "衡阳市人民政府办公室", "contact_person": "王磊", "contact_phone": "13907341234",
        "guest_name": "德国巴伐利亚州经贸代表团", "guest_country": "德国", "arrival_date": "{Y}-05-10",
        "departure_date": "{Y}-05-12", "party_size": 8, "guests": VISITORS,
        "purpose": "考察衡阳高新区装备制造企业，出席中德产业合作座谈会。", "requested_leader": "孙建国",
    }
    data.update(over)
    return data


SPECS = [
    ProcessSpec(
        "state_guest_reception", "接",
        {k: v for k, v in _visit("国家领导人来衡调研接待", unit_name="中共衡阳市委办公室",
                                 guest_name="国家领导人调研组", guest_country="中国", party_size=20,
                                 security_level="first", purpose="调研湘南承接产业转移示范区建设。").items()
         if k != "guests"},
        (("examine", PROTOCOL), ("verify", CHIEF), ("approve", DIRECTOR), ("leader_approve", LEADER),
         ("logistics", CLERK), ("protocol_arrangements", PROTOCOL), ("receive", PROTOCOL), ("report", UNIT)),
        subject="接待方案", revise_at="leader_approve", reject_at="approve"),
    ProcessSpec(
        "foreign_delegation_reception", "接", _visit("接待德国巴伐利亚州经贸代表团", guest_type="delegation"),
        (("examine", PROTOCOL), ("verify", CHIEF), ("approve", DIRECTOR), ("prepare", PROTOCOL),
         ("prepare_escalation", CHIEF), ("receive", PROTOCOL), ("report", UNIT)),
        subject="接待申请", timers=1, revise_at="examine", reject_at="examine"),
    ProcessSpec(
        "sister_city_delegation_reception", "接",
        _visit("接待日本大分市友好访问团", guest_name="大分市友好访问团", guest_country="日本",
               relationship="sister_city", purpose="纪念结好周年，考察农业与旅游合作。",
               guests=[dict(VISITORS[0], name="Sato Kiichiro", position="大分市市长", nationality="日本",
                            passport_no="TZ1234567"),
                       dict(VISITORS[1], name="Tanaka Yuki", position="国际交流课课长", nationality="日本",
                            passport_no="TZ7654321")]),
        (("examine", SISTER), ("verify", CHIEF), ("approve", DIRECTOR), ("send_invitation", SISTER),
         ("prepare", SISTER), ("receive", SISTER), ("report", UNIT)),
        subject="接待申请", messages=("foreign_city_confirmation",), revise_at="verify", reject_at="approve"),
    ProcessSpec(
        "foreign_journalist_management", "新",
        {"title": "香港《大公报》记者采访衡阳先进制造业", "unit_name": "中共衡阳市委宣传部", "contact_person": "何静",
         "contact_phone": "0734-8236789", "media_outlet": "香港大公报", "journalist_origin": "hk",
         "journalists": [dict(VISITORS[0], name="陈家豪", position="记者", nationality="中国香港", passport_no="K12345678"),
                         dict(VISITORS[1], name="梁嘉欣", position="摄影记者", nationality="中国香港",
                              passport_no="K87654321")],
         "press_card_no": "港澳记字第0123号", "interview_start": "{Y}-05-10", "interview_end": "{Y}-05-13",
         "topics": "采访衡阳高新区输变电装备企业及湘南产业转移示范区。", "interview_request": "req-dagong"},
        (("examine", PRESS), ("verify", CHIEF), ("approve", DIRECTOR), ("arrange_interviews", PRESS),
         ("interview_report", PRESS)),
        subject="采访申请", revise_at="examine", reject_at="verify"),
    ProcessSpec(
        "foreign_press_group_reception", "接",
        _visit("接待俄罗斯新闻代表团", unit_name="中共衡阳市委宣传部", guest_name="俄罗斯新闻代表团",
               guest_country="俄罗斯", group_type="press", purpose="报道衡阳文化旅游与中俄地方合作。",
               guests=[dict(VISITORS[0], name="Ivan Petrov", position="塔斯社记者", nationality="俄罗斯",
                            passport_no="753123456"),
                       dict(VISITORS[1], name="Olga Smirnova", position="俄罗斯报编辑", nationality="俄罗斯",
                            passport_no="753654321")]),
        (("examine", PRESS), ("verify", CHIEF), ("approve", DIRECTOR), ("press_programme", PRESS),
         ("protocol_support", PROTOCOL), ("receive", PRESS), ("report", UNIT)),
        subject="接待申请", revise_at="approve", reject_at="examine"),
]

HOOKS = {"foreign_delegation_reception": {"prepare": pass_deadline("prepare_deadline", "prepare_escalation")}}
PARALLEL = {"state_guest_reception": ("logistics", "protocol_arrangements"),
            "foreign_press_group_reception": ("press_programme", "protocol_support")}


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.key)
def test_reception_approved_revised_and_rejected(fast_engine, spec):
    happy, revised, rejected = all_three(fast_engine, spec, HOOKS.get(spec.key))

    if spec.key in PARALLEL:  # countersigned in parallel: both open at once, the next step after both
        assert open_together(happy, *PARALLEL[spec.key])
    if spec.key == "foreign_delegation_reception":
        # (the hook checked that prepare was due by its deadline before the escalation fired)
        (esc,) = task_rows(happy, "prepare_escalation")
        assert esc.completed_by == CHIEF and "不足3天" in esc.instructions
    if spec.key == "sister_city_delegation_reception":
        # nothing is prepared before the foreign city confirms
        (invite,) = task_rows(happy, "send_invitation")
        (prepare,) = task_rows(happy, "prepare")
        assert ("message", SISTER, "wait_confirmation") in happy.audit()
        events = [a for a in happy.audit() if a[0] in ("completed", "message")]
        assert events.index(("message", SISTER, "wait_confirmation")) == \
            events.index(("completed", SISTER, "send_invitation")) + 1
        assert revised.open_ids() == ["send_invitation"]
    # the examination ran with its SLA: every examine task carried a due date
    assert all(t.due_at is not None for t in task_rows(happy, "examine") + task_rows(rejected, "examine"))
    assert rejected.log[-1].bpmn_id == spec.reject_at
