"""Bad and hostile model files: a located message or a clean deploy, never a traceback."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import DeployRefused
from tests.conftest import CORPORA, model_files
from tests.model_words import said, said_line

REFERENCE = sorted((CORPORA / "miwg" / "Reference").glob("*.bpmn"))
ERROR_FIXTURES = sorted((CORPORA / "bpmn-io-errors").rglob("*.bpmn"))
CAMUNDA = sorted((CORPORA / "camunda-parse").rglob("*.bpmn*"))


def _deploy_one(engine, analyst, path: Path):
    try:
        return "ok", engine.deploy([(path.name, path.read_bytes())], analyst)
    except DeployRefused as exc:
        return "refused", exc


def _assert_located(exc: DeployRefused, name: str) -> None:
    assert exc.problems, "a refusal must say why"
    for problem in exc.problems:
        text = said_line(problem)
        assert text.startswith(problem.file), text
        assert said(problem) and "Traceback" not in text
        assert said_line(problem, "zh_CN").startswith(problem.file)


@pytest.fixture
def sqlite_engine(sqlite_url, clock):
    from tests.conftest import make_engine_for

    return make_engine_for(sqlite_url, clock)


@pytest.fixture
def analyst(sqlite_engine):
    from engine.people.accounts import put_user

    with sqlite_engine.uow() as uow:
        put_user(uow, sqlite_engine.clock.now(), "analyst", "pw", [], ["analyst"])
        uow.commit()
    return sqlite_engine.actor("analyst")


@pytest.mark.corpus
@pytest.mark.parametrize("path", ERROR_FIXTURES + CAMUNDA, ids=lambda p: p.name)
def test_corpus_file_is_refused_with_location_or_deployed(sqlite_engine, analyst, path):
    outcome, value = _deploy_one(sqlite_engine, analyst, path)
    if outcome == "refused":
        _assert_located(value, path.name)
        with sqlite_engine.uow() as uow:
            assert uow.processes.model_file(path.name) is None  # nothing written
    else:
        assert all(r.status in ("new", "unchanged") for r in value)


@pytest.mark.corpus
def test_external_entity_file_is_refused_and_nothing_leaks(sqlite_engine, analyst):
    xxe = [p for p in CAMUNDA if "XXE" in p.name.upper()]
    assert xxe, "the corpus has an XXE file"
    outcome, exc = _deploy_one(sqlite_engine, analyst, xxe[0])
    assert outcome == "refused" and "DOCTYPE" in said(exc.problems[0]).upper()


def test_a_refused_batch_deploys_nothing(sqlite_engine, analyst):
    good = model_files("review.bpmn", "review.start.schema.json", "review.decision.schema.json",
                       "review.decision.uischema.json")
    bad = [("broken.bpmn", b"<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'><bpmn:process id='x'>")]
    with pytest.raises(DeployRefused) as err:
        sqlite_engine.deploy(good + bad, analyst)
    problem = err.value.problems[0]
    assert (problem.file, problem.line) == ("broken.bpmn", 1)
    assert said_line(problem).startswith("broken.bpmn line 1: The XML is malformed")
    assert said_line(problem, "zh_CN").startswith("broken.bpmn 第 1 行：XML 格式有误")
    with sqlite_engine.uow() as uow:
        assert uow.processes.latest("review") is None
        assert uow.processes.model_files() == []


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p">&lol3;</process></definitions>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p" name="&xxe;"/></definitions>"""


@pytest.mark.parametrize("content", [BILLION_LAUGHS, EXTERNAL], ids=["billion-laughs", "external-entity"])
def test_hostile_xml_written_by_the_test_is_refused(sqlite_engine, analyst, content):
    with pytest.raises(DeployRefused) as err:
        sqlite_engine.deploy([("hostile.bpmn", content)], analyst)
    text = "\n".join(said_line(p) for p in err.value.problems)
    assert text.startswith("hostile.bpmn") and "root:" not in text


def test_oversized_model_is_refused_as_too_large(sqlite_engine, analyst):
    big = b'<?xml version="1.0"?><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">' + b"<!-- x -->" * 600_000 + b"</definitions>"
    with pytest.raises(DeployRefused) as err:
        sqlite_engine.deploy([("big.bpmn", big)], analyst)
    assert err.value.too_large


def test_missing_form_and_unknown_lane_refuse_the_deploy(sqlite_engine, analyst):
    with pytest.raises(DeployRefused) as err:
        sqlite_engine.deploy(model_files("review.bpmn"), analyst)
    assert any("review.start.schema.json" in said(p) for p in err.value.problems)
    text = (Path(__file__).parent.parent / "models" / "parallel.bpmn").read_text().replace("protocol_section", "no_such_group")
    with pytest.raises(DeployRefused) as err:
        sqlite_engine.deploy([("parallel.bpmn", text.encode())], analyst)
    assert any("no_such_group" in said(p) for p in err.value.problems)


def test_redeploying_identical_content_keeps_the_version(sqlite_engine, analyst):
    files = model_files("parallel.bpmn")
    assert [(r.key, r.version, r.status) for r in sqlite_engine.deploy(files, analyst)] == [("parallel", 1, "new")]
    assert [(r.key, r.version, r.status) for r in sqlite_engine.deploy(files, analyst)] == [("parallel", 1, "unchanged")]
    changed = [("parallel.bpmn", files[0][1].replace(b"Protocol signs", b"Protocol countersigns"))]
    assert [(r.version, r.status) for r in sqlite_engine.deploy(changed, analyst)] == [(2, "new")]


