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

import _string  # type: ignore[import-not-found]  # the parser behind string.Formatter
import ast
import copy
import dis
import functools
import json
import math
import operator
import os
import re
import string
import sys
import threading
import time
from collections import OrderedDict
from datetime import date, datetime, time as dt_time, timedelta
from decimal import Decimal
from itertools import compress, islice
from types import CodeType, FrameType, ModuleType
from typing import Any, Callable

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import full_write_guard, guarded_iter_unpack_sequence, guarded_unpack_sequence
from RestrictedPython.transformer import INSPECT_ATTRIBUTES, RestrictingNodeTransformer, copy_locations
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.clock import Clock
from engine.working_days import WorkingCalendar

SCRIPT_FILENAME = "<fao-script>"
MAX_ITEMS = 1_000_000
"""Largest string, bytes, list or tuple one operation may build (characters or items)."""
MAX_INT_BITS = 65_536
MAX_FORMAT_WIDTH = 10_000
MAX_DATA_SIZE = 10_000_000
"""Largest task data (about the characters of its JSON) a script may leave behind."""
CACHE_SIZE = 1_024


class ScriptError(Exception):
    """A script or expression was refused or stopped by the sandbox.

    Attributes:
        line_number: The line of the script at fault, when known.
    """

    def __init__(self, message: str, line_number: int | None = None) -> None:
        super().__init__(message)
        self.line_number = line_number


class ScriptRefused(ScriptError):
    """RestrictedPython refused to compile the source (or it is not valid Python)."""


class ScriptLimitExceeded(ScriptError):
    """The script ran too long or tried to build a value that is too large."""


class UnknownOperator(LookupError):
    """A service caller raises this for an operator it does not know."""


class _Deadline(BaseException):
    """Raised by the tracer; a BaseException so that nothing in a script can catch it."""


# --- compile-time policy -------------------------------------------------------------------

_GUARDED_BINOPS = {ast.Mult: "_mul_", ast.Pow: "_pow_", ast.LShift: "_lshift_", ast.Add: "_add_", ast.Mod: "_mod_"}
_REFUSED_NAMES = frozenset({"exec", "eval", "compile", "open", "globals", "locals", "vars", "breakpoint", "print", "printed"})


class SandboxPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy, tightened for workflow scripts."""

    def visit_Name(self, node: ast.Name) -> Any:
        if isinstance(node.ctx, ast.Load) and node.id in _REFUSED_NAMES:
            self.error(node, f'"{node.id}" is not available in scripts.')
            return node
        return super().visit_Name(node)

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = self.node_contents_visit(node)
        guard = _GUARDED_BINOPS.get(type(node.op))
        if guard is None:
            return node
        call = ast.Call(func=ast.Name(guard, ast.Load()), args=[node.left, node.right], keywords=[])
        copy_locations(call, node)
        return call

    def visit_Starred(self, node: ast.Starred) -> Any:
        node = self.node_contents_visit(node)
        if isinstance(node.ctx, ast.Load):
            call = ast.Call(func=ast.Name("_starred_", ast.Load()), args=[node.value], keywords=[])
            copy_locations(call, node.value)
            node.value = call
        return node

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        node = self.node_contents_visit(node)
        spec = node.format_spec if node.format_spec is not None else ast.Constant("")
        call = ast.Call(
            func=ast.Name("_fmt_", ast.Load()),
            args=[node.value, ast.Constant(node.conversion), spec],
            keywords=[],
        )
        copy_locations(call, node)
        new = ast.FormattedValue(value=call, conversion=-1, format_spec=None)
        copy_locations(new, node)
        return new

    def _refuse(self, node: ast.AST, what: str) -> None:
        self.error(node, f"{what} are not allowed in scripts.")

    def visit_Import(self, node: ast.Import) -> Any:
        self._refuse(node, "Import statements")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> Any:
        self._refuse(node, "Import statements")

    def visit_Try(self, node: ast.Try) -> Any:
        # Handlers and finally blocks could outlive the time limit; a failing script is an incident.
        self._refuse(node, "try statements")

    def visit_TryStar(self, node: ast.AST) -> Any:
        self._refuse(node, "try statements")

    def visit_With(self, node: ast.With) -> Any:
        self._refuse(node, "with statements")

    def visit_ClassDef(self, node: ast.ClassDef) -> Any:
        self._refuse(node, "Class definitions")


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


# --- runtime guards ------------------------------------------------------------------------

def _too_large(what: str, size: float, limit: int = MAX_ITEMS) -> ScriptLimitExceeded:
    return ScriptLimitExceeded(f"{what} would be too large ({size:,.0f}; the limit is {limit:,})")


def _seq_len(value: Any) -> int | None:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else None


def _int_bits(value: Any) -> int | None:
    return abs(value).bit_length() if isinstance(value, int) else None


def _guard_mul(a: Any, b: Any) -> Any:
    for seq, times in ((a, b), (b, a)):
        size = _seq_len(seq)
        if size is not None and isinstance(times, int) and size * times > MAX_ITEMS:
            raise _too_large("the result of '*'", size * times)
    bits_a, bits_b = _int_bits(a), _int_bits(b)
    if bits_a is not None and bits_b is not None and bits_a + bits_b > MAX_INT_BITS:
        raise _too_large("the integer result of '*' in bits", bits_a + bits_b, MAX_INT_BITS)
    return a * b


def _guard_pow(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
        bits = b * math.log2(abs(a))
        if bits > MAX_INT_BITS:
            raise _too_large("the integer result of '**' in bits", bits, MAX_INT_BITS)
    return a**b


def _guard_lshift(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and a and b > 0 and a.bit_length() + b > MAX_INT_BITS:
        raise _too_large("the integer result of '<<' in bits", a.bit_length() + b, MAX_INT_BITS)
    return a << b


def _guard_add(a: Any, b: Any) -> Any:
    size_a, size_b = _seq_len(a), _seq_len(b)
    if size_a is not None and size_b is not None and size_a + size_b > MAX_ITEMS:
        raise _too_large("the result of '+'", size_a + size_b)
    return a + b


_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_huge_decimal(value: Any) -> None:
    if isinstance(value, Decimal) and value.is_finite() and value and value.adjusted() > MAX_FORMAT_WIDTH:
        raise _too_large("the digits of a Decimal", value.adjusted(), MAX_FORMAT_WIDTH)


def _guard_mod(a: Any, b: Any) -> Any:
    if isinstance(a, (str, bytes)):
        template = a.decode("latin-1") if isinstance(a, bytes) else a
        for match in _PERCENT_FIELD.finditer(template):
            for number in match.groups():
                if number == "*":
                    raise ScriptLimitExceeded("'*' widths in %-formatting are not supported in scripts")
                if number and int(number) > MAX_FORMAT_WIDTH:
                    raise _too_large("a %-format width", int(number), MAX_FORMAT_WIDTH)
        for arg in b if isinstance(b, tuple) else (b,):
            _check_huge_decimal(arg)
            _check_render_size(arg)
        result = a % b
        if len(result) > MAX_ITEMS:
            raise _too_large("the result of '%'", len(result))
        return result
    return a % b


_INPLACE = {
    "+=": (_guard_add, operator.iadd), "*=": (_guard_mul, operator.imul), "**=": (_guard_pow, operator.ipow),
    "<<=": (_guard_lshift, operator.ilshift), "%=": (_guard_mod, operator.imod),
}
_PLAIN_INPLACE = {
    "-=": operator.isub, "/=": operator.itruediv, "//=": operator.ifloordiv, ">>=": operator.irshift,
    "&=": operator.iand, "|=": operator.ior, "^=": operator.ixor, "@=": operator.imatmul,
}


def _guard_inplace(op: str, target: Any, value: Any) -> Any:
    if op in _INPLACE:
        guard, inplace = _INPLACE[op]
        if isinstance(target, list):  # keep list += semantics (in place), after the size check
            if op == "+=":
                value = _bounded_items(value, MAX_ITEMS - len(target), "the extended list")
            elif op == "*=" and isinstance(value, int) and len(target) * value > MAX_ITEMS:
                raise _too_large("the result of '*='", len(target) * value)
            return inplace(target, value)
        return guard(target, value)
    return _PLAIN_INPLACE[op](target, value)


def _bounded_items(values: Any, room: int, what: str) -> Any:
    """``values`` if it holds at most ``room`` items, else refuse (iterators are read up to room+1)."""
    if not hasattr(values, "__len__"):
        values = list(islice(values, max(room, 0) + 1))
    if len(values) > room:
        raise _too_large(what, MAX_ITEMS - room + len(values))
    return values


def _guard_starred(values: Any) -> Any:
    """``*values`` in a list, tuple, set or call: at most MAX_ITEMS items each."""
    return _bounded_items(values, MAX_ITEMS, "the unpacked sequence")


def _check_render_size(value: Any) -> None:
    """Refuse rendering containers that would print too many values (shared references count)."""
    if not isinstance(value, (list, tuple, dict, set, frozenset)):
        return
    size = _count_nodes(value, MAX_ITEMS)
    if size > MAX_ITEMS:
        raise _too_large("the text of this value", size)


_CONTAINER_TYPES = frozenset({dict, list, tuple, set, frozenset})
_TEXT_TYPES = frozenset({str, bytes})


def _count_nodes(value: Any, budget: int) -> int:
    """Roughly the length of ``repr(value)`` or its JSON, stopping past ``budget``.

    Shared references count each time they are reached, as they would be printed; a reference
    back to an enclosing container counts as the few characters repr prints for it.
    """
    count = 0
    stack: list[tuple[Any, bool]] = [(value, False)]
    ancestors: set[int] = set()
    while stack and count <= budget:
        item, leaving = stack.pop()
        if leaving:
            ancestors.discard(id(item))
            continue
        if isinstance(item, (str, bytes)):
            count += len(item) + 2
            continue
        if id(item) in ancestors:
            count += 5
            continue
        if isinstance(item, dict):
            children: Any = [*item.keys(), *item.values()]
        elif isinstance(item, (list, tuple, set, frozenset)):
            children = item
        else:
            count += 1
            continue
        count += 2 + 2 * len(children)
        if count > budget:
            break
        kinds = list(map(type, children))
        count += sum(map(len, compress(children, map(_TEXT_TYPES.__contains__, kinds))))
        ancestors.add(id(item))
        stack.append((item, True))
        stack.extend((child, False) for child in compress(children, map(_CONTAINER_TYPES.__contains__, kinds)))
    return count


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
        if id(item) in done or type(item) not in _CONTAINER_TYPES:
            continue
        ancestors.add(id(item))
        stack.append((item, True))
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, False) for child in children if type(child) in _CONTAINER_TYPES)
    return False


def _check_format(value: Any, spec: str) -> None:
    for digits in re.findall(r"\d+", spec):
        if int(digits) > MAX_FORMAT_WIDTH:
            raise _too_large("a format width or precision", int(digits), MAX_FORMAT_WIDTH)
    if re.search(r"[fF%]", spec):
        _check_huge_decimal(value)
    _check_render_size(value)


_CONVERSIONS: dict[int, Callable[[Any], str]] = {ord("s"): str, ord("r"): repr, ord("a"): ascii}


def _guard_fmt(value: Any, conversion: int, spec: str) -> str:
    """One f-string field, rendered with its conversion and spec after the size checks."""
    _check_format(value, spec)
    if conversion in _CONVERSIONS:
        value = _CONVERSIONS[conversion](value)
    result = format(value, spec)
    if len(result) > MAX_ITEMS:
        raise _too_large("an f-string field", len(result))
    return result


class _SafeFormatter(string.Formatter):
    """``str.format`` whose fields may only reach non-underscore attributes, with a size cap."""

    def __init__(self) -> None:
        self.total = 0

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        first, rest = _string.formatter_field_name_split(field_name)
        obj = self.get_value(first, args, kwargs)
        for is_attr, key in rest:
            obj = safe_getattr(obj, key) if is_attr else obj[key]
        return obj, first

    def format_field(self, value: Any, format_spec: str) -> str:
        _check_format(value, format_spec)
        result = format(value, format_spec)
        self.total += len(result)
        if self.total > MAX_ITEMS:
            raise _too_large("the formatted string", self.total)
        return result


def _safe_format(template: str, *args: Any, **kwargs: Any) -> str:
    return _SafeFormatter().vformat(template, args, kwargs)


def _safe_format_map(template: str, mapping: Any) -> str:
    return _SafeFormatter().vformat(template, (), mapping)


def _check_string_method(name: str, value: Any, args: tuple, kwargs: dict) -> tuple:
    """Check the result size of a str/bytes method that can amplify; return the args to call with."""
    size = len(value)
    if name in ("ljust", "rjust", "center", "zfill"):
        width = args[0] if args else kwargs.get("width", 0)
        if isinstance(width, int) and width > MAX_ITEMS:
            raise _too_large(f"the result of {name}()", width)
    elif name == "expandtabs":
        tabsize = args[0] if args else kwargs.get("tabsize", 8)
        tab = "\t" if isinstance(value, str) else b"\t"
        if isinstance(tabsize, int) and size + value.count(tab) * tabsize > MAX_ITEMS:
            raise _too_large("the result of expandtabs()", size + value.count(tab) * tabsize)
    elif name == "join" and args:
        items = list(args[0])
        total = sum(len(item) for item in items if isinstance(item, (str, bytes))) + size * max(len(items) - 1, 0)
        if total > MAX_ITEMS:
            raise _too_large("the result of join()", total)
        args = (items, *args[1:])
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], (str, bytes)) and isinstance(args[1], (str, bytes)):
        old, new = args[0], args[1]
        if len(new) > len(old):
            found = value.count(old) if old else size + 1
            count = args[2] if len(args) > 2 else kwargs.get("count", -1)
            if isinstance(count, int) and count >= 0:
                found = min(found, count)
            if size + found * (len(new) - len(old)) > MAX_ITEMS:
                raise _too_large("the result of replace()", size + found * (len(new) - len(old)))
    elif name == "translate" and args and isinstance(args[0], dict):
        longest = max((len(v) for v in args[0].values() if isinstance(v, (str, bytes))), default=1)
        if size * longest > MAX_ITEMS:
            raise _too_large("the result of translate()", size * longest)
    return args


_AMPLIFYING = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs", "join", "replace", "translate"})


def _guarded_method(owner: Any, name: str) -> Callable[..., Any]:
    method = getattr(owner, name)
    unbound = isinstance(owner, type)

    def call(*args: Any, **kwargs: Any) -> Any:
        if unbound:
            if not args:
                return method(*args, **kwargs)
            rest = _check_string_method(name, args[0], args[1:], kwargs)
            return method(args[0], *rest, **kwargs)
        return method(*_check_string_method(name, owner, args, kwargs), **kwargs)

    return call


def safe_getattr(obj: Any, name: str, *default: Any) -> Any:
    """``getattr`` for scripts: no names starting with ``_``, no frame/code attributes.

    Args:
        obj: The object.
        name: The attribute name.
        *default: Optional default, as for :func:`getattr`.

    Returns:
        The attribute; ``format``/``format_map`` and amplifying methods of strings come back
        wrapped in size-checking (and attribute-checking) versions.

    Raises:
        AttributeError: For a forbidden name.
    """
    if not isinstance(name, str):
        raise TypeError("attribute name must be a string")
    if name.startswith("_") or name in INSPECT_ATTRIBUTES:
        raise AttributeError(f'access to the attribute "{name}" is not allowed in scripts')
    is_text = isinstance(obj, (str, bytes)) or (isinstance(obj, type) and issubclass(obj, (str, bytes)))
    if is_text and name in ("format", "format_map"):
        if isinstance(obj, type):
            return _safe_format if name == "format" else _safe_format_map
        return (lambda *a, **k: _safe_format(obj, *a, **k)) if name == "format" else (lambda m: _safe_format_map(obj, m))
    if is_text and name in _AMPLIFYING:
        return _guarded_method(obj, name)
    if name == "extend" and isinstance(obj, list):
        def extend(values: Any) -> None:
            obj.extend(_bounded_items(values, MAX_ITEMS - len(obj), "the extended list"))

        return extend
    return getattr(obj, name, *default)


def _guard_getitem(obj: Any, key: Any) -> Any:
    return obj[key]


def _guard_apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


def _bounded_range(*args: int) -> range:
    values = range(*args)
    try:
        size = len(values)
    except OverflowError:
        size = MAX_ITEMS + 1
    if size > MAX_ITEMS:
        raise _too_large("range()", size)
    return values


def _safe_int(value: Any = 0, *args: Any) -> int:
    _check_huge_decimal(value)
    return int(value, *args)


def _safe_round(value: Any, *args: Any) -> Any:
    _check_huge_decimal(value)
    return round(value, *args)


class _StrType(type):
    """Makes the script's ``str`` work with ``isinstance`` and ``str.method`` while checking size."""

    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, str)

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, str)

    def __call__(cls, value: Any = "", *args: Any) -> str:  # type: ignore[override]
        if type(value) in _CONTAINER_TYPES:
            _check_render_size(value)
        return str(value, *args)

    def __getattr__(cls, name: str) -> Any:
        return safe_getattr(str, name)


