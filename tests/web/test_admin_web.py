"""The administration pages (issue 17 point 4): an administrator manages users and units from /admin,
every change is audited with the administrator's name, and everyone else is refused."""
from __future__ import annotations

import re

import pytest

from engine.people.account_commands import UnitSpec, UserSpec
from tests.conftest import model_files
from tests.web.conftest import PASSWORD, login

ADMIN = "root"
ADMIN_NAME = "管理员周"
NEW_PASSWORD = "Xinmima2026"


@pytest.fixture
def office(app, eng):
    """An administrator, two units (市政府办 with a colleague, 市教育局) and the unit test model."""
    eng.save_units([UnitSpec("gov_office", "市政府办", "General Office"), UnitSpec("education", "市教育局")])
    eng.save_users([UserSpec(ADMIN, PASSWORD, (), ("admin",), ADMIN_NAME),
                    UserSpec("gov_a", PASSWORD, ("applicant_unit",), (), "高一", "gov_office")])
    eng.deploy(model_files("unit_review.bpmn"), eng.actor("ana"))
    return eng


@pytest.fixture
def admin(app, office):
    client = app.test_client()
    assert login(client, ADMIN).status_code == 302
    return client


def signed_in(app, username: str, password: str = PASSWORD):
    client = app.test_client()
    response = login(client, username, password)
    return client if response.status_code == 302 else None


def create_user(admin, **changes):
    form = {"username": "wang", "display_name": "王丽", "unit": "gov_office", "groups": ["applicant_unit"],
            "roles": [], "locale": "", "password": NEW_PASSWORD}
    form.update(changes)
    return admin.post("/admin/users/new", data=form)


def history_of(eng, subject: str) -> list[tuple[str, str, dict]]:
    with eng.uow() as uow:
        return [(e.action, e.actor or "", e.detail) for e in reversed(uow.reads.people.history(subject))]


def test_admin_creates_a_user_in_a_unit_who_signs_in_and_sees_the_units_work(app, admin, office):
    gov = signed_in(app, "gov_a")
    started = gov.post("/api/v1/processes/unit_review/instances", json={"data": {"title": "赴日访问"}})
    assert started.status_code == 201, started.get_json()
    [task] = started.get_json()["active_tasks"]

    page = admin.get("/admin/users/new").get_data(as_text=True)
    assert "申报单位" in page and "系统管理员" in page and "市政府办" in page  # groups, roles and units by name
    response = create_user(admin, roles=["clerk"])
    assert response.status_code == 302 and response.location.endswith("/admin/users/wang")
    shown = admin.get("/admin/users/wang").get_data(as_text=True)
    assert "王丽（市政府办）" in shown and "经办人员" in shown

    wang = signed_in(app, "wang", NEW_PASSWORD)
    assert wang is not None
    me = wang.get("/api/v1/me").get_json()
    assert me["unit"]["key"] == "gov_office" and me["groups"] == ["applicant_unit"] and me["roles"] == ["clerk"]
    assert [t["id"] for t in wang.get("/api/v1/tasks").get_json()["items"]] == [task["id"]]
    assert f"/tasks/{task['id']}" in wang.get("/inbox").get_data(as_text=True)


def test_editing_changes_groups_roles_unit_and_language(app, admin, office):
    assert create_user(admin).status_code == 302
    form = admin.get("/admin/users/wang/edit").get_data(as_text=True)
    assert 'value="applicant_unit" checked' in form and 'value="王丽"' in form
    response = admin.post("/admin/users/wang/edit", data={
        "display_name": "王丽", "unit": "education", "groups": ["fao_clerk", "section_chief"], "roles": ["clerk"],
        "locale": "en"})
    assert response.status_code == 302
    me = signed_in(app, "wang", NEW_PASSWORD).get("/api/v1/me").get_json()
    assert sorted(me["groups"]) == ["fao_clerk", "section_chief"] and me["unit"]["key"] == "education"
    page = admin.get("/admin/users/wang").get_data(as_text=True)
    assert "外办经办人、科室负责人" in page and "市教育局" in page


