"""The live workflow a command committed is reused by the next command on the case, and only then.

Reuse must never be visible: another process writing the case, a command that fails half-way,
and data that JSON would change all lead back to the stored state.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from engine.state.workflow_cache import WorkflowCache, restores_unchanged
from tests.conftest import make_engine_for
from tests.integration.process_driver import fast_engine, new_case, processes_template  # noqa: F401

MODEL = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
<bpmn:process id="cached" isExecutable="true">
<bpmn:laneSet id="ls"><bpmn:lane id="l" name="fao_clerk">
<bpmn:flowNodeRef>first</bpmn:flowNodeRef><bpmn:flowNodeRef>second</bpmn:flowNodeRef>
<bpmn:flowNodeRef>third</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
<bpmn:startEvent id="start"/>
<bpmn:scriptTask id="prepare" name="Prepare"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
<bpmn:userTask id="first" name="First"/>
<bpmn:userTask id="second" name="Second"/>
<bpmn:userTask id="third" name="Third"/>
<bpmn:endEvent id="end"/>
<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="prepare"/>
<bpmn:sequenceFlow id="f1" sourceRef="prepare" targetRef="first"/>
<bpmn:sequenceFlow id="f2" sourceRef="first" targetRef="second"/>
<bpmn:sequenceFlow id="f3" sourceRef="second" targetRef="third"/>
<bpmn:sequenceFlow id="f4" sourceRef="third" targetRef="end"/>
</bpmn:process></bpmn:definitions>"""


def _deploy(engine, users, script: str = "counted = 0") -> None:
    engine.deploy([("cached.bpmn", MODEL.format(script=script).encode())], users["analyst"])


def _open(engine, instance_id) -> list[tuple[str, str]]:
    with engine.uow() as uow:
        return [(t.id, t.bpmn_id) for t in uow.reads.tasks.open_of(instance_id)]


def test_the_next_command_reuses_the_workflow_and_the_case_runs_to_its_end(engine, users):
    _deploy(engine, users)
    clerk = users["clerk"]
    case = engine.start_with_next("cached", clerk, {})
    hits = engine.runner.workflows.hits
    for expected in ("first", "second", "third"):
        (task_id, bpmn_id), = _open(engine, case.instance.id)
        assert bpmn_id == expected
        engine.complete(task_id, clerk, {expected: True})
    assert engine.runner.workflows.hits == hits + 3
    with engine.uow() as uow:
        assert uow.instances.get(case.instance.id).status == "completed"
    assert len(engine.runner.workflows) == 0  # an ended case is not kept


def test_a_case_written_by_another_process_is_restored_from_its_state(engine, users, db_url):
    _deploy(engine, users)
    clerk = users["clerk"]
    other = make_engine_for(db_url, engine.clock)  # another web process on the same database
    try:
        case = engine.start_with_next("cached", clerk, {})  # cached here, at revision 1
        (first, _), = _open(engine, case.instance.id)
        other.complete(first, clerk, {"by": "other"})
        (second, bpmn_id), = _open(engine, case.instance.id)
        assert bpmn_id == "second"
        misses = engine.runner.workflows.misses
        engine.complete(second, clerk, {})  # a stale workflow would not know 'second' is open
        assert engine.runner.workflows.misses == misses + 1
        assert [b for _, b in _open(engine, case.instance.id)] == ["third"]
    finally:
        other.session_factory.kw["bind"].dispose()


def test_a_command_that_fails_after_changing_the_workflow_leaves_nothing_behind(engine, users):
    _deploy(engine, users)
    clerk = users["clerk"]
    case = engine.start_with_next("cached", clerk, {})
    (first, _), = _open(engine, case.instance.id)

    def crash(_cmd) -> None:
        raise RuntimeError("power cut before the commit")

    engine.runner.before_commit = crash
    with pytest.raises(RuntimeError):
        engine.complete(first, clerk, {"attempt": 1})  # the workflow ran 'first' in memory
    engine.runner.before_commit = None
    assert _open(engine, case.instance.id) == [(first, "first")]
    engine.complete(first, clerk, {"attempt": 2})
    assert [b for _, b in _open(engine, case.instance.id)] == ["second"]
    with engine.uow() as uow:
        completions = [e for e in uow.reads.audit.history(case.instance.id) if e.action == "completed"]
    assert [e.bpmn_id for e in completions] == ["first"]


def test_data_that_json_would_change_is_read_back_from_the_state_every_time(engine, users):
    _deploy(engine, users, script="pair = (1, 2)")
    clerk = users["clerk"]
    case = engine.start_with_next("cached", clerk, {})
    assert len(engine.runner.workflows) == 0  # a tuple comes back from JSON as a list: not kept
    (first, _), = _open(engine, case.instance.id)
    engine.complete(first, clerk, {})
    with engine.uow() as uow:
        instance = uow.instances.get(case.instance.id)
        cmd = engine.runner.load(uow, instance, clerk, engine.clock.now())
    ready = [t for t in cmd.workflow.get_tasks() if t.task_spec.bpmn_id == "second"]
    assert ready[0].data["pair"] == [1, 2]


@pytest.mark.parametrize("value, stable", [
    ({"name": "张三", "n": 3, "x": 1.5, "ok": True, "none": None, "items": [{"a": "b"}]}, True),
    ({"when": datetime(2027, 5, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))}, True),
    ({"pair": (1, 2)}, False),
    ({"counts": {1: "one"}}, False),
    ({"tags": {"a", "b"}}, False),
    ({"ratio": float("nan")}, False),
    ({"when": datetime(2027, 5, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))}, False),
])
def test_only_data_json_gives_back_unchanged_is_kept(value, stable):
    class Task:
        data, internal_data = value, {}

    class Workflow:
        bpmn_events: list = []
        subprocesses: dict = {}
        data: dict = {}
        tasks = {"t": Task()}

    assert restores_unchanged(Workflow()) is stable


def test_the_cache_keeps_at_most_its_capacity_and_zero_turns_it_off():
    class Stub:
        bpmn_events: list = []
        subprocesses: dict = {}
        data: dict = {}
        tasks: dict = {}

    cache = WorkflowCache(capacity=2)
    for case in ("a", "b", "c"):
        cache.put(case, 1, 1, Stub())
    assert len(cache) == 2 and cache.take("a", 1, 1) is None and cache.take("c", 1, 1) is not None
    assert cache.take("b", 1, 2) is None  # another revision: dropped, not returned
    assert cache.take("b", 1, 1) is None
    off = WorkflowCache(capacity=0)
    off.put("a", 1, 1, Stub())
    assert len(off) == 0


def test_the_offices_processes_reuse_their_workflows(fast_engine):
    case = new_case(fast_engine, "foreign_activity_plan")
    assert case.run() == "completed"
    cache = fast_engine.engine.runner.workflows
    # every committed workflow was kept, each checked against a restore of its state, and reused
    assert cache.puts >= 8 and cache.checked == cache.puts and cache.hits >= cache.puts - 1


def test_the_cache_size_comes_from_the_environment(monkeypatch, sqlite_url):
    from webui.wiring import build_engine

    monkeypatch.setenv("FAO_WORKFLOW_CACHE", "0")
    engine = build_engine(sqlite_url)
    assert engine.runner.workflows.capacity == 0
    engine.session_factory.kw["bind"].dispose()
    monkeypatch.setenv("FAO_WORKFLOW_CACHE", "many")
    with pytest.raises(ValueError, match="FAO_WORKFLOW_CACHE"):
        build_engine(sqlite_url)
