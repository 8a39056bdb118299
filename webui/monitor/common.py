"""What the monitor's pages share: supervisors only, paging, sorting, CSV export, number formats.

"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask import Response, g, render_template, request, stream_with_context, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from engine.timekeeping.working_days import WorkingCalendar
from store.reads import PER_PAGE, Reads
from webui.i18n import local_dt
from webui.present import process_title
from webui.security import reading, roles_required

if TYPE_CHECKING:
    from sqlalchemy import Select

    AnySelect = Select[*tuple[Any, ...]]  # a list statement from the store's reads

CSV_CHUNK = 1000
RowFn = Callable[[Any, Any], dict[str, Any]]
Decorate = Callable[[Reads, Sequence[Any]], Any]


def supervisor_only(view: Callable) -> Callable:
    """Signed in (else the login page) and a supervisor (else 403)."""
    return login_required(roles_required("supervisor")(view))


def int_arg(name: str, default: int, lo: int = 1, hi: int = 10_000) -> int:
    try:
        return min(hi, max(lo, int(request.args.get(name, default))))
    except (TypeError, ValueError):
        return default


def text_arg(name: str, max_len: int = 100) -> str | None:
    value = (request.args.get(name) or "").strip()[:max_len]
    return value or None


@dataclass(frozen=True)
class Column:
    """A list column: ``key`` of the row dict, its heading, and the sort key it offers."""

    key: str
    label: str
    sort: str | None = None


@dataclass(frozen=True)
class Link:
    """A cell that links somewhere (CSV keeps only the text)."""

    text: str
    href: str

    def __str__(self) -> str:
        return self.text


def url_with(**changes: Any) -> str:
    """This page's address with some query arguments replaced (None removes one)."""
    args: dict[str, Any] = {k: v for k, v in request.args.items()}
    for k, v in changes.items():
        if v is None:
            args.pop(k, None)
        else:
            args[k] = v
    assert request.endpoint is not None  # inside a request a view matched
    return url_for(request.endpoint, **(request.view_args or {}), **args)


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


def _safe_cell(value: Any) -> str:
    """Text for a CSV cell; a leading = + - @ is quoted so spreadsheets never run it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(filename: str, columns: Sequence[Column], stmt: AnySelect, row: RowFn,
                 decorate: Decorate | None = None) -> Response:
    """Every row of ``stmt`` as UTF-8 CSV (with a BOM, for spreadsheet programs), read in slices."""

    def lines() -> Iterator[str]:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow([c.label for c in columns])
        yield "\ufeff" + buf.getvalue()
        offset = 0
        while True:
            with reading() as uow:
                rows = uow.reads.slice(stmt, offset, CSV_CHUNK)
                extra = decorate(uow.reads, rows) if decorate and rows else None
            buf.seek(0)
            buf.truncate()
            for r in rows:
                cells = row(r, extra)
                writer.writerow([_safe_cell(cells.get(c.key)) for c in columns])
            yield buf.getvalue()
            if len(rows) < CSV_CHUNK:
                return
            offset += CSV_CHUNK

    headers = {"Content-Disposition": f'attachment; filename="{filename}.csv"'}
    return Response(stream_with_context(lines()), mimetype="text/csv", headers=headers,
                    content_type="text/csv; charset=utf-8")


def list_page(*, title: str, columns: Sequence[Column], stmt: AnySelect, row: RowFn, export_name: str,
              filters: Sequence[dict] = (), decorate: Decorate | None = None, sort: str = "",
              intro: str = "", **context: Any) -> ResponseReturnValue:
    """A filtered, sorted list of 50 a page, or the whole list as CSV with ``?format=csv``."""
    if request.args.get("format") == "csv":
        return csv_response(export_name, columns, stmt, row, decorate)
    page_no = int_arg("page", 1)
    with reading() as uow:
        page = uow.reads.page(stmt, page_no, PER_PAGE)
        extra = decorate(uow.reads, page.items) if decorate and page.items else None
    rows = [row(r, extra) for r in page.items]
    pages = max(1, -(-page.total // page.per_page))
    return render_template("monitor/list.html", title=title, columns=columns, rows=rows, page=page,
                           pages=pages, filters=filters, sort=sort, intro=intro, **context)
