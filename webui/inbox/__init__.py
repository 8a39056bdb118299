"""The task inbox: SQL over the ``human_task`` projection only (never a workflow load)."""
from __future__ import annotations

from flask import Blueprint, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engine.people.visibility import work_scope
from engine.tasks import lifecycle
from webui.present import due_info
from webui.security import current_actor, engine, reading

bp = Blueprint("inbox", __name__, template_folder="templates")

TABS = ("all", "mine", "group", "done")
SORTS = ("created", "due", "priority")
PER_PAGE = 25


def _int(value: str | None, default: int) -> int:
    try:
        return max(1, int(value or default))
    except ValueError:
        return default


@bp.get("/inbox")
@login_required
def index() -> ResponseReturnValue:
    """Tabs ``all`` (default: mine and my groups'), ``mine``, ``group``, ``done``; filters, sorting, paging.

    A task of a suspended case is marked (已挂起, with the reason) and offers no claim."""
    actor = current_actor()
    tab = request.args.get("tab", "all")
    tab = tab if tab in TABS else "all"
    sort = request.args.get("sort", "created")
    sort = sort if sort in SORTS else "created"
    process = request.args.get("process") or None
    overdue = request.args.get("overdue") in ("1", "true", "on")
    q = (request.args.get("q") or "").strip()[:100] or None
    page_no = _int(request.args.get("page"), 1)
    eng = engine()
    now = eng.clock.now()
    scope = {"all": "both"}.get(tab, tab)
    with reading() as uow:
        work = work_scope(actor)
        counts = uow.reads.tasks.counts(work)
        page = uow.reads.tasks.inbox(work, scope=scope, process=process,
                             overdue=overdue, q=q, now=now, page=page_no, per_page=PER_PAGE, sort=sort,
                             counts=counts)
        g.fao_nav_counts = dict(counts)  # the navigation shows the same counts: no second query
        titles = uow.reads.processes.titles()
        calendar = eng.calendar(uow)
        halts = uow.reads.audit.suspensions(t.instance_id for t in page.items) if tab != "done" else {}
    rows = [(t, due_info(t.due_at, now, calendar),
             t.instance_id not in halts and lifecycle.allows(lifecycle.CLAIM, actor, t),
             lifecycle.allows(lifecycle.UNCLAIM, actor, t), halts.get(t.instance_id)) for t in page.items]
    pages = max(1, -(-page.total // page.per_page))
    return render_template("inbox/index.html", tab=tab, rows=rows, page=page, pages=pages, counts=counts,
                           titles=titles, sort=sort, process=process, overdue=overdue, q=q or "")
