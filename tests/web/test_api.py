"""The JSON API against CONTRACT section 4: every endpoint, status code and error shape."""
from __future__ import annotations

import io

import pytest

from tests.web.conftest import MODELS, START_DATA

TASK_KEYS = {"id", "instance_id", "process_key", "bpmn_id", "name", "lane", "status", "assignee", "created_at",
             "due_at", "priority", "business_key", "case_title", "applicant"}


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.json
    assert set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"])
    assert isinstance(body["error"]["details"], list)
    if code:
        assert body["error"]["code"] == code
    return body["error"]


@pytest.fixture
def api(app, token):
    """``api("carl").get(...)``: a client whose requests carry that user's bearer token."""
    class Client:
        def __init__(self, username: str) -> None:
            self.headers = token(username)
            self.client = app.test_client()

        def __getattr__(self, method):
            def call(path, **kwargs):
                headers = {**self.headers, **kwargs.pop("headers", {})}
                return getattr(self.client, method)(path, headers=headers, **kwargs)
            return call

    return Client


def start(api, who="alice", data=None):
    response = api(who).post("/api/v1/processes/web_trip/instances", json={"data": data or START_DATA})
    assert response.status_code == 201, response.json
    return response.json


# --- auth ----------------------------------------------------------------------------------

@pytest.mark.parametrize("method, path", [
    ("get", "/api/v1/processes"), ("post", "/api/v1/processes"), ("get", "/api/v1/processes/web_trip"),
    ("get", "/api/v1/processes/web_trip/versions/1/bpmn"), ("post", "/api/v1/processes/web_trip/instances"),
    ("get", "/api/v1/instances"), ("get", "/api/v1/instances/x"), ("post", "/api/v1/instances/x/suspend"),
    ("post", "/api/v1/instances/x/resume"), ("post", "/api/v1/instances/x/terminate"),
    ("post", "/api/v1/messages"), ("get", "/api/v1/tasks"), ("get", "/api/v1/tasks/x"),
    ("post", "/api/v1/tasks/x/claim"), ("post", "/api/v1/tasks/x/unclaim"), ("post", "/api/v1/tasks/x/assign"),
    ("post", "/api/v1/tasks/x/complete"), ("post", "/api/v1/attachments"), ("get", "/api/v1/attachments/x"),
    ("get", "/api/v1/incidents"), ("post", "/api/v1/incidents/1/retry"),
])
def test_every_endpoint_answers_401_without_auth(app, method, path):
    assert_error(getattr(app.test_client(), method)(path), 401, "unauthorized")


def test_a_bad_token_is_401(app):
    response = app.test_client().get("/api/v1/tasks", headers={"Authorization": "Bearer nope"})
    assert_error(response, 401)
    response = app.test_client().get("/api/v1/tasks", headers={"Authorization": "Basic abc"})
    assert_error(response, 401)


def test_unknown_api_path_is_json_404(api):
    assert_error(api("carl").get("/api/v1/nothing"), 404, "not_found")
    assert_error(api("carl").delete("/api/v1/tasks"), 405)


# --- processes -----------------------------------------------------------------------------

def test_list_and_get_processes(api):
    listed = api("otto").get("/api/v1/processes").json
    assert isinstance(listed, list)
    [proc] = [p for p in listed if p["key"] == "web_trip"]
    assert {"key", "version", "title", "title_zh", "description"} <= set(proc)
    detail = api("otto").get("/api/v1/processes/web_trip").json
    assert detail["versions"][0]["version"] == 1
    assert detail["start_form_schema"]["properties"]["members"]["type"] == "array"
    assert detail["start_ui_schema"]["ui:order"][0] == "title"
    assert_error(api("otto").get("/api/v1/processes/nope"), 404)


def test_bpmn_xml_as_deployed(api):
    response = api("otto").get("/api/v1/processes/web_trip/versions/1/bpmn")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert b"web_trip" in response.data
    assert_error(api("otto").get("/api/v1/processes/web_trip/versions/9/bpmn"), 404)


def _files(*names):
    return {"files": [(io.BytesIO((MODELS / n).read_bytes()), n) for n in names]}


def test_deploy_is_for_analysts_and_unchanged_is_200(api):
    names = ("web_trip.bpmn", "web_trip.start.schema.json", "web_trip.start.uischema.json",
             "web_trip.examine.schema.json", "web_trip.examine.uischema.json", "web_trip.archive.schema.json")
    assert_error(api("carl").post("/api/v1/processes", data=_files(*names), content_type="multipart/form-data"), 403)
    response = api("ana").post("/api/v1/processes", data=_files(*names), content_type="multipart/form-data")
    assert response.status_code == 200 and response.json[0]["status"] == "unchanged"
    changed = (MODELS / "web_trip.bpmn").read_bytes().replace("登记归档".encode(), "登记并归档".encode())
    data = {"files": [(io.BytesIO(changed), "web_trip.bpmn")]}
    response = api("ana").post("/api/v1/processes", data=data, content_type="multipart/form-data")
    assert response.status_code == 201 and response.json[0] == {"key": "web_trip", "version": 2, "status": "new",
                                                                 "warnings": response.json[0]["warnings"]}


