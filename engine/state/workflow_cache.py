"""Live workflows of recently saved cases, so the next command on a case can skip restoring it.

A command that committed leaves its workflow here under the case's id and the revision it wrote.
The next command on that case locks the row, reads its revision, and takes the workflow back
only when the revision is still the one cached (no other process or thread wrote the case since);
otherwise it restores the stored state as before. Taking removes the entry, so a command that
fails or rolls back never leaves a changed workflow behind.

A workflow is cached only when its restored copy would be the same object graph: every value in
the case's data must come back from JSON unchanged (dicts with text keys, lists, text, numbers,
booleans, None, and the dates and decimals the codec registers). A tuple, a set or a number key
would come back changed, so such a case is restored from its state on every command.
"""
from __future__ import annotations

import math
from datetime import date, datetime, timezone
from decimal import Decimal
from threading import Lock
from typing import Any

from cachetools import LRUCache
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

_SCALARS = (str, bool, type(None), date, Decimal)  # date: a datetime is checked before
_INT64 = 2 ** 63


class WorkflowCache:
    """At most ``capacity`` workflows, least recently saved dropped first (0 turns caching off)."""

    def __init__(self, capacity: int = 256) -> None:
        self.capacity = capacity
        self._entries: LRUCache[str, tuple[int, int, BpmnWorkflow]] = LRUCache(maxsize=max(capacity, 1))
        self._lock = Lock()
        self.hits = self.misses = 0

    def take(self, instance_id: str, version_id: int, revision: int) -> BpmnWorkflow | None:
        """The cached workflow of this case at this revision and version, removed from the cache."""
        with self._lock:
            entry = self._entries.pop(instance_id, None)
            if entry is not None and entry[0] == version_id and entry[1] == revision:
                self.hits += 1
                return entry[2]
            self.misses += 1
            return None

    def put(self, instance_id: str, version_id: int, revision: int, workflow: BpmnWorkflow) -> None:
        """Keep a workflow whose state was just committed at ``revision``."""
        if self.capacity <= 0 or not restores_unchanged(workflow):
            return
        workflow.script_engine = None  # the command's sandbox (and its session) is not kept alive
        with self._lock:
            self._entries[instance_id] = (version_id, revision, workflow)

    def discard(self, instance_id: str) -> None:
        with self._lock:
            self._entries.pop(instance_id, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def restores_unchanged(workflow: BpmnWorkflow) -> bool:
    """True when every data value of the workflow survives the JSON state unchanged."""
    for event in workflow.bpmn_events:  # events raised and not yet delivered (a terminate end, ...)
        if event.target is not None or not (_json_stable(event.payload) and _json_stable(event.correlations)):
            return False
    for wf in (workflow, *workflow.subprocesses.values()):
        if not _json_stable(wf.data):
            return False
        for task in wf.tasks.values():
            if not (_json_stable(task.data) and _json_stable(task.internal_data)):
                return False
    return True


def _json_stable(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            for key, inner in item.items():
                if type(key) is not str:
                    return False
                stack.append(inner)
        elif kind is list:
            stack.extend(item)
        elif kind is int:
            if not -_INT64 <= item < _INT64:
                return False
        elif kind is float:
            if not math.isfinite(item):
                return False
        elif kind is datetime:
            if item.tzinfo is not None and type(item.tzinfo) is not timezone:
                return False  # a named zone comes back as a fixed offset
        elif not isinstance(item, _SCALARS):
            return False
    return True
