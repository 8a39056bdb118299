"""Who may see and work what: the one place that decides, for pages, API and CLI alike.

| question | yes for |
|---|---|
| see a case | supervisors; its starter; colleagues of its unit; whoever holds or finished one of its tasks; members of a lane with an open or claimed task in it that is bound to no owners; the owners of an open or claimed task of it |
| see a task | supervisors; its assignee and its finisher; those who work it (see below); those who may see its case |
| see an attachment | its uploader; supervisors; those who may see a case that refers to it |
| work a task | its assignee; while unclaimed: its owners when it is bound to owners, else members of its lane (any user when it has no lane) |
| claim a task | its owners when it is bound to owners, else members of its lane (any user when it has no lane) |
| unclaim a task | supervisors; its assignee while they work its lane |
| assign a task | supervisors; a task bound to owners to one of its owners only |
| withdraw a case | its starter and the colleagues of its unit, until the office has begun to examine it |
| see the registers | supervisors; clerks of the office (the clerk role in one of the office's groups), never applicant units |
| read passport numbers unmasked | members of the passport and visa section |

A task is **bound to owners** (:func:`task_owners`, fixed when it becomes ready) when its data
names owners for its lane in ``lane_owners`` (spiff-arena's convention:
``{"LaneName": ["user1", "unit:edu_bureau"]}``: a plain entry is a user name, ``unit:KEY`` names
every member of that unit), and otherwise when it is in the ``applicant_unit`` lane: its case's
unit, or the starter alone when the case has no unit. Such a task waits in no shared queue: its
lane's members who are not its owners neither find nor work it.

A case that belongs to a unit, and a task bound to owners, are *hidden* from those who may not see
them, and a unit's member is never told of anything they may not see (:class:`Sight`): the answer
is "not found", so that their existence is not revealed; other refusals answer "not allowed".

Lists are filtered by the same grounds: :func:`case_scope` and :func:`work_scope` hand the store
the values its list queries filter on (:mod:`store.access`).
"""  # noqa: E501 - the docstring's table is the documentation; its rows cannot wrap
from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

from engine.errors import NotFound
from engine.people.identity import GROUPS, SYSTEM, Actor
from store.access import CaseScope, WorkScope

APPLICANT_LANE = "applicant_unit"
UNIT_PREFIX = "unit:"
USER_PREFIX = "user:"


class Sight(Enum):
    """What an actor gets of a case, task or attachment: it, a refusal, or nothing at all."""

    SEEN = "seen"
    REFUSED = "refused"  # exists, and they may know it: "not allowed"
    HIDDEN = "hidden"  # another unit's business: "not found"


def owner_keys(actor: Actor) -> tuple[str, ...]:
    """The owner keys that name the actor: themselves and their unit."""
    keys = [USER_PREFIX + actor.username]
    if actor.unit:
        keys.append(UNIT_PREFIX + actor.unit)
    return tuple(keys)


def _owner_key(entry: Any) -> str | None:
    if not isinstance(entry, str) or not entry.strip():
        return None
    entry = entry.strip()
    for prefix in (UNIT_PREFIX, USER_PREFIX):
        if entry.startswith(prefix):
            name = entry[len(prefix):].strip()
            return prefix + name if name else None
    return USER_PREFIX + entry


def task_owners(lane: str | None, data: Mapping[str, Any], unit_key: str | None,
                started_by: str | None) -> tuple[str, ...]:
    """Who alone works a task that becomes ready now; ``()``: the members of its lane.

    Args:
        lane: the task's lane.
        data: the task's data (``lane_owners`` is read from it).
        unit_key: the case's unit.
        started_by: the case's starter.
    """
    if lane is None:
        return ()
    named = data.get("lane_owners")
    entries = named.get(lane) if isinstance(named, Mapping) else None
    if isinstance(entries, str):
        entries = [entries]
    if isinstance(entries, (list, tuple)):
        keys = [k for k in (_owner_key(e) for e in entries) if k is not None]
        if keys:
            return tuple(dict.fromkeys(keys))
    if lane == APPLICANT_LANE:
        if unit_key:
            return (UNIT_PREFIX + unit_key,)
        return (USER_PREFIX + (started_by or SYSTEM.username),)
    return ()


def owners_of(row: Any) -> frozenset[str]:
    """The owner keys a task row is bound to (empty: its lane's members work it)."""
    return frozenset((getattr(row, "owners", None) or "").split())


def works_lane(actor: Actor, row: Any) -> bool:
    """Whether the actor works a task (``row``) while unclaimed: one of its owners when it is bound
    to owners, else a member of its lane's group, or anyone when it is in no lane."""
    owners = owners_of(row)
    if owners:
        return bool(owners & set(owner_keys(actor)))
    return row.lane is None or row.lane in actor.groups


