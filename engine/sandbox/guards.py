"""The sandbox's runtime guards and its errors, used by :mod:`engine.sandbox.environment`.

:class:`~engine.sandbox.policy.SandboxPolicy` turns ``*``, ``**``, ``<<``, ``+``, ``%``,
``*iterable`` and f-string fields into calls of the :data:`GUARDS`, which check a result's size
before computing it; :func:`safe_getattr`, the safe formatter and the guarded
string methods refuse underscore attributes and amplifying calls. :data:`SAFE_BUILTINS` is the
whitelist of builtins a script sees.
"""
from __future__ import annotations

import _string  # the parser behind string.Formatter
import math
import operator
import re
import string
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import compress, islice
from typing import Any

from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
)
from RestrictedPython.transformer import INSPECT_ATTRIBUTES

MAX_ITEMS = 1_000_000
"""Largest string, bytes, list or tuple one operation may build (characters or items)."""
MAX_INT_BITS = 65_536
MAX_FORMAT_WIDTH = 10_000


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
    size = count_nodes(value, MAX_ITEMS)
    if size > MAX_ITEMS:
        raise _too_large("the text of this value", size)


CONTAINER_TYPES = frozenset({dict, list, tuple, set, frozenset})
_TEXT_TYPES = frozenset({str, bytes})


def count_nodes(value: Any, budget: int) -> int:
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
        stack.extend((child, False) for child in compress(children, map(CONTAINER_TYPES.__contains__, kinds)))
    return count


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
    elif (name == "replace" and len(args) >= 2 and isinstance(args[0], (str, bytes))
          and isinstance(args[1], (str, bytes))):
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
        if name == "format":
            return lambda *a, **k: _safe_format(obj, *a, **k)
        return lambda m: _safe_format_map(obj, m)
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

    def __call__(cls, value: Any = "", *args: Any) -> str:
        if type(value) in CONTAINER_TYPES:
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

SAFE_BUILTINS: dict[str, Any] = {
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
