"""Between stored rows and the domain's values: open what is sealed, seal what changed.

The domain decides on plain frozen values; this module is the only place that turns rows
into those values and writes a decision back, sealing every text on the way.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from sqlalchemy import Row, bindparam, select

from portal.crypto import CaseVault
from portal.domain.cases import Case, Participant
from portal.domain.consent import ConsentRecord
from portal.domain.enums import (
    ConsentFormat,
    ItemKind,
    ItemState,
    Language,
    ParticipantRole,
    RiskLevel,
    Side,
    Stage,
    TakingPart,
)
from portal.domain.items import Confirmation, Item
from portal.domain.redaction import Redaction
from portal.services import keys
from portal.services.uow import UnitOfWork
from portal.storage import models
from portal.storage.types import utcnow


def vault_for(uow: UnitOfWork, row: models.Case) -> CaseVault:
    if row.id not in uow.case_vaults:
        uow.case_vaults[row.id] = CaseVault(row.id, keys.unwrap(uow, row.data_key))
    return uow.case_vaults[row.id]


def _open_optional(vault: CaseVault, participant_id: uuid.UUID, field: str, sealed: bytes | None) -> str:
    return vault.open_participant_detail(participant_id, field, sealed) if sealed else ""


def participant_from_row(vault: CaseVault, row: models.Participant) -> Participant:
    return Participant(
        id=row.id,
        side=Side(row.side),
        role=ParticipantRole(row.role),
        user_id=row.user_id,
        taking_part=TakingPart(row.taking_part),
        display_name=_open_optional(vault, row.id, "display_name", row.display_name_sealed),
        relationship=_open_optional(vault, row.id, "relationship", row.relationship_sealed),
        may_write=row.may_write,
        sensitive_terms=tuple(vault.open_sensitive_terms(row.id, row.sensitive_terms_sealed))
        if row.sensitive_terms_sealed
        else (),
        withdrawn=row.withdrawn_at is not None,
    )


# A case's consent history, oldest first, as columns: what a page reads every time it shows a case.
_CONSENT_HISTORY = (
    select(
        models.Consent.participant_id,
        models.Consent.format,
        models.Consent.given,
        models.Consent.recorded_at,
        models.Consent.recorded_by_id,
        models.Consent.by_facilitator,
    )
    .where(models.Consent.case_id == bindparam("case_id"))
    .order_by(models.Consent.recorded_at)
)


def consent_history(uow: UnitOfWork, case_id: uuid.UUID) -> tuple[ConsentRecord, ...]:
    """The consents of a case, oldest first, without loading them as rows."""
    return tuple(
        ConsentRecord(participant, ConsentFormat(format_), given, at, by, by_facilitator)
        for participant, format_, given, at, by, by_facilitator in uow.read(_CONSENT_HISTORY, {"case_id": case_id})
    )


def case_from_row(uow: UnitOfWork, row: models.Case) -> Case:
    """The domain case; its consents read as columns (`consent_history`), after any pending one is flushed."""
    vault = vault_for(uow, row)
    return Case(
        id=row.id,
        stage=Stage(row.stage),
        risk_level=RiskLevel(row.risk_level),
        facilitator_ids=frozenset(link.user_id for link in row.facilitators),
        participants=tuple(participant_from_row(vault, p) for p in row.participants),
        consents=consent_history(uow, row.id),
        paused_from=Stage(row.paused_from) if row.paused_from else None,
    )


def write_case(row: models.Case, case: Case) -> None:
    """Store a case decision: its stage and risk (participants and consent are written apart)."""
    row.stage = case.stage.value
    row.paused_from = case.paused_from.value if case.paused_from else None
    row.risk_level = case.risk_level.value
    row.updated_at = utcnow()
    if case.stage == Stage.CLOSED and row.closed_at is None:
        row.closed_at = row.updated_at


# An item's columns without its sealed words (every `…_sealed` column, one added later too): what
# a list reads (as columns, never as rows) to let the domain judge each item it shows.
ITEM_FACTS = tuple(column for column in models.Item.__table__.columns if not column.key.endswith("_sealed"))


def item_from_row(vault: CaseVault | None, row: models.Item | Row[Any]) -> Item:
    """The domain item, from its row or from its `ITEM_FACTS` read as columns; with no vault its
    words stay sealed (for decisions about state only)."""
    parts: tuple[str, ...] = ("",)
    redactions: tuple[Redaction, ...] = ()
    message = review_note = ""
    if vault is not None:
        parts = tuple(vault.open_letter(row.id, row.parts_sealed))
        if row.redactions_sealed:
            redactions = tuple(Redaction(**r) for r in vault.open_redactions(row.id, row.redactions_sealed))
        if row.message_sealed:
            message = vault.open_review_message(row.id, row.message_sealed)
        if row.review_note_sealed:
            review_note = vault.open_review_note(row.id, row.review_note_sealed)
    confirmation = None
    if row.confirmed_at is not None and row.confirmed_by_id is not None:
        confirmation = Confirmation(row.confirmed_at, row.confirmed_by_id, row.confirmed_by_facilitator)
    return Item(
        id=row.id,
        case_id=row.case_id,
        kind=ItemKind(row.kind),
        author_id=row.author_id,
        state=ItemState(row.state),
        parts=parts,
        answers_to=row.answers_to_id,
        entered_by=row.entered_by_id,
        writers=tuple(uuid.UUID(w) for w in row.written_by or ()),
        confirmation=confirmation,
        redactions=redactions,
        approved_by=tuple(uuid.UUID(a) for a in row.approved_by or ()),
        message=message,
        review_note=review_note,
        release_at=row.release_at,
        released_at=row.released_at,
        opened_at=row.opened_at,
        read_receipt=row.read_receipt,
        version=row.version or 0,
        language=Language(row.language or Language.EN),
    )


def new_item_row(vault: CaseVault, item: Item) -> models.Item:
    row = models.Item(
        id=item.id,
        case_id=item.case_id,
        kind=item.kind.value,
        state=item.state.value,
        author_id=item.author_id,
        answers_to_id=item.answers_to,
        entered_by_id=item.entered_by,
        parts_sealed=vault.seal_letter(item.id, list(item.parts)),
        approved_by=[],
        written_by=[str(w) for w in item.writers],
        language=item.language.value,
    )
    return row


def write_item(vault: CaseVault | None, row: models.Item, before: Item, after: Item) -> None:
    """Store what the decision changed; texts are sealed again only when they changed."""
    words = ("parts", "redactions", "message", "review_note")
    if any(getattr(after, name) != getattr(before, name) for name in words):
        if vault is None:
            raise ValueError("the item's words changed, but it was loaded without its key")
        if after.parts != before.parts:
            row.parts_sealed = vault.seal_letter(row.id, list(after.parts))
        if after.redactions != before.redactions:
            row.redactions_sealed = (
                vault.seal_redactions(row.id, [asdict(r) for r in after.redactions]) if after.redactions else None
            )
        if after.message != before.message:
            row.message_sealed = vault.seal_review_message(row.id, after.message) if after.message else None
        if after.review_note != before.review_note:
            row.review_note_sealed = vault.seal_review_note(row.id, after.review_note) if after.review_note else None
    if after.state != before.state and after.state == ItemState.SUBMITTED:
        row.submitted_at = utcnow()
    row.state = after.state.value
    row.approved_by = [str(a) for a in after.approved_by]
    row.written_by = [str(w) for w in after.writers]
    if after.confirmation is None:
        row.confirmed_at, row.confirmed_by_id, row.confirmed_by_facilitator = None, None, False
    else:
        row.confirmed_at = after.confirmation.at
        row.confirmed_by_id = after.confirmation.recorded_by
        row.confirmed_by_facilitator = after.confirmation.by_facilitator
    row.release_at = after.release_at
    row.released_at = after.released_at
    row.opened_at = after.opened_at
    row.read_receipt = after.read_receipt
    row.language = after.language.value
    row.updated_at = utcnow()
