"""Going abroad (responsibilities 6, 7, 8, 17) through the engine services, on SQLite.

Each trip: the unit's political review of each member, 5 working days of publicity (a timer on
the working calendar), the office's examination and approval (approval_authority.dmn), the
numbered 任务批件, documents per member (the call activity), the embassy's visa_result, and after
the return date the passports handed back into custody and the return report. Also the ways a
trip ends early: a member fails the political review, an objection is upheld, a refusal, the
provincial office's refusal. See tests/integration/process_driver.py.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.integration.helpers import data_of
from tests.integration.process_driver import (  # noqa: F401
    CST,
    CaseDriver,
    ProcessSpec,
    assert_audit_matches_log,
    assert_no_letter,
    fast_engine,
    happy_path,
    processes_template,
    revise_then_approve,
    task_rows,
    user_steps,
)

PV, CHIEF, DIRECTOR, LEADER, UNIT = "visa_wu", "chief_zhang", "director_liu", "leader_sun", "unit_wang"


def _member(name, gender, position, id_number, rank, passport=None):
    m = {"name": name, "gender": gender, "position": position, "id_number": id_number, "rank": rank,
         "political_review_done": True}
    if passport:
        m["passport_no"] = passport
    return m


# ID numbers as the driver fills them, so that generated political-review rows match the members
TRADE_DELEGATION = [
    _member("周建华", "male", "市商务局副局长", "430401198001011234", "bureau", "E12345678"),
    _member("陈晓梅", "female", "外经贸科科长", "43040419850615002X", "division"),
]


def _trip(title, **over):
    data = {
        "title": title, "unit_name": "衡阳市商务局", "contact_person": "刘敏", "contact_phone": "0734-8225566",
        "mission": "考察先进制造业园区，洽谈招商合作项目，出席经贸推介会。",
        "destination_type": "asia", "destinations": "日本", "inviter": "日本贸易振兴机构（JETRO）",
        "itinerary": [{"place": "日本东京", "arrive_on": "{Y}-05-10", "leave_on": "{Y}-05-13", "activity": "经贸推介会"},
                      {"place": "日本大阪", "arrive_on": "{Y}-05-13", "leave_on": "{Y}-05-16", "activity": "考察园区"}],
        "departure_date": "{Y}-05-10", "return_date": "{Y}-05-16", "trip_days": 7,
        "members": TRADE_DELEGATION, "funding_source": "部门预算（因公出国经费）", "budget_yuan": 86000,
        "invitation_letter": "inv-jetro-2027",
    }
    data.update(over)
    return data


BEFORE = (("political_review", UNIT), ("publicity_post", UNIT), ("publicity_result", UNIT))
# documents per member (one passport in custody, one new), the embassy, then custody and the report
VISA_TAIL = (("issue_passport", PV), ("lodge_visa", PV), ("retrieve_passport", PV), ("lodge_visa", PV),
             ("hand_over", PV), ("hand_back", UNIT), ("collect_passport", PV), ("cancel_visa", PV),
             ("collect_passport", PV), ("cancel_visa", PV), ("return_report", UNIT))
PERMIT_TAIL = (("issue_permit", PV), ("issue_permit", PV), ("hand_back", UNIT), ("collect_passport", PV),
               ("cancel_visa", PV), ("collect_passport", PV), ("cancel_visa", PV), ("return_report", UNIT))
NEW_PASSPORTS = (("issue_passport", PV), ("issue_passport", PV), ("lodge_visa", PV), ("lodge_visa", PV)) + VISA_TAIL[4:]

SPECS = [
    ProcessSpec(
        "official_passport_visa", "护", _trip("市商务局赴日本经贸考察团"),
        BEFORE + (("examine", PV), ("verify", CHIEF), ("approve", DIRECTOR)) + VISA_TAIL + (("file_report", PV),),
        subject="出访申请", messages=("visa_result",), timers=2, revise_at="examine", reject_at="verify"),
    ProcessSpec(
        "overseas_chinese_office_trip", "审",
        _trip("市侨办赴香港开展联谊活动", unit_name="衡阳市侨务办公室", managing_office="衡阳市侨务办公室",
              declaration_letter="qiaoban-2027-3", destination_type="hk_macao", destinations="香港特别行政区",
              inviter="香港衡阳同乡联谊会", trip_days=5, return_date="{Y}-05-14",
              itinerary=[{"place": "香港", "arrive_on": "{Y}-05-10", "leave_on": "{Y}-05-14", "activity": "走访同乡会"}],
              mission="走访香港衡阳同乡会，宣介衡阳投资环境。"),
        BEFORE + (("examine", "clerk_li"), ("verify", CHIEF), ("approve", DIRECTOR)) + PERMIT_TAIL
        + (("file_report", "clerk_li"),),
        subject="出访申请", timers=2, revise_at="approve", reject_at="examine"),
    ProcessSpec(
        "leader_visit_abroad_approval", "审",
        _trip("孙建国副市长率团访问德国", unit_name="衡阳市人民政府办公室", leader_name="孙建国",
              work_arrangement="出访期间分管工作由常务副市长代为负责。", destination_type="other",
              destinations="德国", inviter="法兰克福市政府", trip_days=8,
              departure_date="{Y}-05-09", return_date="{Y}-05-16",
              members=[_member("孙建国", "male", "副市长", "430401196805150013", "municipal"),
                       _member("李文博", "male", "市政府办公室秘书", "430404198811070035", "division")]),
        BEFORE + (("examine", "clerk_li"), ("verify", CHIEF), ("approve", DIRECTOR), ("leader_approve", LEADER))
        + NEW_PASSPORTS + (("file_report", "clerk_li"),),
        subject="出访申请", messages=("provincial_approval", "visa_result"), timers=2,
        revise_at="examine", reject_at="leader_approve"),
    ProcessSpec(
        "press_culture_trip_approval", "审",
        _trip("市花鼓戏剧院赴美国巡演", unit_name="衡阳市花鼓戏剧院", programme="花鼓戏《刘海砍樵》海外巡演",
              destination_type="other", destinations="美国", inviter="旧金山中华文化基金会",
              members=[_member("黄志远", "male", "剧院院长", "430405197301010011", "bureau"),
                       _member("谢雨婷", "female", "演员", "430406199502140026", "division")]),
        BEFORE + (("examine", "press_huang"), ("verify", CHIEF), ("approve", DIRECTOR), ("leader_approve", LEADER))
        + NEW_PASSPORTS + (("file_report", "press_huang"),),
        subject="出访申请", messages=("visa_result",), timers=2, revise_at="examine", reject_at="leader_approve"),
]
BY_KEY = {s.key: s for s in SPECS}


def _today(case: CaseDriver) -> date:
    return case.engine.clock.now().astimezone(CST).date()


def vet(case: CaseDriver, failing: str | None = None) -> None:
    """The unit records each member's political review (the rows come listed from the application)."""
    (row,) = [t for t in case.open_tasks() if t.bpmn_id == "political_review"]
    names = [m["name"] for m in case.start_data["members"]]
    assert row.lane == "applicant_unit" and all(n in row.instructions for n in names)
    rows = [{"name": m["name"], "id_number": m["id_number"], "position": m["position"], "authority": "市委组织部",
             "on": _today(case).isoformat(), "conclusion": "failed" if m["name"] == failing else "passed"}
            for m in case.start_data["members"]]
    case.do("political_review", political_review=rows)


