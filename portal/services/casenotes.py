"""Case notes, the contact log and follow-up: the facilitators' record of a case.

Each change is one unit of work on the locked case (`casework.changing`): a case the actor may
not see, or whose record they may not read (`permissions.can_read_record`), is "not found";
the domain checks the rest; the words are sealed (`CaseVault.seal_case_note`, `seal_contact`)
and the audit event, which never carries words, commits with them. Reads take the
`CaseContext` that `reading` returns and open only the rows of the page they show.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select

from portal.domain import casenotes as rules
from portal.domain.actors import Actor
from portal.domain.audit import AuditAction
from portal.domain.casenotes import Contact, FollowUp, FollowUpContact
from portal.domain.cases import Participant
from portal.domain.enums import (
    ContactMethod,
    ContactPurpose,
    Feeling,
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    NoteKind,
)
from portal.domain.permissions import can_read_record
from portal.services import accounts, casework, records, submissions
from portal.services.casework import PAGE_SIZE, CaseContext, CaseNotFound, Page, page_within
from portal.services.clock import today_in_uk
from portal.services.text import as_typed
from portal.services.uow import UnitOfWork
from portal.storage import models
from portal.storage.types import utcnow

# --- Who may read and write the record ---------------------------------------------------------------


def require_reader(context: CaseContext) -> CaseContext:
    """The record is the case's facilitators' (and whoever `can_read_record` admits); anyone else,
    managers and participants included, finds no such page."""
    if not can_read_record(context.case, context.actor):
        raise CaseNotFound
    return context


def reading(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID) -> CaseContext:
    """The case, for drawing a page of its record."""
    return require_reader(casework.load(uow, actor, case_id))


@contextmanager
def acting(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, once: str | None) -> Iterator[CaseContext | None]:
    """The case locked for one change to its record; None when this very form was acted on already."""
    with casework.acting(uow, actor, case_id, once) as context:
        yield None if context is None else require_reader(context)


def previous_result(uow: UnitOfWork, actor: Actor, once: str | None) -> uuid.UUID | None:
    repeated = submissions.previous(uow, once, actor.user_id)
    return uuid.UUID(repeated.result) if repeated is not None and repeated.result else None


# --- Case notes ------------------------------------------------------------------------------------------


def add_note(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, body: str, *, once: str | None = None) -> uuid.UUID:
    """A new note, sealed; the same form posted again gives the first note's id."""
    with acting(uow, actor, case_id, once) as context:
        if context is None:
            previous = previous_result(uow, actor, once)
            assert previous is not None  # a note's form always remembers the note it made
            return previous
        text = rules.add_note(context.case, context.actor, as_typed(body))
        note_id = store_note(uow, context, NoteKind.NOTE, text)
        casework.record_event(uow, context, AuditAction.NOTE_ADD, "case_note", note_id, once)
        return note_id


def store_note(uow: UnitOfWork, context: CaseContext, kind: NoteKind, text: str) -> uuid.UUID:
    """One note of the case, sealed, by the actor, in the caller's unit of work (which audits it)."""
    note_id = uuid.uuid4()
    uow.session.add(
        models.CaseNote(
            id=note_id,
            case_id=context.row.id,
            kind=kind.value,
            written_by_id=context.actor.user_id,
            body_sealed=records.vault_for(uow, context.row).seal_case_note(note_id, text),
        )
    )
    return note_id


@dataclass(frozen=True)
class NoteEntry:
    id: uuid.UUID
    kind: NoteKind  # a facilitator's note, or a supervisor's record of supervision
    body: str
    written_by: str  # their name
    written_by_id: uuid.UUID
    at: datetime


