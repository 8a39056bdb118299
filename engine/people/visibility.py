"""Who may see and work what: the one place that decides, for pages, API and CLI alike.

| question | yes for |
|---|---|
| see a case | supervisors; its starter; whoever holds or finished one of its tasks; members of a lane with an open or claimed task in it |
| see a task | supervisors; its assignee and its finisher; members of its lane (any user when it has no lane); those who may see its case |
| see an attachment | its uploader; supervisors; those who may see a case that refers to it |
| work a task | its assignee; while unclaimed, members of its lane (any user when it has no lane) |
| claim a task | members of its lane (any user when it has no lane) |
| unclaim a task | supervisors; its assignee while a member of its lane |
| assign a task | supervisors |
| see the registers | supervisors; clerks of the office (the clerk role in one of the office's groups), never applicant units |
| read passport numbers unmasked | members of the passport and visa section |

Lists are filtered by the same grounds: :func:`case_scope` and :func:`work_scope` hand the store
the values its list queries filter on (:mod:`store.access`). Whether a person works a task's
lane is decided by :func:`works_lane` (and, for lists, by :func:`work_scope` and
:func:`case_scope`): the place where tasks of the ``applicant_unit`` lane are to be bound to the
unit that started their case.
"""  # noqa: E501 - the docstring's table is the documentation; its rows cannot wrap
from __future__ import annotations

from typing import Any

from engine.people.identity import GROUPS, Actor
from store.access import CaseScope, WorkScope


def works_lane(actor: Actor, row: Any) -> bool:
    """Whether the actor works in the lane of a task (``row``): a member of the lane's group, or
    anyone when the task is in no lane."""
    return row.lane is None or row.lane in actor.groups


def work_scope(actor: Actor) -> WorkScope:
    """The tasks the actor may work, for the inbox and counts: theirs, and their lanes' unclaimed."""
    return WorkScope(user=actor.username, lanes=tuple(sorted(actor.groups)))


def case_scope(actor: Actor) -> CaseScope:
    """The cases the actor may see, for case lists and the single-case check."""
    if actor.is_supervisor:
        return CaseScope(everything=True)
    return CaseScope(started_by=actor.username, worked_by=actor.username,
                     open_in_lanes=tuple(sorted(actor.groups)))


def applications_scope(actor: Actor) -> CaseScope:
    """The actor's own applications: the cases they started."""
    return CaseScope(started_by=actor.username)


def may_see_case(uow: Any, actor: Actor, instance_id: str) -> bool:
    """Whether the case exists and the actor may see it."""
    return uow.reads.cases.visible(instance_id, case_scope(actor))


def may_see_task(uow: Any, actor: Actor, row: Any) -> bool:
    """Whether the actor may open a task (``row``: its ``human_task`` row)."""
    return (actor.is_supervisor or actor.username in (row.assignee, row.completed_by)
            or works_lane(actor, row) or may_see_case(uow, actor, row.instance_id))


def may_see_attachment(uow: Any, actor: Actor, attachment: Any) -> bool:
    """Whether the actor may download an attachment (``attachment``: its row, without content)."""
    if actor.is_supervisor or attachment.uploaded_by == actor.username:
        return True
    return any(may_see_case(uow, actor, instance_id)
               for instance_id in uow.reads.cases.referring_to_attachment(attachment.id))


def may_work_task(actor: Actor, row: Any) -> bool:
    """Whether the actor may fill in and complete a task now."""
    if row.assignee:
        return row.assignee == actor.username
    return works_lane(actor, row)


def may_claim_task(actor: Actor, row: Any) -> bool:
    """Whether the actor may take a task from its lane's queue."""
    return works_lane(actor, row)


def may_unclaim_task(actor: Actor, row: Any) -> bool:
    """Whether the actor may give a claimed task back to its lane."""
    return actor.is_supervisor or (row.assignee == actor.username and works_lane(actor, row))


def may_assign_task(actor: Actor, row: Any) -> bool:
    """Whether the actor may hand a task to a person of their choice."""
    return actor.is_supervisor


OFFICE_GROUPS = frozenset(GROUPS) - {"applicant_unit"}
PASSPORT_SECTION = "passport_visa_section"


def may_see_registers(actor: Actor) -> bool:
    """Whether the actor may read the office's registers (ledgers): supervisors, and clerks who
    work in one of the office's own groups; applicant units never."""
    return actor.is_supervisor or ("clerk" in actor.roles and bool(actor.groups & OFFICE_GROUPS))


def may_read_passport_numbers(actor: Actor) -> bool:
    """Whether register pages, exports and the API show this actor passport numbers unmasked: the
    passport and visa section keeps the ledger; everyone else reads them masked."""
    return PASSPORT_SECTION in actor.groups
