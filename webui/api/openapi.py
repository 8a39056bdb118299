"""``GET /api/v1/openapi.json``: generated from the route table that serves the API."""
from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from webui.api.base import PREFIX, api, public


@api.route("/openapi.json", summary="This document (OpenAPI 3)", public=True, tag="meta",
           responses={200: ("the OpenAPI document", {"type": "object"})})
@public
def openapi_document() -> ResponseReturnValue:
    return jsonify(api.openapi(PREFIX, "Hengyang FAO Workflow API", "1"))
