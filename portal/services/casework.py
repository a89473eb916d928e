"""Casework: opening cases, the people in them, consent, risk, stages, stopping and rejoining.

Every use case is one unit of work: it locks the case row (`changing`), loads the case for
the actor (a case they may not see is "not found", the same as one that does not exist),
checks the form was not acted on already, asks the domain, stores the answer and audits it,
and commits all of that together or nothing.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import aliased, joinedload, lazyload

from portal.crypto import CaseVault
from portal.domain import cases as case_rules
from portal.domain import consent as consent_rules
from portal.domain import withdrawal as withdrawal_rules
from portal.domain.actors import Actor, CaseAccess, case_access
from portal.domain.audit import AuditAction
from portal.domain.cases import Case, CaseRecord, Participant, Referral
from portal.domain.enums import (
    ConsentFormat,
    ItemState,
    Language,
    ParticipantRole,
    RiskLevel,
    Role,
    Side,
    Stage,
    TakingPart,
)
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.notifications import NotificationKind
from portal.domain.permissions import can_see_case, require_case_facilitator, supervises_case
from portal.domain.problems import Problem
from portal.services import accounts, audit, case_record, invitations, keys, outbox, records, submissions
from portal.services.uow import UnitOfWork
from portal.storage import models
from portal.storage.db import WriteOutsideUnitOfWork
from portal.storage.types import utcnow

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on paper
PAGE_SIZE = 20
SUPERVISION_READS = "portal.supervision_reads"  # session.info: cases whose read this request has audited


class CaseNotFound(Exception):
    """No such case, or not one this person may see: the two look the same from outside."""


@dataclass
class CaseContext:
    """A case as one actor may see it: the stored row, the domain value, and their access."""

    row: models.Case
    case: Case
    actor: Actor
    access: CaseAccess

    @property
    def manages(self) -> bool:
        return self.actor.user_id in self.case.facilitator_ids

    @property
    def me(self) -> Participant | None:
        return self.access.participant

    def participant(self, participant_id: uuid.UUID) -> Participant:
        """A person of this case; anyone else, of another case or none, is "not found"."""
        for participant in self.case.participants:
            if participant.id == participant_id:
                return participant
        raise CaseNotFound

    def participant_row(self, participant_id: uuid.UUID) -> models.Participant:
        for row in self.row.participants:
            if row.id == participant_id:
                return row
        raise CaseNotFound


def actor_for(user: models.User) -> Actor:
    return Actor(user.id, Role(user.role))


def new_case_code() -> str:
    return "RX-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def _may_look(uow: UnitOfWork, row: models.Case, actor: Actor) -> Actor | None:
    """A cheap check before anything is unsealed (the domain has the final word): the actor as
    they may look, or None. A facilitator not assigned to the case looks only as the named
    supervisor of one who is, and the answer carries whom they supervise."""
    if actor.role == Role.FACILITATOR:
        assigned = [link.user_id for link in row.facilitators]
        if actor.user_id in assigned:
            return actor
        supervisor = aliased(models.User)
        senior_now = select(supervisor.id).where(
            supervisor.id == actor.user_id, supervisor.senior.is_(True), supervisor.is_active.is_(True)
        )
        supervised = frozenset(
            uow.session.scalars(
                select(models.User.id).where(
                    models.User.id.in_(assigned), models.User.supervisor_id == actor.user_id, senior_now.exists()
                )
            )
        )
        return replace(actor, supervises=supervised) if supervised else None
    if actor.role == Role.PARTICIPANT and any(p.user_id == actor.user_id for p in row.participants):
        return actor
    return None


def _audit_supervision_read(uow: UnitOfWork, context: CaseContext) -> None:
    """Every page a supervisor reads of a case is in the audit trail: once per request. Inside a
    use case (a write, which the domain will refuse a supervisor) the event joins it and may be
    rolled back with it, so it does not count as the request's: the page drawn after is audited."""
    read = uow.session.info.setdefault(SUPERVISION_READS, set())
    if context.row.id in read:
        return
    inside = uow.active
    with uow:
        audit.record(
            uow,
            AuditAction.CASE_SUPERVISION_READ,
            actor_id=context.actor.user_id,
            case_id=context.row.id,
            object_type="case",
            object_id=str(context.row.id),
        )
    if not inside:  # committed
        read.add(context.row.id)


# A case with its facilitators and people in one query (a handful of rows), its consents in a second.
_WHOLE_CASE = (joinedload(models.Case.facilitators), joinedload(models.Case.participants))
# Built once, for every page of a case: building the statement cost more than running it.
# Its consents are read apart as columns (records.consent_history): loading them as rows cost more
# than the case and its people together.
_CASE_TO_READ = (
    select(models.Case).where(models.Case.id == bindparam("id")).options(*_WHOLE_CASE, lazyload(models.Case.consents))
)


