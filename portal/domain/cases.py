"""Cases, their participants, and how a case moves through its stages.

Only a facilitator assigned to the case moves it (``move_case``). The moves:

    from          to
    referral      assessment, paused, closed
    assessment    preparation, paused, closed
    preparation   exchange (1), paused, closed
    exchange      agreement, follow_up (2), paused, closed
    agreement     follow_up, paused, closed
    follow_up     closed, paused
    paused        the stage it was paused from (1), closed
    withdrawn     the stage it was paused from (1)(3), closed
    closed        nothing: closing is final

(1) Entering the exchange, by moving on or by resuming into any stage where items flow, needs
    current assessments (the case
    eligible with no court proceedings open, each principal or proxy suitable, the risks
    assessed for everyone taking part and, where flagged, signed off: ``assessments.py``) and
    both sides' consent to a common format: see ``exchange_blockers``. An assessment recorded
    while items flow that leaves any of this missing pauses the case (``halted_by``). Closing
    from follow-up needs a follow-up contact with each principal or proxy still taking part.
(2) Not every exchange ends in an outcome agreement.
(3) Only once every principal and proxy who stopped taking part has rejoined.

No facilitator moves a case to withdrawn: it goes there by itself when a principal or
proxy stops taking part, and to paused when a supporter does (see ``withdrawal.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID

from portal.domain.actors import Actor
from portal.domain.assessments import CaseAssessments, assessment_blockers
from portal.domain.consent import ConsentRecord, side_formats
from portal.domain.enums import ParticipantRole, ReferralSource, RiskLevel, Role, Side, Stage, TakingPart
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.permissions import require_case_facilitator
from portal.domain.problems import Blocker, Problem

TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    Stage.REFERRAL: frozenset({Stage.ASSESSMENT, Stage.PAUSED, Stage.CLOSED}),
    Stage.ASSESSMENT: frozenset({Stage.PREPARATION, Stage.PAUSED, Stage.CLOSED}),
    Stage.PREPARATION: frozenset({Stage.EXCHANGE, Stage.PAUSED, Stage.CLOSED}),
    Stage.EXCHANGE: frozenset({Stage.AGREEMENT, Stage.FOLLOW_UP, Stage.PAUSED, Stage.CLOSED}),
    Stage.AGREEMENT: frozenset({Stage.FOLLOW_UP, Stage.PAUSED, Stage.CLOSED}),
    Stage.FOLLOW_UP: frozenset({Stage.CLOSED, Stage.PAUSED}),
    Stage.PAUSED: frozenset({Stage.CLOSED}),  # and back to paused_from
    Stage.WITHDRAWN: frozenset({Stage.CLOSED}),  # and back to paused_from
    Stage.CLOSED: frozenset(),
}

# Stages in which nothing moves between the sides until a facilitator resumes the case.
HALTED = frozenset({Stage.PAUSED, Stage.WITHDRAWN})
# Stages in which items may be passed on.
ITEMS_FLOW = frozenset({Stage.EXCHANGE, Stage.AGREEMENT, Stage.FOLLOW_UP})


@dataclass(frozen=True)
class Referral:
    """How a case arrives; checked here, stored by the service."""

    reference: str
    offence_type: str
    source: ReferralSource
    referred_on: date
    offence_on: date | None = None

    def __post_init__(self) -> None:
        if not self.reference.strip():
            raise DomainError(Problem.REFERRAL_REFERENCE_MISSING)
        if not self.offence_type.strip():
            raise DomainError(Problem.REFERRAL_OFFENCE_MISSING)
        if self.offence_on is not None and self.offence_on > self.referred_on:
            raise DomainError(Problem.REFERRAL_OFFENCE_AFTER_REFERRAL)


@dataclass(frozen=True)
class Participant:
    id: UUID
    side: Side
    role: ParticipantRole
    user_id: UUID | None = None  # their portal account, once they accept the invitation
    taking_part: TakingPart = TakingPart.PORTAL
    display_name: str = ""  # set by the facilitator; otherwise the other side sees "the person harmed"
    relationship: str = ""  # who a proxy (required) or supporter is, as the other side reads it: "her son"
    may_write: bool = False  # supporters write only when the facilitator allows it
    sensitive_terms: tuple[str, ...] = ()  # names, places, workplaces, schools the other side must never see
    withdrawn: bool = False

    def __post_init__(self) -> None:
        if self.role == ParticipantRole.PROXY and not self.relationship.strip():
            raise DomainError(Problem.PERSON_PROXY_NEEDS_RELATIONSHIP)

    @property
    def speaks_for_side(self) -> bool:
        """Principals and proxies speak for their side; supporters don't."""
        return self.role != ParticipantRole.SUPPORTER

    @property
    def can_write(self) -> bool:
        return self.speaks_for_side or self.may_write


