"""The clerks' day in a real browser: apply, claim, fail validation, complete, switch language, read the answer."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import PASSWORD

pytestmark = [pytest.mark.browser,
              pytest.mark.filterwarnings("ignore:Session-scoped fixtures defined as instance methods")]


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/(inbox|monitor|modeler)"))


def sign_out(page: Page) -> None:
    page.click("header form button")
    expect(page).to_have_url(re.compile(r"/login"))


def test_apply_claim_validate_complete_and_read_the_rejection(page: Page, live_server: str, shot):
    base = live_server
    page.goto(f"{base}/login")
    shot(page, "01-login")

    # an applicant applies with two delegation members
    sign_in(page, base, "alice")
    page.goto(f"{base}/apply")
    expect(page.locator("[data-process=web_trip]")).to_be_visible()
    shot(page, "02-apply")
    page.click("[data-process=web_trip] a")
    page.fill("input[name=title]", "赴日本友城交流访问")
    page.select_option("select[name=destination]", "asia")
    page.fill("input[name=days]", "5")
    page.click("fieldset[data-array=members] .add-row")
    page.fill("input[name='members.0.name']", "张三")
    page.check("input[name='members.0.gender'][value=male]")
    page.fill("input[name='members.0.passport_no']", "E12345678")
    page.click("fieldset[data-array=members] .add-row")
    page.fill("input[name='members.1.name']", "李四")
    page.check("input[name='members.1.gender'][value=female]")
    shot(page, "03-start-form")
    page.click("button.primary")
    expect(page).to_have_url(re.compile(r"/applications"))
    expect(page.locator("tr[data-instance-id]")).to_have_count(1)
    shot(page, "04-applications-pending")
    sign_out(page)

    # a clerk claims the task, triggers a validation error, then completes it
    sign_in(page, base, "carl")
    row = page.locator("tr[data-task-id]")
    expect(row).to_have_count(1)
    expect(page.locator("#nav-count-inbox")).to_have_text("1")
    shot(page, "05-inbox")
    row.locator("button.claim").click()
    expect(page.locator("tr[data-task-id] button.unclaim")).to_be_visible()
    page.locator("tr[data-task-id] a").first.click()
    expect(page.locator("#diagram[data-rendered=true]")).to_be_visible(timeout=15000)
    assert page.locator("#diagram .fao-active").count() >= 1
    lanes = page.locator("#diagram").inner_text()
    assert "外办经办人" in lanes and "申报单位" in lanes and "fao_clerk" not in lanes  # lanes by their groups' titles
    expect(page.locator(".instructions-text")).to_contain_text("共 2 人")
    page.check("input[name=decision][value=reject]")
    page.click("button[value=complete]")
    error = page.locator(".field-error[data-field=comment]")
    expect(error).to_be_visible()
    assert re.search(r"[\u4e00-\u9fff]", error.inner_text()), error.inner_text()
    expect(page.locator("input[name=decision][value=reject]")).to_be_checked()
    shot(page, "06-task-validation-zh")

    # switch to English: the same error in English
    page.goto(page.url + "?lang=en")
    page.check("input[name=decision][value=reject]")
    page.click("button[value=complete]")
    error = page.locator(".field-error[data-field=comment]")
    expect(error).to_be_visible()
    assert not re.search(r"[\u4e00-\u9fff]", error.inner_text()), error.inner_text()
    shot(page, "07-task-validation-en")
    page.fill("textarea[name=comment]", "邀请函不完整，不予同意。")
    page.click("button[value=complete]")
    expect(page).to_have_url(re.compile(r"/inbox"))
    expect(page.locator(".flash.success")).to_be_visible()
    shot(page, "08-inbox-after-complete-en")
    page.goto(f"{base}/inbox?lang=zh_CN")
    sign_out(page)

    # the applicant sees the rejection
    sign_in(page, base, "alice")
    page.goto(f"{base}/applications")
    expect(page.locator(".decision-reject")).to_contain_text("不予同意")
    expect(page.locator("td.decisions")).to_contain_text("邀请函不完整")
    shot(page, "09-applications-rejected")
    page.locator("tr[data-instance-id] a").first.click()
    expect(page.locator("#diagram[data-rendered=true]")).to_be_visible(timeout=15000)
    expect(page.locator("table.history")).to_contain_text("Carl")  # by name, not by login
    shot(page, "10-case")
