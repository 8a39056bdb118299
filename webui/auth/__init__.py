"""Sign in and out."""
from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from webui.security import sign_in

bp = Blueprint("auth", __name__, template_folder="templates")


def home_url(roles: Iterable[str]) -> str:
    """Where a person starts: a supervisor on the monitor, a process analyst in the modeler, everyone
    else (clerks, applicants) in the inbox."""
    held = set(roles)
    if "supervisor" in held:
        return url_for("monitor.dashboard")
    if "analyst" in held:
        return url_for("modeler.index")
    return url_for("inbox.index")


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never an absolute or scheme-relative address; else the person's home."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return home_url(current_user.actor.roles if current_user.is_authenticated else ())


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """The sign-in form (fields ``username`` and ``password``)."""
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    error = None
    username = ""
    if request.method == "POST":
        username = (request.form.get("username") or "").strip()
        password = request.form.get("password") or ""
        user = sign_in(username, password) if username and password else None
        if user is None:
            error = _("Wrong user name or password, or the account is locked for a while after "
                      "too many failed attempts.")
        else:
            lang = session.get("lang")
            session.clear()  # a fresh session on sign-in
            if user.chosen_locale is None and lang:
                session["lang"] = lang
            login_user(user)
            return redirect(_safe_next(request.form.get("next") or request.args.get("next")))
    status = 401 if error else 200
    return render_template("auth/login.html", error=error, username=username,
                           next=request.args.get("next", "")), status


@bp.route("/logout", methods=["GET", "POST"])
def logout() -> ResponseReturnValue:
    """Sign out and go back to the sign-in page."""
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))
