"""Administration of users and units (role ``admin``): the rules the administration pages and the
API apply, each change in its own transaction with an account audit event.

- Only an administrator administers (``admin_only``).
- Users are never deleted: they are disabled (no sign-in, their API tokens revoked) and enabled
  again; the case histories keep their names.
- An administrator cannot disable themselves or take away their own ``admin`` role.
- A password set here follows :func:`password_problems`; a generated one is returned once.
- Units are disabled, not deleted: a disabled unit stays on its cases and users but is not offered
  for new users (nobody is moved into it).
- Every change writes an ``audit_event`` with ``subject`` ``user:NAME`` or ``unit:KEY``, the
  administrator as ``actor``, and what changed (``{field: [before, after]}``) in ``detail``; a
  password is never written, only that it was reset.
"""
from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine.errors import Forbidden, NotFound, problem
from engine.people.accounts import BadInput, ensure_groups, good_username, hash_password, unit_problems
from engine.people.identity import GROUPS, ROLES, Actor
from store.models import AuditEvent, Unit, User

if TYPE_CHECKING:
    from engine.commands.runner import CommandRunner
    from store.uow import UnitOfWork

ADMIN = "admin"
LOCALES = ("zh_CN", "en")
PASSWORD_MIN = 8
PASSWORD_MAX = 128
GENERATED_LENGTH = 12


@dataclass(frozen=True)
class UserForm:
    """A user as an administrator submits them (``unit`` ``""``: none; ``locale`` ``""``: not chosen)."""

    username: str
    display_name: str
    unit: str = ""
    groups: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    locale: str = ""
    password: str | None = None  # only when creating


@dataclass(frozen=True)
class UnitForm:
    """A unit as an administrator submits it (``name_en`` ``""``: none)."""

    key: str
    name: str
    name_en: str = ""


def require_admin(actor: Actor) -> None:
    """Raises Forbidden unless the actor is an administrator."""
    if ADMIN not in actor.roles:
        raise Forbidden("admin_only")


def password_problems(password: str, username: str, field: str = "password") -> list[dict]:
    """The password rules: 8 to 128 characters, at least one letter and one digit, not containing
    the login name."""
    if len(password) < PASSWORD_MIN:
        return [problem(field, "password_too_short", min=PASSWORD_MIN)]
    if len(password) > PASSWORD_MAX:
        return [problem(field, "password_too_long", max=PASSWORD_MAX)]
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        return [problem(field, "password_letters_digits")]
    if len(username) >= 3 and username.lower() in password.lower():
        return [problem(field, "password_has_login")]
    return []


def generate_password() -> str:
    """A random password that follows the rules (letters and digits, no look-alikes)."""
    letters = "".join(c for c in string.ascii_letters if c not in "lIO")
    digits = "23456789"
    while True:
        text = "".join(secrets.choice(letters + digits) for _ in range(GENERATED_LENGTH))
        if any(c in digits for c in text) and any(c in letters for c in text):
            return text


def _user_problems(uow: UnitOfWork, form: UserForm, user: User | None) -> list[dict]:
    problems: list[dict] = []
    name = form.display_name.strip()
    if not name or len(name) > 200:
        problems.append(problem("display_name", "bad_display_name"))
    if form.unit:
        unit = uow.users.unit(form.unit)
        if unit is None:
            problems.append(problem("unit", "unknown_unit", unit=form.unit))
        elif not unit.active and (user is None or user.unit_key != form.unit):
            problems.append(problem("unit", "unit_disabled", unit=unit.name))
    problems += [problem("groups", "unknown_group", group=g) for g in form.groups if g not in GROUPS]
    problems += [problem("roles", "unknown_role", role=r, expected=", ".join(ROLES))
                 for r in form.roles if r not in ROLES]
    if form.locale and form.locale not in LOCALES:
        problems.append(problem("locale", "bad_locale"))
    return problems


def _audit(uow: UnitOfWork, now: datetime, admin: Actor, action: str, subject: str, **detail: Any) -> None:
    uow.audit.add(AuditEvent(instance_id=None, at=now, actor=admin.username, action=action, task_id=None,
                             bpmn_id=None, detail=detail, subject=subject))


def _user(uow: UnitOfWork, username: str) -> User:
    user = uow.users.by_username(username)
    if user is None:
        raise NotFound("unknown_user", user=username)
    return user


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for each field that changed (``before`` None when it had none)."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k] and (k in before or after[k])}


def _state(uow: UnitOfWork, user: User) -> dict[str, Any]:
    return {"display_name": user.display_name, "unit": user.unit_key or "",
            "groups": sorted(uow.users.groups_of(user)), "roles": sorted(uow.users.roles_of(user)),
            "locale": user.locale or ""}


def _form_state(form: UserForm) -> dict[str, Any]:
    return {"display_name": form.display_name.strip(), "unit": form.unit, "groups": sorted(set(form.groups)),
            "roles": sorted(set(form.roles)), "locale": form.locale}