def test_disabling_stops_sign_in_sessions_and_tokens_but_the_name_stays_in_the_case_history(
        app, admin, office, token, case, as_user):
    instance, _task = case()  # alice starts a case
    bearer = token("alice")
    session = as_user("alice")
    assert session.get("/api/v1/me", headers=bearer).status_code == 200
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 200  # the token is remembered

    response = admin.post("/admin/users/alice/active", data={"active": "0"})
    assert response.status_code == 302
    assert "已停用" in admin.get("/admin/users/alice").get_data(as_text=True)
    assert signed_in(app, "alice") is None
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 401
    assert session.get("/inbox").status_code == 302  # back to the sign-in page
    history = as_user("sam").get(f"/instances/{instance.id}").get_data(as_text=True)
    assert "Alice" in history
    with office.uow() as uow:
        assert uow.reads.people.token_count(uow.users.by_username("alice").id) == 0

    assert admin.post("/admin/users/alice/active", data={"active": "1"}).status_code == 302
    assert signed_in(app, "alice") is not None
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 401  # revoked for good


def test_reset_password_typed_or_generated_once(app, admin, office):
    response = admin.post("/admin/users/carl/password", data={"password": NEW_PASSWORD})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert signed_in(app, "carl") is None
    assert signed_in(app, "carl", NEW_PASSWORD) is not None

    response = admin.post("/admin/users/carl/password", data={"generate": "1", "password": ""})
    page = response.get_data(as_text=True)
    generated = re.search(r'id="generated-password" class="password">([^<]+)<', page).group(1)
    assert "只显示这一次" in page and response.headers["Cache-Control"] == "no-store"
    assert signed_in(app, "carl", NEW_PASSWORD) is None
    assert signed_in(app, "carl", generated) is not None
    assert generated not in admin.get("/admin/users/carl").get_data(as_text=True)

    weak = admin.post("/admin/users/carl/password", data={"password": "short1"})
    assert weak.status_code == 422
    assert "密码至少 8 个字符" in weak.get_data(as_text=True)
    assert signed_in(app, "carl", generated) is not None


def test_every_change_is_in_the_history_with_the_administrators_name(app, admin, office):
    create_user(admin)
    admin.post("/admin/users/wang/edit", data={"display_name": "王丽", "unit": "gov_office",
                                              "groups": ["applicant_unit", "fao_clerk"], "locale": ""})
    admin.post("/admin/users/wang/password", data={"generate": "1"})
    admin.post("/admin/users/wang/active", data={"active": "0"})
    admin.post("/admin/users/wang/active", data={"active": "1"})
    events = history_of(office, "user:wang")
    assert [(a, who) for a, who, _d in events] == [
        ("user_created", ADMIN), ("user_updated", ADMIN), ("password_reset", ADMIN), ("user_disabled", ADMIN),
        ("user_enabled", ADMIN)]
    assert events[1][2]["changes"] == {"groups": [["applicant_unit"], ["applicant_unit", "fao_clerk"]]}
    assert all("Xinmima" not in str(d) for _a, _w, d in events)  # no password in the trail
    page = admin.get("/admin/users/wang").get_data(as_text=True)
    history = page[page.index('id="history"'):]
    assert history.count(ADMIN_NAME) == 5
    for label in ("创建用户", "修改用户", "重置密码", "停用用户", "启用用户", "申报单位、外办经办人", "由系统生成"):
        assert label in history, label

    admin.post("/admin/units/new", data={"key": "commerce", "name": "市商务局"})
    admin.post("/admin/units/commerce", data={"name": "市商务局", "name_en": "Bureau of Commerce"})
    admin.post("/admin/units/commerce/active", data={"active": "0"})
    assert [(a, who) for a, who, _d in history_of(office, "unit:commerce")] == [
        ("unit_created", ADMIN), ("unit_updated", ADMIN), ("unit_disabled", ADMIN)]
    unit_page = admin.get("/admin/units/commerce").get_data(as_text=True)
    assert unit_page[unit_page.index('id="history"'):].count(ADMIN_NAME) == 3 and "Bureau of Commerce" in unit_page