class SafeStr(metaclass=_StrType):
    """The ``str`` scripts see."""


GUARDS: dict[str, Any] = {
    "_getattr_": safe_getattr,
    "_getitem_": _guard_getitem,
    "_getiter_": iter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _guard_inplace,
    "_apply_": _guard_apply,
    "_mul_": _guard_mul,
    "_pow_": _guard_pow,
    "_lshift_": _guard_lshift,
    "_add_": _guard_add,
    "_mod_": _guard_mod,
    "_fmt_": _guard_fmt,
    "_starred_": _guard_starred,
}

_SAFE_BUILTINS: dict[str, Any] = {
    "len": len, "min": min, "max": max, "sum": sum, "sorted": sorted, "reversed": reversed,
    "any": any, "all": all, "abs": abs, "round": _safe_round, "divmod": divmod,
    "int": _safe_int, "float": float, "str": SafeStr, "bool": bool, "list": list, "dict": dict,
    "set": set, "tuple": tuple, "enumerate": enumerate, "zip": zip, "map": map, "filter": filter,
    "range": _bounded_range, "isinstance": isinstance, "getattr": safe_getattr,
    "datetime": datetime, "date": date, "timedelta": timedelta, "Decimal": Decimal,
    "None": None, "True": True, "False": False,
    "Exception": Exception, "ValueError": ValueError, "TypeError": TypeError, "KeyError": KeyError,
    "IndexError": IndexError, "ZeroDivisionError": ZeroDivisionError, "ArithmeticError": ArithmeticError,
    "LookupError": LookupError,
}


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
        self.builtins = {**_SAFE_BUILTINS, **helpers}
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
        if _count_nodes(scope, MAX_DATA_SIZE) > MAX_DATA_SIZE:
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
        self.helpers = ScriptHelpers(clock, calendar)
        this_year = clock.now().astimezone(calendar.tz).year
        calendar.preload((this_year, this_year + 1))  # not inside the first script's time limit
        super().__init__(environment=RestrictedEnvironment(self.helpers.as_builtins(), time_limit_s, memory_limit_mb))
        self.service_caller = service_caller

    def evaluate(self, task: Any, expression: str, external_context: dict | None = None) -> Any:
        """Evaluate an expression against the task's data (the reason is kept in the message)."""
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except SpiffWorkflowException as err:
            err.add_note(f"Error evaluating expression '{expression}'")
            raise
        except Exception as err:
            line, _ = self.get_error_line_number_and_content(expression, err)
            raise WorkflowTaskException(
                f"Error evaluating expression '{expression}': {_describe(err)}",
                task=task, exception=err, line_number=line or None,
            ) from err

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
        lines = script.splitlines()
        error_line = lines[line - 1] if line and 0 < line <= len(lines) else ""
        return line or 0, error_line


def _describe(err: BaseException) -> str:
    return f"{err.__class__.__name__}: {err}"
