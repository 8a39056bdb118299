"""gunicorn settings for ``fao serve`` in several processes (PostgreSQL only).

    FAO_DATABASE_URL=postgresql+psycopg://fao@db/fao \\
        gunicorn -c webui/gunicorn_conf.py 'webui:create_app()'

Timers are not fired here (``FAO_SCHEDULER=0`` in every web worker): run ``fao worker``
processes beside it. Environment: ``FAO_BIND`` (127.0.0.1:8000), ``FAO_WEB_WORKERS`` (4),
``FAO_WEB_THREADS`` (4 per worker), ``FAO_LOG_LEVEL``.
"""
from __future__ import annotations

import os
from typing import Any

wsgi_app = "webui:create_app()"
bind = [os.environ.get("FAO_BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("FAO_WEB_WORKERS", "4"))
worker_class = "gthread"
threads = int(os.environ.get("FAO_WEB_THREADS", "4"))
timeout = 60  # a request busy longer than this gets its worker restarted
graceful_timeout = 30  # SIGTERM: running requests get this long to finish
keepalive = 5
max_requests = 5000  # recycle workers now and then; jitter spreads the restarts
max_requests_jitter = 500
preload_app = False  # each worker builds its app (and its connection pool) after the fork
raw_env = ["FAO_SCHEDULER=0"]
limit_request_line = 8190
limit_request_fields = 100


def _logconfig() -> dict:
    from webui.logging_setup import gunicorn_logconfig

    return gunicorn_logconfig()


logconfig_dict = _logconfig()


def on_starting(server: Any) -> None:  # gunicorn's Arbiter (gunicorn ships no types)
    """In the master, before any fork: make the shared secret key exist, so every worker signs alike."""
    from webui.config import load_settings

    settings = load_settings()
    if settings.database_url.startswith("sqlite"):
        server.log.warning("FAO_DATABASE_URL is SQLite: run one process (fao serve) or use PostgreSQL")
    _ = settings.secret_key  # FAO_SECRET_KEY, or instance/secret_key written once here
