"""The modeler blueprint; its route modules attach to it.

Analysts edit and deploy, supervisors read versions and migrate cases; everyone else is refused
(403), as the monitor refuses non-supervisors.
"""
from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

bp = Blueprint("modeler", __name__, url_prefix="/modeler", template_folder="templates",
               static_folder="static", static_url_path="/static")


@bp.before_request
def analysts_and_supervisors_only() -> None:
    """A signed-in user who is neither analyst nor supervisor gets 403 (views send others to sign in)."""
    from webui.security import current_actor

    if current_user.is_authenticated:
        actor = current_actor()
        if not (actor.is_analyst or actor.is_supervisor):
            abort(403)
