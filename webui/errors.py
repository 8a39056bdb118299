"""Error answers: JSON ``{"error": {...}}`` under ``/api``, a friendly page elsewhere.

Never a traceback for bad input: engine errors and werkzeug's HTTP errors are both mapped here.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine.errors import (
    Conflict,
    DeployRefused,
    EngineError,
    Forbidden,
    ModelFileError,
    NotFound,
    ValidationFailed,
)
from webui.error_texts import detail_texts, error_text, incident_text
from webui.present import person_name

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
}


class ApiError(Exception):
    """An API answer other than success, raised from API code (mapped to the error JSON)."""

    def __init__(self, status: int, message: str, details: list | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details or []
        self.code = code or HTTP_CODES.get(status, "error")


def status_of(exc: EngineError) -> int:
    """The HTTP status of an engine error."""
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Forbidden):
        return 403
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, (DeployRefused, ModelFileError)):
        return 413 if getattr(exc, "too_large", False) else 422
    if isinstance(exc, ValidationFailed):
        return 422
    if exc.code == "bad_request":
        return 400
    return 400


def error_json(status: int, code: str, message: str, details: list[Any] | None = None) -> Response:
    """The API's error answer."""
    response = jsonify({"error": {"code": code, "message": message, "details": list(details or [])}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="fao"'
    return response


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _status_title(status: int) -> str:
    titles = {
        400: _("Bad request"),
        401: _("Please sign in"),
        403: _("You may not open this page"),
        404: _("Not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        413: _("Too large"),
        415: _("Unsupported file type"),
        422: _("Invalid input"),
        429: _("Too many requests"),
    }
    return titles.get(status, _("Error"))


def _page(status: int, message: str) -> tuple[str, int]:
    return render_template("errors/error.html", status=status, title=_status_title(status),
                           message=message), status


def is_database_unavailable(exc: Exception) -> bool:
    """A dropped or refused database connection (answered 503, not 500)."""
    from store.db import is_connection_error

    return is_connection_error(exc)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["incident_text"] = incident_text  # incidents worded on the monitor's pages

    @app.errorhandler(EngineError)
    def _engine_error(exc: EngineError) -> ResponseReturnValue:
        status = status_of(exc)
        if _is_api():
            code = exc.code if status != 413 else "too_large"
            return error_json(status, code, error_text(exc, person_name), detail_texts(exc.details, person_name))
        return _page(status, error_text(exc, person_name))

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> ResponseReturnValue:
        return error_json(exc.status, exc.code, exc.message, exc.details)

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError) -> ResponseReturnValue:
        if _is_api():
            return error_json(400, "csrf_failed", _("The CSRF check failed: send the page's X-CSRFToken header."))
        return _page(400, _("The form expired or was sent from elsewhere. Please reload the page and try again."))

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> ResponseReturnValue:
        status = exc.code or 500
        messages = {
            403: _("Your account does not have the role or group this page needs."),
            404: _("There is nothing at this address."),
            413: _("The upload is too large (at most 20 MB)."),
        }
        if _is_api():
            message = messages.get(status) or _status_title(status)
            response = error_json(status, HTTP_CODES.get(status, "error"), message)
            valid = getattr(exc, "valid_methods", None)
            if status == 405 and valid:
                response.headers["Allow"] = ", ".join(valid)
            return response
        if status >= 500:
            return _page(status, _("Something went wrong on our side."))
        return _page(status, messages.get(status, ""))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> ResponseReturnValue:
        if isinstance(exc, HTTPException):  # pragma: no cover - handled above
            return _http_error(exc)
        if is_database_unavailable(exc):
            app.logger.warning("database unavailable: %s", exc.__class__.__name__)
            body: ResponseReturnValue
            if _is_api():
                body = error_json(
                    503, "unavailable", _("The service is briefly unavailable. Please try again in a moment.")
                )
            else:
                body = _page(503, _("The service is briefly unavailable. Please try again in a moment."))
            response = current_app.make_response(body)
            response.headers["Retry-After"] = "5"
            return response
        app.logger.exception("unexpected error")
        if _is_api():
            return error_json(500, "internal_error", _("Something went wrong on our side."))
        return _page(500, _("Something went wrong on our side."))
