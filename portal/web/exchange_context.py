"""What every exchange view needs: the signed-in actor, the case they may see, and 404 otherwise."""

from __future__ import annotations

import uuid

from flask import abort
from flask_login import current_user

from portal.domain.actors import Actor
from portal.runtime import unit_of_work
from portal.services import casework
from portal.services.casework import CaseContext, CaseNotFound


def actor() -> Actor:
    return casework.actor_for(current_user.record)


def case_or_404(case_id: uuid.UUID) -> CaseContext:
    """A case this person may see; any other id, real or not, is simply not found."""
    try:
        return casework.load(unit_of_work(), actor(), case_id)
    except CaseNotFound:
        abort(404)
