"""Engine and session-factory construction (no work at import time)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from store import pg_pool
from store.fast_writes import install as fast_writes_on


def make_engine(url: str, fast_writes: bool = True, **kwargs: Any) -> Engine:
    """Create a SQLAlchemy engine; SQLite gets WAL, foreign keys and a busy timeout, PostgreSQL
    (psycopg 3) a pool that finds dead connections without a round trip (:mod:`store.pg_pool`);
    other URLs a pre-pinged pool.

    Args:
        url: any SQLAlchemy URL.
        fast_writes: send the hot-path writes by the fast road of :mod:`store.fast_writes`
            (direct DBAPI writes on SQLite, one pipeline with the COMMIT on PostgreSQL); off, they
            go through the session as SQLAlchemy executes them.
        **kwargs: passed to ``create_engine``.

    Returns:
        The engine.
    """
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")  # pragma: no cover - exercised by every sqlite test
        def _sqlite_pragmas(dbapi_conn: Any, _record: ConnectionPoolEntry) -> None:
            dbapi_conn.isolation_level = None  # let SQLAlchemy's BEGIN below drive transactions
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:  # pragma: no cover
            # BEGIN IMMEDIATE: a write transaction serialises at its start, so a
            # read-modify-write cannot interleave with another writer.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        if fast_writes:
            fast_writes_on(engine)
        return engine
    if make_url(url).drivername != "postgresql+psycopg":
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(url, **kwargs)
    # psycopg 3: dead pooled connections are found without a round trip
    engine = create_engine(url, **pg_pool.engine_options(kwargs))
    pg_pool.install(engine)
    if fast_writes:
        fast_writes_on(engine)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to the engine; sessions do not expire on commit."""
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def is_connection_error(exc: BaseException) -> bool:
    """Whether an exception means the database connection was lost or refused."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError) and "locked" not in str(exc).lower()


def dispose_sessions(session_factory: Callable[[], Session]) -> None:
    """Close every pooled connection of the database a session factory is bound to."""
    with session_factory() as session:
        bind = session.get_bind()
    if isinstance(bind, Engine):
        bind.dispose()
