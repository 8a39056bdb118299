"""Honest screens (issue 18, points 4 and 10): two clerks on one task, suspended cases, times left
and overdue in honest words, one word per state, and where each person lands after signing in."""
from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pytest

from tests.web.conftest import login


@pytest.fixture
def cora_of_the_office(eng):
    """Cora is 陈静 of the foreign affairs office's liaison unit (外办联络科)."""
    from engine.people.accounts import put_unit, put_user

    with eng.uow() as uow:
        put_unit(uow, "fao_liaison", "外办联络科", "FAO liaison")
        put_user(uow, eng.clock.now(), "cora", groups=["fao_clerk"], roles=["clerk"], display_name="陈静",
                 unit="fao_liaison")
        uow.commit()


def flash_of(html: str) -> str:
    found = re.search(r'<p class="flash error"[^>]*>([^<]*)</p>', html)
    assert found, html
    return found.group(1)


def textarea(html: str, name: str) -> str:
    found = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>([^<]*)</textarea>', html)
    assert found, html
    return found.group(1)


TYPED = {"action": "complete", "decision": "reject", "comment": "邀请函缺少日程安排，请补充。"}


# --- two clerks on one task -------------------------------------------------------------------

def test_the_second_submitter_keeps_her_text_and_reads_who_finished_the_task(as_user, case, cora_of_the_office):
    _i, task_id = case()
    carl, cora = as_user("carl"), as_user("cora")
    carl.get(f"/tasks/{task_id}")
    cora.post(f"/tasks/{task_id}", data={"action": "complete", "decision": "approve"})
    response = carl.post(f"/tasks/{task_id}", data=TYPED)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert flash_of(html) == "此任务现在无法提交：此任务已由陈静（外办联络科）办理。"
    assert textarea(html, "comment") == TYPED["comment"]
    assert re.search(r'<input type="radio" name="decision" value="reject"\s+checked', html)
    assert "您填写的内容尚未提交" in html
    assert 'value="complete"' not in html  # nothing to submit any more: the task is done


def test_the_clerk_whose_claim_lost_keeps_her_text_and_reads_the_holder(as_user, case, cora_of_the_office):
    _i, task_id = case()
    carl = as_user("carl")
    carl.get(f"/tasks/{task_id}")
    as_user("cora").post(f"/tasks/{task_id}/claim")
    response = carl.post(f"/tasks/{task_id}", data=TYPED)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert flash_of(html) == "此任务现在无法提交：此任务已由陈静（外办联络科）签收。"
    assert textarea(html, "comment") == TYPED["comment"]
    assert "陈静（外办联络科）" in html.split('class="assignee"')[1][:80]  # the holder, by name and unit


def test_a_claim_that_loses_names_the_holder(as_user, case, cora_of_the_office):
    _i, task_id = case()
    as_user("cora").post(f"/tasks/{task_id}/claim")
    response = as_user("carl").post(f"/tasks/{task_id}/claim", follow_redirects=True)
    assert flash_of(response.get_data(as_text=True)) == "无法签收此任务：此任务已由陈静（外办联络科）签收。"


def test_the_api_names_who_finished_the_task(app, case, token, cora_of_the_office):
    _i, task_id = case()
    client = app.test_client()
    client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"decision": "approve"}}, headers=token("cora"))
    error = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"decision": "approve"}},
                        headers=token("carl")).json["error"]
    assert error["code"] == "task_completed" and error["message"] == "此任务已由陈静（外办联络科）办理。"


