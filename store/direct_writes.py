"""SQLite: the hot-path writes sent at once by the DBAPI cursor, compiled once per engine.

SQLite has no round trip to save (PostgreSQL queues these writes: :mod:`store.write_batch`), but
SQLAlchemy's execution of each small write costs more than SQLite's own work for it. The same
Core statements are compiled once (:mod:`store.prepared`) and executed on the session's own DBAPI
connection, inside the transaction SQLAlchemy began; a DBAPI error is raised as SQLAlchemy
raises it (``IntegrityError`` ...).
"""
from __future__ import annotations

from typing import Sequence

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable

from store.prepared import Params, PreparedStatements

KEY = "fao_direct_writes"  # in the DBAPI connection's ``info``: the engine's prepared statements


def writer_of(conn: Connection) -> PreparedStatements | None:
    """The prepared statements of a connection that writes directly; None elsewhere."""
    if conn.invalidated or conn.closed:
        return None
    return conn.info.get(KEY)


def execute(conn: Connection, prepared: PreparedStatements, stmt: Executable,
            params: Params | Sequence[Params]) -> int:
    """Run ``stmt`` for one row of parameters or several; returns the rows it changed."""
    rows = [params] if isinstance(params, dict) else list(params)
    if not rows:
        return 0
    compiled = prepared.get(stmt, tuple(rows[0]))
    values = [compiled.params(r) for r in rows]
    dbapi = conn.dialect.loaded_dbapi
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        if len(values) == 1:
            cursor.execute(compiled.sql, values[0])
        else:
            cursor.executemany(compiled.sql, values)
        return cursor.rowcount
    except dbapi.Error as exc:
        raise DBAPIError.instance(compiled.sql, values, exc, dbapi.Error, dialect=conn.dialect) from exc
    finally:
        cursor.close()


def install(engine: Engine) -> None:
    """Let each of the engine's DBAPI connections write directly (SQLite)."""
    prepared = PreparedStatements(engine)

    @event.listens_for(engine, "connect")
    def _direct(_dbapi_connection, record) -> None:
        record.info[KEY] = prepared
