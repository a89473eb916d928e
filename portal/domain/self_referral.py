"""Self-referral: a person asks the service for contact on the public form, without an account,
and a facilitator opens a case from the request or closes it with a reason.

The request is checked here (what each way of being contacted needs), and so are the decisions:
only facilitators triage, a request is decided once (opened or closed, never both, never twice),
closing for "another reason" says which, and who may read a request once a case has it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from portal.domain.actors import Actor
from portal.domain.enums import (
    Language,
    ParticipantRole,
    Role,
    SelfReferralCloseReason,
    SelfReferralStatus,
    Side,
)
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.problems import Problem


class AskingFor(StrEnum):
    """Whether the person asks for themself or on behalf of someone (a child, a relative...)."""

    MYSELF = "myself"
    SOMEONE_ELSE = "someone_else"


class ContactWay(StrEnum):
    """How the person would like the service to reach them."""

    PHONE = "phone"
    TEXT = "text"
    EMAIL = "email"
    LETTER = "letter"
    TRUSTED_PERSON = "trusted_person"  # through someone they trust


# What each way of being contacted needs, by the request's field that carries it.
NEEDED_FOR: dict[ContactWay, tuple[str, Problem]] = {
    ContactWay.PHONE: ("phone", Problem.SELF_REFERRAL_PHONE_MISSING),
    ContactWay.TEXT: ("phone", Problem.SELF_REFERRAL_PHONE_MISSING),
    ContactWay.EMAIL: ("email", Problem.SELF_REFERRAL_EMAIL_MISSING),
    ContactWay.LETTER: ("address", Problem.SELF_REFERRAL_ADDRESS_MISSING),
    ContactWay.TRUSTED_PERSON: ("trusted_person", Problem.SELF_REFERRAL_TRUSTED_MISSING),
}


@dataclass(frozen=True)
class SelfReferralRequest:
    """Everything the person wrote; all of it is sealed as one value when it arrives."""

    side: Side
    asking_for: AskingFor
    name: str  # their name, or the name they would like us to use
    contact_way: ContactWay
    may_leave_message: bool
    language: Language = Language.EN
    relationship: str = ""  # on behalf of someone: who they are to them ("her mother")
    their_name: str = ""  # on behalf of someone: that person's name, if they give it
    phone: str = ""  # E.164, checked by the form
    email: str = ""
    address: str = ""
    trusted_person: str = ""  # who, and how to reach them
    safe_times: str = ""  # when it is safe to contact them
    unsafe: str = ""  # anything that would make contact unsafe
    what_happened: str = ""
    reference: str = ""  # a crime number, if they have one

    @property
    def on_behalf(self) -> bool:
        return self.asking_for is AskingFor.SOMEONE_ELSE

    def to_details(self) -> dict[str, Any]:
        """The JSON that is sealed: plain strings and booleans only."""
        details = asdict(self)
        for name in ("side", "asking_for", "contact_way", "language"):
            details[name] = details[name].value
        return details

    @classmethod
    def from_details(cls, details: dict[str, Any]) -> SelfReferralRequest:
        known = {name: details[name] for name in cls.__dataclass_fields__ if name in details}
        known["side"] = Side(known["side"])
        known["asking_for"] = AskingFor(known["asking_for"])
        known["contact_way"] = ContactWay(known["contact_way"])
        known["language"] = Language(known.get("language", Language.EN))
        return cls(**known)


def problems(request: SelfReferralRequest) -> dict[str, Problem]:
    """What is missing, by the field to put it right in (empty when the request can be sent)."""
    found: dict[str, Problem] = {}
    if not request.name.strip():
        found["name"] = Problem.SELF_REFERRAL_NAME_MISSING
    if request.on_behalf and not request.relationship.strip():
        found["relationship"] = Problem.SELF_REFERRAL_RELATIONSHIP_MISSING
    field, problem = NEEDED_FOR[request.contact_way]
    if not str(getattr(request, field)).strip():
        found[field] = problem
    return found


def check(request: SelfReferralRequest) -> SelfReferralRequest:
    """The request, if it can be sent; otherwise the first thing missing."""
    found = problems(request)
    if found:
        raise DomainError(next(iter(found.values())))
    return request


# --- Triage --------------------------------------------------------------------------------------


def require_facilitator(actor: Actor) -> None:
    """Requests for contact are triaged by the service's facilitators, and read by nobody else."""
    if actor.role is not Role.FACILITATOR:
        raise NotAllowed(Problem.SELF_REFERRAL_FACILITATORS_ONLY)


def may_read(actor: Actor, status: SelfReferralStatus, facilitates_its_case: bool) -> bool:
    """Any facilitator reads a request waiting for triage, or one closed; once a case is opened
    from it, only that case's facilitators do (it holds the person's contact details)."""
    if actor.role is not Role.FACILITATOR:
        return False
    return status is not SelfReferralStatus.OPENED or facilitates_its_case


def require_undecided(status: SelfReferralStatus) -> None:
    """A request is decided once: two facilitators at once, or a double click, give one outcome."""
    if status is SelfReferralStatus.OPENED:
        raise DomainError(Problem.SELF_REFERRAL_ALREADY_OPENED)
    if status is SelfReferralStatus.CLOSED:
        raise DomainError(Problem.SELF_REFERRAL_ALREADY_CLOSED)


def decide_open(actor: Actor, status: SelfReferralStatus) -> SelfReferralStatus:
    require_facilitator(actor)
    require_undecided(status)
    return SelfReferralStatus.OPENED


def decide_close(
    actor: Actor, status: SelfReferralStatus, reason: SelfReferralCloseReason, words: str
) -> SelfReferralStatus:
    require_facilitator(actor)
    require_undecided(status)
    if reason is SelfReferralCloseReason.OTHER and not words.strip():
        raise DomainError(Problem.SELF_REFERRAL_CLOSE_SAY_WHY)
    return SelfReferralStatus.CLOSED


@dataclass(frozen=True)
class FirstPerson:
    """The person who asked, as the case's first participant."""

    side: Side
    role: ParticipantRole
    name: str
    relationship: str


def first_person(request: SelfReferralRequest) -> FirstPerson:
    """Someone asking for themself is the principal; someone asking for another stands in as a
    proxy, with the relationship they gave (the facilitator may change both before opening)."""
    if request.on_behalf:
        return FirstPerson(request.side, ParticipantRole.PROXY, request.name.strip(), request.relationship.strip())
    return FirstPerson(request.side, ParticipantRole.PRINCIPAL, request.name.strip(), "")


def waited(received_at: datetime, now: datetime) -> timedelta:
    """How long a request has waited for someone to decide on it (never negative)."""
    return max(now - received_at, timedelta(0))
