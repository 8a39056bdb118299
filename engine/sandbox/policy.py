"""The sandbox's compile-time policy: RestrictedPython's transformer, tightened for workflow scripts.

No imports, ``try``, ``with`` or ``class``; ``exec``, ``eval``, ``open`` and their kind are not
names a script may use; ``*``, ``**``, ``<<``, ``+``, ``%``, ``*iterable`` and f-string fields
become calls of the runtime guards in :mod:`engine.sandbox.guards`.
"""
from __future__ import annotations

import ast
from typing import Any

from RestrictedPython.transformer import RestrictingNodeTransformer, copy_locations

_GUARDED_BINOPS = {ast.Mult: "_mul_", ast.Pow: "_pow_", ast.LShift: "_lshift_", ast.Add: "_add_", ast.Mod: "_mod_"}
_REFUSED_NAMES = frozenset({"exec", "eval", "compile", "open", "globals", "locals", "vars", "breakpoint", "print",
                            "printed"})


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
