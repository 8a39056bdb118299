"""API: users as an administrator sees them (role ``admin``): the list, one user with their account
history, disable and enable. The rules are :mod:`engine.people.administration`'s."""
from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.people.administration import require_admin
from engine.people.identity import GROUPS, ROLES
from store.models import Unit, User
from store.reads.people import UserFilter
from webui.api import schemas as s
from webui.api.base import api, page_json, paging
from webui.api.serialize import iso, unit_ref
from webui.errors import ApiError
from webui.present import forget_person
from webui.security import current_actor, engine, forget_identity, reading

LIST_QUERY = (
    ("q", {"type": "string"}, "search the login, the name and the unit"),
    ("unit", {"type": "string"}, "only users of this unit key"),
    ("group", {"type": "string", "enum": list(GROUPS)}, "only members of this group"),
    ("role", {"type": "string", "enum": list(ROLES)}, "only users with this role"),
    ("active", {"type": "boolean"}, "only active (true) or disabled (false) users"),
) + s.PAGING


def _choice(name: str, allowed: tuple[str, ...] | dict[str, Any]) -> str | None:
    value = request.args.get(name) or None
    if value is not None and value not in allowed:
        text = _("Must be one of %(values)s", values=", ".join(allowed))
        raise ApiError(400, f"{name}: {text}", [{"field": name, "message": text}])
    return value


def _active() -> bool | None:
    raw = (request.args.get("active") or "").lower()
    if raw == "":
        return None
    if raw in ("1", "true", "yes", "0", "false", "no"):
        return raw in ("1", "true", "yes")
    text = _("Must be true or false")
    raise ApiError(400, f"active: {text}", [{"field": "active", "message": text}])


def admin_user_json(user: User, unit: Unit | None, groups: list[str], roles: list[str]) -> dict[str, Any]:
    return {"username": user.username, "display_name": user.display_name or user.username, "unit": unit_ref(unit),
            "groups": sorted(groups), "roles": sorted(roles), "active": user.active, "locale": user.locale}


@api.route("/users", summary="Users, searched and filtered, with their unit, groups, roles and status",
           who="admin", query=LIST_QUERY, tag="people", errors=(403,),
           responses={200: ("a page of users", s.page_of("AdminUser"))})
def list_users() -> ResponseReturnValue:
    require_admin(current_actor())
    f = UserFilter(q=(request.args.get("q") or "")[:100] or None, unit=(request.args.get("unit") or "")[:50] or None,
                   group=_choice("group", GROUPS), role=_choice("role", ROLES), active=_active())
    page, per_page = paging()
    with reading() as uow:
        result = uow.reads.page(uow.reads.people.users(f), page, per_page)
        extra = uow.reads.people.groups_and_roles(u.id for u in result.items)
        units = {u.key: u for u in uow.users.units(active_only=False)}
    return jsonify(page_json(result, lambda u: admin_user_json(u, units.get(u.unit_key or ""), *extra[u.id])))


def _one(username: str) -> dict[str, Any]:
    with reading() as uow:
        user = uow.users.by_username(username) if len(username) <= 100 else None
        if user is None:
            raise ApiError(404, _("There is no user “%(user)s”.", user=username))
        unit = uow.users.unit(user.unit_key) if user.unit_key else None
        body = admin_user_json(user, unit, uow.users.groups_of(user), uow.users.roles_of(user))
        body["history"] = [{"at": iso(e.at), "actor": e.actor, "action": e.action, "detail": e.detail or {}}
                           for e in uow.reads.people.history(f"user:{user.username}")]
    return body


@api.route("/users/<username>", summary="A user with their account history (newest first)", who="admin",
           tag="people", errors=(403, 404), responses={200: ("the user", s.ref("AdminUserDetail"))})
def get_user(username: str) -> ResponseReturnValue:
    require_admin(current_actor())
    return jsonify(_one(username))


def _set_active(username: str, active: bool) -> ResponseReturnValue:
    actor = current_actor()
    require_admin(actor)
    _one(username)  # 404 for no such user
    engine().administration.set_user_active(actor, username, active)
    forget_identity(username)
    forget_person(username)
    return jsonify(_one(username))


@api.route("/users/<username>/disable", "POST", summary="Disable a user: no sign-in, API tokens revoked",
           who="admin", tag="people", errors=(403, 404), responses={200: ("the user", s.ref("AdminUserDetail"))})
def disable_user(username: str) -> ResponseReturnValue:
    return _set_active(username, False)


@api.route("/users/<username>/enable", "POST", summary="Enable a disabled user", who="admin", tag="people",
           errors=(403, 404), responses={200: ("the user", s.ref("AdminUserDetail"))})
def enable_user(username: str) -> ResponseReturnValue:
    return _set_active(username, True)