def test_deploy_errors_are_422_with_file_and_line(api):
    data = {"files": [(io.BytesIO(b"<bpmn:definitions"), "broken.bpmn")]}
    err = assert_error(api("ana").post("/api/v1/processes", data=data, content_type="multipart/form-data"), 422)
    assert err["details"][0]["file"] == "broken.bpmn" and "line" in err["details"][0]
    assert_error(api("ana").post("/api/v1/processes", json={}), 415)


def test_deploy_over_5_mb_is_413(api):
    big = b"<?xml version='1.0'?><a>" + b" " * (5 * 1024 * 1024 + 10) + b"</a>"
    data = {"files": [(io.BytesIO(big), "big.bpmn")]}
    assert_error(api("ana").post("/api/v1/processes", data=data, content_type="multipart/form-data"), 413)


# --- starting and instances -------------------------------------------------------------

def test_start_answers_201_with_active_tasks(api):
    body = start(api)
    assert body["status"] == "active" and body["process_key"] == "web_trip" and body["version"] == 1
    assert [t["bpmn_id"] for t in body["active_tasks"]] == ["examine"]
    assert set(body["active_tasks"][0]) >= TASK_KEYS


def test_start_refused_403_and_field_errors_422(api):
    assert_error(api("carl").post("/api/v1/processes/web_trip/instances", json={"data": START_DATA}), 403)
    bad = dict(START_DATA, members=[{"gender": "male"}])
    err = assert_error(api("alice").post("/api/v1/processes/web_trip/instances", json={"data": bad}), 422)
    assert {"field": "members.0.name"} == {"field": err["details"][0]["field"]}
    err = assert_error(api("alice").post("/api/v1/processes/web_trip/instances", json={"data": [1]}), 422)
    assert err["details"][0]["field"] == "data"
    assert_error(api("alice").post("/api/v1/processes/nope/instances", json={}), 404)


def test_malformed_wrong_type_and_too_large_bodies(api):
    client = api("alice")
    url = "/api/v1/processes/web_trip/instances"
    assert_error(client.post(url, data="{not json", content_type="application/json"), 400, "bad_request")
    assert_error(client.post(url, data="[1, 2]", content_type="application/json"), 400)
    assert_error(client.post(url, data="data=1", content_type="text/plain"), 415, "unsupported_media_type")
    big = '{"data": {"title": "' + "x" * (2 * 1024 * 1024) + '"}}'
    assert_error(client.post(url, data=big, content_type="application/json"), 413, "too_large")
    huge = b"x" * (20 * 1024 * 1024 + 1)
    assert_error(client.post("/api/v1/attachments", data=huge, content_type="application/octet-stream"), 413)
    data = {"file": (io.BytesIO(huge), "big.bin")}
    assert_error(client.post("/api/v1/attachments", data=data, content_type="multipart/form-data"), 413)
    deep = "[" * 100000 + "]" * 100000
    assert client.post(url, data=deep, content_type="application/json").status_code in (400, 413)


def test_instances_list_visibility_and_filters(api):
    mine = start(api)["id"]
    start(api, who="bob")
    items = api("alice").get("/api/v1/instances").json
    assert set(items) == {"items", "total", "page", "per_page"} and items["per_page"] == 50
    assert [i["id"] for i in items["items"]] == [mine]
    assert api("sam").get("/api/v1/instances").json["total"] == 2
    assert api("carl").get("/api/v1/instances").json["total"] == 2  # open tasks in his group
    assert api("otto").get("/api/v1/instances").json["total"] == 0
    assert api("sam").get("/api/v1/instances?status=completed").json["total"] == 0
    assert api("sam").get("/api/v1/instances?per_page=1&page=2").json["page"] == 2
    assert api("sam").get("/api/v1/instances?per_page=999").json["per_page"] == 200
    assert api("sam").get("/api/v1/instances?overdue=true").json["total"] == 0
    assert_error(api("sam").get("/api/v1/instances?status=weird"), 400)
    assert_error(api("sam").get("/api/v1/instances?page=x"), 400)
    assert_error(api("sam").get("/api/v1/instances?overdue=maybe"), 400)


