"""The schema, as typed SQLAlchemy 2 models. Migrations in migrations/ create it.

Columns ending in `_sealed` hold AES-GCM ciphertext (see portal.crypto); nothing
a person wrote or is called is stored in the clear.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Uuid,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from portal.storage.types import UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), uuid.UUID: Uuid(), bytes: LargeBinary()}


class DataKey(Base):
    """A random 256-bit key, stored only wrapped by a key-encryption key (KEK)."""

    __tablename__ = "data_keys"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    purpose: Mapped[str] = mapped_column(String(16))  # case, directory, email-index
    kek_id: Mapped[str] = mapped_column(String(64), index=True)
    wrapped_key: Mapped[bytes]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    rewrapped_at: Mapped[datetime | None]


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    role: Mapped[str] = mapped_column(String(16))
    email_index: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    email_sealed: Mapped[bytes]
    name_sealed: Mapped[bytes]
    password_hash: Mapped[str] = mapped_column(String(255))
    # Flask-Login's alternative id: rotating it ends every session of this user.
    session_token: Mapped[str] = mapped_column(String(64), unique=True)
    totp_secret_sealed: Mapped[bytes | None]
    totp_enabled: Mapped[bool] = mapped_column(default=False)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")  # the portal's words
    # How this person is told outside the portal (portal.domain.notifications): by email at all,
    # to another address than the sign-in one if they chose (safer for some), and for staff
    # whether a daily digest comes and when the last one went.
    notify_by_email: Mapped[bool] = mapped_column(default=True, server_default=true())
    notification_email_sealed: Mapped[bytes | None]
    # "email" or "sms": a text message to a mobile number instead, where the service sends them.
    notify_channel: Mapped[str] = mapped_column(String(8), default="email", server_default="email")
    notification_phone_sealed: Mapped[bytes | None]
    daily_digest: Mapped[bool] = mapped_column(default=True, server_default=true())
    digest_sent_on: Mapped[date | None] = mapped_column(Date)
    # Casework roles among facilitators (portal.domain.supervision): a senior facilitator signs off
    # risk that needs particular care; a facilitator's named supervisor may read their cases.
    senior: Mapped[bool] = mapped_column(default=False, server_default=false())
    supervisor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)


class SignInDelay(Base):
    """Failed sign-ins per email index, kept whether or not an account exists (no enumeration)."""

    __tablename__ = "sign_in_delays"

    email_index: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(default=utcnow)
    delay_until: Mapped[datetime | None]


class Invitation(Base):
    """A single-use link for a participant to join; only the token's SHA-256 is kept."""

    __tablename__ = "invitations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    email_index: Mapped[bytes] = mapped_column(LargeBinary(32))
    email_sealed: Mapped[bytes]
    name_sealed: Mapped[bytes]
    invited_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    # Set when a facilitator invites a participant of a case: accepting links the account.
    participant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("participants.id"))


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    # A random, non-identifying code for staff lists and printed letters. The referral's own
    # reference (often a crime number) and the offence are sealed.
    code: Mapped[str] = mapped_column(String(16), unique=True)
    data_key_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("data_keys.id"))
    stage: Mapped[str] = mapped_column(String(16), index=True)
    paused_from: Mapped[str | None] = mapped_column(String(16))
    risk_level: Mapped[str] = mapped_column(String(8))
    risk_assessed_at: Mapped[datetime | None]
    risk_assessed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    referral_source: Mapped[str] = mapped_column(String(24))
    referral_reference_sealed: Mapped[bytes]
    offence_type_sealed: Mapped[bytes]
    referred_on: Mapped[date] = mapped_column(Date)
    offence_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    closed_at: Mapped[datetime | None]
    # HMAC of the normalised referral reference (`DirectoryVault.reference_index`): staff find
    # a case by the reference they were given without the reference being stored in the clear.
    reference_index: Mapped[bytes | None] = mapped_column(LargeBinary(32), index=True)
    # The next step the latest contact set, for the caseload's due dates (portal.domain.deadlines).
    next_step_on: Mapped[date | None] = mapped_column(Date, index=True)
    # A legal hold stops deletion at the end of retention; its reason is sealed.
    hold_reason_sealed: Mapped[bytes | None]
    held_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    held_at: Mapped[datetime | None]

    data_key: Mapped[DataKey] = relationship(lazy="joined", innerjoin=True)
    facilitators: Mapped[list[CaseFacilitator]] = relationship(lazy="selectin", cascade="all, delete-orphan")
    participants: Mapped[list[Participant]] = relationship(
        lazy="selectin", order_by="Participant.created_at", cascade="all, delete-orphan"
    )
    consents: Mapped[list[Consent]] = relationship(
        lazy="selectin", order_by="Consent.recorded_at", cascade="all, delete-orphan"
    )


