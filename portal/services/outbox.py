"""The transactional outbox: notifications written with the event that causes them, sent later.

A use case calls `tell` (or `tell_address`) inside its own unit of work, so a message exists
exactly when its event committed. The worker then, in short units of work of its own:

    claim_due   marks a batch "sending" under this pass's own claim (FOR UPDATE SKIP LOCKED
                on PostgreSQL; SQLite's single writer does the same), so two workers never
                hold one message;
    prepare     opens the address and link, makes the link of a password reset someone asked
                for (if the address has an account), and cancels a message whose person has
                since stopped taking part or turned notifications off;
    (send)      outside any transaction, so a slow mail server holds no lock;
    record_*    sent (address and link wiped), or failed: tried again with backoff, and after
                the last try shown to staff. Each acts only while the claim is still this pass's.

A worker that dies mid-send leaves its claim to expire (CLAIM_LIFETIME, far longer than a batch
takes), and the message is tried again: the one case where a person could get a message twice.
Its Message-ID is the outbox id each time, so a mail server can drop the repeat.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select, update

from portal.domain.audit import AuditAction, AuditOutcome
from portal.domain.enums import Role
from portal.domain.notifications import (
    CLAIM_BATCH,
    CLAIM_LIFETIME,
    LINK_KINDS,
    MAX_ATTEMPTS,
    Channel,
    NotificationKind,
    Preferences,
    Status,
    next_attempt,
    wants,
)
from portal.services import audit, keys, reset_links
from portal.services.uow import UnitOfWork
from portal.storage import models
from portal.storage.types import utcnow

log = logging.getLogger(__name__)


def preferences(user: models.User) -> Preferences:
    return Preferences(by_email=user.notify_by_email, daily_digest=user.daily_digest)


def _wanted_by(user: models.User, kind: NotificationKind) -> bool:
    return user.is_active and wants(preferences(user), kind, staff=user.role != Role.PARTICIPANT.value)


def tell(uow: UnitOfWork, user_id: uuid.UUID, kind: NotificationKind, *, case_id: uuid.UUID | None = None) -> None:
    """Queue one notification for an account, if they want it. Inside the caller's unit of work.

    One waiting message of a kind for a case is enough: three letters released in a morning
    send one "You have a new message", not three.
    """
    assert uow.active  # inside the use case's unit of work, so it commits or rolls back with it
    user = uow.session.get(models.User, user_id)
    if user is None or not _wanted_by(user, kind):
        return
    message = models.OutboxMessage
    same_case = message.case_id.is_(None) if case_id is None else message.case_id == case_id
    waiting = uow.session.scalars(
        select(message.id).where(
            message.user_id == user_id,
            message.kind == kind.value,
            message.status == Status.PENDING.value,
            same_case,
        )
    ).first()
    if waiting is None:
        uow.session.add(
            models.OutboxMessage(
                id=uuid.uuid4(),
                kind=kind.value,
                language=user.language,
                user_id=user_id,
                case_id=case_id,
            )
        )


def _channel(user: models.User, texts: bool) -> Channel:
    """A text message only where the service sends them, to someone who chose it and gave a
    number; otherwise email, so nobody is left with nothing."""
    if texts and user.notify_channel == Channel.SMS.value and user.notification_phone_sealed is not None:
        return Channel.SMS
    return Channel.EMAIL


def tell_many(
    uow: UnitOfWork, told: Iterable[tuple[uuid.UUID, NotificationKind]], *, case_id: uuid.UUID | None = None
) -> None:
    for user_id, kind in told:
        tell(uow, user_id, kind, case_id=case_id)


def tell_address(
    uow: UnitOfWork,
    address: str,
    kind: NotificationKind,
    *,
    token: str | None,
    language: str,
) -> None:
    """Queue a message with a one-time link to an address: an invitation, with its token; or
    a password reset someone asked for, whose link the worker makes if the address has an account."""
    assert uow.active  # inside the use case's unit of work, so it commits or rolls back with it
    assert kind in LINK_KINDS
    vault = keys.directory_vault(uow)
    message_id = uuid.uuid4()
    uow.session.add(
        models.OutboxMessage(
            id=message_id,
            kind=kind.value,
            language=language,
            address_sealed=vault.seal_outbox_detail(message_id, "address", address.strip()),
            token_sealed=vault.seal_outbox_detail(message_id, "token", token) if token else None,
        )
    )


# --- the worker's side -------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """The messages one worker pass holds, under its own random name."""

    by: str
    ids: list[uuid.UUID]


def claim_due(uow: UnitOfWork, now: datetime | None = None, limit: int = CLAIM_BATCH) -> Claim:
    """Claim up to `limit` messages due now (or whose claim has run out) for this worker pass.

    A message whose claim ran out after its last try failed in a way nothing recorded (the
    worker died, or the message could not be prepared) is failed here instead of tried again.
    """
    now = now or utcnow()
    message = models.OutboxMessage
    by = uuid.uuid4().hex
    with uow:
        expired = and_(message.status == Status.SENDING.value, message.claim_expires_at <= now)
        due = (
            select(message.id, message.attempts, message.status)
            .where(or_(and_(message.status == Status.PENDING.value, message.next_attempt_at <= now), expired))
            .order_by(message.next_attempt_at)
            .limit(limit)
        )
        if uow.dialect == "postgresql":
            due = due.with_for_update(skip_locked=True)
        ids = []
        for message_id, attempts, status in uow.session.execute(due).all():
            if status == Status.SENDING.value and attempts >= MAX_ATTEMPTS:
                _fail(uow, uow.session.get(models.OutboxMessage, message_id), "worker-stopped")
            else:
                ids.append(message_id)
        if ids:
            uow.session.execute(
                update(message)
                .where(message.id.in_(ids))
                .values(
                    status=Status.SENDING.value,
                    claimed_by=by,
                    claim_expires_at=now + CLAIM_LIFETIME,
                    attempts=message.attempts + 1,
                )
                .execution_options(synchronize_session=False)
            )
        return Claim(by, ids)


def _held(
    uow: UnitOfWork, message_id: uuid.UUID, by: str, *, unexpired_at: datetime | None = None
) -> models.OutboxMessage | None:
    """The message, locked, if this pass still holds its claim; None if it lapsed to another
    (or, with `unexpired_at`, has run out and may be taken up by another any moment)."""
    row = uow.session.get(models.OutboxMessage, message_id, with_for_update=True)
    if row is None or row.status != Status.SENDING.value or row.claimed_by != by:
        return None
    if unexpired_at is not None and (row.claim_expires_at is None or row.claim_expires_at <= unexpired_at):
        return None
    return row


@dataclass(frozen=True)
class Outgoing:
    id: uuid.UUID
    kind: NotificationKind
    language: str
    address: str  # an email address, or a mobile number for a text message
    token: str | None
    channel: Channel = Channel.EMAIL


def prepare(
    uow: UnitOfWork, message_id: uuid.UUID, by: str, *, texts: bool = False, now: datetime | None = None
) -> Outgoing | None:
    """What to send for a claimed message, or None if it is no longer to be sent (cancelled).

    Its claim is renewed for the send about to happen, so however slow the earlier messages of
    the batch were, no other worker takes this one up while it is being sent. Whether it goes by
    text (`texts`: the service sends them) or email is decided now, from the person's choice now.
    """
    now = now or utcnow()
    with uow:
        row = _held(uow, message_id, by, unexpired_at=now)
        if row is None:
            return None
        row.claim_expires_at = now + CLAIM_LIFETIME
        kind = NotificationKind(row.kind)
        vault = keys.directory_vault(uow)
        token = vault.open_outbox_detail(row.id, "token", row.token_sealed) if row.token_sealed else None
        if row.address_sealed is not None:
            address = vault.open_outbox_detail(row.id, "address", row.address_sealed)
            if kind is NotificationKind.PASSWORD_RESET and (token is None or _link_ran_out(uow, token, now)):
                return _reset_link(uow, row, address, now, asked=token is None)
            return Outgoing(row.id, kind, row.language, address, token)
        user = uow.session.get(models.User, row.user_id) if row.user_id else None
        if user is None or not _still_wanted(uow, row, user, kind):
            _finish(row, Status.CANCELLED)
            return None
        row.channel = _channel(user, texts).value
        if row.channel == Channel.SMS.value and user.notification_phone_sealed is not None:
            phone = vault.open_account_detail(user.id, "notification_phone", user.notification_phone_sealed)
            return Outgoing(row.id, kind, user.language, phone, token, Channel.SMS)
        return Outgoing(row.id, kind, user.language, notification_address(uow, user), token)


def _link_ran_out(uow: UnitOfWork, token: str, now: datetime) -> bool:
    """A reset link tried again hours later (the mail server was down) would be dead on arrival."""
    reset = uow.session.scalars(
        select(models.PasswordReset).where(models.PasswordReset.token_hash == reset_links.token_hash(token))
    ).first()
    return reset is None or reset.used_at is not None or reset.expires_at <= now


def _reset_link(
    uow: UnitOfWork, row: models.OutboxMessage, address: str, now: datetime, *, asked: bool
) -> Outgoing | None:
    """Someone asked for a reset link for `address`: make one if it is an active account's and it
    has not had too many lately, to its sign-in address; otherwise send nothing, and say nothing.
    Staff without an authenticator get none: an emailed link alone never opens a staff account."""
    index = keys.directory_vault(uow).email_index(address)
    user = uow.session.scalars(select(models.User).where(models.User.email_index == index)).first()
    staff_without_code = user is not None and user.role != Role.PARTICIPANT.value and not user.totp_enabled
    flooding = asked and reset_links.too_many_lately(uow, user, now) if user is not None else False
    if user is None or not user.is_active or staff_without_code or flooding:
        _finish(row, Status.CANCELLED)
        return None
    token = reset_links.new_link(uow, user, now)
    vault = keys.directory_vault(uow)
    row.user_id = user.id
    row.token_sealed = vault.seal_outbox_detail(row.id, "token", token)  # the same link if tried again
    sign_in_address = vault.open_account_detail(user.id, "email", user.email_sealed)
    row.address_sealed = vault.seal_outbox_detail(row.id, "address", sign_in_address)
    return Outgoing(row.id, NotificationKind.PASSWORD_RESET, user.language, sign_in_address, token)


def _still_wanted(uow: UnitOfWork, row: models.OutboxMessage, user: models.User, kind: NotificationKind) -> bool:
    """Decided again at sending: someone may have stopped or turned notifications off since."""
    if not _wanted_by(user, kind):
        return False
    if row.case_id is None or user.role != Role.PARTICIPANT.value:
        return True
    stopped = uow.session.scalars(
        select(models.Participant.id).where(
            models.Participant.case_id == row.case_id,
            models.Participant.user_id == user.id,
            models.Participant.withdrawn_at.is_not(None),
        )
    ).first()
    return stopped is None


def notification_address(uow: UnitOfWork, user: models.User) -> str:
    """The address they chose for notifications, or the one they sign in with."""
    vault = keys.directory_vault(uow)
    if user.notification_email_sealed is not None:
        return vault.open_account_detail(user.id, "notification_email", user.notification_email_sealed)
    return vault.open_account_detail(user.id, "email", user.email_sealed)


def record_sent(uow: UnitOfWork, message_id: uuid.UUID, by: str, now: datetime | None = None) -> None:
    with uow:
        row = _held(uow, message_id, by)
        if row is not None:
            _finish(row, Status.SENT)
            row.sent_at = now or utcnow()


def record_failure(uow: UnitOfWork, message_id: uuid.UUID, by: str, code: str, now: datetime | None = None) -> None:
    """Try again later, or, after the last try, fail it where staff will see it."""
    now = now or utcnow()
    with uow:
        row = _held(uow, message_id, by)
        if row is None:
            return
        retry_at = next_attempt(row.attempts, now)
        if retry_at is None:
            _fail(uow, row, code)
        else:
            row.last_error = code[:64]
            row.status = Status.PENDING.value
            row.next_attempt_at = retry_at
            row.claim_expires_at = None
            row.claimed_by = None


def _fail(uow: UnitOfWork, row: models.OutboxMessage | None, code: str) -> None:
    if row is None:
        return
    row.last_error = code[:64]
    _finish(row, Status.FAILED)
    audit.record(
        uow,
        AuditAction.NOTIFICATION_FAIL,
        outcome=AuditOutcome.FAILURE,
        case_id=row.case_id,
        object_type="notification",
        object_id=row.id,
    )


def _finish(row: models.OutboxMessage, status: Status) -> None:
    """A message that will not be sent again keeps no address and no link; a failed one keeps
    them sealed, for an admin to send again once the mail server is mended."""
    row.status = status.value
    row.claim_expires_at = None
    row.claimed_by = None
    if status is not Status.FAILED:
        row.address_sealed = None
        row.token_sealed = None


@dataclass(frozen=True)
class FailedMessage:
    id: uuid.UUID
    kind: NotificationKind
    created_at: datetime
    attempts: int
    last_error: str | None
    user_id: uuid.UUID | None


def failed(uow: UnitOfWork, limit: int = 100) -> list[FailedMessage]:
    """Messages that every try failed to send, newest first, for the admin's page."""
    rows = uow.session.scalars(
        select(models.OutboxMessage)
        .where(models.OutboxMessage.status == Status.FAILED.value)
        .order_by(models.OutboxMessage.created_at.desc())
        .limit(limit)
    )
    return [
        FailedMessage(r.id, NotificationKind(r.kind), r.created_at, r.attempts, r.last_error, r.user_id) for r in rows
    ]


def retry(uow: UnitOfWork, message_id: uuid.UUID, actor_id: uuid.UUID) -> bool:
    """An admin sends a failed message again (once the mail server is mended). A password
    reset gets a fresh link when it goes: the old one may have run out."""
    with uow:
        row = uow.session.get(models.OutboxMessage, message_id, with_for_update=True)
        if row is None or row.status != Status.FAILED.value:
            return False
        row.status = Status.PENDING.value
        row.attempts = 0
        row.next_attempt_at = utcnow()
        if row.kind == NotificationKind.PASSWORD_RESET.value:
            row.token_sealed = None
        audit.record(
            uow, AuditAction.NOTIFICATION_RETRY, actor_id=actor_id, object_type="notification", object_id=message_id
        )
        return True
