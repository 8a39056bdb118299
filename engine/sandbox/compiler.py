"""Compiling untrusted scripts and expressions under the sandbox policy, with a cache of the results.

Every script and expression is compiled by RestrictedPython with
:class:`~engine.sandbox.policy.SandboxPolicy` (no imports, no dunder or frame attributes, no
``try``/``with``/``class``); a loop that jumps to itself is refused here, as the line tracer
never sees it.
"""
from __future__ import annotations

import dis
import re
import threading
from collections import OrderedDict
from types import CodeType

from RestrictedPython import compile_restricted_eval, compile_restricted_exec

from engine.sandbox.guards import ScriptRefused
from engine.sandbox.policy import SandboxPolicy

SCRIPT_FILENAME = "<fao-script>"
"""The file name of compiled scripts: the tracer and error lines recognise script frames by it."""
CACHE_SIZE = 1_024

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


CODE_CACHE = _CodeCache(CACHE_SIZE)
"""Shared by every engine in the process: compiled code depends only on the source and mode."""
