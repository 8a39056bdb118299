"""Issue 18 point 3: case data as people read it. Field and option titles from the forms, lists as
tables, 是/否, Chinese dates, files by name; no raw keys, reprs or code values; internal variables
for supervisors only; ``x-sensitive`` values masked except in the form of the one filling it."""
from __future__ import annotations

import io
import json
import re

from tests.web.conftest import MODELS, START_DATA, model_files

TRIP = dict(START_DATA, destination="other", depart_on="2026-12-20", urgent=True,
            internal_score=7, reviewer_note={"a": 1})


def _case_page(as_user, who: str, instance_id: str) -> str:
    response = as_user(who).get(f"/instances/{instance_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _data_panel(html: str) -> str:
    return html.split('class="card case-summary"', 1)[1].split("</section>", 1)[0]


def test_the_case_data_reads_with_titles_option_words_tables_and_dates(as_user, case):
    instance, _t = case(TRIP)
    panel = _data_panel(_case_page(as_user, "alice", instance.id))
    for title in ("出访事由", "目的地", "在外天数", "出发日期", "加急办理", "团组成员", "姓名", "性别"):
        assert title in panel, title
    assert "亚洲以外国家" in panel and "2026年12月20日" in panel
    assert '<table class="list data-rows" data-field="members">' in panel
    assert "<td>男</td>" in panel and "<td>女</td>" in panel
    urgent = re.search(r'data-field="urgent">(.*?)</dd>', panel, re.S).group(1).strip()
    assert urgent == "是"
    text = re.sub(r"<[^>]+>", " ", panel)  # what a reader sees
    for raw in ("other", "male", "female", "True", "{'", "internal_score", "reviewer_note", "business_key",
                "destination", "applicant_name"):
        assert raw not in text, raw


def test_internal_variables_reach_supervisors_only_in_a_technical_section(as_user, case):
    instance, _t = case(TRIP)
    assert "internal_score" not in _case_page(as_user, "carl", instance.id)
    supervisor = _case_page(as_user, "sam", instance.id)
    technical = supervisor.split('class="technical-data"', 1)[1].split("</details>", 1)[0]
    assert "internal_score" in technical and "7" in technical
    assert "internal_score" not in _data_panel(supervisor).split('class="technical-data"', 1)[0]


def test_attachments_show_by_file_name_with_a_download_link(as_user, eng):
    client = as_user("alice")
    form = {"title": "赴韩交流", "destination": "asia", "days": "3", "members.__present__": "1",
            "members.0.name": "王五", "members.0.gender": "male",
            "invitation": (io.BytesIO(b"%PDF-1.4 test"), "邀请函.pdf")}
    assert client.post("/apply/web_trip", data=form, content_type="multipart/form-data").status_code == 302
    with eng.uow() as uow:
        [instance_id] = uow.instances.all_ids()
    panel = _data_panel(_case_page(as_user, "alice", instance_id))
    link = re.search(r'data-field="invitation"><a href="/api/v1/attachments/([0-9a-f]{32})"[^>]*>(.*?)</a>', panel)
    assert link is not None and link.group(2) == "邀请函.pdf"
    assert link.group(1) not in re.sub(r'href="[^"]*"', "", panel)  # the id only in the link


def test_sensitive_values_are_masked_on_pages_and_in_the_api(as_user, case, token, app):
    instance, task_id = case()
    for who in ("alice", "carl", "sam"):
        page = _case_page(as_user, who, instance.id)
        assert "E12***678" in page and "E12345678" not in page, who
    monitor = as_user("sam").get(f"/monitor/cases/{instance.id}").get_data(as_text=True)
    assert "E12***678" in monitor and "E12345678" not in monitor
    client = app.test_client()
    body = client.get(f"/api/v1/instances/{instance.id}", headers=token("alice")).get_data(as_text=True)
    assert "E12***678" in body and "E12345678" not in body
    body = client.get(f"/api/v1/tasks/{task_id}", headers=token("carl")).get_data(as_text=True)
    assert "E12345678" not in body  # the examine form does not hold the passport number


def _deploy_with_members_in_examine(eng) -> None:
    """A second version of web_trip whose examine form holds the members (and their passports)."""
    start = json.loads((MODELS / "web_trip.start.schema.json").read_text(encoding="utf-8"))
    examine = json.loads((MODELS / "web_trip.examine.schema.json").read_text(encoding="utf-8"))
    examine["properties"]["members"] = start["properties"]["members"]
    files = [(n, json.dumps(examine, ensure_ascii=False).encode() if n == "web_trip.examine.schema.json" else b)
             for n, b in model_files()]
    eng.deploy(files, eng.actor("ana"))


def test_sensitive_values_are_clear_only_to_the_one_filling_the_form(as_user, case, eng, token, app):
    _deploy_with_members_in_examine(eng)
    _i, task_id = case()
    carl = as_user("carl")
    assert carl.post(f"/tasks/{task_id}/claim").status_code == 302
    filling = carl.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert 'value="E12345678"' in filling  # carl fills the form that holds it
    other = as_user("cora").get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "E12345678" not in other and "E12***678" in other
    client = app.test_client()
    assert "E12345678" in client.get(f"/api/v1/tasks/{task_id}", headers=token("carl")).get_data(as_text=True)
    body = client.get(f"/api/v1/tasks/{task_id}", headers=token("cora")).get_data(as_text=True)
    assert "E12345678" not in body and "E12***678" in body


def test_english_readers_get_the_english_titles(as_user, case):
    instance, _t = case(TRIP)
    client = as_user("alice")
    panel = _data_panel(client.get(f"/instances/{instance.id}?lang=en").get_data(as_text=True))
    assert "Purpose of the trip" in panel and "Outside Asia" in panel and "Male" in panel and "Yes" in panel
