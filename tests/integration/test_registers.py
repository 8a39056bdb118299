"""The registers are written by the processes' service tasks: a trip lends and takes back
passports (driven through the API), an overdue loan reminds the passport section, the sister-city
upkeep keeps the sister-city register (dormant after the configured period), the record process
keeps the register of institutions abroad, and every numbered letter enters the document register.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest

from tests.integration.process_driver import (  # noqa: F401
    CST,
    CaseDriver,
    Step,
    fast_engine,
    now_year,
    processes_template,
    user_for_lane,
    with_year,
)
from tests.integration.test_processes_abroad import HOOKS, SPECS
from tests.integration.test_processes_coordination import RECORD
from tests.integration.test_processes_sister import CITIES, DAILY

PV, CLERK, SISTER, UNIT = "visa_wu", "clerk_li", "sister_zheng", "unit_wang"


@pytest.fixture
def app(fast_engine):
    from webui import create_app

    app = create_app({"TESTING": True, "SCHEDULER_ENABLED": False, "ENGINE": fast_engine.engine,
                      "DATABASE_URL": "sqlite://", "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test-secret",
                      "FAO_DEFAULT_LOCALE": "zh_CN"})
    return app


@pytest.fixture
def api(app, fast_engine):
    """``api("visa_wu").get(path)``: API calls as a demo user (bearer token)."""
    from engine.people.accounts import new_token

    tokens: dict[str, str] = {}

    class As:
        def __init__(self, user: str) -> None:
            if user not in tokens:
                eng = fast_engine.engine
                with eng.uow() as uow:
                    tokens[user] = new_token(uow, eng.clock.now(), user)
                    uow.commit()
            self.headers = {"Authorization": f"Bearer {tokens[user]}"}
            self.client = app.test_client()

        def get(self, path: str, **kw: Any) -> Any:
            return self.client.get(path, headers=self.headers, **kw)

        def post(self, path: str, body: dict) -> Any:
            return self.client.post(path, json=body, headers=self.headers)

    return As


@dataclass
class ApiCaseDriver(CaseDriver):
    """A case started and worked through the JSON API (timers and messages as the engine delivers them)."""

    api: Any = None
    _users: dict = field(default_factory=dict)

    def start(self) -> ApiCaseDriver:
        from tests.integration.process_driver import starter_for

        self.starter = self.starter or starter_for(self.key)
        self.start_data = with_year(self.start_data, now_year(self.engine))
        with self.engine.uow() as uow:
            version = uow.processes.latest(self.key)
            schema = version.forms[version.start_form]
        self.start_data = self.filler.fill(schema, self.start_data)
        r = self.api(self.starter).post(f"/api/v1/processes/{self.key}/instances", {"data": self.start_data})
        assert r.status_code == 201, r.get_json()
        self.instance_id = r.get_json()["id"]
        self.business_key = self.instance().business_key
        return self

    def complete(self, row, user: str | None = None, data: dict | None = None) -> Step:
        user = user or user_for_lane(row.lane, prefer=self.starter)
        payload = data if data is not None else self.data_for(row)
        r = self.api(user).post(f"/api/v1/tasks/{row.id}/complete", {"data": payload})
        assert r.status_code == 200, (row.bpmn_id, r.get_json())
        step = Step(row.bpmn_id, user, payload.get("decision"))
        self.log.append(step)
        self._check_no_incident(row.bpmn_id)
        return step


def _one(api, user: str, path: str, **query: Any) -> list[dict]:
    r = api(user).get(path, query_string=query)
    assert r.status_code == 200, r.get_json()
    return r.get_json()["items"]


def _trip(fast_engine, api) -> ApiCaseDriver:
    spec = SPECS[0]  # official_passport_visa: one passport in custody, one new
    case = ApiCaseDriver(fast_engine, spec.key, start_data=dict(spec.data), api=api,
                         task_data={"issue_passport": {"passport_no": "E76543210"}}).start()
    assert case.run(until={"collect_passport"}, hooks=dict(HOOKS)) == "collect_passport"
    return case


def test_a_trip_through_the_api_lends_and_takes_back_passports_with_their_history(fast_engine, api):
    case = _trip(fast_engine, api)
    cal = case.engine.calendar()
    ret = date.fromisoformat(case.start_data["return_date"])
    lent = _one(api, PV, "/api/v1/registers/passports", status="lent")
    assert sorted(e["holder"] for e in lent) == ["周建华", "陈晓梅"]
    for e in lent:
        assert e["lent_instance_id"] == case.instance_id and e["lent_for"] == case.start_data["title"]
        assert e["holder_unit"] == case.start_data["unit_name"] and e["overdue"] is False
        assert cal.working_days_between(ret, date.fromisoformat(e["due_back_on"])) == 7
    kept = next(e for e in lent if e["holder"] == "周建华")
    assert kept["number"] == "E12345678"  # the passport section reads the numbers
    # others read them masked, in the list and in the history
    assert "E1*****78" in {e["number"] for e in _one(api, CLERK, "/api/v1/registers/passports")}
    assert all("*" in e["number"] for e in _one(api, CLERK, "/api/v1/registers/passports"))
    # the case goes on: custody again
    assert case.run() == "completed"
    back = _one(api, PV, "/api/v1/registers/passports", status="in_custody")
    assert sorted(e["holder"] for e in back) == ["周建华", "陈晓梅"]
    assert all(e["returned_on"] for e in back) and _one(api, PV, "/api/v1/registers/passports", status="lent") == []
    new = next(e for e in back if e["holder"] == "陈晓梅")
    r = api(PV).get(f"/api/v1/registers/passports/{new['id']}")
    assert r.status_code == 200
    history = r.get_json()["history"]
    assert [h["action"] for h in history] == ["issued", "lent", "returned"]
    assert {h["instance_id"] for h in history} == {case.instance_id}
    assert [h["bpmn_id"] for h in history] == ["ledger_passport_issued", "ledger_lent", "ledger_returned"]
    assert history[0]["actor"] == PV and history[1]["changes"]["status"] == ["in_custody", "lent"]
    masked = api(CLERK).get(f"/api/v1/registers/passports/{new['id']}").get_json()
    assert "*" in masked["entry"]["number"] and "*" in masked["history"][0]["changes"]["number"][1]


def test_an_overdue_loan_reminds_the_passport_section_once(fast_engine, api, app):
    from engine.commands.passport_reminders import PASSPORT_OVERDUE
    from webui.notifications import notification_text

    case = _trip(fast_engine, api)
    eng = case.engine
    assert eng.remind_overdue_passports() == 0  # not yet due
    (due,) = {e["due_back_on"] for e in _one(api, PV, "/api/v1/registers/passports", status="lent")}
    eng.clock.set(eng.clock.now() + (date.fromisoformat(due) - eng.clock.now().astimezone(CST).date())
                  + timedelta(days=1))
    assert eng.remind_overdue_passports() == 2
    assert eng.remind_overdue_passports() == 0  # once per loan
    assert len(_one(api, CLERK, "/api/v1/registers/passports", status="overdue")) == 2
    with eng.uow() as uow:
        notes = [n for n in uow.misc.notifications(PV) if n.code == PASSPORT_OVERDUE]
        assert all(n.code != PASSPORT_OVERDUE for n in uow.misc.notifications(CLERK))  # the section only
    assert len(notes) == 2 and {n.instance_id for n in notes} == {case.instance_id}
    assert all("number" not in n.params for n in notes)
    with app.test_request_context("/?lang=zh_CN"):
        text = notification_text(notes[0])
    assert "逾期" in text and case.start_data["title"] in text and due in text
    entry = next(e for e in _one(api, PV, "/api/v1/registers/passports") if e["holder"] == "陈晓梅")
    history = api(PV).get(f"/api/v1/registers/passports/{entry['id']}").get_json()["history"]
    assert history[-1]["action"] == "reminded" and history[-1]["actor"] is None


def test_sister_city_upkeep_writes_the_register_and_dormancy_shows_after_two_years(fast_engine, api, app):
    cities = [dict(c) for c in CITIES]
    cities[1].update(relation="exchange", approving_document="外复〔2014〕12号")
    case = CaseDriver(fast_engine, "sister_city_daily_management", start_data=dict(DAILY, cities=cities)).start()
    case.do("upkeep")
    for level in ("active", "dormant", "normal"):
        case.do("review_city", activity_level=level, main_exchanges="互致新年贺信")
    assert case.run() == "completed"
    registered = {e["city"]: e for e in _one(api, SISTER, "/api/v1/registers/sister-cities")}
    assert set(registered) == {c["city"] for c in CITIES}
    today = case.engine.clock.now().astimezone(CST).date()
    assert registered["大分市"]["country"] == "日本" and registered["大分市"]["established_on"] == "1997-01-01"
    assert registered["大分市"]["relation"] == "sister" and registered["大分市"]["approving_document"] == ""
    assert registered["克拉斯诺达尔市"]["relation"] == "exchange"
    assert registered["克拉斯诺达尔市"]["approving_document"] == "外复〔2014〕12号"
    reviewed = sorted(e["last_exchange_on"] or "" for e in registered.values())
    assert reviewed.count(today.isoformat()) == 2  # the active and the normal one had exchanges this year
    dormant = {e["city"] for e in registered.values() if e["dormant"]}
    assert len(dormant) == 1  # the one without an exchange, twinned long ago
    # two years on without a further exchange, all three are dormant
    case.engine.clock.advance(days=731)
    now_dormant = _one(api, SISTER, "/api/v1/registers/sister-cities", status="dormant")
    assert {e["city"] for e in now_dormant} == set(registered)
    assert app.config["FAO_SISTER_CITY_DORMANT_DAYS"] == 730


def test_the_record_process_writes_the_register_of_institutions_abroad(fast_engine, api):
    case = CaseDriver(fast_engine, RECORD.key, start_data=dict(RECORD.data)).start()
    assert case.run(until={"record_filing"}) == "record_filing"
    doc = case.doc_number()
    (entry,) = _one(api, CLERK, "/api/v1/registers/institutions")
    assert entry["record_number"] == doc and entry["name"] == RECORD.data["institution_name"]
    assert entry["country"] == "德国" and entry["status"] == "active" and entry["annual_reports"] == []
    year = case.engine.clock.now().astimezone(CST).year
    case.do("record_filing", filing_kind="annual_report", filing_summary="全年运行正常", report_year=year,
            staff_on_post=3)
    case.do("review_annual", filing_accepted=True, filing_review_note="同意")
    (entry,) = _one(api, CLERK, "/api/v1/registers/institutions")
    assert [r["year"] for r in entry["annual_reports"]] == [year]
    case.do("record_filing", filing_kind="cancellation", filing_summary="申请注销")
    case.do("review_cancellation", filing_accepted=True, filing_review_note="同意注销")
    case.do("confirm_cancellation", cancel_confirmed=True)
    assert case.status() == "completed"
    (entry,) = _one(api, CLERK, "/api/v1/registers/institutions", status="cancelled")
    assert entry["cancelled_on"]
    history = api(CLERK).get(f"/api/v1/registers/institutions/{entry['id']}").get_json()["history"]
    assert [h["action"] for h in history][0] == "recorded" and history[-1]["action"] == "cancelled"


def test_a_numbered_letter_enters_the_outgoing_document_register(fast_engine, api):
    case = CaseDriver(fast_engine, RECORD.key, start_data=dict(RECORD.data)).start()
    assert case.run(until={"record_filing"}) == "record_filing"
    doc = case.doc_number()
    (entry,) = _one(api, CLERK, "/api/v1/registers/documents", q="备")
    assert entry["number"] == doc and entry["genre"] == "approval" and entry["instance_id"] == case.instance_id
    assert entry["title"] == with_year(RECORD.data["title"], now_year(case.engine))
    assert entry["addressee"] == RECORD.data["unit_name"]
    assert entry["issued_on"] == case.engine.clock.now().astimezone(CST).date().isoformat()
    assert entry["attachment_id"] == case.attachments()[0].id
    history = api(CLERK).get(f"/api/v1/registers/documents/{entry['id']}").get_json()["history"]
    assert [(h["action"], h["bpmn_id"]) for h in history] == [("numbered", "assign_number"),
                                                             ("issued", "issue_letter")]
    year = case.engine.clock.now().astimezone(CST).year
    assert _one(api, CLERK, "/api/v1/registers/documents", year=year - 1) == []


def test_an_exchange_with_a_registered_sister_city_is_its_last_exchange(fast_engine, api):
    from tests.integration.test_processes_sister import EXCHANGE

    eng = fast_engine.engine
    with eng.uow() as uow:
        uow.registers.write("sister_cities", "大分市", {"country": "日本", "established_on": "1997-01-01"},
                            action="recorded", at=eng.clock.now(), actor=None, instance_id=None)
        uow.commit()
    case = CaseDriver(fast_engine, EXCHANGE.key, start_data=dict(EXCHANGE.data, partner_city="大分市")).start()
    assert case.run() == "completed"
    (city,) = _one(api, SISTER, "/api/v1/registers/sister-cities")
    assert city["last_exchange_on"] == case.start_data["end_date"] and city["dormant"] is False
    # a partner the register does not know is not made a sister city by an exchange
    other = CaseDriver(fast_engine, EXCHANGE.key, start_data=dict(EXCHANGE.data, partner_city="某友好组织")).start()
    assert other.run() == "completed"
    assert [c["city"] for c in _one(api, SISTER, "/api/v1/registers/sister-cities")] == ["大分市"]
