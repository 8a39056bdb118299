"""Who may do what on the web pages: a table, asserted both ways (allowed and refused with a 403 page)."""
from __future__ import annotations

import pytest

from tests.web.conftest import PEOPLE

EVERYONE = set(PEOPLE)

# page -> users who get 200 (everyone else: 403)
PAGES = {
    "/inbox": EVERYONE,
    "/apply": EVERYONE,
    "/applications": EVERYONE,
    "/apply/web_trip": {"alice", "bob", "sam", "ana"},
    "/tasks/{task}": {"alice", "carl", "cora", "sam"},
    "/instances/{instance}": {"alice", "carl", "cora", "sam"},
    "/api/v1/instances/{instance}": {"alice", "carl", "cora", "sam"},
    "/api/v1/tasks/{task}": {"alice", "carl", "cora", "sam"},
}


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("user", sorted(EVERYONE))
def test_page_access_table(app, as_user, case, page, user):
    instance, task_id = case()
    response = as_user(user).get(page.format(task=task_id, instance=instance.id))
    expected = 200 if user in PAGES[page] else 403
    assert response.status_code == expected, (user, page)
    if expected == 403 and not page.startswith("/api"):
        html = response.get_data(as_text=True)
        assert "<html" in html and "Traceback" not in html and "403" in html


@pytest.mark.parametrize("user, allowed", [(u, u in {"carl", "cora"}) for u in sorted(EVERYONE)])
def test_claim_is_for_members_of_the_lane(app, as_user, case, eng, user, allowed):
    _instance, task_id = case()
    response = as_user(user).post(f"/tasks/{task_id}/claim")
    with eng.uow() as uow:
        assignee = uow.tasks.get(task_id).assignee
    if allowed:
        assert response.status_code == 302 and assignee == user
    else:
        assert response.status_code == 403 and assignee is None


@pytest.mark.parametrize("user, allowed", [(u, u == "sam") for u in sorted(EVERYONE)])
def test_reassign_is_for_supervisors(app, as_user, case, eng, user, allowed):
    _instance, task_id = case()
    response = as_user(user).post(f"/tasks/{task_id}/assign", data={"user": "cora"})
    with eng.uow() as uow:
        assignee = uow.tasks.get(task_id).assignee
    assert (response.status_code, assignee) == ((302, "cora") if allowed else (403, None))


@pytest.mark.parametrize("user, allowed", [(u, u in {"carl", "cora"}) for u in sorted(EVERYONE)])
def test_complete_is_for_members_of_the_lane(app, as_user, case, eng, user, allowed):
    _instance, task_id = case()
    response = as_user(user).post(f"/tasks/{task_id}", data={"action": "complete", "decision": "approve"})
    with eng.uow() as uow:
        row = uow.tasks.get(task_id)
    expected = (302, user, "completed") if allowed else (403, None, "open")
    assert (response.status_code, row.completed_by, row.status) == expected, user


def test_apply_lists_only_what_the_user_may_start(as_user):
    assert 'data-process="web_trip"' in as_user("alice").get("/apply").get_data(as_text=True)
    assert 'data-process="web_trip"' in as_user("sam").get("/apply").get_data(as_text=True)
    assert 'data-process="web_trip"' not in as_user("carl").get("/apply").get_data(as_text=True)
    assert 'data-process="web_trip"' not in as_user("otto").get("/apply").get_data(as_text=True)


def test_starting_without_permission_is_refused(as_user, eng):
    response = as_user("carl").post("/apply/web_trip", data={"title": "x"})
    assert response.status_code == 403
    with eng.uow() as uow:
        assert uow.instances.all_ids() == []


def test_unknown_task_and_case_are_404_pages(as_user):
    client = as_user("carl")
    for path in ("/tasks/nope", "/instances/nope", "/apply/nope"):
        response = client.get(path)
        assert response.status_code == 404 and "<html" in response.get_data(as_text=True), path
