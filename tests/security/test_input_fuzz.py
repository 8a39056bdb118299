"""Model uploads, form data and raw bodies fuzzed with hypothesis through the API.

Oracle: never a 5xx; every refusal is the contract's error JSON with the documented detail
shapes (``{file, line, message}`` for models, ``{field, message}`` for form data). Bounded:
``max_examples`` per test, ``derandomize`` for reproducible CI runs.
"""
from __future__ import annotations

import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.security.conftest import START_DATA, assert_error_json
from tests.web.conftest import MODELS

FUZZ = settings(max_examples=60, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck))
VALID_MODEL = (MODELS / "web_trip.bpmn").read_bytes()

# --- XML-ish model files ---------------------------------------------------------------------

TAGS = st.sampled_from(["bpmn:definitions", "bpmn:process", "bpmn:startEvent", "bpmn:userTask", "bpmn:scriptTask",
                        "bpmn:sequenceFlow", "bpmn:script", "bpmn:lane", "bpmn:timerEventDefinition",
                        "bpmn:callActivity", "bpmn:endEvent", "definitions", "x", "bpmn:exclusiveGateway"])
ATTR_NAMES = st.sampled_from(["id", "name", "sourceRef", "targetRef", "isExecutable", "calledElement",
                              "attachedToRef", "xmlns:bpmn", "xmlns", "targetNamespace"])
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
ATTR_VALUES = st.one_of(TEXT, st.sampled_from(["Start", "End", "p", "1bad", "a" * 120, "http://www.omg.org/spec/BPMN/20100524/MODEL",
                                               "&amp;", "&xxe;", "true"]))


def _element(children):
    return st.builds(
        lambda tag, attrs, kids, text: "<{0}{1}>{2}{3}</{0}>".format(
            tag, "".join(f' {k}="{v.replace(chr(34), "")}"' for k, v in attrs), text.replace("<", "&lt;"), "".join(kids)),
        TAGS, st.lists(st.tuples(ATTR_NAMES, ATTR_VALUES), max_size=4), st.lists(children, max_size=4), TEXT)


XMLISH = st.builds(
    lambda prolog, body: (prolog + body).encode("utf-8"),
    st.sampled_from(["", '<?xml version="1.0" encoding="UTF-8"?>\n', '<?xml version="1.0" encoding="latin-1"?>',
                     '<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "\ufeff", '<?xml version="1.1"?>']),
    st.recursive(st.just("<bpmn:task/>"), _element, max_leaves=12),
)


@st.composite
def mutated_model(draw) -> bytes:
    """The valid test model with a slice cut, bytes inserted, or a byte flipped."""
    data = bytearray(VALID_MODEL)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["cut", "insert", "flip"]))
        if kind == "cut":
            del data[at:at + draw(st.integers(1, 200))]
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from([b"<", b"&", b"]]>", b"\x00", b"\xff\xfe", b"<!DOCTYPE x>", b'"',
                                                b"<bpmn:process id='p2'>", "中文".encode()]))
        elif data:
            at = min(at, len(data) - 1)
            data[at] = draw(st.integers(0, 255))
    return bytes(data)


MODEL_FILES = st.one_of(st.binary(max_size=3000), XMLISH, mutated_model())
FILE_NAMES = st.one_of(st.sampled_from(["p.bpmn", "p.dmn", "form.json", "p.BPMN", "p.txt", "", "../../etc/p.bpmn",
                                        "a" * 300 + ".bpmn", "模型.bpmn"]),
                       st.builds(lambda s: s + ".bpmn", TEXT))


def check_model_answer(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code in (200, 201):
        assert isinstance(response.get_json(), list)
        return
    error = assert_error_json(response, 400, 413, 415, 422)
    if response.status_code == 422:
        for detail in error["details"]:
            assert set(detail) >= {"file", "line", "message"}, detail
            assert detail["line"] is None or isinstance(detail["line"], int)


def test_random_model_uploads_never_500_and_always_answer_the_error_json(api):
    client = api("ana")

    @FUZZ
    @given(files=st.lists(st.tuples(FILE_NAMES, MODEL_FILES), min_size=1, max_size=3))
    def upload(files):
        import io

        data = {"files": [(io.BytesIO(content), name) for name, content in files]}
        check_model_answer(client.post("/api/v1/processes", data=data, content_type="multipart/form-data"))

    upload()
    # the server is still fine, and the valid model is still the deployed one
    assert client.get("/api/v1/processes/web_trip").status_code == 200


# --- form data -------------------------------------------------------------------------------

JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False), TEXT,
                        st.sampled_from(["asia", "other", "male", "E12345678", "1970-01-01", "2026-02-30", "approve"]))
