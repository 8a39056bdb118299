"""Message delivery: SpiffWorkflow routes nothing between instances, the subscriptions do."""
from __future__ import annotations

from typing import TYPE_CHECKING

from engine.commands.instances import start_instance
from engine.commands.message_catch import catch_message
from engine.errors import NotFound
from engine.people.identity import Actor

if TYPE_CHECKING:
    from engine.commands.runner import CommandRunner


def _matches(subscription_correlation: dict, wanted: dict) -> bool:
    return all(str(subscription_correlation.get(k)) == str(v) for k, v in wanted.items())


def deliver_message(engine: CommandRunner, actor: Actor, name: str, correlation: dict | None,
                    payload: dict | None) -> list[str]:
    """Deliver to every waiting case whose correlation matches, else start message-start processes.

    Raises:
        NotFound: nothing waits for this message.
    """
    correlation = correlation or {}
    payload = payload or {}
    with engine.uow(read_only=True) as uow:
        key = correlation.get("business_key")
        subs = uow.events.subscriptions(name, str(key) if key is not None else None)
        targets: list[str] = []
        for sub in subs:
            if _matches(sub.correlation, correlation) and sub.instance_id not in targets:
                targets.append(sub.instance_id)
        starters = [v.process_key for v in uow.processes.with_start_message(name)] if not targets else []
    delivered: list[str] = []
    for instance_id in targets:
        with engine.command(instance_id, actor) as cmd:
            if cmd.instance.status != "active":
                continue
            if catch_message(cmd, name, payload, correlation):
                engine.advance(cmd)
                delivered.append(instance_id)
    for key in starters:
        instance = start_instance(engine, key, actor, dict(payload), None, message=(name, payload), check=False)
        delivered.append(instance.id)
    if not delivered:
        raise NotFound("no_case_waits", name=name)
    return delivered
