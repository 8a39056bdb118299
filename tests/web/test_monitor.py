"""The supervisors' monitor: its queries against counts made another way (SQLite and PostgreSQL),
its pages, CSV exports, permissions and actions."""
from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from statistics import mean

import pytest
from sqlalchemy import select

from store.reads.cases import case_list, stuck_list
from store.reads.tasks import overdue_list
from store.models import HumanTask, Incident, Instance, Notification
from tests.web.monitor_fixtures import make_app, seed_office, sign_in, task_id


@pytest.fixture
def office(engine, users, deploy, clock):
    return seed_office(engine, users, deploy, clock)


@pytest.fixture
def client_of(engine, office):
    app = make_app(engine)

    def _client(username: str | None):
        client = app.test_client()
        if username:
            sign_in(client, username)
        return client

    return _client


def rows_of(engine, model):
    with engine.uow() as uow:
        items = list(uow.session.scalars(select(model)).all())
        uow.detach_all()
    return items


def cutoff_of(engine, days: int = 3):
    return engine.calendar().add_working_days(engine.clock.now(), -days)


def test_dashboard_queries_match_counts_made_another_way(engine, office):
    now = engine.clock.now()
    cases, tasks = rows_of(engine, Instance), rows_of(engine, HumanTask)
    open_tasks = [t for t in tasks if t.status in ("open", "claimed")]
    overdue = [t for t in open_tasks if t.due_at is not None and t.due_at < now]
    expected_cases = Counter((c.process_key, c.status) for c in cases if c.status in ("active", "suspended", "error"))
    cutoff = cutoff_of(engine)
    expected_stuck = {c.id for c in cases if c.status == "active" and c.updated_at < cutoff}
    open_incidents = sum(1 for i in rows_of(engine, Incident) if i.resolved_at is None)

    with engine.uow() as uow:
        r = uow.reads
        figures = r.analytics.dashboard(now, cutoff)
        assert {(k, st): n for k, st, n in figures.cases} == dict(expected_cases)
        assert dict(figures.overdue_by_group) == dict(Counter(t.lane for t in overdue))
        assert dict(figures.overdue_by_assignee) == dict(Counter(t.assignee for t in overdue if t.assignee))
        assert figures.stuck == len(expected_stuck)
        assert {r.id for r in r.page(stuck_list(cutoff)).items} == expected_stuck
        assert figures.incidents == open_incidents == 1
        assert r.page(case_list(status="open")).total == sum(expected_cases.values())
        assert r.page(overdue_list(now)).total == len(overdue)
        assert r.page(overdue_list(now, group="fao_clerk")).total == \
            sum(1 for t in overdue if t.lane == "fao_clerk")
        # the batched waiting-on equals the one-case query, case by case
        ids = [c.id for c in cases]
        batched = r.waits.of_cases(ids)
        for instance_id in ids:
            single = r.waits.of_case(instance_id)
            assert [(w["kind"], w["bpmn_id"]) for w in batched[instance_id]] == \
                [(w["kind"], w["bpmn_id"]) for w in single]

    # the seeded office, in plain words
    assert expected_stuck == {office.review[4], office.timers[0], office.timers[2], office.waiting_message}
    assert len(overdue) == 1 and overdue[0].instance_id == office.timers[0]  # claimed by clerk, due day 2
    assert expected_cases[("script_fail", "error")] == 1 and expected_cases[("review", "suspended")] == 1


def test_lists_filter_sort_and_page_by_fifty(engine, users, office):
    for i in range(60):
        engine.start("review", users["unit"], {"title": f"批量 {i:02d}"})
    with engine.uow() as uow:
        r = uow.reads
        first = r.page(case_list(process="review", status="active", sort="business_key"), 1)
        second = r.page(case_list(process="review", status="active", sort="business_key"), 2)
        assert first.total == 62 and len(first.items) == 50 and len(second.items) == 12
        keys = [r.business_key for r in [*first.items, *second.items]]
        assert keys == sorted(keys) and len(set(keys)) == 62
        newest = r.page(case_list(q="批量 59")).items
        assert [r.title for r in newest] == ["批量 59"]


