"""Liveness and readiness for load balancers and process supervisors.

- ``GET /healthz``: the process answers (no database access): 200 ``{"status": "ok"}``.
- ``GET /readyz``: the database answers a ``SELECT 1`` through the engine's unit of work:
  200 ``{"status": "ready", "checks": {"database": "ok"}, "timer_lag_s": N}``, else 503
  ``{"status": "unavailable", "checks": {"database": "unreachable"}}``. ``timer_lag_s`` is how long
  the oldest due timer has been waiting (0 when none is overdue): a growing value means no worker
  is firing timers.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify
from flask.typing import ResponseReturnValue

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    return _no_store(jsonify({"status": "ok"}))


def _as_utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands back text
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    engine = current_app.extensions["fao_engine"]
    try:
        with engine.uow(read_only=True) as uow:  # probes must not drop prepared statements
            oldest = _as_utc(uow.reads.waits.oldest_timer_due())
    except Exception as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else ""
        log.warning("readiness check failed: %s: %s", exc.__class__.__name__, first_line)
        response = jsonify({"status": "unavailable", "checks": {"database": "unreachable"}})
        response.status_code = 503
        return _no_store(response)
    lag_s = 0.0
    if oldest is not None:
        lag_s = max(0.0, (engine.clock.now() - oldest).total_seconds())
    return _no_store(jsonify({"status": "ready", "checks": {"database": "ok"}, "timer_lag_s": round(lag_s, 1)}))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
