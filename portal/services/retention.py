"""Retention: what is due for deletion, legal holds, and deletion by crypto-shredding.

Deleting a case destroys its data key (the `data_keys` row: the only copy of the key, wrapped
by a KEK) and removes every row that belongs to it, in one unit of work under the case's lock.
A database backup taken before still holds the wrapped key and the ciphertext, so it could be
opened while the KEK that wrapped the key exists; rotating the KEKs (`flask keys rotate`) and
then retiring the old one (`flask keys retire`) once every backup taken under it has expired
finishes the job (README, "Retention"). What stays: a tombstone and the audit events.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update

from portal.domain import retention as rules
from portal.domain.actors import Actor
from portal.domain.audit import STAGE_MOVES, AuditAction
from portal.domain.calendar import day_of, start_of
from portal.domain.cases import Case
from portal.domain.enums import (
    MeetingKind,
    MeetingStatus,
    ReferralSource,
    RiskLevel,
    Role,
    SelfReferralStatus,
    Stage,
)
from portal.domain.errors import NotAllowed
from portal.domain.problems import Problem
from portal.services import audit, casework, clock, media, records, submissions
from portal.services.casework import CaseNotFound, Page, page_within
from portal.services.uow import UnitOfWork
from portal.storage import models
from portal.storage.types import utcnow

SETTINGS_ROW = 1
BATCH = 50  # cases deleted per pass; each in its own unit of work


def policy(uow: UnitOfWork) -> rules.RetentionPolicy:
    row = uow.session.get(models.ServiceSettings, SETTINGS_ROW)
    if row is None:
        return rules.RetentionPolicy()
    return rules.RetentionPolicy(row.retain_closed_years, row.retain_request_days)


def set_policy(uow: UnitOfWork, actor: Actor, closed_years: int, request_days: int) -> None:
    """A manager sets how long the service keeps closed cases and unanswered requests."""
    if actor.role != Role.MANAGER:
        raise NotAllowed(Problem.SETTINGS_MANAGERS_ONLY)
    chosen = rules.RetentionPolicy(closed_years, request_days)
    with uow:
        row = uow.session.get(models.ServiceSettings, SETTINGS_ROW, with_for_update=True)
        if row is None:
            row = models.ServiceSettings(id=SETTINGS_ROW)
            uow.session.add(row)
        row.retain_closed_years, row.retain_request_days = chosen.closed_years, chosen.request_days
        row.updated_at, row.updated_by_id = utcnow(), actor.user_id
        audit.record(uow, AuditAction.SETTINGS_CHANGE, actor_id=actor.user_id, object_type="settings", object_id="1")


# --- What is due, and legal holds ------------------------------------------------------------------


@dataclass(frozen=True)
class DueForDeletion:
    case_id: uuid.UUID
    code: str
    closed_on: date
    deleted_on: date
    held: bool


def due_for_deletion(
    uow: UnitOfWork, actor: Actor, page: int = 1, *, today: date | None = None
) -> Page[DueForDeletion]:
    """Closed cases whose deletion is due within the warning days (or overdue and held): a
    facilitator's own, every case for a manager. Codes and dates only."""
    if actor.role not in (Role.FACILITATOR, Role.MANAGER):
        raise NotAllowed(Problem.LIST_STAFF_ONLY)
    today = today or clock.today_in_uk()
    chosen = policy(uow)
    horizon = rules.due_by(today + timedelta(days=rules.WARNING_DAYS), chosen).closed_on
    where = [
        models.Case.stage == Stage.CLOSED.value,
        models.Case.closed_at.is_not(None),
        models.Case.closed_at < start_of(horizon + timedelta(days=1)),
    ]
    if actor.role == Role.FACILITATOR:
        mine = select(models.CaseFacilitator.case_id).where(models.CaseFacilitator.user_id == actor.user_id)
        where.append(models.Case.id.in_(mine))
    rows = uow.session.execute(
        select(models.Case.id, models.Case.code, models.Case.closed_at, models.Case.held_at)
        .where(*where)
        .order_by(models.Case.closed_at, models.Case.id)
    ).all()
    entries = []
    for case_id, code, closed_at, held_at in rows:
        if closed_at is None:
            continue
        closed_on = day_of(closed_at)
        due = rules.deletion_due(closed_on, chosen)
        assert due is not None
        if due <= today + timedelta(days=rules.WARNING_DAYS):
            entries.append(DueForDeletion(case_id, code, closed_on, due, held_at is not None))
    page = page_within(page, len(entries))
    start = (page - 1) * casework.PAGE_SIZE
    return Page(entries[start : start + casework.PAGE_SIZE], page, len(entries))


def _hold_context(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID) -> tuple[models.Case, Case]:
    """The case locked, as a value with only what a hold's rule needs (no words are opened, so
    a manager may place one)."""
    row = casework.lock_case_row(uow, case_id)
    if row is None:
        raise CaseNotFound
    case = Case(row.id, Stage(row.stage), RiskLevel(row.risk_level), frozenset(f.user_id for f in row.facilitators))
    if actor.role == Role.FACILITATOR and actor.user_id not in case.facilitator_ids:
        raise CaseNotFound
    if actor.role not in (Role.FACILITATOR, Role.MANAGER):
        raise CaseNotFound
    return row, case