@pytest.mark.parametrize("who", ["sam", "ana", "carl", "alice", "otto"])
def test_everyone_but_administrators_is_refused_in_chinese(app, office, as_user, who):
    client = as_user(who)
    for path in ("/admin/", "/admin/users", "/admin/users/new", "/admin/users/carl", "/admin/units"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "您的账号不具备访问此页面所需的角色或分组" in response.get_data(as_text=True)
    assert client.post("/admin/users/carl/active", data={"active": "0"}).status_code == 403
    assert client.post("/admin/users/new", data={"username": "x", "display_name": "x"}).status_code == 403
    assert 'id="nav-admin"' not in client.get("/inbox").get_data(as_text=True)
    assert signed_in(app, "carl") is not None  # nothing was changed
    assert app.test_client().get("/admin/users").status_code == 302  # signed out: to the sign-in page


def test_the_engine_refuses_a_non_administrator(office):
    from engine.errors import Forbidden
    from engine.people.administration import UserForm

    with pytest.raises(Forbidden):
        office.administration.create_user(office.actor("sam"), UserForm("x1", "X", password=NEW_PASSWORD))


def test_an_administrator_cannot_disable_themselves_or_drop_their_own_admin_role(app, admin, office):
    assert 'id="nav-admin"' in admin.get("/inbox").get_data(as_text=True)
    assert 'id="disable-user"' not in admin.get(f"/admin/users/{ADMIN}").get_data(as_text=True)
    admin.post(f"/admin/users/{ADMIN}/active", data={"active": "0"})
    assert signed_in(app, ADMIN) is not None
    response = admin.post(f"/admin/users/{ADMIN}/edit", data={"display_name": ADMIN_NAME, "roles": ["supervisor"]})
    assert response.status_code == 422
    assert "不能取消自己的系统管理员角色" in response.get_data(as_text=True)
    assert admin.get("/admin/users").status_code == 200


def test_forms_need_the_csrf_token(csrf_app):
    eng = csrf_app.extensions["fao_engine"]
    eng.save_users([UserSpec(ADMIN, PASSWORD, (), ("admin",), ADMIN_NAME)])
    client = csrf_app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"username": ADMIN, "password": PASSWORD, "csrf_token": token}).status_code == 302
    form = {"username": "wang", "display_name": "王丽", "password": NEW_PASSWORD}
    assert client.post("/admin/users/new", data=form).status_code == 400
    assert client.post("/admin/users/carl/active", data={"active": "0"}).status_code == 400
    assert client.post("/admin/users/carl/password", data={"generate": "1"}).status_code == 400
    assert client.post("/admin/units/new", data={"key": "k", "name": "n"}).status_code == 400
    with eng.uow() as uow:
        assert uow.users.by_username("wang") is None and uow.users.by_username("carl").active
    page = client.get("/admin/users/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/admin/users/new", data={**form, "csrf_token": token}).status_code == 302


def test_validation_errors_are_chinese_beside_their_fields_and_keep_what_was_typed(admin, office):
    response = create_user(admin, username="wang li", display_name="王丽丽", groups=["fao_clerk", "protocol_section"],
                           roles=["analyst"], password="wangli")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(r'data-field="username" role="alert">用户名', page)
    assert re.search(r'data-field="password" role="alert">密码至少 8 个字符', page)
    assert 'value="王丽丽"' in page and 'value="wang li"' in page
    assert 'value="fao_clerk" checked' in page and 'value="protocol_section" checked' in page
    assert 'value="analyst" checked' in page and 'value="applicant_unit" checked' not in page
    assert "wangli" not in page.replace('value="wang li"', "")  # the password is not sent back

    assert create_user(admin).status_code == 302
    again = create_user(admin, password="Wang2026abc").get_data(as_text=True)
    assert re.search(r'data-field="username" role="alert">已有用户', again)
    assert re.search(r'data-field="password" role="alert">密码不能包含用户名', create_user(
        admin, username="zhao", password="zhao20261").get_data(as_text=True))

    bad_unit = admin.post("/admin/units/new", data={"key": "Commerce Bureau", "name": "", "name_en": "Commerce"})
    assert bad_unit.status_code == 422
    text = bad_unit.get_data(as_text=True)
    assert re.search(r'data-field="key" role="alert">单位代码', text)
    assert re.search(r'data-field="name" role="alert">', text)
    assert 'value="Commerce Bureau"' in text and 'value="Commerce"' in text


