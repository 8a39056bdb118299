"""The ``fao`` command line as CONTRACT section 3 writes it, on SQLite and PostgreSQL."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.conftest import TEST_MODELS
from webui.cli import main

REVIEW = [str(TEST_MODELS / n) for n in ("review.bpmn", "review.start.schema.json",
                                         "review.decision.schema.json", "review.decision.uischema.json")]


@pytest.fixture
def fao(db_url, monkeypatch, tmp_path):
    monkeypatch.setenv("FAO_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return run


def test_the_whole_command_line_round_trip(fao):
    assert fao("db", "upgrade").exit_code == 0
    assert fao("users", "add", "ana", "--password", "pw", "--roles", "analyst").exit_code == 0
    assert fao("users", "add", "unit", "--password", "pw", "--groups", "applicant_unit").exit_code == 0
    assert fao("users", "add", "clerk", "--password", "pw", "--groups", "fao_clerk", "--roles", "clerk").exit_code == 0

    deployed = fao("deploy", *REVIEW)
    assert deployed.exit_code == 0, deployed.output
    assert deployed.output.splitlines() == ["review v1 new"]
    assert fao("deploy", *REVIEW).output.splitlines() == ["review v1 unchanged"]
    listed = fao("processes")
    assert listed.output.split("\t")[:2] == ["review", "v1"]

    token = fao("users", "token", "clerk")
    assert token.exit_code == 0 and len(token.output.strip().splitlines()) == 1 and len(token.output.strip()) > 30

    started = fao("start", "review", "--as", "unit", "--data", json.dumps({"title": "访日"}), "--business-key", "BK-1")
    assert started.exit_code == 0, started.output
    instance_id = started.output.strip()

    inbox = fao("tasks", "--as", "clerk")
    task_id, process, name, lane, assignee, _due = inbox.output.strip().split("\t")
    assert (process, name, lane, assignee) == ("review", "Examine", "fao_clerk", "-")

    done = fao("complete", task_id, "--as", "clerk", "--data", json.dumps({"decision": "reject", "comment": "不全"}))
    assert done.exit_code == 0 and done.output.split() == [instance_id, "completed"]
    rows = fao("instances", "--status", "completed").output.strip().splitlines()
    assert [r.split("\t")[:4] for r in rows] == [[instance_id, "review", "v1", "completed"]]


def test_bad_input_exits_2_with_one_line_per_problem_and_no_traceback(fao, tmp_path):
    fao("db", "upgrade")
    fao("users", "add", "unit", "--password", "pw", "--groups", "applicant_unit")
    broken = tmp_path / "broken.bpmn"
    broken.write_text("<definitions xmlns='http://www.omg.org/spec/BPMN/20100524/MODEL'>\n<process id='p'>\n")
    result = fao("deploy", str(broken), *REVIEW)
    assert result.exit_code == 2
    assert result.output.splitlines()[0].startswith("broken.bpmn 第 3 行：XML 格式有误：")  # Chinese by default
    assert "Traceback" not in result.output
    assert fao("processes").output == ""  # nothing deployed

    bad_json = fao("start", "review", "--as", "unit", "--data", "{not json")
    assert bad_json.exit_code == 2 and bad_json.output.startswith("--data：JSON 格式有误：")
    unknown = fao("start", "nope", "--as", "unit")
    assert unknown.exit_code == 2 and "not_found" in unknown.output
    bad_role = fao("users", "add", "x", "--password", "pw", "--roles", "king")
    assert bad_role.exit_code == 2 and bad_role.output.strip() == "roles: 没有角色“king”（可用角色：clerk, supervisor, analyst, admin）。"
    missing = fao("deploy", str(tmp_path / "nothing-here"))
    assert missing.exit_code == 2 and missing.output.strip().endswith("nothing-here：文件或文件夹不存在。")


def test_invalid_form_data_names_the_field(fao):
    fao("db", "upgrade")
    fao("users", "add", "ana", "--password", "pw", "--roles", "analyst")
    fao("users", "add", "unit", "--password", "pw", "--groups", "applicant_unit")
    fao("deploy", *REVIEW)
    result = fao("start", "review", "--as", "unit", "--data", json.dumps({"members": [{}]}))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert any(line.startswith("title:") for line in lines) and any(line.startswith("members.0.name:") for line in lines)


def test_reindex_rebuilds_a_lost_inbox_from_the_saved_state(fao, db_url):
    from sqlalchemy import text

    from store.db import make_engine

    fao("db", "upgrade")
    fao("users", "add", "ana", "--password", "pw", "--roles", "analyst")
    fao("users", "add", "unit", "--password", "pw", "--groups", "applicant_unit")
    fao("users", "add", "clerk", "--password", "pw", "--groups", "fao_clerk")
    fao("deploy", *REVIEW)
    fao("start", "review", "--as", "unit", "--data", json.dumps({"title": "t"}))
    before = fao("tasks", "--as", "clerk").output
    db = make_engine(db_url)
    with db.begin() as conn:
        conn.execute(text("DELETE FROM human_task"))
    db.dispose()
    assert fao("tasks", "--as", "clerk").output == ""
    assert fao("reindex").output.strip() == "1 cases reindexed"
    assert fao("tasks", "--as", "clerk").output.split("\t")[1:] == before.split("\t")[1:]


NO_DEFAULT = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <bpmn:process id="choice" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="which"/>
    <bpmn:exclusiveGateway id="which"/>
    <bpmn:sequenceFlow id="f2" sourceRef="which" targetRef="yes">
      <bpmn:conditionExpression>True</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f3" sourceRef="which" targetRef="no">
      <bpmn:conditionExpression>False</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:endEvent id="yes"/>
    <bpmn:endEvent id="no"/>
  </bpmn:process>
</bpmn:definitions>
"""


def test_deploy_warnings_are_one_chinese_line_each_with_file_and_line(fao, tmp_path):
    fao("db", "upgrade")
    model = tmp_path / "choice.bpmn"
    model.write_text(NO_DEFAULT, encoding="utf-8")
    result = fao("deploy", str(model))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["choice v1 new"]
    assert result.stderr.splitlines() == [
        "  警告：choice.bpmn 第 6 行：排他网关“which”有 2 条流出的顺序流，但没有默认流：没有条件成立时，案件会因错误而停止。"]
