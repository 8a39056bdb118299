"""Comments on a case: whoever may see a case may leave a note in its history (留言).

A comment changes nothing of the case's work: it is one ``commented`` event in the case's
append-only history, with the text, read by everyone who may see the case.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from engine.errors import Forbidden, NotFound, ValidationFailed, problem
from engine.people.identity import Actor
from engine.people.visibility import Sight, case_sight
from store.models import AuditEvent

if TYPE_CHECKING:
    from engine.commands.runner import CommandRunner

MAX_COMMENT = 2000


def add_comment(runner: CommandRunner, instance_id: str, actor: Actor, text: str) -> None:
    """Add a comment to the case's history in one transaction.

    Raises:
        ValidationFailed: no text, or one too long.
        NotFound: no such case, or one hidden from the actor.
        Forbidden: the actor may not see the case.
    """
    text = (text or "").strip()
    if not text or len(text) > MAX_COMMENT:
        raise ValidationFailed("comment_invalid", [problem("text", "required" if not text else "maxLength",
                                                           limit=MAX_COMMENT)])
    with runner.uow() as uow:
        if len(instance_id) > 64 or uow.reads.cases.summary(instance_id) is None:
            raise NotFound("case_not_found", case=instance_id)
        sight = case_sight(uow, actor, instance_id)
        if sight is Sight.HIDDEN:
            raise NotFound("case_not_found", case=instance_id)
        if sight is Sight.REFUSED:
            raise Forbidden("case_not_visible")
        uow.audit.add(AuditEvent(instance_id=instance_id, at=runner.clock.now(), actor=actor.username,
                                 action="commented", task_id=None, bpmn_id=None, detail={"comment": text}))
        uow.commit()
