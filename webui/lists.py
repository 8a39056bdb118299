"""What every list page shares: query arguments, columns and links, one page of 50 with its
pager, sorting by heading, and the whole list as CSV (``?format=csv``).

The monitor's lists and the registers' lists are built on it; the rows come from the store's
named reads and its one pager (:mod:`store.reads.pager`).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Response, render_template, request, stream_with_context, url_for
from flask.typing import ResponseReturnValue

from store.reads import PER_PAGE, Reads
from webui.security import reading

if TYPE_CHECKING:
    from sqlalchemy import Select

    AnySelect = Select[*tuple[Any, ...]]  # a list statement from the store's reads

CSV_CHUNK = 1000
RowFn = Callable[[Any, Any], dict[str, Any]]
Decorate = Callable[[Reads, Sequence[Any]], Any]


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
              intro: str = "", template: str = "monitor/list.html", **context: Any) -> ResponseReturnValue:
    """A filtered, sorted list of 50 a page, or the whole list as CSV with ``?format=csv``.

    ``template`` extends its section's layout and includes ``lists/_list.html`` (filters, sortable
    headings, rows, pager, the export link)."""
    if request.args.get("format") == "csv":
        return csv_response(export_name, columns, stmt, row, decorate)
    page_no = int_arg("page", 1)
    with reading() as uow:
        page = uow.reads.page(stmt, page_no, PER_PAGE)
        extra = decorate(uow.reads, page.items) if decorate and page.items else None
    rows = [row(r, extra) for r in page.items]
    pages = max(1, -(-page.total // page.per_page))
    return render_template(template, title=title, columns=columns, rows=rows, page=page,
                           pages=pages, filters=filters, sort=sort, intro=intro, **context)
