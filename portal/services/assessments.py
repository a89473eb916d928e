"""Recording assessments and signing off flagged risk: each one unit of work on a locked case."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.domain import assessments as rules
from portal.domain import cases as case_rules
from portal.domain.actors import Actor
from portal.domain.assessments import Assessment
from portal.domain.audit import AuditAction
from portal.domain.cases import CaseRecord
from portal.domain.enums import AssessmentKind, AssessmentOutcome
from portal.domain.permissions import require_record_reader
from portal.services import accounts, case_record, casework, clock, records
from portal.services.casework import CaseContext, CaseNotFound
from portal.services.text import as_typed
from portal.services.uow import UnitOfWork
from portal.storage import models
from portal.storage.types import utcnow


@dataclass(frozen=True)
class Entry:
    """What the facilitator entered; the domain checks it."""

    kind: AssessmentKind
    outcome: AssessmentOutcome
    assessed_on: date
    reasons: str
    details: rules.Details
    participant_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Recorded:
    assessment_id: uuid.UUID
    paused: bool  # the case was in the exchange and the assessments no longer allow it


def record(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, entry: Entry, *, once: str | None = None
) -> Recorded | None:
    """A new assessment (or a reassessment: the history stays). A risk assessment also sets the
    case's risk level, which decides whether release needs two reviewers. If items are flowing
    and the assessments no longer allow it (proceedings opened, a new flag to sign off, someone
    not suitable), the case pauses in the same unit of work: nothing more is passed on."""
    with casework.acting(uow, actor, case_id, once) as context:
        if context is None:
            return None
        now = utcnow()
        before = case_record.case_record(uow, context.row)
        user = uow.session.get(models.User, actor.user_id)
        assessment = rules.record_assessment(
            context.case,
            context.actor,
            Assessment(
                id=uuid.uuid4(),
                kind=entry.kind,
                outcome=entry.outcome,
                assessed_on=entry.assessed_on,
                assessed_by=actor.user_id,
                reasons=as_typed(entry.reasons),
                details=entry.details,
                recorded_at=now,
                participant_id=entry.participant_id,
            ),
            clock.today_in_uk(),
            current=before.assessments,
            senior=bool(user and user.senior),
        )
        vault = records.vault_for(uow, context.row)
        uow.session.add(case_record.assessment_row(vault, context.row.id, assessment))
        if isinstance(assessment.details, rules.Risk):
            context.row.risk_level = assessment.details.overall.value
            context.row.risk_assessed_at = now
            context.row.risk_assessed_by_id = actor.user_id
        casework.record_event(uow, context, AuditAction.assessment(entry.kind), "assessment", assessment.id, once)
        after = CaseRecord(rules.current([*before.assessments.all(), assessment]), before.followed_up)
        halted = case_rules.halted_by(context.case, after)
        if halted.stage != context.case.stage:
            records.write_case(context.row, halted)
            casework.record_event(uow, context, AuditAction.stage(halted.stage), "case", context.row.id)
        return Recorded(assessment.id, paused=halted.stage != context.case.stage)


def sign_off(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, assessment_id: uuid.UUID, *, once: str | None = None
) -> None:
    """A senior facilitator, not the assessor, signs off a risk assessment with flags."""
    with casework.acting(uow, actor, case_id, once) as context:
        if context is None:
            return
        row = uow.session.get(models.Assessment, assessment_id)
        if row is None or row.case_id != context.row.id or row.kind != AssessmentKind.RISK.value:
            raise CaseNotFound
        signer = uow.session.get(models.User, actor.user_id)
        supervises = frozenset(
            uow.session.scalars(select(models.User.id).where(models.User.supervisor_id == actor.user_id))
        )
        vault = records.vault_for(uow, context.row)
        signed = rules.sign_off(
            context.case,
            context.actor,
            case_record.assessment_from_row(vault, row),
            senior=bool(signer and signer.senior),
            supervises=supervises,
            now=utcnow(),
        )
        assert signed.sign_off is not None
        row.signed_off_by_id, row.signed_off_at = signed.sign_off.by, signed.sign_off.at
        casework.record_event(uow, context, AuditAction.ASSESSMENT_SIGN_OFF, "assessment", row.id, once)


@dataclass(frozen=True)
class AssessmentsPage:
    context: CaseContext
    record: CaseRecord
    history: list[Assessment]  # newest first
    names: dict[uuid.UUID, str]  # staff who assessed and signed off, and the case's people


def assessments_page(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID) -> AssessmentsPage:
    """Every assessment of the case, for the facilitators who keep its record."""
    context = casework.load(uow, actor, case_id)
    require_record_reader(context.case, context.actor)
    vault = records.vault_for(uow, context.row)
    history = [case_record.assessment_from_row(vault, row) for row in case_record.assessment_rows(uow, case_id)]
    staff = {a.assessed_by for a in history} | {a.sign_off.by for a in history if a.sign_off}
    names = accounts.names(uow, staff)
    for person in context.case.participants:
        names[person.id] = casework.participant_name(uow, context, person.id)
    record = CaseRecord(rules.current(history), case_record.followed_up(uow, case_id))
    return AssessmentsPage(context, record, history[::-1], names)
