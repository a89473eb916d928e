"""Self-referral: requests for contact from the public form, and the facilitators' triage.

A request is sealed the moment it arrives, under a data key of its own: only its status, its
language and when it arrived are plain. Facilitators see a list of those three things, open
one request to read it (each read is audited), and decide once: open a case from it, with the
person who asked as its first participant, or close it with a reason. A decision locks the
request's row first, so two facilitators deciding at once give one outcome, and a form posted
twice acts once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, case, exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from portal.crypto import ReferralVault
from portal.domain import self_referral as rules
from portal.domain.actors import Actor
from portal.domain.audit import AuditAction
from portal.domain.calendar import UK
from portal.domain.cases import Referral
from portal.domain.enums import (
    Language,
    ReferralSource,
    RiskLevel,
    Role,
    SelfReferralCloseReason,
    SelfReferralStatus,
)
from portal.domain.self_referral import SelfReferralRequest
from portal.services import audit, casework, keys, submissions
from portal.services.casework import PAGE_SIZE, CaseNotFound, Page, ParticipantDetails, page_within
from portal.services.uow import UnitOfWork
from portal.storage import models
from portal.storage.types import utcnow

OBJECT = "self_referral"  # the audit trail's name for a request
# A public form's once-only key names the request it made, so a double tap sends one request.
_ONCE_NAMESPACE = uuid.UUID("5e1f7a2e-4c1d-4f57-9a53-2b7f0d6c8e11")


class SelfReferralNotFound(CaseNotFound):
    """No such request, or not one this person may read: the two look the same (a 404)."""


# --- Receiving -----------------------------------------------------------------------------------


def _id_for(once: str | None) -> uuid.UUID:
    return uuid.uuid5(_ONCE_NAMESPACE, once[: submissions.MAX_KEY_LENGTH]) if once else uuid.uuid4()


def receive(uow: UnitOfWork, request: SelfReferralRequest, *, once: str | None = None) -> uuid.UUID:
    """Store a request from the public form, sealed at once; nobody is emailed anything."""
    rules.check(request)
    referral_id = _id_for(once)
    try:
        with uow:
            if uow.session.get(models.SelfReferral, referral_id) is not None:
                return referral_id  # the same form again: it was sent already
            key_row, plain = keys.create_data_key(uow, keys.REFERRAL)
            row = models.SelfReferral(
                id=referral_id,
                data_key_id=key_row.id,
                status=SelfReferralStatus.NEW.value,
                details_sealed=ReferralVault(referral_id, plain).seal_self_referral(request.to_details()),
                language=request.language.value,
                received_at=utcnow(),
            )
            row.data_key = key_row
            uow.session.add(row)
            audit.record(uow, AuditAction.SELF_REFERRAL_RECEIVE, object_type=OBJECT, object_id=referral_id)
    except IntegrityError:
        # Two posts of one form at the same moment (PostgreSQL): the other one stored it.
        if uow.session.get(models.SelfReferral, referral_id) is None:
            raise
    return referral_id


# --- The triage list -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One request as the list shows it: never anything the person wrote."""

    id: uuid.UUID
    status: SelfReferralStatus
    language: Language
    received_at: datetime
    readable: bool  # an opened request is read only by its case's facilitators


def _facilitates(actor: Actor) -> ColumnElement[bool]:
    return exists().where(
        models.CaseFacilitator.case_id == models.SelfReferral.case_id,
        models.CaseFacilitator.user_id == actor.user_id,
    )


