"""The modeler's form editor (list, editor, live preview, save = deploy) and the MIWG reference models in validate."""
from __future__ import annotations

import json
import re

import pytest

from tests.conftest import CORPORA, TEST_MODELS
from tests.web.monitor_fixtures import (
    REVIEW,
    client_of,  # noqa: F401  (a fixture)
    make_app,
    sign_in,
    task_id,
    versions,
)

DECISION = "review.decision.schema.json"
DECISION_UI = "review.decision.uischema.json"
DECISION_TEXT = (TEST_MODELS / DECISION).read_text(encoding="utf-8")
DECISION_UI_TEXT = (TEST_MODELS / DECISION_UI).read_text(encoding="utf-8")
MIWG = sorted((CORPORA / "miwg" / "Reference").glob("*.bpmn"))


def titled(title: str = "审查意见") -> str:
    """The decision schema with a form title and a titled comment field."""
    schema = json.loads(DECISION_TEXT)
    schema["title"] = title
    schema["properties"]["comment"]["title"] = "意见说明"
    return json.dumps(schema, ensure_ascii=False, indent=2)




def stored(engine, name: str) -> str | None:
    with engine.uow() as uow:
        row = next((m for m in uow.processes.model_files("form") if m.name == name), None)
        return row.content if row else None


def save(client, text: str, ui: str = DECISION_UI_TEXT, note: str = "表单加标题", name: str = DECISION):
    return client.post(f"/api/v1/modeler/forms/{name}", json={"schema": text, "uischema": ui, "note": note})


# --- list and editor pages ----------------------------------------------------------------------

def test_forms_list_pairs_each_schema_with_its_ui_schema_and_the_processes_using_it(client_of):
    page = client_of("boss").get("/modeler/forms").get_data(as_text=True)  # supervisors look (analysts edit)
    row = re.search(r'<tr data-form="review.decision.schema.json">(.*?)</tr>', page, re.S).group(1)
    assert DECISION_UI in row and "/modeler/review" in row and "v1" in row
    assert 'data-form="review.start.schema.json"' in page
    assert f'data-form="{DECISION_UI}"' not in page  # listed beside its schema, not on its own
    assert 'id="forms-link"' in client_of("boss").get("/modeler").get_data(as_text=True)
    assert 'id="forms-link"' in client_of("analyst").get("/modeler/review").get_data(as_text=True)


def test_editor_shows_both_files_read_only_to_non_analysts(client_of):
    analyst = client_of("analyst").get(f"/modeler/forms/{DECISION}").get_data(as_text=True)
    assert 'id="schema-text"' in analyst and 'id="ui-text"' in analyst and 'id="btn-save-form"' in analyst
    assert "&#34;ui:order&#34;" in analyst or "&quot;ui:order&quot;" in analyst or '"ui:order"' in analyst
    clerk = client_of("boss").get(f"/modeler/forms/{DECISION}").get_data(as_text=True)
    assert 'id="btn-save-form"' not in clerk and re.search(r'<textarea id="schema-text"[^>]*readonly', clerk)
    ui = client_of("boss").get(f"/modeler/forms/{DECISION}".replace(".schema.", ".uischema."))
    assert ui.status_code == 302 and ui.headers["Location"].endswith(f"/modeler/forms/{DECISION}")
    assert client_of("boss").get("/modeler/forms/nothing.schema.json").status_code == 404
    assert client_of("boss").get("/modeler/forms/..%2Fetc.json").status_code == 404
    assert client_of(None).get("/modeler/forms").status_code == 302


# --- preview --------------------------------------------------------------------------------------

