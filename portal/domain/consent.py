"""Informed consent, given and withdrawn per format.

Consent is a history of records; the latest record for a participant and a format decides.
A side consents to a format when at least one of its principals or proxies who is still
taking part has consented to it. Supporters' consent is recorded but never speaks for a side.

Giving consent must be informed: a participant in the portal gives it themself, after
reading what each format means (the web layer explains each one); for someone taking part
offline, an assigned facilitator records it. Withdrawing must always be easy: the participant
or any assigned facilitator (told on the phone, say) can record it.
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
from portal.domain.problems import Problem

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
    ItemKind.RECORDING: ConsentFormat.RECORDINGS,
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
        raise DomainError(Problem.CASE_CLOSED)
    access = case_access(case, actor)
    by_self = access.participant is not None and access.participant.id == participant.id
    by_facilitator = access.role == CaseRole.ASSIGNED_FACILITATOR
    if not (by_self or by_facilitator):
        raise NotAllowed(Problem.CONSENT_NOT_YOURS)
    if given and participant.withdrawn:
        raise DomainError(Problem.CONSENT_REJOIN_FIRST)
    if given and by_facilitator and participant.taking_part == TakingPart.PORTAL:
        raise NotAllowed(Problem.CONSENT_GIVEN_IN_PORTAL)
    return ConsentRecord(participant.id, consent_format, given, now, actor.user_id, by_facilitator)
