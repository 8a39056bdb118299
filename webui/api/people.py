"""API: units and people (CONTRACT section 7)."""
from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from webui.api import schemas as s
from webui.api.base import api
from webui.api.serialize import unit_json, user_json
from webui.security import current_actor, reading


@api.route("/units", summary="The units (申报单位) whose staff apply", tag="people",
           responses={200: ("the active units by key", s.array_of("Unit"))})
def list_units() -> ResponseReturnValue:
    current_actor()
    with reading() as uow:
        return jsonify([unit_json(u) for u in uow.users.units()])


@api.route("/me", summary="The signed-in user: name, unit, groups and roles", tag="people",
           responses={200: ("the user", s.ref("User"))})
def me() -> ResponseReturnValue:
    actor = current_actor()
    with reading() as uow:
        unit = uow.users.unit(actor.unit) if actor.unit else None
        return jsonify(user_json(actor, unit))
