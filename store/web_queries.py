"""Read-only queries the web pages and the API need beyond :mod:`store.queries`.

Projections and narrow column lists only: nothing here loads a workflow state or a BPMN text
unless asked for by name.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, defer

from store.access import CaseScope, WorkScope, case_condition, workable_condition
from store.models import (
    Attachment,
    AuditEvent,
    HumanTask,
    Instance,
    ProcessVersion,
    TaskCount,
)
from store.queries import Page, _page
from store.task_status import ACTIVE_STATUSES


@dataclass(frozen=True)
class VersionInfo:
    """A process version without its BPMN text and serialized spec."""

    id: int
    process_key: str
    version: int
    title: str
    start_form: str | None
    start_ui_form: str | None
    start_lane: str | None
    manual_start: bool
    deployed_at: datetime
    deployed_by: str | None
    change_note: str


_VERSION_COLUMNS = (ProcessVersion.id, ProcessVersion.process_key, ProcessVersion.version, ProcessVersion.title,
                    ProcessVersion.start_form, ProcessVersion.start_ui_form, ProcessVersion.start_lane,
                    ProcessVersion.manual_start, ProcessVersion.deployed_at, ProcessVersion.deployed_by,
                    ProcessVersion.change_note)


def latest_versions(session: Session) -> list[VersionInfo]:
    """The newest version of every deployed process, by key."""
    newest = (select(ProcessVersion.process_key, func.max(ProcessVersion.version).label("v"))
              .group_by(ProcessVersion.process_key).subquery())
    rows = session.execute(
        select(*_VERSION_COLUMNS)
        .join(newest, and_(ProcessVersion.process_key == newest.c.process_key, ProcessVersion.version == newest.c.v))
        .order_by(ProcessVersion.process_key)).all()
    return [VersionInfo(*row) for row in rows]


def versions_of(session: Session, key: str) -> list[VersionInfo]:
    rows = session.execute(select(*_VERSION_COLUMNS).where(ProcessVersion.process_key == key)
                           .order_by(ProcessVersion.version)).all()
    return [VersionInfo(*row) for row in rows]


def version_forms(session: Session, version_id: int) -> dict[str, Any]:
    """The form files deployed with a version (name -> JSON document)."""
    return session.scalar(select(ProcessVersion.forms).where(ProcessVersion.id == version_id)) or {}


def bpmn_xml(session: Session, key: str, version: int) -> str | None:
    return session.scalar(select(ProcessVersion.bpmn_xml).where(
        ProcessVersion.process_key == key, ProcessVersion.version == version))


def process_titles(session: Session) -> dict[str, str]:
    """Latest deployed title per process key."""
    return {v.process_key: v.title for v in latest_versions(session)}


def next_task_for(session: Session, instance_id: str, work: WorkScope) -> HumanTask | None:
    """A task of this case the worker may work on now (assigned to them or unclaimed in their lanes)."""
    return session.scalars(
        select(HumanTask).where(HumanTask.instance_id == instance_id, workable_condition(work))
        .order_by(HumanTask.created_at, HumanTask.id).limit(1)).first()


def done_count(session: Session, username: str) -> int:
    """Tasks the user completed, from the counter projection (``task_count``)."""
    return int(session.scalar(select(func.sum(TaskCount.n)).where(
        TaskCount.kind == "done", TaskCount.key == username)) or 0)


def my_applications(session: Session, scope: CaseScope, *, status: str | None = None, page: int = 1,
                    per_page: int = 20) -> Page:
    """The applications a scope allows (the cases a user started), newest first (state text not loaded)."""
    stmt = select(Instance).options(defer(Instance.state))
    visible = case_condition(scope)
    if visible is not None:
        stmt = stmt.where(visible)
    if status:
        stmt = stmt.where(Instance.status == status)
    return _page(session, stmt.order_by(Instance.started_at.desc(), Instance.id), page, per_page)


def instance_summary(session: Session, instance_id: str) -> Instance | None:
    """The case row without its workflow state."""
    return session.scalars(select(Instance).options(defer(Instance.state)).where(Instance.id == instance_id)).first()


def active_tasks_for(session: Session, instance_ids: Iterable[str]) -> dict[str, list[HumanTask]]:
    ids = list(instance_ids)
    out: dict[str, list[HumanTask]] = defaultdict(list)
    if not ids:
        return out
    for t in session.scalars(select(HumanTask).where(
            HumanTask.instance_id.in_(ids), HumanTask.status.in_(ACTIVE_STATUSES))
            .order_by(HumanTask.created_at, HumanTask.id)):
        out[t.instance_id].append(t)
    return out


def decisions_for(session: Session, instance_ids: Iterable[str]) -> dict[str, list[AuditEvent]]:
    """Completed steps that recorded a decision, per case, oldest first."""
    ids = list(instance_ids)
    out: dict[str, list[AuditEvent]] = defaultdict(list)
    if not ids:
        return out
    for e in session.scalars(select(AuditEvent).where(
            AuditEvent.instance_id.in_(ids), AuditEvent.action == "completed").order_by(AuditEvent.id)):
        if isinstance(e.detail, dict) and e.detail.get("decision") is not None:
            out[e.instance_id].append(e)
    return out


def attachments_meta(session: Session, *, instance_ids: Iterable[str] = (), ids: Iterable[str] = ()) -> list[Attachment]:
    """Attachments (without their bytes) of these cases or with these ids, oldest first."""
    instance_ids, ids = list(instance_ids), list(ids)
    if not instance_ids and not ids:
        return []
    return list(session.scalars(
        select(Attachment).options(defer(Attachment.content))
        .where(or_(Attachment.instance_id.in_(instance_ids or [""]), Attachment.id.in_(ids or [""])))
        .order_by(Attachment.created_at, Attachment.id)).all())


def attachment_meta(session: Session, attachment_id: str) -> Attachment | None:
    return session.scalars(select(Attachment).options(defer(Attachment.content))
                           .where(Attachment.id == attachment_id)).first()


def attachment_content(session: Session, attachment_id: str) -> bytes | None:
    return session.scalar(select(Attachment.content).where(Attachment.id == attachment_id))


def instances_referring_to(session: Session, attachment_id: str) -> list[str]:
    """Cases an attachment belongs to, or whose data mentions its id.

    Ids are 32 hex digits, so a text match on the stored state does not hit by accident.
    """
    if not attachment_id.isalnum():
        return []
    owner = session.scalar(select(Attachment.instance_id).where(Attachment.id == attachment_id))
    ids = [owner] if owner else []
    ids += [i for i in session.scalars(select(Instance.id).where(Instance.state.like(f'%"{attachment_id}"%')))
            if i not in ids]
    return ids