def place_hold(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, reason: str, *, once: str | None = None) -> None:
    with uow:
        if submissions.previous(uow, once, actor.user_id):
            return
        row, case = _hold_context(uow, actor, case_id)
        words = rules.place_hold(case, actor, reason, row.held_at is not None)
        row.hold_reason_sealed = records.vault_for(uow, row).seal_case_detail("hold_reason", words)
        row.held_by_id, row.held_at = actor.user_id, utcnow()
        submissions.remember(uow, once, actor.user_id, AuditAction.CASE_HOLD.value, case_id)
        audit.record(
            uow, AuditAction.CASE_HOLD, actor_id=actor.user_id, case_id=case_id, object_type="case", object_id=case_id
        )


def lift_hold(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, *, once: str | None = None) -> None:
    with uow:
        if submissions.previous(uow, once, actor.user_id):
            return
        row, case = _hold_context(uow, actor, case_id)
        rules.lift_hold(case, actor, row.held_at is not None)
        row.hold_reason_sealed, row.held_by_id, row.held_at = None, None, None
        submissions.remember(uow, once, actor.user_id, AuditAction.CASE_HOLD_LIFT.value, case_id)
        audit.record(
            uow,
            AuditAction.CASE_HOLD_LIFT,
            actor_id=actor.user_id,
            case_id=case_id,
            object_type="case",
            object_id=case_id,
        )


def hold_reason(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID) -> str | None:
    """Why the case is held, for the staff who may lift it (the words of whoever placed it)."""
    row = uow.session.get(models.Case, case_id)
    if row is None or row.hold_reason_sealed is None:
        return None
    if actor.role == Role.FACILITATOR and actor.user_id not in {f.user_id for f in row.facilitators}:
        raise CaseNotFound
    return records.vault_for(uow, row).open_case_detail("hold_reason", row.hold_reason_sealed)


# --- Deleting -------------------------------------------------------------------------------------------


def _facts(uow: UnitOfWork, case_id: uuid.UUID) -> dict[str, Any]:
    """What the reports count of this case, from plain columns only (nothing is opened)."""
    session = uow.session
    item, person = models.Item, models.Participant
    released = [
        [kind, sent.isoformat() if sent else None, done.isoformat() if done else None]
        for kind, sent, done in session.execute(
            select(item.kind, item.submitted_at, item.released_at).where(
                item.case_id == case_id, item.state == "released", item.released_at.is_not(None)
            )
        )
    ]
    sides = dict(session.execute(select(person.id, person.side).where(person.case_id == case_id)).all())
    event = models.AuditEvent
    moves: list[tuple[int, Stage]] = []
    stops: list[tuple[int, datetime, str | None]] = []
    for event_id, action, at, object_id in session.execute(
        select(event.id, event.action, event.occurred_at, event.object_id)
        .where(event.case_id == case_id)
        .order_by(event.id)
    ):
        if action in STAGE_MOVES:
            moves.append((event_id, STAGE_MOVES[action]))
        elif action == AuditAction.PARTICIPANT_WITHDRAW.value:
            stops.append((event_id, at, object_id))
    withdrawals = []
    for event_id, at, object_id in stops:
        before = [stage for moved, stage in moves if moved < event_id]
        side = sides.get(uuid.UUID(object_id)) if object_id else None
        if side is not None:
            withdrawals.append([side, (before[-1] if before else Stage.REFERRAL).value, at.isoformat()])
    agreement = session.scalars(select(models.Agreement).where(models.Agreement.case_id == case_id)).first()
    agreed_at = None
    actions: list[list[str]] = []
    if agreement is not None:
        if agreement.harmed_agreed_at and agreement.responsible_agreed_at:
            agreed_at = max(agreement.harmed_agreed_at, agreement.responsible_agreed_at).isoformat()
        actions = [[a.due_on.isoformat(), a.status] for a in agreement.actions]
    answer = models.SatisfactionAnswer
    satisfaction = [
        [side, score, at.isoformat()]
        for side, score, at in session.execute(
            select(person.side, answer.score, answer.answered_at)
            .join(person, person.id == answer.participant_id)
            .where(answer.case_id == case_id)
        )
    ]
    conferences = [
        held.isoformat()
        for held in session.scalars(
            select(models.Meeting.held_on).where(
                models.Meeting.case_id == case_id,
                models.Meeting.kind == MeetingKind.CONFERENCE.value,
                models.Meeting.status == MeetingStatus.HELD.value,
                models.Meeting.held_on.is_not(None),
            )
        )
        if held is not None
    ]
    return {
        "released": released,
        "withdrawals": withdrawals,
        "agreed_at": agreed_at,
        "actions": actions,
        "satisfaction": satisfaction,
        "conferences_held": conferences,
    }


