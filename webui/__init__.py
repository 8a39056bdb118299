"""The Flask application: the composition root."""
from __future__ import annotations

import os
from typing import Any

from flask import Flask, redirect, url_for
from flask.typing import ResponseReturnValue
from werkzeug.routing import IntegerConverter, Map


class BoundedInt(IntegerConverter):
    """``<int:...>`` limited to the range every database column of ours holds."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings, engine, security, languages, blueprints, scheduler (when enabled).

    Args:
        test_config: settings that win over the environment (tests pass ``DATABASE_URL``,
            ``SCHEDULER_ENABLED`` False, ``WTF_CSRF_ENABLED``...).

    Returns:
        The configured application.
    """
    from webui.config import load_settings, sister_city_dormant_days
    from webui.wiring import build_engine

    settings = load_settings()
    app = Flask(__name__, instance_path=str(settings.instance_path))
    from webui.flask_tuning import CachedSignerSessions, OrjsonProvider

    app.json = OrjsonProvider(app)  # the same documents as Flask's encoder, encoded by orjson
    app.session_interface = CachedSignerSessions()
    app.url_map.converters["int"] = BoundedInt  # an id past the database's integers is a 404, not a 500
    app.config.from_mapping(
        SECRET_KEY=settings.secret_key,
        DATABASE_URL=settings.database_url,
        SCHEDULER_ENABLED=os.environ.get("FAO_SCHEDULER", "1") != "0",  # 0 in gunicorn workers
        FAO_TIMEZONE=settings.timezone,
        FAO_DEFAULT_LOCALE=settings.default_locale,
        FAO_SISTER_CITY_DORMANT_DAYS=sister_city_dormant_days(),
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        MAX_FORM_MEMORY_SIZE=2 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        JSON_BODY_LIMIT=2 * 1024 * 1024,
    )
    if test_config:
        app.config.update(test_config)
    engine = app.config.get("ENGINE") or build_engine(app.config["DATABASE_URL"], clock=app.config.get("CLOCK"))
    app.extensions["fao_engine"] = engine

    from webui import errors, health, i18n, logging_setup, present, security, vendor

    health.init_app(app)  # /healthz, /readyz
    logging_setup.init_app(app)  # case_id in the log context of a request

    i18n.init_app(app, security.current_user_locale, security.remember_locale)
    present.register(app)
    security.init_app(app)
    errors.init_app(app)
    vendor.init_app(app)

    from webui.admin import bp as admin_bp
    from webui.api import bp as api_bp
    from webui.apply import bp as apply_bp
    from webui.auth import bp as auth_bp
    from webui.inbox import bp as inbox_bp
    from webui.instances import bp as instances_bp
    from webui.modeler import bp as modeler_bp
    from webui.monitor import bp as monitor_bp
    from webui.registers import bp as registers_bp
    from webui.tasks import bp as tasks_bp

    for bp in (auth_bp, inbox_bp, tasks_bp, apply_bp, instances_bp, monitor_bp, registers_bp, modeler_bp, admin_bp,
               api_bp):
        app.register_blueprint(bp)
    security.csrf.exempt(api_bp)  # the API checks X-CSRFToken itself for browser sessions

    @app.get("/")
    def index() -> ResponseReturnValue:
        from flask_login import current_user

        from webui.auth import home_url

        if current_user.is_authenticated:
            return redirect(home_url(current_user.actor.roles))
        return redirect(url_for("inbox.index"))

    if app.config["SCHEDULER_ENABLED"]:
        from webui.scheduler import start_background

        app.extensions["fao_scheduler"] = start_background(engine, timezone=app.config["FAO_TIMEZONE"])
    return app
