"""A person's own data: who may export it, correct it or erase it, and when.

- **Export** (a subject-access request): a participant exports their own data from their
  account; an assigned facilitator of the case exports it for one of the case's people (someone
  taking part offline, or anyone who asked by other means) once they have ticked that the
  request was verified. Supervisors read cases but act on none, so they export nothing.
- What the export holds of the casework record follows the service's policy
  (`CaseworkPolicy`): the assessments about the person and the contacts with them are included,
  or only counted, with the lawful ground for withholding them (`WithholdingGround`). Case
  notes are about the whole case and are always counted, never included.
- **Rectification**: an assigned facilitator corrects a person's name, the name the other side
  sees, or their relationship, with a reason.
- **Erasure on request**: an assigned facilitator erases a person's details (their name becomes
  a neutral placeholder, `Placeholders`; the name the other side sees, the relationship and the sensitive terms go) and,
  where the service decides it is lawful, the words of everything they wrote. Sensitive terms
  keep the person's details from reaching the other side while items flow, so erasure waits
  until the case is closed; and nothing of theirs may still be on its way to the other side.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from portal.domain.actors import Actor
from portal.domain.enums import ItemState, ParticipantRole, Role, Stage
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.permissions import require_case_facilitator
from portal.domain.problems import Problem

if TYPE_CHECKING:
    from portal.domain.cases import Case, Participant
    from portal.domain.items import Item


@dataclass(frozen=True)
class Placeholders:
    """What an erased person is called from then on, in the case's record: neutral words the web
    layer gives in the facilitator's language (the record still shows someone was there, never
    who), and the relationship a proxy must always have (portal.domain.cases)."""

    name: str
    relationship: str


class CaseworkPolicy(StrEnum):
    """What a subject-access export does with the casework record (`service_settings`)."""

    INCLUDE = "include"  # the assessments about the person and the contacts with them
    WITHHOLD = "withhold"  # counted, with the lawful ground, not included


class WithholdingGround(StrEnum):
    """Why a record may be left out of an export: the web layer says each as a whole sentence."""

    # UK GDPR Article 15(4) and the Data Protection Act 2018, Schedule 2, Part 3: giving it would
    # reveal information about another person who has not agreed to it.
    OTHER_PEOPLE = "other-people"
    # Data Protection Act 2018, Schedule 2, Part 1, paragraph 2: it would be likely to prejudice
    # the prevention or detection of crime, or the safety of the people it concerns.
    CRIME_PREVENTION = "crime-prevention"


class Casework(StrEnum):
    """The kinds of casework record an export counts or includes."""

    ASSESSMENTS = "assessments"
    CONTACTS = "contacts"
    NOTES = "notes"


GROUNDS: dict[Casework, tuple[WithholdingGround, ...]] = {
    Casework.ASSESSMENTS: (WithholdingGround.OTHER_PEOPLE, WithholdingGround.CRIME_PREVENTION),
    Casework.CONTACTS: (WithholdingGround.OTHER_PEOPLE,),
    Casework.NOTES: (WithholdingGround.OTHER_PEOPLE, WithholdingGround.CRIME_PREVENTION),
}


def included(policy: CaseworkPolicy, record: Casework) -> bool:
    """Whether an export includes this kind of record (notes never: they are the whole case's)."""
    return policy == CaseworkPolicy.INCLUDE and record != Casework.NOTES


# An item in one of these states is still on its way to the other side (or kept for them).
WAITING = frozenset(
    {
        ItemState.SUBMITTED,
        ItemState.AWAITING_SECOND_APPROVAL,
        ItemState.APPROVED,
        ItemState.SCHEDULED,
        ItemState.ON_HOLD,
        ItemState.HELD_FOR_RECIPIENT,
    }
)


# --- Export ------------------------------------------------------------------------------------------


def require_own_exporter(actor: Actor) -> None:
    """A person's own export, from their account: participants only (staff ask a colleague)."""
    if actor.role != Role.PARTICIPANT:
        raise NotAllowed(Problem.SUBJECT_ACCESS_PARTICIPANTS_ONLY)


def require_exporter(case: Case, actor: Actor, participant_id: object, *, verified: bool) -> Participant:
    """A facilitator's export for one of the case's people: assigned to the case, and the request
    checked to come from that person (or someone entitled to act for them)."""
    require_case_facilitator(case, actor)
    person = case.participant(participant_id)  # type: ignore[arg-type]
    if not verified:
        raise DomainError(Problem.SUBJECT_ACCESS_NOT_VERIFIED)
    return person


def require_policy_setter(actor: Actor) -> None:
    if actor.role != Role.MANAGER:
        raise NotAllowed(Problem.SUBJECT_ACCESS_POLICY_MANAGERS_ONLY)


# --- Rectification -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    """A person's details as they should be (blank display name: the default "the person harmed")."""

    name: str
    display_name: str
    relationship: str
    reason: str


def rectify(case: Case, actor: Actor, person: Participant, current_name: str, correction: Correction) -> Participant:
    """The person as corrected; refused when nothing would change or no reason is given."""
    require_case_facilitator(case, actor)
    if not correction.reason.strip():
        raise DomainError(Problem.DATA_REQUEST_REASON_NEEDED)
    name = correction.name.strip()
    if not name:
        raise DomainError(Problem.PERSON_NAME_MISSING)
    after = replace(  # replace() checks the person again: a proxy keeps a relationship
        person, display_name=correction.display_name.strip(), relationship=correction.relationship.strip()
    )
    if name == current_name.strip() and after == person:
        raise DomainError(Problem.RECTIFY_NOTHING_CHANGED)
    return after


# --- Erasure -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Erasure:
    """What erasing a person on request changes: their details, and the items whose words go."""

    person: Participant
    items: tuple[Item, ...]  # the items whose words are erased (after), empty unless asked


def erase_person(
    case: Case,
    actor: Actor,
    person: Participant,
    their_items: Iterable[Item],
    *,
    reason: str,
    words: bool,
    placeholders: Placeholders,
    erased_before: bool = False,
) -> Erasure:
    """Erase a person's details (and, when `words`, what they wrote): only once the case is closed
    and nothing of theirs is still on its way to the other side. `erased_before`: their details
    were erased already (the audit trail says so), so only words still left can be erased."""
    require_case_facilitator(case, actor)
    if not reason.strip():
        raise DomainError(Problem.DATA_REQUEST_REASON_NEEDED)
    if case.stage != Stage.CLOSED:
        raise DomainError(Problem.ERASE_CASE_OPEN)
    items = [item for item in their_items if item.author_id == person.id]
    if any(item.state in WAITING for item in items):
        raise DomainError(Problem.ERASE_ITEM_WAITING)
    with_words = [item for item in items if has_words(item)] if words else []
    if erased_before and not with_words:
        raise DomainError(Problem.ERASE_ALREADY)
    if not placeholders.name.strip() or not placeholders.relationship.strip():
        raise ValueError("erasure-placeholders")  # a programming error: the web layer gives both
    relationship = placeholders.relationship if person.role == ParticipantRole.PROXY else ""
    erased = replace(person, display_name="", relationship=relationship, sensitive_terms=())
    return Erasure(erased, tuple(erase_words(item) for item in with_words))


def has_words(item: Item) -> bool:
    return any(part for part in item.parts) or bool(item.redactions or item.message or item.review_note)


def erase_words(item: Item) -> Item:
    """The item with its words gone for good: no parts, removals, messages or notes. Its kind, state
    and dates stay, so the case's record still shows that it was written and what became of it."""
    return replace(item, parts=(), redactions=(), message="", review_note="")
