"""Cases of the twenty processes of bpmn_models/ worked through the API: people of each lane complete
its tasks with valid form data, messages are delivered, and a supervisor moves the token past every
timer the case waits on (``to_position: after``) instead of waiting for it."""
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
    worker_for,
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


def start_schema(api: "Api", key: str) -> dict | None:
    """The start form as a client gets it (``GET /processes/{key}``: the units' choices filled in)."""
    got = api.get(starter_for(key), f"/api/v1/processes/{key}")
    assert got.status_code == 200, got.json
    return got.json["start_form_schema"]


def task_data(filler: FormFiller, bpmn_id: str, done: int, schema: dict | None) -> dict:
    """Valid data for a task's form (the step was done ``done`` times before); every reviewer agrees."""
    if not schema:
        return {}
    choice = CHOICES.get(bpmn_id)
    base = choice(done) if choice else {}
    if "decision" in schema.get("properties", {}):
        base["decision"] = "approve"
    return filler.fill(schema, base)


def in_custody(eng, number: str, holder: str) -> None:
    with eng.uow() as uow:
        uow.registers.write("passports", number, {"holder": holder, "status": "in_custody"}, action="issued",
                            at=eng.clock.now(), actor=None, instance_id=None)
        uow.commit()


class Walk:
    """One case of one process, worked through the API."""

    def __init__(self, api: Api, key: str, start_data: dict | None = None) -> None:
        self.api, self.key = api, key
        self.starter = starter_for(key)
        self.filler = FormFiller(api.eng.clock.now().astimezone(CST).year)
        schema = start_schema(api, key)
        data = self.filler.fill(schema, start_data) if schema else dict(start_data or {})
        if key == "passport_cancellation":  # the custody ledger holds the document, or the chief never sees it
            in_custody(api.eng, data["passport_document_no"].upper(), data["holder"])
        started = api.post(self.starter, f"/api/v1/processes/{key}/instances", {"data": data})
        assert started.status_code == 201, started.json
        self.id: str = started.json["id"]
        self.moved_past: list[str] = []
        self.done: list[str] = []

    def case(self) -> dict:
        return self.api.get(SUPERVISOR, f"/api/v1/instances/{self.id}").json

    def open_steps(self) -> list[str]:
        return sorted(t["bpmn_id"] for t in self.case()["active_tasks"])

    def complete(self, row: dict) -> None:
        with self.api.eng.uow(read_only=True) as uow:  # a task bound to owners is theirs to work
            bound = uow.tasks.get(row["id"])
            user = worker_for(bound, prefer=self.starter)
            assert row["lane"] is None or row["lane"] in groups_of(user) or bound.owners
        detail = self.api.get(user, f"/api/v1/tasks/{row['id']}").json
        assert self.api.post(user, f"/api/v1/tasks/{row['id']}/claim", {}).status_code == 200
        data = task_data(self.filler, row["bpmn_id"], self.done.count(row["bpmn_id"]), detail["form_schema"])
        done = self.api.post(user, f"/api/v1/tasks/{row['id']}/complete", {"data": data})
        assert done.status_code == 200, (self.key, row["bpmn_id"], done.json)
        self.done.append(row["bpmn_id"])

    def do(self, bpmn_id: str) -> None:
        (row,) = [t for t in self.case()["active_tasks"] if t["bpmn_id"] == bpmn_id][:1]
        self.complete(row)

    def deliver(self, name: str, business_key: str) -> None:
        year = self.api.eng.clock.now().astimezone(CST).year
        payload = {k: v.format(year=year) if isinstance(v, str) else v
                   for k, v in MESSAGE_PAYLOADS.get(name, {}).items()}
        sent = self.api.post(MESSAGE_SENDERS.get(name, "clerk_li"), "/api/v1/messages", {
            "name": name, "correlation": {"business_key": business_key}, "payload": payload})
        assert sent.status_code == 200 and sent.json["delivered_to"] == [self.id], (self.key, sent.json)

    def move(self, body: dict):
        return self.api.post(SUPERVISOR, f"/api/v1/instances/{self.id}/move", {"reason": "提前办理，无需等待", **body})

    def preview(self, query: str) -> dict:
        response = self.api.get(SUPERVISOR, f"/api/v1/instances/{self.id}/move?{query}")
        assert response.status_code == 200, response.json
        return response.json

    def move_past(self, timer: str) -> None:
        preview = self.preview(f"from={timer}&to={timer}&to_position=after")
        assert preview["ok"], (self.key, timer, preview["reasons"])
        moved = self.move({"from": timer, "to": timer, "to_position": "after"})
        assert moved.status_code == 200, (self.key, timer, moved.json)
        self.moved_past.append(timer)

    def run(self, until_timer: str | None = None, until_task: str | None = None) -> dict:
        """Work the case until it ends, or waits on ``until_timer`` (with no task open), or ``until_task``
        is open; returns the case."""
        for _ in range(MAX_STEPS):
            case = self.case()
            if case["status"] != "active":
                return case
            assert all(w["kind"] != "gateway" for w in case["waiting_on"]), (self.key, case["waiting_on"])
            tasks = case["active_tasks"]
            if until_task is not None and until_task in [t["bpmn_id"] for t in tasks]:
                return case
            if tasks:
                self.complete(tasks[0])
                continue
            waits = case["waiting_on"]
            messages = [w for w in waits if w["kind"] == "message"]
            if messages:
                self.deliver(messages[0]["message"], case["business_key"])
                continue
            timers = [w["bpmn_id"] for w in waits if w["kind"] == "timer"]
            assert timers, (self.key, "waits on nothing", waits)
            if timers[0] == until_timer:
                return case
            self.move_past(timers[0])
        raise AssertionError(f"{self.key}: still running after {MAX_STEPS} steps")
