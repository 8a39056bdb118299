"""API: attachments, messages, incidents."""
from __future__ import annotations

from flask import Response, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.people.identity import require_supervisor
from engine.people.visibility import Sight, attachment_sight
from webui.api import schemas as s
from webui.api.base import api, created, json_body, optional_object, page_json, paging
from webui.api.serialize import attachment_json, incident_json
from webui.errors import ApiError
from webui.security import current_actor, engine, reading
from webui.uploads import FileTooLarge, store_upload

UPLOAD_BODY = {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}


@api.route("/attachments", "POST", summary="Upload a file (at most 20 MB); a form field holds its id",
           request=UPLOAD_BODY, request_kind="multipart", tag="attachments", errors=(413, 415),
           responses={201: ("stored", s.ref("Attachment"))})
def upload_attachment() -> ResponseReturnValue:
    actor = current_actor()
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, _("Send the file as multipart/form-data in a field named “file”."))
    storage = request.files.get("file")
    if storage is None or not storage.filename:
        raise ApiError(
            400, _("No file: send it in a field named “file”."),
            [{"field": "file", "message": _("This field is required")}],
        )
    try:
        stored = store_upload(storage, actor.username)
    except FileTooLarge:
        raise ApiError(413, _("The upload is too large (at most 20 MB).")) from None
    return created(attachment_json(stored))


@api.route("/attachments/<attachment_id>", summary="Download a file",
           who="its uploader, and users who may see a case whose data refers to it", tag="attachments",
           errors=(403, 404), responses={200: ("the file", {"type": "string", "format": "binary",
                                                           "x-media": "application/octet-stream"})})
def get_attachment(attachment_id: str) -> ResponseReturnValue:
    actor = current_actor()
    with reading() as uow:
        meta = uow.reads.attachments.meta(attachment_id)
        if meta is None:
            raise ApiError(404, _("There is no such attachment."))
        sight = attachment_sight(uow, actor, meta)
        if sight is Sight.HIDDEN:
            raise ApiError(404, _("There is no such attachment."))
        if sight is Sight.REFUSED:
            raise ApiError(403, _("You may not open this file."))
        content = uow.reads.attachments.content(attachment_id) or b""
    response = Response(content, mimetype=meta.content_type or "application/octet-stream")
    response.headers["Content-Disposition"] = _disposition(meta.name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    return response


def _disposition(name: str) -> str:
    from urllib.parse import quote

    ascii_name = name.encode("ascii", "replace").decode().replace('"', "").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


MESSAGE_BODY = {"type": "object", "required": ["name"], "properties": {
    "name": {"type": "string"}, "correlation": s.OBJECT, "payload": s.OBJECT}}


@api.route("/messages", "POST", summary="Deliver a message to the cases waiting for it (correlation must match)",
           request=MESSAGE_BODY, tag="messages", errors=(404, 413, 415, 422),
           responses={200: ("delivered", {"type": "object", "properties": {
               "delivered_to": {"type": "array", "items": {"type": "string"}}}})})
def deliver_message() -> ResponseReturnValue:
    actor = current_actor()
    body = json_body()
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ApiError(
            422, _("A message name is required."), [{"field": "name", "message": _("This field is required")}]
        )
    ids = engine().deliver_message(actor, name, optional_object(body, "correlation"), optional_object(body, "payload"))
    return jsonify({"delivered_to": ids})


@api.route("/incidents", summary="Open incidents", who="supervisor", tag="incidents", query=s.PAGING,
           errors=(403,), responses={200: ("a page of incidents", s.page_of("Incident"))})
def list_incidents() -> ResponseReturnValue:
    require_supervisor(current_actor())
    page, per_page = paging()
    with reading() as uow:
        result = uow.reads.incidents.open_page(page, per_page)
    return jsonify(page_json(result, incident_json))


RETRY_BODY = {"type": "object", "properties": {"data": s.OBJECT}}


@api.route("/incidents/<int:incident_id>/retry", "POST", summary="Re-run the failed task (optionally patch its data)",
           who="supervisor", request=RETRY_BODY, tag="incidents", errors=(403, 404, 409, 413, 415, 422),
           responses={200: ("the case", {"type": "object", "properties": {
               "id": {"type": "string"}, "status": {"type": "string"}}})})
def retry_incident(incident_id: int) -> ResponseReturnValue:
    data = optional_object(json_body(), "data")
    instance = engine().retry_incident(incident_id, current_actor(), data or None)
    return jsonify({"id": instance.id, "status": instance.status})
