"""Chinese working days: public holidays and the weekend days made working days (调休上班).

The ``holidays`` package carries the State Council's yearly notice for the years it knows (up to
2026 in 0.109) and only estimates later years from the festival rules (no substituted days). An
admin table of overrides (``date -> is working day``) filled from the notice always wins, and
:meth:`WorkingCalendar.unconfirmed_year` says when a year is still an estimate (ARCHITECTURE 8).
"""
from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays

MAX_WORKING_DAYS = 2_500
"""Largest ``n`` accepted by :meth:`WorkingCalendar.add_working_days` (about ten years)."""
MAX_SPAN_DAYS = 20 * 366
"""Largest span, in calendar days, that :meth:`WorkingCalendar.working_days_between` counts."""


_PACKAGE_YEARS: dict[int, tuple[frozenset[date], frozenset[date]]] = {}
"""Per year: (holidays, weekend days made working days), shared by every calendar in the process."""
_PACKAGE_LOCK = threading.Lock()


def _package_year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """The package's days off and working weekend days of ``year`` (the first call costs ~0.2 s)."""
    cached = _PACKAGE_YEARS.get(year)
    if cached is not None:
        return cached
    with _PACKAGE_LOCK:
        cached = _PACKAGE_YEARS.get(year)
        if cached is None:
            calendar = holidays.China(years=year)
            days_off = frozenset(day for day in calendar if day.year == year)
            workdays = frozenset(day for day in calendar.weekend_workdays if day.year == year)
            cached = _PACKAGE_YEARS[year] = (days_off, workdays)
    return cached


def _package_confirmed_years() -> frozenset[int]:
    """Years for which the ``holidays`` package carries the notice's substituted days."""
    try:
        from holidays.countries.china import ChinaStaticHolidays
    except ImportError:  # pragma: no cover - layout of a future package version
        return frozenset()
    return frozenset(getattr(ChinaStaticHolidays, "special_public_holidays", {}))


class WorkingCalendar:
    """Which days are working days in mainland China, and arithmetic over them.

    Args:
        tz_name: The office time zone; datetimes are read and returned in it.
        overrides: Admin decisions per date: ``True`` = working day, ``False`` = day off. They win
            over the package's data.
    """

    def __init__(self, tz_name: str = "Asia/Shanghai", overrides: Mapping[date, bool] | None = None) -> None:
        self.tz = ZoneInfo(tz_name)
        self._overrides: dict[date, bool] = dict(overrides or {})

    def preload(self, years: Iterable[int]) -> None:
        """Load the package's data for ``years`` now, so that no script pays for it later.

        Args:
            years: The years to load.
        """
        for year in years:
            _package_year(year)

    def is_working_day(self, day: date) -> bool:
        """Tell whether ``day`` is a working day.

        Args:
            day: A date (a datetime is read as its date in the office time zone).

        Returns:
            True for a working day: an override saying so, a weekday that is not a holiday, or a
            weekend day made a working day by the notice.
        """
        day = self._as_date(day)
        if day in self._overrides:
            return self._overrides[day]
        days_off, weekend_workdays = _package_year(day.year)
        if day.weekday() >= 5:
            return day in weekend_workdays
        return day not in days_off

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """Move ``n`` working days from ``start``, keeping the time of day.

        Args:
            start: The starting moment; a naive datetime is read in the office time zone.
            n: Working days to move: forward when positive, backward when negative, 0 = ``start``.

        Returns:
            An aware datetime in the office time zone on the ``n``-th working day after (or
            before) the date of ``start``, at the same local time.

        Raises:
            ValueError: When ``abs(n)`` exceeds :data:`MAX_WORKING_DAYS`.
        """
        if abs(n) > MAX_WORKING_DAYS:
            raise ValueError(f"at most {MAX_WORKING_DAYS} working days can be added, not {n}")
        local = self._localize(start)
        day = local.date()
        step = timedelta(days=1 if n > 0 else -1)
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return datetime.combine(day, local.time(), tzinfo=self.tz)

    def working_days_between(self, a: date | datetime, b: date | datetime) -> int:
        """Count the working days after ``a`` up to and including ``b``.

        ``working_days_between(x, add_working_days(x, n)) == n`` for every ``n``.

        Args:
            a: The start (exclusive); datetimes count by their office date.
            b: The end (inclusive).

        Returns:
            The number of working days in ``(a, b]``; negative when ``b`` is before ``a``.

        Raises:
            ValueError: When the span exceeds :data:`MAX_SPAN_DAYS`.
        """
        first, last = self._as_date(a), self._as_date(b)
        sign = 1
        if last < first:
            first, last, sign = last, first, -1
        span = (last - first).days
        if span > MAX_SPAN_DAYS:
            raise ValueError(f"spans of more than {MAX_SPAN_DAYS} days are not counted")
        count = sum(1 for offset in range(1, span + 1) if self.is_working_day(first + timedelta(days=offset)))
        return sign * count

    def confirmed_years(self) -> set[int]:
        """Years whose holidays come from the official notice rather than an estimate.

        Returns:
            The years the package carries the notice for, plus every year with an override row.
        """
        return set(_package_confirmed_years()) | {day.year for day in self._overrides}

    def unconfirmed_year(self, today: date) -> int | None:
        """The first of this year and next whose working days are only estimated.

        Args:
            today: The office date.

        Returns:
            The year an admin should enter from the State Council's notice, or ``None`` when this
            year and next year are confirmed.
        """
        confirmed = self.confirmed_years()
        return next((year for year in (today.year, today.year + 1) if year not in confirmed), None)

    def _localize(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            return moment.replace(tzinfo=self.tz)
        return moment.astimezone(self.tz)

    def _as_date(self, value: date | datetime) -> date:
        if isinstance(value, datetime):
            return self._localize(value).date()
        return value
