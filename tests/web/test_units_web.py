"""Units through the API, the pages and the CLI (issue 17): two units in one database, on SQLite and
PostgreSQL; another unit's case and its applicant-unit task are in no list and answer 404."""
from __future__ import annotations

import io

import pytest
from click.testing import CliRunner

from engine.people.account_commands import UnitSpec, UserSpec
from tests.conftest import model_files
from tests.web.conftest import PASSWORD, login
from webui.cli import main

UNITS = [UnitSpec("gov_office", "市政府办", "General Office"), UnitSpec("education", "市教育局")]
APPLICANTS = {"gov_a": "gov_office", "gov_b": "gov_office", "edu_a": "education"}


@pytest.fixture
def unit_app(engine, users, db_url):
    """An app on the parametrized database, with applicants of two units and the unit test model."""
    from webui import create_app

    engine.save_units(UNITS)
    engine.save_users([UserSpec(name, PASSWORD, ("applicant_unit",), (), name.upper(), unit)
                       for name, unit in APPLICANTS.items()])
    engine.deploy(model_files("unit_review.bpmn"), users["analyst"])
    app = create_app({"TESTING": True, "SCHEDULER_ENABLED": False, "DATABASE_URL": db_url,
                      "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test-secret", "FAO_DEFAULT_LOCALE": "zh_CN"})
    yield app
    app.extensions["fao_engine"].session_factory.kw["bind"].dispose()


@pytest.fixture
def client_of(unit_app):
    def _client(username: str):
        client = unit_app.test_client()
        password = PASSWORD if username in APPLICANTS else "pw-" + username  # the conftest's users
        assert login(client, username, password).status_code == 302
        return client

    return _client


@pytest.fixture
def gov_case(client_of):
    """A case of 市政府办 started through the API by gov_a, with an attachment; (case id, task id, file id)."""
    gov = client_of("gov_a")
    up = gov.post("/api/v1/attachments", data={"file": (io.BytesIO(b"scan"), "passport.pdf")},
                  content_type="multipart/form-data")
    assert up.status_code == 201, up.get_json()
    file_id = up.get_json()["id"]
    started = gov.post("/api/v1/processes/unit_review/instances", json={"data": {"title": "赴日访问", "scan": file_id}})
    assert started.status_code == 201, started.get_json()
    body = started.get_json()
    [task] = body["active_tasks"]
    assert task["lane"] == "applicant_unit"
    return body["id"], task["id"], file_id


def test_another_unit_gets_404_for_the_task_case_attachment_and_every_move_through_the_api(client_of, gov_case):
    case_id, task_id, file_id = gov_case
    edu = client_of("edu_a")
    assert edu.get("/api/v1/tasks").get_json()["total"] == 0
    assert edu.get("/api/v1/instances").get_json()["total"] == 0
    for path in (f"/api/v1/tasks/{task_id}", f"/api/v1/instances/{case_id}", f"/api/v1/attachments/{file_id}"):
        response = edu.get(path)
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found", path
    for move in ("claim", "unclaim", "complete"):
        response = edu.post(f"/api/v1/tasks/{task_id}/{move}", json={})
        assert response.status_code == 404, (move, response.get_json())


def test_a_colleague_of_the_same_unit_sees_and_works_the_case_through_the_api(client_of, gov_case):
    case_id, task_id, file_id = gov_case
    colleague = client_of("gov_b")
    tasks = colleague.get("/api/v1/tasks").get_json()
    assert [t["id"] for t in tasks["items"]] == [task_id] and tasks["total"] == 1
    assert [i["id"] for i in colleague.get("/api/v1/instances").get_json()["items"]] == [case_id]
    case = colleague.get(f"/api/v1/instances/{case_id}").get_json()
    assert case["unit"] == {"key": "gov_office", "name": "市政府办"}
    assert colleague.get(f"/api/v1/attachments/{file_id}").data == b"scan"
    assert colleague.get(f"/api/v1/tasks/{task_id}").status_code == 200
    done = colleague.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {}})
    assert done.status_code == 200, done.get_json()
    assert [t["lane"] for t in done.get_json()["next_tasks"]] == ["fao_clerk"]
    supervisor = client_of("boss")
    assert supervisor.get(f"/api/v1/instances/{case_id}").get_json()["unit"]["key"] == "gov_office"


def test_units_and_the_signed_in_user_s_unit_are_in_the_api(client_of):
    units = client_of("clerk").get("/api/v1/units").get_json()
    assert units == [{"key": "education", "name": "市教育局", "name_en": None},
                     {"key": "gov_office", "name": "市政府办", "name_en": "General Office"}]
    me = client_of("edu_a").get("/api/v1/me").get_json()
    assert me["unit"] == {"key": "education", "name": "市教育局"} and me["display_name"] == "EDU_A"
    assert client_of("clerk").get("/api/v1/me").get_json()["unit"] is None
    paths = client_of("clerk").get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/units" in paths and "/api/v1/me" in paths