def lock_case_row(uow: UnitOfWork, case_id: uuid.UUID) -> models.Case | None:
    """The case row, locked (PostgreSQL) until the unit of work ends: the first lock of every change."""
    if not uow.active:
        raise WriteOutsideUnitOfWork("a case is locked only inside the unit of work that changes it")
    return uow.session.get(models.Case, case_id, with_for_update={"of": models.Case}, options=_WHOLE_CASE)


def load(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, *, for_change: bool = False) -> CaseContext:
    """The case as this actor may see it. `for_change` locks its row until the unit of work
    commits, so two changes to one case, such as a withdrawal and a release, happen one after
    the other and each decides on what the other left."""
    if for_change:
        row = lock_case_row(uow, case_id)
    else:
        row = uow.session.scalars(_CASE_TO_READ, {"id": case_id}).unique().one_or_none()
    looking = None if row is None else _may_look(uow, row, actor)
    if row is None or looking is None:
        raise CaseNotFound
    case = records.case_from_row(uow, row)
    if not can_see_case(case, looking):
        raise CaseNotFound
    context = CaseContext(row, case, looking, case_access(case, looking))
    if supervises_case(case, looking):
        _audit_supervision_read(uow, context)
    return context


@contextmanager
def changing(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID) -> Iterator[CaseContext]:
    """One use case on one case: a unit of work that holds the case's lock until it commits."""
    with uow:
        yield load(uow, actor, case_id, for_change=True)


@contextmanager
def acting(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, once: str | None) -> Iterator[CaseContext | None]:
    """As `changing`, but yields None when this very form was acted on already."""
    with changing(uow, actor, case_id) as context:
        yield None if submissions.previous(uow, once, actor.user_id) else context


def record_event(
    uow: UnitOfWork, context: CaseContext, action: AuditAction, obj: str, obj_id: object, once: str | None = None
) -> None:
    """A change to the case, in its use case's transaction: the case touched, the form
    remembered (so posting it again acts once) and the audit event written."""
    context.row.updated_at = utcnow()
    submissions.remember(uow, once, context.actor.user_id, action.value, obj_id)
    audit.record(
        uow, action, actor_id=context.actor.user_id, case_id=context.row.id, object_type=obj, object_id=str(obj_id)
    )


# --- Opening a case and its people --------------------------------------------------------


def open_case(
    uow: UnitOfWork, actor: Actor, referral: Referral, risk_level: RiskLevel, *, once: str | None = None
) -> uuid.UUID:
    with uow:
        repeated = submissions.previous(uow, once, actor.user_id)
        if repeated is not None and repeated.result:
            return uuid.UUID(repeated.result)
        case_id = uuid.uuid4()
        case = case_rules.open_case(case_id, actor, risk_level)
        key_row, plain = keys.create_data_key(uow, keys.CASE)
        row = models.Case(
            id=case_id,
            code=new_case_code(),
            data_key_id=key_row.id,
            stage=case.stage.value,
            risk_level=case.risk_level.value,
            referral_source=referral.source.value,
            referral_reference_sealed=b"",
            offence_type_sealed=b"",
            referred_on=referral.referred_on,
            offence_on=referral.offence_on,
            created_by_id=actor.user_id,
        )
        row.data_key = key_row
        vault = CaseVault(case_id, plain)
        uow.case_vaults[case_id] = vault
        row.referral_reference_sealed = vault.seal_case_detail("referral_reference", referral.reference.strip())
        row.reference_index = keys.directory_vault(uow).reference_index(referral.reference)  # caseload search
        row.offence_type_sealed = vault.seal_case_detail("offence_type", referral.offence_type.strip())
        row.facilitators.append(models.CaseFacilitator(case_id=case_id, user_id=actor.user_id))
        uow.session.add(row)
        submissions.remember(uow, once, actor.user_id, AuditAction.CASE_OPEN.value, case_id)
        audit.record(
            uow, AuditAction.CASE_OPEN, actor_id=actor.user_id, case_id=case_id, object_type="case", object_id=case_id
        )
        return case_id


@dataclass(frozen=True)
class ReferralDetails:
    reference: str
    offence_type: str


def referral_details(uow: UnitOfWork, context: CaseContext) -> ReferralDetails:
    vault = records.vault_for(uow, context.row)
    return ReferralDetails(
        vault.open_case_detail("referral_reference", context.row.referral_reference_sealed),
        vault.open_case_detail("offence_type", context.row.offence_type_sealed),
    )


