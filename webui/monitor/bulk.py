"""Bulk actions of the monitor's lists: retry every listed incident at once."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from webui.monitor.blueprint import bp
from webui.monitor.common import supervisor_only
from webui.security import current_actor, engine, reading

MAX_REASON = 500


@bp.post("/incidents/retry")
@supervisor_only
def retry_listed_incidents() -> ResponseReturnValue:
    """Retry the incidents the list shows with its filters (at most 200), one transaction each."""
    process = (request.form.get("process") or "").strip() or None
    q = (request.form.get("q") or "").strip()[:100] or None
    back = url_for("monitor.incidents", process=process, q=q)
    reason = (request.form.get("reason") or "").strip()[:MAX_REASON]
    if not reason:
        flash(_("Please give a reason."), "error")
        return redirect(back)
    with reading() as uow:
        ids = uow.reads.incidents.open_ids(process, q)
    outcome = engine().retry_incidents(ids, current_actor(), reason)
    flash(_("Retried %(n)s incidents: %(ok)s cases went on, %(again)s failed again, %(refused)s could not be "
            "retried now.", n=len(ids), ok=len(outcome.went_on), again=len(outcome.failed_again),
            refused=len(outcome.refused)), "success" if not outcome.failed_again else "error")
    return redirect(back)