class CaseFacilitator(Base):
    __tablename__ = "case_facilitators"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)


class Participant(Base):
    __tablename__ = "participants"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    side: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(16))
    taking_part: Mapped[str] = mapped_column(String(8))
    name_sealed: Mapped[bytes]  # their real name, for the facilitators only
    display_name_sealed: Mapped[bytes | None]  # what the other side sees, if not "the person harmed"
    relationship_sealed: Mapped[bytes | None]  # "her son", for proxies and supporters
    sensitive_terms_sealed: Mapped[bytes | None]  # JSON list of names and places never to pass on
    may_write: Mapped[bool] = mapped_column(default=False)
    withdrawn_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Consent(Base):
    """One record in a participant's consent history; the latest per format decides."""

    __tablename__ = "consents"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"))
    format: Mapped[str] = mapped_column(String(16))
    given: Mapped[bool]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    by_facilitator: Mapped[bool]


class Item(Base):
    """A letter, question set, answer set or shuttle note. Every text is sealed to its case."""

    __tablename__ = "items"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    # Alone, for the case list's counts of a page of cases: narrower than the page index below.
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(32), index=True)
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"))
    answers_to_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("items.id"))
    entered_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    written_by: Mapped[list[str]] = mapped_column(JSON, default=list)  # facilitators who wrote its words
    parts_sealed: Mapped[bytes]  # JSON list: one text, or the questions, or one answer each
    redactions_sealed: Mapped[bytes | None]
    message_sealed: Mapped[bytes | None]  # to the writer, when returned or withheld
    review_note_sealed: Mapped[bytes | None]  # the latest approver's note for the next approver
    approved_by: Mapped[list[str]] = mapped_column(JSON, default=list)
    confirmed_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    confirmed_by_facilitator: Mapped[bool] = mapped_column(default=False)
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    release_at: Mapped[datetime | None]
    released_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    read_receipt: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped by every change (state, approvals, words, removals): a decision names the version
    # it was made on, and the UPDATE itself says WHERE version = the one loaded.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")  # of its words

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # A page of a case's items, newest first (id breaks ties), read from the index in order.
        Index("ix_items_case_created", "case_id", "created_at", "id"),
        # A participant's inbox: their own items, and the other side's passed on, newest first.
        Index("ix_items_case_author", "case_id", "author_id", "created_at", "id"),
        # The report's time to release and exchanges by format, read from the index alone.
        Index(
            "ix_items_released",
            "released_at",
            "submitted_at",
            "kind",
            "case_id",
            postgresql_where=text("state = 'released'"),
            sqlite_where=text("state = 'released'"),
        ),
    )


class Agreement(Base):
    """The outcome agreement of a case: what was agreed, and each side's agreement to it."""

    __tablename__ = "agreements"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), unique=True)
    follow_up_on: Mapped[date] = mapped_column(Date)
    harmed_agreed_at: Mapped[datetime | None]
    harmed_recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    harmed_by_facilitator: Mapped[bool] = mapped_column(default=False)
    responsible_agreed_at: Mapped[datetime | None]
    responsible_recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    responsible_by_facilitator: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actions: Mapped[list[AgreementAction]] = relationship(
        lazy="selectin", order_by="AgreementAction.position", cascade="all, delete-orphan"
    )


