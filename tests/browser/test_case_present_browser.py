"""Office-grade screens in a real browser, in Chinese: two applications differ by their titles in the
clerk's inbox, a search finds one by its title, and the case data reads with the forms' titles and
option words, members as a table and the passport number masked."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import PASSWORD, START_DATA

pytestmark = pytest.mark.browser


@pytest.fixture
def office_site(tmp_path, seed_db):
    """Two cases of web_trip started by alice, the app served with CSRF on; yields (base, case ids)."""
    from tests.browser.conftest import serving
    from tests.web.conftest import make_app

    app = make_app(tmp_path, seed_db, csrf=True)
    eng = app.extensions["fao_engine"]
    ids = [eng.start("web_trip", eng.actor("alice"), dict(START_DATA, title=title, depart_on="2026-12-20")).id
           for title in ("赴日本友城交流", "赴韩国经贸洽谈")]
    with serving(app) as base:
        yield base, ids


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/inbox"))


def test_a_clerk_tells_cases_apart_by_title_and_reads_the_data_in_chinese(page: Page, office_site, shot):
    base, (first, _second) = office_site
    page.set_viewport_size({"width": 1300, "height": 900})
    sign_in(page, base, "carl")
    rows = page.locator("table.inbox tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("table.inbox")).to_contain_text("赴日本友城交流")
    expect(page.locator("table.inbox")).to_contain_text("赴韩国经贸洽谈")
    expect(page.locator("table.inbox td.priority").first).to_have_text("普通")
    shot(page, "present-01-inbox")

    page.fill("input[name=q]", "韩国")
    page.click("form.filters button[type=submit]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("赴韩国经贸洽谈")

    page.goto(f"{base}/instances/{first}")
    panel = page.locator(".case-summary")
    expect(panel.locator(".case-title")).to_have_text("赴日本友城交流")
    expect(panel).to_contain_text("目的地")
    expect(panel).to_contain_text("亚洲国家")
    expect(panel).to_contain_text("2026年12月20日")
    table = panel.locator('table[data-field="members"]')
    expect(table.locator("th").first).to_have_text("姓名")
    expect(table).to_contain_text("男")
    expect(table).to_contain_text("E12***678")
    expect(panel).not_to_contain_text("E12345678")
    expect(panel).not_to_contain_text("asia")
    shot(page, "present-02-case-data")
