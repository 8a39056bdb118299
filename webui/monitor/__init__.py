"""The supervisors' monitor (``/monitor``): dashboard, lists, case page with actions, analytics.

Supervisors only (403 for everyone else). Every figure is SQL on the projections
(:mod:`store.reads`); only the case page loads one case's workflow, through the engine.
"""
from webui.monitor import analytics, bulk, case, dashboard, moving  # noqa: F401  (routes attach to bp)
from webui.monitor.blueprint import bp

__all__ = ["bp"]
