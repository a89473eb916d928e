"""The fixed vocabularies of the exchange.

Every enum is a ``StrEnum`` so the service layer can store the value in a plain string
column and rebuild the member with, for example, ``Stage(row.stage)``.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """An account's role; the same values as the accounts service stores."""

    PARTICIPANT = "participant"
    FACILITATOR = "facilitator"
    MANAGER = "manager"
    ADMIN = "admin"


class Language(StrEnum):
    """The languages the portal speaks, and that letters are written in (never machine-translated)."""

    EN = "en"
    CY = "cy"


class Stage(StrEnum):
    """Where a case is; the table of moves is in ``cases.py``."""

    REFERRAL = "referral"
    ASSESSMENT = "assessment"
    PREPARATION = "preparation"
    EXCHANGE = "exchange"
    AGREEMENT = "agreement"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"
    PAUSED = "paused"
    WITHDRAWN = "withdrawn"


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ReferralSource(StrEnum):
    POLICE = "police"
    VICTIM_SERVICE = "victim_service"
    YOUTH_OFFENDING_TEAM = "youth_offending_team"
    PRISON = "prison"
    PROBATION = "probation"
    SELF_REFERRAL = "self_referral"


class Side(StrEnum):
    HARMED = "harmed"
    RESPONSIBLE = "responsible"

    @property
    def other(self) -> Side:
        return Side.RESPONSIBLE if self is Side.HARMED else Side.HARMED


class ParticipantRole(StrEnum):
    """A principal speaks for themself; a proxy stands in for a principal; a supporter helps one."""

    PRINCIPAL = "principal"
    PROXY = "proxy"
    SUPPORTER = "supporter"


class TakingPart(StrEnum):
    """Portal: has an account. Offline: the facilitator acts for them (prison, no internet, paper)."""

    PORTAL = "portal"
    OFFLINE = "offline"


class ConsentFormat(StrEnum):
    LETTERS = "letters"
    QUESTIONS = "questions"
    SHUTTLE = "shuttle"
    MEETING = "meeting"


class ItemKind(StrEnum):
    LETTER = "letter"
    QUESTION_SET = "question_set"
    ANSWERS = "answers"
    SHUTTLE_NOTE = "shuttle_note"


class ItemState(StrEnum):
    """Where an item is; the state machine is drawn in ``items.py``."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    AWAITING_SECOND_APPROVAL = "awaiting_second_approval"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    RELEASED = "released"
    ON_HOLD = "on_hold"
    HELD_FOR_RECIPIENT = "held_for_recipient"
    DESTROYED = "destroyed"
    WITHHELD = "withheld"
    WITHDRAWN = "withdrawn"


class ReviewDecision(StrEnum):
    APPROVE = "approve"
    REDACT = "redact"
    RETURN = "return"
    WITHHOLD = "withhold"


class ActionKind(StrEnum):
    APOLOGY = "apology"
    REPAIR = "repair"
    PAYMENT = "payment"
    UNPAID_WORK = "unpaid_work"
    NO_CONTACT = "no_contact"


class ActionStatus(StrEnum):
    TO_DO = "to_do"
    DONE = "done"
