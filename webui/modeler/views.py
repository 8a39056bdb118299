"""Process versions, the bpmn-js editor and download (the editor validates and deploys through ``/api/v1/modeler``)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from engine.bpmn.blank import blank_process
from engine.bpmn.diagram import ensure_layout
from webui.modeler.blueprint import bp
from webui.modeler.texts import bpmn_js_texts, editor_texts
from webui.present import group_title, process_title
from webui.security import current_actor, engine, reading

STATIC = Path(__file__).parent / "static"


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    """Every process with every version: who deployed it, when, the note, and its cases."""
    with reading() as uow:
        rows = uow.reads.processes.table()
    processes: dict[str, list] = {}
    for row in rows:
        processes.setdefault(row.process_key, []).append(row)
    actor = current_actor()
    return render_template("modeler/index.html", processes=processes, process_title=process_title,
                           can_deploy=actor.is_analyst, can_migrate=actor.is_analyst or actor.is_supervisor)


def _editor(key: str | None, version: int | None, xml: str, versions: list[Any]) -> ResponseReturnValue:
    eng = engine()
    with reading() as uow:
        forms = sorted(m.name for m in uow.processes.model_files("form"))
    payload = {
        "key": key, "version": version, "xml": ensure_layout(xml),
        "moddle": json.loads((STATIC / "spiffworkflow-moddle.json").read_text(encoding="utf-8")),
        "groups": [[g, group_title(g)] for g in sorted(eng.known_groups)],
        "forms": forms, "operators": sorted(eng.handlers.names()),
        "urls": {"validate": url_for("api.validate_model"), "deploy": url_for("api.deploy_model"),
                 "index": url_for("modeler.index")},
    }
    texts = {"ui": editor_texts(), "bpmn": bpmn_js_texts()}
    return render_template("modeler/editor.html", key=key, version=version, versions=versions, payload=payload,
                           texts=texts,
                           can_deploy=current_actor().is_analyst, process_title=process_title)


@bp.get("/new")
@login_required
def new() -> ResponseReturnValue:
    """The editor on an empty process."""
    return _editor(None, None, blank_process(_("Untitled process"), _("Start")), [])


@bp.get("/<key>")
@login_required
def edit(key: str) -> ResponseReturnValue:
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
def download(key: str, version: int) -> ResponseReturnValue:
    """The BPMN file of a version, as deployed, to save."""
    with reading() as uow:
        found = uow.reads.processes.source(key, version)
    if found is None:
        abort(404)
    name = f"{key}.v{version}.bpmn"
    return Response(found[2], mimetype="application/xml",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
