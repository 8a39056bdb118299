"""Versions in a real browser: rename a task in the modeler and deploy v2 while a v1 case runs on;
edit a form in the form editor, watch the preview follow, save and see the process's new version."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import TEST_MODELS
from tests.web.monitor_fixtures import REVIEW, make_app, open_tasks, serving, task_id

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True),
              pytest.mark.filterwarnings("ignore:Session-scoped fixtures defined as instance methods")]

NEW_NAME = "审查材料（第二版）"
DECISION = "review.decision.schema.json"


@pytest.fixture
def site(engine, users, deploy):
    deploy(*REVIEW)  # review.bpmn has no diagram: the modeler lays it out
    with serving(make_app(engine, WTF_CSRF_ENABLED=True)) as base:
        yield base


def sign_in(page: Page, base: str, who: str = "analyst") -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{base}/login")
    page.fill("input[name=username]", who)
    page.fill("input[name=password]", f"pw-{who}")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(inbox|monitor|modeler)"))


def version_of(engine, instance_id: str) -> tuple[int, str]:
    with engine.uow() as uow:
        instance = uow.instances.get(instance_id)
        return instance.version, instance.status


def test_a_renamed_task_deployed_as_v2_leaves_the_running_case_on_v1(page: Page, site, shot, engine, users):
    base = site
    before = engine.start("review", users["unit"], {"title": "发布前的申请"})
    sign_in(page, base)

    page.goto(f"{base}/modeler/review")
    expect(page.locator("body")).to_have_attribute("data-modeler-ready", "1")
    examine = page.locator('#canvas g.djs-element[data-element-id="examine"]')
    examine.click()
    name_field = page.locator('#properties input[name="name"]')
    expect(name_field).to_have_value("Examine")
    name_field.fill(NEW_NAME)
    name_field.press("Tab")  # the panel applies a field as it loses the focus
    expect(examine).to_contain_text("第二版")  # the label on the canvas follows
    page.fill("#deploy-note", "审查任务改名")
    page.click("#btn-deploy")
    expect(page.locator("#status")).to_contain_text("review v2")
    shot(page, "versions-01-renamed-and-deployed")

    with engine.uow() as uow:
        v2 = uow.processes.get("review", 2)
        assert v2.change_note == "审查任务改名" and v2.deployed_by == "analyst"
        assert f'name="{NEW_NAME}"' in v2.bpmn_xml and 'id="examine"' in v2.bpmn_xml

    # the case started before carries on and finishes on version 1, under the old name
    assert [t.name for t in open_tasks(engine, before.id)] == ["Examine"]
    engine.complete(task_id(engine, before.id, "examine"), users["clerk"], {"decision": "approve", "comment": "同意"})
    assert [t.name for t in open_tasks(engine, before.id)] == ["Approve"]
    engine.complete(task_id(engine, before.id, "approve"), users["chief"], {"decision": "approve", "comment": "同意"})
    assert version_of(engine, before.id) == (1, "completed")

    # a case started now runs on version 2 and its task has the new name
    after = engine.start("review", users["unit"], {"title": "发布后的申请"})
    assert version_of(engine, after.id) == (2, "active")
    [task] = open_tasks(engine, after.id)
    assert (task.bpmn_id, task.name) == ("examine", NEW_NAME)

    page.goto(f"{base}/modeler")
    rows = page.locator('[data-process="review"]')
    expect(rows.locator('tr[data-version="2"]')).to_contain_text("审查任务改名")
    expect(rows.locator('tr[data-version="2"] td.num').nth(1)).to_have_text("1")  # v2: one running case
    expect(rows.locator('tr[data-version="1"] td.num').nth(0)).to_have_text("1")  # v1: one case ...
    expect(rows.locator('tr[data-version="1"] td.num').nth(1)).to_have_text("0")  # ... finished
    shot(page, "versions-02-two-versions-with-their-cases")

    # the clerk's inbox shows the new case's task under its new name
    page.context.clear_cookies()
    sign_in(page, base, "clerk")
    expect(page.locator("main")).to_contain_text(NEW_NAME)
    shot(page, "versions-03-clerk-inbox-new-name")


def test_form_editor_preview_follows_the_schema_and_save_makes_v2(page: Page, site, shot, engine, users):
    base = site
    running = engine.start("review", users["unit"], {"title": "进行中"})
    sign_in(page, base)
    page.goto(f"{base}/modeler")
    page.click("#forms-link")
    expect(page.locator(f'tr[data-form="{DECISION}"]')).to_contain_text("review.decision.uischema.json")
    shot(page, "forms-01-list")
    page.click(f'tr[data-form="{DECISION}"] td:first-child a')
    expect(page.locator("body")).to_have_attribute("data-preview", "ok")
    preview = page.locator("#form-preview")
    expect(preview.locator('[data-field="decision"] input[type=radio]')).to_have_count(3)  # ui:widget radio
    expect(preview.locator('[data-field="comment"] textarea')).to_have_count(1)  # ui:widget textarea

    # a slip in the JSON: the preview says where
    schema_box = page.locator("#schema-text")
    original = schema_box.input_value()
    schema_box.fill(original.replace('"required": ["decision"],', '"required": ["decision"]'))
    expect(page.locator("body")).to_have_attribute("data-preview", "problems")
    expect(preview.locator(".form-problems li")).to_contain_text(re.compile(r"(line 2|第 2 行)"))
    expect(schema_box).to_have_class(re.compile(r"\binvalid\b"))
    shot(page, "forms-02-json-error")

    # give the form a title and the comment a label: the preview follows
    schema = json.loads((TEST_MODELS / DECISION).read_text(encoding="utf-8"))
    schema["title"] = "审查意见"
    schema["properties"]["comment"]["title"] = "意见说明"
    schema_box.fill(json.dumps(schema, ensure_ascii=False, indent=2))
    expect(page.locator("body")).to_have_attribute("data-preview", "ok")
    expect(preview.locator("h2")).to_have_text("审查意见")
    expect(preview.locator('[data-field="comment"] label')).to_contain_text("意见说明")
    expect(schema_box).not_to_have_class(re.compile(r"\binvalid\b"))
    shot(page, "forms-03-preview-updated")

    page.fill("#form-note", "审查表单加标题")
    page.click("#btn-save-form")
    expect(page.locator("body")).to_have_attribute("data-saved", "new")
    expect(page.locator("#results")).to_contain_text("review v2 new")
    shot(page, "forms-04-saved-v2")

    with engine.uow() as uow:
        v2 = uow.processes.get("review", 2)
        assert v2.change_note == "审查表单加标题" and v2.forms[DECISION]["title"] == "审查意见"
    assert version_of(engine, running.id)[0] == 1

    # the clerk's task of a new case shows the form as previewed
    fresh = engine.start("review", users["unit"], {"title": "新表单"})
    page.context.clear_cookies()
    sign_in(page, base, "clerk")
    page.goto(f"{base}/tasks/{task_id(engine, fresh.id, 'examine')}")
    expect(page.locator("form.task-form").locator("xpath=..").locator("h2")).to_have_text("审查意见")
    expect(page.locator('form.task-form [data-field="comment"] label')).to_contain_text("意见说明")
    shot(page, "forms-05-clerk-task-with-the-new-form")
