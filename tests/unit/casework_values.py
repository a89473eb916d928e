"""Assessments as plain values for the domain tests: a case's record that lets it move on."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID, uuid4

from portal.domain import assessments as rules
from portal.domain.assessments import Assessment
from portal.domain.cases import Case, CaseRecord
from portal.domain.enums import AssessmentKind, AssessmentOutcome, Proceedings, RiskFlag, RiskLevel

ASSESSOR = UUID(int=1)
ON = date(2025, 2, 20)
AT = datetime(2025, 2, 20, 12, 0)


def assessment(
    details: rules.Details,
    outcome: AssessmentOutcome = AssessmentOutcome.SUITABLE,
    person: UUID | None = None,
    *,
    by: UUID = ASSESSOR,
    at: datetime = AT,
) -> Assessment:
    kind = {rules.Eligibility: AssessmentKind.ELIGIBILITY, rules.Suitability: AssessmentKind.SUITABILITY}.get(
        type(details), AssessmentKind.RISK
    )
    return Assessment(uuid4(), kind, outcome, ON, by, "Reasons.", details, at, person)


def eligible(proceedings: Proceedings = Proceedings.CONCLUDED) -> Assessment:
    return assessment(rules.Eligibility(True, True, True, proceedings))


def suitable(person: UUID, outcome: AssessmentOutcome = AssessmentOutcome.SUITABLE) -> Assessment:
    return assessment(rules.Suitability("Wants to.", "Can."), outcome, person)


def risk_of(case: Case, level: RiskLevel = RiskLevel.LOW, flags: frozenset[RiskFlag] = frozenset()) -> Assessment:
    people = (*(rules.PersonRisk(p.id, level) for p in case.participants), rules.PersonRisk(None, level))
    return assessment(rules.Risk(people, level, flags))


def ready_assessments(case: Case) -> list[Assessment]:
    """Eligible, every participant suitable, low risk: all the assessments allow."""
    return [eligible(), *(suitable(p.id) for p in case.participants), risk_of(case)]


def record(assessments: list[Assessment], followed_up: frozenset[UUID] = frozenset()) -> CaseRecord:
    return CaseRecord(rules.current(assessments), followed_up)


def ready_record(case: Case, followed_up: frozenset[UUID] | None = None) -> CaseRecord:
    """Ready for the exchange, and everyone followed up (so closing from follow-up is allowed)."""
    everyone = frozenset(p.id for p in case.participants)
    return record(ready_assessments(case), everyone if followed_up is None else followed_up)
