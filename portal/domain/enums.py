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
    RECORDINGS = "recordings"  # recorded video or audio messages (video shuttle)


class ItemKind(StrEnum):
    LETTER = "letter"
    QUESTION_SET = "question_set"
    ANSWERS = "answers"
    SHUTTLE_NOTE = "shuttle_note"
    RECORDING = "recording"  # a recorded video or audio message; its words are the transcript


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


# --- The casework record -------------------------------------------------------------------------


class AssessmentKind(StrEnum):
    """Eligibility of the case, suitability of each participant, and the risks of going on."""

    ELIGIBILITY = "eligibility"
    SUITABILITY = "suitability"
    RISK = "risk"


class AssessmentOutcome(StrEnum):
    SUITABLE = "suitable"
    NOT_SUITABLE = "not_suitable"
    NEEDS_MORE_WORK = "needs_more_work"


class Proceedings(StrEnum):
    """Whether court proceedings about the offence are still open: an open case waits."""

    NONE = "none"
    OPEN = "open"
    CONCLUDED = "concluded"


class RiskFlag(StrEnum):
    """Harms that need particular care, and a senior facilitator's sign-off before the exchange."""

    DOMESTIC_ABUSE = "domestic_abuse"  # including coercive control
    SEXUAL_VIOLENCE = "sexual_violence"
    STALKING = "stalking"
    HATE_CRIME = "hate_crime"
    CHILD_PARTICIPANT = "child_participant"


class SupportNeed(StrEnum):
    """What a participant needs to take part, noted in their suitability assessment."""

    LANGUAGE = "language"
    LITERACY = "literacy"
    DISABILITY = "disability"
    MENTAL_HEALTH = "mental_health"


class NoteKind(StrEnum):
    NOTE = "note"  # a facilitator's case note
    SUPERVISION = "supervision"  # a supervisor's record of case supervision


class ContactMethod(StrEnum):
    PHONE = "phone"
    VISIT = "visit"
    PRISON_VISIT = "prison_visit"
    VIDEO = "video"
    EMAIL = "email"
    LETTER_SENT = "letter_sent"
    LETTER_RECEIVED = "letter_received"


class ContactPurpose(StrEnum):
    GENERAL = "general"
    PREPARATION = "preparation"
    FOLLOW_UP = "follow_up"


class Feeling(StrEnum):
    """How a person says they feel at a follow-up, in their own terms."""

    BETTER = "better"
    SAME = "same"
    WORSE = "worse"
    NOT_SAID = "not_said"


class MeetingKind(StrEnum):
    PREPARATION = "preparation"  # with one person, until they are fully prepared
    CONFERENCE = "conference"  # both sides meet, with two facilitators


class MeetingMode(StrEnum):
    IN_PERSON = "in_person"
    VIDEO = "video"
    PHONE = "phone"


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class SelfReferralStatus(StrEnum):
    NEW = "new"
    OPENED = "opened"  # a case was opened from it
    CLOSED = "closed"


class SelfReferralCloseReason(StrEnum):
    NOT_ELIGIBLE = "not_eligible"
    NO_RESPONSE = "no_response"
    DUPLICATE = "duplicate"
    CHANGED_MIND = "changed_mind"
    REFERRED_ELSEWHERE = "referred_elsewhere"
    OTHER = "other"


class DueKind(StrEnum):
    """What the service has promised and by when (portal.domain.deadlines)."""

    FIRST_CONTACT = "first_contact"  # first contact after the referral
    REVIEW = "review"  # a reply to a submitted letter: its review
    FOLLOW_UP = "follow_up"  # follow-up after a meeting was held
    NEXT_STEP = "next_step"  # the next step the latest contact set
    SUPERVISION = "supervision"  # case supervision, at least every few weeks


# --- Media: recordings, pictures and scans (portal.domain.media) ---------------------------------


class MediaRole(StrEnum):
    """What a file is to its item."""

    RECORDING = "recording"  # the message of a recording item (one per item)
    ATTACHMENT = "attachment"  # a picture, or a page of a document, with a letter
    SCAN = "scan"  # a handwritten reply as photographed: for the reviewer, passed on only by choice


class MediaKind(StrEnum):
    """What a file is once processed: the only three kinds the portal keeps."""

    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"


class SourceType(StrEnum):
    """What an upload is, told by its first bytes (never by its name or stated type)."""

    JPEG = "jpeg"
    PNG = "png"
    GIF = "gif"
    WEBP = "webp"
    PDF = "pdf"
    WEBM = "webm"  # Matroska or WebM: what browsers record
    MP4 = "mp4"  # ISO base media: MP4, MOV, M4A, 3GP from phones
    OGG = "ogg"
    MP3 = "mp3"
    WAV = "wav"


class MediaLimit(StrEnum):
    """The limits a service sets on files (ServiceSettings)."""

    RECORDING_MB = "recording_mb"
    RECORDING_MINUTES = "recording_minutes"
    ATTACHMENT_MB = "attachment_mb"
    ATTACHMENTS_PER_ITEM = "attachments_per_item"
