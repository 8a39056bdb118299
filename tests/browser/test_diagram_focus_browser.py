"""A long process in the case panel opens on the current step at a readable size, not as a thin strip."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import serving
from tests.browser.test_scenario import sign_in

pytestmark = [pytest.mark.browser,
              pytest.mark.filterwarnings("ignore:Session-scoped fixtures defined as instance methods")]

STEPS = 24


def wide_model() -> bytes:
    """24 tasks in a row, no diagram (the layout draws them 170 px apart): far wider than the panel."""
    ids = [f"step_{i}" for i in range(STEPS)]
    nodes = ["start", *ids, "end"]
    tasks = "".join(f'<bpmn:userTask id="{t}" name="第{i + 1}步"><bpmn:incoming>f{i}</bpmn:incoming>'
                    f'<bpmn:outgoing>f{i + 1}</bpmn:outgoing></bpmn:userTask>' for i, t in enumerate(ids))
    flows = "".join(f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>'
                    for i, (a, b) in enumerate(zip(nodes, nodes[1:])))
    refs = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in nodes)
    return (f'<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
            f'id="defs" targetNamespace="http://hengyang.gov.cn/fao/tests">'
            f'<bpmn:collaboration id="c"><bpmn:participant id="p" processRef="web_wide"/></bpmn:collaboration>'
            f'<bpmn:process id="web_wide" name="长流程（测试）" isExecutable="true">'
            f'<bpmn:laneSet id="ls"><bpmn:lane id="l" name="fao_clerk">{refs}</bpmn:lane></bpmn:laneSet>'
            f'<bpmn:startEvent id="start"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>{tasks}'
            f'<bpmn:endEvent id="end"><bpmn:incoming>f{STEPS}</bpmn:incoming></bpmn:endEvent>{flows}'
            f'</bpmn:process></bpmn:definitions>').encode("utf-8")


@pytest.fixture
def wide_server(tmp_path, seed_db):
    """The app with the wide model and a case at its 14th step; yields (base URL, case id)."""
    from tests.web.conftest import make_app

    app = make_app(tmp_path, seed_db)
    eng = app.extensions["fao_engine"]
    eng.deploy([("web_wide.bpmn", wide_model())], eng.actor("ana"))
    instance = eng.start("web_wide", eng.actor("carl"), {"title": "长流程"})
    for _ in range(13):
        with eng.uow() as uow:
            task_id = uow.reads.tasks.open_of(instance.id)[0].id
        eng.complete(task_id, eng.actor("carl"), {})
    with serving(app) as base:
        yield base, instance.id


def test_the_case_diagram_opens_on_the_current_step(page: Page, wide_server, shot):
    base, case_id = wide_server
    sign_in(page, base, "carl")
    page.goto(f"{base}/instances/{case_id}")
    expect(page.locator("#diagram[data-rendered=true]")).to_be_visible(timeout=15000)
    shot(page, "case-diagram-focused")
    active = page.locator('#diagram .fao-active[data-element-id="step_13"]')
    box, panel = active.bounding_box(), page.locator("#diagram").bounding_box()
    assert box is not None and panel is not None
    assert box["width"] >= 60  # readable: at least 60 % of a task's 100 units
    assert panel["x"] <= box["x"] and box["x"] + box["width"] <= panel["x"] + panel["width"]
