"""Eligibility, suitability and risk: the assessments a case needs before its exchange.

The seeds: the facilitator "will complete all necessary eligibility, suitability and risk
assessments"; there "must be an admission of responsibility"; a case "won't be able to
progress until after" court proceedings conclude. So:

- **Eligibility** (of the case): an identifiable person harmed and person responsible, an
  admission of responsibility, and where court proceedings stand. Suitable needs the first
  three; open proceedings keep the case from going past preparation whatever the outcome.
- **Suitability** (of each participant): motivation, capacity, needs (language, literacy,
  disability, mental health) and the support in place.
- **Risk**: the risk to each participant and to staff, flags that need particular care, and
  the overall level (which decides whether release needs two reviewers). A flag needs a
  senior facilitator's sign-off, by someone other than the assessor, before the exchange.

Every assessment has a date, a facilitator, an outcome and reasons. Reassessing adds a new
record; the latest of each kind (and person) is the current one, and the history stays.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from portal.domain.actors import Actor
from portal.domain.enums import (
    AssessmentKind,
    AssessmentOutcome,
    Proceedings,
    RiskFlag,
    RiskLevel,
    Role,
    Side,
    Stage,
    SupportNeed,
)
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.permissions import require_case_facilitator
from portal.domain.problems import Blocker, Problem

if TYPE_CHECKING:
    from portal.domain.cases import Case

RISK_ORDER = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


@dataclass(frozen=True)
class Eligibility:
    identifiable_harmed: bool
    identifiable_responsible: bool
    admits_responsibility: bool
    proceedings: Proceedings


@dataclass(frozen=True)
class Suitability:
    motivation: str
    capacity: str
    needs: frozenset[SupportNeed] = frozenset()
    needs_detail: str = ""  # what the needs are and how they will be met
    support_in_place: str = ""


@dataclass(frozen=True)
class PersonRisk:
    """The risk to one participant (``participant_id``), or to staff (``None``)."""

    participant_id: UUID | None
    level: RiskLevel
    note: str = ""


@dataclass(frozen=True)
class Risk:
    to_people: tuple[PersonRisk, ...]
    overall: RiskLevel
    flags: frozenset[RiskFlag] = frozenset()

    @property
    def to_staff(self) -> PersonRisk | None:
        return next((risk for risk in self.to_people if risk.participant_id is None), None)


Details = Eligibility | Suitability | Risk


@dataclass(frozen=True)
class SignOff:
    by: UUID
    at: datetime


@dataclass(frozen=True)
class Assessment:
    id: UUID
    kind: AssessmentKind
    outcome: AssessmentOutcome
    assessed_on: date
    assessed_by: UUID
    reasons: str
    details: Details
    recorded_at: datetime
    participant_id: UUID | None = None  # suitability only
    sign_off: SignOff | None = None

    @property
    def needs_sign_off(self) -> bool:
        return isinstance(self.details, Risk) and bool(self.details.flags)

    @property
    def signed_off(self) -> bool:
        return not self.needs_sign_off or self.sign_off is not None


_KIND_OF = {Eligibility: AssessmentKind.ELIGIBILITY, Suitability: AssessmentKind.SUITABILITY, Risk: AssessmentKind.RISK}


def record_assessment(
    case: Case,
    actor: Actor,
    assessment: Assessment,
    today: date,
    *,
    current: CaseAssessments | None = None,
    senior: bool = False,
) -> Assessment:
    """Check a new (or repeated) assessment before it is stored; the answer is the one to store.
    A reassessment of the risks that drops a flag of the current one needs a senior facilitator:
    a flag is not something to reassess away while waiting for its sign-off."""
    require_case_facilitator(case, actor)
    if case.stage == Stage.CLOSED:
        raise DomainError(Problem.CASE_CLOSED)
    if _KIND_OF[type(assessment.details)] != assessment.kind:
        raise ValueError("assessment-details-kind")  # a programming error in the caller
    if assessment.assessed_on > today:
        raise DomainError(Problem.ASSESSMENT_DATE_FUTURE)
    if not assessment.reasons.strip():
        raise DomainError(Problem.ASSESSMENT_REASONS_NEEDED)
    details = assessment.details
    if isinstance(details, Eligibility):
        _check_eligibility(assessment, details)
    elif isinstance(details, Suitability):
        _check_suitability(case, assessment, details)
    else:
        _check_risk(case, details)
        previous = current.risk.details if current and current.risk else None
        if isinstance(previous, Risk) and previous.flags - details.flags and not senior:
            raise DomainError(Problem.ASSESSMENT_FLAG_NEEDS_SENIOR)
    return assessment


def _check_eligibility(assessment: Assessment, details: Eligibility) -> None:
    if assessment.participant_id is not None:
        raise ValueError("eligibility-is-of-the-case")
    eligible = details.identifiable_harmed and details.identifiable_responsible and details.admits_responsibility
    if assessment.outcome == AssessmentOutcome.SUITABLE and not eligible:
        raise DomainError(Problem.ASSESSMENT_NOT_ELIGIBLE)


def _check_suitability(case: Case, assessment: Assessment, details: Suitability) -> None:
    if assessment.participant_id is None:
        raise DomainError(Problem.ASSESSMENT_CHOOSE_PERSON)
    case.participant(assessment.participant_id)  # someone of this case, or PERSON_NOT_IN_CASE
    if not details.motivation.strip() or not details.capacity.strip():
        raise DomainError(Problem.ASSESSMENT_SUITABILITY_INCOMPLETE)
    if details.needs and not details.needs_detail.strip():
        raise DomainError(Problem.ASSESSMENT_NEEDS_DETAIL)


def _check_risk(case: Case, details: Risk) -> None:
    assessed = {risk.participant_id for risk in details.to_people}
    taking_part = {p.id for p in case.participants if not p.withdrawn}
    if None not in assessed or not taking_part <= assessed:
        raise DomainError(Problem.ASSESSMENT_RISK_EVERYONE)
    if not assessed - {None} <= {p.id for p in case.participants}:
        raise DomainError(Problem.PERSON_NOT_IN_CASE)
    highest = max(RISK_ORDER[risk.level] for risk in details.to_people)
    if RISK_ORDER[details.overall] < highest:
        raise DomainError(Problem.ASSESSMENT_OVERALL_TOO_LOW)


def sign_off(
    case: Case, actor: Actor, assessment: Assessment, *, senior: bool, supervises: frozenset[UUID], now: datetime
) -> Assessment:
    """A senior facilitator other than the assessor signs off a flagged risk assessment: one
    assigned to the case, or the named supervisor of one who is (``supervises``: whom the
    actor supervises)."""
    if actor.role != Role.FACILITATOR or not senior:
        raise NotAllowed(Problem.ASSESSMENT_SENIOR_ONLY)
    if actor.user_id not in case.facilitator_ids and not supervises & case.facilitator_ids:
        raise NotAllowed(Problem.CASE_NOT_FACILITATOR)
    if not assessment.needs_sign_off:
        raise DomainError(Problem.ASSESSMENT_NO_SIGN_OFF_NEEDED)
    if assessment.sign_off is not None:
        raise DomainError(Problem.ASSESSMENT_ALREADY_SIGNED)
    if assessment.assessed_by == actor.user_id:
        raise DomainError(Problem.ASSESSMENT_SIGN_OWN)
    if case.stage == Stage.CLOSED:
        raise DomainError(Problem.CASE_CLOSED)
    return replace(assessment, sign_off=SignOff(actor.user_id, now))


@dataclass(frozen=True)
class CaseAssessments:
    """The current assessments of one case: the latest of each kind, and of each person."""

    eligibility: Assessment | None = None
    risk: Assessment | None = None
    suitability: dict[UUID, Assessment] = field(default_factory=dict)

    def all(self) -> list[Assessment]:
        return [a for a in (self.eligibility, self.risk, *self.suitability.values()) if a is not None]

    @property
    def proceedings_open(self) -> bool:
        details = self.eligibility.details if self.eligibility else None
        return isinstance(details, Eligibility) and details.proceedings == Proceedings.OPEN


def current(assessments: Iterable[Assessment]) -> CaseAssessments:
    latest: dict[tuple[AssessmentKind, UUID | None], Assessment] = {}
    for assessment in sorted(assessments, key=lambda a: a.recorded_at):
        latest[(assessment.kind, assessment.participant_id)] = assessment
    return CaseAssessments(
        eligibility=latest.get((AssessmentKind.ELIGIBILITY, None)),
        risk=latest.get((AssessmentKind.RISK, None)),
        suitability={
            pid: a for (kind, pid), a in latest.items() if kind == AssessmentKind.SUITABILITY and pid is not None
        },
    )


_UNSUITABLE_SIDE = {Side.HARMED: Blocker.HARMED_NOT_SUITABLE, Side.RESPONSIBLE: Blocker.RESPONSIBLE_NOT_SUITABLE}


def assessment_blockers(case: Case, record: CaseAssessments) -> tuple[Blocker, ...]:
    """What the assessments still leave between this case and the exchange."""
    blockers = []
    eligibility = record.eligibility
    if eligibility is None or eligibility.outcome != AssessmentOutcome.SUITABLE:
        blockers.append(Blocker.NOT_ELIGIBLE)
    if record.proceedings_open:
        blockers.append(Blocker.PROCEEDINGS_OPEN)
    for side, blocker in _UNSUITABLE_SIDE.items():
        speakers = [p for p in case.participants if p.side == side and p.speaks_for_side and not p.withdrawn]
        suitable = [
            p for p in speakers if (a := record.suitability.get(p.id)) and a.outcome == AssessmentOutcome.SUITABLE
        ]
        if not speakers or len(suitable) < len(speakers):
            blockers.append(blocker)
    if record.risk is None or record.risk.outcome != AssessmentOutcome.SUITABLE:
        blockers.append(Blocker.RISK_NOT_ASSESSED)
    else:
        if not record.risk.signed_off:
            blockers.append(Blocker.RISK_SIGN_OFF_NEEDED)
        details = record.risk.details
        assessed = {risk.participant_id for risk in details.to_people} if isinstance(details, Risk) else set()
        if any(p.id not in assessed for p in case.participants if not p.withdrawn):
            blockers.append(Blocker.RISK_SOMEONE_NEW)  # someone joined after the risks were assessed
    return tuple(blockers)
