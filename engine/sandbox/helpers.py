"""The office helpers scripts may call: dates, working days, and the engine clock as ``time``."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from types import ModuleType
from typing import Any

from engine.sandbox.guards import ScriptRefused
from engine.timekeeping.clock import Clock
from engine.timekeeping.working_days import WorkingCalendar


class ScriptHelpers:
    """Date and working-day helpers, bound to the engine clock and working calendar.

    Args:
        clock: The engine clock.
        calendar: The working calendar; its time zone is the office time zone.
    """

    OFFICE_HOUR = dt_time(9, 0)

    def __init__(self, clock: Clock, calendar: WorkingCalendar) -> None:
        self.clock = clock
        self.calendar = calendar
        self.tz = calendar.tz

    def as_builtins(self) -> dict[str, Callable[..., Any] | ModuleType]:
        """The helpers by the names scripts use."""
        return {
            "now": self.now, "today": self.today, "working_days_after": self.working_days_after,
            "due_in_working_days": self.due_in_working_days, "working_days_between": self.working_days_between,
            "days_before": self.days_before, "parse_date": self.parse_date,
            "time": ScriptTime(self.clock),
        }

    def now(self) -> str:
        """The current moment, ISO 8601 with the office offset (``2026-03-02T09:00:00+08:00``)."""
        return self.clock.now().astimezone(self.tz).isoformat(timespec="seconds")

    def today(self) -> str:
        """The office date, ``YYYY-MM-DD``."""
        return self.clock.now().astimezone(self.tz).date().isoformat()

    def working_days_after(self, start: str | date | datetime, n: int) -> str:
        """The moment ``n`` working days after ``start``, same time of day (a bare date: 09:00)."""
        moment = self.calendar.add_working_days(self._moment(start), int(n))
        return moment.isoformat(timespec="seconds")

    def due_in_working_days(self, n: int) -> str:
        """``working_days_after(now(), n)``."""
        return self.working_days_after(self.now(), n)

    def working_days_between(self, a: str | date | datetime, b: str | date | datetime) -> int:
        """Working days after ``a`` up to and including ``b`` (negative when ``b`` is earlier)."""
        return self.calendar.working_days_between(self._moment(a), self._moment(b))

    def days_before(self, value: str | date | datetime, n: int) -> str:
        """09:00 office time, ``n`` calendar days before the date of ``value``."""
        day = self._moment(value).date() - timedelta(days=int(n))
        return datetime.combine(day, self.OFFICE_HOUR, tzinfo=self.tz).isoformat(timespec="seconds")

    def parse_date(self, value: str | date | datetime) -> date:
        """The office date of an ISO date or datetime string."""
        return self._moment(value).date()

    def _moment(self, value: str | date | datetime) -> datetime:
        if isinstance(value, str):
            text = value.strip()
            value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        if isinstance(value, datetime):
            return value.replace(tzinfo=self.tz) if value.tzinfo is None else value.astimezone(self.tz)
        if isinstance(value, date):
            return datetime.combine(value, self.OFFICE_HOUR, tzinfo=self.tz)
        raise TypeError(f"expected an ISO date or datetime string, not {type(value).__name__}")


class ScriptTime(ModuleType):
    """What scripts written for SpiffWorkflow use of the ``time`` module, on the engine clock.

    ``time.time()`` and ``time.time_ns()`` read the engine clock (a unique stamp, a correlation
    value); ``time.sleep()`` is refused: a script must not hold the case's transaction, a timer
    event waits instead. It is a module object, so a script may ``del time`` (as scripts that
    imported it do) and it never stays behind in the task data.
    """

    def __init__(self, clock: Clock) -> None:
        super().__init__("time")
        self._clock = clock

    def time(self) -> float:
        """Seconds since the epoch, as ``time.time()``."""
        return self._clock.now().timestamp()

    def time_ns(self) -> int:
        """Nanoseconds since the epoch, as ``time.time_ns()``."""
        return int(self._clock.now().timestamp() * 1_000_000) * 1_000

    def sleep(self, seconds: float = 0) -> None:
        """Refused: waiting belongs in a timer event, not in a script."""
        raise ScriptRefused(
            f"time.sleep({seconds!r}) is not available: a script must not wait; "
            "model the wait with a timer event (e.g. an intermediate timer of \"PT30S\")"
        )
