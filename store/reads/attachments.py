"""Reads of attachments: their metadata without the bytes, or the bytes alone."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, defer

from store.models import Attachment


class AttachmentReads:
    """Named reads of ``attachment``."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def of(self, *, instance_ids: Iterable[str] = (), ids: Iterable[str] = ()) -> list[Attachment]:
        """Attachments (without their bytes) of these cases or with these ids, oldest first."""
        instance_ids, ids = list(instance_ids), list(ids)
        if not instance_ids and not ids:
            return []
        return list(self.s.scalars(
            select(Attachment).options(defer(Attachment.content))
            .where(or_(Attachment.instance_id.in_(instance_ids or [""]), Attachment.id.in_(ids or [""])))
            .order_by(Attachment.created_at, Attachment.id)).all())

    def meta(self, attachment_id: str) -> Attachment | None:
        """One attachment without its bytes."""
        return self.s.scalars(select(Attachment).options(defer(Attachment.content))
                              .where(Attachment.id == attachment_id)).first()

    def content(self, attachment_id: str) -> bytes | None:
        """The bytes of one attachment."""
        return self.s.scalar(select(Attachment.content).where(Attachment.id == attachment_id))