def test_preview_is_the_task_pages_form_rendered_by_the_same_macros(client_of, engine, users):
    client = client_of("boss")
    answer = client.post("/modeler/forms/preview", json={"schema": titled(), "uischema": DECISION_UI_TEXT,
                                                         "schema_name": DECISION, "ui_name": DECISION_UI})
    assert answer.status_code == 200 and answer.mimetype == "text/html" and answer.headers["X-Form-Ok"] == "1"
    html = answer.get_data(as_text=True)
    assert "<h2>审查意见</h2>" in html and "意见说明" in html
    assert 'class="field kind-radio' in html and 'class="field kind-textarea' in html  # the UI schema's widgets
    assert html.index('data-field="decision"') < html.index('data-field="comment"')  # ui:order

    # the clerk's task page shows the same field markup for the deployed form
    instance = engine.start("review", users["unit"], {"title": "甲"})
    task_page = client_of("clerk").get(f"/tasks/{task_id(engine, instance.id, 'examine')}").get_data(as_text=True)
    deployed = client.post("/modeler/forms/preview", json={"schema": DECISION_TEXT, "uischema": DECISION_UI_TEXT}
                           ).get_data(as_text=True)
    field = re.compile(r'<div class="field kind-radio[^"]*" data-field="decision">.*?</fieldset>', re.S)
    assert field.search(deployed).group(0) == field.search(task_page).group(0)


def test_preview_reports_a_json_error_with_its_line_and_schema_problems(client_of):
    client = client_of("analyst")
    broken = DECISION_TEXT.replace('"required": ["decision"],', '"required": ["decision"]')  # line 1 loses a comma
    three_lines = '{\n  "type": "object",\n  "properties": {,}\n}'
    answer = client.post("/modeler/forms/preview", json={"schema": three_lines, "uischema": "", "schema_name": DECISION})
    html = answer.get_data(as_text=True)
    assert answer.headers["X-Form-Ok"] == "0" and 'data-line="3"' in html and ("line 3" in html or "第 3 行" in html)
    assert "preview-card" not in html  # nothing to preview
    answer = client.post("/modeler/forms/preview", json={"schema": broken, "uischema": DECISION_UI_TEXT})
    assert answer.headers["X-Form-Ok"] == "0"
    bad_type = json.dumps({"type": "object", "properties": {"a": {"type": "strin"}}})
    html = client.post("/modeler/forms/preview", json={"schema": bad_type, "uischema": ""}).get_data(as_text=True)
    assert "properties/a/type" in html and "JSON Schema" in html
    ui_list = client.post("/modeler/forms/preview", json={"schema": DECISION_TEXT, "uischema": "[]",
                                                          "ui_name": DECISION_UI}).get_data(as_text=True)
    assert "UI Schema" in ui_list and 'data-file="review.decision.uischema.json"' in ui_list


# --- saving ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["clerk", "boss", "unit"])
def test_only_analysts_save_forms(client_of, engine, who):
    response = save(client_of(who), titled())
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"
    assert versions(engine) == [1] and stored(engine, DECISION) == DECISION_TEXT


@pytest.mark.parametrize("text, expected", [
    ('{"type": "object",\n "properties": {"a": {"type": "string"},}\n}', r"(line 2|第 2 行)"),
    ('{"type": "object", "properties": {"a": {"type": "strin"}}}', r"properties/a/type"),
    ('{"type": "object", "properties": {"a": {"$ref": "#/$defs/nothing"}}}', r"points at nothing"),
    ('["not", "an", "object"]', r"(JSON object|JSON 对象)"),
    ("", r"(empty|不能为空)"),
    ('{"type": "object", "properties": {"a": {"type": "integer"}}, '
     '"x-rules": [{"assert": "a > b", "field": "a", "message": "x"}]}', r"(“b”)"),
])
def test_invalid_json_or_schema_is_refused_with_a_message_and_nothing_is_deployed(client_of, engine, text, expected):
    response = save(client_of("analyst"), text)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "invalid_form" and error["details"]
    assert any(re.search(expected, d["message"]) for d in error["details"]), error["details"]
    assert all(d["file"] == DECISION for d in error["details"])
    assert versions(engine) == [1] and stored(engine, DECISION) == DECISION_TEXT


def test_an_invalid_ui_schema_or_a_missing_note_is_refused(client_of, engine):
    client = client_of("analyst")
    bad_ui = save(client, titled(), ui='{"ui:order": ["decision",]}')
    assert bad_ui.status_code == 422 and bad_ui.json["error"]["details"][0]["file"] == DECISION_UI
    assert bad_ui.json["error"]["details"][0]["line"] == 1
    emptied = save(client, titled(), ui="  ")
    assert emptied.status_code == 422 and emptied.json["error"]["details"][0]["file"] == DECISION_UI
    no_note = save(client, titled(), note=" ")
    assert no_note.status_code == 400 and no_note.json["error"]["code"] == "note_required"
    assert save(client, titled(), name="unknown.schema.json").status_code == 404
    assert versions(engine) == [1] and stored(engine, DECISION) == DECISION_TEXT


