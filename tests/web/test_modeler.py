"""The analysts' modeler: versions, validate (dry run), deploy, download, compare, layout, migration."""
from __future__ import annotations

import re

import pytest
from lxml import etree

from engine.bpmn.diagram import ensure_layout
from engine.commands.version_migration import migrate
from engine.deploy.versions_diff import diff_bpmn
from engine.errors import Conflict, Forbidden
from tests.conftest import TEST_MODELS
from tests.web.monitor_fixtures import (
    REVIEW,
    client_of,  # noqa: F401  (a fixture)
    make_app,
    open_tasks,
    sign_in,
    task_id,
    versions,
)

REVIEW_XML = (TEST_MODELS / "review.bpmn").read_text(encoding="utf-8")


def review_v2() -> str:
    """Review with the approval given to a new step ``leader_approve`` and ``examine`` renamed."""
    return (REVIEW_XML.replace('<bpmn:userTask id="approve" name="Approve">',
                               '<bpmn:userTask id="leader_approve" name="Leader approves">')
            .replace('targetRef="approve"', 'targetRef="leader_approve"')
            .replace('sourceRef="approve"', 'sourceRef="leader_approve"')
            .replace("<bpmn:flowNodeRef>approve</bpmn:flowNodeRef>", "<bpmn:flowNodeRef>leader_approve</bpmn:flowNodeRef>")
            .replace('name="Examine">', 'name="审查（第二版）">'))




# --- pages and permissions --------------------------------------------------------------------

def test_the_modeler_refuses_clerks_and_applicants_as_the_monitor_does(client_of):
    for who in ("clerk", "unit"):
        client = client_of(who)
        for path in ("/modeler", "/modeler/review", "/modeler/new", "/modeler/forms"):
            assert client.get(path).status_code == 403, (who, path)
    assert client_of("analyst").get("/modeler").status_code == 200

def test_versions_list_shows_who_deployed_when_and_cases(client_of, engine, users):
    engine.start("review", users["unit"], {"title": "甲"})
    page = client_of("boss").get("/modeler").get_data(as_text=True)  # supervisors look (and migrate)
    row = re.search(r'<tr data-version="1">(.*?)</tr>', page, re.S).group(1)
    assert "analyst" in row and re.search(r'class="num">1</td><td class="num">1</td>', row)
    assert 'id="new-process"' not in page  # only analysts get the "new" button
    assert 'id="new-process"' in client_of("analyst").get("/modeler").get_data(as_text=True)


def test_editor_opens_the_latest_or_a_chosen_version(client_of, engine, users):
    engine.deploy([("review.bpmn", review_v2().encode())], users["analyst"], "第二版")
    client = client_of("boss")
    latest = client.get("/modeler/review").get_data(as_text=True)
    assert "bpmn-modeler.production.min.js" in latest and "leader_approve" in latest
    first = client.get("/modeler/review?version=1").get_data(as_text=True)
    assert "leader_approve" not in first and "spiffworkflow" in first  # the moddle descriptor rides along
    assert client.get("/modeler/review?version=9").status_code == 404
    assert client.get("/modeler/new").status_code == 200
    download = client.get("/modeler/review/versions/1.bpmn")
    assert download.mimetype == "application/xml" and "attachment" in download.headers["Content-Disposition"]
    assert b'id="approve"' in download.data


@pytest.mark.parametrize("who", ["clerk", "unit", "boss"])
def test_only_analysts_may_deploy(client_of, engine, who):
    response = client_of(who).post("/api/v1/modeler/deploy", json={"xml": review_v2(), "note": "试图发布"})
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"
    assert versions(engine) == [1]


def test_signed_out_visitors_cannot_use_the_modeler(client_of):
    client = client_of(None)
    assert client.get("/modeler").status_code == 302
    assert client.post("/api/v1/modeler/validate", json={"xml": REVIEW_XML}).status_code == 401


def test_analyst_deploys_a_new_version_with_the_forms_already_deployed(client_of, engine):
    response = client_of("analyst").post("/api/v1/modeler/deploy", json={"xml": review_v2(), "note": "领导审批"})
    assert response.status_code == 201
    assert response.json["results"][0]["version"] == 2 and response.json["results"][0]["url"] == "/modeler/review?version=2"
    with engine.uow() as uow:
        v2 = uow.processes.get("review", 2)
        assert v2.change_note == "领导审批" and v2.deployed_by == "analyst" and v2.source_file == "review.bpmn"
        assert "review.decision.schema.json" in v2.forms
    again = client_of("analyst").post("/api/v1/modeler/deploy", json={"xml": review_v2(), "note": "再来一次"})
    assert again.status_code == 200 and again.json["results"][0]["status"] == "unchanged"


