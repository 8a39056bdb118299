"""Signing in and out, lockout, session cookie flags, CSRF on forms and on the API."""
from __future__ import annotations

import re

from tests.web.conftest import PASSWORD, login


def test_login_page_has_username_and_password_fields(app):
    html = app.test_client().get("/login").get_data(as_text=True)
    assert 'name="username"' in html and 'name="password"' in html
    assert "登录" in html  # default language is Chinese


def test_good_password_signs_in_and_goes_to_inbox(app):
    client = app.test_client()
    response = login(client, "carl")
    assert response.status_code == 302 and response.headers["Location"].endswith("/inbox")
    assert client.get("/inbox").status_code == 200


def test_session_cookie_is_httponly_and_samesite_lax(app):
    response = login(app.test_client(), "carl")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_wrong_password_is_refused_without_saying_which_part(app):
    client = app.test_client()
    response = login(client, "carl", "nope")
    assert response.status_code == 401
    assert client.get("/inbox").status_code == 302
    assert login(client, "nobody", "nope").status_code == 401


def test_five_failures_lock_the_account_even_for_the_right_password(app):
    client = app.test_client()
    for _ in range(5):
        login(client, "cora", "wrong")
    assert login(client, "cora", PASSWORD).status_code == 401


def test_next_parameter_never_leaves_the_site(app):
    client = app.test_client()
    response = client.post("/login?next=//evil.example/x", data={"username": "carl", "password": PASSWORD})
    assert response.headers["Location"].endswith("/inbox")
    client = app.test_client()
    response = client.post("/login?next=/apply", data={"username": "carl", "password": PASSWORD})
    assert response.headers["Location"].endswith("/apply")


def test_pages_redirect_to_login_when_signed_out(app):
    client = app.test_client()
    for path in ("/inbox", "/apply", "/applications", "/tasks/x", "/instances/x"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_logout_ends_the_session(as_user):
    client = as_user("carl")
    assert client.post("/logout").status_code == 302
    assert client.get("/inbox").status_code == 302


def test_forms_need_the_csrf_token(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/login", data={"username": "carl", "password": PASSWORD})
    assert response.status_code == 400
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post("/login", data={"username": "carl", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_api_with_a_browser_session_needs_the_csrf_header_for_posts(csrf_app):
    client = csrf_app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
    body = {"data": {"title": "t", "destination": "asia", "days": 2, "members": [{"name": "a", "gender": "male"}]}}
    response = client.post("/api/v1/processes/web_trip/instances", json=body)
    assert response.status_code == 400 and response.json["error"]["code"] == "csrf_failed"
    page = client.get("/inbox").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post("/api/v1/processes/web_trip/instances", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 201
    assert client.get("/api/v1/tasks").status_code == 200  # reads need no header


def test_api_with_a_bearer_token_needs_no_csrf_header(csrf_app):
    from engine.people.accounts import new_token

    eng = csrf_app.extensions["fao_engine"]
    with eng.uow() as uow:
        value = new_token(uow, eng.clock.now(), "alice")
        uow.commit()
    body = {"data": {"title": "t", "destination": "asia", "days": 2, "members": [{"name": "a", "gender": "male"}]}}
    response = csrf_app.test_client().post("/api/v1/processes/web_trip/instances", json=body,
                                           headers={"Authorization": f"Bearer {value}"})
    assert response.status_code == 201