class AgreementAction(Base):
    __tablename__ = "agreement_actions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(16))
    owner_side: Mapped[str] = mapped_column(String(16))
    details_sealed: Mapped[bytes]
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8))
    done_on: Mapped[date | None] = mapped_column(Date)
    position: Mapped[int]  # actions are named by their place in the agreement
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SatisfactionAnswer(Base):
    __tablename__ = "satisfaction_answers"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"), unique=True)
    score: Mapped[int]
    comment_sealed: Mapped[bytes | None]
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    by_facilitator: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class Notification(Base):
    """Something a person should look at; never content, only what kind and which case."""

    __tablename__ = "notifications"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(32))
    # Who it is about (the participant who stopped, say): an id, so the portal can say who.
    participant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("participants.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime | None]


class OutboxMessage(Base):
    """A notification to send, written in the same transaction as the event that causes it.

    It names a kind of neutral message and a language; the address (and a link with a token,
    for invitations and resets) is sealed with the directory key and wiped once sent. The
    worker claims due rows, sends them, and records the outcome; `status` is one of
    portal.domain.notifications.Status.
    """

    __tablename__ = "outbox_messages"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(8), default="email")
    language: Mapped[str] = mapped_column(String(8), default="en")
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"))
    address_sealed: Mapped[bytes | None]
    token_sealed: Mapped[bytes | None]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claim_expires_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(32))  # the worker pass holding the claim
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(64))  # a code, never a server's words

    # The worker's query: due messages in order, by an index, however many were ever sent.
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)


