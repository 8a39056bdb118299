"""Units: the list, create, rename, disable and enable, and each unit's change history."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.errors import EngineError, NotFound
from engine.people.administration import UnitForm
from webui.admin.blueprint import admin_only, bp, field_errors, text_field
from webui.admin.history import history_rows
from webui.present import forget_people
from webui.security import current_actor, engine, reading


@bp.get("/units")
@admin_only
def units() -> ResponseReturnValue:
    with reading() as uow:
        rows = list(uow.users.units(active_only=False))
        counts = {u.key: len(uow.users.in_unit(u.key)) for u in rows}
    return render_template("admin/units.html", rows=rows, counts=counts)


def _form() -> UnitForm:
    return UnitForm(text_field(request.form, "key", 50), text_field(request.form, "name"),
                    text_field(request.form, "name_en"))


def _render(form: UnitForm, errors: dict[str, str], creating: bool, status: int = 200,
            active: bool = True) -> ResponseReturnValue:
    events = []
    if not creating:
        with reading() as uow:
            events = list(uow.reads.people.history(f"unit:{form.key}"))
    return render_template("admin/unit_form.html", form=form, errors=errors, creating=creating, active=active,
                           history=history_rows(events)), status


@bp.route("/units/new", methods=["GET", "POST"])
@admin_only
def new_unit() -> ResponseReturnValue:
    if request.method == "GET":
        return _render(UnitForm("", ""), {}, creating=True)
    form = _form()
    try:
        engine().administration.create_unit(current_actor(), form)
    except EngineError as exc:
        return _render(form, field_errors(exc), creating=True, status=422)
    flash(_("Unit “%(name)s” was created.", name=form.name), "success")
    return redirect(url_for("admin.units"))


@bp.route("/units/<key>", methods=["GET", "POST"])
@admin_only
def edit_unit(key: str) -> ResponseReturnValue:
    with reading() as uow:
        unit = uow.users.unit(key) if len(key) <= 50 else None
    if unit is None:
        abort(404)
    if request.method == "GET":
        return _render(UnitForm(unit.key, unit.name, unit.name_en or ""), {}, creating=False, active=unit.active)
    form = UnitForm(unit.key, text_field(request.form, "name"), text_field(request.form, "name_en"))
    try:
        changes = engine().administration.update_unit(current_actor(), form)
        forget_people()  # the unit's name is in its members' names
    except EngineError as exc:
        return _render(form, field_errors(exc), creating=False, status=422, active=unit.active)
    flash(_("The changes were saved.") if changes else _("Nothing was changed."), "success")
    return redirect(url_for("admin.edit_unit", key=unit.key))


@bp.post("/units/<key>/active")
@admin_only
def set_unit_active(key: str) -> ResponseReturnValue:
    active = request.form.get("active") == "1"
    try:
        engine().administration.set_unit_active(current_actor(), key[:51], active)
    except NotFound:
        abort(404)
    except EngineError as exc:
        flash(" ".join(field_errors(exc).values()), "error")
    else:
        flash(_("The unit is in use again.") if active
              else _("The unit is disabled: it stays on its cases and users but is not offered for new users."),
              "success")
    return redirect(url_for("admin.edit_unit", key=key))