def test_analytics_queries_match_python_arithmetic(engine, office):
    since = engine.clock.now().replace(year=engine.clock.now().year - 1)
    cases, tasks = rows_of(engine, Instance), rows_of(engine, HumanTask)
    done_cases = sorted((c.ended_at - c.started_at).total_seconds() for c in cases
                        if c.process_key == "review" and c.status == "completed")
    done_tasks = [t for t in tasks if t.completed_by is not None]
    with engine.uow() as uow:
        a = uow.reads.analytics
        n, q = a.cycle_time_percentiles("review", since)
        assert n == len(done_cases) == 2
        assert q[0.5] == pytest.approx(done_cases[0]) and q[0.9] == pytest.approx(done_cases[-1])
        late, with_due = a.sla_breaches("timers", since)
        timed = [t for t in done_tasks if t.process_key == "timers" and t.due_at is not None]
        assert (late, with_due) == (sum(1 for t in timed if t.completed_at > t.due_at), len(timed)) == (1, 2)
        waits = {b: (count, avg) for b, _name, count, avg in a.waiting_by_activity("review", since)}
        for bpmn_id in ("examine", "approve"):
            mine = [(t.completed_at - t.created_at).total_seconds() for t in done_tasks
                    if t.process_key == "review" and t.bpmn_id == bpmn_id]
            assert waits[bpmn_id][0] == len(mine)
            assert waits[bpmn_id][1] == pytest.approx(mean(mine), abs=1)
        weekly = a.weekly_counts("review", since, "Asia/Shanghai", 8 * 3600)
        assert sum(v[0] for v in weekly.values()) == sum(1 for c in cases if c.process_key == "review")
        assert sum(v[1] for v in weekly.values()) == 2
        assert all(week.weekday() == 0 for week in weekly)  # weeks start on Monday


def test_dashboard_numbers_link_to_their_lists(client_of, office):
    client = client_of("boss")
    page = client.get("/monitor").get_data(as_text=True)
    assert "业务监控" in page  # Chinese first
    assert 'href="/monitor/cases?process=review&amp;status=suspended"' in page
    assert 'href="/monitor/overdue?group=fao_clerk"' in page and 'href="/monitor/overdue?assignee=clerk"' in page
    assert 'href="/monitor/stuck?days=3"' in page and 'href="/monitor/incidents"' in page
    stuck = client.get("/monitor/stuck?days=3").get_data(as_text=True)
    assert re.search(r'id="list-total">4<', stuck)
    assert "等待消息 visa_result" in stuck and "定时器 wait" in stuck  # what each one waits on
    suspended = client.get("/monitor/cases?process=review&status=suspended").get_data(as_text=True)
    assert re.search(r'id="list-total">1<', suspended)
    incidents = client.get("/monitor/incidents").get_data(as_text=True)
    assert "ZeroDivisionError" in incidents or "division" in incidents
    english = client.get("/monitor/overdue?lang=en").get_data(as_text=True)
    assert "Overdue by" in english and "Overdue by 5 days" in english


