"""PostgreSQL connections in the pool: dead ones are found without a round trip.

``pool_pre_ping`` would cost a round trip on every checkout. Instead a pooled connection is
checked where it already is, on the client: an idle connection has nothing to read, so a socket
with data or an error waiting means the server ended the session (a terminated backend, a
restart: the server sends its FATAL message and closes) and the pool replaces the connection
before any statement is sent. TCP keepalives turn a connection lost silently (a dropped route,
an idle-timeout firewall) into such a socket error, and ``pool_recycle`` bounds a connection's
age. What stays, as with a pre-ping, is a server that goes away between the checkout and the
first statement: that command fails with a connection error and the next one reconnects.
"""
from __future__ import annotations

import select
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

RECYCLE_S = 1800
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}


def engine_options(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``create_engine`` options for PostgreSQL: recycling and keepalives (the caller's win)."""
    options = {"pool_recycle": RECYCLE_S, **kwargs}
    options["connect_args"] = {**KEEPALIVES, **kwargs.get("connect_args", {})}
    return options


def usable(dbapi_connection: Any) -> bool:
    """Whether an idle psycopg connection is still open: not closed, nothing waiting to be read."""
    if dbapi_connection.closed or dbapi_connection.broken:
        return False
    poller = select.poll()
    poller.register(dbapi_connection.pgconn.socket, select.POLLIN | select.POLLPRI)
    return not poller.poll(0)  # POLLERR / POLLHUP are reported whatever was asked


def install(engine: Engine) -> None:
    """Check every connection the engine's pool hands out; the pool replaces a dead one."""

    @event.listens_for(engine, "checkout")
    def _check_alive(
        dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry, _proxy: PoolProxiedConnection
    ) -> None:
        if not usable(dbapi_connection):
            raise DisconnectionError("the server closed this pooled connection")
