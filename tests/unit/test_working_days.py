"""Chinese working days, checked against the State Council's 2026 holiday notice.

The 2026 notice (the holidays package cites gov.cn gongbao 2025 issue 12406): New Year 1 Jan–3 Jan, work Sun 4 Jan; Spring Festival
15–23 Feb, work Sat 14 Feb and Sat 28 Feb; Labour Day 1–5 May, work Sat 9 May; National Day and
Mid-Autumn 1–7 Oct, work Sun 20 Sep and Sat 10 Oct.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from engine.timekeeping.working_days import WorkingCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


@pytest.mark.parametrize("day", [
    date(2026, 1, 1), date(2026, 1, 2),                                   # New Year
    date(2026, 2, 16), date(2026, 2, 17), date(2026, 2, 20), date(2026, 2, 23),  # Spring Festival
    date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 5),                 # Qingming, Labour Day
    date(2026, 6, 19), date(2026, 9, 25),                                 # Dragon Boat, Mid-Autumn
    date(2026, 10, 1), date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 7),  # National Day
])
def test_2026_public_holidays_on_weekdays_are_days_off(calendar, day):
    assert day.weekday() < 5
    assert not calendar.is_working_day(day)


@pytest.mark.parametrize("day", [
    date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20), date(2026, 10, 10),
])
def test_2026_weekend_days_made_working_days_are_working_days(calendar, day):
    assert day.weekday() >= 5
    assert calendar.is_working_day(day)


def test_ordinary_weekdays_work_and_ordinary_weekends_rest(calendar):
    assert calendar.is_working_day(date(2026, 3, 2))       # Monday
    assert calendar.is_working_day(date(2026, 10, 8))      # Thursday after National Day
    assert not calendar.is_working_day(date(2026, 3, 7))   # Saturday
    assert not calendar.is_working_day(date(2026, 2, 21))  # Saturday inside Spring Festival


def test_add_working_days_crosses_spring_festival_keeping_the_time():
    calendar = WorkingCalendar()
    start = datetime(2026, 2, 12, 15, 30, tzinfo=SHANGHAI)  # Thursday
    # Fri 13, Sat 14 (working), then 15–23 off, Tue 24, Wed 25
    assert calendar.add_working_days(start, 1) == datetime(2026, 2, 13, 15, 30, tzinfo=SHANGHAI)
    assert calendar.add_working_days(start, 2) == datetime(2026, 2, 14, 15, 30, tzinfo=SHANGHAI)
    assert calendar.add_working_days(start, 3) == datetime(2026, 2, 24, 15, 30, tzinfo=SHANGHAI)
    assert calendar.add_working_days(start, 4) == datetime(2026, 2, 25, 15, 30, tzinfo=SHANGHAI)


def test_add_working_days_over_national_day_and_backwards():
    calendar = WorkingCalendar()
    start = datetime(2026, 9, 30, 9, 0, tzinfo=SHANGHAI)
    assert calendar.add_working_days(start, 1).date() == date(2026, 10, 8)
    assert calendar.add_working_days(start, 3).date() == date(2026, 10, 10)  # Saturday, working
    assert calendar.add_working_days(datetime(2026, 10, 8, 9, 0, tzinfo=SHANGHAI), -1).date() == date(2026, 9, 30)
    assert calendar.add_working_days(start, 0) == start


def test_add_working_days_reads_utc_in_office_time():
    calendar = WorkingCalendar()
    # 2026-02-13 20:00 UTC is Saturday 14 Feb 04:00 in Shanghai (a working day)
    start = datetime(2026, 2, 13, 20, 0, tzinfo=timezone.utc)
    result = calendar.add_working_days(start, 1)
    assert result == datetime(2026, 2, 24, 4, 0, tzinfo=SHANGHAI)
    assert result.utcoffset() == timedelta(hours=8)
    naive = calendar.add_working_days(datetime(2026, 2, 13, 10, 0), 1)
    assert naive == datetime(2026, 2, 14, 10, 0, tzinfo=SHANGHAI)


def test_add_working_days_refuses_absurd_counts():
    with pytest.raises(ValueError):
        WorkingCalendar().add_working_days(datetime(2026, 1, 5, tzinfo=SHANGHAI), 10**6)


def test_working_days_between_counts_after_start_up_to_end(calendar):
    assert calendar.working_days_between(date(2026, 2, 12), date(2026, 2, 25)) == 4
    assert calendar.working_days_between(date(2026, 2, 25), date(2026, 2, 12)) == -4
    assert calendar.working_days_between(date(2026, 3, 2), date(2026, 3, 2)) == 0
    assert calendar.working_days_between(date(2026, 9, 30), date(2026, 10, 11)) == 3  # 8, 9, 10 Oct


def test_working_days_between_inverts_add_working_days(calendar):
    start = datetime(2026, 9, 18, 11, 0, tzinfo=SHANGHAI)
    for n in (1, 2, 5, 10, 20):
        assert calendar.working_days_between(start, calendar.add_working_days(start, n)) == n


def test_overrides_win_over_the_package():
    calendar = WorkingCalendar(overrides={date(2026, 3, 2): False, date(2026, 2, 21): True, date(2026, 2, 14): False})
    assert not calendar.is_working_day(date(2026, 3, 2))
    assert calendar.is_working_day(date(2026, 2, 21))
    assert not calendar.is_working_day(date(2026, 2, 14))


def test_confirmed_years_include_the_package_notice_and_override_years():
    assert 2026 in WorkingCalendar().confirmed_years()
    assert 2027 not in WorkingCalendar().confirmed_years()
    assert 2027 in WorkingCalendar(overrides={date(2027, 2, 6): False}).confirmed_years()


def test_estimated_next_year_is_named_until_an_admin_confirms_it():
    assert WorkingCalendar().unconfirmed_year(date(2026, 11, 20)) == 2027
    confirmed = WorkingCalendar(overrides={date(2027, 2, 6): False})
    assert confirmed.unconfirmed_year(date(2026, 11, 20)) is None


def test_estimated_current_year_is_named_too():
    assert WorkingCalendar(overrides={date(2029, 1, 1): False}).unconfirmed_year(date(2028, 1, 3)) == 2028