def test_a_saved_form_makes_a_new_version_of_the_process_and_running_cases_keep_theirs(client_of, engine, users):
    before = engine.start("review", users["unit"], {"title": "之前"})
    response = save(client_of("analyst"), titled())
    assert response.status_code == 201, response.json
    assert response.json["results"] == [{"key": "review", "version": 2, "status": "new", "warnings": [],
                                         "url": "/modeler/review?version=2"}]
    assert response.json["files"] == [DECISION, DECISION_UI]
    assert stored(engine, DECISION) == titled()  # deployed as the analyst typed it
    with engine.uow() as uow:
        v2 = uow.processes.get("review", 2)
        assert v2.change_note == "表单加标题" and v2.deployed_by == "analyst"
        assert v2.forms[DECISION]["title"] == "审查意见"
        assert "title" not in uow.processes.get("review", 1).forms[DECISION]
        assert uow.instances.get(before.id).process_version_id == uow.processes.get("review", 1).id
    after = engine.start("review", users["unit"], {"title": "之后"})
    with engine.uow() as uow:
        assert uow.instances.get(after.id).process_version_id == v2.id
    again = save(client_of("analyst"), titled(), note="再存一次")
    assert again.status_code == 200 and again.json["results"] == []  # nothing changed: no version, no line
    assert versions(engine) == [1, 2]


def test_the_form_editor_posts_are_csrf_protected(engine, users, deploy):
    deploy(*REVIEW)
    client = make_app(engine, WTF_CSRF_ENABLED=True).test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
    signed = client.post("/login", data={"username": "analyst", "password": "pw-analyst", "csrf_token": token})
    assert signed.status_code == 302
    page = client.get(f"/modeler/forms/{DECISION}").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    body = {"schema": titled(), "uischema": DECISION_UI_TEXT, "note": "加标题"}
    assert client.post(f"/api/v1/modeler/forms/{DECISION}", json=body).status_code == 400  # no token
    assert client.post("/modeler/forms/preview", json=body).status_code == 400
    assert client.post("/modeler/forms/preview", json=body, headers={"X-CSRFToken": token}).status_code == 200
    assert client.post(f"/api/v1/modeler/forms/{DECISION}", json=body, headers={"X-CSRFToken": token}).status_code == 201


# --- the MIWG reference models in the modeler -------------------------------------------------------

def _validate(client, path):
    response = client.post("/api/v1/modeler/validate", json={"xml": path.read_text(encoding="utf-8")})
    return response.status_code, response.get_json(silent=True)


@pytest.mark.corpus
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # a dry run: the database kind does not matter
@pytest.mark.parametrize("path", MIWG, ids=[p.name for p in MIWG])
def test_miwg_reference_models_open_in_the_modeler_and_validate_answers(client_of, engine, path):
    client = client_of("analyst")
    status, answer = _validate(client, path)
    assert status == 200, (path.name, status, answer)
    assert isinstance(answer["ok"], bool) and isinstance(answer["problems"], list)
    if not answer["ok"]:
        assert answer["problems"], "a refused model says why"
        for p in answer["problems"]:
            assert p["message"] and "Traceback" not in p["message"]
    if answer["ok"]:
        said = "ok " + ", ".join(f"{r['key']} v{r['version']} {r['status']}" for r in answer["results"])
    else:
        said = "; ".join(f"{p['file']}:{p['line'] or '-'} [{p['element_id'] or '-'}] {p['message'][:160]}"
                         for p in answer["problems"])
    print(f"\nMIWG {path.name}: {said}")  # pytest -s lists what validate says per file
    assert versions(engine, "review") == [1]  # validate writes nothing
    # the editor page opens on it as well: the modeler lays out what has no diagram
    from engine.bpmn.diagram import ensure_layout

    assert "BPMNShape" in ensure_layout(path.read_text(encoding="utf-8"))
