"""The modeler keeps what it opens: every model of bpmn_models/, opened in the real /modeler and saved
unchanged, validates, deploys as ``unchanged`` (the engine's parse of the saved file is the original's),
shows no change in the version compare and keeps each spiffworkflow: element and attribute.

One browser page and one server for the whole module; each model is a test of its own.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from lxml import etree
from playwright.sync_api import Page, expect

from tests.web.monitor_fixtures import make_app, serving

pytestmark = [pytest.mark.browser,
              pytest.mark.filterwarnings("ignore:Session-scoped fixtures defined as instance methods")]

ROOT = Path(__file__).resolve().parents[2]
BPMN_MODELS = ROOT / "bpmn_models"
# every element and attribute of the spiffworkflow: namespace the engine's parser reads (and spiff-arena's)
SPIFF_EXTENSIONS = Path(__file__).resolve().parent / "models" / "spiff_extensions.bpmn"
MODEL_PATHS = [*sorted(BPMN_MODELS.rglob("*.bpmn")), SPIFF_EXTENSIONS]
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"

# an element of the namespace that neither SpiffWorkflow 3.2 nor the descriptor knows (a later version's)
UNKNOWN_EXTENSION = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="x">
  <bpmn:process id="unknown_extension" name="Unknown extension" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="work">
      <bpmn:extensionElements><spiffworkflow:somethingNew level="2">x</spiffworkflow:somethingNew></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing><bpmn:script>x = 1</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""

DEPLOY = """async ([url, xml]) => {
  const token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  const res = await fetch(url, {method: "POST", credentials: "same-origin", body: JSON.stringify({xml: xml, note: "unchanged"}),
    headers: {"Content-Type": "application/json", "X-CSRFToken": token, "Accept": "application/json"}});
  return {status: res.status, json: await res.json()};
}"""


def all_model_files() -> list[tuple[str, bytes]]:
    """bpmn_models/ as ``fao deploy bpmn_models`` collects it, and the extensions model."""
    files = [(p.name, p.read_bytes()) for p in sorted(BPMN_MODELS.rglob("*"))
             if p.is_file() and p.suffix.lower() in (".bpmn", ".dmn", ".json")]
    return [*files, (SPIFF_EXTENSIONS.name, SPIFF_EXTENSIONS.read_bytes())]


def executable_processes(xml: str) -> list[str]:
    root = etree.fromstring(xml.encode("utf-8"))
    return [p.get("id") for p in root.iter(f"{{{BPMN}}}process") if p.get("isExecutable") == "true"]


def _owner(el: etree._Element) -> str:
    """The id of the nearest BPMN element around ``el`` (where an extension belongs)."""
    node = el.getparent()
    while node is not None and not (etree.QName(node).namespace == BPMN and node.get("id")):
        node = node.getparent()
    return node.get("id") if node is not None else "-"


def _shape(el: etree._Element) -> tuple:
    """An element as (tag, attributes, text, children); indentation between elements is not content."""
    text = el.text if el.text and el.text.strip() else None
    return (el.tag, tuple(sorted(el.attrib.items())), text,
            tuple(_shape(c) for c in el if isinstance(c.tag, str)))


def spiff_content(xml: str) -> list[tuple]:
    """Each spiffworkflow: element (with all inside it) and attribute, by the BPMN element it belongs to."""
    root = etree.fromstring(xml.encode("utf-8"))
    found: list[tuple] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        parent = el.getparent()
        if etree.QName(el).namespace == SPIFF and (parent is None or etree.QName(parent).namespace != SPIFF):
            found.append((_owner(el), _shape(el)))
        found.extend((el.get("id") or _owner(el), etree.QName(el).localname, name, value)
                     for name, value in el.attrib.items() if etree.QName(name).namespace == SPIFF)
    return sorted(found, key=repr)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Every model of bpmn_models/ (and the extensions model) deployed, an analyst, the app served."""
    from engine.people.accounts import put_user
    from engine.timekeeping.clock import FrozenClock
    from store.migrate import upgrade
    from tests.conftest import make_engine_for

    url = f"sqlite:///{tmp_path_factory.mktemp('roundtrip') / 'fao.db'}"
    upgrade(url)
    now = datetime.now(timezone.utc)
    engine = make_engine_for(url, FrozenClock(datetime(now.year + 1, 3, 2, 1, 0, tzinfo=timezone.utc)))
    with engine.uow() as uow:
        put_user(uow, engine.clock.now(), "analyst", "pw-analyst", [], ["analyst"])
        uow.commit()
    engine.deploy(all_model_files(), engine.actor("analyst"), "the models as they are")
    engine.deploy([("unknown_extension.bpmn", UNKNOWN_EXTENSION.encode("utf-8"))], engine.actor("analyst"), "later")
    with serving(make_app(engine, WTF_CSRF_ENABLED=True)) as base:
        yield base, engine
    engine.session_factory.kw["bind"].dispose()


