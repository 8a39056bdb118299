"""Repositories, one per noun: the write side of the tables. They flush (or send the hot-path
writes by :mod:`store.fast_writes`), never commit; the reads are in :mod:`store.reads`."""
from store.repositories.audit import AuditRepository
from store.repositories.events import EventRepository
from store.repositories.incidents import IncidentRepository
from store.repositories.instances import InstanceRepository
from store.repositories.misc import MiscRepository
from store.repositories.processes import ProcessRepository
from store.repositories.registers import RegisterRepository
from store.repositories.tasks import HumanTaskRepository
from store.repositories.users import UserRepository, hash_token

__all__ = ["AuditRepository", "EventRepository", "HumanTaskRepository", "IncidentRepository",
           "InstanceRepository", "MiscRepository", "ProcessRepository", "RegisterRepository",
           "UserRepository", "hash_token"]
