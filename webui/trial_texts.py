"""How ``fao try`` words its rows: the deploy result, where the case stopped, and why.

The trial (``engine.deploy.trial``) reports codes with parameters; this module turns them into
the words of the catalogue, in the language the caller speaks (see ``webui.i18n.speaking``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from webui.error_texts import error_text, incident_text, problem_line

if TYPE_CHECKING:
    from flask_babel import LazyString

    from engine.deploy.trial import TrialRow

DEPLOY_WORDS: dict[str, LazyString] = {
    "deployed": _l("deployed"), "refused": _l("refused"), "crash": _l("crashed"),
}

OUTCOME_WORDS: dict[str, LazyString] = {
    "none": _l("-"),
    "completed": _l("completed"),
    "incident": _l("incident"),
    "not_started": _l("not started"),
    "not_started_timer": _l("not started: starts only by a timer"),
    "not_executable": _l("not started: its main process is not executable"),
    "start_message_refused": _l("not started: the start message was refused"),
    "start_data_refused": _l("not started: the example start data was refused"),
    "task_data_refused": _l("waiting on task %(task)s: the example form data was refused"),
    "task_refused": _l("waiting on task %(task)s"),
    "waiting_task": _l("waiting on task %(task)s"),
    "still_on_task": _l("still on task %(task)s after %(done)s tasks"),
    "waiting_timer": _l("waiting on timer %(element)s"),
    "waiting_message": _l("waiting on message %(message)s"),
    "waiting_nothing": _l("waiting on nothing"),
}


SUMMARY_WORDS: dict[str, LazyString] = {
    "refused": _l("%(n)s refused"), "crash": _l("%(n)s crashed"), "completed": _l("%(n)s completed"),
    "incident": _l("%(n)s with an incident"), "waiting": _l("%(n)s waiting"), "not_started": _l("%(n)s not started"),
}


def summary_key(row: TrialRow) -> str:
    """The heading a row counts under in the closing summary."""
    if row.deploy != "deployed":
        return row.deploy
    if row.outcome in ("completed", "incident"):
        return row.outcome
    return "waiting" if row.outcome.startswith(("waiting", "still", "task")) else "not_started"


def summary_text(total: int, counts: dict[str, int]) -> str:
    """``N models: …`` after the rows."""
    parts = [str(SUMMARY_WORDS[k]) % {"n": n} if k in SUMMARY_WORDS else f"{n} {k}" for k, n in sorted(counts.items())]
    return gettext("%(total)s models: %(parts)s", total=total, parts=gettext(", ").join(parts))


def outcome_text(row: TrialRow) -> str:
    """Where the row's case stopped, in words (``+N more`` when it waits on several things)."""
    params: dict[str, Any] = {"done": row.tasks_done, **row.params}
    template = OUTCOME_WORDS.get(row.outcome)
    text = str(template) % params if template is not None else row.outcome
    more = int(params.get("more") or 0)
    return text + (" " + gettext("(+%(n)s more)", n=more) if more else "")


def deploy_text(row: TrialRow) -> str:
    word = DEPLOY_WORDS.get(row.deploy)
    return str(word) if word is not None else row.deploy


def detail_text(row: TrialRow) -> str:
    """The first problem of a refused deploy, or why the case stopped."""
    if row.problems:
        more = len(row.problems) - 1
        text = problem_line(row.problems[0]) + (" " + gettext("(+%(n)s more)", n=more) if more else "")
    elif row.error is not None:
        text = error_text(row.error, lambda login: login)
    elif row.outcome == "incident" and row.params:
        p = row.params
        text = f"{p.get('element') or '-'}: " + incident_text(p.get("error_type") or "", p.get("message") or "",
                                                             p.get("element"))
    else:
        text = row.detail
    return " ".join(text.split()) or "-"
