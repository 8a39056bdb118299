"""The modeler blueprint; its route modules attach to it."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("modeler", __name__, url_prefix="/modeler", template_folder="templates",
               static_folder="static", static_url_path="/static")
