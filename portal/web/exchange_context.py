"""What every exchange view needs: the signed-in actor, the case they may see, and 404 otherwise."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from flask import abort, flash, request
from flask_login import current_user

from portal.domain.actors import Actor
from portal.domain.errors import DomainError
from portal.runtime import unit_of_work
from portal.services import casework
from portal.services.casework import CaseContext, CaseNotFound


def actor() -> Actor:
    return casework.actor_for(current_user.record)


def case_or_404(case_id: uuid.UUID) -> CaseContext:
    """A case this person may see; any other id, real or not, is simply not found."""
    try:
        return casework.load(unit_of_work(), actor(), case_id, for_change=request.method == "POST")
    except CaseNotFound:
        abort(404)


def attempt(action: Callable[[], object], success: str) -> bool:
    """Run a use case; a rule that stops it is shown to the person, and nothing is half-done."""
    try:
        action()
    except CaseNotFound:
        abort(404)
    except DomainError as problem:
        unit_of_work().rollback()
        flash(str(problem), "error")
        return False
    if success:
        flash(success, "success")
    return True
