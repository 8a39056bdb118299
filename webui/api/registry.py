"""A route table that serves the API and describes it: the OpenAPI document is built from it.

Every API view is registered through :meth:`ApiRegistry.route`, which both adds the Flask URL
rule and records its summary, parameters, request and response schemas.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint

from webui.api import schemas as s

_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


@dataclass(frozen=True)
class Operation:
    rule: str
    method: str
    endpoint: str
    summary: str
    who: str
    request: dict | None
    request_kind: str | None  # "json" or "multipart"
    responses: Mapping[int, tuple[str, Mapping[str, Any] | None]]
    query: tuple[tuple[str, dict, str], ...] = ()
    public: bool = False
    tags: tuple[str, ...] = field(default_factory=tuple)


class ApiRegistry:
    """Registers API views on a blueprint and keeps their description."""

    def __init__(self, blueprint: Blueprint) -> None:
        self.blueprint = blueprint
        self.operations: list[Operation] = []

    def route(self, rule: str, method: str = "GET", *, summary: str, who: str = "any user",
              request: dict | None = None, request_kind: str | None = None,
              responses: Mapping[int, tuple[str, Mapping[str, Any] | None]] | None = None,
              query: tuple[tuple[str, dict, str], ...] = (), errors: tuple[int, ...] = (),
              public: bool = False, tag: str = "") -> Callable:
        """Register a view for ``method rule`` and describe it.

        Args:
            rule: Flask rule below the blueprint prefix (``/tasks/<task_id>``).
            method: one HTTP method.
            summary: one line for the document.
            who: who may call it.
            request: JSON Schema of the body (``request_kind`` "json" or "multipart").
            responses: status -> (description, schema or None).
            query: (name, schema, description) of query parameters.
            errors: error statuses this operation answers besides 401/400.
            public: no authentication needed.
            tag: grouping in the document.
        """
        def deco(view: Callable) -> Callable:
            self.blueprint.add_url_rule(rule, endpoint=view.__name__, view_func=view, methods=[method])
            all_responses = dict(responses or {200: ("OK", None)})
            for status in (*errors, 400) + (() if public else (401,)):
                all_responses.setdefault(status, (s.ERROR_TEXT.get(status, "error"), s.ERROR))
            self.operations.append(Operation(rule, method, view.__name__, summary, who, request,
                                             request_kind or ("json" if request else None), all_responses,
                                             tuple(query), public, (tag,) if tag else ()))
            return view

        return deco

    def openapi(self, prefix: str, title: str, version: str) -> dict[str, Any]:
        """The OpenAPI 3.0 document of every registered operation."""
        paths: dict[str, dict] = {}
        for op in self.operations:
            path = prefix + _PARAM.sub(lambda m: "{" + m.group(2) + "}", op.rule)
            params = [{"name": name, "in": "path", "required": True,
                       "schema": {"type": "integer"} if conv == "int" else {"type": "string"}}
                      for conv, name in _PARAM.findall(op.rule)]
            params += [{"name": n, "in": "query", "required": False, "schema": sch, "description": d}
                       for n, sch, d in op.query]
            entry: dict[str, Any] = {
                "operationId": op.endpoint, "summary": op.summary, "description": f"Who: {op.who}.",
                "parameters": params,
                "responses": {str(code): _response(desc, sch) for code, (desc, sch) in sorted(op.responses.items())},
            }
            if op.tags:
                entry["tags"] = list(op.tags)
            if op.public:
                entry["security"] = []
            if op.request is not None:
                media = "multipart/form-data" if op.request_kind == "multipart" else "application/json"
                entry["requestBody"] = {"required": op.request_kind == "multipart" or bool(op.request.get("required")),
                                        "content": {media: {"schema": op.request}}}
            paths.setdefault(path, {})[op.method.lower()] = entry
        return {
            "openapi": "3.0.3",
            "info": {"title": title, "version": version},
            "servers": [{"url": "/"}],
            "components": {
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                    "session": {"type": "apiKey", "in": "cookie", "name": "session"}},
                "schemas": s.COMPONENTS,
            },
            "security": [{"bearer": []}, {"session": []}],
            "paths": paths,
        }


def _response(description: str, schema: Mapping[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"description": description}
    if schema is not None:
        media = schema.get("x-media", "application/json")
        out["content"] = {media: {"schema": {k: v for k, v in schema.items() if k != "x-media"}}}
    return out
