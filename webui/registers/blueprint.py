"""The registers blueprint (``/registers``); its pages attach to it."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engine.people.visibility import may_see_registers
from webui.security import current_actor

bp = Blueprint("registers", __name__, url_prefix="/registers", template_folder="templates")


@bp.context_processor
def _template_helpers() -> dict:
    from webui.lists import url_with

    return {"url_with": url_with}


def register_reader(view: Callable) -> Callable:
    """Signed in (else the login page) and allowed to read the registers (else 403, as the
    monitor's pages answer those who may not use them)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if not may_see_registers(current_actor()):
            abort(403)
        return view(*args, **kwargs)

    return login_required(wrapper)
