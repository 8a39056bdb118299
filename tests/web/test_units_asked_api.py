"""The units a case names (issue 17): the sister-city plan consults, and a study-abroad selection asks
for nominations from, the units ticked on its start form; each unit's members alone find and work
their own task, and the office sees every answer under its unit's name. Through the API and the
pages, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from tests.integration.process_driver import deploy_keys, seed_people
from tests.web import walking
from tests.web.conftest import login

PLAN, STUDY = "sister_city_development_plan", "research_study_personnel"
# the demo units: unit_wang and unit_qian work at 市商务局, unit_zhao at 市教育局, unit_sun at 市政府办
KEYS, NAMES = ["commerce", "education", "gov_office"], ["市商务局", "市教育局", "市政府办"]
PLAN_DATA = {"title": "衡阳市年度友好城市交流计划", "plan_type": "exchange", "plan_period": "2027年度",
             "plan_summary": "巩固与大分市等友城关系。", "target_new_cities": 1, "opinions_due": "2027-03-20",
             "plan_document": "plan-draft"}
STUDY_DATA = {"title": "选派护理骨干赴大分市研修", "direction": "outbound", "partner_city": "日本大分市",
              "host_institution": "大分大学医学部附属医院", "study_field": "老年护理", "places": 2,
              "start_date": "2027-09-01", "end_date": "2027-11-30", "applicants": [],
              "programme_attachment": "prog-oita"}


class Api(walking.Api):
    """The walkers' requests, with the inbox and claim-and-complete these tests read."""

    def inbox(self, who: str) -> dict[str, str]:
        """The user's open tasks: id -> step."""
        return {t["id"]: t["bpmn_id"] for t in self.get(who, "/api/v1/tasks?per_page=100").json["items"]}

    def complete(self, who: str, task_id: str, data: dict):
        assert self.post(who, f"/api/v1/tasks/{task_id}/claim", {}).status_code == 200
        return self.post(who, f"/api/v1/tasks/{task_id}/complete", {"data": data})


@pytest.fixture
def api(engine, db_url):
    """The demo units and people, the two processes, and an app on the parametrized database."""
    from webui import create_app

    seed_people(engine)
    deploy_keys(engine, (PLAN, STUDY))
    app = create_app({"TESTING": True, "SCHEDULER_ENABLED": False, "DATABASE_URL": db_url,
                      "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test-secret", "FAO_DEFAULT_LOCALE": "zh_CN"})
    yield Api(app)
    app.extensions["fao_engine"].session_factory.kw["bind"].dispose()


def start(api: Api, key: str, data: dict) -> dict:
    started = api.post("sister_zheng", f"/api/v1/processes/{key}/instances", {"data": data})
    assert started.status_code == 201, started.json
    return started.json


def by_unit(api: Api, case: dict, step: str) -> dict[str, str]:
    """The case's open ``step`` tasks by the unit each is bound to: unit key -> task id."""
    with api.eng.uow(read_only=True) as uow:
        rows = [r for r in uow.reads.tasks.open_of(case["id"]) if r.bpmn_id == step]
    assert all(r.lane == "applicant_unit" and r.owners.startswith("unit:") for r in rows)
    return {r.owners.removeprefix("unit:"): r.id for r in rows}


def test_the_start_form_offers_the_units_and_refuses_one_that_is_not_there(api):
    schema = api.get("sister_zheng", f"/api/v1/processes/{PLAN}").json["start_form_schema"]
    items = schema["properties"]["consulted_units"]["items"]
    assert items["enum"] == KEYS and items["enumNames"] == NAMES
    assert items["enumNames_en"][0] == "Municipal Bureau of Commerce"
    refused = api.post("sister_zheng", f"/api/v1/processes/{PLAN}/instances",
                       {"data": dict(PLAN_DATA, consulted_units=["commerce", "tourism"])})
    assert refused.status_code == 422
    assert [d["field"] for d in refused.json["error"]["details"]] == ["consulted_units.1"]


