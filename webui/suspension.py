"""A suspended case's mark in the task lists: the one word 已挂起 with who suspended it and why.

The reads give a :class:`store.reads.audit.Suspension` per suspended case on a page of tasks
(:meth:`store.reads.audit.AuditReads.suspensions`); pages show it with the
``macros/suspension.html`` macros, and the monitor's lists with :class:`SuspendedMark`.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup, escape

from store.reads.audit import Suspension


@dataclass(frozen=True)
class SuspendedMark:
    """A list cell: the badge with the reason on hover and beside it; in CSV, the words alone."""

    halt: Suspension

    def __str__(self) -> str:
        if self.halt.reason:
            return _("Suspended: %(reason)s", reason=self.halt.reason)
        return _("Suspended")

    def __html__(self) -> str:
        reason = escape(self.halt.reason)
        badge = Markup('<span class="badge suspended" title="{}">{}</span>').format(reason, _("Suspended"))
        if self.halt.reason:
            badge += Markup('<small class="suspension-reason">{}</small>').format(reason)
        return str(badge)