class PasswordReset(Base):
    """A single-use link to choose a new password; only the token's SHA-256 is kept."""

    __tablename__ = "password_resets"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    # Who made the link by hand (a facilitator for a participant, an admin for staff); None when
    # it was emailed because someone asked. Staff without an authenticator need an admin's link.
    issued_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class FormSubmission(Base):
    """A form already acted on: posting the same form again (a double click, a retry, the back
    button) gives the first answer instead of doing it twice. The key is random, one per page."""

    __tablename__ = "form_submissions"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64))
    result: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class AuditEvent(Base):
    """Append-only; each event carries the SHA-256 of the one before it. Never content."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[uuid.UUID | None]
    action: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    case_id: Mapped[uuid.UUID | None]
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    # One item's decisions, for its review screen, and one case's history, newest first, each
    # without reading the whole trail.
    __table_args__ = (
        Index("ix_audit_events_object", "object_id", "id"),
        Index("ix_audit_events_case", "case_id", "id"),
        # The report's stage moves and withdrawals within a period.
        Index("ix_audit_events_action", "action", "occurred_at"),
        # The audit view's "what did this person do", newest first.
        Index("ix_audit_events_actor", "actor_id", "id"),
    )


# --- The casework record (portal.domain.assessments, casenotes, meetings, deadlines) ---------------


class Assessment(Base):
    """One eligibility, suitability (of one participant) or risk assessment; later ones supersede
    earlier ones of the same kind and person, and the history stays. Its answers and reasons are
    sealed; the kind, outcome, dates and sign-off are plain so lists and gates can read them."""

    __tablename__ = "assessments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(16))  # eligibility, suitability, risk
    participant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("participants.id"))
    outcome: Mapped[str] = mapped_column(String(16))
    assessed_on: Mapped[date] = mapped_column(Date)
    assessed_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    details_sealed: Mapped[bytes]  # JSON: the structured answers and the reasons
    needs_sign_off: Mapped[bool] = mapped_column(default=False)
    signed_off_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    signed_off_at: Mapped[datetime | None]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_assessments_case", "case_id", "kind", "recorded_at"),)


class CaseNote(Base):
    """A facilitator's note (or a supervisor's record of case supervision); never shown to participants."""

    __tablename__ = "case_notes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(16))  # note, supervision
    written_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    body_sealed: Mapped[bytes]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_case_notes_case", "case_id", "created_at"),)


class Contact(Base):
    """One contact with someone about the case: a call, a visit, a letter sent or received.
    Follow-up contacts also say how the person feels now."""

    __tablename__ = "contacts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    participant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("participants.id"))
    method: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(String(16))  # general, preparation, follow_up
    happened_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    details_sealed: Mapped[bytes]  # JSON: with whom (if not a participant), how it went, next step, feeling
    next_step_on: Mapped[date | None] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_contacts_case", "case_id", "happened_on"),)


class Meeting(Base):
    """A preparation meeting with one person, or the conference itself; in person, by video or phone."""

    __tablename__ = "meetings"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(16))  # preparation, conference
    mode: Mapped[str] = mapped_column(String(16))  # in_person, video, phone
    status: Mapped[str] = mapped_column(String(16))  # planned, held, cancelled
    starts_at: Mapped[datetime]
    participant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("participants.id"))  # preparation
    facilitator_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    attendee_ids: Mapped[list[str]] = mapped_column(JSON, default=list)  # participants, supporters too
    ground_rules_agreed: Mapped[bool] = mapped_column(default=False)
    details_sealed: Mapped[bytes]  # JSON: venue, safety plan, what happened
    held_on: Mapped[date | None] = mapped_column(Date)
    planned_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_meetings_case", "case_id", "starts_at"),)


class SelfReferral(Base):
    """A request for contact made on the public form, without an account, sealed at once with a
    data key of its own; facilitators open a case from it or close it with a reason."""

    __tablename__ = "self_referrals"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    data_key_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("data_keys.id"))
    status: Mapped[str] = mapped_column(String(16), index=True)  # new, opened, closed
    details_sealed: Mapped[bytes]  # JSON: everything the person wrote
    language: Mapped[str] = mapped_column(String(8), default="en")
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    closed_reason: Mapped[str | None] = mapped_column(String(24))
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"))

    data_key: Mapped[DataKey] = relationship(lazy="joined", innerjoin=True)


class ServiceSettings(Base):
    """The service's own promises, in days (one row): what the caseload's due dates count from."""

    __tablename__ = "service_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_contact_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    review_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    follow_up_days: Mapped[int] = mapped_column(Integer, default=7, server_default="7")
    supervision_weeks: Mapped[int] = mapped_column(Integer, default=12, server_default="12")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    # Retention (portal.domain.retention): how long a closed case is kept, and a request for
    # contact that never became a case; what a subject-access export does with casework.
    retain_closed_years: Mapped[int] = mapped_column(Integer, default=7, server_default="7")
    retain_request_days: Mapped[int] = mapped_column(Integer, default=365, server_default="365")
    subject_access_casework: Mapped[str] = mapped_column(String(16), default="withhold", server_default="withhold")
    # Media limits (portal.domain.media.Limits): a recording's size and length, and pictures.
    recording_mb: Mapped[int] = mapped_column(Integer, default=200, server_default="200")
    recording_minutes: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    attachment_mb: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    attachments_per_item: Mapped[int] = mapped_column(Integer, default=5, server_default="5")


class CaseTombstone(Base):
    """What stays of a case deleted at the end of its retention: its internal id and code, its
    dates, and the facts the reports count (never a name or a word), in `facts` as JSON."""

    __tablename__ = "case_tombstones"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # the case's own id, in its audit events
    code: Mapped[str] = mapped_column(String(16))
    referral_source: Mapped[str] = mapped_column(String(24))
    referred_on: Mapped[date] = mapped_column(Date, index=True)
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    final_stage: Mapped[str] = mapped_column(String(16))
    deleted_at: Mapped[datetime] = mapped_column(default=utcnow)
    facts: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


# --- Media: recordings, pictures and scans (portal.domain.media, portal.storage.media_store) -----


class MediaFile(Base):
    """One processed file of an item: a recording, a picture or document page, or a scanned reply.

    Only the processed file is kept (the upload never is), sealed in chunks with the case's data
    key (portal.crypto.streams); its bytes live in the store `store` names. No file name or
    stated type is ever kept: what it is comes from its content.
    """

    __tablename__ = "media_files"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"))
    role: Mapped[str] = mapped_column(String(16))  # MediaRole
    kind: Mapped[str] = mapped_column(String(8))  # MediaKind
    content_type: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)
    byte_size: Mapped[int] = mapped_column(BigInteger)
    chunk_size: Mapped[int] = mapped_column(Integer)
    chunk_count: Mapped[int] = mapped_column(Integer)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    store: Mapped[str] = mapped_column(String(16))  # database, directory, object
    # Facilitators who opened it while it waited for review: approving needs every file opened.
    opened_by: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Passed on with its item when released; a scan only once its facilitator chooses.
    passes_on: Mapped[bool] = mapped_column(default=True, server_default=true())
    # An offline recipient watched or heard it on a service device during a visit.
    shown_on_device_at: Mapped[datetime | None]
    shown_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    added_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_media_files_item", "item_id", "position"),
        Index("ix_media_files_case", "case_id"),
    )


class MediaChunk(Base):
    """One sealed chunk of a file kept in the database store (small services)."""

    __tablename__ = "media_chunks"

    media_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("media_files.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    sealed: Mapped[bytes]
