"""Helpers for engine tests."""
from __future__ import annotations


def data_of(engine, instance_id) -> dict:
    """The data of the case's last completed task, read from its saved state."""
    from engine.people.identity import SYSTEM

    with engine.uow() as uow:
        instance = uow.instances.get(instance_id)
        cmd = engine.runner.load(uow, instance, SYSTEM, engine.clock.now())
        return dict(cmd.workflow.last_task.data if cmd.workflow.last_task else cmd.workflow.data)
