"""What the staff navigation shows beside its links, in one query per page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, select

from portal.domain.actors import Actor
from portal.domain.enums import Role, SelfReferralStatus
from portal.services import audit_view
from portal.services.uow import UnitOfWork
from portal.storage import models


@dataclass(frozen=True)
class Navigation:
    reads_audit_trail: bool  # managers; facilitators while they supervise someone
    new_requests: int  # requests for contact waiting for triage (facilitators triage them)


NOTHING = Navigation(reads_audit_trail=False, new_requests=0)

# Built once, for every page a facilitator sees: whether they supervise anyone (one row by the
# supervisor index) and how many requests wait (a COUNT by the status index).
_FACILITATOR = select(
    audit_view.supervisees(bindparam("me")).limit(1).exists(),
    select(func.count(models.SelfReferral.id))
    .where(models.SelfReferral.status == SelfReferralStatus.NEW.value)
    .scalar_subquery(),
)


def navigation(uow: UnitOfWork, actor: Actor) -> Navigation:
    if actor.role == Role.MANAGER:
        return Navigation(reads_audit_trail=True, new_requests=0)
    if actor.role != Role.FACILITATOR:
        return NOTHING
    supervises, waiting = uow.read(_FACILITATOR, {"me": actor.user_id}).one()
    return Navigation(reads_audit_trail=bool(supervises), new_requests=int(waiting or 0))
