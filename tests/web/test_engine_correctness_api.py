"""Engine correctness through the API, on models the engine had not seen before (issue 16).

The app runs on a frozen clock a year behind the wall clock: SpiffWorkflow compares timers with
``datetime.now``, so any timer that followed the wall clock would fire at once here.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from engine.timekeeping.clock import FrozenClock
from tests.web.conftest import make_app

TEST_MODELS = Path(__file__).resolve().parent.parent / "models"


@pytest.fixture
def clock():
    return FrozenClock(datetime(2025, 3, 3, 1, 0, tzinfo=timezone.utc))


@pytest.fixture
def app(tmp_path, seed_db, clock):
    app = make_app(tmp_path, seed_db, CLOCK=clock)
    yield app
    app.extensions["fao_engine"].session_factory.kw["bind"].dispose()


@pytest.fixture
def api(app, token):
    """``api("carl").get(path)``: a test client whose requests carry that user's bearer token."""
    class Client:
        def __init__(self, username: str) -> None:
            self.headers = token(username)
            self.client = app.test_client()

        def __getattr__(self, method):
            def call(path, **kwargs):
                return getattr(self.client, method)(path, headers=self.headers, **kwargs)
            return call

    return Client


def deploy(api, *names: str, lang: str | None = None):
    files = [(open(TEST_MODELS / n, "rb"), n) for n in names]
    url = "/api/v1/processes" + (f"?lang={lang}" if lang else "")
    return api("ana").post(url, data={"files": files}, content_type="multipart/form-data")


def start(api, key: str, who: str = "sam", **body):
    response = api(who).post(f"/api/v1/processes/{key}/instances", json=body)
    assert response.status_code == 201, response.json
    return response.json


def case(api, instance_id: str) -> dict:
    response = api("sam").get(f"/api/v1/instances/{instance_id}")
    assert response.status_code == 200, response.json
    return response.json


def run_due_timers(app) -> None:
    app.extensions["fao_engine"].fire_due_timers()


def actions(body: dict, action: str) -> list:
    return [e["bpmn_id"] for e in body["history"] if e["action"] == action]


# --- 5: ad-hoc sub-processes ----------------------------------------------------------------

def test_an_ad_hoc_sub_process_is_refused_at_deploy_with_its_element(api):
    refused = deploy(api, "adhoc.bpmn")
    assert refused.status_code == 422, refused.json
    assert refused.json["error"]["message"] == "模型有错误，未发布。"
    [problem] = refused.json["error"]["details"]
    assert set(problem) == {"file", "line", "message"}  # CONTRACT: the keys of a model problem
    assert problem["file"] == "adhoc.bpmn" and problem["line"] == 5
    assert problem["message"].startswith("不支持自由子流程（ad-hoc sub-process）“checks”")
    [english] = deploy(api, "adhoc.bpmn", lang="en").json["error"]["details"]
    assert english["message"].startswith("The ad-hoc sub-process “checks” is not supported")
    assert api("sam").post("/api/v1/processes/adhoc/instances", json={}).status_code == 404


# --- 7: several start events -----------------------------------------------------------------

def open_steps(body: dict) -> list:
    return [t["bpmn_id"] for t in body["active_tasks"]]


def test_a_process_with_none_message_and_timer_starts_starts_by_each(app, api, clock):
    assert deploy(api, "multi_start.bpmn").status_code == 201

    by_hand = start(api, "multi_start", who="carl")
    assert open_steps(by_hand) == ["review"]
    assert [(w["kind"], w["bpmn_id"]) for w in case(api, by_hand["id"])["waiting_on"]] == [("task", "review")]

    sent = api("carl").post("/api/v1/messages", json={"name": "report_filed", "payload": {"topic": "月报"}})
    assert sent.status_code == 200, sent.json
    [by_message] = sent.json["delivered_to"]
    body = case(api, by_message)
    assert open_steps(body) == ["review"] and body["data"]["topic"] == "月报"
    assert actions(body, "message") == ["by_message"]
    assert [e["bpmn_id"] for e in body["activities"] if e["type"] == "StartEvent"] == ["by_message"]

    clock.advance(hours=1)
    run_due_timers(app)
    listed = api("sam").get("/api/v1/instances?process=multi_start").json["items"]
    [by_timer] = [c["id"] for c in listed if c["id"] not in (by_hand["id"], by_message)]
    body = case(api, by_timer)
    assert open_steps(body) == ["review"] and actions(body, "timer") == ["by_timer"]


