"""Typed SQLAlchemy 2.0 models: process versions, instances, projections, identity."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

# the base and the UTC column type live in store.base (the registers' tables build on them too)
from store.base import Base as Base
from store.base import UTCDateTime as UTCDateTime

# --- models ---------------------------------------------------------------------------------


class ProcessVersion(Base):
    """One deployed version of one process; immutable once written."""

    __tablename__ = "process_version"
    __table_args__ = (UniqueConstraint("process_key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(300), default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    source_file: Mapped[str] = mapped_column(String(300))
    bpmn_xml: Mapped[str] = mapped_column(Text)
    spec_json: Mapped[str] = mapped_column(Text)
    # form file name -> JSON Schema / UI schema as deployed with this version
    forms: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    start_form: Mapped[str | None] = mapped_column(String(300))
    start_ui_form: Mapped[str | None] = mapped_column(String(300))
    start_lane: Mapped[str | None] = mapped_column(String(100))
    manual_start: Mapped[bool] = mapped_column(Boolean, default=True)
    # message names a start event of this version waits for
    start_messages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    warnings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    change_note: Mapped[str] = mapped_column(Text, default="")
    deployed_by: Mapped[str | None] = mapped_column(String(100))
    deployed_at: Mapped[datetime]


class ModelFile(Base):
    """The latest deployed content of each model file (BPMN, DMN, form), by bare name."""

    __tablename__ = "model_file"

    name: Mapped[str] = mapped_column(String(300), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    content: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    deployed_at: Mapped[datetime]


class Instance(Base):
    """A running or finished case: SpiffWorkflow state without the spec."""

    __tablename__ = "instance"
    __table_args__ = (Index("ix_instance_status_key", "status", "process_key"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(100))
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))
    business_key: Mapped[str | None] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    state: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(20))
    revision: Mapped[int] = mapped_column(Integer, default=0)
    started_by: Mapped[str | None] = mapped_column(String(100), index=True)
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    # the starter's unit, fixed at the start: its applicant_unit tasks go to that unit alone
    unit_key: Mapped[str | None] = mapped_column(String(50), index=True)


class HumanTask(Base):
    """Projection: a manual task that is or was ready, for inboxes and counts."""

    __tablename__ = "human_task"
    __table_args__ = (
        Index("ix_human_task_lane_status", "lane", "status", "created_at", "id"),
        Index("ix_human_task_lane_due", "lane", "status", "due_at", "id"),
        Index("ix_human_task_assignee_status", "assignee", "status", "created_at", "id"),
        Index("ix_human_task_instance", "instance_id", "status"),
        Index("ix_human_task_done_by", "completed_by", "completed_at"),
        Index("ix_human_task_due", "status", "due_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # SpiffWorkflow task uuid
    instance_id: Mapped[str] = mapped_column(ForeignKey("instance.id"))
    process_key: Mapped[str] = mapped_column(String(100))
    bpmn_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    lane: Mapped[str | None] = mapped_column(String(100))
    form_file: Mapped[str | None] = mapped_column(String(300))
    ui_form_file: Mapped[str | None] = mapped_column(String(300))
    instructions: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20))  # a store.task_status.TaskStatus value
    assignee: Mapped[str | None] = mapped_column(String(100))
    priority: Mapped[int] = mapped_column(Integer, default=50)
    created_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(String(100))
    completed_at: Mapped[datetime | None]
    business_key: Mapped[str | None] = mapped_column(String(200))
    case_title: Mapped[str] = mapped_column(String(300), default="", server_default="")  # instance.title
    applicant: Mapped[str | None] = mapped_column(String(100))
    # who alone works the task while unclaimed (``unit:KEY``/``user:NAME``, space-separated; one
    # ``task_owner`` row each), fixed when it becomes ready; None: the members of its lane
    owners: Mapped[str | None] = mapped_column(String(1000))


class TaskOwner(Base):
    """Projection: one owner of a task bound to owners (``human_task.owners``), for the lists' SQL."""

    __tablename__ = "task_owner"

    owner: Mapped[str] = mapped_column(String(150), primary_key=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("human_task.id", ondelete="CASCADE"), primary_key=True)