def test_instance_detail_shape(api):
    iid = start(api)["id"]
    body = api("alice").get(f"/api/v1/instances/{iid}").json
    assert {"id", "process_key", "version", "status", "business_key", "data", "started_at", "ended_at", "due_at",
            "active_tasks", "waiting_on", "activities", "history"} <= set(body)
    assert body["waiting_on"] == [dict(body["waiting_on"][0], kind="task", bpmn_id="examine", group="fao_clerk")]
    assert {"bpmn_id": "start", "process_key": "web_trip", "name": "提交申请", "type": "StartEvent",
            "state": "completed", "runs": 1} in body["activities"]
    assert [a for a in body["activities"] if a["bpmn_id"] == "examine"][0]["state"] == "running"
    assert body["history"][0]["action"] == "started" and "+00:00" in body["history"][0]["at"]
    assert set(body["history"][0]) == {"at", "actor", "action", "task_id", "bpmn_id", "detail"}
    assert body["data"]["members"][1]["name"] == "李四"
    assert_error(api("bob").get(f"/api/v1/instances/{iid}"), 403)
    assert_error(api("sam").get("/api/v1/instances/nope"), 404)


def test_suspend_resume_terminate_for_supervisors(api):
    iid = start(api)["id"]
    assert_error(api("carl").post(f"/api/v1/instances/{iid}/suspend"), 403)
    assert api("sam").post(f"/api/v1/instances/{iid}/suspend", json={"reason": "等材料"}).json["status"] == "suspended"
    assert_error(api("sam").post(f"/api/v1/instances/{iid}/suspend"), 409)
    assert api("sam").post(f"/api/v1/instances/{iid}/resume").json["status"] == "active"
    assert_error(api("sam").post(f"/api/v1/instances/{iid}/resume"), 409)
    assert api("sam").post(f"/api/v1/instances/{iid}/terminate").json["status"] == "terminated"
    assert_error(api("sam").post(f"/api/v1/instances/{iid}/terminate"), 409)
    assert_error(api("sam").post("/api/v1/instances/nope/terminate"), 404)
    assert_error(api("sam").post(f"/api/v1/instances/{iid}/resume", json={"reason": 5}), 422)


# --- tasks ----------------------------------------------------------------------------------

def test_task_list_scopes(api):
    task = start(api)["active_tasks"][0]
    listed = api("carl").get("/api/v1/tasks").json
    assert listed["total"] == 1 and set(listed["items"][0]) == TASK_KEYS
    assert api("carl").get("/api/v1/tasks?scope=mine").json["total"] == 0
    assert api("carl").get("/api/v1/tasks?scope=group").json["total"] == 1
    assert api("chen").get("/api/v1/tasks").json["total"] == 0
    api("carl").post(f"/api/v1/tasks/{task['id']}/claim")
    assert api("carl").get("/api/v1/tasks?scope=mine&status=claimed").json["total"] == 1
    assert api("cora").get("/api/v1/tasks").json["total"] == 0
    assert api("carl").get("/api/v1/tasks?process=web_trip&overdue=false&per_page=1").json["total"] == 1
    assert_error(api("carl").get("/api/v1/tasks?scope=all"), 400)


def test_task_detail_has_form_data_and_instructions(api):
    task = start(api)["active_tasks"][0]
    body = api("carl").get(f"/api/v1/tasks/{task['id']}").json
    assert body["form_schema"]["properties"]["decision"]["enum"] == ["approve", "revise", "reject"]
    assert body["ui_schema"]["decision"]["ui:widget"] == "radio"
    assert body["data"]["title"] == START_DATA["title"] and "共 2 人" in body["instructions"]
    assert_error(api("chen").get(f"/api/v1/tasks/{task['id']}"), 403)
    assert_error(api("carl").get("/api/v1/tasks/nope"), 404)


def test_claim_unclaim_assign(api):
    task_id = start(api)["active_tasks"][0]["id"]
    assert_error(api("chen").post(f"/api/v1/tasks/{task_id}/claim"), 403)
    claimed = api("carl").post(f"/api/v1/tasks/{task_id}/claim").json
    assert claimed["status"] == "claimed" and claimed["assignee"] == "carl"
    assert_error(api("cora").post(f"/api/v1/tasks/{task_id}/claim"), 409)
    assert_error(api("cora").post(f"/api/v1/tasks/{task_id}/unclaim"), 409)
    assert api("carl").post(f"/api/v1/tasks/{task_id}/unclaim").json["assignee"] is None
    assert_error(api("carl").post(f"/api/v1/tasks/{task_id}/assign", json={"user": "cora"}), 403)
    assert_error(api("sam").post(f"/api/v1/tasks/{task_id}/assign", json={}), 422)
    assert_error(api("sam").post(f"/api/v1/tasks/{task_id}/assign", json={"user": "ghost"}), 404)
    assert api("sam").post(f"/api/v1/tasks/{task_id}/assign", json={"user": "cora"}).json["assignee"] == "cora"
    assert_error(api("nobody" if False else "carl").post("/api/v1/tasks/nope/claim"), 404)


