"""Account commands in their own transactions: save users, issue tokens, sign in, keep a language."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.people.accounts import authenticate, new_token, put_unit, put_user, set_locale
from engine.people.identity import Actor, load_actor

if TYPE_CHECKING:
    from engine.commands.runner import CommandRunner


@dataclass(frozen=True)
class SignedIn:
    """Who signed in, and the language they chose (None: not chosen yet)."""

    actor: Actor
    chosen_locale: str | None


@dataclass(frozen=True)
class UserSpec:
    """One user to create or update."""

    username: str
    password: str | None = None
    groups: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    display_name: str | None = None
    unit: str | None = None  # the key of their unit; None keeps the one they have
    phone: str | None = None  # their office phone (prefilled on start forms); None keeps it


@dataclass(frozen=True)
class UnitSpec:
    """One unit to create or update."""

    key: str
    name: str
    name_en: str | None = None


def save_units(runner: CommandRunner, units: Iterable[UnitSpec]) -> list[str]:
    """Create or update units, all in one transaction.

    Raises:
        BadInput: a malformed key or an empty name (nothing is saved).
    """
    with runner.uow() as uow:
        keys = [put_unit(uow, u.key, u.name, u.name_en).key for u in units]
        uow.commit()
    return keys


def save_users(runner: CommandRunner, users: Iterable[UserSpec]) -> list[str]:
    """Create or update users, all in one transaction.

    Raises:
        BadInput: an unknown group or role, or a malformed name (nothing is saved).
    """
    now = runner.clock.now()
    with runner.uow() as uow:
        names = [put_user(uow, now, u.username, u.password, u.groups, u.roles, u.display_name,
                          u.unit, u.phone).username
                 for u in users]
        uow.commit()
    return names


def issue_token(runner: CommandRunner, username: str) -> str:
    """A new API token for the user; only its hash is stored.

    Raises:
        NotFound: no such user.
    """
    with runner.uow() as uow:
        token = new_token(uow, runner.clock.now(), username)
        uow.commit()
    return token


def sign_in(runner: CommandRunner, username: str, password: str) -> SignedIn | None:
    """Check a password; the failure counter (and lockout) is committed either way."""
    with runner.uow() as uow:
        user = authenticate(uow, runner.clock.now(), username, password)
        uow.commit()
        if user is None:
            return None
        return SignedIn(load_actor(uow, user.username), user.locale)


def remember_locale(runner: CommandRunner, username: str, locale: str) -> None:
    """Keep a user's language choice."""
    with runner.uow() as uow:
        set_locale(uow, username, locale)
        uow.commit()
