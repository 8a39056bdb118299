"""The OpenAPI document is generated from the route table and documents every /api/v1 rule."""
from __future__ import annotations

import re

from jsonschema import Draft202012Validator


def test_every_api_rule_and_method_is_documented(app):
    doc = app.test_client().get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, (path, method)
    assert len(documented) == sum(len(r.methods - {"HEAD", "OPTIONS"}) for r in app.url_map.iter_rules()
                                  if r.rule.startswith("/api/v1"))


def test_contract_endpoints_are_all_present(app):
    doc = app.test_client().get("/api/v1/openapi.json").json
    wanted = {
        ("/api/v1/processes", "get"), ("/api/v1/processes", "post"), ("/api/v1/processes/{key}", "get"),
        ("/api/v1/processes/{key}/versions/{n}/bpmn", "get"), ("/api/v1/processes/{key}/instances", "post"),
        ("/api/v1/instances", "get"), ("/api/v1/instances/{instance_id}", "get"),
        ("/api/v1/instances/{instance_id}/suspend", "post"), ("/api/v1/instances/{instance_id}/resume", "post"),
        ("/api/v1/instances/{instance_id}/terminate", "post"), ("/api/v1/messages", "post"),
        ("/api/v1/tasks", "get"), ("/api/v1/tasks/{task_id}", "get"), ("/api/v1/tasks/{task_id}/claim", "post"),
        ("/api/v1/tasks/{task_id}/unclaim", "post"), ("/api/v1/tasks/{task_id}/assign", "post"),
        ("/api/v1/tasks/{task_id}/complete", "post"), ("/api/v1/attachments", "post"),
        ("/api/v1/attachments/{attachment_id}", "get"), ("/api/v1/incidents", "get"),
        ("/api/v1/incidents/{incident_id}/retry", "post"),
    }
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert wanted <= documented
    for path, method in wanted:
        responses = doc["paths"][path][method]["responses"]
        assert "401" in responses and "400" in responses


def test_answers_match_the_documented_schemas(app, token, case):
    """Task and page objects served by the API validate against the document's components."""
    doc = app.test_client().get("/api/v1/openapi.json").json
    _instance, _task = case()
    body = app.test_client().get("/api/v1/tasks", headers=token("carl")).json

    def schema(name):
        return _nullable({**doc["components"]["schemas"][name], "components": doc["components"]})

    validator = Draft202012Validator(schema("Task"))
    for item in body["items"]:
        assert not list(validator.iter_errors(item))


def _nullable(node):
    """OpenAPI 3.0 ``nullable`` -> JSON Schema ``type: [t, null]`` (for validating answers)."""
    if isinstance(node, dict):
        out = {k: _nullable(v) for k, v in node.items() if k != "nullable"}
        if node.get("nullable") and "type" in node:
            out["type"] = [node["type"], "null"]
        return out
    if isinstance(node, list):
        return [_nullable(v) for v in node]
    return node


def test_openapi_needs_no_auth(app):
    assert app.test_client().get("/api/v1/openapi.json").status_code == 200
