"""Comparing two versions of a process, and moving running cases from one version to another."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from engine.bpmn.diagram import ensure_layout
from engine.deploy.versions_diff import diff_bpmn
from engine.errors import EngineError, ModelFileError
from webui.error_texts import error_text
from webui.modeler.blueprint import bp
from webui.present import person_name, process_title
from webui.security import current_actor, engine, reading

MAX_BATCH = 500


def _versions(key: str) -> list:
    with reading() as uow:
        rows = uow.reads.processes.table(key)
    if not rows:
        abort(404)
    return rows


@bp.get("/<key>/compare")
@login_required
def compare(key: str) -> ResponseReturnValue:
    """Elements added, removed and changed between versions ``a`` and ``b`` (default: the last two)."""
    rows = _versions(key)
    numbers = [r.version for r in rows]
    b = request.args.get("b", type=int) or numbers[-1]
    a = request.args.get("a", type=int) or (b - 1 if b - 1 in numbers else numbers[0])
    if a not in numbers or b not in numbers:
        abort(404)
    with reading() as uow:
        old, new = uow.reads.processes.source(key, a), uow.reads.processes.source(key, b)
    if old is None or new is None:
        abort(404)
    try:
        diff = diff_bpmn(old[2], new[2])
    except ModelFileError:
        abort(422)
    changed = {c.id: "changed" for c in diff.changed}
    left = {"xml": ensure_layout(old[2]), "states": {**{c.id: "removed" for c in diff.removed}, **changed}}
    right = {"xml": ensure_layout(new[2]), "states": {**{c.id: "added" for c in diff.added}, **changed}}
    return render_template("modeler/compare.html", key=key, title=process_title(key), a=a, b=b, numbers=numbers,
                           diff=diff, left=left, right=right)


def _may_migrate() -> None:
    actor = current_actor()
    if not (actor.is_supervisor or actor.is_analyst):
        abort(403)


@bp.get("/<key>/migrate")
@login_required
def migration(key: str) -> ResponseReturnValue:
    """Which running cases of version ``from`` can move to version ``to`` (default: the latest), and why not."""
    _may_migrate()
    rows = _versions(key)
    numbers = [r.version for r in rows]
    to = request.args.get("to", type=int) or numbers[-1]
    running = [r for r in rows if r.running and r.version != to]
    source = request.args.get("from", type=int) or (running[0].version if running else None)
    if to not in numbers or (source is not None and source not in numbers):
        abort(404)
    checks = engine().migration_preview(key, source, to, limit=MAX_BATCH) if source is not None and source != to else []
    return render_template("modeler/migrate.html", key=key, title=process_title(key), rows=rows, source=source,
                           to=to, checks=checks, movable=sum(1 for c in checks if c.ok), limit=MAX_BATCH)


@bp.post("/<key>/migrate")
@login_required
def migrate(key: str) -> ResponseReturnValue:
    """Move the chosen cases (each in its own transaction); refused ones are reported, never forced."""
    _may_migrate()
    to = request.form.get("to", type=int)
    source = request.form.get("from", type=int)
    ids = [i for i in request.form.getlist("instance_id") if i and len(i) <= 32][:MAX_BATCH]
    reason = (request.form.get("reason") or "").strip()[:500]
    back_args: dict[str, Any] = {"key": key, "to": to}
    if source:
        back_args["from"] = source
    back = redirect(url_for("modeler.migration", **back_args))
    if to is None or source is None or not ids:
        flash(_("Choose the cases to move."), "error")
        return back
    if not reason:
        flash(_("Please give a reason for the move."), "error")
        return back
    with reading() as uow:
        owned = {r.id for r in uow.reads.cases.running_of_version(key, source)}
    if not set(ids) <= owned:  # only running cases of this process and version
        abort(404)
    try:  # each case is checked again in its own transaction: the preview may be stale
        outcomes = engine().migrate_many(ids, current_actor(), to, reason)
    except EngineError as exc:
        flash(error_text(exc, person_name), "error")
        return back
    moved = [o for o in outcomes if o.ok]
    refused = [o for o in outcomes if not o.ok]
    if moved:
        flash(_("Moved %(n)s case(s) to version %(version)s.", n=len(moved), version=to), "success")
    for o in refused:
        reason_text = error_text(o.error, person_name) if o.error else ""
        flash(_("Case %(case)s was not moved: %(reason)s", case=o.instance_id, reason=reason_text), "error")
    return back
