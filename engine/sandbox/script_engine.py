"""The sandboxed script engine: scripts, conditions and timer expressions are untrusted.

Analysts upload them (ARCHITECTURE 6), so every script and expression is compiled by
RestrictedPython with :class:`SandboxPolicy` (no imports, no dunder or frame attributes, no
``try``/``with``/``class``; ``*``, ``**``, ``<<``, ``+``, ``%``, ``*iterable`` and f-string fields
become guarded calls that check the size of the result before computing it), runs against a
whitelist of builtins and office helpers (dates, working days), and is stopped by a line tracer
after ``time_limit_s`` or when the process grows by ``memory_limit_mb``. Scripts run on a deep
copy of the task data, which replaces the data only when the script succeeds, so a refused or
stopped script leaves the task data as it was.

Per-operation size limits do not bound a script's total memory: the tracer's memory check does,
coarsely (Linux only). A memory limit on the worker process (cgroup, RLIMIT_AS) is still wise.
"""
from __future__ import annotations

import copy
import dis
import functools
import json
import os
import re
import sys
import threading
import time
from collections import OrderedDict
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from types import CodeType, FrameType, ModuleType
from typing import Any, Callable

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.sandbox.guards import (  # re-exported: the sandbox's public names live here too
    CONTAINER_TYPES,
    GUARDS,
    MAX_FORMAT_WIDTH,
    MAX_INT_BITS,
    MAX_ITEMS,
    SAFE_BUILTINS,
    SafeStr,
    SandboxPolicy,
    ScriptError,
    ScriptLimitExceeded,
    ScriptRefused,
    count_nodes,
    safe_getattr,
)
from engine.timekeeping.clock import Clock
from engine.timekeeping.working_days import WorkingCalendar

__all__ = [
    "CACHE_SIZE", "GUARDS", "MAX_DATA_SIZE", "MAX_FORMAT_WIDTH", "MAX_INT_BITS", "MAX_ITEMS", "SCRIPT_FILENAME",
    "RestrictedEnvironment", "RestrictedScriptEngine", "SafeStr", "SandboxPolicy", "ScriptError", "ScriptHelpers",
    "ScriptTime",
    "ScriptLimitExceeded", "ScriptRefused", "UnknownOperator", "compile_script", "iso_duration", "safe_getattr",
    "timer_value",
]

SCRIPT_FILENAME = "<fao-script>"
MAX_DATA_SIZE = 10_000_000
"""Largest task data (about the characters of its JSON) a script may leave behind."""
CACHE_SIZE = 1_024


class UnknownOperator(LookupError):
    """A service caller raises this for an operator it does not know."""


class _Deadline(BaseException):
    """Raised by the tracer; a BaseException so that nothing in a script can catch it."""


# --- compile entry point -------------------------------------------------------------------

_LINE_PREFIX = re.compile(r"Line (\d+):")


def compile_script(source: str, mode: str) -> CodeType:
    """Compile a script (``mode="exec"``) or expression (``"eval"``) under :class:`SandboxPolicy`.

    Args:
        source: The Python source.
        mode: ``"exec"`` or ``"eval"``.

    Returns:
        The code object.

    Raises:
        ScriptRefused: With RestrictedPython's messages (each starting ``Line N:``) and the line.
    """
    compiler = compile_restricted_exec if mode == "exec" else compile_restricted_eval
    try:
        result = compiler(source, filename=SCRIPT_FILENAME, policy=SandboxPolicy)
    except (SyntaxError, ValueError, TypeError) as err:  # compile() after the policy, odd input
        line = getattr(err, "lineno", None)
        raise ScriptRefused(f"Script refused: Line {line}: {err}", line) from None
    if result.errors or result.code is None:
        match = _LINE_PREFIX.match(result.errors[0]) if result.errors else None
        line = int(match.group(1)) if match else None
        raise ScriptRefused("Script refused: " + "; ".join(result.errors).rstrip("."), line)
    line = _silent_loop_line(result.code)
    if line is not None:
        raise ScriptRefused(f"Script refused: Line {line}: this loop does nothing and never ends", line)
    return result.code


_JUMPS = frozenset(dis.hasjrel) | frozenset(dis.hasjabs)