# --- 1: timers on the engine clock, audited wherever they fire --------------------------------

def complete(api, task_id: str, who: str = "carl") -> dict:
    response = api(who).post(f"/api/v1/tasks/{task_id}/complete", json={"data": {}})
    assert response.status_code == 200, response.json
    return response.json


def test_a_timer_due_when_a_clerk_completes_fires_through_the_due_timer_path_audited(app, api, clock):
    assert deploy(api, "parallel_timer.bpmn").status_code == 201
    started = start(api, "parallel_timer")
    [examine] = started["active_tasks"]
    assert examine["due_at"] is None  # the parallel branch's timer is no due time of the task
    body = case(api, started["id"])
    assert [(w["kind"], w["bpmn_id"], w.get("until")) for w in body["waiting_on"]] == [
        ("task", "examine", None), ("timer", "reminder", "2025-03-03T01:00:02+00:00")]

    clock.advance(seconds=3)
    done = complete(api, examine["id"])
    assert done["instance"]["status"] == "active"  # the timer is not fired, unaudited, inside the completion
    assert [(w["kind"], w["bpmn_id"]) for w in case(api, started["id"])["waiting_on"]] == [("timer", "reminder")]
    run_due_timers(app)
    body = case(api, started["id"])
    assert body["status"] == "completed" and actions(body, "timer") == ["reminder"]
    [event] = [e for e in body["history"] if e["action"] == "timer"]
    assert event["actor"] == "timer" and event["at"] == "2025-03-03T01:00:03+00:00"


def test_a_timer_waits_for_the_engine_clock_even_when_the_wall_clock_is_past_it(app, api, clock):
    assert deploy(api, "parallel_timer.bpmn").status_code == 201
    started = start(api, "parallel_timer")
    clock.advance(seconds=1)
    done = complete(api, started["active_tasks"][0]["id"])
    assert done["instance"]["status"] == "active"
    body = case(api, started["id"])
    assert [(w["kind"], w["bpmn_id"]) for w in body["waiting_on"]] == [("timer", "reminder")]
    assert actions(body, "timer") == []

    clock.advance(seconds=1)
    run_due_timers(app)
    body = case(api, started["id"])
    assert body["status"] == "completed" and actions(body, "timer") == ["reminder"]


# --- 6: event-based gateways -------------------------------------------------------------------

def test_an_event_based_gateway_waits_on_its_timer_and_message_and_the_timer_wins(app, api, clock):
    assert deploy(api, "event_gateway.bpmn").status_code == 201
    started = start(api, "event_gateway", business_key="EG-1")
    body = case(api, started["id"])
    assert sorted((w["kind"], w["bpmn_id"]) for w in body["waiting_on"]) == [
        ("message", "reply_received"), ("timer", "reply_late")]
    [timer] = [w for w in body["waiting_on"] if w["kind"] == "timer"]
    assert timer["until"] == "2025-03-03T01:00:02+00:00"

    clock.advance(seconds=2)
    run_due_timers(app)
    body = case(api, started["id"])
    assert body["status"] == "completed" and body["data"]["outcome"] == "late"
    assert actions(body, "timer") == ["reply_late"]
    ran = {a["bpmn_id"] for a in body["activities"] if a["runs"]}
    assert "note_late" in ran and "note_reply" not in ran
    sent = api("carl").post("/api/v1/messages", json={"name": "partner_reply", "correlation": {"business_key": "EG-1"}})
    assert sent.status_code == 404


