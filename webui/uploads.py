"""Storing an uploaded file as an attachment row (the engine has no service for this yet)."""
from __future__ import annotations

import mimetypes
from dataclasses import dataclass

from werkzeug.datastructures import FileStorage

from webui.security import engine

MAX_FILE_BYTES = 20 * 1024 * 1024


class FileTooLarge(Exception):
    pass


@dataclass(frozen=True)
class Stored:
    id: str
    name: str
    size: int
    content_type: str
    sha256: str


def clean_name(filename: str | None) -> str:
    """A display name without directories or control characters, at most 200 characters."""
    name = (filename or "file").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "file"
    return name[-200:]


def store_upload(storage: FileStorage, username: str) -> Stored:
    """Read an uploaded file and store it in its own transaction.

    Raises:
        FileTooLarge: more than 20 MB.
    """
    content = storage.stream.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        raise FileTooLarge()
    name = clean_name(storage.filename)
    content_type = (storage.mimetype or mimetypes.guess_type(name)[0] or "application/octet-stream")[:200]
    att = engine().save_upload(name, content_type, content, username)
    return Stored(att.id, name, len(content), content_type, att.sha256)