def test_each_consulted_unit_answers_in_its_own_inbox_and_the_section_reads_every_answer_by_unit(api):
    case = start(api, PLAN, dict(PLAN_DATA, consulted_units=["commerce", "education"]))
    tasks = by_unit(api, case, "consult_units")
    assert sorted(tasks) == ["commerce", "education"]
    mine, theirs = tasks["commerce"], tasks["education"]
    detail = api.get("unit_wang", f"/api/v1/tasks/{mine}").json
    assert detail["instructions"].startswith("请市商务局对《衡阳市年度友好城市交流计划》")
    # each unit finds its own consultation, and only that
    assert api.inbox("unit_wang") == api.inbox("unit_qian") == {mine: "consult_units"}
    assert api.inbox("unit_zhao") == {theirs: "consult_units"}
    assert api.post("unit_zhao", f"/api/v1/tasks/{mine}/complete", {"data": {"opinion_stance": "agree"}}
                    ).status_code == 403  # a consulted unit sees the plan, not another unit's task to work
    # a unit that is not consulted finds neither the case nor its tasks: for it they are not there
    assert api.inbox("unit_sun") == {} and api.get("unit_sun", "/api/v1/instances").json["total"] == 0
    assert api.get("unit_sun", f"/api/v1/instances/{case['id']}").status_code == 404
    for task_id in (mine, theirs):
        assert api.get("unit_sun", f"/api/v1/tasks/{task_id}").status_code == 404
        for move in ("claim", "complete"):
            assert api.post("unit_sun", f"/api/v1/tasks/{task_id}/{move}", {"data": {}}).status_code == 404
    # a colleague of 市商务局 answers for it; 市教育局 answers for itself
    done = api.complete("unit_qian", mine, {"opinion_stance": "agree_with_changes", "opinion_text": "建议增加经贸交流"})
    assert done.status_code == 200, done.json
    assert api.inbox("unit_wang") == {} and api.inbox("unit_zhao") == {theirs: "consult_units"}
    assert api.complete("unit_zhao", theirs, {"opinion_stance": "agree"}).status_code == 200
    [(consolidate, step)] = api.inbox("sister_zheng").items()
    assert step == "consolidate"
    text = api.get("sister_zheng", f"/api/v1/tasks/{consolidate}").json["instructions"]
    assert "- 市商务局：原则同意，有修改意见；建议增加经贸交流" in text and "- 市教育局：同意；无具体意见" in text
    history = api.get("sister_zheng", f"/api/v1/instances/{case['id']}").json
    assert history["unit"] is None  # the section's own plan: it belongs to no unit


def test_each_named_unit_nominates_in_its_own_inbox_for_study_abroad(api):
    case = start(api, STUDY, dict(STUDY_DATA, nominating_units=["education", "gov_office"]))
    tasks = by_unit(api, case, "nominate")
    assert sorted(tasks) == ["education", "gov_office"]
    assert api.inbox("unit_zhao") == {tasks["education"]: "nominate"}
    assert api.inbox("unit_sun") == {tasks["gov_office"]: "nominate"}
    assert api.inbox("unit_wang") == {}
    assert api.get("unit_wang", f"/api/v1/tasks/{tasks['education']}").status_code == 404
    assert api.post("unit_wang", f"/api/v1/tasks/{tasks['education']}/claim", {}).status_code == 404
    person = {"name": "刘婷", "gender": "female", "position": "护士长", "id_number": "430401198001011234"}
    for who, unit, nominee in (("unit_zhao", "education", "刘婷（护士长）"),
                               ("unit_sun", "gov_office", "谭浩（科员）")):
        done = api.complete(who, tasks[unit], {"nominees": nominee, "nominee_details": [person],
                                                "nomination_attachment": "nomination-form"})
        assert done.status_code == 200, done.json
    [(vet, step)] = api.inbox("sister_zheng").items()
    assert step == "vet_nominees"
    text = api.get("sister_zheng", f"/api/v1/tasks/{vet}").json["instructions"]
    assert "- 市教育局：刘婷（护士长）" in text and "- 市政府办：谭浩（科员）" in text


def test_the_start_page_ticks_units_and_the_case_page_names_them(api):
    from engine.people.accounts import put_user

    with api.eng.uow() as uow:  # a password to sign in to the pages with
        put_user(uow, api.eng.clock.now(), "sister_zheng", "pw-zheng", ["sister_city_section"], ["clerk"])
        uow.commit()
    case = start(api, PLAN, dict(PLAN_DATA, consulted_units=["gov_office"]))
    client = api.app.test_client()
    assert login(client, "sister_zheng", "pw-zheng").status_code == 302
    page = client.get(f"/apply/{PLAN}").get_data(as_text=True)
    for key, name in zip(KEYS, NAMES, strict=True):
        assert f'name="consulted_units" value="{key}"' in page and name in page
    shown = client.get(f"/instances/{case['id']}").get_data(as_text=True)
    assert "市政府办" in shown and "gov_office" not in shown.split("征求意见单位", 1)[1][:200]
    # the ticked boxes start a case that asks those units
    form = {k: str(v) for k, v in PLAN_DATA.items()}
    form.update({"consulted_units": ["education", "gov_office"], "consulted_units.__present__": "1"})
    assert client.post(f"/apply/{PLAN}", data=form).status_code == 302
    with api.eng.uow(read_only=True) as uow:
        newest = [c for c in uow.reads.cases.listing(per_page=10).items if c.id != case["id"]]
        assert len(newest) == 1
        rows = uow.reads.tasks.open_of(newest[0].id)
    assert sorted(r.owners for r in rows) == ["unit:education", "unit:gov_office"]
    none_ticked = dict(form, consulted_units=[])
    refused = client.post(f"/apply/{PLAN}", data=none_ticked)
    assert refused.status_code == 422
    assert 'class="field-error" data-field="consulted_units"' in refused.get_data(as_text=True)