def test_lists_export_every_row_as_csv(client_of, engine, users, office):
    engine.start("review", users["unit"], {"title": "=HYPERLINK(\"http://evil\")"})
    response = client_of("boss").get("/monitor/cases?status=open&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    with engine.uow() as uow:
        total = uow.reads.page(case_list(status="open")).total
    assert rows[0][0] == "业务编号" and len(rows) - 1 == total
    assert any(r[1] == "'=HYPERLINK(\"http://evil\")" for r in rows)  # never a live formula


@pytest.mark.parametrize("who", ["clerk", "unit", "analyst", "outsider"])
def test_only_supervisors_may_use_the_monitor(client_of, office, who):
    client = client_of(who)
    case = office.review[4]
    for path in ["/monitor", "/monitor/cases", "/monitor/overdue", "/monitor/stuck", "/monitor/incidents",
                 f"/monitor/cases/{case}", "/monitor/processes/review"]:
        assert client.get(path).status_code == 403, path
    assert client.post(f"/monitor/cases/{case}/suspend", data={"reason": "x"}).status_code == 403


def test_signed_out_visitors_are_sent_to_the_login(client_of, office):
    response = client_of(None).get("/monitor")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_case_page_marks_elements_counts_runs_and_masks_numbers(client_of, office):
    page = client_of("boss").get(f"/monitor/cases/{office.completed[1]}").get_data(as_text=True)
    payload = json.loads(re.search(r'<script type="application/json" id="case-diagram-data">(.*?)</script>',
                                   page, re.S).group(1))
    assert payload["states"]["examine"] == "completed" and payload["states"]["approve"] == "completed"
    assert payload["runs"] == {"start": 1, "examine": 1, "gw": 1, "approve": 1, "end_ok": 1}
    assert "BPMNShape" in payload["xml"]  # a layout is generated for a model deployed without one
    assert "E1*****78" in page and "E12345678" not in page
    failed = client_of("boss").get(f"/monitor/cases/{office.failed}").get_data(as_text=True)
    states = json.loads(re.search(r'id="case-diagram-data">(.*?)</script>', failed, re.S).group(1))["states"]
    assert states["divide"] == "error" and states["start"] == "completed"
    assert "重试" in failed


def test_actions_need_a_reason_go_through_the_engine_and_are_audited(client_of, engine, office):
    client = client_of("boss")
    case = office.review[4]

    def status():
        with engine.uow() as uow:
            return uow.instances.get(case).status

    page = client.post(f"/monitor/cases/{case}/suspend", data={"reason": " "}, follow_redirects=True)
    assert "请填写操作理由" in page.get_data(as_text=True) and status() == "active"
    client.post(f"/monitor/cases/{case}/suspend", data={"reason": "核实材料"})
    assert status() == "suspended"
    again = client.post(f"/monitor/cases/{case}/suspend", data={"reason": "再挂起"}, follow_redirects=True)
    assert again.status_code == 200 and "操作未完成" in again.get_data(as_text=True)  # a 409 becomes a message
    client.post(f"/monitor/cases/{case}/resume", data={"reason": "材料已补"})
    examine = task_id(engine, case, "examine")
    client.post(f"/monitor/cases/{case}/tasks/{examine}/assign", data={"username": "clerk2", "reason": "休假"})
    with engine.uow() as uow:
        assert uow.tasks.get(examine).assignee == "clerk2"
        events = [(e.action, e.actor, e.detail.get("reason")) for e in uow.reads.audit.history(case)]
    assert ("suspended", "boss", "核实材料") in events and ("resumed", "boss", "材料已补") in events
    assert ("assigned", "boss", "休假") in events or ("assigned", "boss", None) in events
    client.post(f"/monitor/cases/{case}/terminate", data={"reason": "撤回申请"})
    assert status() == "terminated"


def test_retry_takes_a_json_patch_and_refuses_bad_json(client_of, engine, office):
    client = client_of("boss")
    case = office.failed
    with engine.uow() as uow:
        incident = uow.incidents.open_for(case)[0].id
    bad = client.post(f"/monitor/cases/{case}/incidents/{incident}/retry", data={"reason": "修正", "patch": "{parts: 1"},
                      follow_redirects=True)
    assert "不是有效的 JSON" in bad.get_data(as_text=True)
    listed = client.post(f"/monitor/cases/{case}/incidents/{incident}/retry", data={"reason": "修正", "patch": "[1]"},
                         follow_redirects=True)
    assert "必须是 JSON 对象" in listed.get_data(as_text=True)
    client.post(f"/monitor/cases/{case}/incidents/{incident}/retry", data={"reason": "份数改为 1", "patch": '{"parts": 1}'})
    with engine.uow() as uow:
        assert uow.instances.get(case).status == "active"
        assert not uow.incidents.open_for(case)
        assert [t.bpmn_id for t in uow.reads.tasks.open_of(case)] == ["after"]


def test_actions_are_csrf_protected(engine, office):
    app = make_app(engine, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "boss", "password": "pw-boss", "csrf_token": token})
    case = office.review[4]
    assert client.post(f"/monitor/cases/{case}/suspend", data={"reason": "无令牌"}).status_code == 400
    case_page = client.get(f"/monitor/cases/{case}").get_data(as_text=True)
    form_token = re.search(r'id="form-suspend">\s*<input type="hidden" name="csrf_token" value="([^"]+)"', case_page).group(1)
    client.post(f"/monitor/cases/{case}/suspend", data={"reason": "有令牌", "csrf_token": form_token})
    with engine.uow() as uow:
        assert uow.instances.get(case).status == "suspended"


