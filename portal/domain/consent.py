"""Informed consent, given and withdrawn per format, and what each format means.

Consent is a history of records; the latest record for a participant and a format decides.
A side consents to a format when at least one of its principals or proxies who is still
taking part has consented to it. Supporters' consent is recorded but never speaks for a side.

Giving consent must be informed: a participant in the portal gives it themself, after
reading ``EXPLANATIONS``; for someone taking part offline, an assigned facilitator records
it. Withdrawing must always be easy: the participant or any assigned facilitator (told on
the phone, say) can record it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from portal.domain.actors import Actor, CaseRole, case_access
from portal.domain.enums import ConsentFormat, ItemKind, Side, Stage, TakingPart
from portal.domain.errors import DomainError, NotAllowed

if TYPE_CHECKING:
    from portal.domain.cases import Case


@dataclass(frozen=True)
class ConsentRecord:
    participant_id: UUID
    format: ConsentFormat
    given: bool  # False: consent withdrawn
    at: datetime
    recorded_by: UUID  # the participant's account, or the facilitator's
    by_facilitator: bool


# The consent an item needs from both sides before it is passed on.
FORMAT_FOR_KIND = {
    ItemKind.LETTER: ConsentFormat.LETTERS,
    ItemKind.QUESTION_SET: ConsentFormat.QUESTIONS,
    ItemKind.ANSWERS: ConsentFormat.QUESTIONS,
    ItemKind.SHUTTLE_NOTE: ConsentFormat.SHUTTLE,
}

FORMAT_NAMES = {
    ConsentFormat.LETTERS: "letters",
    ConsentFormat.QUESTIONS: "questions and answers",
    ConsentFormat.SHUTTLE: "messages through the facilitator",
    ConsentFormat.MEETING: "a meeting",
}

EXPLANATIONS = {
    ConsentFormat.LETTERS: (
        "Letters. You write a letter to the other person. Your facilitator reads it first. "
        "They only pass it on if it is safe. They may take out some words, like names or places. "
        "You might get a letter back. You choose when to open it. You can stop at any time."
    ),
    ConsentFormat.QUESTIONS: (
        "Questions and answers. The person harmed writes down what they want to ask. "
        "The person responsible writes an answer under each question. "
        "Your facilitator reads everything first. They only pass on what is safe. You can stop at any time."
    ),
    ConsentFormat.SHUTTLE: (
        "Messages through your facilitator. You talk to your facilitator. "
        "They write down what you want to say. You check it says what you mean. "
        "Then they take it to the other person and bring back what they say. "
        "You do not have to meet. You can stop at any time."
    ),
    ConsentFormat.MEETING: (
        "A meeting. You meet the other person in a safe place. Two facilitators are there all the time. "
        "You can bring someone to support you. Your facilitator only sets up a meeting if it is safe. "
        "You can take a break or stop at any time, even during the meeting."
    ),
}


def has_consent(records: Iterable[ConsentRecord], participant_id: UUID, consent_format: ConsentFormat) -> bool:
    """The latest record decides; of records made at the same moment, the last one listed."""
    latest: ConsentRecord | None = None
    for record in records:
        mine = record.participant_id == participant_id and record.format == consent_format
        if mine and (latest is None or record.at >= latest.at):
            latest = record
    return latest is not None and latest.given


def side_formats(case: Case, side: Side) -> frozenset[ConsentFormat]:
    """The formats this side consents to, through a principal or proxy still taking part."""
    return frozenset(
        consent_format
        for participant in case.participants
        if participant.side == side and participant.speaks_for_side and not participant.withdrawn
        for consent_format in ConsentFormat
        if has_consent(case.consents, participant.id, consent_format)
    )


def record_consent(
    case: Case, actor: Actor, participant_id: UUID, consent_format: ConsentFormat, given: bool, now: datetime
) -> ConsentRecord:
    """A new record of consent given or withdrawn, once the rules above allow it."""
    participant = case.participant(participant_id)
    if case.stage == Stage.CLOSED:
        raise DomainError("This case is closed.")
    access = case_access(case, actor)
    by_self = access.participant is not None and access.participant.id == participant.id
    by_facilitator = access.role == CaseRole.ASSIGNED_FACILITATOR
    if not (by_self or by_facilitator):
        raise NotAllowed("You can't record consent for this person.")
    if given and participant.withdrawn:
        raise DomainError("Someone who has stopped taking part rejoins through their facilitator first.")
    if given and by_facilitator and participant.taking_part == TakingPart.PORTAL:
        raise NotAllowed("People who use the portal give their own consent there, after reading what it means.")
    return ConsentRecord(participant.id, consent_format, given, now, actor.user_id, by_facilitator)
