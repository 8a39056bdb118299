"""The administration blueprint and what its pages share."""
from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Blueprint, Response, make_response, request
from flask_login import login_required

from engine.errors import EngineError
from webui.error_texts import describe, error_text
from webui.present import person_name
from webui.security import roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

MAX_TEXT = 200


def admin_only(view: Callable) -> Callable:
    """Signed in (else the login page) and an administrator (else 403)."""
    return login_required(roles_required("admin")(view))


def text_field(source: Mapping[str, str], name: str, max_len: int = MAX_TEXT) -> str:
    """A form or query field's text, trimmed (``max_len`` + 1 kept, so that too long stays too long)."""
    return (source.get(name) or "").strip()[:max_len + 1]


def field_errors(exc: EngineError) -> dict[str, str]:
    """The refusal's problems by field, in words (the first problem of a field; ``_`` for the rest)."""
    out: dict[str, str] = {}
    for d in exc.details:
        if "reason" in d:
            out.setdefault(d.get("field") or "_", describe(d["reason"], d.get("params") or {}, person_name))
    if not out:
        out["_"] = error_text(exc, person_name)
    return out


def page_arg() -> int:
    try:
        return max(1, min(10_000, int(request.args.get("page", 1))))
    except (TypeError, ValueError):
        return 1


def no_store(page: str) -> Response:
    """A page kept out of every cache (a generated password is on it)."""
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response
