"""The unit of work: one session, one transaction; rollback unless committed."""
from __future__ import annotations

from typing import Callable

from sqlalchemy.orm import Session, sessionmaker

from store import repositories as repos
from store import write_batch


class UnitOfWork:
    """Holds one session and its repositories for one command.

    Usage::

        with UnitOfWork(factory) as uow:
            ...
            uow.commit()
    """

    def __init__(self, session_factory: sessionmaker[Session] | Callable[[], Session]) -> None:
        self._session_factory = session_factory
        self.session: Session

    def __enter__(self) -> "UnitOfWork":
        self.session = self._session_factory()
        self.processes = repos.ProcessRepository(self.session)
        self.instances = repos.InstanceRepository(self.session)
        self.tasks = repos.HumanTaskRepository(self.session)
        self.events = repos.EventRepository(self.session)
        self.incidents = repos.IncidentRepository(self.session)
        self.audit = repos.AuditRepository(self.session)
        self.users = repos.UserRepository(self.session)
        self.misc = repos.MiscRepository(self.session)
        return self

    def __exit__(self, *exc: object) -> None:
        # close() rolls back what was not committed and detaches objects without expiring them
        self.session.close()

    def commit(self) -> None:
        """Commit; on PostgreSQL the queued writes go with the COMMIT in one round trip."""
        write_batch.commit(self.session)

    def send_writes(self) -> None:
        """Send the writes PostgreSQL holds for the commit now, so their errors surface here."""
        write_batch.send_queued(self.session)

    def rollback(self) -> None:
        self.session.rollback()

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name
