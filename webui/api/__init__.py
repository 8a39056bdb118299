"""The JSON API ``/api/v1`` (CONTRACT section 4): the blueprint of :mod:`webui.api.base` and its routes."""
from webui.api import (  # noqa: F401  (registers the routes)
    instances,
    misc,
    modeler,
    moves,
    openapi,
    people,
    processes,
    registers,
    tasks,
    users,
)
from webui.api.base import bp

__all__ = ["bp"]
