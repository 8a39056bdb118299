"""The supervisors' monitor (``/monitor``): dashboard, lists, case page with actions, analytics.

Supervisors only (403 for everyone else). Every figure is SQL on the projections
(:mod:`store.reads`); only the case page loads one case's workflow, through the engine.
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("monitor", __name__, url_prefix="/monitor", template_folder="templates",
               static_folder="static", static_url_path="/static")


@bp.context_processor
def _template_helpers() -> dict:
    from webui.monitor.common import url_with

    return {"url_with": url_with}


from webui.monitor import analytics, case, dashboard, moving  # noqa: E402,F401  (routes attach to bp)