def _silent_loop_line(code: CodeType) -> int | None:
    """The line of a jump to itself (``while True: pass``), an endless loop the tracer never sees.

    Line tracing fires on every backward jump except one landing on itself, so such loops are
    refused here instead of being traced opcode by opcode.
    """
    for instruction in dis.get_instructions(code):
        if instruction.opcode in _JUMPS and instruction.argval == instruction.offset:
            return instruction.positions.lineno if instruction.positions else None
    for const in code.co_consts:
        if isinstance(const, CodeType):
            line = _silent_loop_line(const)
            if line is not None:
                return line
    return None


# --- office helpers ------------------------------------------------------------------------

class ScriptHelpers:
    """Date and working-day helpers, bound to the engine clock and working calendar.

    Args:
        clock: The engine clock.
        calendar: The working calendar; its time zone is the office time zone.
    """

    OFFICE_HOUR = dt_time(9, 0)

    def __init__(self, clock: Clock, calendar: WorkingCalendar) -> None:
        self.clock = clock
        self.calendar = calendar
        self.tz = calendar.tz

    def as_builtins(self) -> dict[str, Callable[..., Any]]:
        """The helpers by the names scripts use."""
        return {
            "now": self.now, "today": self.today, "working_days_after": self.working_days_after,
            "due_in_working_days": self.due_in_working_days, "working_days_between": self.working_days_between,
            "days_before": self.days_before, "parse_date": self.parse_date,
            "time": ScriptTime(self.clock),
        }

    def now(self) -> str:
        """The current moment, ISO 8601 with the office offset (``2026-03-02T09:00:00+08:00``)."""
        return self.clock.now().astimezone(self.tz).isoformat(timespec="seconds")

    def today(self) -> str:
        """The office date, ``YYYY-MM-DD``."""
        return self.clock.now().astimezone(self.tz).date().isoformat()

    def working_days_after(self, start: str | date | datetime, n: int) -> str:
        """The moment ``n`` working days after ``start``, same time of day (a bare date: 09:00)."""
        moment = self.calendar.add_working_days(self._moment(start), int(n))
        return moment.isoformat(timespec="seconds")

    def due_in_working_days(self, n: int) -> str:
        """``working_days_after(now(), n)``."""
        return self.working_days_after(self.now(), n)

    def working_days_between(self, a: str | date | datetime, b: str | date | datetime) -> int:
        """Working days after ``a`` up to and including ``b`` (negative when ``b`` is earlier)."""
        return self.calendar.working_days_between(self._moment(a), self._moment(b))

    def days_before(self, value: str | date | datetime, n: int) -> str:
        """09:00 office time, ``n`` calendar days before the date of ``value``."""
        day = self._moment(value).date() - timedelta(days=int(n))
        return datetime.combine(day, self.OFFICE_HOUR, tzinfo=self.tz).isoformat(timespec="seconds")

    def parse_date(self, value: str | date | datetime) -> date:
        """The office date of an ISO date or datetime string."""
        return self._moment(value).date()

    def _moment(self, value: str | date | datetime) -> datetime:
        if isinstance(value, str):
            text = value.strip()
            if len(text) == 10:
                value = date.fromisoformat(text)
            else:
                value = datetime.fromisoformat(text)
        if isinstance(value, datetime):
            return value.replace(tzinfo=self.tz) if value.tzinfo is None else value.astimezone(self.tz)
        if isinstance(value, date):
            return datetime.combine(value, self.OFFICE_HOUR, tzinfo=self.tz)
        raise TypeError(f"expected an ISO date or datetime string, not {type(value).__name__}")


class ScriptTime(ModuleType):
    """What scripts written for SpiffWorkflow use of the ``time`` module, on the engine clock.

    ``time.time()`` and ``time.time_ns()`` read the engine clock (a unique stamp, a correlation
    value); ``time.sleep()`` is refused: a script must not hold the case's transaction, a timer
    event waits instead. It is a module object, so a script may ``del time`` (as scripts that
    imported it do) and it never stays behind in the task data.
    """

    def __init__(self, clock: Clock) -> None:
        super().__init__("time")
        self._clock = clock

    def time(self) -> float:
        """Seconds since the epoch, as ``time.time()``."""
        return self._clock.now().timestamp()

    def time_ns(self) -> int:
        """Nanoseconds since the epoch, as ``time.time_ns()``."""
        return int(self._clock.now().timestamp() * 1_000_000) * 1_000

    def sleep(self, seconds: float = 0) -> None:
        """Refused: waiting belongs in a timer event, not in a script."""
        raise ScriptRefused(
            f"time.sleep({seconds!r}) is not available: a script must not wait; "
            "model the wait with a timer event (e.g. an intermediate timer of \"PT30S\")"
        )