JSON_VALUES = st.recursive(JSON_LEAVES, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                                st.dictionaries(TEXT, kids, max_size=4)), max_leaves=15)
FIELDS = ["title", "destination", "days", "depart_on", "urgent", "members", "invitation", "decision", "comment"]


@st.composite
def form_data(draw) -> dict:
    """Close to the start form: each field kept, dropped or replaced by anything."""
    data = dict(START_DATA)
    for name in FIELDS:
        choice = draw(st.sampled_from(["keep", "drop", "replace"]))
        if choice == "drop":
            data.pop(name, None)
        elif choice == "replace":
            data[name] = draw(JSON_VALUES)
    if draw(st.booleans()):
        data["members"] = draw(st.lists(st.dictionaries(st.sampled_from(["name", "gender", "passport_no", "x"]),
                                                        JSON_LEAVES, max_size=4), max_size=3))
    return data


def check_form_answer(response, ok: int) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code == ok:
        return
    error = assert_error_json(response, 400, 409, 413, 415, 422)
    if response.status_code == 422:
        assert error["details"], error
        for detail in error["details"]:
            assert set(detail) >= {"field", "message"} and isinstance(detail["field"], str), detail


def test_random_start_form_data_never_500_and_names_the_field(api):
    client = api("alice")

    @FUZZ
    @given(data=form_data(), business_key=st.one_of(st.none(), TEXT, st.integers()))
    @example(data=dict(START_DATA), business_key=None)  # the valid form is accepted
    def start(data, business_key):
        body = {"data": data} if business_key is None else {"data": data, "business_key": business_key}
        check_form_answer(client.post("/api/v1/processes/web_trip/instances", json=body), 201)

    start()


def test_random_task_form_data_never_500(api, eng):
    clerk = api("carl")
    current = {}

    def open_task() -> str:
        if "task" not in current:
            instance = eng.start("web_trip", eng.actor("alice"), dict(START_DATA))
            with eng.uow() as uow:
                current["task"] = uow.reads.tasks.open_of(instance.id)[0].id
        return current["task"]

    @FUZZ
    @given(data=st.one_of(form_data(), JSON_VALUES, st.fixed_dictionaries(
        {"decision": st.one_of(st.sampled_from(["approve", "revise", "reject"]), JSON_LEAVES)},
        optional={"comment": JSON_LEAVES})))
    def complete(data):
        response = clerk.post(f"/api/v1/tasks/{open_task()}/complete", json={"data": data})
        check_form_answer(response, 200)
        if response.status_code == 200:
            current.clear()  # the task is done: the next example works on a new case

    complete()


# --- raw bodies ------------------------------------------------------------------------------

RAW_BODIES = st.one_of(
    st.binary(max_size=500),
    st.builds(lambda v: json.dumps(v).encode(), JSON_VALUES),
    st.sampled_from([b"[" * 100_000 + b"]" * 100_000, b'{"data": ' * 5000 + b"1" + b"}" * 5000, b"\xef\xbb\xbf{}",
                     b'{"data": {"a": NaN}}', b'{"data": 1e999999}', b"\x00", b'{"data": "\\ud800"}']),
)
WRITE_PATHS = ["/api/v1/processes/web_trip/instances", "/api/v1/messages", "/api/v1/tasks/x/complete",
               "/api/v1/tasks/x/assign", "/api/v1/instances/x/suspend", "/api/v1/incidents/1/retry"]


def test_random_bodies_and_content_types_never_500(api):
    client = api("sam")

    @FUZZ
    @given(path=st.sampled_from(WRITE_PATHS), body=RAW_BODIES,
           content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded",
                                         "multipart/form-data", "application/json; charset=latin-1", ""]))
    def send(path, body, content_type):
        headers = {"Content-Type": content_type} if content_type else {}
        response = client.post(path, data=body, headers=headers)
        assert response.status_code < 500, (path, response.get_data(as_text=True)[:300])
        if response.status_code >= 400:
            assert_error_json(response, response.status_code)

    send()