@dataclass(frozen=True)
class Case:
    id: UUID
    stage: Stage
    risk_level: RiskLevel
    facilitator_ids: frozenset[UUID]
    participants: tuple[Participant, ...] = ()
    consents: tuple[ConsentRecord, ...] = ()
    paused_from: Stage | None = None  # set while paused or withdrawn

    def participant(self, participant_id: UUID) -> Participant:
        for participant in self.participants:
            if participant.id == participant_id:
                return participant
        raise DomainError(Problem.PERSON_NOT_IN_CASE)

    def sensitive_terms(self, side: Side) -> tuple[str, ...]:
        return tuple(term for p in self.participants if p.side == side for term in p.sensitive_terms)


def open_case(
    case_id: UUID, actor: Actor, risk_level: RiskLevel, co_facilitators: frozenset[UUID] = frozenset()
) -> Case:
    """A facilitator opens a case from a (checked) ``Referral``; they are assigned to it."""
    if actor.role != Role.FACILITATOR:
        raise NotAllowed(Problem.CASE_ONLY_FACILITATOR_OPENS)
    return Case(case_id, Stage.REFERRAL, risk_level, frozenset({actor.user_id}) | co_facilitators)


@dataclass(frozen=True)
class CaseRecord:
    """What the casework record says about moving on: the current assessments, and who has had
    a follow-up contact (participant ids)."""

    assessments: CaseAssessments
    followed_up: frozenset[UUID]


def exchange_blockers(case: Case, record: CaseRecord) -> tuple[Blocker, ...]:
    """What still stands between this case and the exchange, for the facilitator; empty when ready."""
    blockers = list(assessment_blockers(case, record.assessments))
    harmed, responsible = side_formats(case, Side.HARMED), side_formats(case, Side.RESPONSIBLE)
    if not harmed:
        blockers.append(Blocker.HARMED_NO_CONSENT)
    if not responsible:
        blockers.append(Blocker.RESPONSIBLE_NO_CONSENT)
    if harmed and responsible and not harmed & responsible:
        blockers.append(Blocker.NO_COMMON_FORMAT)
    return tuple(blockers)


def next_stages(case: Case) -> frozenset[Stage]:
    """Where the case may move next, before the entry checks."""
    if case.stage in HALTED and case.paused_from is not None:
        return TRANSITIONS[case.stage] | {case.paused_from}
    return TRANSITIONS[case.stage]


def halted_by(case: Case, record: CaseRecord) -> Case:
    """The case after a (re)assessment: paused, if items flow and the assessments no longer
    allow it (proceedings opened, a flag not yet signed off); otherwise as it was."""
    if case.stage in ITEMS_FLOW and assessment_blockers(case, record.assessments):
        return replace(case, stage=Stage.PAUSED, paused_from=case.stage)
    return case


def not_followed_up(case: Case, record: CaseRecord) -> tuple[Side, ...]:
    """The sides whose principal or proxy, still taking part, has had no follow-up contact."""
    return tuple(
        side
        for side in Side
        if any(
            p.side == side and p.speaks_for_side and not p.withdrawn and p.id not in record.followed_up
            for p in case.participants
        )
    )


def move_case(case: Case, actor: Actor, to: Stage, record: CaseRecord) -> Case:
    """The case in its new stage; pausing remembers the stage to resume to."""
    require_case_facilitator(case, actor)
    if to not in next_stages(case):
        raise DomainError(Problem.CASE_CANNOT_MOVE, from_stage=case.stage, to_stage=to)
    entering = to == Stage.EXCHANGE or (case.stage in HALTED and to in ITEMS_FLOW)
    if entering and (blockers := exchange_blockers(case, record)):
        raise DomainError(Problem.CASE_EXCHANGE_BLOCKED, blockers=blockers)
    if case.stage == Stage.FOLLOW_UP and to == Stage.CLOSED and (sides := not_followed_up(case, record)):
        raise DomainError(Problem.CASE_FOLLOW_UP_FIRST, sides=sides)
    still_out = any(p.withdrawn and p.speaks_for_side for p in case.participants)
    if case.stage == Stage.WITHDRAWN and to != Stage.CLOSED and still_out:
        raise DomainError(Problem.CASE_SOMEONE_MUST_REJOIN)
    return replace(case, stage=to, paused_from=case.stage if to == Stage.PAUSED else None)