class TaskCount(Base):
    """Projection of human_task kept by database triggers (migrations 0004, 0006): how many tasks are
    open per lane and bound to no owners (``lane``), open or claimed per assignee (``mine``), completed per user
    (``done``). A key's total is the sum over its shard rows (on PostgreSQL one per connection
    slot, so concurrent commands do not queue on one row)."""

    __tablename__ = "task_count"

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    shard: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class Timer(Base):
    """Projection: a waiting timer (instance_id set) or a scheduled timer start (instance_id null)."""

    __tablename__ = "timer"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str | None] = mapped_column(ForeignKey("instance.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(100))
    task_id: Mapped[str | None] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[datetime] = mapped_column(index=True)
    # timer starts only: the cycle's period and how many starts remain (None: unbounded)
    period_s: Mapped[float | None]
    repeats_left: Mapped[int | None]


class MessageSubscription(Base):
    """Projection: an instance waits for a message with these correlation values."""

    __tablename__ = "message_subscription"
    __table_args__ = (Index("ix_msg_name", "message_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("instance.id"), index=True)
    message_name: Mapped[str] = mapped_column(String(200))
    task_id: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(200))
    correlation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # "business_key" value copied out for an indexed lookup of the common case
    correlation_key: Mapped[str | None] = mapped_column(String(200), index=True)


class Incident(Base):
    """An error that stopped part of a case until a supervisor retries it."""

    __tablename__ = "incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("instance.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    bpmn_id: Mapped[str | None] = mapped_column(String(200))
    error_type: Mapped[str] = mapped_column(String(100))
    message: Mapped[str] = mapped_column(Text)
    line: Mapped[int | None]
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)


class AuditEvent(Base):
    """Append-only history of every change to a case, and of the accounts (``subject``: ``user:NAME``
    or ``unit:KEY`` for a change an administrator made to a user or a unit)."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_instance", "instance_id", "id"), Index("ix_audit_subject", "subject", "id"))

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    instance_id: Mapped[str | None] = mapped_column(String(32))
    at: Mapped[datetime]
    actor: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(30))
    task_id: Mapped[str | None] = mapped_column(String(36))
    bpmn_id: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    subject: Mapped[str | None] = mapped_column(String(150))


class Unit(Base):
    """A municipal organisation whose staff submit applications (申报单位)."""

    __tablename__ = "unit"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str | None] = mapped_column(String(30))  # the office phone start forms are prefilled with
    password_hash: Mapped[str] = mapped_column(String(300), default="")
    locale: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    unit_key: Mapped[str | None] = mapped_column(ForeignKey("unit.key"), index=True)


class Group(Base):
    __tablename__ = "app_group"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    title_zh: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(200), default="")


class Membership(Base):
    __tablename__ = "membership"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    group_key: Mapped[str] = mapped_column(ForeignKey("app_group.key"), primary_key=True)


class UserRole(Base):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(30), primary_key=True)


class ApiToken(Base):
    """An API token, stored as its SHA-256 only."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]


class Attachment(Base):
    __tablename__ = "attachment"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str | None] = mapped_column(String(100))
    instance_id: Mapped[str | None] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime]


class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user", "username", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    instance_id: Mapped[str | None] = mapped_column(String(32))
    # the engine's own notices: a code and its parameters, worded where they are read
    code: Mapped[str | None] = mapped_column(String(50))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # a process model's own text (the notify service), in the languages it gave
    message: Mapped[str | None] = mapped_column(Text)
    message_en: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]


class SequenceCounter(Base):
    """Per (category, year) counters for document numbers."""

    __tablename__ = "sequence_counter"

    category: Mapped[str] = mapped_column(String(50), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class TaskDraft(Base):
    __tablename__ = "task_draft"

    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime]


class CalendarOverride(Base):
    """A day the State Council's notice makes a working day (True) or a day off (False)."""

    __tablename__ = "calendar_override"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(200), default="")


# the registers' tables live in their own module; importing it puts them on Base.metadata
from store import register_models as _register_models  # noqa: E402,F401
