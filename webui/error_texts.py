"""Engine errors put into words from the translation catalogue, in the current language.

The engine raises an error as a message code (``reason``) with parameters, and a located problem
as ``{"field": ..., "reason": ..., "params": {...}}`` (:func:`engine.errors.problem`). Pages, the
API's ``message`` fields and the CLI all word them here. A parameter that names a person
(``holder``, ``user``) is shown by the person's display name, never by the login.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from engine.errors import EngineError

NameOf = Callable[[str], str]
"""Maps a login to the name people see."""

TEXTS = {
    # tasks
    "task_not_found": _l("There is no such task."),
    "task_completed": _l("The task has already been completed."),
    "task_cancelled": _l("The task has been cancelled."),
    "task_claimed_by": _l("%(holder)s has already taken this task."),
    "task_not_claimed": _l("Nobody has taken this task."),
    "task_no_longer_open": _l("The task is no longer open."),
    "task_not_yours": _l("You may not work on this task."),
    "claim_outside_group": _l("Only members of the task's group may take it."),
    "unclaim_outside_group": _l("Only members of the task's group may release it."),
    "complete_not_allowed": _l("Only the person handling the task, or a member of its group while "
                               "nobody handles it, may complete it."),
    "unknown_user": _l("There is no user “%(user)s”."),
    # cases
    "case_not_found": _l("There is no such case."),
    "case_not_active": _l("The case is “%(status)s”: its tasks cannot be handled now."),
    "case_cannot_suspend": _l("A case that is “%(status)s” cannot be suspended."),
    "case_cannot_resume": _l("A case that is “%(status)s” cannot be resumed."),
    "case_cannot_terminate": _l("A case that is “%(status)s” cannot be terminated."),
    "case_changed": _l("Someone else changed the case just now; please try again."),
    "incident_not_found": _l("There is no such error record."),
    "incident_resolved": _l("This error has already been resolved."),
    "resume_before_retry": _l("Resume the case before retrying."),
    "nothing_to_claim": _l("There is nothing to do."),
    # processes and versions
    "process_not_found": _l("There is no process “%(key)s”."),
    "no_manual_start": _l("This process starts by itself (timer or message), not by an application."),
    "start_not_allowed": _l("You may not start this process."),
    "version_not_found": _l("Process “%(key)s” has no version %(version)s."),
    "version_id_not_found": _l("The process version of this case is missing."),
    "migrate_not_allowed": _l("Only a supervisor or a process analyst may move cases to another version."),
    "migration_refused": _l("The case cannot move to version %(version)s: %(reasons)s"),
    "migration_unsafe": _l("%(detail)s"),
    "move_refused": _l("The token cannot be moved"),
    "move_incomplete": _l("A move needs the current step, the target step and a reason."),
    "case_ended": _l("The case has ended (%(status)s)."),
    "case_suspended": _l("The case is suspended: resume it first."),
    "from_missing": _l("Choose the step to move the token from."),
    "to_missing": _l("Choose the step to move the token to."),
    "from_not_active": _l("No token is at “%(element)s” now."),
    "from_repeats": _l("“%(element)s” repeats (multi-instance or loop, or inside one): its tokens cannot be moved."),
    "from_ambiguous": _l("Several tokens are at “%(element)s”."),
    "incident_elsewhere": _l("The case has an open incident at “%(element)s”: retry it, or move the token from "
                             "that step."),
    "to_other_scope": _l("“%(element)s” is in another process or subprocess: a token moves within its own "
                         "process (to leave a subprocess, move from its call activity)."),
    "to_unknown": _l("The process has no element “%(element)s”."),
    "to_kind": _l("“%(element)s” is a %(kind)s: move the token to a task or an activity."),
    # messages between cases
    "no_case_waits": _l("No case is waiting for message “%(name)s” with these correlation values."),
    "message_uncorrelated": _l("The payload of message “%(name)s” does not give its correlation values "
                               "(expression %(expressions)s failed: %(error)s)."),
    # people and roles
    "supervisor_only": _l("Only a supervisor may do this."),
    "analyst_only": _l("Only a process analyst may deploy processes."),
    "bad_user": _l("The user cannot be saved."),
    "unknown_group": _l("There is no group “%(group)s”."),
    "unknown_role": _l("There is no role “%(role)s” (expected one of %(expected)s)."),
    "bad_user_name": _l("A user name is 1 to 100 letters, digits, “.”, “_” or “-”."),
    # form data
    "data_not_object": _l("The data must be a JSON object."),
    "form_invalid": _l("The form has errors."),
    "required": _l("This field is required"),
    "type": _l("Must be %(types)s"),
    "pattern": _l("The format is not valid"),
    "choice": _l("Choose a valid option"),
    "minLength": _l("Enter at least %(limit)s characters"),
    "maxLength": _l("Enter at most %(limit)s characters"),
    "minimum": _l("Must be at least %(limit)s"),
    "maximum": _l("Must be at most %(limit)s"),
    "exclusiveMinimum": _l("Must be more than %(limit)s"),
    "exclusiveMaximum": _l("Must be less than %(limit)s"),
    "multipleOf": _l("Must be a multiple of %(limit)s"),
    "minItems": _l("Add at least %(limit)s items"),
    "maxItems": _l("Add at most %(limit)s items"),
    "uniqueItems": _l("Items must not repeat"),
    "not_allowed": _l("This field is not allowed"),
    "invalid": _l("The value is not valid"),
    "format_date": _l("Enter a valid date (YYYY-MM-DD)"),
    "format_date_time": _l("Enter a valid date and time"),
    "format_time": _l("Enter a valid time"),
    "format_email": _l("Enter a valid email address"),
    "format_idn_email": _l("Enter a valid email address"),
    "format_uuid": _l("Enter a valid identifier"),
}

TYPE_NAMES = {
    "string": _l("text"), "integer": _l("a whole number"), "number": _l("a number"),
    "boolean": _l("yes/no"), "array": _l("a list"), "object": _l("an object"), "null": _l("empty"),
}

PERSON_PARAMS = ("holder", "user")


def describe(reason: str, params: Mapping[str, Any], name_of: NameOf) -> str:
    """One message code with its parameters, in words of the current language.

    Args:
        reason: The engine's message code.
        params: The values the message names.
        name_of: Maps a login to the name people see.

    Returns:
        The sentence from the catalogue; the code itself when the catalogue has none.
    """
    template = TEXTS.get(reason)
    if template is None:
        return reason
    values = {key: _word(key, value, name_of) for key, value in params.items()}
    text = str(template)
    return text % values if values else text


def error_text(exc: EngineError, name_of: NameOf) -> str:
    """The sentence that tells a person what went wrong."""
    return describe(exc.reason, exc.params, name_of)


def detail_texts(details: Iterable[dict], name_of: NameOf) -> list[dict]:
    """Details as the API answers them: a problem's code and parameters become its ``message``."""
    out = []
    for detail in details:
        if "reason" in detail:
            out.append({"field": detail["field"],
                        "message": describe(detail["reason"], detail.get("params") or {}, name_of)})
        else:
            out.append(detail)
    return out


def field_errors(details: Iterable[dict], name_of: NameOf) -> dict[str, str]:
    """``{field: message}`` for a form page (the first problem of each field)."""
    errors: dict[str, str] = {}
    for detail in detail_texts(details, name_of):
        errors.setdefault(detail.get("field", ""), detail.get("message", ""))
    return errors


def _word(key: str, value: Any, name_of: NameOf) -> Any:
    if key in PERSON_PARAMS and isinstance(value, str):
        return name_of(value)
    if key == "status" and isinstance(value, str):
        from webui.present import status_label

        return status_label(value)
    if key == "kind" and isinstance(value, str):
        from webui.element_names import type_label

        return type_label(value)
    if key == "types" and isinstance(value, list):
        return gettext(" or ").join(str(TYPE_NAMES.get(t, t)) for t in value)
    return value
