"""Going abroad (responsibilities 6, 7, 8, 17) through the engine services, on SQLite.

Each process: the happy path to the end (documents per member, the embassy's visa_result, the
return date's timer, collection and cancellation), a return for revision then approval
(document number N+1), and a rejection. See tests/integration/process_driver.py.
"""
from __future__ import annotations

import pytest

from tests.integration.process_driver import (CaseDriver, ProcessSpec, all_three, fast_engine,  # noqa: F401
                                              processes_template, task_rows, user_steps)

PV, CHIEF, DIRECTOR, LEADER, UNIT = "visa_wu", "chief_zhang", "director_liu", "leader_sun", "unit_wang"


def _member(name, gender, position, id_number, rank, passport=None):
    m = {"name": name, "gender": gender, "position": position, "id_number": id_number, "rank": rank}
    if passport:
        m["passport_no"] = passport
    return m


TRADE_DELEGATION = [
    _member("周建华", "male", "市商务局副局长", "430402197503121516", "bureau", "E12345678"),
    _member("陈晓梅", "female", "外经贸科科长", "430403198209230027", "division"),
]


def _trip(title, **over):
    data = {
        "title": title, "unit_name": "衡阳市商务局", "contact_person": "刘敏", "contact_phone": "0734-8225566",
        "mission": "考察先进制造业园区，洽谈招商合作项目，出席经贸推介会。",
        "destination_type": "asia", "destinations": "日本东京、大阪", "inviter": "日本贸易振兴机构（JETRO）",
        "departure_date": "{Y}-05-10", "return_date": "{Y}-05-16", "trip_days": 7,
        "members": TRADE_DELEGATION, "funding_source": "部门预算（因公出国经费）", "budget_yuan": 86000,
        "invitation_letter": "inv-jetro-2027",
    }
    data.update(over)
    return data


# the passport and visa work per member (2 members), then the embassy, the return and collection
VISA_TAIL = (("issue_passport", PV), ("issue_passport", PV), ("lodge_visa", PV), ("lodge_visa", PV),
             ("hand_over", PV), ("return_report", UNIT),
             ("collect_passport", PV), ("cancel_visa", PV), ("collect_passport", PV), ("cancel_visa", PV))
PERMIT_TAIL = (("issue_permit", PV), ("issue_permit", PV), ("return_report", UNIT),
               ("collect_passport", PV), ("cancel_visa", PV), ("collect_passport", PV), ("cancel_visa", PV))

SPECS = [
    ProcessSpec(
        "official_passport_visa", "护", _trip("市商务局赴日本经贸考察团"),
        (("examine", PV), ("verify", CHIEF), ("approve", DIRECTOR)) + VISA_TAIL,
        subject="出访申请", messages=("visa_result",), timers=1, revise_at="examine", reject_at="verify"),
    ProcessSpec(
        "overseas_chinese_office_trip", "审",
        _trip("市侨办赴香港开展联谊活动", unit_name="衡阳市侨务办公室", managing_office="衡阳市侨务办公室",
              destination_type="hk_macao", destinations="香港特别行政区", inviter="香港衡阳同乡联谊会",
              trip_days=5, return_date="{Y}-05-14",
              mission="走访香港衡阳同乡会，宣介衡阳投资环境。"),
        (("examine", "clerk_li"), ("verify", CHIEF), ("approve", DIRECTOR)) + PERMIT_TAIL,
        subject="出访申请", timers=1, revise_at="approve", reject_at="examine"),
    ProcessSpec(
        "leader_visit_abroad_approval", "审",
        _trip("孙建国副市长率团访问德国", unit_name="衡阳市人民政府办公室", leader_name="孙建国",
              work_arrangement="出访期间分管工作由常务副市长代为负责。", destination_type="other",
              destinations="德国法兰克福、慕尼黑", inviter="法兰克福市政府", trip_days=8,
              departure_date="{Y}-05-09", return_date="{Y}-05-16",
              members=[_member("孙建国", "male", "副市长", "430401196805150013", "municipal", "G12345678"),
                       _member("李文博", "male", "市政府办公室秘书", "430404198811070035", "division")]),
        (("examine", "clerk_li"), ("verify", CHIEF), ("approve", DIRECTOR), ("leader_approve", LEADER))
        + VISA_TAIL,
        subject="出访申请", messages=("provincial_approval", "visa_result"), timers=1,
        revise_at="examine", reject_at="leader_approve"),
    ProcessSpec(
        "press_culture_trip_approval", "审",
        _trip("市花鼓戏剧院赴美国巡演", unit_name="衡阳市花鼓戏剧院", programme="花鼓戏《刘海砍樵》海外巡演",
              destination_type="other", destinations="美国旧金山、洛杉矶", inviter="旧金山中华文化基金会",
              members=[_member("黄志远", "male", "剧院院长", "430405197301010011", "bureau"),
                       _member("谢雨婷", "female", "演员", "430406199502140026", "division")]),
        (("examine", "press_huang"), ("verify", CHIEF), ("approve", DIRECTOR), ("leader_approve", LEADER))
        + VISA_TAIL,
        subject="出访申请", messages=("visa_result",), timers=1, revise_at="examine", reject_at="leader_approve"),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.key)
