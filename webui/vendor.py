"""Serves the front-end packages installed by npm (bpmn-js) without copying them."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, abort, send_from_directory
from flask.typing import ResponseReturnValue

ASSETS = Path(__file__).parent / "assets" / "node_modules"
PACKAGES = {"bpmn-js": ASSETS / "bpmn-js" / "dist"}

bp = Blueprint("vendor", __name__)


@bp.get("/vendor/<package>/<path:filename>")
def asset(package: str, filename: str) -> ResponseReturnValue:
    """A file of an npm package's ``dist`` folder (404 when not installed)."""
    root = PACKAGES.get(package)
    if root is None or not root.is_dir():
        abort(404)
    return send_from_directory(root, filename, max_age=86400)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
