"""Hostile XML, script and expression escapes through the API, and the request size limits.

A hostile file is refused (422, the error JSON, nothing read from disk or network, quickly); a
hostile script or expression deploys and then ends as an incident when it runs: never a crash,
never a side effect.
"""
from __future__ import annotations

import io
import time
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from tests.integration.test_engine_safety import HOSTILE_SCRIPTS
from tests.security.conftest import START_DATA, assert_error_json

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
NS = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x"'
PROCESS = '<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s"/></bpmn:process>'

HOSTILE_XML = {
    "billion_laughs": HEAD + '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + f"]><bpmn:definitions {NS}>&j;</bpmn:definitions>",
    "quadratic_blowup": HEAD + '<!DOCTYPE d [<!ENTITY a "' + "x" * 50_000 + f'">]><bpmn:definitions {NS}>' + "&a;" * 2000 + "</bpmn:definitions>",
    "external_entity": HEAD + f'<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><bpmn:definitions {NS}><bpmn:process id="p" name="&e;"/></bpmn:definitions>',
    "parameter_entity": HEAD + '<!DOCTYPE d [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>' + f"<bpmn:definitions {NS}/>",
    "external_dtd": HEAD + f'<!DOCTYPE d SYSTEM "http://127.0.0.1:9/evil.dtd"><bpmn:definitions {NS}/>',
    "doctype_after_bom": "\ufeff" + HEAD + f'<!doctype d [<!ENTITY e "x">]><bpmn:definitions {NS}/>',
    "deep_nesting": HEAD + f"<bpmn:definitions {NS}>" + "<bpmn:documentation>" * 250 + "</bpmn:documentation>" * 250 + "</bpmn:definitions>",
    "wrong_encoding": '<?xml version="1.0" encoding="UTF-8"?>\n' + f"<bpmn:definitions {NS}>" + "\udcff" + "</bpmn:definitions>",
    "bad_process_id": HEAD + f'<bpmn:definitions {NS}><bpmn:process id="a b/../c" isExecutable="true"/></bpmn:definitions>',
}


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogateescape")