def test_an_event_based_gateway_takes_the_message_and_cancels_its_timer(app, api, clock):
    assert deploy(api, "event_gateway.bpmn").status_code == 201
    started = start(api, "event_gateway", business_key="EG-2")
    sent = api("carl").post("/api/v1/messages", json={
        "name": "partner_reply", "correlation": {"business_key": "EG-2"}, "payload": {"answer": "同意"}})
    assert sent.status_code == 200 and sent.json["delivered_to"] == [started["id"]]
    body = case(api, started["id"])
    assert body["status"] == "completed" and body["data"]["outcome"] == "replied"
    assert actions(body, "message") == ["reply_received"]

    clock.advance(seconds=5)
    run_due_timers(app)
    body = case(api, started["id"])
    assert actions(body, "timer") == [] and body["waiting_on"] == []


# --- stuck detection ----------------------------------------------------------------------------

def test_a_case_that_waits_on_nothing_is_a_stuck_incident_the_monitor_lists_and_a_move_resolves(app, api, as_user):
    assert deploy(api, "signal_wait.bpmn").status_code == 201
    started = start(api, "signal_wait")
    assert started["status"] == "error"
    [incident] = api("sam").get("/api/v1/incidents").json["items"]
    assert incident["instance_id"] == started["id"] and incident["bpmn_id"] == "wait_go"
    assert incident["error_type"] == "Stuck"
    assert incident["error"] == "案件没有在等待任何任务、定时器或消息（停在“wait_go”）：请把令牌移到能继续办理的环节。"
    assert "停在“wait_go”" in as_user("sam").get("/monitor/incidents").get_data(as_text=True)
    page = as_user("sam").get(f"/monitor/cases/{started['id']}").get_data(as_text=True)
    assert page.count("案件没有在等待任何任务、定时器或消息") == 2  # the incident and its line in the timeline
    assert "waits on no task" not in page

    moved = api("sam").post(f"/api/v1/instances/{started['id']}/move",
                            json={"from": "wait_go", "to": "handle", "reason": "信号不会到达，人工处理"})
    assert moved.status_code == 200, moved.json
    assert moved.json["status"] == "active" and open_steps(moved.json) == ["handle"]
    assert api("sam").get("/api/v1/incidents").json["items"] == []


# --- token moves onto a flow into an inclusive split (issue 16, points 2 and 3) --------------------

def test_a_token_moved_past_a_timer_fires_the_inclusive_split_and_one_branch_only_still_joins(app, api):
    assert deploy(api, "inclusive_timer.bpmn").status_code == 201, deploy(api, "inclusive_timer.bpmn").json
    both = start(api, "inclusive_timer")
    assert both["active_tasks"] == [] and [w["bpmn_id"] for w in case(api, both["id"])["waiting_on"]] == ["wait"]
    url = f"/api/v1/instances/{both['id']}/move"
    moved = api("sam").post(url, json={"from": "wait", "to_flow": "f2", "reason": "无需等待"})
    assert moved.status_code == 200, moved.json
    assert sorted(open_steps(moved.json)) == ["check_a", "check_b"]  # the split fired both of its flows

    one = start(api, "inclusive_timer")
    url = f"/api/v1/instances/{one['id']}/move"
    preview = api("sam").get(url + "?from=wait&to_flow=fa").json  # split -> check_a only
    assert preview["ok"] is True, preview["reasons"]  # an inclusive join goes on with the branches that came
    moved = api("sam").post(url, json={"from": "wait", "to_flow": "fa", "reason": "只需检查A"})
    assert open_steps(moved.json) == ["check_a"]
    done = complete(api, moved.json["active_tasks"][0]["id"])
    assert [t["bpmn_id"] for t in done["next_tasks"]] == ["close"]
    assert complete(api, done["next_tasks"][0]["id"])["instance"]["status"] == "completed"
