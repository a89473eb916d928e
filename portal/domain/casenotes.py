"""Case notes and the contact log: the facilitators' own record of a case.

Both are for the case's assigned facilitators only (``permissions.can_read_record`` to read,
``require_case_facilitator`` to write) and are never shown to participants.

- A **case note** is append-only: nothing is edited or taken away; a correction is a new note.
- A **contact** is one call, visit, prison visit, video call, email or letter, with a person of
  the case or with someone described in words ("prison offender manager"): when it happened
  (never in the future), how it went, and the next step, with an optional date for it.
- A **follow-up** contact is one with a person of the case after the exchange or the
  conference; it says how they feel now (required) and, if they like, in their own words.
  ``follow_ups`` says for each principal and proxy whether they have had one and how they felt.

Nothing is written to a closed case: closing is final.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from uuid import UUID

from portal.domain.actors import Actor
from portal.domain.cases import HALTED, ITEMS_FLOW, Case, Participant
from portal.domain.enums import ContactMethod, ContactPurpose, Feeling, Stage
from portal.domain.errors import DomainError
from portal.domain.permissions import require_case_facilitator
from portal.domain.problems import Problem


def _writable(case: Case, actor: Actor) -> None:
    require_case_facilitator(case, actor)
    if case.stage == Stage.CLOSED:
        raise DomainError(Problem.CASE_CLOSED)


def add_note(case: Case, actor: Actor, body: str) -> str:
    """The note as it will be kept (exactly as typed); refused when empty."""
    _writable(case, actor)
    if not body.strip():
        raise DomainError(Problem.NOTE_EMPTY)
    return body


@dataclass(frozen=True)
class Contact:
    """One contact, as the facilitator records it. Exactly one of `participant_id` (a person of
    the case) and `with_whom` (anyone else, in words) says who it was with."""

    method: ContactMethod
    purpose: ContactPurpose
    happened_on: date
    how_it_went: str
    participant_id: UUID | None = None
    with_whom: str = ""
    next_step: str = ""
    next_step_on: date | None = None
    feeling: Feeling | None = None  # follow-up contacts only, and required for them
    feeling_words: str = ""


def _exchanged(case: Case) -> bool:
    """Follow-up is after the exchange or the conference: the case reached the exchange."""
    return case.stage in ITEMS_FLOW or (case.stage in HALTED and case.paused_from in ITEMS_FLOW)


def record_contact(case: Case, actor: Actor, contact: Contact, today: date) -> Contact:
    """The contact checked, with the words of someone else trimmed; `today` is the service's day."""
    _writable(case, actor)
    if contact.participant_id is not None:
        case.participant(contact.participant_id)  # another case's person is refused
        contact = replace(contact, with_whom="")
    elif not contact.with_whom.strip():
        raise DomainError(Problem.CONTACT_WHO_MISSING)
    else:
        contact = replace(contact, with_whom=contact.with_whom.strip())
    if contact.happened_on > today:
        raise DomainError(Problem.CONTACT_DATE_FUTURE)
    if not contact.how_it_went.strip():
        raise DomainError(Problem.CONTACT_HOW_IT_WENT_MISSING)
    if contact.next_step_on is not None:
        if contact.next_step_on < contact.happened_on:
            raise DomainError(Problem.CONTACT_NEXT_STEP_BEFORE_CONTACT)
        if not contact.next_step.strip():
            raise DomainError(Problem.CONTACT_NEXT_STEP_WORDS_MISSING)
    if contact.purpose == ContactPurpose.FOLLOW_UP:
        if not _exchanged(case):
            raise DomainError(Problem.CONTACT_FOLLOW_UP_BEFORE_EXCHANGE)
        if contact.participant_id is None:
            raise DomainError(Problem.CONTACT_FOLLOW_UP_NEEDS_PERSON)
        if contact.feeling is None:
            raise DomainError(Problem.CONTACT_FEELING_MISSING)
    elif contact.feeling is not None or contact.feeling_words.strip():
        raise DomainError(Problem.CONTACT_FEELING_ONLY_FOLLOW_UP)
    return contact


# --- Follow-up -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpContact:
    """What the follow-up summary needs of one follow-up contact (its feeling opened)."""

    participant_id: UUID
    happened_on: date
    recorded_at: datetime
    feeling: Feeling


@dataclass(frozen=True)
class FollowUp:
    """One principal or proxy: their latest follow-up contact, if any, and how they felt then."""

    participant: Participant
    contacted_on: date | None = None
    feeling: Feeling | None = None

    @property
    def done(self) -> bool:
        return self.contacted_on is not None


def latest_follow_ups(contacts: Iterable[FollowUpContact]) -> dict[UUID, FollowUpContact]:
    """Each person's latest follow-up contact: by the day it happened, then by when it was recorded."""
    latest: dict[UUID, FollowUpContact] = {}
    for contact in contacts:
        seen = latest.get(contact.participant_id)
        if seen is None or (contact.happened_on, contact.recorded_at) > (seen.happened_on, seen.recorded_at):
            latest[contact.participant_id] = contact
    return latest


def follow_ups(case: Case, contacts: Iterable[FollowUpContact]) -> tuple[FollowUp, ...]:
    """For each principal and proxy of the case (supporters speak for no side), in the case's
    order: whether they have had a follow-up contact, and how they said they felt at the latest."""
    latest = latest_follow_ups(contacts)
    summary = []
    for participant in case.participants:
        if not participant.speaks_for_side:
            continue
        contact = latest.get(participant.id)
        summary.append(
            FollowUp(participant, contact.happened_on, contact.feeling)
            if contact is not None
            else FollowUp(participant)
        )
    return tuple(summary)


def still_to_follow_up(case: Case, followed_up: frozenset[UUID]) -> tuple[Participant, ...]:
    """The principals and proxies still taking part who have had no follow-up contact yet."""
    return tuple(p for p in case.participants if p.speaks_for_side and not p.withdrawn and p.id not in followed_up)