def assign_facilitator(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, email: str, *, once: str | None = None
) -> None:
    with acting(uow, actor, case_id, once) as context:
        if context is None:
            return
        require_case_facilitator(context.case, context.actor)
        user = accounts.find_by_email(uow, email)
        if user is None or user.role != Role.FACILITATOR or not user.is_active:
            raise DomainError(Problem.FACILITATOR_NOT_ASSIGNABLE)
        if user.id in context.case.facilitator_ids:
            raise DomainError(Problem.FACILITATOR_ALREADY_ASSIGNED)
        context.row.facilitators.append(models.CaseFacilitator(case_id=context.row.id, user_id=user.id))
        record_event(uow, context, AuditAction.CASE_ASSIGN, "user", user.id, once)


@dataclass(frozen=True)
class ParticipantDetails:
    """What a facilitator enters about a person; names and terms are sealed when stored."""

    side: Side
    role: ParticipantRole
    name: str
    taking_part: TakingPart
    relationship: str = ""
    display_name: str = ""
    may_write: bool = False
    sensitive_terms: tuple[str, ...] = ()


def _seal_participant(vault: CaseVault, row: models.Participant, details: ParticipantDetails) -> None:
    row.name_sealed = vault.seal_participant_detail(row.id, "name", details.name.strip())
    row.display_name_sealed = (
        vault.seal_participant_detail(row.id, "display_name", details.display_name.strip())
        if details.display_name.strip()
        else None
    )
    row.relationship_sealed = (
        vault.seal_participant_detail(row.id, "relationship", details.relationship.strip())
        if details.relationship.strip()
        else None
    )
    terms = [term.strip() for term in details.sensitive_terms if term.strip()]
    row.sensitive_terms_sealed = vault.seal_sensitive_terms(row.id, terms) if terms else None


def add_participant(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, details: ParticipantDetails, *, once: str | None = None
) -> uuid.UUID | None:
    with acting(uow, actor, case_id, once) as context:
        if context is None:
            return None
        require_case_facilitator(context.case, context.actor)
        if not details.name.strip():
            raise DomainError(Problem.PERSON_NAME_MISSING)
        participant_id = uuid.uuid4()
        # The domain checks the person (a proxy must have a relationship, for example).
        Participant(
            id=participant_id,
            side=details.side,
            role=details.role,
            taking_part=details.taking_part,
            relationship=details.relationship,
            may_write=details.may_write,
        )
        row = models.Participant(
            id=participant_id,
            case_id=context.row.id,
            side=details.side.value,
            role=details.role.value,
            taking_part=details.taking_part.value,
            name_sealed=b"",
            may_write=details.may_write,
        )
        _seal_participant(records.vault_for(uow, context.row), row, details)
        context.row.participants.append(row)
        record_event(uow, context, AuditAction.PARTICIPANT_ADD, "participant", participant_id, once)
        return participant_id


def participant_name(uow: UnitOfWork, context: CaseContext, participant_id: uuid.UUID) -> str:
    """A participant's real name: for the case's facilitators and managers only."""
    if context.me is not None:
        raise NotAllowed(Problem.PERSON_NAMES_FOR_FACILITATORS)
    row = context.participant_row(participant_id)
    return records.vault_for(uow, context.row).open_participant_detail(row.id, "name", row.name_sealed)


def invite_participant(
    uow: UnitOfWork,
    actor: Actor,
    case_id: uuid.UUID,
    participant_id: uuid.UUID,
    email: str,
    *,
    send_in: Language | None = None,
) -> str:
    """A single-use link for this participant; accepting it links their new account. With
    `send_in`, the portal emails it too, in that language."""
    with changing(uow, actor, case_id) as context:
        require_case_facilitator(context.case, context.actor)
        row = context.participant_row(participant_id)
        if row.user_id is not None:
            raise DomainError(Problem.PERSON_ALREADY_HAS_ACCOUNT)
        if row.taking_part == TakingPart.OFFLINE:
            raise DomainError(Problem.PERSON_TAKES_PART_OFFLINE)
        name = participant_name(uow, context, participant_id)
        return invitations.invite(
            uow, actor, Role.PARTICIPANT, name, email, participant_id=row.id, case_id=row.case_id, send_in=send_in
        )


# --- Stages, consent -------------------------------------------------------------------


def move(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, to: Stage, *, once: str | None = None) -> None:
    with acting(uow, actor, case_id, once) as context:
        if context is None:
            return
        case = case_rules.move_case(context.case, context.actor, to, case_record.case_record(uow, context.row))
        records.write_case(context.row, case)
        record_event(uow, context, AuditAction.stage(to), "case", context.row.id, once)


