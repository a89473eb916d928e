"""The casework record as the rules for moving a case read it: current assessments and who has
had a follow-up contact. Also the one place that turns an assessment row into a domain value
and back, sealing its answers and reasons."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import bindparam, select

from portal.crypto import CaseVault
from portal.domain import assessments as rules
from portal.domain.assessments import Assessment, CaseAssessments, Eligibility, PersonRisk, Risk, SignOff, Suitability
from portal.domain.cases import CaseRecord
from portal.domain.enums import (
    AssessmentKind,
    AssessmentOutcome,
    ContactPurpose,
    Proceedings,
    RiskFlag,
    RiskLevel,
    SupportNeed,
)
from portal.services import records
from portal.services.uow import UnitOfWork
from portal.storage import models


def _details_json(assessment: Assessment) -> dict[str, Any]:
    details = assessment.details
    body: dict[str, Any] = {"reasons": assessment.reasons}
    if isinstance(details, Eligibility):
        body |= {
            "identifiable_harmed": details.identifiable_harmed,
            "identifiable_responsible": details.identifiable_responsible,
            "admits_responsibility": details.admits_responsibility,
            "proceedings": details.proceedings.value,
        }
    elif isinstance(details, Suitability):
        body |= {
            "motivation": details.motivation,
            "capacity": details.capacity,
            "needs": sorted(need.value for need in details.needs),
            "needs_detail": details.needs_detail,
            "support_in_place": details.support_in_place,
        }
    else:
        body |= {
            "to_people": [
                {"participant_id": str(r.participant_id) if r.participant_id else None, "level": r.level.value}
                | {"note": r.note}
                for r in details.to_people
            ],
            "overall": details.overall.value,
            "flags": sorted(flag.value for flag in details.flags),
        }
    return body


def _details_from(kind: AssessmentKind, body: dict[str, Any]) -> rules.Details:
    if kind == AssessmentKind.ELIGIBILITY:
        return Eligibility(
            body["identifiable_harmed"],
            body["identifiable_responsible"],
            body["admits_responsibility"],
            Proceedings(body["proceedings"]),
        )
    if kind == AssessmentKind.SUITABILITY:
        return Suitability(
            body["motivation"],
            body["capacity"],
            frozenset(SupportNeed(n) for n in body["needs"]),
            body["needs_detail"],
            body["support_in_place"],
        )
    return Risk(
        tuple(
            PersonRisk(
                uuid.UUID(r["participant_id"]) if r["participant_id"] else None, RiskLevel(r["level"]), r["note"]
            )
            for r in body["to_people"]
        ),
        RiskLevel(body["overall"]),
        frozenset(RiskFlag(f) for f in body["flags"]),
    )


def assessment_from_row(vault: CaseVault, row: models.Assessment) -> Assessment:
    kind = AssessmentKind(row.kind)
    body = vault.open_assessment(row.id, row.details_sealed)
    sign_off = SignOff(row.signed_off_by_id, row.signed_off_at) if row.signed_off_by_id and row.signed_off_at else None
    return Assessment(
        id=row.id,
        kind=kind,
        outcome=AssessmentOutcome(row.outcome),
        assessed_on=row.assessed_on,
        assessed_by=row.assessed_by_id,
        reasons=body["reasons"],
        details=_details_from(kind, body),
        recorded_at=row.recorded_at,
        participant_id=row.participant_id,
        sign_off=sign_off,
    )


def assessment_row(vault: CaseVault, case_id: uuid.UUID, assessment: Assessment) -> models.Assessment:
    return models.Assessment(
        id=assessment.id,
        case_id=case_id,
        kind=assessment.kind.value,
        participant_id=assessment.participant_id,
        outcome=assessment.outcome.value,
        assessed_on=assessment.assessed_on,
        assessed_by_id=assessment.assessed_by,
        details_sealed=vault.seal_assessment(assessment.id, _details_json(assessment)),
        needs_sign_off=assessment.needs_sign_off,
        recorded_at=assessment.recorded_at,
    )


_ASSESSMENTS = (
    select(models.Assessment)
    .where(models.Assessment.case_id == bindparam("case_id"))
    .order_by(models.Assessment.recorded_at, models.Assessment.id)
)
_FOLLOWED_UP = (
    select(models.Contact.participant_id)
    .where(
        models.Contact.case_id == bindparam("case_id"),
        models.Contact.purpose == ContactPurpose.FOLLOW_UP.value,
        models.Contact.participant_id.is_not(None),
    )
    .distinct()
)


def assessment_rows(uow: UnitOfWork, case_id: uuid.UUID) -> list[models.Assessment]:
    """Every assessment of the case, oldest first (a case has a handful)."""
    return list(uow.session.scalars(_ASSESSMENTS, {"case_id": case_id}))


def current_assessments(uow: UnitOfWork, case_row: models.Case) -> CaseAssessments:
    """The latest of each kind and person, chosen from the plain columns; only those are opened."""
    latest: dict[tuple[str, uuid.UUID | None], models.Assessment] = {}
    for row in assessment_rows(uow, case_row.id):
        latest[(row.kind, row.participant_id)] = row
    vault = records.vault_for(uow, case_row)
    return rules.current(assessment_from_row(vault, row) for row in latest.values())


def followed_up(uow: UnitOfWork, case_id: uuid.UUID) -> frozenset[uuid.UUID]:
    """The participants who have had at least one follow-up contact."""
    return frozenset(person for person in uow.read(_FOLLOWED_UP, {"case_id": case_id}).scalars() if person)


def case_record(uow: UnitOfWork, case_row: models.Case) -> CaseRecord:
    return CaseRecord(current_assessments(uow, case_row), followed_up(uow, case_row.id))
