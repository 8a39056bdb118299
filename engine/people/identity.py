"""Who is acting: the actor, their groups, roles and unit, and the role checks of commands.

Who may see and work cases and tasks is decided in :mod:`engine.people.visibility`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.errors import Forbidden, NotFound

if TYPE_CHECKING:
    from store.models import User
    from store.uow import UnitOfWork

ROLES = ("clerk", "supervisor", "analyst", "admin")
GROUPS: dict[str, tuple[str, str]] = {
    "applicant_unit": ("申报单位", "Applicant unit"),
    "fao_clerk": ("外办经办人", "FAO clerk"),
    "section_chief": ("科室负责人", "Section chief"),
    "deputy_director": ("分管副主任", "Deputy director in charge"),
    "office_director": ("外办主任", "Office director"),
    "municipal_leader": ("市领导", "Municipal leader"),
    "protocol_section": ("礼宾科", "Protocol section"),
    "passport_visa_section": ("护照签证科", "Passport and visa section"),
    "sister_city_section": ("友城科", "Sister city section"),
    "press_culture_section": ("新闻文化科", "Press and culture section"),
}


@dataclass(frozen=True)
class Actor:
    """An authenticated user as the engine sees them (``unit``: the key of the unit they work for)."""

    username: str
    groups: frozenset[str] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)
    display_name: str = ""
    locale: str = "zh_CN"
    unit: str | None = None

    @property
    def is_supervisor(self) -> bool:
        return bool(self.roles & {"supervisor", "admin"})

    @property
    def is_analyst(self) -> bool:
        return bool(self.roles & {"analyst", "admin"})


SYSTEM = Actor("system", roles=frozenset({"admin"}), display_name="system")


def load_actor(uow: UnitOfWork, username: str) -> Actor:
    """Load an actor from the store.

    Raises:
        NotFound: no active user of that name.
    """
    user = uow.users.by_username(username)
    if user is None or not user.active:
        raise NotFound("unknown_user", user=username)
    return actor_of(uow, user)


def actor_of(uow: UnitOfWork, user: User) -> Actor:
    """The actor of a user row: their groups, roles, name, language and unit."""
    return Actor(
        username=user.username,
        groups=frozenset(uow.users.groups_of(user)),
        roles=frozenset(uow.users.roles_of(user)),
        display_name=user.display_name or user.username,
        locale=user.locale or "zh_CN",
        unit=user.unit_key,
    )


def require_supervisor(actor: Actor) -> None:
    if not actor.is_supervisor:
        raise Forbidden("supervisor_only")


def require_analyst(actor: Actor) -> None:
    if not actor.is_analyst:
        raise Forbidden("analyst_only")


def may_start(actor: Actor, catalogue_groups: frozenset[str] | None, start_lane: str | None) -> bool:
    """Catalogue groups decide for the twenty; otherwise the start event's lane, or anyone."""
    if actor.roles & {"supervisor", "analyst", "admin"}:
        return True
    if catalogue_groups is not None:
        return bool(actor.groups & catalogue_groups)
    return start_lane is None or start_lane in actor.groups
