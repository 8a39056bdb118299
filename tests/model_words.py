"""Model problems as a reader sees them, for tests that assert the words."""
from __future__ import annotations

from webui.error_texts import TEXTS, problem_line, problem_text
from webui.i18n import speaking


def said(problem, lang: str = "en") -> str:
    """What a problem says, in ``lang``; fails when its code has no text in the catalogue."""
    assert problem.reason in TEXTS, f"no text for {problem.reason!r}"
    with speaking(lang):
        return problem_text(problem)


def said_line(problem, lang: str = "en") -> str:
    """The problem on one line with its file and line, as the CLI prints it."""
    with speaking(lang):
        return problem_line(problem)
