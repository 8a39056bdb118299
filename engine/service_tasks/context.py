"""The context a service-task handler gets: bound to the running command's transaction."""
from __future__ import annotations

import copy
import hashlib
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from store.models import Attachment, Notification

if TYPE_CHECKING:
    from SpiffWorkflow.task import Task

    from store.models import Instance
    from store.uow import UnitOfWork


class CommandServiceContext:
    """Implements :class:`engine.service_tasks.registry.ServiceContext` over a unit of work."""

    def __init__(self, uow: UnitOfWork, instance: Instance, actor: str | None, now: datetime,
                 locale: str = "zh_CN") -> None:
        self._uow = uow
        self._instance = instance
        self._now = now
        self._task = None
        self.instance_id = instance.id
        self.process_key = instance.process_key
        self.business_key = instance.business_key
        self.started_by = instance.started_by
        self.actor = actor
        self.locale = locale

    def bind_task(self, task: Task) -> None:
        self._task = task

    def now(self) -> datetime:
        return self._now

    def next_sequence(self, category: str, year: int) -> int:
        return self._uow.misc.next_sequence(category, year)

    def store_attachment(self, name: str, content_type: str, content: bytes) -> str:
        att = Attachment(
            id=uuid.uuid4().hex, name=name, size=len(content), content_type=content_type,
            sha256=hashlib.sha256(content).hexdigest(), content=content,
            uploaded_by="system", instance_id=self.instance_id, created_at=self._now,
        )
        self._uow.misc.add_attachment(att)
        return att.id

    def notify(self, username: str, message: str, message_en: str | None = None) -> None:
        if not username:
            return
        self._uow.misc.add_notification(Notification(
            username=username, instance_id=self.instance_id, message=message,
            message_en=message_en, created_at=self._now, read_at=None,
        ))

    def task_data(self) -> dict[str, Any]:
        return copy.deepcopy(self._task.data) if self._task is not None else {}

    def unit_names(self, key: str) -> tuple[str, str | None] | None:
        unit = self._uow.users.unit(key)
        return (unit.name, unit.name_en) if unit is not None else None

    def write_register(self, register: str, key: str, values: dict[str, Any], action: str,
                       create: bool = True) -> int | None:
        bpmn_id = self._task.task_spec.bpmn_id if self._task is not None else None
        return self._uow.registers.write(register, key, values, action=action, at=self._now, actor=self.actor,
                                         instance_id=self.instance_id, bpmn_id=bpmn_id, create=create)

    def read_register(self, register: str, key: str) -> dict[str, Any] | None:
        return self._uow.registers.read(register, key)
