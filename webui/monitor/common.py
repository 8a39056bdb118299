"""What the monitor's pages share: supervisors only, number formats, process titles; the list
helpers (paging, sorting, CSV export) are :mod:`webui.lists`, shared with the registers."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import g
from flask_babel import gettext as _
from flask_login import login_required

from engine.timekeeping.working_days import WorkingCalendar
from store.reads import Reads
from webui.i18n import local_dt
from webui.lists import Column as Column
from webui.lists import Link as Link
from webui.lists import int_arg as int_arg
from webui.lists import list_page as list_page
from webui.lists import text_arg as text_arg
from webui.lists import url_with as url_with
from webui.present import process_title
from webui.security import reading, roles_required


def supervisor_only(view: Callable) -> Callable:
    """Signed in (else the login page) and a supervisor (else 403)."""
    return login_required(roles_required("supervisor")(view))


def dt(value: datetime | None) -> str:
    return local_dt(value) if value is not None else ""


def duration_text(seconds: float | None) -> str:
    """A duration for people: days and hours, or hours and minutes."""
    if seconds is None:
        return "—"
    seconds = max(0.0, float(seconds))
    days, rest = divmod(int(round(seconds)), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(days)s d %(hours)s h", days=days, hours=hours)
    if hours:
        return _("%(hours)s h %(minutes)s min", hours=hours, minutes=minutes)
    return _("%(minutes)s min", minutes=minutes)


def load_titles(reads: Reads) -> dict[str, str]:
    """The deployed titles of the processes, read once per request (from the caller's unit of work:
    never open a second one inside a unit of work, SQLite would wait for itself)."""
    if "fao_monitor_titles" not in g:
        g.fao_monitor_titles = reads.processes.titles()
    return g.fao_monitor_titles


def title_of(key: str) -> str:
    """A process's name in the UI language (catalogue first, then the deployed title)."""
    if "fao_monitor_titles" not in g:
        with reading() as uow:
            load_titles(uow.reads)
    return process_title(key, g.fao_monitor_titles.get(key))


class WorkingDaysAgo:
    """Working days from a past moment up to now, for a whole list: one walk back over the calendar
    instead of one per row (``WorkingCalendar.working_days_between`` counts day by day)."""

    MAX_DAYS = 20 * 366

    def __init__(self, calendar: WorkingCalendar, now: datetime) -> None:
        self.calendar = calendar
        self.now = now
        self.today = now.astimezone(calendar.tz).date()
        self._since = {self.today: 0}  # day -> working days in (day, today]
        self._earliest = self.today

    def __call__(self, moment: datetime | None) -> int | None:
        if moment is None:
            return None
        day = moment.astimezone(self.calendar.tz).date()
        if day >= self.today:
            return -self.calendar.working_days_between(self.now, moment)
        if (self.today - day).days > self.MAX_DAYS:
            return None
        while self._earliest > day:
            before = self._earliest - timedelta(days=1)
            self._since[before] = self._since[self._earliest] + int(self.calendar.is_working_day(self._earliest))
            self._earliest = before
        return self._since[day]
