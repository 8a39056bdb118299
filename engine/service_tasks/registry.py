"""The registry of service-task handlers: the small interface ``processes/`` builds on.

A BPMN service task names an operator (``spiffworkflow:serviceTaskOperator id="NAME"``); the
engine calls the handler registered under that name with the evaluated parameters and a
:class:`ServiceContext` bound to the current command's transaction.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


class ServiceContext(Protocol):
    """What a handler may do; every call joins the current command's transaction."""

    instance_id: str
    process_key: str
    business_key: str | None
    started_by: str | None
    actor: str | None
    locale: str

    def now(self) -> datetime:
        """The engine clock (aware UTC)."""

    def next_sequence(self, category: str, year: int) -> int:
        """The next number of a per-(category, year) counter, without gaps or duplicates."""

    def store_attachment(self, name: str, content_type: str, content: bytes) -> str:
        """Store a generated file; returns its attachment id."""

    def notify(self, username: str, message: str, message_en: str | None = None) -> None:
        """Leave an in-app notification for a user."""

    def task_data(self) -> dict[str, Any]:
        """A copy of the data of the task being run."""

    def write_register(self, register: str, key: str, values: dict[str, Any], action: str,
                       create: bool = True) -> int | None:
        """Create or change the entry ``key`` of a register (``passports``, ``sister_cities``,
        ``institutions``, ``documents``) and record the change (who, when, this case); returns
        the entry's id, or None when ``create`` is False and the entry does not exist. Unknown
        registers or fields raise ``ValueError``."""

    def read_register(self, register: str, key: str) -> dict[str, Any] | None:
        """The entry ``key`` of a register as plain values (dates as ISO strings), or None when
        there is none; reads inside the current transaction, so a write just made is seen."""

    def unit_names(self, key: str) -> tuple[str, str | None] | None:
        """The Chinese and English names of the unit ``key`` (active or not); None when there is no
        such unit."""


Handler = Callable[[ServiceContext, dict[str, Any]], Any]


@dataclass(frozen=True)
class HandlerRegistry:
    """Immutable mapping of operator name to handler; extend with :meth:`with_handler`."""

    handlers: tuple[tuple[str, Handler], ...] = ()

    def with_handler(self, name: str, handler: Handler) -> HandlerRegistry:
        kept = tuple((n, h) for n, h in self.handlers if n != name)
        return HandlerRegistry(kept + ((name, handler),))

    def get(self, name: str) -> Handler | None:
        for n, h in self.handlers:
            if n == name:
                return h
        return None

    def names(self) -> list[str]:
        return [n for n, _ in self.handlers]
