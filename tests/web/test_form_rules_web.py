"""Form rules (``x-rules``, CONTRACT 8) through the API and the pages: 422 details, the message
beside its field in the reader's language, what was typed kept, a malformed rule refused at deploy."""
from __future__ import annotations

import io
import json
import re

import pytest

from tests.web.conftest import MODELS, START_DATA, model_files

RULES = [
    {"assert": "depart_on <= return_on", "field": "return_on",
     "message": {"zh_CN": "回国日期不能早于出发日期", "en": "The return date cannot be before the departure date"}},
    {"assert": "days <= (return_on - depart_on).days + 1", "field": "days", "message": "在外天数超过出访期间的天数"},
    {"assert": "depart_on >= today", "field": "depart_on", "message": "出发日期不能早于今天", "if": "not urgent"},
    {"assert": "days <= 20", "field": "days", "message": "在外天数一般不超过 20 天"},
]


def _schema(rules: list) -> bytes:
    schema = json.loads((MODELS / "web_trip.start.schema.json").read_text(encoding="utf-8"))
    schema["properties"]["return_on"] = {"type": "string", "format": "date", "title": "回国日期",
                                         "title_en": "Return date"}
    schema["x-rules"] = rules
    return json.dumps(schema, ensure_ascii=False).encode()


def _files(rules: list) -> list[tuple[str, bytes]]:
    return [(name, _schema(rules) if name == "web_trip.start.schema.json" else content)
            for name, content in model_files()]


@pytest.fixture
def ruled(eng):
    """web_trip version 2: its start form carries RULES."""
    eng.deploy(_files(RULES), eng.actor("ana"))
    return eng


def _today(eng) -> str:
    return eng.clock.now().date().isoformat()


def test_api_start_answers_422_with_every_failing_rule(ruled, app, token):
    data = dict(START_DATA, depart_on="2020-01-10", return_on="2020-01-08", days=5)
    response = app.test_client().post("/api/v1/processes/web_trip/instances", json={"data": data},
                                      headers=token("alice"))
    assert response.status_code == 422, response.get_data(as_text=True)
    error = response.json["error"]
    assert error["code"] == "validation_failed"
    assert {"field": "return_on", "message": "回国日期不能早于出发日期"} in error["details"]
    assert {"field": "depart_on", "message": "出发日期不能早于今天"} in error["details"]
    with ruled.uow() as uow:
        assert uow.instances.all_ids() == []


def test_api_words_the_rule_in_english(ruled, app, token):
    data = dict(START_DATA, depart_on="2099-01-10", return_on="2099-01-08")
    response = app.test_client().post("/api/v1/processes/web_trip/instances?lang=en", json={"data": data},
                                      headers=token("alice"))
    assert response.status_code == 422
    details = response.json["error"]["details"]
    assert details[0] == {"field": "return_on", "message": "The return date cannot be before the departure date"}
    assert details[1] == {"field": "days", "message": "在外天数超过出访期间的天数"}  # a plain text in every language


def test_api_start_passes_when_the_rules_hold_or_do_not_apply(ruled, app, token):
    client = app.test_client()
    good = dict(START_DATA, depart_on=_today(ruled), return_on="2099-01-01", days=5)
    assert client.post("/api/v1/processes/web_trip/instances", json={"data": good},
                       headers=token("alice")).status_code == 201
    past_but_urgent = dict(START_DATA, depart_on="2020-01-10", urgent=True)  # no return_on: rules 1, 2 not applied
    assert client.post("/api/v1/processes/web_trip/instances", json={"data": past_but_urgent},
                       headers=token("alice")).status_code == 201


def test_apply_page_shows_the_rule_message_beside_its_field_and_keeps_the_typed_values(ruled, as_user):
    form = {"title": "赴韩交流", "destination": "asia", "days": "25", "depart_on": "2099-03-10",
            "return_on": "2099-03-12", "members.__present__": "1", "members.0.name": "王五",
            "members.0.gender": "male"}
    response = as_user("alice").post("/apply/web_trip", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    both = "在外天数超过出访期间的天数 在外天数一般不超过 20 天"  # every rule the field breaks
    assert re.search(r'class="field-error" data-field="days"[^>]*>\s*' + both + "<", html)
    assert 'class="field-error" data-field="return_on"' not in html  # that rule holds
    assert 'value="25"' in html and 'value="2099-03-12"' in html and "赴韩交流" in html and "王五" in html


def test_deploy_refuses_a_malformed_rule_with_the_file_and_a_chinese_message(app, token):
    bad = [{"assert": "depart_on <= retrun_on", "field": "return_on", "message": "回国日期不能早于出发日期"},
           {"assert": "days >", "field": "nights", "message": "x"}]
    files = [(io.BytesIO(content), name) for name, content in _files(bad)]
    response = app.test_client().post("/api/v1/processes", data={"files": files},
                                      content_type="multipart/form-data", headers=token("ana"))
    assert response.status_code == 422, response.get_data(as_text=True)
    details = response.json["error"]["details"]
    assert {d["file"] for d in details} == {"web_trip.start.schema.json"}
    messages = " ".join(d["message"] for d in details)
    assert "retrun_on" in messages and "nights" in messages and "第 2 条" in messages
    assert re.search(r"[\u4e00-\u9fff]", details[0]["message"])
