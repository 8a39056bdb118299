"""The administration pages in a real browser, in Chinese: an administrator creates a unit and a user
in it (a refused password first: the error beside its field, what was typed kept), and the new user
signs in."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from engine.people.account_commands import UserSpec
from tests.browser.conftest import serving
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_site(tmp_path, seed_db):
    """The app with CSRF on and an administrator, served in a background thread; yields its base URL."""
    from tests.web.conftest import make_app

    app = make_app(tmp_path, seed_db, csrf=True)
    app.extensions["fao_engine"].save_users([UserSpec("root", PASSWORD, (), ("admin",), "管理员周")])
    with serving(app) as base:
        yield base


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(inbox|monitor|modeler)"))


def test_an_administrator_creates_a_unit_and_a_user_in_chinese(page: Page, admin_site, shot):
    base = admin_site
    page.set_viewport_size({"width": 1300, "height": 900})
    sign_in(page, base, "root", PASSWORD)
    page.click("#nav-admin")
    expect(page.locator("h1")).to_contain_text("用户")

    page.click("nav.subnav >> text=单位")
    page.click("#new-unit")
    page.fill("#key", "Commerce")
    page.fill("#name", "市商务局")
    page.click("#save-unit")
    expect(page.locator('.field-error[data-field="key"]')).to_contain_text("单位代码")
    expect(page.locator("#name")).to_have_value("市商务局")
    page.fill("#key", "commerce")
    page.fill("#name_en", "Municipal Bureau of Commerce")
    page.click("#save-unit")
    expect(page.locator(".flash.success")).to_contain_text("单位“市商务局”已创建")
    expect(page.locator('#units tr[data-key="commerce"]')).to_contain_text("市商务局")
    shot(page, "admin-01-units")

    page.click("nav.subnav >> text=用户")
    page.click("#new-user")
    page.fill("#username", "wang")
    page.fill("#display_name", "王丽")
    page.select_option("#unit", label="市商务局")
    page.check('#groups input[value="applicant_unit"]')
    page.check('#roles input[value="clerk"]')
    expect(page.locator("#roles")).to_contain_text("经办人员")
    page.fill("#password", "wang1234")
    page.click("#save-user")
    expect(page.locator('.field-error[data-field="password"]')).to_have_text("密码不能包含用户名。")
    expect(page.locator("#display_name")).to_have_value("王丽")
    expect(page.locator("#unit")).to_have_value("commerce")
    expect(page.locator('#groups input[value="applicant_unit"]')).to_be_checked()
    shot(page, "admin-02-user-refused")
    page.fill("#password", "Shangwu2026")
    page.click("#save-user")
    expect(page.locator("h1")).to_contain_text("王丽（市商务局）")
    expect(page.locator("#user-groups")).to_have_text("申报单位")
    expect(page.locator("#user-roles")).to_have_text("经办人员")
    expect(page.locator("#history")).to_contain_text("创建用户")
    expect(page.locator("#history .who")).to_have_text("管理员周")
    shot(page, "admin-03-user")

    page.click("text=退出")
    sign_in(page, base, "wang", "Shangwu2026")
    expect(page.locator(".who")).to_have_text("王丽（市商务局）")  # by name and unit, never the login
    expect(page.locator("#nav-admin")).to_have_count(0)
