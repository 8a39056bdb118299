"""API: processes (list, deploy, detail, BPMN) and starting a case."""
from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.bpmn.diagram import ensure_layout
from engine.forms.options import resolve_unit_options
from engine.people.identity import require_analyst
from store.reads.processes import VersionInfo
from webui.api import schemas as s
from webui.api.base import api, created, flag, json_body, optional_object, optional_str
from webui.api.serialize import iso, task_json
from webui.error_texts import problem_line
from webui.errors import ApiError
from webui.logging_setup import name_case
from webui.present import catalogue_entry, process_description, process_title
from webui.security import current_actor, engine, reading


def _process_json(v: VersionInfo) -> dict[str, Any]:
    info = catalogue_entry(v.process_key)
    title_zh = getattr(info, "title_zh", None) or v.title or v.process_key
    return {"key": v.process_key, "version": v.version, "title": process_title(v.process_key, v.title),
            "title_zh": title_zh, "description": process_description(v.process_key)}


@api.route("/processes", summary="Deployed processes, latest versions", tag="processes",
           responses={200: ("processes", s.array_of("Process"))})
def list_processes() -> ResponseReturnValue:
    current_actor()
    with reading() as uow:
        versions = uow.reads.processes.latest()
    return jsonify([_process_json(v) for v in versions])


DEPLOY_BODY = {"type": "object",
               "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                              "note": {"type": "string"}}}


@api.route("/processes", "POST", summary="Validate and deploy model files atomically", who="analyst",
           request=DEPLOY_BODY, request_kind="multipart", tag="processes", errors=(403, 413, 415, 422),
           responses={201: ("deployed (something new)", {"type": "array", "items": s.OBJECT}),
                      200: ("every process unchanged", {"type": "array", "items": s.OBJECT})})
def deploy_processes() -> ResponseReturnValue:
    actor = current_actor()
    require_analyst(actor)
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, _("Send the model files as multipart/form-data in fields named “files”."))
    files = [(f.filename or "", f.read()) for f in request.files.getlist("files")]
    if not files:
        raise ApiError(422, _("No files: send each model file in a field named “files”."),
                       [{"file": "", "line": None, "message": _("No files")}])
    results = engine().deploy(files, actor, change_note=request.form.get("note", "")[:2000])
    payload = [{"key": r.key, "version": r.version, "status": r.status,
                "warnings": [problem_line(w) for w in r.warnings]} for r in results]
    return created(payload, 201 if any(r.status == "new" for r in results) else 200)


@api.route("/processes/<key>", summary="Latest version with all versions and the start form", tag="processes",
           errors=(404,), responses={200: ("process", s.OBJECT)})
def get_process(key: str) -> ResponseReturnValue:
    current_actor()
    with reading() as uow:
        versions = uow.reads.processes.versions(key)
        if not versions:
            raise ApiError(404, _("There is no process “%(key)s”.", key=key))
        latest = versions[-1]
        forms = uow.reads.processes.forms(latest.id)
        start_schema = resolve_unit_options(uow, forms.get(latest.start_form) if latest.start_form else None)
    out = _process_json(latest)
    out.update({
        "manual_start": latest.manual_start, "start_lane": latest.start_lane, "deployed_at": iso(latest.deployed_at),
        "versions": [{"version": v.version, "deployed_at": iso(v.deployed_at), "deployed_by": v.deployed_by,
                      "change_note": v.change_note} for v in versions],
        "start_form_schema": start_schema,
        "start_ui_schema": forms.get(latest.start_ui_form) if latest.start_ui_form else None,
    })
    return jsonify(out)


@api.route("/processes/<key>/versions/<int:n>/bpmn", summary="The BPMN XML as deployed", tag="processes",
           errors=(404,), responses={200: ("BPMN XML", {"type": "string", "x-media": "application/xml"})},
           query=(("layout", {"type": "boolean"}, "true: with a generated diagram where the model has none "
                                                   "(for viewers)"),))
def process_bpmn(key: str, n: int) -> ResponseReturnValue:
    current_actor()
    with reading() as uow:
        xml = uow.reads.processes.bpmn_xml(key, n)
    if xml is None:
        raise ApiError(404, _("Process “%(key)s” has no version %(version)s.", key=key, version=n))
    return Response(ensure_layout(xml) if flag("layout") else xml, mimetype="application/xml")


START_BODY = {"type": "object", "properties": {"data": s.OBJECT, "business_key": {"type": "string", "maxLength": 200}}}


@api.route("/processes/<key>/instances", "POST", summary="Start the latest version", who="a user allowed to start it",
           request=START_BODY, tag="instances", errors=(403, 404, 409, 413, 415, 422),
           responses={201: ("started (status error when its first steps failed)", s.OBJECT)})
def start_instance(key: str) -> ResponseReturnValue:
    actor = current_actor()
    body = json_body()
    data = optional_object(body, "data")
    business_key = optional_str(body, "business_key")
    started = engine().start_with_next(key, actor, data, business_key)
    instance, active = started.instance, started.open_tasks
    name_case(instance.id)
    return created({"id": instance.id, "status": instance.status, "process_key": instance.process_key,
                    "version": instance.version, "business_key": instance.business_key,
                    "active_tasks": [task_json(t) for t in active]})
