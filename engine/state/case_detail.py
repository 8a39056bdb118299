"""One case as its readers see it: its data, what ran, what it waits on now, and its history.

The case page, the task page's case panel and ``GET /api/v1/instances/{id}`` read a case here,
so the page and the API answer from the same reads.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from engine.state.activities import activities, case_data, load_readonly

if TYPE_CHECKING:
    from engine.commands.runner import CommandRunner
    from store.models import AuditEvent, HumanTask, Instance
    from store.uow import UnitOfWork


@dataclass
class CaseDetail:
    """A case read for showing: its workflow is loaded read-only and never saved."""

    instance: Instance
    workflow: Any
    open_tasks: list[HumanTask]
    waiting: list[dict[str, Any]]
    history: list[AuditEvent]

    @cached_property
    def data(self) -> dict[str, Any]:
        """The case's data now (see :func:`engine.state.activities.case_data`)."""
        return case_data(self.workflow)

    @cached_property
    def activities(self) -> list[dict[str, Any]]:
        """Every element that has run or is running (see :func:`engine.state.activities.activities`)."""
        return activities(self.workflow, self.instance.process_key)


def read_case(engine: CommandRunner, uow: UnitOfWork, instance: Instance) -> CaseDetail:
    """Read one case: its workflow, open tasks, what it waits on and its audit events (oldest first).

    Args:
        engine: the engine (its codec, clock and sandbox load the workflow).
        uow: a read-only unit of work.
        instance: the case row, with its state; the caller has checked the reader may see it.

    Returns:
        The case's detail.
    """
    return CaseDetail(
        instance=instance,
        workflow=load_readonly(engine, uow, instance),
        open_tasks=list(uow.reads.tasks.open_of(instance.id)),
        waiting=uow.reads.waits.of_case(instance.id),
        history=list(uow.reads.audit.history(instance.id)),
    )
