"""The pages' behaviour: inbox, task form, applying, applications, case page, languages."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest

from tests.web.conftest import START_DATA


def task_ids(html: str) -> list[str]:
    return re.findall(r'data-task-id="([^"]+)"', html)


def test_inbox_shows_open_group_tasks_with_ids_and_counts(as_user, case):
    _i, task_id = case()
    html = as_user("carl").get("/inbox").get_data(as_text=True)
    assert task_ids(html) == [task_id]
    assert 'id="nav-count-inbox">1<' in html
    assert "审查申请" in html and "Alice" in html and "赴日本友城交流" in html


def test_inbox_tabs_mine_group_done(as_user, case):
    _i, first = case()
    _i2, second = case()
    client = as_user("carl")
    client.post(f"/tasks/{first}/claim")
    assert task_ids(client.get("/inbox?tab=mine").get_data(as_text=True)) == [first]
    assert task_ids(client.get("/inbox?tab=group").get_data(as_text=True)) == [second]
    assert sorted(task_ids(client.get("/inbox").get_data(as_text=True))) == sorted([first, second])
    client.post(f"/tasks/{first}", data={"action": "complete", "decision": "approve"})
    assert task_ids(as_user("cora").get("/inbox?tab=mine").get_data(as_text=True)) == []
    assert task_ids(client.get("/inbox?tab=done").get_data(as_text=True)) == [first]
    assert first not in task_ids(client.get("/inbox").get_data(as_text=True))


def test_the_step_that_ends_the_case_is_listed_as_done(as_user, case):
    _i, task_id = case()
    client = as_user("carl")
    client.post(f"/tasks/{task_id}", data={"action": "complete", "decision": "reject", "comment": "材料不全"})
    assert task_ids(client.get("/inbox?tab=done").get_data(as_text=True)) == [task_id]


def test_inbox_filters_search_sort_and_paging(as_user, case):
    for n in range(3):
        case(dict(START_DATA, title=f"出访{n}"))
    client = as_user("carl")
    assert len(task_ids(client.get("/inbox?process=web_trip").get_data(as_text=True))) == 3
    assert task_ids(client.get("/inbox?process=other").get_data(as_text=True)) == []
    assert task_ids(client.get("/inbox?overdue=1").get_data(as_text=True)) == []
    assert len(task_ids(client.get("/inbox?q=alice").get_data(as_text=True))) == 3
    assert task_ids(client.get("/inbox?q=zzz").get_data(as_text=True)) == []
    for sort in ("due", "priority", "created", "bogus"):
        assert client.get(f"/inbox?sort={sort}").status_code == 200
    assert client.get("/inbox?page=abc").status_code == 200


def test_overdue_task_is_marked_red_with_working_days(app, as_user, case, eng):
    _i, task_id = case()
    with eng.uow() as uow:
        uow.tasks.get(task_id).due_at = eng.clock.now() - timedelta(days=2)
        uow.commit()
    html = as_user("carl").get("/inbox?overdue=1").get_data(as_text=True)
    assert task_ids(html) == [task_id]
    assert 'class="overdue"' in html and "已超期" in html


def test_task_page_shows_escaped_instructions_form_and_case(as_user, case):
    instance, task_id = case()
    html = as_user("carl").get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "请审查“赴日本友城交流”的出访申请，共 2 人。&lt;b&gt;注意&lt;/b&gt;" in html
    assert 'name="decision"' in html and 'name="comment"' in html
    assert "张三" in html and "李四" in html  # the application summary beside the form
    assert f'/api/v1/processes/web_trip/versions/{instance.version}/bpmn?layout=1' in html  # a diagram even without DI
    assert 'data-active="[&#34;examine&#34;]"' in html or "examine" in re.search(r'data-active="([^"]*)"', html).group(1)


def test_validation_errors_show_beside_fields_in_chinese_and_keep_data(as_user, case, eng):
    _i, task_id = case()
    client = as_user("carl")
    response = client.post(f"/tasks/{task_id}", data={"action": "complete", "decision": "reject", "comment": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'class="field-error" data-field="comment"[^>]*>[^<]*[\u4e00-\u9fff]', html)
    assert re.search(r'value="reject"\s+checked', html)
    with eng.uow() as uow:
        assert uow.tasks.get(task_id).status == "open"


def test_validation_errors_in_english_after_switching(as_user, case):
    _i, task_id = case()
    client = as_user("carl")
    client.get("/inbox?lang=en")
    response = client.post(f"/tasks/{task_id}", data={"action": "complete", "decision": "reject"})
    html = response.get_data(as_text=True)
    message = re.search(r'class="field-error" data-field="comment"[^>]*>([^<]*)<', html).group(1)
    assert message and not re.search(r"[\u4e00-\u9fff]", message)
    assert "Decision" in html and "Submit" in html


def test_language_choice_is_kept_on_the_user(app, as_user, eng):
    client = as_user("carl")
    assert "Inbox" in client.get("/inbox?lang=en").get_data(as_text=True)
    with eng.uow() as uow:
        assert uow.users.by_username("carl").locale == "en"
    fresh = as_user("carl")  # a new session: the choice comes from the user
    assert "Inbox" in fresh.get("/inbox").get_data(as_text=True)
    assert "待办事项" in fresh.get("/inbox?lang=zh_CN").get_data(as_text=True)


def test_save_draft_keeps_values_without_completing(as_user, case, eng):
    _i, task_id = case()
    client = as_user("carl")
    response = client.post(f"/tasks/{task_id}", data={"action": "draft", "decision": "revise", "comment": "再看看"})
    assert response.status_code == 302
    html = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "再看看" in html and re.search(r'value="revise"\s+checked', html)
    with eng.uow() as uow:
        assert uow.tasks.get(task_id).status == "open"


def test_completing_goes_to_the_next_task_of_the_case_or_back_to_the_inbox(as_user, case):
    _i, task_id = case()
    client = as_user("carl")
    response = client.post(f"/tasks/{task_id}", data={"action": "complete", "decision": "approve"})
    next_url = response.headers["Location"]
    assert re.search(r"/tasks/[0-9a-f-]+$", next_url) and task_id not in next_url
    response = client.post(next_url, data={"action": "complete", "file_no": "2026-001"})
    assert response.headers["Location"].endswith("/inbox")
    assert "已提交" in client.get("/inbox").get_data(as_text=True)


def test_apply_with_members_and_an_attachment(as_user, eng):
    client = as_user("alice")
    form = {"title": "赴韩交流", "destination": "asia", "days": "3", "members.__present__": "1",
            "members.0.name": "王五", "members.0.gender": "male", "members.3.name": "赵六",
            "members.3.gender": "female", "invitation": (io.BytesIO(b"%PDF-1.4 test"), "邀请函.pdf")}
    response = client.post("/apply/web_trip", data=form, content_type="multipart/form-data")
    assert response.status_code == 302
    with eng.uow() as uow:
        [instance_id] = uow.instances.all_ids()
        task = uow.reads.tasks.open_of(instance_id)[0]
    html = as_user("carl").get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "王五" in html and "赵六" in html and "邀请函.pdf" in html
    att = re.search(r'/api/v1/attachments/([0-9a-f]{32})', html).group(1)
    assert as_user("carl").get(f"/api/v1/attachments/{att}").data == b"%PDF-1.4 test"
    assert as_user("bob").get(f"/api/v1/attachments/{att}").status_code == 403


def test_start_form_errors_name_the_member_field(as_user):
    form = {"title": "", "destination": "asia", "days": "abc", "members.__present__": "1",
            "members.0.gender": "male"}
    response = as_user("alice").post("/apply/web_trip", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for path in ("title", "days", "members.0.name"):
        assert f'class="field-error" data-field="{path}"' in html, path
    assert 'value="abc"' in html  # the entered text is kept


def test_applications_show_status_step_and_decision(as_user, case):
    instance, task_id = case()
    client = as_user("alice")
    html = client.get("/applications").get_data(as_text=True)
    assert f'data-instance-id="{instance.id}"' in html and "审查申请" in html and "办理中" in html
    as_user("carl").post(f"/tasks/{task_id}", data={"action": "complete", "decision": "reject", "comment": "不符合规定"})
    html = client.get("/applications").get_data(as_text=True)
    assert "不予同意" in html and "不符合规定" in html and "已办结" in html


def test_case_page_shows_history_with_decisions(as_user, case):
    instance, task_id = case()
    as_user("carl").post(f"/tasks/{task_id}", data={"action": "complete", "decision": "reject", "comment": "退回原因"})
    html = as_user("alice").get(f"/instances/{instance.id}").get_data(as_text=True)
    assert "退回原因" in html and "Carl" in html and "不予同意" in html  # the clerk by name, not by login


def test_times_are_shown_in_shanghai_time(as_user, case, eng):
    _i, task_id = case()
    with eng.uow() as uow:
        created = uow.tasks.get(task_id).created_at
    local = (created + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    assert local in as_user("carl").get("/inbox").get_data(as_text=True)


def test_bpmn_js_is_served_from_the_npm_package(app):
    response = app.test_client().get("/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js")
    assert response.status_code == 200 and len(response.data) > 10000
    assert app.test_client().get("/vendor/nope/x.js").status_code == 404


def test_root_goes_to_the_inbox(as_user):
    assert as_user("carl").get("/").headers["Location"].endswith("/inbox")