def record_consent(
    uow: UnitOfWork,
    actor: Actor,
    case_id: uuid.UUID,
    participant_id: uuid.UUID,
    consent_format: ConsentFormat,
    given: bool,
    *,
    once: str | None = None,
) -> None:
    with acting(uow, actor, case_id, once) as context:
        if context is None:
            return
        context.participant(participant_id)
        record = consent_rules.record_consent(
            context.case, context.actor, participant_id, consent_format, given, utcnow()
        )
        context.row.consents.append(
            models.Consent(
                case_id=context.row.id,
                participant_id=record.participant_id,
                format=record.format.value,
                given=record.given,
                recorded_at=record.at,
                recorded_by_id=record.recorded_by,
                by_facilitator=record.by_facilitator,
            )
        )
        record_event(uow, context, AuditAction.consent(consent_format, given), "participant", participant_id, once)


def consents_of(context: CaseContext, participant_id: uuid.UUID) -> dict[ConsentFormat, bool]:
    return {f: consent_rules.has_consent(context.case.consents, participant_id, f) for f in ConsentFormat}


# --- Stopping and rejoining ------------------------------------------------------------------------


def withdraw(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, participant_id: uuid.UUID, *, once: str | None = None
) -> None:
    """Someone stops: everything undelivered is held, the case halts, only facilitators are told."""
    with acting(uow, actor, case_id, once) as context:
        if context is None:
            return
        context.participant(participant_id)
        item_rows = list(
            uow.session.scalars(
                select(models.Item)
                .where(models.Item.case_id == context.row.id)
                .order_by(models.Item.id)
                .with_for_update()
            )
        )
        items = {row.id: (row, records.item_from_row(None, row)) for row in item_rows}
        now = utcnow()
        result = withdrawal_rules.withdraw(
            context.case, [item for _, item in items.values()], participant_id, context.actor, now
        )
        for changed in result.items:
            row, before = items[changed.id]
            records.write_item(None, row, before, changed)
        for record in result.consents:
            context.row.consents.append(
                models.Consent(
                    case_id=context.row.id,
                    participant_id=record.participant_id,
                    format=record.format.value,
                    given=False,
                    recorded_at=record.at,
                    recorded_by_id=record.recorded_by,
                    by_facilitator=record.by_facilitator,
                )
            )
        context.participant_row(participant_id).withdrawn_at = now
        context.row.stage = result.stage.value
        context.row.paused_from = result.paused_from.value if result.paused_from else None
        for user_id in result.tell:
            uow.session.add(
                models.Notification(
                    user_id=user_id, case_id=context.row.id, kind="participant-stopped", participant_id=participant_id
                )
            )
            if user_id != actor.user_id:  # a facilitator recording it for someone offline knows already
                outbox.tell(uow, user_id, NotificationKind.PARTICIPANT_STOPPED, case_id=context.row.id)
        record_event(uow, context, AuditAction.PARTICIPANT_WITHDRAW, "participant", participant_id, once)


def rejoin(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, participant_id: uuid.UUID, *, once: str | None = None
) -> None:
    with acting(uow, actor, case_id, once) as context:
        if context is None:
            return
        context.participant(participant_id)
        withdrawal_rules.rejoin(context.case, participant_id, context.actor)
        context.participant_row(participant_id).withdrawn_at = None
        record_event(uow, context, AuditAction.PARTICIPANT_REJOIN, "participant", participant_id, once)


# --- Lists for staff -----------------------------------------------------------------------------------

WAITING = (ItemState.SUBMITTED.value, ItemState.AWAITING_SECOND_APPROVAL.value)
RELEASABLE = (ItemState.APPROVED.value, ItemState.SCHEDULED.value, ItemState.HELD_FOR_RECIPIENT.value)


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    entries: list[T]
    number: int
    total: int

    @property
    def pages(self) -> int:
        return _page_count(self.total)


