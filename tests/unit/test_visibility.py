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
EDU = Actor("zhao", groups=frozenset({"applicant_unit"}), unit="education")
EDU_COLLEAGUE = Actor("qin", groups=frozenset({"applicant_unit"}), unit="education")
GOV = Actor("sun", groups=frozenset({"applicant_unit"}), unit="gov_office")


def task(assignee=None, lane="fao_clerk", owners=None):
    return SimpleNamespace(assignee=assignee, lane=lane, owners=owners)


def test_an_applicant_unit_task_is_bound_to_its_case_s_unit_or_else_to_its_starter():
    assert visibility.task_owners("applicant_unit", {}, "education", "zhao") == ("unit:education",)
    assert visibility.task_owners("applicant_unit", {}, None, "zhao") == ("user:zhao",)
    assert visibility.task_owners("fao_clerk", {}, "education", "zhao") == ()
    assert visibility.task_owners(None, {"lane_owners": {"x": ["a"]}}, "education", "zhao") == ()


def test_lane_owners_name_users_and_units_and_override_the_applicant_unit():
    data = {"lane_owners": {"fao_clerk": ["carl", "unit:education", " ", 3], "applicant_unit": "unit:commerce"}}
    assert visibility.task_owners("fao_clerk", data, None, "zhao") == ("user:carl", "unit:education")
    assert visibility.task_owners("applicant_unit", data, "education", "zhao") == ("unit:commerce",)
    assert visibility.task_owners("section_chief", data, None, "zhao") == ()  # no entry: the lane's members


def test_a_task_bound_to_a_unit_is_worked_by_its_members_alone():
    bound = task(lane="applicant_unit", owners="unit:education")
    assert visibility.may_work_task(EDU, bound) and visibility.may_work_task(EDU_COLLEAGUE, bound)
    assert visibility.may_claim_task(EDU_COLLEAGUE, bound)
    assert not visibility.may_work_task(GOV, bound) and not visibility.may_claim_task(GOV, bound)
    assert not visibility.may_work_task(SUPERVISOR, bound)
    # lane_owners in another lane: a named person works it though not a member of the lane
    named = task(lane="fao_clerk", owners="user:chen unit:gov_office")
    assert visibility.may_work_task(OUTSIDER, named) and visibility.may_work_task(GOV, named)
    assert not visibility.may_work_task(CLERK, named)


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
                                                     open_in_lanes=("fao_clerk", "protocol_section"),
                                                     owned_by=("user:carl",))
    assert visibility.case_scope(EDU) == CaseScope(started_by="zhao", worked_by="zhao", owned_by=(
        "user:zhao", "unit:education"), of_unit="education")


def test_the_inbox_holds_my_tasks_and_my_lanes_and_my_applications_are_the_cases_i_started():
    assert visibility.work_scope(CLERK) == WorkScope("carl", ("fao_clerk", "protocol_section"), ("user:carl",))
    # the applicant unit's lane has no shared queue: its tasks are bound to their case's unit
    assert visibility.work_scope(EDU) == WorkScope("zhao", (), ("user:zhao", "unit:education"))
    assert visibility.applications_scope(CLERK) == CaseScope(started_by="carl")