def deploy(client, name: str, content: bytes):
    data = {"files": [(io.BytesIO(content), name)]}
    return client.post("/api/v1/processes", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("kind", sorted(HOSTILE_XML))
def test_hostile_xml_is_refused_quickly_with_the_error_json_and_reads_nothing(api, kind):
    began = time.monotonic()
    response = deploy(api("ana"), f"{kind}.bpmn", _bytes(HOSTILE_XML[kind]))
    elapsed = time.monotonic() - began
    error = assert_error_json(response, 422)
    assert error["details"] and error["details"][0]["file"] == f"{kind}.bpmn"
    text = response.get_data(as_text=True)
    assert "root:" not in text and "daemon" not in text  # /etc/passwd never read
    assert elapsed < 5, f"{kind} took {elapsed:.1f}s"
    assert api("ana").get("/api/v1/processes/p").status_code == 404  # nothing deployed


def test_xinclude_and_schema_locations_are_not_followed(api):
    passwd = Path("/etc/passwd").read_text().splitlines()[0]
    model = _bytes(HEAD + f'<bpmn:definitions {NS} xmlns:xi="http://www.w3.org/2001/XInclude" '
                   'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                   'xsi:schemaLocation="http://www.omg.org/spec/BPMN/20100524/MODEL http://127.0.0.1:9/evil.xsd">'
                   '<bpmn:process id="xinc" isExecutable="true"><bpmn:documentation>'
                   '<xi:include href="file:///etc/passwd" parse="text"/></bpmn:documentation>'
                   '<bpmn:startEvent id="s"/></bpmn:process></bpmn:definitions>')
    response = deploy(api("ana"), "xinc.bpmn", model)
    assert response.status_code in (201, 422), response.get_data(as_text=True)[:300]
    if response.status_code == 201:
        stored = api("ana").get("/api/v1/processes/xinc/versions/1/bpmn").get_data(as_text=True)
        assert passwd not in stored
    assert passwd not in response.get_data(as_text=True)


def script_model(key: str, script: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {NS}>
<bpmn:process id="{key}" isExecutable="true">
<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
<bpmn:scriptTask id="evil"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing><bpmn:script>{escape(script)}</bpmn:script></bpmn:scriptTask>
<bpmn:userTask id="after"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
<bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="evil"/>
<bpmn:sequenceFlow id="f2" sourceRef="evil" targetRef="after"/>
<bpmn:sequenceFlow id="f3" sourceRef="after" targetRef="end"/>
</bpmn:process></bpmn:definitions>""".encode()


MARKER = Path("/tmp/fao_security_escape_marker")
ESCAPES = {
    **HOSTILE_SCRIPTS,
    "write_file": f"open('{MARKER}', 'w').write('pwned')",
    "import_dunder": f"__import__('os').system('touch {MARKER}')",
    "globals_walk": "result = (lambda: 0).__globals__['__builtins__']",
    "format_globals": "result = '{0.__class__.__init__.__globals__}'.format(1)",
    "gen_frame": "g = (x for x in [1])\nresult = g.gi_frame.f_back.f_globals",
}


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_a_script_escape_deployed_through_the_api_ends_as_an_incident(api, name):
    MARKER.unlink(missing_ok=True)
    key = "esc_" + name
    response = deploy(api("ana"), f"{key}.bpmn", script_model(key, ESCAPES[name]))
    if response.status_code == 422:  # refused at deploy by the checks: also fine
        assert_error_json(response, 422)
        return
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    started = api("ana").post(f"/api/v1/processes/{key}/instances", json={})
    assert started.status_code == 201 and started.json["status"] == "error", started.json
    incidents = api("sam").get("/api/v1/incidents", query_string={"per_page": 200}).json["items"]
    mine = [i for i in incidents if i.get("instance_id") == started.json["id"]]
    assert mine and "Traceback" not in str(mine)
    assert not MARKER.exists()
    assert api("ana").get("/api/v1/processes").status_code == 200  # the server goes on


EXPRESSION_ESCAPES = {
    "timer": '<bpmn:intermediateCatchEvent id="t"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>'
             f'<bpmn:timerEventDefinition><bpmn:timeDuration>__import__("os").system("touch {MARKER}") or "PT1S"'
             '</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>',
    "condition": '<bpmn:exclusiveGateway id="t" default="f2"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>'
                 '<bpmn:outgoing>f9</bpmn:outgoing></bpmn:exclusiveGateway>'
                 '<bpmn:sequenceFlow id="f9" sourceRef="t" targetRef="u2"><bpmn:conditionExpression>'
                 f'().__class__.__base__.__subclasses__() or open("{MARKER}", "w")</bpmn:conditionExpression></bpmn:sequenceFlow>'
                 '<bpmn:userTask id="u2"><bpmn:incoming>f9</bpmn:incoming><bpmn:outgoing>f8</bpmn:outgoing></bpmn:userTask>'
                 '<bpmn:endEvent id="end2"><bpmn:incoming>f8</bpmn:incoming></bpmn:endEvent>'
                 '<bpmn:sequenceFlow id="f8" sourceRef="u2" targetRef="end2"/>',
}


@pytest.mark.parametrize("kind", sorted(EXPRESSION_ESCAPES))
def test_hostile_timer_and_condition_expressions_do_nothing(api, kind):
    MARKER.unlink(missing_ok=True)
    key = f"expr_{kind}"
    model = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {NS}><bpmn:process id="{key}" isExecutable="true">
<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
{EXPRESSION_ESCAPES[kind]}
<bpmn:userTask id="u"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
<bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="t"/>
<bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="u"/>
<bpmn:sequenceFlow id="f3" sourceRef="u" targetRef="end"/>
</bpmn:process></bpmn:definitions>""".encode()
    response = deploy(api("ana"), f"{key}.bpmn", model)
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    started = api("ana").post(f"/api/v1/processes/{key}/instances", json={})
    assert started.status_code == 201 and started.json["status"] == "error", started.get_data(as_text=True)[:300]
    incidents = api("sam").get("/api/v1/incidents", query_string={"per_page": 200}).json["items"]
    assert [i["bpmn_id"] for i in incidents if i["instance_id"] == started.json["id"]] in (["t"], ["f9"])
    assert not MARKER.exists()


# --- request size limits and media types -------------------------------------------------------

JSON_ENDPOINTS = ["/api/v1/processes/web_trip/instances", "/api/v1/messages", "/api/v1/tasks/{task}/complete",
                  "/api/v1/tasks/{task}/assign", "/api/v1/instances/{case}/suspend", "/api/v1/incidents/1/retry"]


@pytest.mark.parametrize("path", JSON_ENDPOINTS)
def test_every_json_endpoint_refuses_big_bodies_and_wrong_media_types(api, case, path):
    case_id, task_id = case
    url = path.format(task=task_id, case=case_id)
    client = api("sam")
    big = b'{"data": {"x": "' + b"x" * (2 * 1024 * 1024) + b'"}}'
    assert_error_json(client.post(url, data=big, content_type="application/json"), 413)
    assert_error_json(client.post(url, data=b'{"data": {}}', content_type="text/xml"), 415, 403)
    assert_error_json(client.post(url, data=b"x" * (20 * 1024 * 1024 + 1), content_type="application/json"), 413)


def test_a_model_file_over_5_mb_inside_a_small_request_is_413(api):
    big = b'<?xml version="1.0"?><bpmn:definitions>' + b"<!-- -->" * (5 * 1024 * 1024 // 8 + 10) + b"</bpmn:definitions>"
    data = {"files": [(io.BytesIO(b"<a/>"), "small.bpmn"), (io.BytesIO(big), "big.bpmn")]}
    assert_error_json(api("ana").post("/api/v1/processes", data=data, content_type="multipart/form-data"), 413)


def test_a_form_field_value_cannot_smuggle_a_huge_string(api):
    data = dict(START_DATA, title="x" * 10_000)  # the schema's maxLength is 200
    error = assert_error_json(api("alice").post("/api/v1/processes/web_trip/instances", json={"data": data}), 422)
    assert error["details"][0]["field"] == "title"
