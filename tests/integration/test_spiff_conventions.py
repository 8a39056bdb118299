"""Models written for the SpiffWorkflow ecosystem run unchanged (``tests/models/spiff_style``)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from engine.errors import ValidationFailed
from tests.conftest import TEST_MODELS, model_files, reload_engine
from tests.model_words import said

STYLE = TEST_MODELS / "spiff_style"
FILES = ("spiff_style.bpmn", "spiff-style-color-schema.json")


@pytest.fixture
def sqlite_engine(sqlite_url, clock):
    from tests.conftest import make_engine_for

    eng = make_engine_for(sqlite_url, clock)
    yield eng
    eng.session_factory.kw["bind"].dispose()


def _admin():
    from engine.people.identity import Actor

    return Actor("analyst", roles=frozenset({"admin"}), locale="en")


def _open(engine, instance_id):
    with engine.uow() as uow:
        return [(t.id, t.bpmn_id) for t in uow.reads.tasks.open_of(instance_id)]


def test_spiff_style_model_deploys_and_runs_to_its_end(sqlite_engine, clock):
    engine, actor = sqlite_engine, _admin()
    [result] = engine.deploy(model_files(*FILES, base=STYLE), actor)
    assert any("was ignored" in said(w) and "wait_go" in said(w) for w in result.warnings)

    case = engine.start("spiff_style", actor, {})
    [(choose, bpmn_id)] = _open(engine, case.id)
    assert bpmn_id == "choose"
    with pytest.raises(ValidationFailed) as refused:  # the choices come from the task data
        engine.complete(choose, actor, {"color": "red"})
    assert refused.value.details[0]["field"] == "color"
    engine.complete(choose, actor, {"color": "blue"})
    [(manual, bpmn_id)] = _open(engine, case.id)
    assert bpmn_id == "blue_path"
    engine.complete(manual, actor, {})

    with engine.uow() as uow:  # timedelta(seconds=30) became a due time 30 s from now
        [timer] = uow.events.timers_for(case.id)
        assert timer.due_at - clock.now() == timedelta(seconds=30)
    engine = reload_engine(engine)
    clock.advance(seconds=31)
    assert engine.fire_due_timers() == 1
    assert engine.deliver_message(actor, "go", {}, {}) == [case.id]
    with engine.uow() as uow:
        assert uow.instances.get(case.id).status == "completed"
    from tests.integration.helpers import data_of

    data = data_of(engine, case.id)
    assert data["day"] == "2026-05-01" and data["parsed"] == 2 and isinstance(data["stamp"], float)
    assert "time" not in data


def test_a_timer_value_spiffworkflow_cannot_read_is_an_incident_naming_the_timer(sqlite_engine):
    engine, actor = sqlite_engine, _admin()
    engine.deploy(model_files("bad_timer.bpmn", base=STYLE), actor)
    case = engine.start("bad_timer", actor, {})
    with engine.uow() as uow:
        assert uow.instances.get(case.id).status == "error"
        [incident] = uow.incidents.open_for(case.id)
    assert incident.bpmn_id == "pause"
    assert "'soon'" in incident.message and "ISO 8601 duration" in incident.message


def test_fao_try_prints_one_row_per_model_folder(tmp_path):
    from click.testing import CliRunner

    from webui.cli import main

    folder = tmp_path / "models" / "spiff_style"
    folder.mkdir(parents=True)
    for name in (*FILES, "spiff-style-color-exampledata.json"):
        (folder / name).write_bytes((STYLE / name).read_bytes())
    (tmp_path / "models" / "timer").mkdir()
    (tmp_path / "models" / "timer" / "bad_timer.bpmn").write_bytes((STYLE / "bad_timer.bpmn").read_bytes())
    broken = tmp_path / "models" / "broken"
    broken.mkdir()
    (broken / "broken.bpmn").write_text("<not-closed", encoding="utf-8")
    result = CliRunner().invoke(main, ["try", str(tmp_path / "models")])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert [r[:3] for r in rows[1:]] == [["spiff_style", "已部署", "等待定时器 pause"],
                                         ["timer", "已部署", "发生异常"]]
    assert rows[0][:2] == ["broken", "部署被拒"] and rows[0][3].startswith("broken.bpmn 第 1 行：XML 格式有误")
    assert "'soon'" in rows[2][3]
    assert "共 3 个模型：1 个发生异常，1 个部署被拒，1 个在等待" in result.output


def test_a_message_whose_payload_lacks_its_correlation_property_is_refused_not_a_crash(sqlite_engine):
    engine, actor = sqlite_engine, _admin()
    engine.deploy(model_files("correlated_start.bpmn", base=STYLE), actor)
    with pytest.raises(ValidationFailed) as refused:
        engine.deliver_message(actor, "hello", {}, {"other": 1})
    assert refused.value.reason == "message_uncorrelated" and "'topic'" in refused.value.params["expressions"]
    [started] = engine.deliver_message(actor, "hello", {}, {"topic": "t-1"})
    with engine.uow() as uow:
        assert uow.instances.get(started).status == "completed"
