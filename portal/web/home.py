"""Where each person lands after signing in."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user

from portal.domain.enums import Role
from portal.web.access import public

bp = Blueprint("home", __name__)

LANDING = {
    Role.PARTICIPANT: "participation.cases",
    Role.FACILITATOR: "cases.index",
    Role.MANAGER: "cases.index",
    Role.ADMIN: "admin.staff",
}


@bp.get("/")
@public
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    return redirect(url_for(LANDING[current_user.role]))
