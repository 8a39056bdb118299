"""The hot-path writes' fast road, behind one switch (``make_engine(..., fast_writes=...)``,
``FAO_FAST_WRITES``); with it off, every write goes through the session as SQLAlchemy executes it.

The repositories' hot-path writes are Core statements whose results nobody reads. SQLAlchemy's
execution of such a small statement (the compiled-cache lookup, the execution context, the result
object) costs more than the database's own work for it, and on PostgreSQL each is a round trip.
With the fast road on, each statement is compiled once per engine and sent by the DBAPI cursor,
with each parameter converted by its type's bind processor, as SQLAlchemy converts it:

- **SQLite** writes at once, on the session's own DBAPI connection inside the transaction
  SQLAlchemy began; a DBAPI error is raised as SQLAlchemy raises it (``IntegrityError`` ...).
- **PostgreSQL** (psycopg 3) queues the writes on the connection; they go to the server with the
  COMMIT in one pipeline, so a command's writes and its commit cost about one round trip.

The PostgreSQL queue's guarantees:

- Nothing reads around a queued write: every statement SQLAlchemy sends on the connection (ORM
  or Core, a read, a flush, a savepoint) and every COMMIT first sends the queue, in order.
- A transaction's end (commit or rollback) or a new transaction discards what is left queued.
- A failing write fails the transaction as it did unqueued: the server aborts the rest of the
  pipeline and the caller sees SQLAlchemy's exception; nothing commits.
- The revision check stays exact: a queued state write is sent as a statement that fails when
  its ``UPDATE`` matched no row, and that failure is raised as :class:`store.errors.StaleState`.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import event, func, literal_column, select
from sqlalchemy.engine import Connection, CursorResult, Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.sql import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import Update
from sqlalchemy.sql.elements import ClauseElement, ColumnElement

from store.errors import StaleState

Params = dict[str, Any]
DbapiParams = MutableMapping[str, Any] | list[Any]  # by name, or in order for a positional style
KEY = "fao_fast_writes"  # in the DBAPI connection's ``info``: its DirectWriter or WriteBatch
_DIVISION_BY_ZERO = "22012"  # the SQLSTATE a checked state write fails with when it matched no row


class Prepared:
    """A statement compiled for one dialect, with the bind processor of each of its parameters."""

    def __init__(self, stmt: Executable, column_keys: Sequence[str], engine: Engine) -> None:
        dialect = engine.dialect
        # every statement here is a ClauseElement, and compiles to an SQLCompiler
        self.compiled = cast(SQLCompiler, cast(ClauseElement, stmt).compile(
            dialect=dialect, column_keys=list(column_keys), for_executemany=True))
        self.sql = self.compiled.string
        self.positions = self.compiled.positiontup  # None for named parameter styles
        self.processors = [
            (name, proc) for name, bind in self.compiled.binds.items()
            if (proc := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        ]

    def params(self, values: Params) -> DbapiParams:
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


def _rows(params: Params | Sequence[Params]) -> list[Params]:
    return [params] if isinstance(params, dict) else list(params)


def _many(rows: list[DbapiParams]) -> Sequence[Mapping[str, Any]] | Sequence[Sequence[Any]]:
    """Rows for ``executemany``: all by name or all in order (one statement has one style)."""
    return cast(Sequence[Mapping[str, Any]] | Sequence[Sequence[Any]], rows)


def _dbapi_of(conn: Connection) -> DBAPIConnection:
    """The DBAPI connection under ``conn`` (there while the connection is open)."""
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None, "the connection is closed"
    return dbapi


class DirectWriter:
    """SQLite: writes sent at once by the DBAPI cursor."""

    def __init__(self, prepared: PreparedStatements) -> None:
        self._prepared = prepared

    def execute(self, conn: Connection, stmt: Executable, params: Params | Sequence[Params]) -> int:
        """Run ``stmt`` for one row of parameters or several; returns the rows it changed."""
        rows = _rows(params)
        if not rows:
            return 0
        compiled = self._prepared.get(stmt, tuple(rows[0]))
        values = [compiled.params(r) for r in rows]
        dbapi = conn.dialect.loaded_dbapi
        cursor = _dbapi_of(conn).cursor()
        try:
            if len(values) == 1:
                cursor.execute(compiled.sql, values[0])
            else:
                cursor.executemany(compiled.sql, _many(values))
            return cursor.rowcount
        except dbapi.Error as exc:
            raise DBAPIError.instance(compiled.sql, values, exc, dbapi.Error, dialect=conn.dialect) from exc
        finally:
            cursor.close()


class WriteBatch:
    """PostgreSQL: the queued writes of one DBAPI connection's current transaction."""

    def __init__(self, prepared: PreparedStatements) -> None:
        self._prepared = prepared  # shared by the engine's connections
        self._pending: list[tuple[str, DbapiParams | list[DbapiParams]]] = []
        self._checked = False  # a revision-checked write is queued

    def __bool__(self) -> bool:
        return bool(self._pending)

    def add(self, stmt: Executable, params: Params | Sequence[Params], checked: bool = False) -> None:
        """Queue ``stmt`` with one row of parameters or several (sent as an executemany)."""
        rows = _rows(params)
        if not rows:
            return
        prepared = self._prepared.get(stmt, tuple(rows[0]))
        converted = [prepared.params(r) for r in rows]  # now: later changes to the objects do not leak in
        self._pending.append((prepared.sql, converted[0] if isinstance(params, dict) else converted))
        self._checked = self._checked or checked

    def discard(self) -> None:
        self._pending.clear()
        self._checked = False

    def send(self, conn: Connection, commit: bool = False) -> None:
        """Send the queue in one pipeline (one round trip: the pipeline's closing Sync) and wait
        for its results; with ``commit`` a COMMIT ends the pipeline.

        The COMMIT is queued as a statement because psycopg's ``commit()`` syncs the pipeline
        itself (a second round trip); SQLAlchemy's commit that follows finds the connection idle
        and sends nothing.
        """
        pending, checked = list(self._pending), self._checked
        self.discard()
        dbapi = _dbapi_of(conn)
        with self._errors(conn, checked), dbapi.pipeline():
            cur = dbapi.cursor()
            for sql, params in pending:
                if isinstance(params, list):
                    cur.executemany(sql, _many(params))
                else:
                    cur.execute(sql, params)
            if commit:
                cur.execute("COMMIT")

    @contextmanager
    def _errors(self, conn: Connection, checked: bool) -> Iterator[None]:
        """Raise a failed pipeline as SQLAlchemy raises a failed statement; a checked state write
        that matched no row as :class:`StaleState`."""
        dbapi_error = conn.dialect.loaded_dbapi.Error
        try:
            yield
        except dbapi_error as exc:
            if checked and getattr(exc, "sqlstate", None) == _DIVISION_BY_ZERO:
                raise StaleState("the case was saved by another transaction") from exc
            lost = conn.dialect.is_disconnect(exc, conn.connection.dbapi_connection, None)
            if lost:
                conn.invalidate(exc)
            raise DBAPIError.instance(None, None, exc, dbapi_error, connection_invalidated=lost,
                                      dialect=conn.dialect) from exc


