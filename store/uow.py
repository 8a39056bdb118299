"""The unit of work: one session, one transaction; rollback unless committed."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from store import fast_writes
from store import repositories as repos
from store.reads import Reads


class UnitOfWork:
    """Holds one session, its repositories (the write side) and its reads for one command.

    Usage::

        with UnitOfWork(factory) as uow:
            ...
            uow.commit()

    What is not committed is rolled back. With ``read_only`` the unit of work only reads: on
    PostgreSQL its transaction is ``READ ONLY`` and ends with a COMMIT (see :meth:`_end_read`).
    """

    def __init__(self, session_factory: sessionmaker[Session] | Callable[[], Session],
                 read_only: bool = False) -> None:
        self._session_factory = session_factory
        self.read_only = read_only
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        self._pg_read = self.read_only and self.dialect == "postgresql"
        if self._pg_read:
            self.session.connection(execution_options={"postgresql_readonly": True})  # BEGIN READ ONLY
        self.processes = repos.ProcessRepository(self.session)
        self.instances = repos.InstanceRepository(self.session)
        self.tasks = repos.HumanTaskRepository(self.session)
        self.events = repos.EventRepository(self.session)
        self.incidents = repos.IncidentRepository(self.session)
        self.audit = repos.AuditRepository(self.session)
        self.users = repos.UserRepository(self.session)
        self.misc = repos.MiscRepository(self.session)
        self.registers = repos.RegisterRepository(self.session)
        self.reads = Reads(self.session)
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None and self._pg_read:
            self._end_read()
        # close() rolls back what was not committed and detaches objects without expiring them
        self.session.close()

    def _end_read(self) -> None:
        """End a read-only PostgreSQL transaction with COMMIT rather than ROLLBACK: after a
        ROLLBACK psycopg drops every statement it prepared on the connection (and sends
        ``DEALLOCATE ALL``), so the commands that next use the connection are planned again. The
        server refuses writes in a READ ONLY transaction, so the COMMIT cannot write anything;
        an object changed in memory while reading is still thrown away by the ROLLBACK of close()."""
        s = self.session
        if s.in_transaction() and not (s.new or s.dirty or s.deleted):
            s.commit()

    def commit(self) -> None:
        """Commit; on PostgreSQL the queued writes go with the COMMIT in one round trip."""
        fast_writes.commit(self.session)

    def send_writes(self) -> None:
        """Send the writes PostgreSQL holds for the commit now, so their errors surface here."""
        fast_writes.send_queued(self.session)

    def detach_all(self) -> None:
        """Detach every loaded row, so it stays readable after the unit of work ends."""
        self.session.expunge_all()

    def rollback(self) -> None:
        self.session.rollback()

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name
