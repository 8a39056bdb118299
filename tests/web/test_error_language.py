"""Engine errors reach people in their own language: pages, the API's message and its details."""
from __future__ import annotations

import re

import pytest

LATIN_WORDS = re.compile(r"[A-Za-z]{3,}(?: [A-Za-z]{2,})+")
"""Two or more English words in a row: a sentence, not a name or a code."""


@pytest.fixture
def two_clerks(eng):
    """Carl and Cora (陈静) share the lane of one open task."""
    from engine.people.accounts import put_user

    with eng.uow() as uow:
        put_user(uow, eng.clock.now(), "cora", groups=["fao_clerk"], roles=["clerk"], display_name="陈静")
        uow.commit()


def flash_of(html: str) -> str:
    found = re.search(r'<p class="flash error"[^>]*>([^<]*)</p>', html)
    assert found, html
    return found.group(1)


def test_the_clerk_who_submits_second_reads_why_in_chinese(as_user, case, two_clerks):
    _i, task_id = case()
    carl, cora = as_user("carl"), as_user("cora")
    cora.get(f"/tasks/{task_id}")
    carl.post(f"/tasks/{task_id}", data={"action": "complete", "decision": "approve"})
    response = cora.post(f"/tasks/{task_id}", data={"action": "complete", "decision": "approve"},
                         follow_redirects=True)
    assert flash_of(response.get_data(as_text=True)) == "此任务现在无法提交：此任务已由Carl办理。"


def test_a_task_taken_by_another_names_the_holder_not_the_login(as_user, case, two_clerks):
    _i, task_id = case()
    as_user("cora").post(f"/tasks/{task_id}/claim")
    response = as_user("carl").post(f"/tasks/{task_id}", data={"action": "complete", "decision": "approve"},
                                    follow_redirects=True)
    message = flash_of(response.get_data(as_text=True))
    assert message == "此任务现在无法提交：此任务已由陈静签收。"
    assert "cora" not in message and not LATIN_WORDS.search(message)


def test_the_same_conflict_in_english_after_switching(as_user, case, two_clerks):
    _i, task_id = case()
    as_user("cora").post(f"/tasks/{task_id}/claim")
    carl = as_user("carl")
    carl.get("/inbox?lang=en")
    response = carl.post(f"/tasks/{task_id}", data={"action": "complete", "decision": "approve"},
                         follow_redirects=True)
    assert flash_of(response.get_data(as_text=True)) == (
        "This task cannot be completed now: 陈静 has already taken this task.")


def test_the_api_words_its_message_in_the_request_language(app, case, token, two_clerks):
    _i, task_id = case()
    client = app.test_client()
    client.post(f"/api/v1/tasks/{task_id}/claim", headers=token("cora"))
    url = f"/api/v1/tasks/{task_id}/complete"
    chinese = client.post(url, json={"data": {"decision": "approve"}}, headers=token("carl")).json["error"]
    english = client.post(url + "?lang=en", json={"data": {"decision": "approve"}}, headers=token("carl")).json["error"]
    assert chinese == {"code": "task_claimed", "message": "此任务已由陈静签收。", "details": []}
    assert english["message"] == "陈静 has already taken this task."


def test_api_field_details_are_worded_in_the_request_language(app, case, token):
    _i, task_id = case()
    client = app.test_client()
    url = f"/api/v1/tasks/{task_id}/complete"
    chinese = client.post(url, json={"data": {"decision": "reject"}}, headers=token("carl")).json["error"]
    english = client.post(url + "?lang=en", json={"data": {"decision": "reject"}}, headers=token("carl")).json["error"]
    assert chinese["message"] == "表单填写有误。"
    assert chinese["details"] == [{"field": "comment", "message": "此项为必填项"}]
    assert english["details"] == [{"field": "comment", "message": "This field is required"}]
