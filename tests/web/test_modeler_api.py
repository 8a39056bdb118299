"""The modeler works through /api/v1: its own JSON routes are gone, and only analysts reach the new ones."""
from __future__ import annotations

import pytest

from tests.conftest import TEST_MODELS
from tests.unit.test_xml_entry_points import HOSTILE
from tests.web.monitor_fixtures import client_of, versions  # noqa: F401  (a fixture)

REVIEW_XML = (TEST_MODELS / "review.bpmn").read_text(encoding="utf-8")
DECISION = "review.decision.schema.json"
MODELER_API = [
    ("/api/v1/modeler/validate", {"xml": REVIEW_XML}),
    ("/api/v1/modeler/deploy", {"xml": REVIEW_XML.replace('name="Examine"', 'name="审查"'), "note": "改名"}),
    (f"/api/v1/modeler/forms/{DECISION}", {"schema": "{}", "uischema": "{}", "note": "清空"}),
]


@pytest.mark.parametrize("path", ["/modeler/validate", "/modeler/deploy", f"/modeler/forms/{DECISION}"])
def test_the_modelers_own_json_routes_are_gone(client_of, engine, path):
    response = client_of("analyst").post(path, json={"xml": REVIEW_XML, "note": "旧接口", "schema": "{}"})
    assert response.status_code in (404, 405)  # no such route: at most a page of the same address that only GETs
    assert not (response.is_json and "results" in response.json)
    assert versions(engine) == [1]


@pytest.mark.parametrize("who", ["clerk", "unit", "boss"])
@pytest.mark.parametrize("path,body", MODELER_API, ids=["validate", "deploy", "form"])
def test_the_modeler_api_refuses_everyone_but_analysts(client_of, engine, who, path, body):
    response = client_of(who).post(path, json=body)
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"
    assert versions(engine) == [1]


def test_the_modeler_api_answers_analysts(client_of, engine):
    client = client_of("analyst")
    assert client.post(MODELER_API[0][0], json=MODELER_API[0][1]).json["ok"] is True
    assert client.post(MODELER_API[1][0], json=MODELER_API[1][1]).status_code == 201
    assert versions(engine) == [1, 2]


def test_the_modeler_api_is_in_the_openapi_document(client_of):
    paths = client_of(None).get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/modeler/validate", "/api/v1/modeler/deploy", "/api/v1/modeler/forms/{name}"):
        assert "post" in paths[path] and "403" in paths[path]["post"]["responses"]
    assert "403" in paths["/api/v1/modeler/processes/{key}/compare"]["get"]["responses"]


def test_the_editor_page_points_the_modeler_at_the_api(client_of):
    page = client_of("analyst").get("/modeler/review").get_data(as_text=True)
    assert "/api/v1/modeler/validate" in page and "/api/v1/modeler/deploy" in page
    form_page = client_of("analyst").get(f"/modeler/forms/{DECISION}").get_data(as_text=True)
    assert f"/api/v1/modeler/forms/{DECISION}" in form_page


def test_the_modeler_api_refuses_a_hostile_model(client_of, engine):
    answer = client_of("analyst").post("/api/v1/modeler/validate", json={"xml": HOSTILE}).json
    assert answer["ok"] is False and "DOCTYPE" in answer["problems"][0]["message"]
    refused = client_of("analyst").post("/api/v1/modeler/deploy", json={"xml": HOSTILE, "note": "恶意"})
    assert refused.status_code == 422 and versions(engine) == [1]


def test_comparing_versions_lists_the_changed_elements_for_analysts_only(client_of):
    client = client_of("analyst")
    assert client.post(MODELER_API[1][0], json=MODELER_API[1][1]).status_code == 201
    diff = client.get("/api/v1/modeler/processes/review/compare").json
    assert (diff["a"], diff["b"]) == (1, 2) and [c["id"] for c in diff["changed"]] == ["examine"]
    assert diff["added"] == [] and diff["removed"] == []
    assert client.get("/api/v1/modeler/processes/review/compare?a=1&b=7").status_code == 404
    assert client_of("clerk").get("/api/v1/modeler/processes/review/compare").status_code == 403
