"""The JSON API ``/api/v1`` (CONTRACT section 4): the blueprint of :mod:`webui.api.base` and its routes."""
from webui.api import instances, misc, modeler, moves, openapi, processes, tasks  # noqa: F401  (registers the routes)
from webui.api.base import bp

__all__ = ["bp"]
