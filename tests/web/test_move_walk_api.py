"""Issue 16 "done when": each of the twenty processes of bpmn_models/ is walked to its end through the
API by people of its lanes and a supervisor who moves the token past every timer the case waits on
(``to_position: after``), instead of waiting for it."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from engine.timekeeping.clock import FrozenClock
from tests.integration.process_driver import (
    CST,
    MESSAGE_PAYLOADS,
    MESSAGE_SENDERS,
    FormFiller,
    groups_of,
    sqlite_template,
    starter_for,
    user_for_lane,
)
from tests.web.conftest import make_app

MODELS = Path(__file__).resolve().parents[2] / "bpmn_models"
KEYS = sorted(p.stem for p in MODELS.glob("*.bpmn"))
TRIPS = ("leader_visit_abroad_approval", "official_passport_visa", "overseas_chinese_office_trip",
         "press_culture_trip_approval", "research_study_personnel")
SUPERVISOR = "supervisor_he"
MAX_STEPS = 80
# what people enter where the first allowed value would keep a case going round a loop (by the times the
# step was done before): the record is cancelled at once; the sister institution is guided for two years
CHOICES = {"record_filing": lambda n: {"filing_kind": "cancellation", "filing_summary": "人员已全部回国，申请注销",
                                       "cancellation_reason": "业务调整"},
           "guide": lambda n: {"relationship_active": n == 0}}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return sqlite_template(tmp_path_factory)


@pytest.fixture
def walk_app(tmp_path, template):
    # a year ahead of the wall clock: SpiffWorkflow never fires a timer by itself here
    clock = FrozenClock(datetime(datetime.now(timezone.utc).year + 1, 3, 2, 1, 0, tzinfo=timezone.utc))
    app = make_app(tmp_path, template.path, CLOCK=clock)
    yield app
    app.extensions["fao_engine"].session_factory.kw["bind"].dispose()


class Api:
    """Requests as demo users (bearer tokens made on first use)."""

    def __init__(self, app) -> None:
        self.app = app
        self.eng = app.extensions["fao_engine"]
        self.client = app.test_client()
        self.tokens: dict[str, dict] = {}

    def headers(self, who: str) -> dict:
        if who not in self.tokens:
            from engine.people.accounts import new_token

            with self.eng.uow() as uow:
                value = new_token(uow, self.eng.clock.now(), who)
                uow.commit()
            self.tokens[who] = {"Authorization": f"Bearer {value}"}
        return self.tokens[who]

    def get(self, who: str, path: str):
        return self.client.get(path, headers=self.headers(who))

    def post(self, who: str, path: str, body: dict):
        return self.client.post(path, headers=self.headers(who), json=body)


def start_schema(eng, key: str) -> dict | None:
    with eng.uow() as uow:
        version = uow.processes.latest(key)
        return version.forms[version.start_form] if version.start_form else None


def task_data(filler: FormFiller, bpmn_id: str, done: int, schema: dict | None) -> dict:
    """Valid data for a task's form (the step was done ``done`` times before); every reviewer agrees."""
    if not schema:
        return {}
    choice = CHOICES.get(bpmn_id)
    base = choice(done) if choice else {}
    if "decision" in schema.get("properties", {}):
        base["decision"] = "approve"
    return filler.fill(schema, base)


def walk(api: Api, key: str) -> tuple[dict, list[str]]:
    """Work one case of ``key`` to its end; returns the case and the timers moved past."""
    eng = api.eng
    starter = starter_for(key)
    filler = FormFiller(eng.clock.now().astimezone(CST).year)
    schema = start_schema(eng, key)
    started = api.post(starter, f"/api/v1/processes/{key}/instances",
                       {"data": filler.fill(schema) if schema else {}})
    assert started.status_code == 201, started.json
    case_id = started.json["id"]
    moved_past: list[str] = []
    done_steps: list[str] = []
    for _ in range(MAX_STEPS):
        case = api.get(SUPERVISOR, f"/api/v1/instances/{case_id}").json
        if case["status"] != "active":
            return case, moved_past
        assert all(w["kind"] != "gateway" for w in case["waiting_on"]), (key, case["waiting_on"])
        tasks = case["active_tasks"]
        if tasks:
            row = tasks[0]
            user = user_for_lane(row["lane"], prefer=starter)
            assert row["lane"] is None or row["lane"] in groups_of(user)
            detail = api.get(user, f"/api/v1/tasks/{row['id']}").json
            assert api.post(user, f"/api/v1/tasks/{row['id']}/claim", {}).status_code == 200
            done = api.post(user, f"/api/v1/tasks/{row['id']}/complete",
                            {"data": task_data(filler, row["bpmn_id"], done_steps.count(row["bpmn_id"]),
                                                       detail["form_schema"])})
            assert done.status_code == 200, (key, row["bpmn_id"], done.json)
            done_steps.append(row["bpmn_id"])
            continue
        waits = case["waiting_on"]
        messages = [w for w in waits if w["kind"] == "message"]
        if messages:
            name = messages[0]["message"]
            year = eng.clock.now().astimezone(CST).year
            payload = {k: v.format(year=year) if isinstance(v, str) else v
                       for k, v in MESSAGE_PAYLOADS.get(name, {}).items()}
            sent = api.post(MESSAGE_SENDERS.get(name, "clerk_li"), "/api/v1/messages", {
                "name": name, "correlation": {"business_key": case["business_key"]}, "payload": payload})
            assert sent.status_code == 200 and sent.json["delivered_to"] == [case_id], (key, sent.json)
            continue
        timers = [w for w in waits if w["kind"] == "timer"]
        assert timers, (key, "waits on nothing", waits)
        timer = timers[0]["bpmn_id"]
        url = f"/api/v1/instances/{case_id}/move"
        preview = api.get(SUPERVISOR, f"{url}?from={timer}&to={timer}&to_position=after").json
        assert preview["ok"], (key, timer, preview["reasons"])
        moved = api.post(SUPERVISOR, url, {"from": timer, "to": timer, "to_position": "after",
                                           "reason": "提前办理，无需等待"})
        assert moved.status_code == 200, (key, timer, moved.json)
        moved_past.append(timer)
    raise AssertionError(f"{key}: still running after {MAX_STEPS} steps")


@pytest.mark.parametrize("key", KEYS)
def test_a_supervisor_walks_each_process_to_its_end_moving_past_every_timer(walk_app, key):
    api = Api(walk_app)
    case, moved_past = walk(api, key)
    assert case["status"] == "completed", (key, case["status"], case["waiting_on"])
    moves = [e for e in case["history"] if e["action"] == "moved"]
    assert [e["bpmn_id"] for e in moves] == moved_past
    assert all(e["detail"]["position"] == "after" for e in moves)
    assert not [e for e in case["history"] if e["action"] in ("timer", "incident")], key
    if key in TRIPS:
        assert "wait_return" in moved_past
    if key == "sister_institution_approval":  # inside the loop subprocess, once in each of two iterations
        assert moved_past == ["wait_next_year", "wait_next_year"]
    ran = {a["bpmn_id"]: a["runs"] for a in case["activities"]}
    assert all(ran.get(t, 0) == 0 for t in moved_past), ran  # passed, not run
