"""Deny by default: every view states who may use it, and a guard refuses the rest.

A view without a rule is refused for everyone, so a forgotten decorator fails
closed. `tests/web/test_access_rules.py` walks `app.url_map` to prove it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user

from portal.services.accounts import STAFF_ROLES, Role
from portal.web.catalogue import gettext as _

View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class AccessRule:
    public: bool
    roles: frozenset[Role] = frozenset()


def public(view: View) -> View:
    """Open to anyone, signed in or not (sign-in pages, health check, error pages)."""
    view.access_rule = AccessRule(public=True)  # type: ignore[attr-defined]
    return view


def roles(*allowed: Role) -> Callable[[View], View]:
    """Only for signed-in accounts holding one of these roles."""

    def decorate(view: View) -> View:
        view.access_rule = AccessRule(public=False, roles=frozenset(allowed))  # type: ignore[attr-defined]
        return view

    return decorate


signed_in = roles(*Role)
staff_only = roles(*STAFF_ROLES)


def rule_for(endpoint: str | None) -> AccessRule | None:
    if endpoint == "static":
        return AccessRule(public=True)
    view = current_app.view_functions.get(endpoint or "")
    return getattr(view, "access_rule", None)


def guard() -> Any:
    """Runs before every request; unmatched URLs fall through to the 404 handler."""
    if request.endpoint is None:
        return None
    rule = rule_for(request.endpoint)
    if rule is None:
        abort(403)
    if rule.public:
        return None
    if not current_user.is_authenticated:
        flash(_("Please sign in to continue."), "info")
        return redirect(url_for("auth.sign_in"))
    if current_user.role not in rule.roles:
        # A route naming a case, item or person answers as if it did not exist.
        abort(404 if request.view_args else 403)
    return None