def test_the_pages_show_a_unit_its_own_case_alone(client_of, gov_case):
    case_id, task_id, _file_id = gov_case
    edu, colleague = client_of("edu_a"), client_of("gov_b")
    assert f'data-task-id="{task_id}"' not in edu.get("/inbox").get_data(as_text=True)
    assert f'data-task-id="{task_id}"' in colleague.get("/inbox").get_data(as_text=True)
    for path in (f"/tasks/{task_id}", f"/instances/{case_id}"):
        assert edu.get(path).status_code == 404, path
        assert colleague.get(path).status_code == 200, path
    assert edu.post(f"/tasks/{task_id}/claim").status_code == 404
    assert edu.post(f"/tasks/{task_id}", data={"action": "complete"}).status_code == 404
    assert edu.post(f"/tasks/{task_id}", data={"action": "draft"}).status_code == 404
    assert colleague.post(f"/tasks/{task_id}/claim").status_code == 302


def test_the_cli_inbox_of_each_unit(unit_app, gov_case, db_url, monkeypatch, tmp_path):
    _case_id, task_id, _file_id = gov_case
    monkeypatch.setenv("FAO_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    edu = runner.invoke(main, ["tasks", "--as", "edu_a"], catch_exceptions=False)
    colleague = runner.invoke(main, ["tasks", "--as", "gov_b"], catch_exceptions=False)
    assert edu.exit_code == colleague.exit_code == 0
    assert edu.output.strip() == ""
    assert [line.split("\t")[0] for line in colleague.output.strip().splitlines()] == [task_id]


def test_fao_units_add_creates_or_updates_a_unit_and_refuses_a_bad_key_in_chinese(db_url, engine, monkeypatch,
                                                                                    tmp_path):
    monkeypatch.setenv("FAO_DATABASE_URL", db_url)
    monkeypatch.setenv("FAO_DEFAULT_LOCALE", "zh_CN")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def fao(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    assert fao("units", "add", "commerce", "--name", "市商务局").exit_code == 0
    assert fao("units", "add", "commerce", "--name", "衡阳市商务局", "--name-en", "Bureau of Commerce").exit_code == 0
    added = fao("users", "add", "wang", "--password", "pw", "--groups", "applicant_unit", "--unit", "commerce",
                "--display-name", "王丽")
    assert added.exit_code == 0, added.output
    with engine.uow(read_only=True) as uow:
        assert [(u.key, u.name, u.name_en) for u in uow.users.units()] == [
            ("commerce", "衡阳市商务局", "Bureau of Commerce")]
        user = uow.users.by_username("wang")
        assert (user.unit_key, user.display_name) == ("commerce", "王丽")
    bad = fao("units", "add", "Bad-Key", "--name", "坏")
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    assert bad.output.strip().splitlines() == ["key: 单位代码须为 1 至 50 个小写字母、数字或“_”：“Bad-Key”不符合。"]
    unknown = fao("users", "add", "li", "--password", "pw", "--unit", "nowhere")
    assert unknown.exit_code == 2 and "没有单位“nowhere”" in unknown.output


def test_the_units_need_a_signed_in_user(unit_app):
    response = unit_app.test_client().get("/api/v1/units")
    assert response.status_code == 401


def test_pages_show_people_by_name_and_unit_never_by_login(client_of, gov_case, engine, users):
    case_id, task_id, _file = gov_case
    colleague = client_of("gov_b")
    colleague.post(f"/tasks/{task_id}/claim")
    case_page = colleague.get(f"/instances/{case_id}").get_data(as_text=True)
    assert "GOV_A（市政府办）" in case_page and "GOV_B（市政府办）" in case_page
    monitor = client_of("boss")
    listing = monitor.get("/monitor/cases").get_data(as_text=True)
    page = monitor.get(f"/monitor/cases/{case_id}").get_data(as_text=True)
    assert "GOV_A（市政府办）" in listing and ">gov_a<" not in listing
    assert "<dd>GOV_A（市政府办） ·" in page  # started by
    assert "GOV_B（市政府办） · " in page  # the holder of the open task
    history = page.split('class="timeline"')[1] if 'class="timeline"' in page else page
    assert "gov_a" not in history.split("</ol>")[0]


def test_a_start_form_opens_with_the_applicant_s_unit_name_and_phone(client_of, engine, users):
    from tests.integration.process_driver import model_files as office_models

    engine.deploy(office_models(), users["analyst"])
    engine.save_users([UserSpec("gov_a", None, ("applicant_unit",), (), "王丽", "gov_office", "0734-8225566")])
    page = client_of("gov_a").get("/apply/foreign_delegation_reception").get_data(as_text=True)
    assert 'name="unit_name"' in page and 'value="市政府办"' in page
    assert 'value="王丽"' in page and 'value="0734-8225566"' in page
    other = client_of("edu_a").get("/apply/foreign_delegation_reception").get_data(as_text=True)
    assert 'value="市教育局"' in other and "0734-8225566" not in other  # edu_a has no phone: left empty


def test_q_finds_tasks_and_cases_by_the_starter_s_name_and_unit(client_of, gov_case):
    case_id, task_id, _file = gov_case
    colleague, boss = client_of("gov_b"), client_of("boss")
    for q, found in (("市政府办", True), ("GOV_A", True), ("市教育局", False), ("EDU", False)):
        tasks = colleague.get("/api/v1/tasks", query_string={"q": q}).get_json()
        cases = boss.get("/api/v1/instances", query_string={"q": q}).get_json()
        assert ([t["id"] for t in tasks["items"]] == [task_id]) is found, q
        assert ([c["id"] for c in cases["items"]] == [case_id]) is found, q


def test_the_applicant_s_unit_withdraws_before_the_office_begins_and_not_after(client_of, gov_case):
    case_id, task_id, _file = gov_case
    gov_b, edu, boss = client_of("gov_b"), client_of("edu_a"), client_of("boss")
    assert "撤回申请" in gov_b.get(f"/instances/{case_id}").get_data(as_text=True)
    assert edu.post(f"/api/v1/instances/{case_id}/withdraw", json={"reason": "x"}).status_code == 404
    refused = boss.post(f"/api/v1/instances/{case_id}/withdraw", json={"reason": "x"})
    assert refused.status_code == 403 and "只有申请人或申请单位的同事" in refused.get_json()["error"]["message"]
    assert gov_b.post(f"/api/v1/instances/{case_id}/withdraw", json={}).status_code == 422
    done = gov_b.post(f"/instances/{case_id}/withdraw", data={"reason": "出访计划取消"})
    assert done.status_code == 302
    case = boss.get(f"/api/v1/instances/{case_id}").get_json()
    assert case["status"] == "terminated" and case["active_tasks"] == []
    [event] = [e for e in case["history"] if e["action"] == "withdrawn"]
    assert event["actor"] == "gov_b" and event["detail"]["reason"] == "出访计划取消"
    assert "已撤回" in boss.get(f"/monitor/cases/{case_id}").get_data(as_text=True)


def test_once_the_office_has_claimed_its_step_the_application_cannot_be_withdrawn(client_of, gov_case):
    case_id, task_id, _file = gov_case
    gov = client_of("gov_a")
    gov.post(f"/api/v1/tasks/{task_id}/claim")
    done = gov.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {}})
    assert done.status_code == 200, done.get_json()
    clerk = client_of("clerk")
    tasks = clerk.get("/api/v1/tasks").get_json()["items"]
    examine_id = next(t["id"] for t in tasks if t["instance_id"] == case_id)
    assert clerk.post(f"/api/v1/tasks/{examine_id}/claim").status_code == 200
    assert "撤回申请" not in gov.get(f"/instances/{case_id}").get_data(as_text=True)
    refused = gov.post(f"/api/v1/instances/{case_id}/withdraw", json={"reason": "不去了"})
    assert refused.status_code == 409 and "外办已开始审核" in refused.get_json()["error"]["message"]


def test_who_may_see_a_case_leaves_comments_in_its_history(client_of, gov_case):
    case_id, _task, _file = gov_case
    gov_b, edu, boss = client_of("gov_b"), client_of("edu_a"), client_of("boss")
    assert 'id="comment-form"' in gov_b.get(f"/instances/{case_id}").get_data(as_text=True)
    assert gov_b.post(f"/instances/{case_id}/comments", data={"text": "补充材料已于今日寄出"}).status_code == 302
    assert boss.post(f"/api/v1/instances/{case_id}/comments", json={"text": "已收到，谢谢"}).status_code == 201
    assert edu.post(f"/api/v1/instances/{case_id}/comments", json={"text": "x"}).status_code == 404
    assert gov_b.post(f"/api/v1/instances/{case_id}/comments", json={"text": "  "}).status_code == 422
    page = client_of("gov_a").get(f"/instances/{case_id}").get_data(as_text=True)
    history = page.split('id="history"')[1]
    assert "补充材料已于今日寄出" in history and "已收到，谢谢" in history and "留言" in history
    assert "GOV_B（市政府办）" in history