def test_files_attached_before_the_refusal_stay_attached(app, eng, as_user, cora_of_the_office):
    from tests.web.conftest import model_files

    files = dict(model_files())
    schema = json.loads(files["web_trip.examine.schema.json"])
    schema["properties"]["scan"] = {"type": "string", "format": "attachment", "title": "审查扫描件"}
    files["web_trip.examine.schema.json"] = json.dumps(schema, ensure_ascii=False).encode()
    eng.deploy(list(files.items()), eng.actor("ana"))
    from tests.web.conftest import START_DATA

    instance = eng.start("web_trip", eng.actor("alice"), dict(START_DATA))
    with eng.uow() as uow:
        task_id = uow.reads.tasks.open_of(instance.id)[0].id
    carl = as_user("carl")
    carl.get(f"/tasks/{task_id}")
    as_user("cora").post(f"/tasks/{task_id}/claim")
    response = carl.post(f"/tasks/{task_id}", data={**TYPED, "scan": (io.BytesIO(b"%PDF-1.4 scan"), "扫描件.pdf")},
                         content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    att = re.search(r'name="scan" value="([0-9a-f]{32})"', html)
    assert att, html
    assert f"/api/v1/attachments/{att.group(1)}" in html
    assert carl.get(f"/api/v1/attachments/{att.group(1)}").data == b"%PDF-1.4 scan"


# --- suspended cases --------------------------------------------------------------------------

@pytest.fixture
def suspended(eng, case):
    """A case suspended by Sam (the supervisor) with a reason; returns its open task's id."""
    instance, task_id = case()
    eng.suspend(instance.id, eng.actor("sam"), "等待省外办批复")
    return task_id


def test_the_inbox_marks_a_suspended_case_and_offers_no_claim(as_user, suspended):
    html = as_user("carl").get("/inbox").get_data(as_text=True)
    row = html.split(f'data-task-id="{suspended}"')[1].split("</tr>")[0]
    assert re.search(r'<span class="badge suspended" title="等待省外办批复">已挂起</span>', row)
    assert "等待省外办批复</small>" in row
    assert 'class="claim"' not in row


def test_the_task_page_shows_who_suspended_the_case_and_why(as_user, suspended):
    html = as_user("carl").get(f"/tasks/{suspended}").get_data(as_text=True)
    notice = html.split('class="card suspension"')[1].split("</section>")[0]
    assert "Sam于" in notice and "挂起了此案件" in notice and "等待省外办批复" in notice
    assert 'class="claim"' not in html and 'value="complete"' not in html
    assert "请先签收" not in html


def test_the_case_page_marks_its_waiting_tasks_and_says_why(as_user, eng, suspended):
    with eng.uow() as uow:
        instance_id = uow.tasks.get(suspended).instance_id
    html = as_user("carl").get(f"/instances/{instance_id}").get_data(as_text=True)
    assert "挂起了此案件" in html.split('class="card suspension"')[1].split("</section>")[0]
    row = html.split(f'data-task-id="{suspended}"')[1].split("</tr>")[0]
    assert "待办" in row and 'class="badge suspended"' in row


def test_a_task_of_a_suspended_case_cannot_be_claimed(as_user, eng, suspended):
    response = as_user("carl").post(f"/tasks/{suspended}/claim", follow_redirects=True)
    assert flash_of(response.get_data(as_text=True)) == "无法签收此任务：案件当前为“已挂起”，暂不能办理其任务。"
    with eng.uow() as uow:
        assert uow.tasks.get(suspended).status == "open"


def test_the_api_refuses_a_claim_on_a_suspended_case(app, token, suspended):
    response = app.test_client().post(f"/api/v1/tasks/{suspended}/claim", headers=token("carl"))
    assert response.status_code == 409 and response.json["error"]["code"] == "case_not_active"


def test_a_submission_to_a_suspended_case_keeps_the_text_and_offers_a_draft(as_user, suspended):
    response = as_user("carl").post(f"/tasks/{suspended}", data=TYPED)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert flash_of(html) == "此任务现在无法提交：案件当前为“已挂起”，暂不能办理其任务。"
    assert textarea(html, "comment") == TYPED["comment"]
    assert 'value="draft"' in html and 'value="complete"' not in html


def test_the_monitor_overdue_list_marks_a_suspended_case(as_user, eng, suspended):
    with eng.uow() as uow:
        uow.tasks.get(suspended).due_at = eng.clock.now() - timedelta(hours=2, minutes=5, seconds=10)
        uow.commit()
    html = as_user("sam").get("/monitor/overdue").get_data(as_text=True)
    assert "超期时长" in html and "已超期 2 小时 5 分钟" in html
    assert '<span class="badge suspended" title="等待省外办批复">已挂起</span>' in html
    csv = as_user("sam").get("/monitor/overdue?format=csv").get_data(as_text=True)
    assert "已挂起：等待省外办批复" in csv and "<span" not in csv


# --- times and words --------------------------------------------------------------------------

def _due_in(eng, task_id: str, delta: timedelta) -> None:
    with eng.uow() as uow:
        uow.tasks.get(task_id).due_at = eng.clock.now() + delta
        uow.commit()


def test_three_minutes_left_read_as_minutes_not_an_hour(as_user, eng, case):
    _i, task_id = case()
    _due_in(eng, task_id, timedelta(minutes=3, seconds=40))
    client = as_user("carl")
    for html in (client.get("/inbox").get_data(as_text=True), client.get(f"/tasks/{task_id}").get_data(as_text=True)):
        assert "剩余 3 分钟" in html and "剩余 1 小时" not in html


def test_an_overdue_task_says_how_long_overdue(as_user, eng, case):
    _i, task_id = case()
    _due_in(eng, task_id, -timedelta(days=3, hours=1))
    client = as_user("carl")
    for html in (client.get("/inbox").get_data(as_text=True), client.get(f"/tasks/{task_id}").get_data(as_text=True)):
        assert "已超期 3 天" in html


def test_a_finished_task_is_handled_and_a_finished_case_is_closed(as_user, case):
    instance, task_id = case()
    carl = as_user("carl")
    carl.post(f"/tasks/{task_id}", data={"action": "complete", "decision": "reject", "comment": "不符合规定"})
    html = carl.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert '<span class="status status-completed">已办理</span>' in html
    history = html.split('class="list history"', 1)[1].split("</table>")[0]
    assert "已办理" in history and "已办结" not in history
    case_html = as_user("alice").get("/applications").get_data(as_text=True)
    assert "已办结" in case_html


def test_the_catalogue_has_one_word_per_state():
    from babel.messages.pofile import read_po

    with open("webui/translations/zh_Hans_CN/LC_MESSAGES/messages.po", "rb") as f:
        words = {m.id: m.string for m in read_po(f) if m.id and not m.context}
    assert [words[k] for k in ("In progress", "Suspended", "Completed", "Terminated", "Stopped by an error")] == [
        "办理中", "已挂起", "已办结", "已终止", "因错误中止"]
    assert [words[k] for k in ("Open", "Claimed", "Handled", "Cancelled")] == ["待办", "已签收", "已办理", "已取消"]
    assert not [k for k, v in words.items() if "暂停" in v and "交往" not in v]  # 挂起 only (a register's 暂停交往 aside)
    assert not [k for k, v in words.items() if "认领" in v]  # 签收 only
    for task_words in ("Task “%(name)s” completed.", "The task has already been completed.", "Done",
                       "No human task was completed in this period."):
        assert "办结" not in words[task_words], task_words


@pytest.mark.parametrize(("who", "home"), [("sam", "/monitor"), ("ana", "/modeler"), ("carl", "/inbox"),
                                           ("alice", "/inbox")])
def test_each_person_lands_on_their_own_start_page(app, who, home):
    client = app.test_client()
    assert login(client, who).headers["Location"].endswith(home)
    assert client.get("/").headers["Location"].endswith(home)
