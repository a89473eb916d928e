"""The navigation's own facts (whether the audit trail is readable, requests waiting), once a page."""

from __future__ import annotations

from flask import Flask, g
from flask_login import current_user

from portal.runtime import unit_of_work
from portal.services import navigation as service
from portal.web.exchange_context import actor


def navigation() -> service.Navigation:
    if "navigation" not in g:
        signed_in = current_user.is_authenticated
        g.navigation = service.navigation(unit_of_work(), actor()) if signed_in else service.NOTHING
    nav: service.Navigation = g.navigation
    return nav


def init_app(app: Flask) -> None:
    app.jinja_env.globals["navigation"] = navigation
