"""Token move on the supervisor's case page: choose from/to, see the preview, give a reason, confirm.

The preview and the move go through the engine facade (``move_preview``, ``move``), which checks
the supervisor role again, refuses what cannot be moved and writes the ``moved`` audit event.
Texts come from the Flask-Babel catalogue (English message ids, ``zh_Hans_CN`` translations).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.commands.moves import Element, MovePreview
from engine.errors import Conflict, EngineError, NotFound
from webui.element_names import type_label
from webui.error_texts import describe, detail_texts, error_text
from webui.monitor.blueprint import bp
from webui.monitor.common import supervisor_only, text_arg, title_of
from webui.present import group_title, person_name, status_label
from webui.security import current_actor, engine, reading

MAX_ID = 200
MAX_REASON = 500


def element_label(element: Element, top_key: str) -> str:
    """``名称 (bpmn_id) · 车道``, with the subprocess named when the element is inside one."""
    text = f"{element.name} ({element.bpmn_id})" if element.name != element.bpmn_id else element.bpmn_id
    if element.lane:
        text += " · " + group_title(element.lane)
    if element.process_key != top_key:
        text += " · " + _("in %(process)s", process=title_of(element.process_key))
    return text


def move_choices(instance_id: str) -> MovePreview | None:
    """Where a token may be moved from and to, for the case page (None when it cannot be shown)."""
    try:
        return engine().move_preview(instance_id, current_actor(), None, None)
    except EngineError:
        return None


def _position(source: Mapping[str, str]) -> str:
    """Where the token starts at the target: ``after`` when chosen, else ``before``."""
    return "after" if (source.get("to_position") or "").strip() == "after" else "before"


def _picked(source: Mapping[str, str], name: str) -> str | None:
    value = (source.get(name) or "").strip()
    return value[:MAX_ID] or None


@bp.get("/cases/<instance_id>/move")
@supervisor_only
def move_page(instance_id: str) -> ResponseReturnValue:
    """The chosen move's preview: what is cancelled, what becomes active, what data stays, why not."""
    frm, to = text_arg("from", MAX_ID), text_arg("to", MAX_ID)
    with reading() as uow:
        instance = uow.reads.cases.summary(instance_id) if len(instance_id) <= 32 else None
        if instance is None:
            abort(404)
        uow.detach_all()
    try:
        preview = engine().move_preview(instance_id, current_actor(), frm, to, _position(request.args))
    except NotFound:
        abort(404)
    if frm is None and len(preview.sources) == 1:
        frm = preview.sources[0].bpmn_id
    chosen = frm is not None and to is not None
    reasons = [describe(r.code, r.params, person_name) for r in preview.reasons
               if chosen or r.code not in ("from_missing", "to_missing")]
    return render_template(
        "monitor/move.html", instance=instance, preview=preview, frm=frm, to=to, chosen=chosen, reasons=reasons,
        label=lambda e: element_label(e, instance.process_key), type_label=type_label, group_title=group_title,
        process_title=title_of, status_label=status_label, max_reason=MAX_REASON)


@bp.post("/cases/<instance_id>/move")
@supervisor_only
def move_token(instance_id: str) -> ResponseReturnValue:
    """Move the token (reason required); back to the case page, or to the preview when refused."""
    frm, to = _picked(request.form, "from"), _picked(request.form, "to")
    reason = (request.form.get("reason") or "").strip()[:MAX_REASON]
    position = _position(request.form)
    picked: dict[str, Any] = {"from": frm or "", "to": to or "", "to_position": position}
    back = redirect(url_for("monitor.move_page", instance_id=instance_id, **picked))
    if not frm or not to:
        flash(_("Choose where the token moves from and to."), "error")
        return back
    if not reason:
        flash(_("Please give a reason."), "error")
        return back
    eng, actor = engine(), current_actor()
    try:
        preview = eng.move_preview(instance_id, actor, None, None)
        names = {e.bpmn_id: e.name for e in preview.sources + preview.targets}
        eng.move(instance_id, actor, frm, to, reason, position)
    except NotFound:
        abort(404)
    except Conflict as exc:
        texts = [d["message"] for d in detail_texts(exc.details, person_name)] or [error_text(exc, person_name)]
        flash(_("The token was not moved: %(reasons)s", reasons=" ".join(texts)), "error")
        return back
    except EngineError as exc:
        flash(_("The token was not moved: %(reasons)s", reasons=error_text(exc, person_name)), "error")
        return back
    if position == "after":
        flash(_("The token moved from “%(source)s” to after “%(target)s”.", source=names.get(frm, frm),
                target=names.get(to, to)), "success")
    else:
        flash(_("The token moved from “%(source)s” to “%(target)s”.", source=names.get(frm, frm),
                target=names.get(to, to)), "success")
    return redirect(url_for("monitor.case_page", instance_id=instance_id))
