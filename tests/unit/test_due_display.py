"""How a task's time limit reads: working days, hours and minutes when the work is urgent, and how
long past due once overdue (never rounded up)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from engine.timekeeping.working_days import WorkingCalendar
from webui.present import due_info

NOW = datetime(2026, 12, 3, 13, 14, tzinfo=timezone.utc)  # a Thursday


def test_a_two_hour_acknowledgement_reads_in_hours_not_zero_working_days():
    due = due_info(NOW + timedelta(hours=2), NOW, WorkingCalendar())
    assert due.hours_left == 2 and not due.overdue


def test_part_of_an_hour_counts_in_minutes_not_as_an_hour():
    due = due_info(NOW + timedelta(minutes=3, seconds=40), NOW, WorkingCalendar())
    assert (due.hours_left, due.minutes_left) == (0, 3)


def test_hours_are_rounded_down_with_the_minutes_kept():
    due = due_info(NOW + timedelta(hours=1, minutes=59), NOW, WorkingCalendar())
    assert (due.hours_left, due.minutes_left) == (1, 59)


def test_a_limit_days_away_reads_in_working_days():
    due = due_info(NOW + timedelta(days=7), NOW, WorkingCalendar())
    assert due.hours_left is None and due.days_left == 5


def test_an_overdue_task_has_no_time_left():
    due = due_info(NOW - timedelta(hours=1), NOW, WorkingCalendar())
    assert due.overdue and due.hours_left is None


def test_an_overdue_task_knows_how_long_it_is_late():
    due = due_info(NOW - timedelta(hours=5, minutes=2), NOW, WorkingCalendar())
    assert due.late_s == 5 * 3600 + 120
