"""The JSON API's blueprint and what its route modules share: auth, CSRF for browser sessions, body limits."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Response, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import ValidationError, validate_csrf

from store.reads.pager import Page
from webui.api.registry import ApiRegistry
from webui.errors import ApiError
from webui.security import user_from_token

F = TypeVar("F", bound=Callable[..., Any])

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)
api = ApiRegistry(bp)
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
MAX_PAGE = 1_000_000  # beyond any real list; keeps the SQL offset in range


@bp.before_request
def _authenticate() -> None:
    """Bearer token or browser session; a session must send ``X-CSRFToken`` on writes."""
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "_public", False):
        return
    _authenticate_request()
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and request.content_length is not None and request.content_length > limit:
        raise ApiError(413, _("A request body may be at most %(mb)s MB.", mb=limit // (1024 * 1024)))


def _authenticate_request() -> None:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _sep, token = header.partition(" ")
        user = user_from_token(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
        if user is None:
            raise ApiError(401, _("The API token is invalid or unknown."))
        g.fao_api_user = user
        g.fao_auth = "token"
        return
    if not current_user.is_authenticated:
        raise ApiError(401, _("Authentication required: send “Authorization: Bearer TOKEN” or sign in."))
    g.fao_auth = "session"
    if request.method in UNSAFE and current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            validate_csrf(request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token"))
        except ValidationError:
            raise ApiError(
                400, _("The CSRF check failed: send the page's X-CSRFToken header."), code="csrf_failed"
            ) from None


def public(view: F) -> F:
    """Mark a view as needing no authentication."""
    view._public = True  # type: ignore[attr-defined]  # a flag on the function object
    return view


def json_body() -> dict[str, Any]:
    """The request's JSON object ({} for an empty body).

    Raises:
        ApiError: 413 over the JSON limit, 415 not ``application/json``, 400 malformed or not an object.
    """
    limit = current_app.config.get("JSON_BODY_LIMIT", 2 * 1024 * 1024)
    if request.content_length is not None and request.content_length > limit:
        raise ApiError(413, _("A JSON body may be at most %(mb)s MB.", mb=limit // (1024 * 1024)))
    raw = request.get_data(cache=True)
    if len(raw) > limit:
        raise ApiError(413, _("A JSON body may be at most %(mb)s MB.", mb=limit // (1024 * 1024)))
    if not raw.strip():
        return {}
    if request.mimetype != "application/json":
        raise ApiError(415, _("Send the body as application/json."))
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, _("The body is not valid JSON: %(problem)s", problem=exc),
                       [{"field": "", "message": str(exc)}]) from None
    if not isinstance(value, dict):
        raise ApiError(400, _("The body must be a JSON object."), [{"field": "", "message": _("Must be an object")}])
    return value


def optional_object(body: dict, name: str) -> dict:
    """A member that must be an object when present (422 otherwise)."""
    value = body.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ApiError(
            422, _("“%(name)s” must be a JSON object.", name=name), [{"field": name, "message": _("Must be an object")}]
        )
    return value


def optional_str(body: dict, name: str, max_length: int = 200) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > max_length:
        text = _("Must be a text of at most %(limit)s characters", limit=max_length)
        raise ApiError(422, f"{name}: {text}", [{"field": name, "message": text}])
    return value


def paging() -> tuple[int, int]:
    """``page`` (from 1) and ``per_page`` (default 50, at most 200)."""
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", 50))
    except ValueError:
        raise ApiError(400, _("page and per_page must be whole numbers."),
                       [{"field": "page", "message": _("Must be a whole number")}]) from None
    if not 1 <= page <= MAX_PAGE:
        text = _("Must be between 1 and %(limit)s", limit=MAX_PAGE)
        raise ApiError(400, f"page: {text}", [{"field": "page", "message": text}])
    return page, max(1, min(per_page, 200))


def flag(name: str) -> bool:
    raw = (request.args.get(name) or "").lower()
    if raw in ("", "0", "false", "no"):
        return False
    if raw in ("1", "true", "yes"):
        return True
    text = _("Must be true or false")
    raise ApiError(400, f"{name}: {text}", [{"field": name, "message": text}])


def page_json(page: Page, convert: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    return {"items": [convert(i) for i in page.items], "total": page.total, "page": page.page,
            "per_page": page.per_page}


def created(payload: Any, status: int = 201) -> Response:
    response = jsonify(payload)
    response.status_code = status
    return response