def checked_update(stmt: Update, key_column: ColumnElement[Any]) -> Executable:
    """``stmt`` as a statement that fails (division by zero) when the UPDATE matched no row."""
    saved = stmt.returning(key_column).cte("saved")
    return select(literal_column("1").op("/")(func.count())).select_from(saved)


def _fast_of(conn: Connection) -> DirectWriter | WriteBatch | None:
    """The connection's fast road; None when it is off or the connection is already lost."""
    if conn.invalidated or conn.closed:
        return None
    return conn.info.get(KEY)


def batch_of(session: Session) -> WriteBatch | None:
    """The write queue of the session's connection (PostgreSQL with the fast road); else None."""
    fast = _fast_of(session.connection())
    return fast if isinstance(fast, WriteBatch) else None


def write(session: Session, stmt: Executable, params: Params | Sequence[Params]) -> None:
    """Execute a write whose result nobody reads (queued on PostgreSQL's fast road)."""
    conn = session.connection()
    fast = _fast_of(conn)
    if isinstance(fast, WriteBatch):
        fast.add(stmt, params)
    else:
        write_now(session, stmt, params)


def write_now(session: Session, stmt: Executable, params: Params | Sequence[Params]) -> int:
    """Execute a write at once; returns the rows it changed."""
    conn = session.connection()
    fast = _fast_of(conn)
    if isinstance(fast, DirectWriter):
        return fast.execute(conn, stmt, params)
    result = cast(CursorResult[Any], session.execute(stmt, params))  # a write's result is a CursorResult
    return result.rowcount  # a queue is sent before it (see install)


def write_checked(session: Session, stmt: Update, checked: Executable, params: Params) -> bool:
    """An ``UPDATE`` that must change one row: False when it changed none. On PostgreSQL's fast
    road the ``checked`` form is queued and True returned; a lost race then raises
    :class:`StaleState` when the queue is sent."""
    batch = batch_of(session)
    if batch is not None:
        batch.add(checked, params, checked=True)
        return True
    return write_now(session, stmt, params) == 1


def send_queued(session: Session) -> None:
    """Send the queued writes now (their errors then surface here, not at the commit)."""
    if session.in_transaction():
        conn = session.connection()
        batch = _fast_of(conn)
        if isinstance(batch, WriteBatch) and batch:
            batch.send(conn)


def commit(session: Session) -> None:
    """Commit the session; queued writes and the COMMIT go in one pipeline when nothing else
    (an ORM flush, the transaction's BEGIN) has to go first."""
    if not session.in_transaction():
        session.commit()
        return
    conn = session.connection()
    batch = _fast_of(conn)
    if (not isinstance(batch, WriteBatch) or not batch or session.new or session.dirty or session.deleted
            or _dbapi_of(conn).info.transaction_status.name == "IDLE"):
        session.commit()  # the listeners below send the queue first
        return
    batch.send(conn, commit=True)
    session.commit()  # ends SQLAlchemy's transaction; psycopg sees it committed and sends nothing


def install(engine: Engine) -> None:
    """Turn the fast road on for the engine: direct writes on SQLite, the write queue on
    PostgreSQL with psycopg 3; other databases keep SQLAlchemy's execution."""
    prepared = PreparedStatements(engine)
    if engine.dialect.name == "sqlite":
        writer = DirectWriter(prepared)

        @event.listens_for(engine, "connect")
        def _direct(_dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
            record.info[KEY] = writer
        return
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
        return

    @event.listens_for(engine, "connect")
    def _new_batch(_dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
        record.info[KEY] = WriteBatch(prepared)

    @event.listens_for(engine, "begin")
    @event.listens_for(engine, "rollback")
    def _discard(conn: Connection) -> None:
        batch = _fast_of(conn)
        if isinstance(batch, WriteBatch):
            batch.discard()

    @event.listens_for(engine, "before_cursor_execute")
    def _send_before_statement(conn: Connection, *_args: Any) -> None:
        batch = _fast_of(conn)
        if isinstance(batch, WriteBatch) and batch:
            batch.send(conn)

    @event.listens_for(engine, "commit")
    def _send_before_commit(conn: Connection) -> None:
        batch = _fast_of(conn)
        if isinstance(batch, WriteBatch) and batch:
            batch.send(conn)
