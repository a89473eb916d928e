"""What every exchange view needs: the signed-in actor, the case they may see, and 404 otherwise."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from flask import abort, flash
from flask_login import current_user

from portal.domain.actors import Actor
from portal.domain.errors import DomainError
from portal.runtime import unit_of_work
from portal.services import casework
from portal.services.casework import CaseContext, CaseNotFound
from portal.web.messages import refusal


def actor() -> Actor:
    return Actor(current_user.id, current_user.role)


def case_or_404(case_id: uuid.UUID) -> CaseContext:
    """A case this person may see, read for drawing a page (use cases load and lock their own)."""
    try:
        return casework.load(unit_of_work(), actor(), case_id)
    except CaseNotFound:
        abort(404)


def attempt(action: Callable[[], object], success: str) -> bool:
    """Run one use case; a rule that stops it is told to the person, and its unit of work has
    already rolled everything back. Another case's id is "not found" (the 404 handler)."""
    try:
        action()
    except DomainError as problem:
        flash(refusal(problem), "error")
        return False
    if success:
        flash(success, "success")
    return True