class Administration:
    """The administrator's commands, each in its own transaction (the caller passes the acting admin).

    Raises (every method):
        Forbidden: the actor is not an administrator.
        NotFound: no such user or unit.
        BadInput: what was submitted breaks a rule; ``details`` hold one problem per field.
    """

    def __init__(self, runner: CommandRunner) -> None:
        self.runner = runner

    def create_user(self, admin: Actor, form: UserForm) -> str:
        require_admin(admin)
        now = self.runner.clock.now()
        with self.runner.uow() as uow:
            problems = [] if good_username(form.username) else [problem("username", "bad_user_name")]
            if problems == [] and uow.users.by_username(form.username) is not None:
                problems.append(problem("username", "user_exists", login=form.username))
            problems += _user_problems(uow, form, None)
            problems += password_problems(form.password or "", form.username)
            if problems:
                raise BadInput("bad_user", problems)
            ensure_groups(uow)
            user = User(username=form.username, display_name=form.display_name.strip(), created_at=now, active=True,
                        password_hash=hash_password(form.password or ""), unit_key=form.unit or None,
                        locale=form.locale or None)
            uow.users.add(user)
            uow.users.set_groups(user, form.groups)
            uow.users.set_roles(user, form.roles)
            _audit(uow, now, admin, "user_created", f"user:{user.username}",
                   changes=_changes({}, _form_state(form)))
            uow.commit()
            return user.username

    def update_user(self, admin: Actor, form: UserForm) -> dict[str, list[Any]]:
        """Change a user's name, unit, groups, roles and language; returns what changed."""
        require_admin(admin)
        now = self.runner.clock.now()
        with self.runner.uow() as uow:
            user = _user(uow, form.username)
            problems = _user_problems(uow, form, user)
            if user.username == admin.username and ADMIN not in form.roles:
                problems.append(problem("roles", "own_admin_role"))
            if problems:
                raise BadInput("bad_user", problems)
            ensure_groups(uow)
            changes = _changes(_state(uow, user), _form_state(form))
            if not changes:
                return changes
            user.display_name = form.display_name.strip()
            user.unit_key = form.unit or None
            user.locale = form.locale or None
            uow.users.set_groups(user, form.groups)
            uow.users.set_roles(user, form.roles)
            _audit(uow, now, admin, "user_updated", f"user:{user.username}", changes=changes)
            uow.commit()
            return changes

    def set_user_active(self, admin: Actor, username: str, active: bool) -> bool:
        """Disable (revoking the API tokens) or enable a user; False when it already was so."""
        require_admin(admin)
        if not active and username == admin.username:
            raise BadInput("disable_self", [problem("active", "disable_self")])
        now = self.runner.clock.now()
        with self.runner.uow() as uow:
            user = _user(uow, username)
            if user.active == active:
                return False
            user.active = active
            detail: dict[str, Any] = {}
            if active:
                user.failed_logins, user.locked_until = 0, None
            else:
                detail["tokens_revoked"] = uow.users.revoke_tokens(user)
            _audit(uow, now, admin, "user_enabled" if active else "user_disabled", f"user:{username}", **detail)
            uow.commit()
            return True

    def reset_password(self, admin: Actor, username: str, password: str | None) -> str:
        """Set a user's password (None or empty: generate one); returns it, to be shown once.
        The lock after failed sign-ins is lifted."""
        require_admin(admin)
        generated = not password
        new = password or generate_password()
        now = self.runner.clock.now()
        with self.runner.uow() as uow:
            user = _user(uow, username)
            problems = password_problems(new, username)
            if problems:
                raise BadInput("bad_password", problems)
            user.password_hash = hash_password(new)
            user.failed_logins, user.locked_until = 0, None
            _audit(uow, now, admin, "password_reset", f"user:{username}", generated=generated)
            uow.commit()
        return new

    def create_unit(self, admin: Actor, form: UnitForm) -> str:
        require_admin(admin)
        now = self.runner.clock.now()
        with self.runner.uow() as uow:
            problems = unit_problems(form.key, form.name, form.name_en or None)
            if not problems and uow.users.unit(form.key) is not None:
                problems.append(problem("key", "unit_exists", key=form.key))
            if problems:
                raise BadInput("bad_unit", problems)
            uow.users.put_unit(form.key, form.name.strip(), form.name_en.strip() or None)
            _audit(uow, now, admin, "unit_created", f"unit:{form.key}",
                   changes=_changes({}, {"name": form.name.strip(), "name_en": form.name_en.strip() or None}))
            uow.commit()
            return form.key

    def update_unit(self, admin: Actor, form: UnitForm) -> dict[str, list[Any]]:
        """Rename a unit (its key stays); returns what changed."""
        require_admin(admin)
        now = self.runner.clock.now()
        with self.runner.uow() as uow:
            unit = self._unit(uow, form.key)
            problems = [p for p in unit_problems(form.key, form.name, form.name_en or None) if p["field"] != "key"]
            if problems:
                raise BadInput("bad_unit", problems)
            name, name_en = form.name.strip(), form.name_en.strip() or None
            changes = _changes({"name": unit.name, "name_en": unit.name_en}, {"name": name, "name_en": name_en})
            if changes:
                unit.name, unit.name_en = name, name_en
                _audit(uow, now, admin, "unit_updated", f"unit:{unit.key}", changes=changes)
                uow.commit()
            return changes

    def set_unit_active(self, admin: Actor, key: str, active: bool) -> bool:
        """Disable or enable a unit; False when it already was so."""
        require_admin(admin)
        now = self.runner.clock.now()
        with self.runner.uow() as uow:
            unit = self._unit(uow, key)
            if unit.active == active:
                return False
            unit.active = active
            _audit(uow, now, admin, "unit_enabled" if active else "unit_disabled", f"unit:{key}")
            uow.commit()
            return True

    @staticmethod
    def _unit(uow: UnitOfWork, key: str) -> Unit:
        unit = uow.users.unit(key)
        if unit is None:
            raise NotFound("unknown_unit", unit=key)
        return unit