def test_a_disabled_unit_stays_on_its_users_but_is_not_offered_for_new_ones(app, admin, office):
    assert admin.post("/admin/units/new", data={"key": "commerce", "name": "市商务局"}).status_code == 302
    assert "市商务局" in admin.get("/admin/units").get_data(as_text=True)
    assert create_user(admin, unit="commerce").status_code == 302
    admin.post("/admin/units/commerce/active", data={"active": "0"})
    assert "commerce" not in [u["key"] for u in admin.get("/api/v1/units").get_json()]
    assert 'value="commerce"' not in admin.get("/admin/users/new").get_data(as_text=True)
    refused = create_user(admin, username="zhao", unit="commerce")
    assert refused.status_code == 422 and "已停用" in refused.get_data(as_text=True)
    assert 'value="commerce" selected' in admin.get("/admin/users/wang/edit").get_data(as_text=True)
    assert admin.post("/admin/users/wang/edit", data={"display_name": "王丽 ", "unit": "commerce",
                                                     "groups": ["applicant_unit"]}).status_code == 302
    assert signed_in(app, "wang", NEW_PASSWORD).get("/api/v1/me").get_json()["unit"]["key"] == "commerce"


def test_the_list_searches_and_filters(admin, office):
    create_user(admin)
    create_user(admin, username="li", display_name="李明", unit="education", groups=["fao_clerk"], roles=["clerk"])
    admin.post("/admin/users/li/active", data={"active": "0"})

    def logins(**args) -> list[str]:
        page = admin.get("/admin/users", query_string=args).get_data(as_text=True)
        return re.findall(r'<tr data-login="([^"]+)"', page)

    assert logins(q="王") == ["wang"]
    assert logins(q="教育") == ["li"]
    assert logins(q="gov_") == ["gov_a", "wang"]
    assert logins(unit="gov_office") == ["gov_a", "wang"]
    assert logins(group="fao_clerk") == ["carl", "cora", "li"]
    assert logins(role="admin") == [ADMIN]
    assert logins(active="0") == ["li"]
    assert logins(group="fao_clerk", active="1") == ["carl", "cora"]


def test_the_users_api_is_for_administrators_and_in_the_openapi(app, admin, office, token):
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    assert {"get"} <= set(doc["paths"]["/api/v1/users"]) and "post" in doc["paths"]["/api/v1/users/{username}/disable"]
    for who in ("sam", "carl"):
        assert app.test_client().get("/api/v1/users", headers=token(who)).status_code == 403
        assert app.test_client().post("/api/v1/users/alice/disable", headers=token(who)).status_code == 403
    root = token(ADMIN)
    page = app.test_client().get("/api/v1/users", query_string={"unit": "gov_office"}, headers=root).get_json()
    assert [(u["username"], u["unit"]["name"], u["active"]) for u in page["items"]] == [("gov_a", "市政府办", True)]
    assert app.test_client().get("/api/v1/users", query_string={"role": "boss"}, headers=root).status_code == 400
    alice = token("alice")
    done = app.test_client().post("/api/v1/users/alice/disable", headers=root)
    assert done.status_code == 200 and done.get_json()["active"] is False
    assert [(e["action"], e["actor"]) for e in done.get_json()["history"]] == [("user_disabled", ADMIN)]
    assert app.test_client().get("/api/v1/me", headers=alice).status_code == 401
    assert app.test_client().post(f"/api/v1/users/{ADMIN}/disable", headers=root).status_code == 400
    assert app.test_client().get("/api/v1/users/nobody", headers=root).status_code == 404
