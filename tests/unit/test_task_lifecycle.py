"""The task lifecycle's transition table: every allowed move, every refused one, who may make it."""
from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from engine.errors import Conflict, Forbidden
from engine.people.identity import Actor
from engine.tasks import lifecycle
from engine.tasks.lifecycle import TaskStatus

NOW = datetime(2027, 3, 2, 1, 0, tzinfo=timezone.utc)
CLERK = Actor("carl", groups=frozenset({"fao_clerk"}))
OTHER_CLERK = Actor("cora", groups=frozenset({"fao_clerk"}))
OUTSIDER = Actor("chen", groups=frozenset({"section_chief"}))
SUPERVISOR = Actor("sam", roles=frozenset({"supervisor"}))
PEOPLES_MOVES = tuple(t for t in lifecycle.TRANSITIONS if t.permission is not None)
REFUSAL_CODES = {TaskStatus.OPEN: "task_not_claimed", TaskStatus.CLAIMED: "task_claimed",
                 TaskStatus.COMPLETED: "task_completed", TaskStatus.CANCELLED: "task_cancelled"}


def task(status: TaskStatus, assignee: str | None = None, lane: str | None = "fao_clerk"):
    return SimpleNamespace(id="t1", bpmn_id="examine", name="审核", lane=lane, status=status, assignee=assignee,
                           completed_by=None, completed_at=None)


class FakeCommand:
    """What a locked command gives a move: the actor, the time, the audit list."""

    def __init__(self, actor: Actor) -> None:
        self.actor, self.now, self.events = actor, NOW, []

    def audit(self, action, task_id=None, bpmn_id=None, **detail):
        self.events.append((action, task_id, bpmn_id, detail))


def mover_for(transition):
    """Someone allowed to make the move on a task held by carl (or by nobody)."""
    return SUPERVISOR if transition in (lifecycle.ASSIGN, lifecycle.UNCLAIM) else CLERK


ALLOWED = [(t, s) for t in PEOPLES_MOVES for s in t.sources]
REFUSED = [(t, s) for t in PEOPLES_MOVES for s in TaskStatus if s not in t.sources]


@pytest.mark.parametrize("transition, status", ALLOWED, ids=lambda x: getattr(x, "name", str(x)))
def test_every_allowed_move_reaches_its_target_and_is_audited(transition, status):
    row = task(status, "carl" if status == TaskStatus.CLAIMED else None)
    cmd = FakeCommand(mover_for(transition))
    lifecycle.fire(cmd, row, transition, "cora" if transition is lifecycle.ASSIGN else None)
    assert row.status == transition.target
    assert cmd.events == [(transition.audit, "t1", "examine", {"task": "审核"})]


@pytest.mark.parametrize("transition, status", REFUSED, ids=lambda x: getattr(x, "name", str(x)))
def test_every_refused_move_is_a_conflict_naming_the_status_and_changes_nothing(transition, status):
    row = task(status, "cora" if status == TaskStatus.CLAIMED else None)
    cmd = FakeCommand(mover_for(transition))
    with pytest.raises(Conflict) as refused:
        lifecycle.fire(cmd, row, transition)
    assert refused.value.code == REFUSAL_CODES[status]
    assert (row.status, row.assignee, cmd.events) == (status, "cora" if status == TaskStatus.CLAIMED else None, [])


def test_claim_gives_the_task_to_the_claimant_and_unclaim_gives_it_back_to_the_lane():
    row = task(TaskStatus.OPEN)
    lifecycle.fire(FakeCommand(CLERK), row, lifecycle.CLAIM)
    assert (row.status, row.assignee) == (TaskStatus.CLAIMED, "carl")
    lifecycle.fire(FakeCommand(CLERK), row, lifecycle.UNCLAIM)
    assert (row.status, row.assignee) == (TaskStatus.OPEN, None)


def test_assign_hands_the_task_to_the_named_user_and_audits_whom():
    row, cmd = task(TaskStatus.CLAIMED, "carl"), FakeCommand(SUPERVISOR)
    lifecycle.fire(cmd, row, lifecycle.ASSIGN, "cora", to="cora", reason="休假")
    assert (row.status, row.assignee) == (TaskStatus.CLAIMED, "cora")
    assert cmd.events[0][3] == {"task": "审核", "to": "cora", "reason": "休假"}


