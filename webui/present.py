"""Presentation helpers shared by the pages: process titles, due dates, labels.

The catalogue (:mod:`processes.catalogue`) is read defensively: a process outside it, or a
catalogue without some field, falls back to the deployed title.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from cachetools import TTLCache
from flask import Flask, current_app, g, has_app_context, has_request_context
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from engine.people.identity import GROUPS, SYSTEM
from engine.tasks.lifecycle import TaskStatus
from engine.timekeeping.working_days import WorkingCalendar
from webui.i18n import localized_value, ui_lang


def catalogue_entry(key: str) -> Any | None:
    try:
        from processes.catalogue import by_key
    except ImportError:  # pragma: no cover - catalogue not installed
        return None
    try:
        return by_key(key)
    except Exception:
        return None


def starter_groups(info: Any) -> frozenset[str] | None:
    """Who may start a catalogued process (``starter_groups`` or ``starters``)."""
    if info is None:
        return None
    groups = getattr(info, "starter_groups", None) or getattr(info, "starters", None)
    return frozenset(groups) if groups is not None else None


def process_title(key: str, deployed_title: str | None = None) -> str:
    """The process's name in the UI language."""
    info = catalogue_entry(key)
    if info is not None:
        return localized_value(getattr(info, "title_zh", None), getattr(info, "title_en", None)) or key
    return deployed_title or deployed_titles().get(key) or key


def deployed_titles() -> dict[str, str]:
    """Latest deployed title per process key, read once per request when needed."""

    if "fao_process_titles" not in g:
        from webui.security import reading

        with reading() as uow:
            g.fao_process_titles = uow.reads.processes.titles()
    return g.fao_process_titles


def process_description(key: str) -> str:
    info = catalogue_entry(key)
    if info is None:
        return ""
    return localized_value(getattr(info, "description_zh", None), getattr(info, "description_en", None))


def lane_titles() -> dict[str, str]:
    """Each group's title by its key, for the diagrams' lanes (lanes are named by group key)."""
    return {key: group_title(key) for key in GROUPS}


def group_title(key: str | None) -> str:
    if not key:
        return ""
    zh, en = GROUPS.get(key, (key, key))
    return localized_value(zh, en)


def role_title(key: str) -> str:
    """A role's name in the UI language (the one place roles get their names: the catalogue)."""

    return {"clerk": _("Clerk"), "supervisor": _("Supervisor"), "analyst": _("Process analyst"),
            "admin": _("Administrator")}.get(key, key)


@dataclass(frozen=True)
class Due:
    """How a due date shows: when, overdue or not, working days left (hours when due within a day,
    minutes within the hour), and how long past due (seconds) once overdue."""

    at: datetime | None
    overdue: bool
    days_left: int | None
    hours_left: int | None = None
    minutes_left: int | None = None
    late_s: int | None = None

    @property
    def text(self) -> str:
        """Time left or time overdue in words, never rounded up: 剩余 3 分钟, 已超期 2 小时 5 分钟."""
        from flask_babel import gettext as _

        if self.at is None:
            return ""
        if self.late_s is not None:
            return _late_text(self.late_s)
        if self.hours_left is not None and self.minutes_left is not None:
            if self.hours_left == 0:
                return (_("%(n)s min left", n=self.minutes_left) if self.minutes_left
                        else _("Less than a minute left"))
            if self.minutes_left:
                return _("%(h)s h %(m)s min left", h=self.hours_left, m=self.minutes_left)
            return _("%(n)s hours left", n=self.hours_left)
        if self.days_left is not None:
            return _("%(n)s working days left", n=self.days_left)
        return ""