def triage_list(uow: UnitOfWork, actor: Actor, page: int = 1) -> Page[Entry]:
    """New requests first, the longest waiting at the top; then the decided ones, newest first.
    Two queries, and the sealed details are never loaded."""
    rules.require_facilitator(actor)
    total = uow.session.scalar(select(func.count(models.SelfReferral.id))) or 0
    page = page_within(page, total)
    is_new = models.SelfReferral.status == SelfReferralStatus.NEW.value
    readable = or_(models.SelfReferral.status != SelfReferralStatus.OPENED.value, _facilitates(actor))
    rows = uow.session.execute(
        select(
            models.SelfReferral.id,
            models.SelfReferral.status,
            models.SelfReferral.language,
            models.SelfReferral.received_at,
            readable,
        )
        .order_by(
            case((is_new, 0), else_=1),
            case((is_new, models.SelfReferral.received_at)),
            models.SelfReferral.received_at.desc(),
            models.SelfReferral.id,
        )
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    entries = [Entry(r[0], SelfReferralStatus(r[1]), Language(r[2]), r[3], bool(r[4])) for r in rows]
    return Page(entries, page, total)


# --- Reading one ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestView:
    id: uuid.UUID
    status: SelfReferralStatus
    language: Language
    received_at: datetime
    request: SelfReferralRequest
    closed_reason: SelfReferralCloseReason | None
    closing_words: str
    decided_at: datetime | None
    case_id: uuid.UUID | None
    case_code: str | None


def _vault(uow: UnitOfWork, row: models.SelfReferral) -> ReferralVault:
    return ReferralVault(row.id, keys.unwrap(uow, row.data_key))


def _facilitates_case(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID | None) -> bool:
    if case_id is None:
        return False
    link = uow.session.get(models.CaseFacilitator, (case_id, actor.user_id))
    return link is not None


def _readable_row(uow: UnitOfWork, actor: Actor, referral_id: uuid.UUID) -> models.SelfReferral:
    row = uow.session.get(models.SelfReferral, referral_id)
    if row is None or actor.role is not Role.FACILITATOR:
        raise SelfReferralNotFound
    status = SelfReferralStatus(row.status)
    if not rules.may_read(actor, status, _facilitates_case(uow, actor, row.case_id)):
        raise SelfReferralNotFound
    return row


def read(uow: UnitOfWork, actor: Actor, referral_id: uuid.UUID) -> RequestView:
    """One request with everything the person wrote; every read is in the audit trail."""
    with uow:
        row = _readable_row(uow, actor, referral_id)
        details = _vault(uow, row).open_self_referral(row.details_sealed)
        audit.record(
            uow,
            AuditAction.SELF_REFERRAL_VIEW,
            actor_id=actor.user_id,
            case_id=row.case_id,
            object_type=OBJECT,
            object_id=row.id,
        )
        code = (
            uow.session.scalar(select(models.Case.code).where(models.Case.id == row.case_id)) if row.case_id else None
        )
        return RequestView(
            id=row.id,
            status=SelfReferralStatus(row.status),
            language=Language(row.language),
            received_at=row.received_at,
            request=SelfReferralRequest.from_details(details),
            closed_reason=SelfReferralCloseReason(row.closed_reason) if row.closed_reason else None,
            closing_words=str(details.get("closing_words", "")),
            decided_at=row.decided_at,
            case_id=row.case_id,
            case_code=code,
        )


def opened_from(uow: UnitOfWork, case_id: uuid.UUID) -> uuid.UUID | None:
    """The request a case was opened from, if any (for a link on the case page)."""
    return uow.session.scalar(select(models.SelfReferral.id).where(models.SelfReferral.case_id == case_id).limit(1))


# --- Deciding ------------------------------------------------------------------------------------


def _lock(uow: UnitOfWork, actor: Actor, referral_id: uuid.UUID) -> models.SelfReferral:
    """The request's row, locked (PostgreSQL) until the decision commits: the first lock taken.
    Any facilitator may decide on a request; whether it is still undecided is the domain's."""
    rules.require_facilitator(actor)
    row = uow.session.get(
        models.SelfReferral, referral_id, with_for_update={"of": models.SelfReferral}, populate_existing=True
    )
    if row is None:
        raise SelfReferralNotFound
    return row


@dataclass(frozen=True)
class Opening:
    """What the facilitator confirmed on the "open a case" form, prefilled from the request.
    The referral's source is self-referral and its date the day the request arrived."""

    reference: str
    offence_type: str
    offence_on: date | None
    risk_level: RiskLevel
    person: ParticipantDetails


def received_on(received_at: datetime) -> date:
    """The day a request arrived, in UK time."""
    return received_at.astimezone(UK).date()


def open_case(
    uow: UnitOfWork, actor: Actor, referral_id: uuid.UUID, opening: Opening, *, once: str | None = None
) -> uuid.UUID:
    """A case from the request, with the person who asked in it, in one unit of work: the case,
    its first participant and the request marked "opened" commit together or not at all."""
    with uow:
        row = _lock(uow, actor, referral_id)
        repeated = submissions.previous(uow, once, actor.user_id)
        if repeated is not None and repeated.result:
            return uuid.UUID(repeated.result)  # the same form again: the case it opened
        row.status = rules.decide_open(actor, SelfReferralStatus(row.status)).value
        referral = Referral(
            reference=opening.reference,
            offence_type=opening.offence_type,
            source=ReferralSource.SELF_REFERRAL,
            referred_on=received_on(row.received_at),
            offence_on=opening.offence_on,
        )
        # Both join this unit of work (nested blocks); their own once keys are not used here,
        # so the one key of this form answers for the whole decision.
        case_id = casework.open_case(uow, actor, referral, opening.risk_level)
        casework.add_participant(uow, actor, case_id, opening.person)
        row.case_id = case_id
        row.decided_by_id = actor.user_id
        row.decided_at = utcnow()
        submissions.remember(uow, once, actor.user_id, AuditAction.SELF_REFERRAL_OPEN_CASE.value, case_id)
        audit.record(
            uow,
            AuditAction.SELF_REFERRAL_OPEN_CASE,
            actor_id=actor.user_id,
            case_id=case_id,
            object_type=OBJECT,
            object_id=row.id,
        )
        return case_id


def close(
    uow: UnitOfWork,
    actor: Actor,
    referral_id: uuid.UUID,
    reason: SelfReferralCloseReason,
    words: str = "",
    *,
    once: str | None = None,
) -> None:
    """Close the request with a reason; any words the facilitator adds are sealed with the request."""
    with uow:
        row = _lock(uow, actor, referral_id)
        if submissions.previous(uow, once, actor.user_id):
            return
        row.status = rules.decide_close(actor, SelfReferralStatus(row.status), reason, words).value
        if words.strip():
            vault = _vault(uow, row)
            details = vault.open_self_referral(row.details_sealed)
            details["closing_words"] = words.strip()
            row.details_sealed = vault.seal_self_referral(details)
        row.closed_reason = reason.value
        row.decided_by_id = actor.user_id
        row.decided_at = utcnow()
        submissions.remember(uow, once, actor.user_id, AuditAction.SELF_REFERRAL_CLOSE.value, row.id)
        audit.record(uow, AuditAction.SELF_REFERRAL_CLOSE, actor_id=actor.user_id, object_type=OBJECT, object_id=row.id)
