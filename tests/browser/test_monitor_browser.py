"""The monitor in a real browser: dashboard, a case's diagram with states and runs, the heat map."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.web.monitor_fixtures import make_app, seed_office, serving

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True),
              pytest.mark.filterwarnings("ignore:Session-scoped fixtures defined as instance methods")]


@pytest.fixture
def monitor_site(engine, users, deploy, clock):
    office = seed_office(engine, users, deploy, clock)
    with serving(make_app(engine, WTF_CSRF_ENABLED=True)) as base:
        yield base, office


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"pw-{username}")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(inbox|monitor|modeler)"))


def element(page: Page, diagram: str, bpmn_id: str):
    return page.locator(f'#{diagram} g.djs-element[data-element-id="{bpmn_id}"]')


def test_dashboard_case_diagram_and_heat_map(page: Page, monitor_site, shot):
    base, office = monitor_site
    page.set_viewport_size({"width": 1400, "height": 1000})
    sign_in(page, base, "boss")
    page.goto(f"{base}/monitor")
    expect(page.locator("h1")).to_have_text("业务监控")
    expect(page.locator("#fig-stuck strong")).to_have_text("4")
    expect(page.locator("#fig-incidents strong")).to_have_text("1")
    shot(page, "monitor-01-dashboard")

    page.click("#fig-stuck")
    expect(page.locator("#list-total")).to_have_text("4")
    expect(page.locator("td.col-waiting", has_text="等待消息 visa_result")).to_have_count(1)
    expect(page.locator("td.col-waiting", has_text="定时器 wait")).to_have_count(1)
    shot(page, "monitor-02-stuck")

    page.goto(f"{base}/monitor/cases/{office.completed[1]}")
    expect(page.locator("#case-diagram")).to_have_attribute("data-ready", "1")
    expect(element(page, "case-diagram", "examine")).to_have_class(re.compile(r"\bfao-completed\b"))
    expect(element(page, "case-diagram", "approve")).to_have_class(re.compile(r"\bfao-completed\b"))
    expect(element(page, "case-diagram", "end_rejected")).not_to_have_class(re.compile(r"fao-"))
    expect(page.locator('#case-diagram .djs-overlays[data-container-id="examine"] .fao-runs')).to_have_text("1")
    expect(page.locator("#case-data")).to_contain_text("E1*****78")
    shot(page, "monitor-03-case-completed")

    page.goto(f"{base}/monitor/cases/{office.failed}")
    expect(page.locator("#case-diagram")).to_have_attribute("data-ready", "1")
    expect(element(page, "case-diagram", "divide")).to_have_class(re.compile(r"\bfao-error\b"))
    shot(page, "monitor-04-case-failed")
    page.fill(".incident textarea[name=patch]", '{"parts": 1}')
    page.fill(".incident input[name=reason]", "份数改为 1")
    page.click(".incident button[type=submit]")
    expect(page.locator(".flash.success")).to_contain_text("已重试")
    expect(element(page, "case-diagram", "after")).to_have_class(re.compile(r"\bfao-running\b"))
    shot(page, "monitor-05-case-retried")

    page.goto(f"{base}/monitor/processes/review")
    expect(page.locator("#heat-diagram")).to_have_attribute("data-ready", "1")
    fill = element(page, "heat-diagram", "examine").locator(".djs-visual > rect").first.evaluate("r => r.style.fill")
    assert fill == "rgb(231, 85, 85)"  # hsl(0, 75%, 62%): the longest wait is red
    expect(page.locator('#heat-diagram .djs-overlays[data-container-id="examine"] .fao-heat-label')).to_be_visible()
    expect(page.locator("#weekly-chart svg rect[data-value]").first).to_be_attached()
    shot(page, "monitor-06-heat-map")
