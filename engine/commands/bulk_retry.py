"""Retry many incidents at once (the monitor's bulk retry): each in its own transaction, so one
that fails again, or is refused, leaves the others done."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.commands.instances import retry_incident
from engine.errors import EngineError
from engine.people.identity import Actor, require_supervisor

if TYPE_CHECKING:
    from engine.commands.runner import CommandRunner

MAX_BULK = 200  # incidents one bulk retry takes on at most


@dataclass
class BulkRetry:
    """What a bulk retry did: case ids that went on, that failed again, and refusals by incident."""

    went_on: list[str] = field(default_factory=list)
    failed_again: list[str] = field(default_factory=list)
    refused: dict[int, EngineError] = field(default_factory=dict)


def retry_incidents(runner: CommandRunner, incident_ids: list[int], actor: Actor, reason: str = "") -> BulkRetry:
    """Retry each incident (without data patches), one transaction each.

    Raises:
        Forbidden: the actor is not a supervisor (nothing is retried).
    """
    require_supervisor(actor)
    outcome = BulkRetry()
    for incident_id in incident_ids[:MAX_BULK]:
        try:
            instance = retry_incident(runner, incident_id, actor, None, reason)
        except EngineError as exc:  # resolved meanwhile, the case suspended, …: said per incident
            outcome.refused[incident_id] = exc
            continue
        (outcome.failed_again if instance.status == "error" else outcome.went_on).append(instance.id)
    return outcome