def notes(uow: UnitOfWork, context: CaseContext, page: int = 1) -> Page[NoteEntry]:
    """A page of the case's notes, newest first, opening only the notes of that page."""
    require_reader(context)
    where = models.CaseNote.case_id == context.row.id
    total = uow.session.scalar(select(func.count(models.CaseNote.id)).where(where)) or 0
    page = page_within(page, total)
    rows = list(
        uow.session.scalars(
            select(models.CaseNote)
            .where(where)
            .order_by(models.CaseNote.created_at.desc(), models.CaseNote.id)
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    vault = records.vault_for(uow, context.row)
    names = accounts.names(uow, {row.written_by_id for row in rows})
    entries = [
        NoteEntry(
            row.id,
            NoteKind(row.kind),
            vault.open_case_note(row.id, row.body_sealed),
            names.get(row.written_by_id, ""),
            row.written_by_id,
            row.created_at,
        )
        for row in rows
    ]
    return Page(entries, page, total)


# --- The contact log ---------------------------------------------------------------------------------------


def _contact_details(contact: Contact) -> dict[str, Any]:
    """Everything a person said or is called, for sealing; the rest stays in plain columns."""
    return {
        "with_whom": contact.with_whom,
        "how_it_went": contact.how_it_went,
        "next_step": contact.next_step,
        "feeling": contact.feeling.value if contact.feeling else None,
        "feeling_words": contact.feeling_words,
    }


def record_contact(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, contact: Contact, *, once: str | None = None
) -> uuid.UUID:
    """A contact, sealed; the case's next step becomes the latest contact's (none if it sets
    none), for the caseload's due dates. The same form posted again gives the first contact's id."""
    with acting(uow, actor, case_id, once) as context:
        if context is None:
            previous = previous_result(uow, actor, once)
            assert previous is not None
            return previous
        typed = Contact(
            method=contact.method,
            purpose=contact.purpose,
            happened_on=contact.happened_on,
            how_it_went=as_typed(contact.how_it_went),
            participant_id=contact.participant_id,
            with_whom=as_typed(contact.with_whom),
            next_step=as_typed(contact.next_step),
            next_step_on=contact.next_step_on,
            feeling=contact.feeling,
            feeling_words=as_typed(contact.feeling_words),
        )
        checked = rules.record_contact(context.case, context.actor, typed, today_in_uk())
        contact_id = uuid.uuid4()
        vault = records.vault_for(uow, context.row)
        uow.session.add(
            models.Contact(
                id=contact_id,
                case_id=context.row.id,
                participant_id=checked.participant_id,
                method=checked.method.value,
                purpose=checked.purpose.value,
                happened_on=checked.happened_on,
                recorded_by_id=context.actor.user_id,
                details_sealed=vault.seal_contact(contact_id, _contact_details(checked)),
                next_step_on=checked.next_step_on,
            )
        )
        # The case's next step is the one the latest contact set: by when it happened, so logging
        # last week's call today leaves yesterday's visit's next step in place.
        uow.session.flush()
        context.row.next_step_on = uow.session.scalar(
            select(models.Contact.next_step_on)
            .where(models.Contact.case_id == context.row.id)
            .order_by(models.Contact.happened_on.desc(), models.Contact.recorded_at.desc(), models.Contact.id.desc())
            .limit(1)
        )
        casework.record_event(uow, context, AuditAction.CONTACT_RECORD, "contact", contact_id, once)
        return contact_id


@dataclass(frozen=True)
class ContactEntry:
    id: uuid.UUID
    contact: Contact
    participant: Participant | None
    name: str  # the participant's real name (facilitators only), or the words for someone else
    recorded_by: str
    recorded_at: datetime


def _contact_from(row: models.Contact, details: dict[str, Any]) -> Contact:
    feeling = details.get("feeling")
    return Contact(
        method=ContactMethod(row.method),
        purpose=ContactPurpose(row.purpose),
        happened_on=row.happened_on,
        how_it_went=details.get("how_it_went", ""),
        participant_id=row.participant_id,
        with_whom=details.get("with_whom", ""),
        next_step=details.get("next_step", ""),
        next_step_on=row.next_step_on,
        feeling=Feeling(feeling) if feeling else None,
        feeling_words=details.get("feeling_words", ""),
    )


def _names_of(uow: UnitOfWork, context: CaseContext, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    return {pid: casework.participant_name(uow, context, pid) for pid in ids}


def contacts(uow: UnitOfWork, context: CaseContext, page: int = 1) -> Page[ContactEntry]:
    """A page of the contact log, newest first (by the day it happened, then by when it was
    recorded), opening only the contacts of that page."""
    require_reader(context)
    where = models.Contact.case_id == context.row.id
    total = uow.session.scalar(select(func.count(models.Contact.id)).where(where)) or 0
    page = page_within(page, total)
    rows = list(
        uow.session.scalars(
            select(models.Contact)
            .where(where)
            .order_by(models.Contact.happened_on.desc(), models.Contact.recorded_at.desc(), models.Contact.id)
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    vault = records.vault_for(uow, context.row)
    staff = accounts.names(uow, {row.recorded_by_id for row in rows})
    people = _names_of(uow, context, {row.participant_id for row in rows if row.participant_id})
    entries = []
    for row in rows:
        contact = _contact_from(row, vault.open_contact(row.id, row.details_sealed))
        participant = context.participant(row.participant_id) if row.participant_id else None
        name = people[row.participant_id] if row.participant_id else contact.with_whom
        entries.append(
            ContactEntry(row.id, contact, participant, name, staff.get(row.recorded_by_id, ""), row.recorded_at)
        )
    return Page(entries, page, total)


@dataclass(frozen=True)
class FollowUpLine:
    follow_up: FollowUp
    name: str

    @property
    def participant(self) -> Participant:
        return self.follow_up.participant


def follow_up_summary(uow: UnitOfWork, context: CaseContext) -> list[FollowUpLine]:
    """Each principal and proxy: whether they have had a follow-up contact, and how they said
    they felt at the latest one. One query; only each person's latest follow-up is opened."""
    require_reader(context)
    rows = uow.session.execute(
        select(
            models.Contact.id,
            models.Contact.participant_id,
            models.Contact.happened_on,
            models.Contact.recorded_at,
            models.Contact.details_sealed,
        ).where(
            models.Contact.case_id == context.row.id,
            models.Contact.purpose == ContactPurpose.FOLLOW_UP.value,
            models.Contact.participant_id.is_not(None),
        )
    ).all()
    latest: dict[uuid.UUID, Any] = {}
    for row in sorted(rows, key=lambda r: (r.happened_on, r.recorded_at)):
        latest[row.participant_id] = row
    vault = records.vault_for(uow, context.row)
    seen = []
    for row in latest.values():
        feeling = vault.open_contact(row.id, row.details_sealed).get("feeling") or Feeling.NOT_SAID.value
        seen.append(FollowUpContact(row.participant_id, row.happened_on, row.recorded_at, Feeling(feeling)))
    summary = rules.follow_ups(context.case, seen)
    names = _names_of(uow, context, {line.participant.id for line in summary})
    return [FollowUpLine(line, names[line.participant.id]) for line in summary]


# --- The case page's summary ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NextMeeting:
    id: uuid.UUID
    kind: MeetingKind
    mode: MeetingMode
    starts_at: datetime


@dataclass(frozen=True)
class RecordSummary:
    notes: int
    contacts: int
    meetings: int
    next_meeting: NextMeeting | None


def _count_of(model: type[models.CaseNote] | type[models.Contact] | type[models.Meeting]) -> Any:
    return select(func.count(model.id)).where(model.case_id == bindparam("case_id")).scalar_subquery()


# Built once, for every case page: what the record holds, and the next planned meeting.
_RECORD_COUNTS = select(_count_of(models.CaseNote), _count_of(models.Contact), _count_of(models.Meeting))
_NEXT_MEETING = (
    select(models.Meeting.id, models.Meeting.kind, models.Meeting.mode, models.Meeting.starts_at)
    .where(
        models.Meeting.case_id == bindparam("case_id"),
        models.Meeting.status == MeetingStatus.PLANNED.value,
        models.Meeting.starts_at >= bindparam("now"),
    )
    .order_by(models.Meeting.starts_at, models.Meeting.id)
    .limit(1)
)


def record_summary(uow: UnitOfWork, context: CaseContext) -> RecordSummary | None:
    """How much the record holds and the next planned meeting, for the case page: two queries,
    nothing opened. None for anyone who may not read the record."""
    if not can_read_record(context.case, context.actor):
        return None
    counted = uow.read(_RECORD_COUNTS, {"case_id": context.row.id}).one()
    upcoming = uow.read(_NEXT_MEETING, {"case_id": context.row.id, "now": utcnow()}).first()
    next_meeting = (
        NextMeeting(upcoming.id, MeetingKind(upcoming.kind), MeetingMode(upcoming.mode), upcoming.starts_at)
        if upcoming is not None
        else None
    )
    return RecordSummary(counted[0], counted[1], counted[2], next_meeting)
