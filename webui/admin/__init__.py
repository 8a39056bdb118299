"""The administration pages (``/admin``): users, units, and the groups and roles of users.

Administrators only (403 for everyone else). The rules live in
:mod:`engine.people.administration`; these pages ask it and show its refusals beside the fields.
"""
from webui.admin import units, users  # noqa: F401  (routes attach to bp)
from webui.admin.blueprint import bp

__all__ = ["bp"]
