"""Reads of the accounts for the administration pages: users by search and filters, their groups
and roles, and the account audit trail."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session

from store.models import ApiToken, AuditEvent, Membership, Unit, User, UserRole


@dataclass(frozen=True)
class UserFilter:
    """What the user list is narrowed to; None: no narrowing by that."""

    q: str | None = None  # part of the login, the display name, or the unit's key or name
    unit: str | None = None
    group: str | None = None
    role: str | None = None
    active: bool | None = None


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class PeopleReads:
    """Named reads of ``app_user``, ``unit`` and the account events of ``audit_event``."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def users(self, f: UserFilter) -> Select[User]:
        """The users matching the filter, by login (a list statement for ``Reads.page``)."""
        stmt = select(User).order_by(User.username)
        if f.q:
            pattern = _like(f.q)
            in_unit = select(Unit.key).where(or_(Unit.name.ilike(pattern, escape="\\"),
                                                 Unit.name_en.ilike(pattern, escape="\\"),
                                                 Unit.key.ilike(pattern, escape="\\")))
            stmt = stmt.where(or_(User.username.ilike(pattern, escape="\\"),
                                  User.display_name.ilike(pattern, escape="\\"),
                                  User.unit_key.in_(in_unit)))
        if f.unit:
            stmt = stmt.where(User.unit_key == f.unit)
        if f.group:
            stmt = stmt.where(exists().where(Membership.user_id == User.id, Membership.group_key == f.group))
        if f.role:
            stmt = stmt.where(exists().where(UserRole.user_id == User.id, UserRole.role == f.role))
        if f.active is not None:
            stmt = stmt.where(User.active.is_(f.active))
        return stmt

    def groups_and_roles(self, user_ids: Iterable[int]) -> dict[int, tuple[list[str], list[str]]]:
        """Each user's groups and roles, for one page of the list."""
        ids = list(user_ids)
        groups: dict[int, list[str]] = defaultdict(list)
        roles: dict[int, list[str]] = defaultdict(list)
        if ids:
            for uid, key in self.s.execute(select(Membership.user_id, Membership.group_key)
                                           .where(Membership.user_id.in_(ids)).order_by(Membership.group_key)):
                groups[uid].append(key)
            for uid, role in self.s.execute(select(UserRole.user_id, UserRole.role)
                                            .where(UserRole.user_id.in_(ids)).order_by(UserRole.role)):
                roles[uid].append(role)
        return {i: (groups[i], roles[i]) for i in ids}

    def token_count(self, user_id: int) -> int:
        return len(self.s.scalars(select(ApiToken.id).where(ApiToken.user_id == user_id)).all())

    def history(self, subject: str, limit: int = 200) -> Sequence[AuditEvent]:
        """The account events about ``subject`` (``user:NAME``, ``unit:KEY``), newest first."""
        return self.s.scalars(select(AuditEvent).where(AuditEvent.subject == subject)
                              .order_by(AuditEvent.id.desc()).limit(limit)).all()