def test_validate_is_a_dry_run_that_locates_problems_on_elements(client_of, engine):
    client = client_of("analyst")
    bad = REVIEW_XML.replace('value="review.decision.schema.json"', 'value="missing.schema.json"', 1)
    answer = client.post("/api/v1/modeler/validate", json={"xml": bad}).json
    assert answer["ok"] is False
    [problem] = answer["problems"]
    assert problem["element_id"] == "examine"
    assert problem["message"] == "“examine”引用的表单文件“missing.schema.json”尚未部署。"
    assert problem["where"] == f"review.bpmn 第 {problem['line']} 行"
    lane = REVIEW_XML.replace('name="section_chief"', 'name="no_such_group"')
    assert client.post("/api/v1/modeler/validate", json={"xml": lane}).json["problems"][0]["element_id"] == "approve"
    broken = client.post("/api/v1/modeler/validate", json={"xml": REVIEW_XML.replace("</bpmn:process>", "")}).json
    assert broken["ok"] is False and broken["problems"][0]["line"]
    good = client.post("/api/v1/modeler/validate", json={"xml": review_v2()}).json
    assert good["ok"] is True and good["results"] == [{"key": "review", "version": 2, "status": "new"}]
    assert versions(engine) == [1]  # nothing was written
    assert client.post("/api/v1/modeler/validate", json={"nothing": 1}).status_code == 400


def test_deploy_refusal_is_a_422_with_located_problems(client_of, engine):
    bad = REVIEW_XML.replace('value="review.decision.schema.json"', 'value="missing.schema.json"', 1)
    response = client_of("analyst").post("/api/v1/modeler/deploy", json={"xml": bad, "note": "坏的"})
    assert response.status_code == 422
    assert response.json["error"]["details"][0]["element_id"] == "examine"
    assert versions(engine) == [1]


def test_validate_only_rolls_back_everything(engine, users, deploy):
    deploy(*REVIEW)
    result = engine.validate([("review.bpmn", review_v2().encode())])
    assert result.ok and result.results[0].status == "new"
    with engine.uow() as uow:
        assert [v.version for v in uow.processes.versions("review")] == [1]
        assert 'id="approve"' in uow.processes.model_file("review.bpmn").content


# --- compare ------------------------------------------------------------------------------------

def test_diff_finds_added_removed_and_changed_elements():
    diff = diff_bpmn(REVIEW_XML, review_v2())
    assert [c.id for c in diff.added] == ["leader_approve"]
    assert [c.id for c in diff.removed] == ["approve"]
    changed = {c.id: c.details for c in diff.changed}
    assert changed["examine"] == ("name",)
    assert set(changed) == {"examine", "f_ok", "f3", "lane_chief"}  # flows re-pointed, lane membership
    assert diff_bpmn(REVIEW_XML, ensure_layout(REVIEW_XML)).empty  # layout alone is no change


def test_compare_page_highlights_and_lists_the_changes(client_of, engine, users):
    engine.deploy([("review.bpmn", review_v2().encode())], users["analyst"], "第二版")
    page = client_of("boss").get("/modeler/review/compare?a=1&b=2").get_data(as_text=True)
    assert '"leader_approve": "added"' in page and '"approve": "removed"' in page and '"examine": "changed"' in page
    assert re.search(r'<ul class="diff-added">\s*<li data-element-id="leader_approve">', page)
    assert client_of("boss").get("/modeler/review/compare?a=1&b=7").status_code == 404


