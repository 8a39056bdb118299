"""How a task's time limit reads: working days, or hours when the work is urgent."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from engine.timekeeping.working_days import WorkingCalendar
from webui.present import due_info

NOW = datetime(2026, 12, 3, 13, 14, tzinfo=timezone.utc)  # a Thursday


def test_a_two_hour_acknowledgement_reads_in_hours_not_zero_working_days():
    due = due_info(NOW + timedelta(hours=2), NOW, WorkingCalendar())
    assert due.hours_left == 2 and not due.overdue


def test_part_of_an_hour_counts_as_an_hour():
    assert due_info(NOW + timedelta(minutes=20), NOW, WorkingCalendar()).hours_left == 1


def test_a_limit_days_away_reads_in_working_days():
    due = due_info(NOW + timedelta(days=7), NOW, WorkingCalendar())
    assert due.hours_left is None and due.days_left == 5


def test_an_overdue_task_has_no_time_left():
    due = due_info(NOW - timedelta(hours=1), NOW, WorkingCalendar())
    assert due.overdue and due.hours_left is None
