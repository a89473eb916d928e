"""Senior facilitators and case supervision.

The RJC's practitioner code asks for case supervision at least every 12 weeks. A facilitator
may have a named supervisor, a senior facilitator, who reads that facilitator's cases (never
acting on them; each read is audited) and records each supervision. Senior facilitators also
sign off risk assessments that need particular care (``assessments.sign_off``).
Administrators name seniors and supervisors; they see no case content doing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from portal.domain.actors import Actor
from portal.domain.cases import Case
from portal.domain.enums import Role
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.permissions import supervises_case
from portal.domain.problems import Problem


@dataclass(frozen=True)
class StaffMember:
    id: UUID
    role: Role
    active: bool
    senior: bool


def _require_admin(actor: Actor) -> None:
    if actor.role != Role.ADMIN:
        raise NotAllowed(Problem.STAFF_ADMINS_ONLY)


def set_senior(actor: Actor, member: StaffMember, senior: bool) -> None:
    _require_admin(actor)
    if member.role != Role.FACILITATOR:
        raise DomainError(Problem.STAFF_FACILITATORS_ONLY)


def name_supervisor(actor: Actor, member: StaffMember, supervisor: StaffMember | None) -> None:
    """A facilitator's supervisor is another, active, senior facilitator (or nobody)."""
    _require_admin(actor)
    if member.role != Role.FACILITATOR:
        raise DomainError(Problem.STAFF_FACILITATORS_ONLY)
    if supervisor is None:
        return
    if supervisor.id == member.id:
        raise DomainError(Problem.SUPERVISOR_NOT_SELF)
    if supervisor.role != Role.FACILITATOR or not supervisor.senior or not supervisor.active:
        raise DomainError(Problem.SUPERVISOR_SENIOR_ONLY)


def record_supervision(case: Case, actor: Actor, text: str) -> str:
    """The supervisor's record of one supervision of this case: what was discussed and agreed."""
    if not supervises_case(case, actor):
        raise NotAllowed(Problem.SUPERVISION_SUPERVISORS_ONLY)
    if not text.strip():
        raise DomainError(Problem.SUPERVISION_EMPTY)
    return text  # as they wrote it
