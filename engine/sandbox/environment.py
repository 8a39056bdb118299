"""Where untrusted code runs: whitelisted builtins, guards, a deep copy of the task data, limits.

Scripts run on a deep copy of the task data, which replaces the data only when the script
succeeds, so a refused or stopped script leaves the task data as it was. A line tracer stops a
script after ``time_limit_s`` or when the process grows by ``memory_limit_mb``.

Per-operation size limits do not bound a script's total memory: the tracer's memory check does,
coarsely (Linux only). A memory limit on the worker process (cgroup, RLIMIT_AS) is still wise.
"""
from __future__ import annotations

import copy
import functools
import os
import sys
import time
from types import CodeType, FrameType, ModuleType
from typing import Any

from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment

from engine.sandbox.compiler import CODE_CACHE, SCRIPT_FILENAME
from engine.sandbox.guards import CONTAINER_TYPES, GUARDS, SAFE_BUILTINS, ScriptLimitExceeded, count_nodes

MAX_DATA_SIZE = 10_000_000
"""Largest task data (about the characters of its JSON) a script may leave behind."""


class _Deadline(BaseException):
    """Raised by the tracer; a BaseException so that nothing in a script can catch it."""


def _has_cycle(value: Any) -> bool:
    """Whether a container holds itself (JSON cannot write it)."""
    stack: list[tuple[Any, bool]] = [(value, False)]
    ancestors: set[int] = set()
    done: set[int] = set()
    while stack:
        item, leaving = stack.pop()
        if leaving:
            ancestors.discard(id(item))
            done.add(id(item))
            continue
        if id(item) in ancestors:
            return True
        if id(item) in done or type(item) not in CONTAINER_TYPES:
            continue
        ancestors.add(id(item))
        stack.append((item, True))
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, False) for child in children if type(child) in CONTAINER_TYPES)
    return False


class RestrictedEnvironment(TaskDataEnvironment):
    """Evaluates and executes under RestrictedPython with a time limit.

    SpiffWorkflow also calls ``environment.evaluate`` directly (process completion conditions,
    message correlation), so the sandbox lives here, not only in the engine.

    Args:
        helpers: Extra builtins (the office helpers).
        time_limit_s: Wall-clock limit per script or expression.
        memory_limit_mb: Growth of the process's resident memory a script may cause (checked
            every 256 traced events, where ``/proc/self/statm`` exists).
    """

    def __init__(self, helpers: dict[str, Any], time_limit_s: float = 2.0, memory_limit_mb: int = 256) -> None:
        super().__init__({})
        self.builtins = {**SAFE_BUILTINS, **helpers, "__import__": _internal_import}
        self.module_helpers = {name: value for name, value in helpers.items() if isinstance(value, ModuleType)}
        self.time_limit_s = time_limit_s
        self.memory_limit_bytes = memory_limit_mb << 20

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        code = CODE_CACHE.get(expression, "eval")
        scope = {**(external_context or {}), **context, **GUARDS, "__builtins__": self.builtins}
        return self._run(code, scope)

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        code = CODE_CACHE.get(script, "exec")
        external = external_context or {}
        scope = copy.deepcopy(context)
        shadowed = {name: scope[name] for name in GUARDS if name in scope}
        scope.update(external)
        for name, module in self.module_helpers.items():  # script-local, so ``del time`` works
            scope.setdefault(name, module)
        scope.update(GUARDS)
        scope["__builtins__"] = self.builtins
        self._run(code, scope)
        for name in list(scope):
            value = scope[name]
            if (name == "__builtins__" or name in GUARDS or name in external or callable(value)
                    or isinstance(value, ModuleType)):
                del scope[name]
        scope.update(shadowed)
        if _has_cycle(scope):
            raise ScriptLimitExceeded("the task data the script built contains itself and cannot be saved")
        if count_nodes(scope, MAX_DATA_SIZE) > MAX_DATA_SIZE:
            raise ScriptLimitExceeded(
                f"the task data the script built is too large to save (over {MAX_DATA_SIZE:,} characters)"
            )
        context.clear()
        context.update(scope)
        return True

    def _run(self, code: CodeType, scope: dict) -> Any:
        deadline = time.monotonic() + self.time_limit_s
        events = 0
        memory_ceiling: list[int] = []  # set lazily: short expressions never pay for reading it
        stopped: list[tuple[str, int]] = []

        def trace_lines(frame: FrameType, event: str, arg: Any) -> Any:
            nonlocal events
            events += 1
            if time.monotonic() > deadline:
                stopped.append(("time", frame.f_lineno))
                raise _Deadline
            if not events & 0xFF:
                rss = _rss_bytes()
                if rss is not None and not memory_ceiling:
                    memory_ceiling.append(rss + self.memory_limit_bytes)
                elif rss is not None and rss > memory_ceiling[0]:
                    stopped.append(("memory", frame.f_lineno))
                    raise _Deadline
            return trace_lines

        def trace_calls(frame: FrameType, event: str, arg: Any) -> Any:
            # Only script frames are traced (and interrupted): helpers and guards run to the end.
            if frame.f_code.co_filename != SCRIPT_FILENAME:
                return None
            return trace_lines(frame, event, arg)

        previous = sys.gettrace()
        sys.settrace(trace_calls)
        try:
            return eval(code, scope)
        except _Deadline:
            reason, line = stopped[0] if stopped else ("time", None)
            if reason == "memory":
                message = f"the script used more than {self.memory_limit_bytes >> 20} MB of memory"
            else:
                message = f"the script ran longer than the time limit of {self.time_limit_s:g} s (an endless loop?)"
            raise ScriptLimitExceeded(message, line) from None
        finally:
            sys.settrace(previous)


_INTERNAL_IMPORTS = frozenset({"time", "_strptime"})
"""Modules the C code of ``datetime`` imports through the builtins of the calling frame
(``strftime`` needs ``time``, ``strptime`` needs ``_strptime``). A script cannot name
``__import__`` (no underscore names) nor write ``import``, so only such C code reaches this."""


def _internal_import(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (),
                     level: int = 0) -> ModuleType:
    if level == 0 and name in _INTERNAL_IMPORTS:
        return __import__(name, globals, locals, fromlist, level)
    raise ImportError(f"import of '{name}' is not allowed in scripts")


def _rss_bytes() -> int | None:
    """The resident memory of this process (Linux), or ``None`` where it cannot be read."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _page_size()
    except (OSError, ValueError, IndexError):
        return None


@functools.cache
def _page_size() -> int:
    return os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
