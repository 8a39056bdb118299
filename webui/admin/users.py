"""Users: the list with search and filters, create, edit, disable and enable, reset the password,
and each user's change history."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.errors import EngineError
from engine.people.administration import LOCALES, UserForm
from engine.people.identity import GROUPS, ROLES
from store.reads.pager import PER_PAGE
from store.reads.people import UserFilter
from webui.admin.blueprint import admin_only, bp, field_errors, no_store, page_arg, text_field
from webui.admin.history import history_rows
from webui.present import forget_person, group_title, role_title
from webui.security import current_actor, engine, forget_identity, reading


def _filter() -> UserFilter:
    active = request.args.get("active")
    group, role = text_field(request.args, "group", 100), text_field(request.args, "role", 30)
    return UserFilter(q=text_field(request.args, "q", 100) or None, unit=text_field(request.args, "unit", 50) or None,
                      group=group if group in GROUPS else None, role=role if role in ROLES else None,
                      active={"1": True, "0": False}.get(active or ""))


def _units(current: str | None = None) -> list[Any]:
    """The units a user may be put in: the active ones, and the user's own even when disabled."""
    with reading() as uow:
        units = list(uow.users.units(active_only=False))
    return [u for u in units if u.active or u.key == current]


@bp.get("/")
@bp.get("/users")
@admin_only
def users() -> ResponseReturnValue:
    f = _filter()
    with reading() as uow:
        page = uow.reads.page(uow.reads.people.users(f), page_arg(), PER_PAGE)
        extra = uow.reads.people.groups_and_roles(u.id for u in page.items)
        units = {u.key: u for u in uow.users.units(active_only=False)}
    rows = [{"user": u, "unit": units.get(u.unit_key or ""), "groups": [group_title(g) for g in extra[u.id][0]],
             "roles": [role_title(r) for r in extra[u.id][1]]} for u in page.items]
    pages = max(1, -(-page.total // page.per_page))
    return render_template("admin/users.html", rows=rows, page=page, pages=pages, f=f,
                           units=list(units.values()), groups=GROUPS, roles=ROLES,
                           page_url=lambda n: url_for("admin.users", **{**request.args.to_dict(), "page": n}))


def _form_from(source: Mapping[str, Any], username: str | None = None) -> UserForm:
    groups = tuple(g for g in request.form.getlist("groups") if g in GROUPS)
    roles = tuple(r for r in request.form.getlist("roles") if r in ROLES)
    return UserForm(username=username or text_field(source, "username", 100),
                    display_name=text_field(source, "display_name"), unit=text_field(source, "unit", 50),
                    groups=groups, roles=roles, locale=text_field(source, "locale", 10),
                    password=source.get("password") or None)


def _render_form(form: UserForm, errors: dict[str, str], creating: bool, status: int = 200) -> ResponseReturnValue:
    return render_template("admin/user_form.html", form=form, errors=errors, creating=creating,
                           units=_units(None if creating else form.unit), groups=GROUPS, roles=ROLES,
                           locales=LOCALES), status


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def new_user() -> ResponseReturnValue:
    if request.method == "GET":
        return _render_form(UserForm("", ""), {}, creating=True)
    form = _form_from(request.form)
    try:
        name = engine().administration.create_user(current_actor(), form)
    except EngineError as exc:
        return _render_form(form, field_errors(exc), creating=True, status=422)
    flash(_("User “%(name)s” was created.", name=form.display_name), "success")
    return redirect(url_for("admin.user_page", username=name))


def _load(username: str) -> tuple[Any, list[str], list[str]]:
    with reading() as uow:
        user = uow.users.by_username(username) if len(username) <= 100 else None
        if user is None:
            abort(404)
        return user, sorted(uow.users.groups_of(user)), sorted(uow.users.roles_of(user))


@bp.route("/users/<username>/edit", methods=["GET", "POST"])
@admin_only
def edit_user(username: str) -> ResponseReturnValue:
    user, groups, roles = _load(username)
    if request.method == "GET":
        form = UserForm(user.username, user.display_name, user.unit_key or "", tuple(groups), tuple(roles),
                        user.locale or "")
        return _render_form(form, {}, creating=False)
    form = _form_from(request.form, user.username)
    try:
        changes = engine().administration.update_user(current_actor(), form)
    except EngineError as exc:
        return _render_form(form, field_errors(exc), creating=False, status=422)
    forget_identity(user.username)
    forget_person(user.username)
    flash(_("The changes were saved.") if changes else _("Nothing was changed."), "success")
    return redirect(url_for("admin.user_page", username=user.username))


def _user_view(username: str, password_error: str | None = None, status: int = 200) -> ResponseReturnValue:
    user, groups, roles = _load(username)
    with reading() as uow:
        unit = uow.users.unit(user.unit_key) if user.unit_key else None
        events = uow.reads.people.history(f"user:{user.username}")
        tokens = uow.reads.people.token_count(user.id)
    return render_template("admin/user.html", user=user, unit=unit, groups=[group_title(g) for g in groups],
                           roles=[role_title(r) for r in roles], tokens=tokens,
                           history=history_rows(events), is_self=user.username == current_actor().username,
                           password_error=password_error), status


@bp.get("/users/<username>")
@admin_only
def user_page(username: str) -> ResponseReturnValue:
    return _user_view(username)


@bp.post("/users/<username>/active")
@admin_only
def set_active(username: str) -> ResponseReturnValue:
    user, _groups, _roles = _load(username)
    active = request.form.get("active") == "1"
    try:
        engine().administration.set_user_active(current_actor(), user.username, active)
    except EngineError as exc:
        flash(" ".join(field_errors(exc).values()), "error")
        return redirect(url_for("admin.user_page", username=user.username))
    forget_identity(user.username)
    forget_person(user.username)
    flash(_("%(name)s can sign in again.", name=user.display_name) if active
          else _("%(name)s is disabled: they cannot sign in and their API tokens no longer work.",
                 name=user.display_name), "success")
    return redirect(url_for("admin.user_page", username=user.username))


@bp.post("/users/<username>/password")
@admin_only
def reset_password(username: str) -> ResponseReturnValue:
    user, _groups, _roles = _load(username)
    generate = request.form.get("generate") == "1"
    typed = "" if generate else request.form.get("password") or ""
    if not generate and not typed:
        return _user_view(user.username, _("Type a new password, or let the system generate one."), 422)
    try:
        password = engine().administration.reset_password(current_actor(), user.username, typed or None)
    except EngineError as exc:
        return _user_view(user.username, " ".join(field_errors(exc).values()), 422)
    forget_identity(user.username)
    forget_person(user.username)
    return no_store(render_template("admin/password_set.html", user=user, password=password if generate else None))