def test_trip_approved_revised_and_rejected(fast_engine, spec):
    happy, revised, rejected = all_three(fast_engine, spec)

    names = {m["name"] for m in spec.data["members"]}
    first_doc = "issue_passport" if spec.data["destination_type"] != "hk_macao" else "issue_permit"
    # one document task per member, each naming its member (the call activity per member)
    issued = task_rows(happy, first_doc)
    assert {next(n for n in names if n in t.instructions) for t in issued} == names
    assert all(t.completed_by == "visa_wu" and t.lane == "passport_visa_section" for t in issued)
    collected = task_rows(happy, "collect_passport")
    assert len(collected) == len(names) and {next(n for n in names if n in t.instructions) for t in collected} == names
    # the return report opened only once the return date had passed (the timer), in the applicant's lane
    (report,) = task_rows(happy, "return_report")
    assert report.created_at.date().isoformat() > happy.start_data["return_date"]
    assert report.due_at is not None and report.due_at > report.created_at  # the 7-working-day deadline
    assert ("timer", "timer", "wait_return") in happy.audit()
    if "visa_result" in spec.messages:
        (hand,) = task_rows(happy, "hand_over")
        assert "'granted': True" in hand.instructions  # the embassy's message reached the task
        assert ("message", "visa_wu", "wait_visa_result") in happy.audit()
    else:
        assert not task_rows(happy, "lodge_visa") and not task_rows(happy, "hand_over")
    # the director alone, or the municipal leader too (approval_authority.dmn)
    assert ("leader_approve" in [s for s, _u in user_steps(revised)]) == ("leader_approve" in dict(spec.happy))
    assert revised.open_ids()[0] in ("issue_passport", "issue_permit")
    assert rejected.instance().status == "completed"


def test_rejected_by_the_leader_after_provincial_wait_never_reached(fast_engine):
    """A municipal leader refuses: no provincial wait, no documents, no number consumed."""
    spec = SPECS[2]
    case = CaseDriver(fast_engine, spec.key, start_data=dict(spec.data)).start()
    assert case.run(until={"leader_approve"}) == "leader_approve"
    case.do("leader_approve", "reject", comment="出访时机不宜")
    assert case.status() == "completed" and case.subscriptions() == [] and case.timers() == []
    assert case.attachments() == [] and case.doc_number() is None
    assert "出访时机不宜" in case.notifications()[-1]


def test_two_trips_wait_for_their_own_visa_results(fast_engine):
    """visa_result is correlated by business key: each case gets its own embassy answer."""
    spec = SPECS[0]
    a = CaseDriver(fast_engine, spec.key, start_data=dict(spec.data), business_key="HY-TRIP-A").start()
    b = CaseDriver(fast_engine, spec.key, start_data=dict(spec.data, title="市教育局赴日本教育交流"),
                   business_key="HY-TRIP-B").start()
    assert a.run(until={"visa_result"}) == "visa_result"
    assert b.run(until={"visa_result"}) == "visa_result"
    fast_engine.reload()
    assert b.deliver("visa_result", granted=False, note="拒签") == [b.instance_id]
    assert b.open_ids() == ["hand_over"] and a.open_ids() == []
    assert "'granted': False" in b.open_tasks()[0].instructions
    assert a.deliver("visa_result") == [a.instance_id]
    assert "'granted': True" in a.open_tasks()[0].instructions
    assert {a.doc_number(), b.doc_number()} == {f"衡外护〔{a.engine.clock.now().year}〕{n}号" for n in (1, 2)}
    # the return-date timer waits until the day after the return date
    a.do("hand_over")
    (wait,) = a.timers()
    assert wait.bpmn_id == "wait_return" and wait.due_at.date().isoformat() > a.start_data["return_date"]
