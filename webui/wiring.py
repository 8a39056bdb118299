"""Builds the engine from settings: the one place that joins store, engine and processes."""
from __future__ import annotations

from typing import Any

from engine.service_tasks.registry import HandlerRegistry
from engine.timekeeping.clock import Clock
from engine.workflow_engine import WorkflowEngine
from store.db import make_engine, make_session_factory


def start_policy(key: str) -> frozenset[str] | None:
    """Who may start a catalogued process (None: not in the catalogue)."""
    from processes.catalogue import by_key

    info = by_key(key)
    if info is None:
        return None
    return frozenset(info.starters)


def handler_registry() -> HandlerRegistry:
    from processes.handlers import build_handler_registry

    return build_handler_registry()


def build_engine(database_url: str, clock: Clock | None = None, **kwargs: Any) -> WorkflowEngine:
    from webui.config import fast_writes, workflow_cache_size

    db = make_engine(database_url, fast_writes=fast_writes())
    kwargs.setdefault("workflow_cache_size", workflow_cache_size())
    return WorkflowEngine(
        make_session_factory(db),
        clock=clock,
        handlers=kwargs.pop("handlers", None) or handler_registry(),
        start_policy=kwargs.pop("start_policy", start_policy),
        **kwargs,
    )
