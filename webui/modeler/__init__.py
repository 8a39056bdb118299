"""The analysts' modeler (``/modeler``): the pages for versions, the bpmn-js editor, forms, compare, migrate.

Any signed-in user may look. The editors validate, deploy and save through the JSON API
(``/api/v1/modeler/...``, analysts only); moving cases between versions needs the supervisor or
analyst role (the engine checks both again).
"""
from webui.modeler import forms, versions, views  # noqa: F401  (routes attach to bp)
from webui.modeler.blueprint import bp

__all__ = ["bp"]
