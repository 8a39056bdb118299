"""The monitor blueprint; its route modules attach to it."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("monitor", __name__, url_prefix="/monitor", template_folder="templates",
               static_folder="static", static_url_path="/static")


@bp.context_processor
def _template_helpers() -> dict:
    from webui.monitor.common import url_with

    return {"url_with": url_with}
