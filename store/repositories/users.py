"""Users, their groups, roles and API tokens."""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from store.models import ApiToken, Group, Membership, Unit, User, UserRole


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.s = session

    def by_username(self, username: str) -> User | None:
        return self.s.scalars(select(User).where(User.username == username)).first()

    def by_id(self, user_id: int) -> User | None:
        return self.s.get(User, user_id)

    def add(self, user: User) -> None:
        self.s.add(user)
        self.s.flush()

    def count(self) -> int:
        return self.s.scalar(select(func.count()).select_from(User)) or 0

    def groups_of(self, user: User) -> list[str]:
        return list(self.s.scalars(select(Membership.group_key).where(Membership.user_id == user.id)).all())

    def roles_of(self, user: User) -> list[str]:
        return list(self.s.scalars(select(UserRole.role).where(UserRole.user_id == user.id)).all())

    def set_groups(self, user: User, groups: Iterable[str]) -> None:
        self.s.execute(delete(Membership).where(Membership.user_id == user.id))
        for g in sorted(set(groups)):
            self.s.add(Membership(user_id=user.id, group_key=g))
        self.s.flush()

    def set_roles(self, user: User, roles: Iterable[str]) -> None:
        self.s.execute(delete(UserRole).where(UserRole.user_id == user.id))
        for r in sorted(set(roles)):
            self.s.add(UserRole(user_id=user.id, role=r))
        self.s.flush()

    def members_of(self, group_key: str) -> list[str]:
        return list(
            self.s.scalars(
                select(User.username)
                .join(Membership, Membership.user_id == User.id)
                .where(Membership.group_key == group_key)
            ).all()
        )

    def in_unit(self, unit_key: str) -> list[str]:
        """The active users of a unit."""
        return list(self.s.scalars(
            select(User.username).where(User.unit_key == unit_key, User.active.is_(True)).order_by(User.username)
        ).all())

    def with_role(self, role: str) -> list[str]:
        return list(
            self.s.scalars(
                select(User.username).join(UserRole, UserRole.user_id == User.id).where(UserRole.role == role)
            ).all()
        )

    def group(self, key: str) -> Group | None:
        return self.s.get(Group, key)

    def groups(self) -> Sequence[Group]:
        return self.s.scalars(select(Group).order_by(Group.key)).all()

    def put_group(self, key: str, title_zh: str, title_en: str) -> None:
        row = self.s.get(Group, key)
        if row is None:
            self.s.add(Group(key=key, title_zh=title_zh, title_en=title_en))
        else:
            row.title_zh, row.title_en = title_zh, title_en
        self.s.flush()

    def unit(self, key: str) -> Unit | None:
        return self.s.get(Unit, key)

    def units(self, active_only: bool = True) -> Sequence[Unit]:
        """Units by key (the active ones unless asked otherwise)."""
        stmt = select(Unit).order_by(Unit.key)
        if active_only:
            stmt = stmt.where(Unit.active.is_(True))
        return self.s.scalars(stmt).all()

    def put_unit(self, key: str, name: str, name_en: str | None) -> Unit:
        """Create or update a unit (an update keeps an English name not given again)."""
        row = self.s.get(Unit, key)
        if row is None:
            row = Unit(key=key, name=name, name_en=name_en, active=True)
            self.s.add(row)
        else:
            row.name, row.active = name, True
            if name_en is not None:
                row.name_en = name_en
        self.s.flush()
        return row

    def add_token(self, user: User, token: str, at: datetime) -> None:
        self.s.add(ApiToken(user_id=user.id, token_hash=hash_token(token), created_at=at))
        self.s.flush()

    def by_token(self, token: str) -> User | None:
        row = self.s.scalars(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).first()
        return self.s.get(User, row.user_id) if row else None

    def revoke_tokens(self, user: User) -> int:
        """Delete every API token of the user; how many there were."""
        result = self.s.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
        self.s.flush()
        return int(getattr(result, "rowcount", 0) or 0)
