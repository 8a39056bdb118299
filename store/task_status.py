"""The statuses of a human task, as stored in ``human_task.status``: the one definition.

The store holds the values (its queries, indexes and the counter triggers of migration 0004 filter
on them, and the store imports nothing of the engine); the engine's task lifecycle
(:mod:`engine.tasks.lifecycle`) says which transitions move a task between them.
"""
from __future__ import annotations

from enum import StrEnum


class TaskStatus(StrEnum):
    """A human task's status; each member is the string stored (and answered by the API)."""

    OPEN = "open"  # ready, in its lane's queue, nobody holds it
    CLAIMED = "claimed"  # ready, held by its assignee
    COMPLETED = "completed"  # done by ``completed_by``
    CANCELLED = "cancelled"  # the case moved on without it (a boundary event, a move, the case's end)


ACTIVE_STATUSES: tuple[TaskStatus, ...] = (TaskStatus.OPEN, TaskStatus.CLAIMED)
"""A task waiting for a person: open or claimed."""