def test_dashboard_lists_my_notifications_only(client_of, engine, office):
    with engine.uow() as uow:
        for who, text in (("boss", "案件 A 超期"), ("clerk", "给别人的通知")):
            uow.session.add(Notification(username=who, instance_id=office.review[4], message=text,
                                         message_en=None, created_at=engine.clock.now(), read_at=None))
        uow.commit()
    page = client_of("boss").get("/monitor").get_data(as_text=True)
    assert "案件 A 超期" in page and "给别人的通知" not in page


def test_process_analytics_page_draws_charts_and_heat(client_of, office):
    page = client_of("boss").get("/monitor/processes/review?weeks=4").get_data(as_text=True)
    assert 'href="/modeler/review/migrate" id="migrate-cases"' in page  # bulk migration from the monitor
    assert page.count("<svg") >= 2 and "<script" not in page.split('id="weekly-chart"')[1].split("</section>")[0]
    heat = json.loads(re.search(r'id="heat-diagram-data">(.*?)</script>', page, re.S).group(1))["heat"]
    assert set(heat) == {"examine", "approve"}
    assert heat["examine"]["colour"] == "hsl(0, 75%, 62%)"  # the longest wait is red
    assert client_of("boss").get("/monitor/processes/nothing_here").status_code == 404


def test_working_days_ago_counts_like_the_calendar():
    from datetime import datetime, timedelta, timezone

    from engine.timekeeping.working_days import WorkingCalendar
    from webui.monitor.common import WorkingDaysAgo

    calendar = WorkingCalendar()
    now = datetime(2026, 10, 9, 2, 0, tzinfo=timezone.utc)  # the Friday after the National Day week
    ago = WorkingDaysAgo(calendar, now)
    for hours in (-30, -1, 0, 5, 20, 49, 24 * 9, 24 * 40, 24 * 400):
        moment = now - timedelta(hours=hours)
        assert ago(moment) == calendar.working_days_between(moment, now), hours
    assert ago(None) is None


def test_dashboard_words_escalations_and_the_overdue_digest_with_names_not_logins(engine, office, client_of):
    from datetime import timedelta

    from engine.commands.digest import send_overdue_digest
    from engine.people.identity import GROUPS

    with engine.uow() as uow:
        uow.users.by_username("clerk").display_name = "李明"
        uow.commit()
    assert engine.fire_due_timers() >= 1  # the SLA of the timer cases' examine: an escalation each
    assert send_overdue_digest(engine.runner, since=engine.clock.now() - timedelta(days=30)) >= 1
    page = client_of("boss").get("/monitor").get_data(as_text=True)
    notes = page.split('id="notifications"')[1].split("</ul>")[0]
    assert "超期升级：" in notes and "已到时限，已按流程升级督办。" in notes  # the timers model names no case title
    assert "超期日报：" in notes and "李明" in notes and GROUPS["fao_clerk"][0] in notes
    assert "clerk）" not in notes and "fao_clerk" not in notes and "None" not in notes


def test_bulk_retry_runs_every_listed_incident_again_and_says_what_came_of_it(client_of, engine, office):
    boss = client_of("boss")
    page = boss.get("/monitor/incidents").get_data(as_text=True)
    assert 'id="bulk-retry"' in page and "全部重试（1 个）" in page
    assert client_of("clerk").post("/monitor/incidents/retry", data={"reason": "x"}).status_code == 403
    refused = boss.post("/monitor/incidents/retry", data={"reason": ""}, follow_redirects=True).get_data(as_text=True)
    assert "请填写操作理由。" in refused
    done = boss.post("/monitor/incidents/retry", data={"reason": "修复后重试", "process": "script_fail"},
                     follow_redirects=True).get_data(as_text=True)
    assert "已重试 1 个异常：0 个案件继续办理，1 个再次失败，0 个暂时无法重试。" in done
    with engine.uow() as uow:
        assert [e.action for e in uow.reads.audit.history(office.failed)].count("retried") == 1