# --- environment and engine ----------------------------------------------------------------

class _CodeCache:
    """A small thread-safe LRU of compiled code (and of refusals) per (mode, source)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[str, str], CodeType | ScriptRefused] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, source: str, mode: str) -> CodeType:
        key = (mode, source)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        if entry is None:
            try:
                entry = compile_script(source, mode)
            except ScriptRefused as refused:
                entry = refused
            with self._lock:
                self._entries[key] = entry
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
        if isinstance(entry, ScriptRefused):
            raise ScriptRefused(str(entry), entry.line_number)
        return entry


_CODE_CACHE = _CodeCache(CACHE_SIZE)
"""Shared by every engine in the process: compiled code depends only on the source and mode."""


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
        code = _CODE_CACHE.get(expression, "eval")
        scope = {**(external_context or {}), **context, **GUARDS, "__builtins__": self.builtins}
        return self._run(code, scope)

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        code = _CODE_CACHE.get(script, "exec")
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
            if name == "__builtins__" or name in GUARDS or name in external or callable(value) or isinstance(value, ModuleType):
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
            return eval(code, scope)  # noqa: S307 - RestrictedPython code, guarded scope
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


def _internal_import(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0) -> ModuleType:
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


class RestrictedScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's script engine, sandboxed, with office helpers and service calls.

    Args:
        clock: The engine clock (helpers ``now()``, ``today()``...).
        calendar: The working calendar (helpers ``working_days_after()``...).
        service_caller: ``(operator, {param: value}) -> result`` for service tasks; the result
            must be JSON-serialisable (anything else is written with ``str``).
        time_limit_s: Wall-clock limit per script or expression.
        memory_limit_mb: Growth of resident memory a script may cause.
    """

    def __init__(
        self,
        clock: Clock,
        calendar: WorkingCalendar,
        service_caller: Callable[[str, dict], Any] | None = None,
        time_limit_s: float = 2.0,
        memory_limit_mb: int = 256,
    ) -> None:
        self.clock = clock  # the engine's timers read it (engine.timekeeping.timer_events)
        self.helpers = ScriptHelpers(clock, calendar)
        this_year = clock.now().astimezone(calendar.tz).year
        calendar.preload((this_year, this_year + 1))  # not inside the first script's time limit
        super().__init__(environment=RestrictedEnvironment(self.helpers.as_builtins(), time_limit_s, memory_limit_mb))
        self.service_caller = service_caller

    def evaluate(self, task: Any, expression: str, external_context: dict | None = None) -> Any:
        """Evaluate an expression against the task's data (the reason is kept in the message)."""
        try:
            value = self.environment.evaluate(expression, task.data, external_context)
        except SpiffWorkflowException as err:
            err.add_note(f"Error evaluating expression '{expression}'")
            raise
        except Exception as err:
            line, _ = self.get_error_line_number_and_content(expression, err)
            raise WorkflowTaskException(
                f"Error evaluating expression '{expression}': {_describe(err)}",
                task=task, exception=err, line_number=line or None,
            ) from err
        timer = _timer_definition(task, expression)
        return value if timer is None else timer_value(timer, value, expression, task, self.helpers.tz)

    def call_service(self, task: Any, operation_name: str | None = None,
                     operation_params: dict | None = None, **kwargs: Any) -> str:
        """Call a service operator; SpiffWorkflow's service task ``json.loads`` the answer."""
        if self.service_caller is None:
            raise WorkflowTaskException(
                f"Service operator '{operation_name}' cannot be called: no service caller is configured", task=task
            )
        params = {
            name: param["value"] if isinstance(param, dict) and "value" in param else param
            for name, param in (operation_params or {}).items()
        }
        try:
            result = self.service_caller(operation_name or "", params)
        except SpiffWorkflowException:
            raise
        except UnknownOperator as err:
            raise WorkflowTaskException(f"Unknown service operator '{operation_name}'", task=task, exception=err) from err
        except Exception as err:
            raise WorkflowTaskException(
                f"Service operator '{operation_name}' failed: {_describe(err)}", task=task, exception=err
            ) from err
        return json.dumps(result, ensure_ascii=False, default=str)

    def create_task_exec_exception(self, task: Any, script: str, err: Exception) -> Exception:
        """Wrap a script error with its line (never crashes on odd exception arguments)."""
        line_number, error_line = self.get_error_line_number_and_content(script, err)
        if isinstance(err, SpiffWorkflowException):
            err.add_note(f"Python script error on line {line_number}: '{error_line}'")
            return err
        return WorkflowTaskException(
            _describe(err), task=task, exception=err, line_number=line_number or None, error_line=error_line
        )

    def get_error_line_number_and_content(self, script: str, err: BaseException) -> tuple[int, str]:
        """The script line at fault: from a sandbox error, else the innermost script frame."""
        line = err.line_number if isinstance(err, ScriptError) else None
        if not line:
            tb = err.__traceback__
            while tb is not None:
                if tb.tb_frame.f_code.co_filename == SCRIPT_FILENAME:
                    line = tb.tb_lineno
                tb = tb.tb_next
        lines = (script or "").splitlines()
        error_line = lines[line - 1] if line and 0 < line <= len(lines) else ""
        return line or 0, error_line


