"""Sign-in sessions, API tokens, CSRF, and the request's current Actor.

Database reads here use short units of work (SQLite's write transactions start with
``BEGIN IMMEDIATE``, so a read transaction held across a request would block the commands).
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import wraps
from threading import Lock
from typing import Any, cast

from cachetools import TTLCache
from flask import Flask, abort, current_app, g, request
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect

from engine.people.identity import Actor, actor_of
from engine.workflow_engine import WorkflowEngine
from store.models import User
from store.uow import UnitOfWork
from webui.i18n import ui_lang

csrf = CSRFProtect()
login_manager = LoginManager()


def engine() -> WorkflowEngine:
    """The app's workflow engine."""
    return current_app.extensions["fao_engine"]


@contextmanager
def reading() -> Iterator[UnitOfWork]:
    """A short read-only unit of work whose loaded rows stay usable after it ends."""
    with engine().uow(read_only=True) as uow:
        yield uow
        uow.detach_all()


class WebUser(UserMixin):
    """The signed-in user as Flask-Login sees it: wraps the engine's Actor."""

    def __init__(self, actor: Actor, chosen_locale: str | None) -> None:
        self.actor = actor
        self.chosen_locale = chosen_locale
        self._in_lang: dict[str, Actor] = {}

    def actor_in(self, lang: str) -> Actor:
        """The Actor speaking ``lang`` (made once per language: the identity is cached a few seconds)."""
        actor = self._in_lang.get(lang)
        if actor is None:
            actor = self._in_lang[lang] = replace(self.actor, locale=lang)
        return actor

    def get_id(self) -> str:
        return self.actor.username


def actor_from_user(uow: UnitOfWork, user: User | None) -> WebUser | None:
    """Build the WebUser of a store user row (None when inactive)."""
    if user is None or not user.active:
        return None
    return WebUser(actor_of(uow, user), user.locale)


@login_manager.user_loader
def _load_user(username: str) -> WebUser | None:
    with reading() as uow:
        return actor_from_user(uow, uow.users.by_username(username))


IDENTITY_TTL_S = 5.0
_identities: TTLCache[tuple[str, str], WebUser | None] = TTLCache(maxsize=1000, ttl=IDENTITY_TTL_S,
                                                                   timer=time.monotonic)
_identities_lock = Lock()
_MISSING = object()


def _cached_identity(key: tuple[str, str], load: Callable[[], WebUser | None]) -> WebUser | None:
    """Who a token or session is, remembered for a few seconds: every API call asks, and group or
    role changes may take that long to apply. Nothing another process needs lives here."""
    with _identities_lock:
        hit = _identities.get(key, _MISSING)
    if hit is not _MISSING:
        return cast(WebUser | None, hit)  # not the sentinel: a remembered identity
    user = load()
    with _identities_lock:
        _identities[key] = user
    return user


def forget_identity(username: str) -> None:
    with _identities_lock:
        for key, user in list(_identities.items()):
            if key[1] == username or (user is not None and user.actor.username == username):
                _identities.pop(key, None)


def user_from_token(token: str) -> WebUser | None:
    """The user an API token belongs to, or None."""
    def load() -> WebUser | None:
        with reading() as uow:
            return actor_from_user(uow, uow.users.by_token(token))

    return _cached_identity(("token", hashlib.sha256(token.encode()).hexdigest()), load)


def current_user_locale() -> str | None:
    """The language the signed-in user chose, if any."""
    user = g.get("fao_api_user") or (current_user if current_user and current_user.is_authenticated else None)
    return getattr(user, "chosen_locale", None)


def current_actor() -> Actor:
    """The Actor of this request (API token or session), speaking the request's language.

    Raises:
        werkzeug 401 when nobody is signed in.
    """
    if "fao_actor" in g:
        return g.fao_actor
    user = g.get("fao_api_user") or (current_user if current_user.is_authenticated else None)
    if user is None:
        abort(401)
    g.fao_actor = user.actor_in(ui_lang())
    return g.fao_actor


def roles_required(*roles: str) -> Callable:
    """Refuse (403) unless the current actor has one of the roles (admin has them all)."""

    def deco(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            actor = current_actor()
            if not (actor.roles & (set(roles) | {"admin"})):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return deco


def sign_in(username: str, password: str) -> WebUser | None:
    """Check a password (failures are counted and lock the account); the result is committed."""
    signed_in = engine().sign_in(username, password)
    return WebUser(signed_in.actor, signed_in.chosen_locale) if signed_in is not None else None


def remember_locale(lang: str) -> None:
    """Store the chosen UI language on the signed-in user."""
    user = g.get("fao_api_user") or (current_user if current_user and current_user.is_authenticated else None)
    if user is None or user.chosen_locale == lang:
        return
    engine().remember_locale(user.actor.username, lang)
    forget_identity(user.actor.username)
    user.chosen_locale = lang


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    @login_manager.unauthorized_handler
    def _unauthorized() -> ResponseReturnValue:
        from flask import redirect, url_for

        if request.path.startswith("/api/"):
            abort(401)
        return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))

    @app.context_processor
    def _inject() -> dict:
        if not current_user.is_authenticated:
            return {"nav_counts": None, "actor": None}
        from engine.people.visibility import work_scope

        actor = current_actor()
        if "fao_nav_counts" not in g:
            with reading() as uow:
                g.fao_nav_counts = uow.reads.tasks.counts(work_scope(actor))
        return {"nav_counts": g.fao_nav_counts, "actor": actor}