def _page_count(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def page_within(page: int, total: int) -> int:
    """The page asked for, or the nearest that exists (page 99 of 3 is page 3)."""
    return max(1, min(page, _page_count(total)))


@dataclass(frozen=True)
class Notice:
    """Something a facilitator should look at: which case and what kind, never content."""

    case_id: uuid.UUID
    case_code: str
    kind: str
    created_at: datetime


def unseen_notifications(uow: UnitOfWork, actor: Actor) -> list[Notice]:
    rows = uow.session.execute(
        select(models.Notification.case_id, models.Case.code, models.Notification.kind, models.Notification.created_at)
        .join(models.Case, models.Case.id == models.Notification.case_id)
        .where(models.Notification.user_id == actor.user_id, models.Notification.seen_at.is_(None))
        .order_by(models.Notification.created_at.desc())
    ).all()
    return [Notice(*row) for row in rows]


def participant_cases(uow: UnitOfWork, actor: Actor) -> list[models.Case]:
    """The cases a participant takes part in (usually one)."""
    return list(
        uow.session.scalars(
            select(models.Case)
            .join(models.Participant)
            .where(models.Participant.user_id == actor.user_id)
            .order_by(models.Case.created_at)
        )
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    action: str
    actor_id: uuid.UUID | None
    object_type: str | None
    object_id: str | None
    outcome: str


_OF_CASE_HISTORY = models.AuditEvent.case_id == bindparam("case_id")
_HISTORY_COUNT = select(func.count(models.AuditEvent.id)).where(_OF_CASE_HISTORY)
_HISTORY_PAGE = (  # a timeline entry's columns, newest first, by the (case_id, id) index
    select(
        models.AuditEvent.occurred_at,
        models.AuditEvent.action,
        models.AuditEvent.actor_id,
        models.AuditEvent.object_type,
        models.AuditEvent.object_id,
        models.AuditEvent.outcome,
    )
    .where(_OF_CASE_HISTORY)
    .order_by(models.AuditEvent.id.desc())
    .limit(PAGE_SIZE)
    .offset(bindparam("skip"))
)


def timeline(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, page: int = 1
) -> tuple[CaseContext, Page[TimelineEntry]]:
    """Every item and decision of the case, from the audit trail itself (so it cannot disagree)."""
    context = load(uow, actor, case_id)
    if context.me is not None:
        raise NotAllowed(Problem.HISTORY_FACILITATORS_ONLY)
    total = uow.read(_HISTORY_COUNT, {"case_id": context.row.id}).scalar() or 0
    page = page_within(page, total)
    events = uow.read(_HISTORY_PAGE, {"case_id": context.row.id, "skip": (page - 1) * PAGE_SIZE})
    return context, Page([TimelineEntry(*event) for event in events], page, total)


def clear_sign_in_delay(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, participant_id: uuid.UUID, *, once: str | None = None
) -> None:
    """A facilitator lets one of their case's participants try signing in again straight away."""
    with acting(uow, actor, case_id, once) as context:
        if context is None:
            return
        require_case_facilitator(context.case, context.actor)
        row = context.participant_row(participant_id)
        if row.user_id is None:
            raise DomainError(Problem.PERSON_HAS_NO_ACCOUNT)
        accounts.clear_sign_in_delay(uow, actor, row.user_id)
        submissions.remember(uow, once, actor.user_id, AuditAction.DELAY_CLEARED.value, participant_id)


@dataclass(frozen=True)
class Person:
    """One person of the case as the facilitator's case page shows them."""

    participant: Participant
    name: str
    consents: dict[ConsentFormat, bool]


@dataclass(frozen=True)
class CasePage:
    context: CaseContext
    referral: ReferralDetails
    people: list[Person]
    record: CaseRecord  # what the assessments and follow-ups say about moving on


# The notices of one case this person has not seen yet (as `me` and `case`; an UPDATE keeps
# bind names like its columns' for itself).
_UNSEEN = (
    models.Notification.user_id == bindparam("me"),
    models.Notification.case_id == bindparam("case"),
    models.Notification.seen_at.is_(None),
)
_AN_UNSEEN_NOTICE = select(models.Notification.id).where(*_UNSEEN).limit(1)


def case_page(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID) -> CasePage:
    """A case for its facilitators and managers; opening it marks its notices as seen, so it
    writes (and takes the write lock) only when there are notices to mark."""
    mine = {"me": actor.user_id, "case": case_id}
    if uow.read(_AN_UNSEEN_NOTICE, mine).first() is None:
        return _case_page(uow, actor, case_id)
    with uow:
        page = _case_page(uow, actor, case_id)
        # "fetch": rows already loaded are matched by their keys (bound names cannot be evaluated in Python)
        seen = update(models.Notification).where(*_UNSEEN).values(seen_at=utcnow())
        uow.rows_changed(seen.execution_options(synchronize_session="fetch"), mine)
        return page


def _case_page(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID) -> CasePage:
    context = load(uow, actor, case_id)
    if context.me is not None:
        raise CaseNotFound
    people = [
        Person(p, participant_name(uow, context, p.id), consents_of(context, p.id)) for p in context.case.participants
    ]
    return CasePage(context, referral_details(uow, context), people, case_record.case_record(uow, context.row))
