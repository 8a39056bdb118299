"""The visibility rules that need no database: who may work, claim, unclaim, assign; the scopes."""
from __future__ import annotations

from types import SimpleNamespace

from engine.people import visibility
from engine.people.identity import Actor
from store.access import CaseScope, WorkScope

CLERK = Actor("carl", groups=frozenset({"fao_clerk", "protocol_section"}))
OTHER_CLERK = Actor("cora", groups=frozenset({"fao_clerk"}))
OUTSIDER = Actor("chen", groups=frozenset({"section_chief"}))
SUPERVISOR = Actor("sam", roles=frozenset({"supervisor"}))


def task(assignee=None, lane="fao_clerk"):
    return SimpleNamespace(assignee=assignee, lane=lane)


def test_an_unclaimed_task_is_worked_by_its_lane_and_a_claimed_one_by_its_assignee_alone():
    assert visibility.may_work_task(CLERK, task()) and not visibility.may_work_task(OUTSIDER, task())
    assert visibility.may_work_task(OTHER_CLERK, task("cora"))
    assert not visibility.may_work_task(CLERK, task("cora"))
    assert not visibility.may_work_task(SUPERVISOR, task("cora"))


def test_a_task_in_no_lane_is_anyone_s_to_work_and_claim():
    assert visibility.may_work_task(OUTSIDER, task(lane=None))
    assert visibility.may_claim_task(OUTSIDER, task(lane=None))


def test_claiming_is_for_members_of_the_lane():
    assert visibility.may_claim_task(CLERK, task()) and not visibility.may_claim_task(SUPERVISOR, task())


def test_unclaiming_is_for_the_assignee_in_the_lane_and_for_supervisors():
    assert visibility.may_unclaim_task(CLERK, task("carl"))
    assert not visibility.may_unclaim_task(OTHER_CLERK, task("carl"))
    assert not visibility.may_unclaim_task(OUTSIDER, task("chen"))
    assert visibility.may_unclaim_task(SUPERVISOR, task("carl"))


def test_assigning_is_for_supervisors():
    assert visibility.may_assign_task(SUPERVISOR, task()) and not visibility.may_assign_task(CLERK, task())


def test_supervisors_see_every_case_and_others_by_their_grounds():
    assert visibility.case_scope(SUPERVISOR) == CaseScope(everything=True)
    assert visibility.case_scope(CLERK) == CaseScope(started_by="carl", worked_by="carl",
                                                     open_in_lanes=("fao_clerk", "protocol_section"))


def test_the_inbox_holds_my_tasks_and_my_lanes_and_my_applications_are_the_cases_i_started():
    assert visibility.work_scope(CLERK) == WorkScope("carl", ("fao_clerk", "protocol_section"))
    assert visibility.applications_scope(CLERK) == CaseScope(started_by="carl")