@pytest.fixture(scope="module")
def analyst_page(browser, site):
    """One page, signed in as the analyst, for every model."""
    base, _engine = site
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", "pw-analyst")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(inbox|monitor|modeler)"))
    yield page
    context.close()


def open_in_modeler(page: Page, base: str, key: str) -> None:
    page.goto(f"{base}/modeler/{key}")
    expect(page.locator("body")).to_have_attribute("data-modeler-ready", "1")
    expect(page.locator("body")).to_have_attribute("data-import-losses", "0")  # bpmn-js read all of it
    expect(page.locator("#import-loss")).to_be_hidden()


def saved_xml(page: Page) -> str:
    return page.evaluate("faoModeler.saveXML({format: true}).then(function (r) { return r.xml; })")


@pytest.mark.parametrize("path", MODEL_PATHS, ids=[p.stem for p in MODEL_PATHS])
def test_a_model_opened_and_saved_unchanged_validates_and_deploys_as_unchanged(path: Path, site, analyst_page: Page):
    base, engine = site
    page = analyst_page
    with engine.uow() as uow:
        keys = executable_processes(path.read_text(encoding="utf-8"))
        stored = uow.reads.processes.source(keys[0], None)
    assert stored is not None
    original = stored[2]  # what the modeler opens (a model without a diagram gets one laid out)

    open_in_modeler(page, base, keys[0])
    page.click("#btn-validate")
    expect(page.locator("body")).to_have_attribute("data-validated", "ok")
    expect(page.locator("#problems li.problem")).to_have_count(0)

    saved = saved_xml(page)
    answer = page.evaluate(DEPLOY, ["/api/v1/modeler/deploy", saved])
    assert answer["status"] == 200, answer  # 201 would be a new version: the engine read something else
    assert {(r["key"], r["status"]) for r in answer["json"]["results"]} >= {(k, "unchanged") for k in keys}
    assert all(r["status"] == "unchanged" for r in answer["json"]["results"]), answer

    from engine.deploy.versions_diff import diff_bpmn

    diff = diff_bpmn(original, saved)  # what the version compare would show
    assert diff.empty, (diff.added, diff.removed, diff.changed)
    assert spiff_content(saved) == spiff_content(original)


def test_the_extensions_model_really_holds_the_whole_namespace():
    """The elements SpiffWorkflow's parser reads (spiff/parser) and spiff-arena's, all in the test model."""
    content = repr(spiff_content(SPIFF_EXTENSIONS.read_text(encoding="utf-8")))
    for name in ("preScript", "postScript", "instructionsForEndUser", "calledDecisionId", "messagePayload",
                 "messageVariable", "payloadExpression", "processVariableCorrelation", "propertyId", "expression",
                 "properties", "property", "serviceTaskOperator", "parameters", "parameter", "retry", "unitTests",
                 "unitTest", "inputJson", "expectedOutputJson", "taskMetadataValues", "taskMetadataValue",
                 "allowGuest", "guestConfirmation", "category", "signalButtonLabel"):
        assert f"{{{SPIFF}}}{name}'" in content, name
    assert f"{{{SPIFF}}}scriptsOnInstances'" in content  # an attribute of the loop


