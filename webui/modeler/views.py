"""Process versions, the bpmn-js editor, validate (a dry-run deploy), deploy and download."""
from __future__ import annotations

import json
from pathlib import Path

from flask import Response, abort, jsonify, render_template, request, url_for
from flask_login import login_required

from engine.deploy.dry_run import validate_only
from engine.errors import DeployRefused, EngineError, Forbidden
from webui.i18n import pick as t
from webui.modeler import bp
from webui.modeler.layout import ensure_layout
from webui.modeler.problems import ModelIndex, locate
from webui.present import group_title, process_title
from webui.security import current_actor, engine, reading

STATIC = Path(__file__).parent / "static"
MAX_XML_BYTES = 5 * 1024 * 1024
NEW_MODEL = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" \
xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" \
xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" \
id="new_process_definitions" targetNamespace="https://hengyang.gov.cn/fao/bpmn">
  <bpmn:process id="new_process" name="新流程" isExecutable="true">
    <bpmn:startEvent id="start" name="开始" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="new_process_diagram">
    <bpmndi:BPMNPlane id="new_process_plane" bpmnElement="new_process">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="180" y="160" width="36" height="36" /></bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def _json_error(status: int, code: str, message: str, details: list | None = None):
    response = jsonify({"error": {"code": code, "message": message, "details": details or []}})
    response.status_code = status
    return response


@bp.get("")
@login_required
def index():
    """Every process with every version: who deployed it, when, the note, and its cases."""
    with reading() as uow:
        rows = uow.reads.processes.table()
    processes: dict[str, list] = {}
    for row in rows:
        processes.setdefault(row.process_key, []).append(row)
    actor = current_actor()
    return render_template("modeler/index.html", processes=processes, process_title=process_title,
                           can_deploy=actor.is_analyst, can_migrate=actor.is_analyst or actor.is_supervisor)


def _editor(key: str | None, version: int | None, xml: str, versions: list):
    eng = engine()
    with reading() as uow:
        forms = sorted(m.name for m in uow.processes.model_files("form"))
    payload = {
        "key": key, "version": version, "xml": ensure_layout(xml),
        "moddle": json.loads((STATIC / "spiffworkflow-moddle.json").read_text(encoding="utf-8")),
        "groups": [[g, group_title(g)] for g in sorted(eng.known_groups)],
        "forms": forms, "operators": sorted(eng.handlers.names()),
        "urls": {"validate": url_for("modeler.validate"), "deploy": url_for("modeler.deploy"),
                 "index": url_for("modeler.index")},
        "lang": "en" if t("zh", "en") == "en" else "zh_CN",
    }
    return render_template("modeler/editor.html", key=key, version=version, versions=versions, payload=payload,
                           can_deploy=current_actor().is_analyst, process_title=process_title)


@bp.get("/new")
@login_required
def new():
    """The editor on an empty process."""
    return _editor(None, None, NEW_MODEL, [])


@bp.get("/<key>")
@login_required
def edit(key: str):
    """The editor on the latest version of a process, or on ``?version=n``."""
    version = request.args.get("version", type=int)
    with reading() as uow:
        found = uow.reads.processes.source(key, version)
        versions = uow.reads.processes.table(key)
    if found is None:
        abort(404)
    return _editor(key, found[0], found[2], versions)


@bp.get("/<key>/versions/<int:version>.bpmn")
@login_required
def download(key: str, version: int):
    """The BPMN file of a version, as deployed; ``?layout=1`` adds a diagram where it has none (for viewers)."""
    with reading() as uow:
        found = uow.reads.processes.source(key, version)
    if found is None:
        abort(404)
    if request.args.get("layout") == "1":
        return Response(ensure_layout(found[2]), mimetype="application/xml")
    name = f"{key}.v{version}.bpmn"
    return Response(found[2], mimetype="application/xml",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _submitted():
    """``(xml, note)`` of a JSON request, or an error answer."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("xml"), str) or not body["xml"].strip():
        return None, _json_error(400, "bad_request", t("请求中没有模型 XML。", "The request holds no model XML."))
    xml = body["xml"]
    if len(xml.encode("utf-8")) > MAX_XML_BYTES:
        return None, _json_error(413, "too_large", t("模型文件超过 5 MB。", "The model file is larger than 5 MB."))
    note = body.get("note") if isinstance(body.get("note"), str) else ""
    return (xml, note.strip()[:1000]), None


def _filename(index: ModelIndex) -> str:
    """The file the model is deployed as: the file of its process, or ``<process id>.bpmn``."""
    key = index.key
    if key is None:
        return "model.bpmn"
    with reading() as uow:
        latest = uow.processes.latest(key)
        return latest.source_file if latest is not None else f"{key}.bpmn"


@bp.post("/validate")
@login_required
def validate():
    """Run the whole deploy pipeline on the posted XML without writing anything."""
    submitted, error = _submitted()
    if error:
        return error
    xml, _note = submitted
    index = ModelIndex(xml)
    filename = _filename(index)
    check = validate_only(engine(), [(filename, xml.encode("utf-8"))])
    return jsonify({"ok": check.ok, "file": filename, "problems": locate(check.problems, index, filename),
                    "warnings": check.warnings,
                    "results": [{"key": r.key, "version": r.version, "status": r.status} for r in check.results]})


@bp.post("/deploy")
@login_required
def deploy():
    """Deploy the posted XML (with the forms deployed already) as the next version; analysts only."""
    actor = current_actor()
    if not actor.is_analyst:
        return _json_error(403, "forbidden", t("只有流程分析员可以发布流程。", "Only a process analyst may deploy."))
    submitted, error = _submitted()
    if error:
        return error
    xml, note = submitted
    index = ModelIndex(xml)
    filename = _filename(index)
    try:
        results = engine().deploy([(filename, xml.encode("utf-8"))], actor, note)
    except DeployRefused as exc:
        status = 413 if exc.too_large else 422
        return _json_error(status, exc.code, t("模型有错误，未发布。", "The model has errors; nothing was deployed."),
                           locate(exc.problems, index, filename))
    except Forbidden as exc:
        return _json_error(403, "forbidden", exc.message)
    except EngineError as exc:
        return _json_error(422, exc.code, exc.message, exc.details)
    body = [{"key": r.key, "version": r.version, "status": r.status, "warnings": r.warnings,
             "url": url_for("modeler.edit", key=r.key, version=r.version)} for r in results]
    return jsonify({"results": body}), (201 if any(r.status == "new" for r in results) else 200)
