"""Safe XML intake: hostile and broken files are refused with a located ModelFileError."""
from __future__ import annotations

import pytest
from lxml import etree

from engine.bpmn.safe_xml import check_ncname_id, parse_model_bytes
from engine.errors import ModelFileError
from tests.conftest import CORPORA
from tests.model_words import said



VALID_BPMN = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <!-- a comment is kept -->
  <bpmn:process id="visa_application" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end"/>
    <bpmn:endEvent id="end" name="\xe5\x8a\x9e\xe7\xbb\x93"/>
  </bpmn:process>
</bpmn:definitions>
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<definitions>&lol4;</definitions>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE definitions [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<definitions><documentation>&xxe;</documentation></definitions>
"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE definitions SYSTEM "http://attacker.example/evil.dtd">
<definitions/>
"""


def refusal(data: bytes, **limits: int) -> ModelFileError:
    with pytest.raises(ModelFileError) as caught:
        parse_model_bytes(data, "upload.bpmn", **limits)
    return caught.value


def test_valid_bpmn_parses_with_source_lines_and_comments():
    tree = parse_model_bytes(VALID_BPMN, "ok.bpmn")
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    end = tree.find(".//bpmn:endEvent", ns)
    assert end.get("name") == "办结"
    assert end.sourceline == 7
    assert isinstance(tree.getroot()[0], etree._Comment)  # comments are kept


def test_billion_laughs_is_refused_at_its_doctype():
    error = refusal(BILLION_LAUGHS)
    assert error.problem.line == 2
    assert "DOCTYPE" in said(error.problem)
    assert not error.too_large


def test_external_entity_is_refused_and_never_read():
    error = refusal(EXTERNAL_ENTITY)
    assert "DOCTYPE" in said(error.problem)
    assert "root:" not in str(error)  # nothing of /etc/passwd leaks into the message


def test_external_dtd_is_refused():
    assert "DOCTYPE" in said(refusal(EXTERNAL_DTD).problem)


def test_doctype_is_found_in_any_letter_case_after_a_bom():
    assert "DOCTYPE" in said(refusal(b"\xef\xbb\xbf<?xml version='1.0'?>\n<!doctype x>\n<x/>").problem)


def test_undeclared_entity_reference_is_malformed_not_resolved():
    error = refusal(b"<definitions>\n&xxe;</definitions>")
    assert error.problem.line == 2
    assert "xxe" in said(error.problem)


def test_oversize_file_is_refused_as_too_large():
    error = refusal(b"<a>" + b" " * 2_000 + b"</a>", max_bytes=1_000)
    assert error.too_large
    assert "1000" in said(error.problem)


def test_file_at_the_size_limit_is_accepted():
    data = b"<a>" + b" " * 993 + b"</a>"
    assert len(data) == 1_000
    assert parse_model_bytes(data, "f.bpmn", max_bytes=1_000).getroot().tag == "a"


def test_nesting_deeper_than_the_limit_is_refused_with_its_line():
    data = b"<a>\n" * 11 + b"</a>" * 11
    error = refusal(data, max_depth=10)
    assert error.problem.line == 11
    assert "deeper than 10" in said(error.problem)
    assert parse_model_bytes(b"<a>" * 10 + b"</a>" * 10, "f", max_depth=10) is not None


def test_nesting_past_libxml2s_own_cap_gets_the_same_message():
    error = refusal(b"<a>" * 300 + b"</a>" * 300)
    assert "deeper than 200" in said(error.problem)


def test_latin1_bytes_in_a_file_declared_utf8_are_located():
    data = '<?xml version="1.0" encoding="UTF-8"?>\n<a>\n<b name="Bestätigung"/></a>'.encode("latin-1")
    error = refusal(data)
    assert error.problem.line == 3
    assert "UTF-8" in said(error.problem) and "0xe4" in said(error.problem)


@pytest.mark.corpus
def test_miwg_files_with_latin1_bytes_are_refused_with_a_line():
    folder = CORPORA / "miwg" / "GenMyModel 0.47"
    for name, line in (("C.1.1-export.bpmn", 26), ("C.1.0-roundtrip.bpmn", 125)):
        with pytest.raises(ModelFileError) as caught:
            parse_model_bytes((folder / name).read_bytes(), name)
        assert caught.value.problem.line == line


def test_other_declared_encodings_are_honoured():
    gbk = '<?xml version="1.0" encoding="GBK"?><a>外事办</a>'.encode("gbk")
    assert parse_model_bytes(gbk, "f").getroot().text == "外事办"
    utf16 = '<?xml version="1.0" encoding="UTF-16"?><a>外事办</a>'.encode("utf-16")
    assert parse_model_bytes(utf16, "f").getroot().text == "外事办"


def test_unknown_encoding_is_refused():
    assert "unknown encoding" in said(refusal(b'<?xml version="1.0" encoding="no-such"?><a/>').problem)


@pytest.mark.parametrize("data, line, words", [
    (b'<?xml version="1.0"?>\n<a>\n<b></a>', 3, "the end tag “a” does not match the start tag “b”"),
    (b" \n", None, "empty"),
    (b"not xml at all", 1, "no root element"),
    (b"<a>\n<b/>\n\x01</a>", 3, "a character XML does not allow"),
])
def test_malformed_xml_reports_the_line_and_what_is_wrong(data, line, words):
    error = refusal(data)
    assert error.problem.line == line
    assert words in said(error.problem)
    assert error.problem.file == "upload.bpmn"


@pytest.mark.corpus
def test_error_corpora_only_ever_raise_model_file_error():
    files = [p for folder in ("bpmn-io-errors", "camunda-parse") for p in (CORPORA / folder).rglob("*")
             if p.is_file() and not p.name.startswith("LICENSE")]
    assert len(files) > 90
    refused = []
    for path in files:
        try:
            parse_model_bytes(path.read_bytes(), path.name)
        except ModelFileError as error:
            refused.append(error.problem.file)
    assert "BpmnParseTest.testParseProcessDefinitionXXE.bpmn20.xml" in refused
    assert "BpmnParseTest.testXMLParsingErrors.bpmn" in refused


@pytest.mark.parametrize("value", ["visa_application", "_p1", "p-1.2", "外事审批", "a" * 100])
def test_ncnames_are_accepted(value):
    assert check_ncname_id(value) is None


@pytest.mark.parametrize("value, reason", [
    ("", "id_empty"), ("1abc", "id_not_ncname"), ("a b", "id_not_ncname"), ("ns:id", "id_not_ncname"),
    ("-x", "id_not_ncname"), ("a" * 101, "id_too_long"),
])
def test_bad_ids_get_a_reason(value, reason):
    assert check_ncname_id(value)[0] == reason