def post_publicity(case: CaseDriver) -> None:
    """Hook: the unit posts the publicity today; the case then waits only on the 5-working-day timer."""
    start = _today(case)
    case.do("publicity_post", publicity_start=start.isoformat())
    assert case.open_tasks() == [] and case.subscriptions() == []
    (timer,) = case.timers()
    assert timer.bpmn_id == "publicity_period"
    due = timer.due_at.astimezone(CST)
    assert case.engine.calendar().working_days_between(start, due.date()) == 5
    assert (due.date() - start).days >= 7 and due.weekday() < 5  # five working days span a weekend
    case.engine.clock.set(timer.due_at - timedelta(minutes=1))
    assert case.engine.fire_due_timers() == 0 and case.open_tasks() == []  # not a minute early


HOOKS = {"political_review": vet, "publicity_post": post_publicity}


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.key)
def test_trip_runs_from_political_review_to_custody_and_report(fast_engine, spec):
    case = happy_path(fast_engine, spec, 1, hooks=HOOKS)

    names = {m["name"] for m in spec.data["members"]}
    data = data_of(case.engine, case.instance_id)
    assert {r["name"] for r in data["political_review"]} == names
    assert data["vetting_failed"] == [] and data["publicity_objection"] == "none"
    (result,) = task_rows(case, "publicity_result")
    (post,) = task_rows(case, "publicity_post")
    assert result.created_at >= post.completed_at + timedelta(days=7)
    # the DMN: the director alone, or the municipal leader too
    assert data["approval_level"] == ("municipal_leader" if "leader_approve" in dict(spec.happy) else "office_director")
    # documents per member, each task naming its member
    first_doc = "issue_permit" if spec.data["destination_type"] == "hk_macao" else "issue_passport"
    issued = task_rows(case, first_doc) + task_rows(case, "retrieve_passport")
    assert {next(n for n in names if n in t.instructions) for t in issued} == names
    collected = task_rows(case, "collect_passport")
    assert {next(n for n in names if n in t.instructions) for t in collected} == names
    assert all(t.completed_by == PV for t in collected)
    # after the return date: hand back within 7 working days, report within 15
    (back,) = task_rows(case, "hand_back")
    (report,) = task_rows(case, "return_report")
    ret = date.fromisoformat(case.start_data["return_date"])
    assert back.created_at.astimezone(CST).date() > ret
    cal = case.engine.calendar()
    assert cal.working_days_between(ret, back.due_at.astimezone(CST).date()) == 7
    assert cal.working_days_between(ret, report.due_at.astimezone(CST).date()) == 15
    assert ("timer", "timer", "wait_return") in case.audit() and ("timer", "timer", "publicity_period") in case.audit()