def workers_of(uow: Any, row: Any) -> list[str]:
    """Who may work a task while unclaimed, by login (the people a supervisor assigns it to first):
    its owners (a unit's members, the users named), else the members of its lane."""
    owners = owners_of(row)
    if not owners:
        return sorted(uow.users.members_of(row.lane)) if row.lane else []
    names: set[str] = set()
    for key in owners:
        if key.startswith(UNIT_PREFIX):
            names.update(uow.users.in_unit(key[len(UNIT_PREFIX):]))
        else:
            names.add(key[len(USER_PREFIX):])
    return sorted(names)


def _shared_lanes(actor: Actor) -> tuple[str, ...]:
    """The actor's lanes with a shared queue (the applicant unit's tasks are always bound)."""
    return tuple(sorted(actor.groups - {APPLICANT_LANE}))


def work_scope(actor: Actor) -> WorkScope:
    """The tasks the actor may work, for the inbox and counts: theirs, their lanes' unclaimed, and
    the unclaimed tasks bound to them or their unit."""
    return WorkScope(user=actor.username, lanes=_shared_lanes(actor), owner_keys=owner_keys(actor))


def case_scope(actor: Actor) -> CaseScope:
    """The cases the actor may see, for case lists and the single-case check."""
    if actor.is_supervisor:
        return CaseScope(everything=True)
    return CaseScope(started_by=actor.username, worked_by=actor.username, open_in_lanes=_shared_lanes(actor),
                     owned_by=owner_keys(actor), of_unit=actor.unit)


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


def may_read_office_notes(actor: Actor) -> bool:
    """Whether the actor reads the office's own notes on a case (why it was suspended): its staff and
    supervisors, not the applicants."""
    return actor.is_supervisor or "clerk" in actor.roles


def may_withdraw_case(actor: Actor, instance: Any) -> bool:
    """Whether the actor applies for the case (``instance``: its row): its starter, or a colleague of
    the unit it belongs to. Whether it may still be withdrawn is the command's question."""
    return instance.started_by == actor.username or (actor.unit is not None and instance.unit_key == actor.unit)


def _unit_case(uow: Any, instance_id: str) -> bool:
    case = uow.reads.cases.summary(instance_id)
    return case is not None and case.unit_key is not None


def case_sight(uow: Any, actor: Actor, instance_id: str) -> Sight:
    """Whether the actor sees an existing case; a unit's case is hidden from the others, and a
    unit's member is never told of a case they may not see."""
    if may_see_case(uow, actor, instance_id):
        return Sight.SEEN
    return Sight.HIDDEN if actor.unit or _unit_case(uow, instance_id) else Sight.REFUSED


def task_sight(uow: Any, actor: Actor, row: Any) -> Sight:
    """Whether the actor sees an existing task; a task bound to owners, or of a unit's case, is
    hidden from the others."""
    if may_see_task(uow, actor, row):
        return Sight.SEEN
    return Sight.HIDDEN if actor.unit or owners_of(row) or _unit_case(uow, row.instance_id) else Sight.REFUSED


def attachment_sight(uow: Any, actor: Actor, attachment: Any) -> Sight:
    """Whether the actor may download an existing attachment; one of a unit's case is hidden from
    the others."""
    if may_see_attachment(uow, actor, attachment):
        return Sight.SEEN
    cases = uow.reads.cases.referring_to_attachment(attachment.id)
    return Sight.HIDDEN if actor.unit or any(_unit_case(uow, i) for i in cases) else Sight.REFUSED


def require_task_in_sight(uow: Any, actor: Actor, row: Any) -> None:
    """Before a move on a task: a task hidden from the actor is, for them, not there.

    Raises:
        NotFound: the task is hidden from the actor.
    """
    if task_sight(uow, actor, row) is Sight.HIDDEN:
        raise NotFound("task_not_found", task=row.id)


def may_work_task(actor: Actor, row: Any) -> bool:
    """Whether the actor may fill in and complete a task now."""
    if row.assignee:
        return row.assignee == actor.username
    return works_lane(actor, row)


def may_claim_task(actor: Actor, row: Any) -> bool:
    """Whether the actor may take a task from its lane's queue (or its owners' one)."""
    return works_lane(actor, row)


def may_unclaim_task(actor: Actor, row: Any) -> bool:
    """Whether the actor may give a claimed task back to its lane."""
    return actor.is_supervisor or (row.assignee == actor.username and works_lane(actor, row))


def may_receive_task(assignee: Actor, row: Any) -> bool:
    """Whether a task may be handed to this person: a task bound to owners, to one of its owners
    alone (another unit's member would see what is not theirs); any other task, to anyone."""
    return not owners_of(row) or works_lane(assignee, row)


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
