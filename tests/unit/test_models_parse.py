"""The committed models parse, validate against the BPMN XSD, and follow the office's conventions."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from lxml import etree
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from processes.catalogue import catalogue

ROOT = Path(__file__).resolve().parents[2] / "bpmn_models"
BPMN_FILES = sorted(ROOT.rglob("*.bpmn"))
DMN_FILES = sorted(ROOT.rglob("*.dmn"))
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
GROUPS = {"applicant_unit", "fao_clerk", "section_chief", "office_director", "municipal_leader",
          "protocol_section", "passport_visa_section", "sister_city_section", "press_culture_section"}
KEYS = [p.key for p in catalogue()]
# an urgent response and a routed request have no applicant's revision loop
NO_REVISION = {"foreign_incident_response", "unit_foreign_affairs_coordination"}
FLOW_NODES = ("startEvent", "endEvent", "userTask", "serviceTask", "scriptTask", "businessRuleTask",
              "exclusiveGateway", "parallelGateway", "subProcess", "callActivity", "intermediateCatchEvent",
              "boundaryEvent", "task", "manualTask", "sendTask", "receiveTask", "intermediateThrowEvent",
              "inclusiveGateway", "eventBasedGateway")


def _tree(path: Path):
    return etree.parse(str(path))


def _xp(node, expr):
    return node.xpath(expr, namespaces=NS)


@pytest.fixture(scope="module")
def parser() -> SpiffBpmnParser:
    p = SpiffBpmnParser(validator=VALIDATOR)
    p.add_bpmn_files([str(f) for f in BPMN_FILES])
    p.add_dmn_files([str(f) for f in DMN_FILES])
    return p


def test_there_is_one_file_per_catalogue_process():
    names = {f.stem for f in BPMN_FILES if f.parent == ROOT}
    assert names == set(KEYS)
    assert len(KEYS) == 21  # the twenty of the seed and the passport section's cancellation


@pytest.mark.parametrize("key", KEYS)
def test_each_process_parses_with_its_call_activities_and_decisions(parser, key):
    spec = parser.get_spec(key)
    subs = parser.get_subprocess_specs(key)
    assert spec.name == key
    # sub-process ids are process ids for the parser: prefixed with the key, they stay unique in a deploy
    assert all(s.startswith(f"{key}_") for s in subs if s != "passport_visa_handling"), sorted(subs)


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: p.stem)
def test_process_is_executable_and_id_matches_file(path):
    procs = _xp(_tree(path), "//bpmn:process")
    assert [p.get("id") for p in procs] == [path.stem]
    assert procs[0].get("isExecutable") == "true"


def _form_refs(path: Path):
    tree = _tree(path)
    for el in _xp(tree, "//bpmn:userTask | //bpmn:process/bpmn:startEvent"):
        props = {p.get("name"): p.get("value")
                 for p in _xp(el, "./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property")}
        yield el, props


@pytest.mark.parametrize("path", [p for p in BPMN_FILES if p.parent == ROOT], ids=lambda p: p.stem)
def test_every_user_task_and_start_event_has_valid_forms(path):
    for el, props in _form_refs(path):
        schema_name = props.get("formJsonSchemaFilename")
        ui_name = props.get("formUiSchemaFilename")
        assert schema_name and ui_name, el.get("id")
        schema = json.loads((ROOT / "forms" / schema_name).read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        ui = json.loads((ROOT / "forms" / ui_name).read_text(encoding="utf-8"))
        assert isinstance(ui, dict)
        assert set(ui["ui:order"]) == set(schema["properties"])
        for name, prop in schema["properties"].items():
            assert prop.get("title") and prop.get("title_en"), (schema_name, name)


def test_every_form_file_is_valid_and_titled():
    for f in sorted((ROOT / "forms").glob("*.schema.json")):
        schema = json.loads(f.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["title"] and schema["title_en"]
        assert (f.parent / f.name.replace(".schema.json", ".uischema.json")).exists()


def test_decision_forms_require_a_comment_unless_approved():
    schema = json.loads((ROOT / "forms" / "common.approve.schema.json").read_text(encoding="utf-8"))
    v = jsonschema.Draft202012Validator(schema)
    assert v.is_valid({"decision": "approve"})
    assert not v.is_valid({"decision": "revise"})
    assert not v.is_valid({"decision": "reject", "comment": ""})
    assert v.is_valid({"decision": "reject", "comment": "不符合规定"})
    assert not v.is_valid({"decision": "maybe"})


def test_passport_and_id_patterns():
    schema = json.loads((ROOT / "forms" / "official_passport_visa.submit.schema.json").read_text(encoding="utf-8"))
    member = schema["properties"]["members"]["items"]["properties"]
    assert re.match(member["passport_no"]["pattern"], "E12345678")
    assert not re.match(member["passport_no"]["pattern"], "X1234")
    assert re.match(member["id_number"]["pattern"], "43040119800101123X")


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: p.stem)
def test_lanes_are_groups_and_hold_every_user_task(path):
    tree = _tree(path)
    lanes = _xp(tree, "//bpmn:lane")
    assert lanes
    in_lane = set()
    for lane in lanes:
        assert lane.get("name") in GROUPS
        in_lane |= {r.text for r in _xp(lane, "./bpmn:flowNodeRef")}
    for task in _xp(tree, "//bpmn:userTask"):
        assert task.get("id") in in_lane


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: p.stem)
def test_exclusive_gateways_with_two_ways_out_have_a_default(path):
    tree = _tree(path)
    for gw in _xp(tree, "//bpmn:exclusiveGateway"):
        outgoing = _xp(gw, "./bpmn:outgoing")
        if len(outgoing) > 1:
            assert gw.get("default"), gw.get("id")


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: p.stem)
def test_no_sequence_flow_cycles_and_no_reserved_ids(path):
    tree = _tree(path)
    ids = {e.get("id") for e in tree.iter() if e.get("id")}
    assert not ids & {"Start", "End"}
    edges: dict[str, list[str]] = {}
    for f in _xp(tree, "//bpmn:sequenceFlow"):
        edges.setdefault(f.get("sourceRef"), []).append(f.get("targetRef"))
    state: dict[str, int] = {}

    def visit(n: str) -> None:
        state[n] = 1
        for m in edges.get(n, []):
            assert state.get(m) != 1, f"cycle through {m}"
            if m not in state:
                visit(m)
        state[n] = 2

    for n in list(edges):
        if n not in state:
            visit(n)


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: p.stem)
def test_diagram_is_complete(path):
    tree = _tree(path)
    shapes = {s.get("bpmnElement") for s in _xp(tree, "//bpmndi:BPMNShape")}
    edges = {e.get("bpmnElement") for e in _xp(tree, "//bpmndi:BPMNEdge")}
    for tag in FLOW_NODES:
        for el in _xp(tree, f"//bpmn:{tag}"):
            assert el.get("id") in shapes, el.get("id")
    for el in _xp(tree, "//bpmn:lane | //bpmn:participant"):
        assert el.get("id") in shapes
    for el in _xp(tree, "//bpmn:sequenceFlow | //bpmn:messageFlow"):
        assert el.get("id") in edges
    for e in _xp(tree, "//bpmndi:BPMNEdge"):
        assert len(_xp(e, "./*[local-name()='waypoint']")) >= 2


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: p.stem)
def test_timer_expressions_are_python_not_bare_literals(path):
    tree = _tree(path)
    for expr in _xp(tree, "//bpmn:timeDate | //bpmn:timeDuration | //bpmn:timeCycle"):
        text = expr.text.strip()
        assert not re.fullmatch(r"R?\d*/?P[0-9A-Z]+", text), text


def test_revision_is_a_bounded_standard_loop():
    for path in BPMN_FILES:
        if path.parent != ROOT:
            continue
        tree = _tree(path)
        for loop in _xp(tree, "//bpmn:standardLoopCharacteristics"):  # every repetition is bounded
            assert 0 < int(loop.get("loopMaximum")) <= 100, path.stem
            assert _xp(loop, "./bpmn:loopCondition")[0].text.strip(), path.stem
        revise = [loop for loop in _xp(tree, "//bpmn:subProcess/bpmn:standardLoopCharacteristics")
                  if re.fullmatch(r'\w*decision == "revise"', _xp(loop, "./bpmn:loopCondition")[0].text.strip())]
        assert bool(revise) == (path.stem not in NO_REVISION), path.stem
        for loop in revise:
            assert int(loop.get("loopMaximum")) <= 10, path.stem


def test_messages_are_correlated_by_business_key():
    found = set()
    for path in BPMN_FILES:
        tree = _tree(path)
        for msg in _xp(tree, "//bpmn:message"):
            found.add(msg.get("name"))
            rex = _xp(tree, f"//bpmn:correlationProperty[@id='business_key']/bpmn:correlationPropertyRetrievalExpression"
                            f"[@messageRef='{msg.get('id')}']/bpmn:messagePath")
            assert rex and rex[0].text == "business_key"
        if _xp(tree, "//bpmn:message"):
            assert _xp(tree, "//bpmn:collaboration/bpmn:correlationKey/bpmn:correlationPropertyRef")[0].text == "business_key"
    assert {"visa_result", "foreign_city_confirmation", "provincial_approval"} <= found


def test_going_abroad_processes_use_the_authority_table_and_the_shared_call_activity():
    for key in ("official_passport_visa", "overseas_chinese_office_trip", "leader_visit_abroad_approval",
                "press_culture_trip_approval"):
        tree = _tree(ROOT / f"{key}.bpmn")
        assert _xp(tree, "//bpmn:businessRuleTask/bpmn:extensionElements/spiffworkflow:calledDecisionId"
                         "[text()='approval_authority']")
        calls = _xp(tree, "//bpmn:callActivity[@calledElement='passport_visa_handling']")
        assert calls
        for c in calls:
            mi = _xp(c, "./bpmn:multiInstanceLoopCharacteristics")[0]
            assert mi.get("isSequential") == "false"
            # documents are issued per member; they come back per document lent (the ledger's number)
            assert _xp(mi, "./bpmn:loopDataInputRef")[0].text in ("members", "documents_lent")
        assert [_xp(c, "./bpmn:multiInstanceLoopCharacteristics/bpmn:loopDataInputRef")[0].text
                for c in calls] == ["members", "documents_lent"]


def test_parallel_countersigning_in_incident_response_and_large_events():
    for key in ("foreign_incident_response", "large_foreign_event"):
        tree = _tree(ROOT / f"{key}.bpmn")
        split = [g for g in _xp(tree, "//bpmn:parallelGateway") if len(_xp(g, "./bpmn:outgoing")) > 1]
        assert split and len(_xp(split[0], "./bpmn:outgoing")) >= 3


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: p.stem)
def test_flows_merge_only_at_gateways(path):
    tree = _tree(path)
    targets: dict[str, int] = {}
    for f in _xp(tree, "//bpmn:sequenceFlow"):
        targets[f.get("targetRef")] = targets.get(f.get("targetRef"), 0) + 1
    gateways = {g.get("id") for g in _xp(tree, "//bpmn:exclusiveGateway | //bpmn:parallelGateway")}
    assert {t for t, n in targets.items() if n > 1} <= gateways


def test_service_tasks_use_known_operators():
    from processes.handlers import build_handler_registry

    known = set(build_handler_registry().names())
    for path in BPMN_FILES:
        for op in _xp(_tree(path), "//spiffworkflow:serviceTaskOperator"):
            assert op.get("id") in known
