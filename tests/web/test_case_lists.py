"""Issue 18 point 1: the case everywhere. Every list names the case by its title (the start form's
``x-case-title`` field) and its applicant by name and unit, searches by the title, and shows
priorities as words."""
from __future__ import annotations

from tests.web.conftest import START_DATA


def _two_cases(case):
    first = case(dict(START_DATA, title="赴日本友城交流"))
    second = case(dict(START_DATA, title="赴韩国经贸洽谈"))
    return first, second


def test_the_case_title_is_the_start_forms_marked_field(eng, case):
    (instance, task_id), _ = _two_cases(case)
    assert instance.title == "赴日本友城交流"
    with eng.uow() as uow:
        assert uow.tasks.get(task_id).case_title == "赴日本友城交流"


def test_inbox_shows_case_titles_applicant_names_and_priority_words(as_user, case):
    _two_cases(case)
    html = as_user("carl").get("/inbox").get_data(as_text=True)
    assert "赴日本友城交流" in html and "赴韩国经贸洽谈" in html
    assert "Alice" in html  # the applicant by name, never only the login
    assert 'class="priority priority-normal">普通<' in html
    assert "<td>50</td>" not in html


def test_inbox_search_finds_a_case_by_its_title(as_user, case):
    (_i, first), (_j, second) = _two_cases(case)
    html = as_user("carl").get("/inbox?q=韩国").get_data(as_text=True)
    assert f'data-task-id="{second}"' in html and f'data-task-id="{first}"' not in html


def test_applications_show_and_search_titles(as_user, case):
    (first, _t), (second, _u) = _two_cases(case)
    client = as_user("alice")
    html = client.get("/applications").get_data(as_text=True)
    assert "赴日本友城交流" in html and "赴韩国经贸洽谈" in html and "Alice" in html
    found = client.get("/applications?q=日本").get_data(as_text=True)
    assert f'data-instance-id="{first.id}"' in found and f'data-instance-id="{second.id}"' not in found


def test_monitor_lists_and_csv_carry_the_title_and_applicant(as_user, case):
    (first, _t), (second, _u) = _two_cases(case)
    client = as_user("sam")
    html = client.get("/monitor/cases?q=韩国").get_data(as_text=True)
    assert "赴韩国经贸洽谈" in html and "赴日本友城交流" not in html and "Alice" in html
    csv = client.get("/monitor/cases?status=open&format=csv").get_data(as_text=True)
    assert "赴日本友城交流" in csv and "赴韩国经贸洽谈" in csv


def test_task_page_header_names_the_case_and_applicant(as_user, case):
    _i, task_id = case()
    html = as_user("carl").get(f"/tasks/{task_id}").get_data(as_text=True)
    head = html.split('class="case-line"', 1)[1].split("</p>", 1)[0]
    assert "赴日本友城交流" in head and "Alice" in head and "普通" in head


def test_api_objects_carry_case_title(as_user, case, token, app):
    (first, task_id), _ = _two_cases(case)
    client = app.test_client()
    headers = token("carl")
    task = client.get(f"/api/v1/tasks/{task_id}", headers=headers).json
    assert task["case_title"] == "赴日本友城交流"
    listed = client.get("/api/v1/tasks?q=日本", headers=headers).json
    assert [t["case_title"] for t in listed["items"]] == ["赴日本友城交流"]
    inst = client.get(f"/api/v1/instances/{first.id}", headers=token("alice")).json
    assert inst["case_title"] == "赴日本友城交流"


def test_without_a_marked_field_the_title_is_the_process_title_and_business_key():
    from engine.forms.case_title import case_title

    schema = {"properties": {"title": {"type": "string"}}}
    assert case_title(schema, {"title": "x"}, "出访申请", "20261208-AB") == "出访申请 20261208-AB"
    marked = {"properties": {"subject": {"type": "string", "x-case-title": True}}}
    assert case_title(marked, {"subject": " 访日 "}, "出访申请", "K") == "访日"
    assert case_title(marked, {}, "出访申请", "K") == "出访申请 K"