def _delete_rows(uow: UnitOfWork, row: models.Case) -> None:
    """Every row of the case, children first, then the case and its data key."""
    session = uow.session
    case_id = row.id
    people = select(models.Participant.id).where(models.Participant.case_id == case_id)
    session.execute(delete(models.Notification).where(models.Notification.case_id == case_id))
    session.execute(delete(models.OutboxMessage).where(models.OutboxMessage.case_id == case_id))
    session.execute(delete(models.Invitation).where(models.Invitation.participant_id.in_(people)))
    session.execute(update(models.Item).where(models.Item.case_id == case_id).values(answers_to_id=None))
    media.delete_case_files(uow, case_id)
    owned: tuple[type[Any], ...] = (
        models.AgreementAction,
        models.Agreement,
        models.SatisfactionAnswer,
        models.Assessment,
        models.CaseNote,
        models.Contact,
        models.Meeting,
        models.Item,
        models.Consent,
        models.CaseFacilitator,
    )
    for model in owned:
        session.execute(delete(model).where(model.case_id == case_id))
    referrals = list(session.scalars(select(models.SelfReferral).where(models.SelfReferral.case_id == case_id)))
    for referral in referrals:
        _delete_request(uow, referral)
    session.execute(delete(models.Participant).where(models.Participant.case_id == case_id))
    data_key_id = row.data_key_id
    session.expunge(row)
    session.execute(delete(models.Case).where(models.Case.id == case_id))
    session.execute(delete(models.DataKey).where(models.DataKey.id == data_key_id))
    uow.case_vaults.pop(case_id, None)


def _delete_request(uow: UnitOfWork, referral: models.SelfReferral) -> None:
    data_key_id = referral.data_key_id
    uow.session.execute(delete(models.SelfReferral).where(models.SelfReferral.id == referral.id))
    uow.session.execute(delete(models.DataKey).where(models.DataKey.id == data_key_id))
    audit.record(uow, AuditAction.SELF_REFERRAL_SHRED, object_type="self_referral", object_id=referral.id)


def shred_case(uow: UnitOfWork, case_id: uuid.UUID, today: date) -> bool:
    """Delete one case whose time is up, in its own unit of work; False if it no longer is
    (reopened? held since the list was read?): the rule is checked again under the lock."""
    with uow:
        row = casework.lock_case_row(uow, case_id)
        if row is None or not rules.deletable(Stage(row.stage)) or row.closed_at is None:
            return False
        due = rules.deletion_due(day_of(row.closed_at), policy(uow))
        if not rules.to_delete(due, row.held_at is not None, today):
            return False
        uow.session.add(
            models.CaseTombstone(
                id=row.id,
                code=row.code,
                referral_source=row.referral_source,
                referred_on=row.referred_on,
                opened_at=row.created_at,
                closed_at=row.closed_at,
                final_stage=row.stage,
                facts=_facts(uow, row.id),
            )
        )
        _delete_rows(uow, row)
        audit.record(uow, AuditAction.CASE_SHRED, case_id=case_id, object_type="case", object_id=case_id)
        return True


@dataclass(frozen=True)
class Swept:
    cases: int
    requests: int


def run(uow: UnitOfWork, *, today: date | None = None, batch: int = BATCH) -> Swept:
    """One pass: delete the closed cases and unanswered requests whose time is up (for the
    worker, and `flask retention run`)."""
    today = today or clock.today_in_uk()
    chosen = policy(uow)
    due = rules.due_by(today, chosen)
    candidates = list(
        uow.session.scalars(
            select(models.Case.id)
            .where(
                models.Case.stage == Stage.CLOSED.value,
                models.Case.held_at.is_(None),
                models.Case.closed_at < start_of(due.closed_on + timedelta(days=1)),
            )
            .order_by(models.Case.closed_at)
            .limit(batch)
        )
    )
    cases = sum(shred_case(uow, case_id, today) for case_id in candidates)
    requests = 0
    cutoff = start_of(due.decided_on + timedelta(days=1))
    with uow:
        for referral in uow.session.scalars(
            select(models.SelfReferral)
            .where(
                models.SelfReferral.status == SelfReferralStatus.CLOSED.value,
                models.SelfReferral.case_id.is_(None),
                models.SelfReferral.decided_at < cutoff,
            )
            .with_for_update()
            .limit(batch)
        ):
            _delete_request(uow, referral)
            requests += 1
    return Swept(cases, requests)


# --- What the reports count of deleted cases ----------------------------------------------------------


@dataclass(frozen=True)
class Tombstone:
    referral_source: ReferralSource
    referred_on: date
    facts: dict[str, Any]


def tombstones_touching(uow: UnitOfWork, start: date) -> list[Tombstone]:
    """Deleted cases still open on or after `start` (a report's period can only count those)."""
    rows = uow.session.execute(
        select(
            models.CaseTombstone.referral_source, models.CaseTombstone.referred_on, models.CaseTombstone.facts
        ).where(
            (models.CaseTombstone.closed_at.is_(None))
            | (models.CaseTombstone.closed_at >= start_of(start))
            | (models.CaseTombstone.referred_on >= start)
        )
    ).all()
    return [Tombstone(ReferralSource(source), referred, facts or {}) for source, referred, facts in rows]
