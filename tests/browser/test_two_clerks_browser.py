"""Two clerks on one task in real browsers, in Chinese: the one who submits second keeps what she
typed and reads who took the task, by name and unit."""
from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import serving
from tests.web.conftest import PASSWORD, START_DATA, make_app

pytestmark = [pytest.mark.browser,
              pytest.mark.filterwarnings("ignore:Session-scoped fixtures defined as instance methods")]

COMMENT = "邀请函缺少日程安排，请补充后再报。"


@pytest.fixture
def office(tmp_path, seed_db) -> Iterator[tuple[str, str]]:
    """The app served with CSRF on, 陈静 of 外办联络科 beside Carl, and one case waiting for them;
    yields the base URL and the task's id."""
    from engine.people.accounts import put_unit, put_user

    app = make_app(tmp_path, seed_db, csrf=True)
    eng = app.extensions["fao_engine"]
    with eng.uow() as uow:
        put_unit(uow, "fao_liaison", "外办联络科", "FAO liaison")
        put_user(uow, eng.clock.now(), "cora", PASSWORD, ["fao_clerk"], ["clerk"], display_name="陈静",
                 unit="fao_liaison")
        uow.commit()
    instance = eng.start("web_trip", eng.actor("alice"), dict(START_DATA))
    with eng.uow() as uow:
        task_id = uow.reads.tasks.open_of(instance.id)[0].id
    with serving(app) as base:
        yield base, task_id


def signed_in(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/inbox"))
    return page


def test_the_clerk_who_submits_second_keeps_her_typing_and_reads_who_took_it(browser: Browser, office, shot):
    base, task_id = office
    carl = signed_in(browser, base, "carl")
    carl.goto(f"{base}/tasks/{task_id}")
    carl.check("input[name=decision][value=reject]")
    carl.fill("textarea[name=comment]", COMMENT)

    cora = signed_in(browser, base, "cora")  # meanwhile 陈静 takes the task from the inbox
    cora.locator(f"tr[data-task-id='{task_id}'] button.claim").click()
    expect(cora.locator(".flash.success")).to_be_visible()

    carl.click("button[value=complete]")
    expect(carl.locator(".flash.error")).to_have_text("此任务现在无法提交：此任务已由陈静（外办联络科）签收。")
    expect(carl.locator("textarea[name=comment]")).to_have_value(COMMENT)
    expect(carl.locator("input[name=decision][value=reject]")).to_be_checked()
    expect(carl.locator(".kept-note")).to_contain_text("您填写的内容尚未提交")
    expect(carl.locator(".task-head .assignee")).to_have_text("陈静（外办联络科）")
    expect(carl.locator("button[value=complete]")).to_have_count(0)
    shot(carl, "two-clerks-kept-input")