def test_revision_reruns_the_review_only_and_takes_the_next_number(fast_engine):
    spec = BY_KEY["official_passport_visa"]
    case = revise_then_approve(fast_engine, spec, 1)
    steps = [s for s, _u in user_steps(case)]
    assert steps.count("political_review") == 1 and steps.count("publicity_post") == 1  # not redone
    assert case.open_ids()[0] in ("issue_passport", "retrieve_passport")


@pytest.mark.parametrize("key", ["official_passport_visa", "leader_visit_abroad_approval"])
def test_refusal_ends_the_trip_without_a_number(fast_engine, key):
    refuse(fast_engine, BY_KEY[key])


def refuse(fast_engine, spec: ProcessSpec) -> CaseDriver:
    """The trip is refused at ``spec.reject_at``: no number, no wait, a notice (also on PostgreSQL)."""
    case = CaseDriver(fast_engine, spec.key, start_data=dict(spec.data)).start()
    assert case.run(until={spec.reject_at}, hooks={"political_review": vet}) == spec.reject_at
    fast_engine.reload()
    case.do(spec.reject_at, "reject", comment="出访时机不宜")
    assert case.status() == "completed" and case.subscriptions() == [] and case.timers() == []
    assert_no_letter(case)
    assert case.notifications() == [f"您提交的出访申请《{spec.title}》未获批准。理由：出访时机不宜"]
    assert_audit_matches_log(case)
    return case


def test_a_member_failing_the_political_review_ends_the_application(fast_engine):
    spec = BY_KEY["press_culture_trip_approval"]
    case = CaseDriver(fast_engine, spec.key, start_data=dict(spec.data)).start()
    vet(case, failing="谢雨婷")
    assert case.status() == "completed" and not task_rows(case, "publicity_post") and not task_rows(case, "examine")
    assert case.notifications() == [f"《{spec.title}》成员政审未通过（谢雨婷），出访申请终止。"]


def test_an_upheld_objection_during_the_publicity_ends_the_application(fast_engine):
    spec = BY_KEY["overseas_chinese_office_trip"]
    case = CaseDriver(fast_engine, spec.key, start_data=dict(spec.data)).start()
    assert case.run(until={"publicity_result"}, hooks={"political_review": vet}) == "publicity_result"
    assert case.timers_fired == 1
    case.do("publicity_result", publicity_objection="upheld", publicity_note="群众反映该团组一年内已出访两次")
    assert case.status() == "completed" and not task_rows(case, "examine")
    assert "异议经核实成立" in case.notifications()[-1]


def test_the_provincial_office_may_refuse_a_leaders_visit(fast_engine):
    spec = BY_KEY["leader_visit_abroad_approval"]
    case = CaseDriver(fast_engine, spec.key, start_data=dict(spec.data)).start()
    assert case.run(until={"provincial_approval"}, hooks={"political_review": vet}) == "provincial_approval"
    assert case.doc_number() is not None  # the office's letter went to the province
    fast_engine.reload()
    case.deliver("provincial_approval", approved=False, reference="")
    assert case.status() == "completed" and not task_rows(case, "issue_passport")
    assert case.notifications()[-1] == f"《{spec.title}》未获省外办批准，出访取消。"


def test_two_trips_wait_for_their_own_visa_results(fast_engine):
    """visa_result is correlated by business key: each case gets its own embassy answer."""
    spec = BY_KEY["official_passport_visa"]
    a = CaseDriver(fast_engine, spec.key, start_data=dict(spec.data), business_key="HY-TRIP-A").start()
    b = CaseDriver(fast_engine, spec.key, start_data=dict(spec.data, title="市教育局赴日本教育交流"),
                   business_key="HY-TRIP-B").start()
    assert a.run(until={"visa_result"}, hooks={"political_review": vet}) == "visa_result"
    assert b.run(until={"visa_result"}, hooks={"political_review": vet}) == "visa_result"
    fast_engine.reload()
    assert b.deliver("visa_result", granted=False, note="拒签") == [b.instance_id]
    assert b.open_ids() == ["hand_over"] and a.open_ids() == []
    assert "'granted': False" in b.open_tasks()[0].instructions
    assert a.deliver("visa_result") == [a.instance_id]
    assert "'granted': True" in a.open_tasks()[0].instructions
    year = a.engine.clock.now().astimezone(CST).year
    assert {a.doc_number(), b.doc_number()} == {f"衡外护〔{year}〕{n}号" for n in (1, 2)}
    a.do("hand_over")
    (wait,) = a.timers()
    assert wait.bpmn_id == "wait_return" and wait.due_at.date().isoformat() > a.start_data["return_date"]