@pytest.mark.corpus
def test_miwg_reference_models_deploy_or_say_why(sqlite_engine, analyst, capsys):
    outcomes = []
    for path in REFERENCE:
        outcome, value = _deploy_one(sqlite_engine, analyst, path)
        if outcome == "refused":
            _assert_located(value, path.name)
            outcomes.append(f"{path.name}: refused: {said(value.problems[0])[:120]}")
        else:
            outcomes.append(f"{path.name}: deployed {', '.join(f'{r.key} v{r.version}' for r in value)}")
    assert len(outcomes) == len(REFERENCE) == 21
    print("\n".join(outcomes))


def test_a_new_form_alone_makes_a_new_version_of_the_process_using_it(sqlite_engine, analyst):
    files = model_files("review.bpmn", "review.start.schema.json", "review.decision.schema.json",
                        "review.decision.uischema.json", "parallel.bpmn")
    assert {(r.key, r.version) for r in sqlite_engine.deploy(files, analyst)} == {("review", 1), ("parallel", 1)}
    schema = (Path(__file__).parent.parent / "models" / "review.start.schema.json").read_text()
    changed = [("review.start.schema.json", schema.replace('"标题"', '"申请标题"').encode())]
    assert [(r.key, r.version, r.status) for r in sqlite_engine.deploy(changed, analyst)] == [("review", 2, "new")]
    with sqlite_engine.uow() as uow:
        assert uow.processes.latest("review").forms["review.start.schema.json"]["properties"]["title"]["title"] == "申请标题"
        assert uow.processes.latest("parallel").version == 1
    broken = [("review.start.schema.json", b'{"type": "object", "required": "title"}')]
    with pytest.raises(DeployRefused) as err:
        sqlite_engine.deploy(broken, analyst)
    assert [p.file for p in err.value.problems] == ["review.start.schema.json"]
    assert "Not a valid JSON Schema" in said(err.value.problems[0])


BPMN_OPEN = b"<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'>"


@pytest.mark.parametrize(("content", "said_zh"), [
    (BPMN_OPEN + b"<bpmn:process id='x'></bpmn:definitions>", "结束标签“definitions”与开始标签“process”不匹配。"),
    (BPMN_OPEN + b"<bpmn:process id='x'", "开始标签没有写完（缺少“>”）。"),
    (BPMN_OPEN + b"<bpmn:process id=x/></bpmn:definitions>", "有属性值没有加引号。"),
    (BPMN_OPEN + b"<bpmn:process id='x' name='&amp;&foo;'/></bpmn:definitions>", "引用了未声明的实体“foo”。"),
    (BPMN_OPEN + b"<camunda:process id='x'/></bpmn:definitions>", "命名空间前缀“camunda”未声明。"),
    (BPMN_OPEN + b"</bpmn:definitions><more/>", "根元素之后还有多余内容。"),
    (b"just text", "文件中没有根元素。"),
], ids=["mismatch", "unfinished", "unquoted", "entity", "prefix", "extra", "no-root"])
def test_malformed_xml_is_said_in_chinese_not_in_the_parsers_english(sqlite_engine, analyst, content, said_zh):
    with pytest.raises(DeployRefused) as err:
        sqlite_engine.deploy([("broken.bpmn", content)], analyst)
    line = said_line(err.value.problems[0], "zh_CN")
    assert line.startswith("broken.bpmn 第 1 行：XML 格式有误：") and line.endswith(said_zh), line


def _process(body: str) -> bytes:
    return ("<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL' "
            "xmlns:spiffworkflow='http://spiffworkflow.org/bpmn/schema/1.0/core' id='d' targetNamespace='t'>"
            f"<bpmn:process id='p' isExecutable='true'>{body}</bpmn:process></bpmn:definitions>").encode()


START_END = ("<bpmn:startEvent id='s'><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>"
             "<bpmn:endEvent id='e'><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>")


@pytest.mark.parametrize(("body", "said_zh"), [
    ("<bpmn:endEvent id='e'/>", "流程没有开始事件。"),
    (START_END + "<bpmn:userTask id='ask'><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>"
     "<bpmn:multiInstanceLoopCharacteristics/></bpmn:userTask>"
     "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='ask'/><bpmn:sequenceFlow id='f2' sourceRef='ask' targetRef='e'/>",
     "元素“ask”：多实例任务须指定实例数或输入集合。"),
    (START_END + "<bpmn:serviceTask id='call'><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>"
     "</bpmn:serviceTask><bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='call'/>"
     "<bpmn:sequenceFlow id='f2' sourceRef='call' targetRef='e'/>",
     "元素“call”：服务任务须指定操作（operator）。"),
    ("<bpmn:startEvent id='s' colour='red'/>", "元素 <startEvent> 不允许有属性“colour”。"),
    ("<bpmn:startEvent id='s'/><bpmn:sequenceFlow id='f' targetRef='s'/>", "元素 <sequenceFlow> 缺少必需的属性“sourceRef”。"),
], ids=["no-start", "multi-instance", "service-operator", "schema-attribute", "schema-required"])
def test_spiffworkflows_refusals_are_said_in_chinese(sqlite_engine, analyst, body, said_zh):
    with pytest.raises(DeployRefused) as err:
        sqlite_engine.deploy([("p.bpmn", _process(body))], analyst)
    lines = [said_line(p, "zh_CN") for p in err.value.problems]
    assert any(line.endswith(said_zh) for line in lines), lines