def test_generated_layout_draws_every_element_once():
    xml = ensure_layout(REVIEW_XML)
    root = etree.fromstring(xml.encode())
    ns = {"bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI", "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    shapes = [s.get("bpmnElement") for s in root.iterfind(".//bpmndi:BPMNShape", ns)]
    edges = [e.get("bpmnElement") for e in root.iterfind(".//bpmndi:BPMNEdge", ns)]
    nodes = [n.get("id") for n in root.find("bpmn:process", ns) if n.get("id") and not n.tag.endswith(("sequenceFlow", "laneSet"))]
    assert sorted(set(nodes) - set(shapes)) == [] and len(shapes) == len(set(shapes))
    assert sorted(edges) == sorted(f.get("id") for f in root.iterfind(".//bpmn:sequenceFlow", ns))
    assert ensure_layout(xml) == xml  # a model with a diagram is left alone


# --- migration ------------------------------------------------------------------------------------

def test_migration_moves_safe_cases_and_refuses_unsafe_ones(engine, users, deploy):
    deploy(*REVIEW)
    at_examine = engine.start("review", users["unit"], {"title": "在审查"}).id
    engine.claim(task_id(engine, at_examine, "examine"), users["clerk"])
    at_approve = engine.start("review", users["unit"], {"title": "在审批"}).id
    engine.complete(task_id(engine, at_approve, "examine"), users["clerk"], {"decision": "approve", "comment": "可"})
    engine.deploy([("review.bpmn", review_v2().encode())], users["analyst"], "第二版")

    checks = {c.instance_id: c for c in engine.migration_preview("review", 1, 2)}
    assert checks[at_examine].ok
    assert not checks[at_approve].ok and "approve" in checks[at_approve].reasons[0]

    with pytest.raises(Forbidden):
        migrate(engine.runner, at_examine, users["clerk"], 2)
    with pytest.raises(Conflict) as refused:
        migrate(engine.runner, at_approve, users["analyst"], 2, "试试")
    assert refused.value.code == "migration_refused"

    migrate(engine.runner, at_examine, users["boss"], 2, "采用新流程")
    with engine.uow() as uow:
        moved = uow.instances.get(at_examine)
        assert (moved.version, uow.processes.by_id(moved.process_version_id).version) == (2, 2)
        assert uow.instances.get(at_approve).version == 1  # the refused case did not change
        task = uow.reads.tasks.open_of(at_examine)[0]
        assert (task.assignee, task.name) == ("clerk", "审查（第二版）")  # claim kept, new name shown
        event = [e for e in uow.reads.audit.history(at_examine) if e.action == "migrated"][0]
        assert (event.actor, event.detail["from_version"], event.detail["to_version"]) == ("boss", 1, 2)
    engine.complete(task_id(engine, at_examine, "examine"), users["clerk"], {"decision": "approve", "comment": "可"})
    assert [t.bpmn_id for t in open_tasks(engine, at_examine)] == ["leader_approve"]  # runs version 2 now


def test_migration_keeps_waiting_timers_and_refuses_failed_cases(engine, users, deploy):
    deploy("timers.bpmn")
    deploy("script_fail.bpmn")
    case = engine.start("timers", users["clerk"], {}).id
    with engine.uow() as uow:
        due_before = [t.due_at for t in uow.events.timers_for(case)]
    source = (TEST_MODELS / "timers.bpmn").read_text(encoding="utf-8")
    engine.deploy([("timers.bpmn", source.replace('name="After wait"', 'name="等待之后"').encode())], users["analyst"])
    engine.clock.advance(hours=5)
    migrate(engine.runner, case, users["analyst"], 2)
    with engine.uow() as uow:
        assert [t.due_at for t in uow.events.timers_for(case)] == due_before  # the SLA clock did not restart

    failed = engine.start("script_fail", users["clerk"], {"total": 1, "parts": 0}).id
    script = (TEST_MODELS / "script_fail.bpmn").read_text(encoding="utf-8")
    engine.deploy([("script_fail.bpmn", script.replace('name="After"', 'name="之后"').encode())], users["analyst"])
    assert engine.migration_preview("script_fail", 1, 2)[0].reasons == ["the case has an open incident: retry or terminate it first"]


def test_migration_pages_preview_and_move_the_chosen_cases(client_of, engine, users):
    at_examine = engine.start("review", users["unit"], {"title": "在审查"}).id
    at_approve = engine.start("review", users["unit"], {"title": "在审批"}).id
    engine.complete(task_id(engine, at_approve, "examine"), users["clerk"], {"decision": "approve", "comment": "可"})
    engine.deploy([("review.bpmn", review_v2().encode())], users["analyst"], "第二版")
    assert client_of("clerk").get("/modeler/review/migrate").status_code == 403
    client = client_of("boss")
    page = client.get("/modeler/review/migrate?from=1&to=2").get_data(as_text=True)
    assert re.search(rf'data-instance-id="{at_examine}" class="ok"', page)
    assert re.search(rf'data-instance-id="{at_approve}" class="refused"', page)
    done = client.post("/modeler/review/migrate", data={"from": 1, "to": 2, "reason": "统一到新版",
                                                        "instance_id": [at_examine, at_approve]}, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "已将 1 个案件迁移到版本 2" in text and f"案件 {at_approve} 未迁移" in text
    with engine.uow() as uow:
        assert (uow.instances.get(at_examine).version, uow.instances.get(at_approve).version) == (2, 1)
    missing_reason = client.post("/modeler/review/migrate", data={"from": 1, "to": 2, "instance_id": [at_approve]},
                                 follow_redirects=True)
    assert "请填写迁移理由" in missing_reason.get_data(as_text=True)


def test_validate_words_a_refused_element_with_its_line_in_the_pages_language(client_of, engine):
    adhoc = (TEST_MODELS / "adhoc.bpmn").read_text(encoding="utf-8")
    client = client_of("analyst")
    [problem] = client.post("/api/v1/modeler/validate", json={"xml": adhoc}).json["problems"]
    assert (problem["line"], problem["element_id"], problem["where"]) == (5, "checks", "adhoc.bpmn 第 5 行")
    assert problem["message"].startswith("不支持自由子流程（ad-hoc sub-process）“checks”：")
    refused = client.post("/api/v1/modeler/deploy", json={"xml": adhoc, "note": "试一试"})
    assert refused.status_code == 422 and refused.json["error"]["message"] == "模型有错误，未发布。"
    assert refused.json["error"]["details"][0]["where"] == "adhoc.bpmn 第 5 行"
    [english] = client.post("/api/v1/modeler/validate?lang=en", json={"xml": adhoc}).json["problems"]
    assert english["where"] == "adhoc.bpmn line 5"
    assert english["message"].startswith("The ad-hoc sub-process “checks” is not supported")
