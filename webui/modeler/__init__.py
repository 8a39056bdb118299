"""The analysts' modeler (``/modeler``): the pages for versions, the bpmn-js editor, forms, compare, migrate.

Any signed-in user may look. The editors validate, deploy and save through the JSON API
(``/api/v1/modeler/...``, analysts only); moving cases between versions needs the supervisor or
analyst role (the engine checks both again).
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
