"""Users, groups, roles and API tokens."""
from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from werkzeug.security import check_password_hash, generate_password_hash

from engine.errors import EngineError, NotFound, problem
from engine.people.identity import GROUPS, ROLES
from store.models import Unit, User

if TYPE_CHECKING:
    from store.uow import UnitOfWork

UNIT_KEY = re.compile(r"[a-z0-9_]{1,50}")
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MAX_PHONE = 30


def hash_password(password: str) -> str:
    """A salted hash of ``password``, by werkzeug's default method (scrypt).

    ``FAO_TEST_PASSWORD_HASH`` (tests only) names a cheaper werkzeug method, e.g.
    ``pbkdf2:sha256:1``; whatever made a stored hash, ``check_password_hash`` reads the method
    from the hash itself, so hashes made either way keep verifying.
    """
    method = os.environ.get("FAO_TEST_PASSWORD_HASH")
    return generate_password_hash(password, method=method) if method else generate_password_hash(password)


class BadInput(EngineError):
    code = "bad_request"


def ensure_groups(uow: UnitOfWork) -> None:
    for key, (zh, en) in GROUPS.items():
        if uow.users.group(key) is None:
            uow.users.put_group(key, zh, en)


def put_unit(uow: UnitOfWork, key: str, name: str, name_en: str | None = None) -> Unit:
    """Create or update a unit (the caller commits).

    Raises:
        BadInput: a key that is not lowercase letters, digits and ``_``, or an empty name.
    """
    problems = unit_problems(key, name, name_en)
    if problems:
        raise BadInput("bad_unit", problems)
    return uow.users.put_unit(key, name.strip(), name_en.strip() if name_en is not None else None)


def unit_problems(key: str, name: str, name_en: str | None) -> list[dict]:
    """What is wrong with a unit's key and names (``name_en`` None: not given)."""
    problems = [] if UNIT_KEY.fullmatch(key) else [problem("key", "bad_unit_key", key=key)]
    if not name.strip() or len(name) > 200:
        problems.append(problem("name", "bad_unit_name"))
    if name_en is not None and (not name_en.strip() or len(name_en) > 200):
        problems.append(problem("name_en", "bad_unit_name"))
    return problems


def good_username(username: str) -> bool:
    """1 to 100 letters, digits, ``.``, ``_`` or ``-``."""
    return bool(username) and len(username) <= 100 \
        and username.replace("_", "").replace("-", "").replace(".", "").isalnum()


def put_user(uow: UnitOfWork, now: datetime, username: str, password: str | None = None, groups: Iterable[str] = (),
             roles: Iterable[str] = (), display_name: str | None = None, unit: str | None = None,
             phone: str | None = None) -> User:
    """Create or update a user (the caller commits); ``unit``: the key of their unit (None: keep
    the one they have, ``""``: none); ``phone``: their office phone (None: keep it).

    Raises:
        BadInput: unknown group, role or unit, or an empty name.
    """
    groups, roles = list(groups), list(roles)
    problems = [problem("groups", "unknown_group", group=g) for g in groups if g not in GROUPS]
    if unit and uow.users.unit(unit) is None:
        problems.append(problem("unit", "unknown_unit", unit=unit))
    problems += [problem("roles", "unknown_role", role=r, expected=", ".join(ROLES)) for r in roles if r not in ROLES]
    if phone and len(phone.strip()) > MAX_PHONE:
        problems.append(problem("phone", "maxLength", limit=MAX_PHONE))
    if not good_username(username):
        problems.append(problem("name", "bad_user_name"))
    if problems:
        raise BadInput("bad_user", problems)
    ensure_groups(uow)
    user = uow.users.by_username(username)
    if user is None:
        user = User(username=username, display_name=display_name or username, created_at=now, active=True)
        uow.users.add(user)
    if display_name:
        user.display_name = display_name
    if password:
        user.password_hash = hash_password(password)
    if unit is not None:
        user.unit_key = unit or None
    if phone is not None:
        user.phone = phone.strip() or None
    uow.users.set_groups(user, groups)
    uow.users.set_roles(user, roles)
    return user


def new_token(uow: UnitOfWork, now: datetime, username: str) -> str:
    user = uow.users.by_username(username)
    if user is None:
        raise NotFound("unknown_user", user=username)
    token = secrets.token_urlsafe(32)
    uow.users.add_token(user, token, now)
    return token


def authenticate(uow: UnitOfWork, now: datetime, username: str, password: str) -> User | None:
    """Check a password, counting failures; a user locked after too many failures is refused."""
    user = uow.users.by_username(username)
    if user is None or not user.active:
        check_password_hash(hash_password("x"), password)  # same cost either way
        return None
    if user.locked_until is not None and user.locked_until > now:
        return None
    if user.password_hash and check_password_hash(user.password_hash, password):
        user.failed_logins = 0
        user.locked_until = None
        return user
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.locked_until = now + LOCKOUT
        user.failed_logins = 0
    return None


def set_locale(uow: UnitOfWork, username: str, locale: str) -> None:
    """Keep a user's language choice (the caller commits)."""
    user = uow.users.by_username(username)
    if user is not None and locale in ("zh_CN", "en"):
        user.locale = locale