def _late_text(late_s: int) -> str:

    minutes = late_s // 60
    if minutes < 1:
        return _("Just overdue")
    if minutes < 60:
        return _("Overdue by %(n)s min", n=minutes)
    if minutes < 24 * 60:
        hours, rest = divmod(minutes, 60)
        return (_("Overdue by %(h)s h %(m)s min", h=hours, m=rest) if rest
                else _("Overdue by %(n)s hours", n=hours))
    return _("Overdue by %(n)s days", n=minutes // (24 * 60))


def due_info(due_at: datetime | None, now: datetime, calendar: WorkingCalendar | None) -> Due:
    """A due date seen at ``now``: within a day it counts hours and minutes left (rounded down,
    so 3 minutes never read as an hour); past due, how long past."""
    if due_at is None:
        return Due(None, False, None)
    try:
        days = calendar.working_days_between(now, due_at) if calendar is not None else None
    except ValueError:
        days = None
    left_s = math.floor((due_at - now).total_seconds())
    if left_s < 0:
        return Due(due_at, True, days, late_s=-left_s)
    if left_s < 24 * 3600:  # urgent work is counted in hours and minutes
        hours, rest_s = divmod(left_s, 3600)
        return Due(due_at, False, days, hours, rest_s // 60)
    return Due(due_at, False, days)


PEOPLE_TTL_S = 30.0  # a rename shows within this long in other processes (this one forgets at once)


def person_name(username: str | None) -> str:
    """How people see a login: the display name with the unit, 王丽（市商务局）; the display name
    alone for a user with no unit; the login when the user is unknown. The engine's own actor is
    “系统”. Remembered per application for a few seconds (:func:`forget_person` after a change)."""

    if not username:
        return ""
    if username == SYSTEM.username:
        return _("System")
    if not has_request_context():
        return _person_label(username) if not has_app_context() else _remembered(username, ui_lang())
    known: dict[str, str] | None = g.get("fao_people")
    if known is None:
        known = g.fao_people = {}
    label = known.get(username)
    if label is None:
        label = known[username] = _remembered(username, ui_lang())
    return label


def _remembered(username: str, lang: str) -> str:
    people = _people(current_app)
    label = people.get((username, lang))
    if label is None:
        label = people[(username, lang)] = _person_label(username)
    return label


def forget_person(username: str) -> None:
    """After a user or their unit changed: their name is looked up afresh."""

    if has_app_context():
        people = _people(current_app)
        for key in [k for k in list(people) if k[0] == username]:
            people.pop(key, None)


def forget_people() -> None:
    """After a unit changed (its name is in its members' names): every name is looked up afresh."""

    if has_app_context():
        _people(current_app).clear()


def _people(app: Flask) -> TTLCache[tuple[str, str], str]:
    people = app.extensions.get("fao_people")
    if people is None:
        people = app.extensions["fao_people"] = TTLCache(maxsize=4096, ttl=PEOPLE_TTL_S)
    return cast("TTLCache[tuple[str, str], str]", people)


def _person_label(username: str) -> str:

    from webui.security import reading

    with reading() as uow:
        user = uow.users.by_username(username)
        unit = uow.users.unit(user.unit_key) if user is not None and user.unit_key else None
        name = (user.display_name if user is not None else "") or username
        unit_name = localized_value(unit.name, unit.name_en) if unit is not None else ""
    return _("%(name)s (%(unit)s)", name=name, unit=unit_name) if unit_name else name


def reader_is_supervisor() -> bool:
    """Whether this request's reader is a supervisor (technical errors reach supervisors only)."""

    if not has_request_context():
        return True
    if "fao_actor" not in g and not g.get("fao_api_user") and not current_user.is_authenticated:
        return False
    from webui.security import current_actor

    return current_actor().is_supervisor


def status_label(status: str) -> str:
    """A case's status in the one word it has everywhere: 办理中, 已挂起, 已办结, 已终止, 因错误中止 (a case
    stopped by an error reads as in progress to all but supervisors)."""

    if status == "error" and not reader_is_supervisor():
        return _("In progress, please wait")
    return {
        "active": _("In progress"), "suspended": _("Suspended"), "completed": _("Completed"),
        "terminated": _("Terminated"), "error": _("Stopped by an error"),
        TaskStatus.OPEN: _("Open"), TaskStatus.CLAIMED: _("Claimed"), TaskStatus.CANCELLED: _("Cancelled"),
    }.get(status, status)


def task_status_label(status: str) -> str:
    """A task's status: 待办, 已签收, 已办理 (a task is handled; a case is 已办结), 已取消."""

    labels: dict[str, str] = {TaskStatus.OPEN: _("Open"), TaskStatus.CLAIMED: _("Claimed"),
                              TaskStatus.COMPLETED: _("Handled"), TaskStatus.CANCELLED: _("Cancelled")}
    return labels.get(status, status)


def priority_level(priority: int | None) -> str:
    """``high`` above the default 50, ``low`` below it, else ``normal``."""
    if priority is None:
        return "normal"
    return "high" if priority > 50 else "low" if priority < 50 else "normal"


def priority_label(priority: int | None) -> str:
    """A task's priority as a word (高/普通/低), never the number (the words made once per request)."""

    words = g.get("fao_priority_words") if has_request_context() else None
    if words is None:
        words = {"high": _("High"), "low": _("Low"), "normal": _("Normal")}
        if has_request_context():
            g.fao_priority_words = words
    return words[priority_level(priority)]


def decision_label(value: Any) -> str:

    return {"approve": _("Approved"), "revise": _("Returned for revision"),
            "reject": _("Rejected")}.get(str(value), str(value))


def action_label(action: str) -> str:

    return {
        "started": _("Started"), "claimed": _("Claimed"), "unclaimed": _("Released"),
        "assigned": _("Assigned"), "completed": _("Handled"), "message": _("Message received"),
        "timer": _("Timer fired"), "suspended": _("Suspended"), "resumed": _("Resumed"),
        "terminated": _("Terminated"), "withdrawn": _("Withdrawn"), "commented": _("Commented"), "incident": _("Error"),
        "retried": _("Retried"),
        "migrated": _("Migrated"), "moved": _("Moved"), "deployed": _("Deployed"),
        "user_created": _("User created"), "user_updated": _("User changed"),
        "user_disabled": _("User disabled"), "user_enabled": _("User enabled"),
        "password_reset": _("Password reset"), "unit_created": _("Unit created"),
        "unit_updated": _("Unit changed"), "unit_disabled": _("Unit disabled"), "unit_enabled": _("Unit enabled"),
    }.get(action, action)


def data_date(value: Any) -> str:
    """A date (or date-time) from case data in the reader's format: 2026年12月8日 / December 8, 2026."""
    from datetime import date

    from webui.i18n import local_dt

    if isinstance(value, datetime):
        return local_dt(value)
    if isinstance(value, date):
        return format_date(value, "long")
    text = str(value)
    try:
        if len(text) > 10:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            return local_dt(moment) if moment.tzinfo else format_date(moment.date(), "long")
        return format_date(date.fromisoformat(text), "long")
    except ValueError:
        return text


def plain_value(value: Any) -> str:
    """A value no form describes the parts of, without Python's punctuation: its parts' values, 是/否."""

    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict):
        return "；".join(plain_value(v) for v in value.values() if v not in (None, "", [], {}))
    if isinstance(value, (list, tuple, set)):
        return "、".join(plain_value(v) for v in value if v not in (None, "", [], {}))
    return "" if value is None else str(value)


def register(app: Flask) -> None:
    """Expose the helpers to templates."""
    from engine.people.visibility import may_read_office_notes, may_see_registers

    app.jinja_env.filters["person"] = person_name
    app.jinja_env.filters["data_date"] = data_date
    app.jinja_env.filters["plain_value"] = plain_value
    app.jinja_env.globals.update(process_title=process_title, group_title=group_title, role_title=role_title,
                                 lane_titles=lane_titles,
                                 status_label=status_label, task_status_label=task_status_label,
                                 decision_label=decision_label,
                                 priority_label=priority_label, priority_level=priority_level,
                                 action_label=action_label, ui_lang=ui_lang, may_see_registers=may_see_registers,
                                 may_read_office_notes=may_read_office_notes)
