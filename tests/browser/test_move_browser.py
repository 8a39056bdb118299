"""A supervisor moves a case's token from the case page, in Chinese, in a real browser."""
from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import PASSWORD, START_DATA, make_app

pytestmark = [pytest.mark.browser,
              pytest.mark.filterwarnings("ignore:Session-scoped fixtures defined as instance methods")]


@pytest.fixture
def site(tmp_path, seed_db):
    """The app served with CSRF on, and one case waiting at its first task (examine)."""
    from werkzeug.serving import make_server

    app = make_app(tmp_path, seed_db, csrf=True)
    eng = app.extensions["fao_engine"]
    instance = eng.start("web_trip", eng.actor("alice"), dict(START_DATA))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", instance.id
    server.shutdown()
    thread.join(5)
    eng.session_factory.kw["bind"].dispose()


def test_supervisor_moves_the_token_from_the_case_page(page: Page, site, shot):
    base, case_id = site
    page.set_viewport_size({"width": 1300, "height": 900})
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "sam")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/(inbox|monitor|modeler)"))

    page.goto(f"{base}/monitor/cases/{case_id}")
    expect(page.locator("#case-diagram")).to_have_attribute("data-ready", "1")
    expect(page.locator("#move-token")).to_have_text("移动令牌")
    page.locator('#case-diagram g.djs-element[data-element-id="archive"]').click()  # pick the target on the diagram
    expect(page.locator("#move-pick-to")).to_have_value("archive")
    page.click("#move-pick button")

    expect(page.locator("#move-target")).to_contain_text("登记归档")
    expect(page.locator("#move-cancelled")).to_contain_text("审查申请")
    page.fill("#form-move input[name=reason]", "材料已线下审查")
    shot(page, "move-01-preview")
    page.click("#form-move button")

    expect(page).to_have_url(re.compile(rf"/monitor/cases/{case_id}$"))
    expect(page.locator(".flash.success")).to_contain_text("令牌已从“审查申请”移到“登记归档”")
    expect(page.locator(".task-assign strong")).to_have_text(["登记归档"])
    expect(page.locator("#timeline")).to_contain_text("材料已线下审查")
    expect(page.locator("#case-diagram")).to_have_attribute("data-ready", "1")
    expect(page.locator('#case-diagram g.djs-element[data-element-id="archive"]')).to_have_class(
        re.compile(r"\bfao-running\b"))
    shot(page, "move-02-after")