def _timer_definition(task: Any, expression: str) -> TimerEventDefinition | None:
    """The timer whose expression is being evaluated for ``task``, if it is one."""
    definition = getattr(getattr(task, "task_spec", None), "event_definition", None)
    if isinstance(definition, TimerEventDefinition) and definition.expression == expression:
        return definition
    return None


def iso_duration(value: timedelta) -> str:
    """An ISO 8601 duration for a ``timedelta`` (``timedelta(seconds=30)`` is ``"PT30S"``).

    Args:
        value: The duration; a negative one counts as zero.

    Returns:
        The duration text, for example ``"P1DT2H30S"``.
    """
    total_us = max(int(value / timedelta(microseconds=1)), 0)
    days, rest_us = divmod(total_us, 86_400_000_000)
    hours, rest_us = divmod(rest_us, 3_600_000_000)
    minutes, rest_us = divmod(rest_us, 60_000_000)
    seconds = f"{rest_us / 1_000_000:.6f}".rstrip("0").rstrip(".") if rest_us % 1_000_000 else str(rest_us // 1_000_000)
    clock = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M")) if n)
    clock += f"{seconds}S" if rest_us or not (days or clock) else ""
    return "P" + (f"{days}D" if days else "") + (f"T{clock}" if clock else "")


def timer_value(timer: TimerEventDefinition, value: Any, expression: str, task: Any, tz: Any) -> str:
    """The text SpiffWorkflow expects from a timer expression, from what the expression gave.

    A duration may be written ``"PT30S"`` or ``timedelta(seconds=30)``, a date ``"2026-05-01T09:00:00+08:00"``
    or a ``datetime``/``date`` (a date without a time is 09:00, without a zone the office's).
    A value SpiffWorkflow could not read is refused here with a message naming the timer.

    Raises:
        WorkflowTaskException: The value is neither of the timer's kind nor readable text.
    """
    if isinstance(timer, DurationTimerEventDefinition) and isinstance(value, timedelta):
        return iso_duration(value)
    if isinstance(timer, TimeDateEventDefinition) and isinstance(value, (date, datetime)):
        moment = value if isinstance(value, datetime) else datetime.combine(value, ScriptHelpers.OFFICE_HOUR)
        return (moment.replace(tzinfo=tz) if moment.tzinfo is None else moment).isoformat()
    kinds = {DurationTimerEventDefinition: ("an ISO 8601 duration", '"PT30S" or timedelta(seconds=30)'),
             TimeDateEventDefinition: ("a date and time", '"2026-05-01T09:00:00+08:00" or a datetime'),
             CycleTimerEventDefinition: ("an ISO 8601 repeating interval", '"R3/PT1H"')}
    wanted, example = next((v for k, v in kinds.items() if isinstance(timer, k)), ("a timer value", '"PT30S"'))
    if isinstance(value, str):
        try:
            if isinstance(timer, DurationTimerEventDefinition):
                TimerEventDefinition.parse_iso_duration(value)
            elif isinstance(timer, TimeDateEventDefinition):
                TimerEventDefinition.get_datetime(value)
            elif isinstance(timer, CycleTimerEventDefinition):
                TimerEventDefinition.parse_iso_recurring_interval(value)
            return value
        except Exception:  # noqa: BLE001 - SpiffWorkflow raises bare Exception and ValueError here
            pass
    raise WorkflowTaskException(
        f"Timer expression '{expression}' gave {value!r}, which is not {wanted} (write e.g. {example})", task=task
    )


def _describe(err: BaseException) -> str:
    return f"{err.__class__.__name__}: {err}"
