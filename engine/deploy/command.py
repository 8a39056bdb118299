"""The deploy command: validate and store model files, then schedule the new versions' timer starts."""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from engine.commands.timers import schedule_timer_starts
from engine.deploy.pipeline import Deployer, DeployResult
from engine.people.identity import Actor, require_analyst

if TYPE_CHECKING:
    from engine.commands.runner import CommandRunner


def deploy_files(runner: CommandRunner, files: Iterable[tuple[str, bytes]], actor: Actor,
                 change_note: str = "") -> list[DeployResult]:
    """Deploy a batch of ``(file name, content)`` pairs in one transaction.

    Raises:
        Forbidden: the actor is not a process analyst.
        DeployRefused: a file has problems; nothing was written.
    """
    require_analyst(actor)
    with runner.uow() as uow:
        deployer = Deployer(runner.codec, runner.clock, runner.known_groups, set(runner.handlers.names()) or None)
        results = deployer.deploy(uow, files, actor.username, change_note)
    new = [r.key for r in results if r.status == "new"]
    if new:
        with runner.uow() as uow:
            schedule_timer_starts(runner, uow, new)
            uow.commit()
    return results
