"""The twenty refuse impossible data (CONTRACT 8, ``x-rules``): return before departure, a stop left before
it is reached, more days abroad than the trip lasts, a visitor count unlike the list, a past deadline."""
from __future__ import annotations

import pytest

from engine.errors import ValidationFailed
from tests.integration.process_driver import CaseDriver, fast_engine, processes_template  # noqa: F401
from tests.integration.test_processes_abroad import SPECS as TRIPS
from tests.integration.test_processes_coordination import COORDINATION
from tests.integration.test_processes_press import EXCHANGE as PRESS_EXCHANGE
from tests.integration.test_processes_reception import SPEC as VISITS
from tests.integration.test_processes_sister import EXCHANGE as SISTER_EXCHANGE


def _stop(arrive: str, leave: str) -> list[dict]:
    return [{"place": "东京", "arrive_on": arrive, "leave_on": leave, "activity": "会谈"}]


def refused(engine, key: str, data: dict, **over) -> list[tuple[str, str]]:
    """The fields and Chinese messages of the rules a start with ``data`` changed by ``over`` breaks."""
    case = CaseDriver(engine, key, start_data={**data, **over})
    with pytest.raises(ValidationFailed) as caught:
        case.start()
    assert case.instance_id == ""  # no case was started
    return [(d["field"], d["params"]["text"]["zh_CN"]) for d in caught.value.details if d["reason"] == "form_rule"]


@pytest.mark.parametrize("spec", TRIPS, ids=lambda s: s.key)
def test_a_trip_cannot_return_before_it_departs(fast_engine, spec):
    found = refused(fast_engine, spec.key, spec.data, departure_date="{Y}-05-16", return_date="{Y}-05-10",
                    itinerary=_stop("{Y}-05-16", "{Y}-05-16"))
    assert ("return_date", "回国（境）日期不能早于出发日期") in found


@pytest.mark.parametrize("spec", TRIPS, ids=lambda s: s.key)
def test_a_trip_has_no_more_days_abroad_than_its_span(fast_engine, spec):
    found = refused(fast_engine, spec.key, spec.data, departure_date="{Y}-05-10", return_date="{Y}-05-15",
                    trip_days=9, itinerary=_stop("{Y}-05-10", "{Y}-05-15"))
    assert [field for field, _ in found] == ["trip_days"]


def test_an_itinerary_stop_cannot_be_left_before_it_is_reached_nor_lie_outside_the_trip(fast_engine):
    spec = TRIPS[0]
    found = refused(fast_engine, spec.key, spec.data, itinerary=[
        {"place": "东京", "arrive_on": "{Y}-05-13", "leave_on": "{Y}-05-11", "activity": "会谈"},
        {"place": "大阪", "arrive_on": "{Y}-05-13", "leave_on": "{Y}-05-20", "activity": "考察"}])
    assert found == [("itinerary", "行程中有一站的离开日期早于抵达日期"),
                     ("itinerary", "行程各站的日期须在出发日期与回国（境）日期之间")]


@pytest.mark.parametrize("key", ["foreign_delegation_reception", "sister_city_delegation_reception",
                                 "foreign_press_group_reception"])
def test_a_visit_counts_as_many_visitors_as_it_names(fast_engine, key):
    spec = VISITS[key]
    found = refused(fast_engine, key, spec.data, party_size=len(spec.data["guests"]) + 3)
    assert found == [("party_size", "来访人数与来访人员名单的人数不一致")]


@pytest.mark.parametrize("key", ["foreign_delegation_reception", "sister_city_delegation_reception"])
def test_visitors_cannot_leave_before_they_arrive(fast_engine, key):
    found = refused(fast_engine, key, VISITS[key].data, arrival_date="{Y}-05-12", departure_date="{Y}-05-10")
    assert found == [("departure_date", "离开日期不能早于抵达日期")]


def test_interviews_cannot_end_before_they_start(fast_engine):
    spec = VISITS["foreign_journalist_management"]
    found = refused(fast_engine, spec.key, spec.data, interview_start="{Y}-05-13", interview_end="{Y}-05-10")
    assert found == [("interview_end", "采访结束日期不能早于采访开始日期")]


def test_a_coordination_cannot_be_needed_by_a_past_date(fast_engine):
    found = refused(fast_engine, "unit_foreign_affairs_coordination", COORDINATION, needed_by="2020-01-01")
    assert found == [("needed_by", "期望办结日期不能早于今天")]


@pytest.mark.parametrize("spec", [PRESS_EXCHANGE, SISTER_EXCHANGE], ids=lambda s: s.key)
def test_an_exchange_cannot_end_before_it_starts(fast_engine, spec):
    found = refused(fast_engine, spec.key, spec.data, start_date="{Y}-09-10", end_date="{Y}-09-01")
    assert found == [("end_date", "结束日期不能早于开始日期")]


def test_a_passport_must_last_until_the_return_date_of_the_case(fast_engine):
    from tests.integration.test_processes_abroad import HOOKS

    spec = next(s for s in TRIPS if s.key == "official_passport_visa")
    case = CaseDriver(fast_engine, spec.key, start_data=dict(spec.data)).start()
    assert case.run(until=("issue_passport",), hooks=dict(HOOKS)) == "issue_passport"
    with pytest.raises(ValidationFailed) as caught:
        case.do("issue_passport", passport_issued_on=case.start_data["return_date"][:4] + "-03-01",
                passport_expires_on=case.start_data["departure_date"])  # expires before the return
    assert [(d["field"], d["params"]["text"]["zh_CN"]) for d in caught.value.details] == [
        ("passport_expires_on", "护照有效期须至少到回国（境）日期")]
