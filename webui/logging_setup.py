"""Structured logs: one JSON object per line with time, level, logger, message and context.

Context fields (``case_id``, ``task_id``) come from a context variable: :func:`log_context` sets
them for a block of code, and :func:`init_app` sets them for every request whose URL names a
case or a task. Extra fields given with ``log.info("...", extra={...})`` are written too.

``FAO_LOG_FORMAT`` (``json``, the default, or ``text``) and ``FAO_LOG_LEVEL`` (``INFO``) choose
the output of the long-running commands (``fao serve``, ``fao worker``, gunicorn).
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, TextIO

import orjson
from flask import Flask, Response

_CONTEXT: ContextVar[Mapping[str, Any]] = ContextVar("fao_log_context", default=MappingProxyType({}))
# attributes every LogRecord has: anything else on a record is an extra field worth writing
_STANDARD = set(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None).__dict__) | {"message", "asctime"}
_HANDLER_NAME = "fao"
# values orjson has no spelling for, and dates and dataclasses, are written with str() as before
_ORJSON = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
# SpiffWorkflow logs every task state change at INFO with the task's data attached: too much,
# and the data may be personal. Werkzeug's access line is replaced by ours (``fao.http``).
QUIET = {"spiff": "WARNING", "werkzeug": "WARNING", "apscheduler": "WARNING"}
PROBES = ("/healthz", "/readyz")  # polled every few seconds by supervisors: logged at DEBUG only


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Add fields (e.g. ``case_id``) to every log record written inside the block."""
    token = _CONTEXT.set({**_CONTEXT.get(), **{k: v for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def context() -> dict[str, Any]:
    """The fields the current block adds to log records."""
    return dict(_CONTEXT.get())


class ContextFilter(logging.Filter):
    """Copies the current log context onto each record (fields given explicitly win)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _CONTEXT.get().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", ...extra fields, "exc"?}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_") and key not in out:
                out[key] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            out["exc"] = record.exc_text
        try:
            return orjson.dumps(out, default=str, option=_ORJSON).decode()
        except (orjson.JSONEncodeError, TypeError):  # e.g. an integer past 64 bits
            return json.dumps(out, ensure_ascii=False, default=str)


def make_handler(fmt: str = "json", stream: TextIO | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    if fmt == "text":
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    else:
        handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    return handler


def configure(fmt: str | None = None, level: str | None = None, stream: TextIO | None = None) -> None:
    """Send the root logger's records to stderr as JSON lines (or text); idempotent.

    Args:
        fmt: ``json`` or ``text``; default ``FAO_LOG_FORMAT`` or ``json``.
        level: a level name; default ``FAO_LOG_LEVEL`` or ``INFO``.
        stream: where to write (default stderr).
    """
    fmt = (fmt or os.environ.get("FAO_LOG_FORMAT") or "json").lower()
    level = (level or os.environ.get("FAO_LOG_LEVEL") or "INFO").upper()
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(make_handler(fmt, stream))
    root.setLevel(level)
    for name, quiet in QUIET.items():
        logging.getLogger(name).setLevel(quiet)


def gunicorn_logconfig(level: str | None = None) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for gunicorn: its own logs and ours as JSON lines."""
    level = (level or os.environ.get("FAO_LOG_LEVEL") or "INFO").upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": ContextFilter}},
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
                                "formatter": "json", "filters": ["context"]}},
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
            **{name: {"level": quiet} for name, quiet in QUIET.items()},
        },
    }


def _case_in(response: Response) -> str | None:
    """The case an answer names (``instance_id``, ``instance.id``, or a new case's ``id``), without a query."""
    if not response.is_json or response.direct_passthrough:
        return None
    body = response.get_json(silent=True)
    if not isinstance(body, dict):
        return None
    case = body.get("instance_id")
    if case is None and isinstance(body.get("instance"), dict):
        case = body["instance"].get("id")
    return case if isinstance(case, str) else None


def name_case(case_id: str | None) -> None:
    """Tell this request's log line which case it touched (saves reading the answer back)."""
    from flask import g

    if case_id is not None:
        g.fao_log_case_id = case_id


def init_app(app: Flask) -> None:
    """Per request: put the case (and task) the URL names into the log context; log one line."""
    from flask import g, request

    request_log = logging.getLogger("fao.http")

    @app.before_request
    def _enter() -> None:
        args = request.view_args or {}
        fields = {"case_id": args.get("instance_id"), "task_id": args.get("task_id")}
        g.fao_log_token = _CONTEXT.set({**_CONTEXT.get(), **{k: v for k, v in fields.items() if v}})
        g.fao_log_started = time.perf_counter()

    @app.after_request
    def _log(response: Response) -> Response:
        if request.path.startswith("/static/"):
            return response
        level = logging.DEBUG if request.path in PROBES else logging.INFO
        if not request_log.isEnabledFor(level):  # nothing would be written: build nothing
            return response
        started = g.get("fao_log_started")
        extra: dict[str, Any] = {"method": request.method, "path": request.path, "status": response.status_code,
                                 "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None}
        named = g.get("fao_log_case_id")  # the view said which case it touched: no need to read the answer
        if named is not None and "case_id" not in _CONTEXT.get():
            extra["case_id"] = named
        elif request.endpoint == "api.start_instance" and response.status_code == 201:
            body = response.get_json(silent=True)
            extra["case_id"] = body.get("id") if isinstance(body, dict) else None
        elif "case_id" not in _CONTEXT.get() and "task_id" in _CONTEXT.get():
            extra["case_id"] = _case_in(response)  # a task URL: its case is named in the answer
        request_log.log(level, "%s %s %s", request.method, request.path, response.status_code, extra=extra)
        return response

    @app.teardown_request
    def _leave(_exc: BaseException | None) -> None:
        token = g.pop("fao_log_token", None)
        if token is not None:
            with suppress(ValueError):  # set in another context (should not happen); leave it
                _CONTEXT.reset(token)