def test_edits_in_the_panel_keep_what_the_panel_does_not_show(site, analyst_page: Page):
    """The panel rebuilds an extension when a field changes: the operator's retry, the user task's other
    extensions (task metadata, guest settings, another tool's element) stay."""
    base, _engine = site
    page = analyst_page.context.new_page()  # its own page: the edits leave it with unsaved changes
    try:
        _edit_and_check(page, base)
    finally:
        page.close()


def _select(page: Page, bpmn_id: str) -> None:
    page.evaluate("id => faoModeler.get('selection').select(faoModeler.get('elementRegistry').get(id))", bpmn_id)


def _change(page: Page, selector: str, before: str, after: str) -> None:
    field = page.locator(f"#properties {selector}")
    expect(field).to_have_value(before)
    field.fill(after)
    field.press("Tab")  # the panel applies a field as it loses the focus


def _edit_and_check(page: Page, base: str) -> None:
    open_in_modeler(page, base, "spiff_extensions")
    before = spiff_content(saved_xml(page))
    _select(page, "notify")
    _change(page, 'input[name="resultVariable"]', "notified", "notice_sent")
    _select(page, "review_item")
    _change(page, 'textarea[name="instructionsForEndUser"]', "Item {{ item }}", "第 {{ item }} 项")
    _change(page, 'textarea[name="preScript"]', 'note = "before"', 'note = "之前"')
    _change(page, 'input[name="formUiSchemaFilename"]', "abroad.hand_back.uischema.json", "")
    _select(page, "decide")
    _change(page, 'input[name="calledDecisionId"]', "approval_authority", "approval_authority_v2")
    saved = saved_xml(page)

    root = etree.fromstring(saved.encode("utf-8"))
    operator = root.find(f".//{{{SPIFF}}}serviceTaskOperator")
    assert operator is not None and operator.get("resultVariable") == "notice_sent"
    retry = operator.find(f"{{{SPIFF}}}retry")
    assert retry is not None and (retry.get("retries"), retry.get("backoff_base")) == ("3", "2")
    assert [p.get("id") for p in operator.iter(f"{{{SPIFF}}}parameter")] == ["message_zh", "message_en"]
    assert root.findtext(f".//{{{SPIFF}}}instructionsForEndUser") == "第 {{ item }} 项"
    assert root.findtext(f".//{{{BPMN}}}userTask//{{{SPIFF}}}preScript") == 'note = "之前"'
    assert root.findtext(f".//{{{SPIFF}}}calledDecisionId") == "approval_authority_v2"
    assert [p.get("name") for p in root.iter(f"{{{SPIFF}}}property")] == ["formJsonSchemaFilename"]
    assert root.find(".//{https://hengyang.gov.cn/fao/notes}note") is not None
    edited = {"instructionsForEndUser", "preScript", "properties", "serviceTaskOperator", "calledDecisionId"}
    untouched = [c for c in spiff_content(saved) if not any(f"}}{name}'" in repr(c[:2]) for name in edited)]
    assert untouched == [c for c in before if not any(f"}}{name}'" in repr(c[:2]) for name in edited)]


def test_what_the_modeler_cannot_read_is_said_before_a_deploy_could_drop_it(site, analyst_page: Page):
    base, _engine = site
    page = analyst_page
    page.goto(f"{base}/modeler/unknown_extension")
    expect(page.locator("body")).to_have_attribute("data-modeler-ready", "1")
    expect(page.locator("body")).to_have_attribute("data-import-losses", "1")
    notice = page.locator("#import-loss")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("建模器无法读取此文件中的 1 处内容；从这里部署将丢失这些内容")
    expect(notice.locator("li")).to_contain_text("spiffworkflow:somethingNew")
    page.click("#btn-validate")  # validating does not hide it
    expect(page.locator("body")).to_have_attribute("data-validated", "ok")
    expect(notice).to_be_visible()
