"""Would a move strand a join? A parallel gateway that merges flows fires only when a token came on
every incoming flow: after a move that leaves no token able to reach one of them, the join waits for
ever and the case waits on nothing.

The check reads the process graph (task specs' ``outputs``) from where the tokens will be after the
move: the steps still active (those the move does not cancel), the joins already waiting, and the new
token's start. It is a "can never" check: a flow some token might still reach (through a choice not
yet made) counts as reachable.

Inclusive joins are not checked: SpiffWorkflow fires an inclusive join as soon as no live token can
reach its flows without a token (``InclusiveGateway._check_threshold_unstructured``), so a move cannot
strand one (tests/web/test_engine_correctness_api.py starts a token on one branch of an inclusive split:
the join goes on when that branch arrives).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from SpiffWorkflow.bpmn.specs.mixins.parallel_gateway import ParallelGateway
from SpiffWorkflow.util.task import TaskState

from engine.commands.moves.elements import ACTIVE, Start

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn.util.subworkflow import BpmnBaseWorkflow
    from SpiffWorkflow.specs.base import TaskSpec
    from SpiffWorkflow.task import Task

LIVE = ACTIVE | TaskState.FUTURE


def _reach(starts: Iterable[TaskSpec], stop: TaskSpec) -> set[TaskSpec]:
    """Every spec reachable from ``starts`` along outgoing flows, not through ``stop``."""
    seen: set[TaskSpec] = set()
    todo = [s for s in starts if s is not stop]
    while todo:
        spec = todo.pop()
        if spec in seen:
            continue
        seen.add(spec)
        todo.extend(o for o in spec.outputs if o is not stop and o not in seen)
    return seen


def _arrived(join: TaskSpec, tasks: list[Task]) -> set[TaskSpec]:
    """The incoming flows (as their source specs) on which a token waits at ``join`` now: the arrivals
    since the join last fired."""
    mine = [t for t in tasks if t.task_spec is join]
    fired = [t.last_state_change for t in mine if t.state == TaskState.COMPLETED]
    since = max(fired) if fired else float("-inf")
    return {t.parent.task_spec for t in mine
            if t.parent is not None and t.parent.state == TaskState.COMPLETED
            and t.state != TaskState.COMPLETED and t.last_state_change >= since}


def stranded_joins(scope: BpmnBaseWorkflow, cancelled: set[int], start: Start) -> list[tuple[TaskSpec, TaskSpec]]:
    """The parallel joins of ``scope`` the move would strand, each with an incoming flow (its source
    spec) no token could come on any more.

    Args:
        scope: the workflow (process or subprocess) the move is in.
        cancelled: ``id()`` of the tasks the move cancels.
        start: where the new token starts.
    """
    tasks = list(scope.tasks.values())
    live = [t.task_spec for t in tasks if t.state & LIVE and id(t) not in cancelled]
    positions = [*live, *start.entries]
    out: list[tuple[TaskSpec, TaskSpec]] = []
    for join in scope.spec.task_specs.values():
        if not isinstance(join, ParallelGateway) or len(join.inputs) < 2:
            continue
        arrived = _arrived(join, tasks)
        if start.via is not None and join in start.entries:
            arrived.add(start.via)
        reachable = _reach(positions, join)
        engaged = bool(arrived) or any(join in s.outputs for s in reachable)
        if not engaged:
            continue
        missing = [i for i in join.inputs if i not in arrived and i not in reachable]
        if missing:
            out.append((join, missing[0]))
    return out
