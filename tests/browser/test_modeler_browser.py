"""The modeler in a real browser: open a process, edit a property, validate, see the error on its element."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.web.monitor_fixtures import REVIEW, make_app, serving

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True),
              pytest.mark.filterwarnings("ignore:Session-scoped fixtures defined as instance methods")]


@pytest.fixture
def modeler_site(engine, users, deploy):
    deploy(*REVIEW)
    deploy("timers.bpmn")
    with serving(make_app(engine, WTF_CSRF_ENABLED=True)) as base:
        yield base


def sign_in(page: Page, base: str) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", "pw-analyst")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(inbox|monitor|modeler)"))


def select(page: Page, bpmn_id: str) -> None:
    page.evaluate("id => faoModeler.get('selection').select(faoModeler.get('elementRegistry').get(id))", bpmn_id)


def test_open_validate_an_invalid_diagram_and_see_the_error_on_the_element(page: Page, modeler_site, shot, engine):
    base = modeler_site
    sign_in(page, base)

    page.goto(f"{base}/modeler")
    expect(page.locator('[data-process="review"] tr[data-version="1"]')).to_contain_text("analyst")
    shot(page, "modeler-01-versions")

    page.goto(f"{base}/modeler/review")
    expect(page.locator("body")).to_have_attribute("data-modeler-ready", "1")
    examine = page.locator('#canvas g.djs-element[data-element-id="examine"]')
    examine.click()
    expect(page.locator("#properties")).to_contain_text("fao_clerk")  # its lane, as a group
    expect(page.locator("#properties .meta").first).to_have_text("人工任务 · examine")  # its type in words
    form_field = page.locator('#properties input[name="formJsonSchemaFilename"]')
    expect(form_field).to_have_value("review.decision.schema.json")
    shot(page, "modeler-02-properties")

    form_field.fill("missing.schema.json")
    page.click("#btn-validate")  # the field's change is applied as it loses the focus
    expect(page.locator("body")).to_have_attribute("data-validated", "problems")
    expect(examine).to_have_class(re.compile(r"\bfao-problem\b"))
    badge = page.locator('#canvas .djs-overlays[data-container-id="examine"] .fao-problem-badge')
    expect(badge).to_have_attribute("title", re.compile("missing.schema.json"))
    badge.hover()
    expect(badge.locator(".fao-problem-tip")).to_be_visible()
    problem = page.locator("#problems li.problem")
    expect(problem).to_contain_text("引用的表单文件“missing.schema.json”尚未部署")
    expect(problem).to_contain_text(re.compile(r"review\.bpmn 第 \d+ 行"))
    shot(page, "modeler-03-problem-on-element")

    # put it right, validate again, deploy with a note: version 2
    page.click("#problems li.linked")  # a problem in the list selects its element
    page.locator('#properties input[name="formJsonSchemaFilename"]').fill("review.decision.schema.json")
    page.locator('#properties input[name="name"]').fill("审查材料")
    page.click("#btn-validate")
    expect(page.locator("body")).to_have_attribute("data-validated", "ok")
    expect(examine).not_to_have_class(re.compile(r"fao-problem"))
    page.fill("#deploy-note", "改名为审查材料")
    page.click("#btn-deploy")
    expect(page.locator("#status")).to_contain_text("review v2")
    shot(page, "modeler-04-deployed")
    with engine.uow() as uow:
        v2 = uow.processes.get("review", 2)
        assert v2.change_note == "改名为审查材料" and 'name="审查材料"' in v2.bpmn_xml


def test_timer_expressions_are_python_and_a_bare_literal_is_flagged(page: Page, modeler_site, shot):
    base = modeler_site
    sign_in(page, base)
    page.goto(f"{base}/modeler/timers")
    expect(page.locator("body")).to_have_attribute("data-modeler-ready", "1")
    select(page, "wait")
    expression = page.locator('#properties textarea[name="timer-expression"]')
    expect(expression).to_have_value('"P1D"')
    expect(page.locator("#properties")).to_contain_text('字面量必须加引号，例如 "P3D"')  # the standing reminder
    expression.fill("P2D")
    expect(page.locator("#properties .python-warning")).to_contain_text('"P2D"')  # flagged while typing
    page.click("#btn-validate")
    expect(page.locator("body")).to_have_attribute("data-validated", "problems")
    expect(page.locator('#canvas g.djs-element[data-element-id="wait"]')).to_have_class(re.compile(r"\bfao-problem\b"))
    expect(page.locator("#problems li.problem")).to_contain_text("是未加引号的 P2D：定时器表达式是 Python，请加上引号")
    shot(page, "modeler-05-unquoted-timer")
    select(page, "f2")  # a flow out of a task, not a gateway: no condition field
    expect(page.locator('#properties textarea[name="condition"]')).to_have_count(0)


def test_the_palette_and_context_pad_speak_chinese(page: Page, modeler_site):
    sign_in(page, modeler_site)
    page.goto(f"{modeler_site}/modeler/review")
    expect(page.locator("body")).to_have_attribute("data-modeler-ready", "1")
    palette = page.locator(".djs-palette")
    expect(palette.get_by_role("button", name="创建开始事件")).to_be_visible()
    expect(palette.get_by_role("button", name="启用抓手工具")).to_be_visible()
    page.locator('#canvas g.djs-element[data-element-id="examine"]').click()
    pad = page.locator(".djs-context-pad.open")
    expect(pad.locator('.entry[title="追加结束事件"]')).to_be_visible()
    expect(pad.locator('.entry[title="删除"]')).to_be_visible()
    expect(pad.locator('.entry[title="Delete"]')).to_have_count(0)
