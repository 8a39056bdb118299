"""The Flask application: the composition root."""
from __future__ import annotations

from typing import Any

from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings, engine, blueprints, scheduler (when enabled)."""
    from webui.config import load_settings
    from webui.wiring import build_engine

    settings = load_settings()
    app = Flask(__name__, instance_path=str(settings.instance_path))
    app.config.from_mapping(
        SECRET_KEY=settings.secret_key,
        DATABASE_URL=settings.database_url,
        SCHEDULER_ENABLED=True,
        FAO_TIMEZONE=settings.timezone,
        FAO_DEFAULT_LOCALE=settings.default_locale,
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
    )
    if test_config:
        app.config.update(test_config)
    engine = app.config.get("ENGINE") or build_engine(app.config["DATABASE_URL"], clock=app.config.get("CLOCK"))
    app.extensions["fao_engine"] = engine

    @app.get("/")
    def index() -> str:
        return "Hengyang FAO Workflow"

    if app.config["SCHEDULER_ENABLED"]:
        from webui.scheduler import start_background

        app.extensions["fao_scheduler"] = start_background(engine)
    return app
