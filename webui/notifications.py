"""In-app notifications as their reader reads them.

The engine stores its own notices (an escalation, the overdue digest) as a code with parameters;
they are worded here, in the reader's language, with people and groups by name. A process
model's own text (the ``notify`` service) is shown in the language it was given in.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext

from engine.commands.escalations import ESCALATION, OVERDUE_DIGEST
from engine.commands.passport_reminders import PASSPORT_OVERDUE
from store.models import Notification
from webui.i18n import localized_value
from webui.present import group_title, person_name
from webui.register_texts import passport_kind_label


def notification_text(note: Notification) -> str:
    params = note.params or {}
    if note.code == ESCALATION:
        return gettext("Escalation: “%(element)s” of %(case)s (%(key)s) reached its time limit and was escalated "
                       "as the process lays down.", element=params.get("element") or "",
                       case=params.get("case_title") or "", key=params.get("business_key") or "")
    if note.code == OVERDUE_DIGEST:
        return _digest_text(params)
    if note.code == PASSPORT_OVERDUE:
        return gettext("Passport overdue: the %(kind)s of %(holder)s (%(unit)s), lent for %(trip)s, was due back "
                       "on %(due)s and has not been handed back.", kind=passport_kind_label(params.get("kind") or ""),
                       holder=params.get("holder") or "", unit=params.get("holder_unit") or "",
                       trip=params.get("lent_for") or "", due=params.get("due_back_on") or "")
    return localized_value(note.message, note.message_en)


def _digest_text(params: dict[str, Any]) -> str:
    count = int(params.get("count") or 0)
    tasks = params.get("tasks") or []
    lines = [gettext("%(task)s (%(key)s, %(group)s, %(person)s)", task=t.get("name") or "",
                     key=t.get("business_key") or "", group=group_title(t.get("lane")) or "-",
                     person=person_name(t["assignee"]) if t.get("assignee") else gettext("not claimed"))
             for t in tasks]
    text = gettext("Overdue digest: %(n)s tasks became overdue in the last day: %(tasks)s", n=count,
                   tasks=gettext("; ").join(lines))
    if count > len(tasks):
        text += gettext(", %(n)s in all", n=count)
    return text
