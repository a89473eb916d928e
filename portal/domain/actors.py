"""Who is acting, and what they are to one case.

The service builds an ``Actor`` from the signed-in account; ``case_access`` then says what
that person is to a case. Every permission starts from this answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING
from uuid import UUID

from portal.domain.enums import Role, TakingPart

if TYPE_CHECKING:
    from portal.domain.cases import Case, Participant


@dataclass(frozen=True)
class Actor:
    user_id: UUID
    role: Role
    # The facilitators this person is the named supervisor of, when the service looked it up
    # (only for a case they are not assigned to): supervision reads those facilitators' cases.
    supervises: frozenset[UUID] = frozenset()


class CaseRole(StrEnum):
    ASSIGNED_FACILITATOR = "assigned_facilitator"
    UNASSIGNED_FACILITATOR = "unassigned_facilitator"
    SUPERVISOR = "supervisor"  # the named supervisor of one of its facilitators: reads, never acts
    MANAGER = "manager"
    ADMIN = "admin"
    PARTICIPANT = "participant"
    OUTSIDER = "outsider"


@dataclass(frozen=True)
class CaseAccess:
    role: CaseRole
    participant: Participant | None = None  # set when role is PARTICIPANT


def case_access(case: Case, actor: Actor) -> CaseAccess:
    """What the actor is to this case, from plain values."""
    if actor.role == Role.FACILITATOR:
        if actor.user_id in case.facilitator_ids:
            return CaseAccess(CaseRole.ASSIGNED_FACILITATOR)
        if actor.supervises & case.facilitator_ids:
            return CaseAccess(CaseRole.SUPERVISOR)
        return CaseAccess(CaseRole.UNASSIGNED_FACILITATOR)
    if actor.role == Role.MANAGER:
        return CaseAccess(CaseRole.MANAGER)
    if actor.role == Role.ADMIN:
        return CaseAccess(CaseRole.ADMIN)
    for participant in case.participants:
        # An account gives no way in for someone taking part offline: the facilitator acts for them.
        if participant.user_id == actor.user_id and participant.taking_part == TakingPart.PORTAL:
            return CaseAccess(CaseRole.PARTICIPANT, participant)
    return CaseAccess(CaseRole.OUTSIDER)