def test_complete_records_the_finisher_and_time_and_keeps_the_assignee():
    row = task(TaskStatus.OPEN)
    lifecycle.fire(FakeCommand(CLERK), row, lifecycle.COMPLETE)
    assert (row.status, row.completed_by, row.completed_at, row.assignee) == (TaskStatus.COMPLETED, "carl", NOW, "carl")


def test_the_engine_cancels_waiting_tasks_only():
    waiting, done = task(TaskStatus.CLAIMED, "carl"), task(TaskStatus.COMPLETED, "carl")
    lifecycle.cancel(waiting, NOW)
    lifecycle.cancel(done, NOW)
    assert (waiting.status, waiting.completed_at) == (TaskStatus.CANCELLED, NOW)
    assert (done.status, done.completed_at) == (TaskStatus.COMPLETED, None)


def test_a_task_ready_again_returns_to_its_assignee_or_its_lane():
    held, free, waiting = task(TaskStatus.CANCELLED, "carl"), task(TaskStatus.COMPLETED), task(TaskStatus.OPEN)
    for row in (held, free, waiting):
        lifecycle.reopen(row, NOW)
    assert (held.status, held.assignee) == (TaskStatus.CLAIMED, "carl")
    assert (free.status, waiting.status) == (TaskStatus.OPEN, TaskStatus.OPEN)


# --- who may make each move ---------------------------------------------------------------

def test_only_members_of_the_lane_may_claim():
    with pytest.raises(Forbidden):
        lifecycle.check(lifecycle.CLAIM, OUTSIDER, task(TaskStatus.OPEN))
    lifecycle.check(lifecycle.CLAIM, OUTSIDER, task(TaskStatus.OPEN, lane=None))  # a task in no lane is anyone's


def test_a_task_claimed_by_another_cannot_be_unclaimed_but_by_a_supervisor():
    row = task(TaskStatus.CLAIMED, "carl")
    with pytest.raises(Conflict) as refused:
        lifecycle.check(lifecycle.UNCLAIM, OTHER_CLERK, row)
    assert refused.value.code == "task_claimed"
    lifecycle.check(lifecycle.UNCLAIM, SUPERVISOR, row)


def test_an_assignee_outside_the_lane_may_not_unclaim():
    with pytest.raises(Forbidden):
        lifecycle.check(lifecycle.UNCLAIM, OUTSIDER, task(TaskStatus.CLAIMED, "chen"))


def test_only_supervisors_may_assign():
    with pytest.raises(Forbidden):
        lifecycle.check(lifecycle.ASSIGN, CLERK, task(TaskStatus.OPEN))


def test_completing_a_task_another_clerk_holds_is_a_conflict_for_the_lane_and_forbidden_outside_it():
    row = task(TaskStatus.CLAIMED, "carl")
    with pytest.raises(Conflict) as refused:
        lifecycle.check(lifecycle.COMPLETE, OTHER_CLERK, row)
    assert refused.value.code == "task_claimed"
    with pytest.raises(Forbidden):
        lifecycle.check(lifecycle.COMPLETE, OUTSIDER, task(TaskStatus.OPEN))
    lifecycle.check(lifecycle.COMPLETE, CLERK, row)


def test_allows_answers_what_a_page_may_offer():
    open_row = task(TaskStatus.OPEN)
    assert lifecycle.allows(lifecycle.CLAIM, CLERK, open_row)
    assert not lifecycle.allows(lifecycle.CLAIM, OUTSIDER, open_row)
    assert not lifecycle.allows(lifecycle.UNCLAIM, CLERK, open_row)


def test_the_stored_values_are_the_strings_of_the_api():
    assert [str(s) for s in TaskStatus] == ["open", "claimed", "completed", "cancelled"]


def test_a_refusal_on_a_handled_task_names_who_handled_it():
    row = task(TaskStatus.COMPLETED, "cora")
    row.completed_by = "cora"
    with pytest.raises(Conflict) as refused:
        lifecycle.check(lifecycle.COMPLETE, CLERK, row)
    assert refused.value.reason == "task_completed_by" and refused.value.params["finisher"] == "cora"
