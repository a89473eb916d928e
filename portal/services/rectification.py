"""Rectification and erasure on request: an assigned facilitator corrects or erases a person's
details in a case (portal.domain.subject_access says who may, and when).

Each is one unit of work on the locked case (`casework.acting`): the person's details are
sealed again as `casework.add_participant` seals them, the facilitator's reason is kept sealed
as a case note (the record's one place for a facilitator's words about the case: it says why,
and how the person asked), and the audit events (`participant.rectify`, `participant.erase`,
`item.erase` per item) commit with the change. Erasing replaces the sealed values in their rows:
the old ciphertext is gone from the table, so the old name no longer opens from it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from portal.crypto import CaseVault
from portal.domain import subject_access as rules
from portal.domain.actors import Actor
from portal.domain.audit import AuditAction
from portal.domain.enums import NoteKind, ParticipantRole, Side, Stage
from portal.domain.errors import DomainError
from portal.domain.permissions import can_manage_case, require_case_facilitator
from portal.domain.problems import Problem
from portal.domain.subject_access import Correction, Placeholders
from portal.services import audit, casenotes, casework, keys, media, records
from portal.services.casework import CaseContext
from portal.services.item_changes import audit_item
from portal.services.text import as_typed
from portal.services.uow import UnitOfWork
from portal.storage import models


@dataclass(frozen=True)
class PersonDetails:
    """What the facilitator's page about one person's data shows and the correction form starts from."""

    context: CaseContext
    participant_id: uuid.UUID
    name: str
    display_name: str
    relationship: str
    side: Side
    role: ParticipantRole
    erased: bool
    may_erase: bool  # the case is closed (the rest is checked when they ask)


def person_details(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, participant_id: uuid.UUID) -> PersonDetails:
    """For the case's assigned facilitators; anyone else finds no such page."""
    context = casework.load(uow, actor, case_id)
    person = context.participant(participant_id)
    if not can_manage_case(context.case, context.actor):
        raise casework.CaseNotFound
    name = casework.participant_name(uow, context, participant_id)
    return PersonDetails(
        context,
        participant_id,
        name,
        person.display_name,
        person.relationship,
        person.side,
        person.role,
        erased=_erased_before(uow, context.row.id, participant_id),
        may_erase=context.case.stage == Stage.CLOSED,
    )


def _erased_before(uow: UnitOfWork, case_id: uuid.UUID, participant_id: uuid.UUID) -> bool:
    """Whether this person's details were erased already: the audit trail is the record of it."""
    return (
        uow.session.scalar(
            select(models.AuditEvent.id)
            .where(
                models.AuditEvent.case_id == case_id,
                models.AuditEvent.action == AuditAction.PARTICIPANT_ERASE.value,
                models.AuditEvent.object_id == str(participant_id),
            )
            .limit(1)
        )
        is not None
    )


def _current_name(vault: CaseVault, row: models.Participant) -> str:
    return vault.open_participant_detail(row.id, "name", row.name_sealed)


def _keep_reason(uow: UnitOfWork, context: CaseContext, reason: str) -> None:
    """The reason, sealed, as a case note by the facilitator, audited as a note like any other."""
    note_id = casenotes.store_note(uow, context, NoteKind.NOTE, reason)
    audit.record(
        uow,
        AuditAction.NOTE_ADD,
        actor_id=context.actor.user_id,
        case_id=context.row.id,
        object_type="case_note",
        object_id=note_id,
    )


def rectify(
    uow: UnitOfWork,
    actor: Actor,
    case_id: uuid.UUID,
    participant_id: uuid.UUID,
    correction: Correction,
    *,
    once: str | None = None,
) -> None:
    """Correct a person's name, the name the other side sees, or their relationship."""
    with casework.acting(uow, actor, case_id, once) as context:
        if context is None:
            return
        person = context.participant(participant_id)
        row = context.participant_row(participant_id)
        vault = records.vault_for(uow, context.row)
        correction = Correction(
            as_typed(correction.name),
            as_typed(correction.display_name),
            as_typed(correction.relationship),
            as_typed(correction.reason),
        )
        after = rules.rectify(context.case, context.actor, person, _current_name(vault, row), correction)
        row.name_sealed = vault.seal_participant_detail(row.id, "name", correction.name.strip())
        row.display_name_sealed = (
            vault.seal_participant_detail(row.id, "display_name", after.display_name) if after.display_name else None
        )
        row.relationship_sealed = (
            vault.seal_participant_detail(row.id, "relationship", after.relationship) if after.relationship else None
        )
        _keep_reason(uow, context, correction.reason)
        casework.record_event(uow, context, AuditAction.PARTICIPANT_RECTIFY, "participant", participant_id, once)


def erase(
    uow: UnitOfWork,
    actor: Actor,
    case_id: uuid.UUID,
    participant_id: uuid.UUID,
    reason: str,
    *,
    words: bool,
    confirmed: bool,
    placeholders: Placeholders,
    once: str | None = None,
) -> int:
    """Erase a person's details in a closed case and, when `words`, the words of everything they
    wrote (its row and state stay for the record). Their name becomes `placeholders.name` (words
    the web layer gives). The number of items whose words went."""
    with casework.acting(uow, actor, case_id, once) as context:
        if context is None:
            return 0
        require_case_facilitator(context.case, context.actor)
        if not confirmed:
            raise DomainError(Problem.ERASE_NOT_CONFIRMED)
        person = context.participant(participant_id)
        row = context.participant_row(participant_id)
        vault = records.vault_for(uow, context.row)
        item_rows = list(
            uow.session.scalars(
                select(models.Item)
                .where(models.Item.case_id == context.row.id, models.Item.author_id == participant_id)
                .order_by(models.Item.id)
                .with_for_update()
            )
        )
        before = {r.id: records.item_from_row(vault, r) for r in item_rows}
        erasure = rules.erase_person(
            context.case,
            context.actor,
            person,
            before.values(),
            reason=as_typed(reason),
            words=words,
            placeholders=placeholders,
            erased_before=_erased_before(uow, context.row.id, participant_id),
        )
        row.name_sealed = vault.seal_participant_detail(row.id, "name", placeholders.name.strip())
        row.display_name_sealed = None
        row.relationship_sealed = (
            vault.seal_participant_detail(row.id, "relationship", erasure.person.relationship)
            if erasure.person.relationship
            else None
        )
        row.sensitive_terms_sealed = None
        directory = keys.directory_vault(uow)
        for invitation in uow.session.scalars(
            select(models.Invitation).where(models.Invitation.participant_id == participant_id)
        ):
            invitation.name_sealed = directory.seal_invitation_detail(invitation.id, "name", placeholders.name.strip())
        rows_by_id = {r.id: r for r in item_rows}
        for after in erasure.items:
            records.write_item(vault, rows_by_id[after.id], before[after.id], after)
            audit_item(uow, context, AuditAction.ITEM_ERASE, after)
        if words:  # their recordings, pictures and scans are their words too, on every item
            for item_row in item_rows:
                media.erase_files(uow, item_row.id)
        if words:
            answer = uow.session.scalars(
                select(models.SatisfactionAnswer).where(models.SatisfactionAnswer.participant_id == participant_id)
            ).first()
            if answer is not None:
                answer.comment_sealed = None
        _keep_reason(uow, context, as_typed(reason))
        casework.record_event(uow, context, AuditAction.PARTICIPANT_ERASE, "participant", participant_id, once)
        return len(erasure.items)