def test_refused_task_moves_answer_409_with_a_code_naming_why(api):
    task_id = start(api)["active_tasks"][0]["id"]
    assert_error(api("sam").post(f"/api/v1/tasks/{task_id}/unclaim"), 409, "task_not_claimed")
    api("carl").post(f"/api/v1/tasks/{task_id}/claim")
    assert_error(api("cora").post(f"/api/v1/tasks/{task_id}/claim"), 409, "task_claimed")
    assert_error(api("cora").post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"decision": "approve"}}),
                 409, "task_claimed")
    api("carl").post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"decision": "approve"}})
    for move in ("claim", "unclaim"):
        assert_error(api("carl").post(f"/api/v1/tasks/{task_id}/{move}"), 409, "task_completed")
    assert_error(api("sam").post(f"/api/v1/tasks/{task_id}/assign", json={"user": "cora"}), 409, "task_completed")


def test_claiming_a_task_one_holds_already_changes_nothing(api):
    case = start(api)
    task_id = case["active_tasks"][0]["id"]
    for _ in range(2):
        claimed = api("carl").post(f"/api/v1/tasks/{task_id}/claim")
        assert (claimed.status_code, claimed.json["assignee"]) == (200, "carl")
    history = api("carl").get(f"/api/v1/instances/{case['id']}").json["history"]
    assert [e["action"] for e in history].count("claimed") == 1


def test_complete_validates_then_409_on_double_completion(api):
    task_id = start(api)["active_tasks"][0]["id"]
    url = f"/api/v1/tasks/{task_id}/complete"
    err = assert_error(api("carl").post(url, json={"data": {"decision": "reject"}}), 422, "validation_failed")
    assert err["details"] == [{"field": "comment", "message": err["details"][0]["message"]}]
    err = assert_error(api("carl").post(url, json={"data": {}}), 422)
    assert err["details"][0]["field"] == "decision"
    assert_error(api("chen").post(url, json={"data": {"decision": "approve"}}), 403)
    done = api("carl").post(url, json={"data": {"decision": "approve"}})
    assert done.status_code == 200
    assert done.json["instance"]["status"] == "active"
    assert [t["bpmn_id"] for t in done.json["next_tasks"]] == ["archive"]
    assert_error(api("carl").post(url, json={"data": {"decision": "approve"}}), 409)


def test_complete_to_the_end_reports_completed(api):
    task_id = start(api)["active_tasks"][0]["id"]
    done = api("carl").post(f"/api/v1/tasks/{task_id}/complete",
                            json={"data": {"decision": "reject", "comment": "不符合"}}).json
    assert done == {"instance": {"id": done["instance"]["id"], "status": "completed"}, "next_tasks": []}


# --- attachments, messages, incidents --------------------------------------------------

def test_attachment_upload_and_download_permissions(api):
    up = api("alice").post("/api/v1/attachments", data={"file": (io.BytesIO(b"hello"), "a.txt")},
                           content_type="multipart/form-data")
    assert up.status_code == 201
    assert set(up.json) == {"id", "name", "size", "content_type", "sha256"} and up.json["size"] == 5
    att = up.json["id"]
    got = api("alice").get(f"/api/v1/attachments/{att}")
    assert got.data == b"hello" and "attachment" in got.headers["Content-Disposition"]
    assert_error(api("carl").get(f"/api/v1/attachments/{att}"), 403)
    start(api, data=dict(START_DATA, invitation=att))
    assert api("carl").get(f"/api/v1/attachments/{att}").data == b"hello"  # may see the case that refers to it
    assert_error(api("chen").get(f"/api/v1/attachments/{att}"), 403)
    assert_error(api("alice").get("/api/v1/attachments/nope"), 404)
    assert_error(api("alice").post("/api/v1/attachments", json={"file": "x"}), 415)
    assert_error(api("alice").post("/api/v1/attachments", data={"other": "x"}, content_type="multipart/form-data"), 400)


def test_messages_404_when_nothing_waits_and_422_without_name(api):
    assert_error(api("carl").post("/api/v1/messages", json={"name": "nobody_waits", "correlation": {}}), 404)
    assert_error(api("carl").post("/api/v1/messages", json={"correlation": {}}), 422)
    assert_error(api("carl").post("/api/v1/messages", json={"name": "x", "payload": []}), 422)


def test_incidents_for_supervisors(api):
    assert_error(api("carl").get("/api/v1/incidents"), 403)
    listed = api("sam").get("/api/v1/incidents").json
    assert listed == {"items": [], "total": 0, "page": 1, "per_page": 50}
    assert_error(api("carl").post("/api/v1/incidents/1/retry"), 403)
    assert_error(api("sam").post("/api/v1/incidents/999/retry"), 404)
