"""API: what the modeler's pages call: validate and deploy a model text, save a form file, compare versions.

Analysts (and admins) only; the modeler's pages send the browser session with the CSRF header.
Problems of a model come back located: each names the ``element_id`` it is about when one can be
found, so the editor can mark the element.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask import jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.bpmn.elements import ModelIndex, locate
from engine.deploy.pipeline import DeployResult
from engine.deploy.versions_diff import ElementChange, diff_bpmn
from engine.errors import DeployRefused, ModelProblem
from engine.people.identity import Actor, require_analyst
from webui import form_files
from webui.api import schemas as s
from webui.api.base import api, created, json_body
from webui.error_texts import problem_details, problem_line, problem_text, problem_where
from webui.errors import ApiError
from webui.security import current_actor, engine, reading

MAX_XML_BYTES = 5 * 1024 * 1024
NOTE_LIMIT = 1000
MAX_VERSION = 1_000_000  # beyond any real version; keeps the SQL parameter in range

MODEL_BODY = {"type": "object", "required": ["xml"],
              "properties": {"xml": {"type": "string", "description": "the BPMN text"},
                             "note": {"type": "string", "maxLength": NOTE_LIMIT, "description": "the change note"}}}
FORM_BODY = {"type": "object", "required": ["note"],
             "properties": {"schema": {"type": "string"}, "uischema": {"type": "string"},
                            "note": {"type": "string", "maxLength": NOTE_LIMIT}}}
PROBLEM = {"type": "object", "properties": {"file": {"type": "string"}, "line": {"type": "integer", "nullable": True},
                                            "message": {"type": "string"},
                                            "where": {"type": "string", "description": "the file and line in words"},
                                            "element_id": {"type": "string", "nullable": True}}}
CHECK = {"type": "object", "properties": {"ok": {"type": "boolean"}, "file": {"type": "string"},
                                          "problems": {"type": "array", "items": PROBLEM},
                                          "warnings": {"type": "array", "items": s.OBJECT},
                                          "results": {"type": "array", "items": s.OBJECT}}}
DEPLOYED = {"type": "object", "properties": {"results": {"type": "array", "items": s.OBJECT},
                                             "files": {"type": "array", "items": {"type": "string"}}}}


def _analyst() -> Actor:
    actor = current_actor()
    require_analyst(actor)
    return actor


def _model_text(body: dict) -> str:
    xml = body.get("xml")
    if not isinstance(xml, str) or not xml.strip():
        raise ApiError(400, _("The request holds no model XML."), [{"field": "xml", "message": _("required")}])
    if len(xml.encode("utf-8")) > MAX_XML_BYTES:
        raise ApiError(413, _("The model file is larger than 5 MB."))
    return xml


def _note(body: dict) -> str:
    note = body.get("note")
    return note.strip()[:NOTE_LIMIT] if isinstance(note, str) else ""


def _filename(index: ModelIndex) -> str:
    """The file the model is deployed as: the file of its process, or ``<process id>.bpmn``."""
    if index.key is None:
        return "model.bpmn"
    with reading() as uow:
        latest = uow.processes.latest(index.key)
        return latest.source_file if latest is not None else f"{index.key}.bpmn"


def _refusal_code(exc: DeployRefused) -> str:
    return "too_large" if exc.too_large else exc.code


def _located(problems: Iterable[ModelProblem], index: ModelIndex, filename: str) -> list[dict]:
    """The problems as the editor shows them: in words, each with the element it is about."""
    return [{"file": p["file"], "line": p["line"], "message": problem_text(p), "where": problem_where(p),
             "element_id": p["element_id"]} for p in locate(problems, index, filename)]


def _results(results: Iterable[DeployResult]) -> list[dict]:
    return [{"key": r.key, "version": r.version, "status": r.status, "warnings": [problem_line(w) for w in r.warnings],
             "url": url_for("modeler.edit", key=r.key, version=r.version)} for r in results]


@api.route("/modeler/validate", "POST", summary="Check a model text through the whole deploy pipeline, writing nothing",
           who="analyst", request=MODEL_BODY, tag="modeler", errors=(403, 413, 415),
           responses={200: ("the problems (none when it would deploy) and what the deploy would make", CHECK)})
def validate_model() -> ResponseReturnValue:
    _analyst()
    xml = _model_text(json_body())
    index = ModelIndex(xml)
    filename = _filename(index)
    check = engine().validate([(filename, xml.encode("utf-8"))])
    return jsonify({"ok": check.ok, "file": filename, "problems": _located(check.problems, index, filename),
                    "warnings": [problem_line(w) for w in check.warnings],
                    "results": [{"key": r.key, "version": r.version, "status": r.status} for r in check.results]})


@api.route("/modeler/deploy", "POST",
           summary="Deploy a model text (with the forms deployed already) as the next version",
           who="analyst", request=MODEL_BODY, tag="modeler", errors=(403, 413, 415, 422),
           responses={201: ("deployed (something new)", DEPLOYED), 200: ("every process unchanged", DEPLOYED)})
def deploy_model() -> ResponseReturnValue:
    actor = _analyst()
    body = json_body()
    xml = _model_text(body)
    index = ModelIndex(xml)
    filename = _filename(index)
    try:
        results = engine().deploy([(filename, xml.encode("utf-8"))], actor, _note(body))
    except DeployRefused as exc:
        raise ApiError(413 if exc.too_large else 422, _("The model has errors; nothing was deployed."),
                       _located(exc.problems, index, filename), code=_refusal_code(exc)) from None
    return created({"results": _results(results)}, 201 if any(r.status == "new" for r in results) else 200)


@api.route("/modeler/forms/<name>", "POST", summary="Save a deployed form file (and its UI schema) as a deploy",
           who="analyst", request=FORM_BODY, tag="modeler", errors=(403, 404, 413, 415, 422),
           responses={201: ("deployed (something new)", DEPLOYED), 200: ("nothing changed", DEPLOYED)})
def save_form(name: str) -> ResponseReturnValue:
    actor = _analyst()
    if not form_files.NAME.match(name):
        raise ApiError(404, _("There is no form file of that name."))
    body = json_body()
    schema_text, ui_text = (value if isinstance(value := body.get(k), str) else "" for k in ("schema", "uischema"))
    if any(len(text.encode("utf-8")) > form_files.MAX_FORM_BYTES for text in (schema_text, ui_text)):
        raise ApiError(413, _("A form file may be at most 1 MB."))
    note = _note(body)
    if not note:
        raise ApiError(400, _("Please write a change note."), [{"field": "note", "message": _("required")}],
                       code="note_required")
    with reading() as uow:
        stored = {m.name for m in uow.processes.model_files("form")}
    if name not in stored:  # new form files come with their model (modeler deploy or upload)
        raise ApiError(404, _("There is no form file of that name."))
    schema_name, ui_name = form_files.pair_of(name, stored)
    checked = form_files.check_texts(schema_text if schema_name else None, ui_text, schema_name, ui_name)
    if ui_name in stored and not ui_text.strip():
        checked.problems.append({"file": ui_name, "line": None, "column": None,
                                 "message": _("The UI schema cannot be emptied (write {} for no settings).")})
    if not checked.ok:
        raise ApiError(422, _("The form has errors; nothing was deployed."), checked.problems, code="invalid_form")
    files = [(schema_name, schema_text.encode("utf-8"))] if schema_name else []
    if ui_name and ui_text.strip():
        files.append((ui_name, ui_text.encode("utf-8")))
    try:
        results = engine().deploy(files, actor, note)
    except DeployRefused as exc:
        details = [{**d, "column": None} for d in problem_details(exc.problems)]
        raise ApiError(413 if exc.too_large else 422, _("The form has errors; nothing was deployed."), details,
                       code=_refusal_code(exc)) from None
    status = 201 if any(r.status == "new" for r in results) else 200
    return created({"results": _results(results), "files": [f for f, _b in files]}, status)


CHANGE = {"type": "object", "properties": {"id": {"type": "string"}, "tag": {"type": "string"},
                                           "name": {"type": "string"},
                                           "details": {"type": "array", "items": {"type": "string"}}}}
MAX_VERSION = 2**31 - 1  # a version number is a 32-bit integer in the store
VERSION_NUMBER = {"type": "integer", "minimum": 1, "maximum": MAX_VERSION}
COMPARE = {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"},
                                            **{k: {"type": "array", "items": CHANGE}
                                               for k in ("added", "removed", "changed")}}}


@api.route("/modeler/processes/<key>/compare", summary="Elements added, removed and changed between two versions",
           who="analyst", tag="modeler", errors=(403, 404),
           query=(("a", VERSION_NUMBER, "the earlier version (default: the one before b)"),
                  ("b", VERSION_NUMBER, "the later version (default: the latest)")),
           responses={200: ("the changes, element by element", COMPARE)})
def compare_versions(key: str) -> ResponseReturnValue:
    _analyst()
    b, a = (request.args.get(name, type=int) for name in ("b", "a"))
    if any(n is not None and not 1 <= n <= MAX_VERSION for n in (a, b)):
        raise ApiError(404, _("There is no such version of this process."))
    with reading() as uow:
        new = uow.reads.processes.source(key, b)
        old = uow.reads.processes.source(key, a if a is not None else (new[0] - 1 if new else None))
    if new is None or old is None:
        raise ApiError(404, _("There is no such version of this process."))
    diff = diff_bpmn(old[2], new[2])

    def changes(items: Iterable[ElementChange]) -> list[dict]:
        return [{"id": c.id, "tag": c.tag, "name": c.name, "details": list(c.details)} for c in items]

    return jsonify({"a": old[0], "b": new[0], "added": changes(diff.added), "removed": changes(diff.removed),
                    "changed": changes(diff.changed)})
