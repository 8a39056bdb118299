"""Uploaded files: stored in their own table, referred to from case data by id."""
from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from store.models import Attachment

if TYPE_CHECKING:
    from datetime import datetime

    from engine.commands.runner import CommandRunner
    from store.uow import UnitOfWork

MAX_FILE_BYTES = 20 * 1024 * 1024
_ID = re.compile(r"^[0-9a-f]{32}$")


def store(uow: UnitOfWork, now: datetime, name: str, content_type: str, content: bytes, username: str) -> Attachment:
    """Store one upload (the caller commits)."""
    att = Attachment(id=uuid.uuid4().hex, name=name, size=len(content), content_type=content_type,
                     sha256=hashlib.sha256(content).hexdigest(), content=content, uploaded_by=username,
                     instance_id=None, created_at=now)
    uow.misc.add_attachment(att)
    return att


def save_upload(runner: CommandRunner, name: str, content_type: str, content: bytes, username: str) -> Attachment:
    """Store one upload in its own transaction; it is linked to a case when that case's data names it."""
    with runner.uow() as uow:
        att = store(uow, runner.clock.now(), name, content_type, content, username)
        uow.commit()
    return att


def referenced_ids(data: Any) -> Iterator[str]:
    """Every string in form data shaped like an attachment id."""
    if isinstance(data, dict):
        for value in data.values():
            yield from referenced_ids(value)
    elif isinstance(data, list):
        for value in data:
            yield from referenced_ids(value)
    elif isinstance(data, str) and _ID.match(data):
        yield data
