"""PostgreSQL write batch: a command's hot-path writes travel with its COMMIT in one pipeline.

On PostgreSQL every statement is a round trip. The repositories' hot-path writes (Core
statements whose results nobody reads) are therefore queued on the connection instead of sent,
and go to the server together with the COMMIT in one psycopg 3 pipeline: a command's writes and
its commit cost about one round trip. SQLite has no round trips and writes at once.

Guarantees:

- Nothing reads around a queued write: every statement SQLAlchemy sends on the connection (ORM
  or Core, a read, a flush, a savepoint) and every COMMIT first sends the queue, in order.
- A transaction's end (commit or rollback) or a new transaction discards what is left queued.
- A failing write fails the transaction as it did unqueued: the server aborts the rest of the
  pipeline and the caller sees SQLAlchemy's exception (``IntegrityError`` ...); nothing commits.
- The revision check stays exact: a queued state write is sent as a statement that fails when
  its ``UPDATE`` matched no row, and that failure is raised as :class:`store.errors.StaleState`.

Statements are compiled once per engine for its dialect; parameters are built with the compiled
form's ``construct_params`` and each bind's type processor, as SQLAlchemy's own execution does,
so the values written are the same.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Sequence

from sqlalchemy import event, func, literal_column, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable
from sqlalchemy.sql.dml import Update

from store import direct_writes
from store.errors import StaleState
from store.prepared import Params, PreparedStatements

KEY = "fao_write_batch"  # in the DBAPI connection's ``info``: the batch of that connection
_DIVISION_BY_ZERO = "22012"  # the SQLSTATE a checked state write fails with when it matched no row



def checked_update(stmt: Update, key_column) -> Executable:
    """``stmt`` as a statement that fails (division by zero) when the UPDATE matched no row."""
    saved = stmt.returning(key_column).cte("saved")
    return select(literal_column("1").op("/")(func.count())).select_from(saved)


class WriteBatch:
    """The queued writes of one DBAPI connection's current transaction."""

    def __init__(self, prepared: PreparedStatements) -> None:
        self._prepared = prepared  # shared by the engine's connections
        self._pending: list[tuple[str, Params | list[Params]]] = []
        self._checked = False  # a revision-checked write is queued

    def __bool__(self) -> bool:
        return bool(self._pending)

    def add(self, stmt: Executable, params: Params | Sequence[Params], checked: bool = False) -> None:
        """Queue ``stmt`` with one row of parameters or several (sent as an executemany)."""
        rows = [params] if isinstance(params, dict) else list(params)
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
        dbapi = conn.connection.dbapi_connection
        with self._errors(conn, checked):
            with dbapi.pipeline():
                cur = dbapi.cursor()
                for sql, params in pending:
                    if isinstance(params, list):
                        cur.executemany(sql, params)
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


def batch_of(conn: Connection) -> WriteBatch | None:
    """The connection's batch; None where writes go at once (SQLite, engines without a batch)
    and on a connection already lost (its queue went with it)."""
    if conn.invalidated or conn.closed:
        return None
    return conn.info.get(KEY)


def write(session: Session, stmt: Executable, params: Params | Sequence[Params]) -> None:
    """Execute a write whose result nobody reads, or queue it on PostgreSQL."""
    conn = session.connection()
    batch = batch_of(conn)
    if batch is None:
        execute_now(conn, stmt, params)
    else:
        batch.add(stmt, params)


def execute_now(conn: Connection, stmt: Executable, params: Params | Sequence[Params]) -> int:
    """Execute a write at once (directly by the DBAPI cursor on SQLite); returns its row count."""
    direct = direct_writes.writer_of(conn)
    if direct is not None:
        return direct_writes.execute(conn, direct, stmt, params)
    return conn.execute(stmt, params).rowcount


def send_queued(session: Session) -> None:
    """Send the queued writes now (their errors then surface here, not at the commit)."""
    if session.in_transaction():
        conn = session.connection()
        batch = batch_of(conn)
        if batch:
            batch.send(conn)


def commit(session: Session) -> None:
    """Commit the session; queued writes and the COMMIT go in one pipeline when nothing else
    (an ORM flush, the transaction's BEGIN) has to go first."""
    if not session.in_transaction():
        session.commit()
        return
    conn = session.connection()
    batch = batch_of(conn)
    dbapi = conn.connection.dbapi_connection
    if (batch is None or not batch or session.new or session.dirty or session.deleted
            or dbapi.info.transaction_status.name == "IDLE"):
        session.commit()  # the listeners below send the queue first
        return
    batch.send(conn, commit=True)
    session.commit()  # ends SQLAlchemy's transaction; psycopg sees it committed and sends nothing


def install(engine: Engine) -> None:
    """Give each of the engine's DBAPI connections a write batch (PostgreSQL with psycopg 3)."""
    prepared = PreparedStatements(engine)

    @event.listens_for(engine, "connect")
    def _new_batch(_dbapi_connection, record) -> None:
        record.info[KEY] = WriteBatch(prepared)

    @event.listens_for(engine, "begin")
    @event.listens_for(engine, "rollback")
    def _discard(conn: Connection) -> None:
        batch = batch_of(conn)
        if batch is not None:
            batch.discard()

    @event.listens_for(engine, "before_cursor_execute")
    def _send_before_statement(conn: Connection, *_args) -> None:
        batch = batch_of(conn)
        if batch:
            batch.send(conn)

    @event.listens_for(engine, "commit")
    def _send_before_commit(conn: Connection) -> None:
        batch = batch_of(conn)
        if batch:
            batch.send(conn)
