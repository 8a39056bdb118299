"""Hot-path statements compiled once per engine, for the DBAPI cursor.

SQLAlchemy's execution of a small statement (the compiled-cache lookup, the execution context,
the result object) costs more than the database's own work for it. The repositories' hot-path
writes are therefore compiled once for the engine's dialect and sent by the DBAPI cursor, with
each parameter converted by its type's bind processor, as SQLAlchemy's own execution converts it.
"""
from __future__ import annotations

from typing import Any, Sequence

from sqlalchemy.engine import Engine
from sqlalchemy.sql import Executable

Params = dict[str, Any]


class Prepared:
    """A statement compiled for one dialect, with the bind processor of each of its parameters."""

    def __init__(self, stmt: Executable, column_keys: Sequence[str], engine: Engine) -> None:
        dialect = engine.dialect
        self.compiled = stmt.compile(dialect=dialect, column_keys=list(column_keys), for_executemany=True)
        self.sql = self.compiled.string
        self.positions = self.compiled.positiontup  # None for named parameter styles
        self.processors = [
            (name, proc) for name, bind in self.compiled.binds.items()
            if (proc := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        ]

    def params(self, values: Params) -> Params | list[Any]:
        """The DBAPI parameters for one row, converted as SQLAlchemy converts them (a list in
        the statement's order for a positional parameter style such as SQLite's)."""
        out = self.compiled.construct_params(values)
        for name, proc in self.processors:
            if name in out:
                out[name] = proc(out[name])
        return out if self.positions is None else [out[name] for name in self.positions]


class PreparedStatements:
    """The compiled forms of an engine's hot-path statements, by statement and parameter names."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._prepared: dict[tuple[int, tuple[str, ...]], Prepared] = {}

    def get(self, stmt: Executable, keys: tuple[str, ...]) -> Prepared:
        prepared = self._prepared.get((id(stmt), keys))
        if prepared is None:  # an entry keeps its statement alive, so id() stays unique
            prepared = self._prepared[(id(stmt), keys)] = Prepared(stmt, keys, self._engine)
        return prepared
