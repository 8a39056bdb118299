"""The analysts' modeler (``/modeler``): versions, the bpmn-js editor, validate, deploy, compare, migrate.

Any signed-in user may look; deploying needs the analyst role, moving cases between versions the
supervisor or analyst role (the engine checks both again).
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("modeler", __name__, url_prefix="/modeler", template_folder="templates",
               static_folder="static", static_url_path="/static")

from webui.modeler import (  # noqa: E402,F401  (routes attach to bp)
               forms,  # noqa: E402,F401  (the form editor: /modeler/forms)
               versions,
               views,
)
