"""Accounts: sign-in with progressive delays, TOTP, password changes, sessions that end.

An account is found only through the blind index of its email. Every outcome a
stranger can observe is the same whether or not an account exists.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import pyotp
from sqlalchemy import bindparam, or_, select, update

from portal.domain.actors import Actor
from portal.domain.audit import AuditAction, AuditOutcome
from portal.domain.enums import Language, Role
from portal.domain.errors import DomainError
from portal.domain.notifications import Channel, NotificationKind
from portal.domain.problems import Problem
from portal.services import audit, keys, outbox, passwords
from portal.services.uow import UnitOfWork
from portal.storage.models import SignInDelay, User
from portal.storage.types import utcnow

STAFF_ROLES = frozenset({Role.FACILITATOR, Role.MANAGER, Role.ADMIN})

FREE_ATTEMPTS = 3
MAX_DELAY = timedelta(minutes=5)
FAILURE_MEMORY = timedelta(hours=1)
TOTP_ISSUER = "Restorative Exchange"


class AccountError(DomainError):
    """A request about an account that cannot be met (its code is said by the web layer)."""


class SignInOutcome(StrEnum):
    SIGNED_IN = "signed-in"
    NEEDS_CODE = "needs-code"
    NEEDS_ENROLMENT = "needs-enrolment"
    REFUSED = "refused"
    DELAYED = "delayed"


@dataclass(frozen=True)
class SignInResult:
    outcome: SignInOutcome
    user: User | None = None
    wait_seconds: int = 0


@dataclass(frozen=True)
class AccountDetails:
    name: str
    email: str


def new_session_token() -> str:
    return secrets.token_hex(32)


@dataclass(frozen=True)
class SessionAccount:
    """Who a session belongs to, as every signed-in request needs it: not the whole account."""

    id: uuid.UUID
    role: Role
    language: str
    session_token: str

    @classmethod
    def of(cls, user: User) -> SessionAccount:
        return cls(user.id, Role(user.role), user.language, user.session_token)


# Built once, and four columns only: every signed-in request asks it.
_BY_SESSION_TOKEN = select(User.id, User.role, User.language, User.session_token).where(
    User.session_token == bindparam("token"), User.is_active.is_(True)
)


def find_by_session_token(uow: UnitOfWork, token: str) -> SessionAccount | None:
    row = uow.read(_BY_SESSION_TOKEN, {"token": token}).first()
    return None if row is None else SessionAccount(row.id, Role(row.role), row.language, row.session_token)


def find_active(uow: UnitOfWork, user_id: uuid.UUID) -> User | None:
    user = uow.session.get(User, user_id)
    return user if user is not None and user.is_active else None


def find_by_email(uow: UnitOfWork, email: str) -> User | None:
    index = keys.directory_vault(uow).email_index(email)
    return uow.session.scalars(select(User).where(User.email_index == index)).first()


def details(uow: UnitOfWork, user: User) -> AccountDetails:
    vault = keys.directory_vault(uow)
    return AccountDetails(
        name=vault.open_account_detail(user.id, "name", user.name_sealed),
        email=vault.open_account_detail(user.id, "email", user.email_sealed),
    )


def names(uow: UnitOfWork, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The names of these accounts (staff named on a review, say), opening nothing else."""
    wanted = set(user_ids)
    if not wanted:
        return {}
    vault = keys.directory_vault(uow)
    users = uow.session.scalars(select(User).where(User.id.in_(wanted)))
    return {user.id: vault.open_account_detail(user.id, "name", user.name_sealed) for user in users}


def create_account(
    uow: UnitOfWork, *, role: Role, name: str, email: str, password: str, actor_id: uuid.UUID | None = None
) -> User:
    """A new account, in the caller's unit of work (or its own, from the command line)."""
    problem = passwords.password_problem(password)
    if problem:
        raise AccountError(problem.problem, **problem.params)
    with uow:
        return _create_account(uow, role=role, name=name, email=email, password=password, actor_id=actor_id)


def _create_account(
    uow: UnitOfWork, *, role: Role, name: str, email: str, password: str, actor_id: uuid.UUID | None
) -> User:
    vault = keys.directory_vault(uow)
    index = vault.email_index(email)
    if uow.session.scalars(select(User.id).where(User.email_index == index)).first():
        raise AccountError(Problem.ACCOUNT_EMAIL_TAKEN)
    user_id = uuid.uuid4()
    user = User(
        id=user_id,
        role=role.value,
        email_index=index,
        email_sealed=vault.seal_account_detail(user_id, "email", email.strip()),
        name_sealed=vault.seal_account_detail(user_id, "name", name.strip()),
        password_hash=passwords.hash_password(password),
        session_token=new_session_token(),
    )
    uow.session.add(user)
    audit.record(uow, AuditAction.ACCOUNT_CREATE, actor_id=actor_id or user_id, object_type="user", object_id=user_id)
    return user


# --- Sign-in -----------------------------------------------------------------


def _delay_row(uow: UnitOfWork, index: bytes) -> SignInDelay | None:
    return uow.session.get(SignInDelay, index)


def _wait_seconds(row: SignInDelay | None, now: datetime) -> int:
    if row is None or row.delay_until is None or row.delay_until <= now:
        return 0
    return max(1, int((row.delay_until - now).total_seconds() + 0.999))


def _record_failure(uow: UnitOfWork, index: bytes, now: datetime) -> None:
    """Each failure past the free ones doubles the wait, up to a cap: slower, never locked."""
    row = _delay_row(uow, index)
    if row is None:
        row = SignInDelay(email_index=index, failures=0, last_failure_at=now)
        uow.session.add(row)
    elif now - row.last_failure_at > FAILURE_MEMORY:
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    if row.failures >= FREE_ATTEMPTS:
        row.delay_until = now + min(timedelta(seconds=2 ** (row.failures - FREE_ATTEMPTS)), MAX_DELAY)


def _clear_failures(uow: UnitOfWork, index: bytes) -> None:
    row = _delay_row(uow, index)
    if row is not None:
        uow.session.delete(row)


def sign_in(uow: UnitOfWork, email: str, password: str, now: datetime | None = None) -> SignInResult:
    """Check a password; the same work and answer whether or not the account exists."""
    now = now or utcnow()
    with uow:
        index = keys.directory_vault(uow).email_index(email)
        wait = _wait_seconds(_delay_row(uow, index), now)
        if wait:
            audit.record(uow, AuditAction.SIGN_IN, outcome=AuditOutcome.DELAYED)
            return SignInResult(SignInOutcome.DELAYED, wait_seconds=wait)
        user = uow.session.scalars(select(User).where(User.email_index == index)).first()
        valid = passwords.verify_password(user.password_hash if user else None, password)
        if not valid or user is None or not user.is_active:
            _record_failure(uow, index, now)
            audit.record(uow, AuditAction.SIGN_IN, outcome=AuditOutcome.FAILURE, actor_id=user.id if user else None)
            return SignInResult(SignInOutcome.REFUSED)
        if passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(password)
        if user.totp_enabled:
            outcome = SignInOutcome.NEEDS_CODE
        elif user.role in STAFF_ROLES:
            outcome = SignInOutcome.NEEDS_ENROLMENT
        else:
            outcome = SignInOutcome.SIGNED_IN
            _clear_failures(uow, index)
            audit.record(uow, AuditAction.SIGN_IN, actor_id=user.id, object_type="user", object_id=user.id)
        return SignInResult(outcome, user)


def record_sign_out(uow: UnitOfWork, user: User, *, left_site: bool = False) -> None:
    """Sign-out rotates the session token, so a copied cookie stops working too."""
    with uow:
        user.session_token = new_session_token()
        action = AuditAction.LEAVE_SITE if left_site else AuditAction.SIGN_OUT
        audit.record(uow, action, actor_id=user.id, object_type="user", object_id=user.id)


def set_language(uow: UnitOfWork, user: User, language: Language) -> None:
    """The language the portal speaks to this person, everywhere they sign in."""
    with uow:
        user.language = language.value


@dataclass(frozen=True)
class NotificationChoices:
    by_email: bool  # whether to be told at all (by email, or by text message if chosen)
    daily_digest: bool
    address: str | None  # None: the sign-in address
    channel: Channel = Channel.EMAIL
    phone: str | None = None  # a mobile number in E.164 form, for text messages


def notification_choices(uow: UnitOfWork, user: User) -> NotificationChoices:
    vault = keys.directory_vault(uow)
    address = phone = None
    if user.notification_email_sealed is not None:
        address = vault.open_account_detail(user.id, "notification_email", user.notification_email_sealed)
    if user.notification_phone_sealed is not None:
        phone = vault.open_account_detail(user.id, "notification_phone", user.notification_phone_sealed)
    return NotificationChoices(user.notify_by_email, user.daily_digest, address, Channel(user.notify_channel), phone)


def set_notification_choices(
    uow: UnitOfWork, user: User, choices: NotificationChoices, *, password: str | None = None
) -> None:
    """Whether and where this person is told; turning it off stops what is waiting to go.

    Changing the address needs the account's password: someone at an unlocked screen must not
    be able to send the account's news (or a hint of it) to themselves.
    """
    with uow:
        vault = keys.directory_vault(uow)
        before = notification_choices(uow, user)
        address = (choices.address or "").strip() or None
        phone = (choices.phone or "").strip() or None
        channel = choices.channel if phone else Channel.EMAIL
        changing_where = address != before.address or phone != before.phone or channel != before.channel
        refused = changing_where and not passwords.verify_password(user.password_hash, password or "")
        if changing_where and not refused:
            user.notification_email_sealed = (
                vault.seal_account_detail(user.id, "notification_email", address) if address else None
            )
            user.notification_phone_sealed = (
                vault.seal_account_detail(user.id, "notification_phone", phone) if phone else None
            )
        if not refused:
            user.notify_by_email = choices.by_email
            user.daily_digest = choices.daily_digest
            user.notify_channel = channel.value
        audit.record(
            uow,
            AuditAction.NOTIFICATION_PREFERENCES,
            outcome=AuditOutcome.FAILURE if refused else AuditOutcome.SUCCESS,
            actor_id=user.id,
            object_type="user",
            object_id=user.id,
        )
    if refused:  # recorded: it may be someone else at an unlocked screen
        raise AccountError(Problem.ACCOUNT_WRONG_PASSWORD)


def sign_out_everywhere(uow: UnitOfWork, user: User) -> None:
    with uow:
        user.session_token = new_session_token()
        audit.record(uow, AuditAction.SIGN_OUT_EVERYWHERE, actor_id=user.id, object_type="user", object_id=user.id)


# --- TOTP --------------------------------------------------------------------


def _totp(uow: UnitOfWork, user: User) -> pyotp.TOTP:
    if user.totp_secret_sealed is None:
        raise AccountError(Problem.ACCOUNT_NO_AUTHENTICATOR)
    secret = keys.directory_vault(uow).open_account_detail(user.id, "totp_secret", user.totp_secret_sealed)
    return pyotp.TOTP(secret)


def _accept_code(uow: UnitOfWork, totp: pyotp.TOTP, user: User, code: str, now: datetime) -> bool:
    """Accept the current step or one either side, and never the same step twice."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return False
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if step > (user.totp_last_step or -1) and hmac.compare_digest(totp.generate_otp(step), code):
            return _claim_step(uow, user, step)
    return False


def accept_code(uow: UnitOfWork, user: User, code: str, now: datetime | None = None) -> bool:
    """A fresh authenticator code, used up (for a password reset, say), inside the caller's unit."""
    return _accept_code(uow, _totp(uow, user), user, code, now or utcnow())


def clear_failures(uow: UnitOfWork, user: User) -> None:
    _clear_failures(uow, user.email_index)


def _claim_step(uow: UnitOfWork, user: User, step: int) -> bool:
    """Use up a time step in one statement, so two requests racing with one code can't both win."""
    claimed = uow.rows_changed(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if claimed != 1:
        return False
    user.totp_last_step = step
    return True


def begin_totp_enrolment(uow: UnitOfWork, user: User) -> tuple[str, str]:
    """A fresh secret (kept sealed until confirmed); returns the secret and its otpauth URI."""
    secret = pyotp.random_base32()
    with uow:
        user.totp_secret_sealed = keys.directory_vault(uow).seal_account_detail(user.id, "totp_secret", secret)
        user.totp_enabled = False
        user.totp_last_step = None
    return secret, totp_uri(uow, user)


def totp_uri(uow: UnitOfWork, user: User) -> str:
    # The account label is the role, not the email: the QR code may be photographed.
    return _totp(uow, user).provisioning_uri(name=f"{user.role} account", issuer_name=TOTP_ISSUER)


def pending_totp_secret(uow: UnitOfWork, user: User) -> str:
    return _totp(uow, user).secret


def confirm_totp_enrolment(uow: UnitOfWork, user: User, code: str, now: datetime | None = None) -> bool:
    with uow:
        if user.totp_enabled or not _accept_code(uow, _totp(uow, user), user, code, now or utcnow()):
            return False
        user.totp_enabled = True
        audit.record(uow, AuditAction.TOTP_ENROLLED, actor_id=user.id, object_type="user", object_id=user.id)
        outbox.tell(uow, user.id, NotificationKind.ACCOUNT_CHANGED)
        return True


def verify_sign_in_code(uow: UnitOfWork, user: User, code: str, now: datetime | None = None) -> SignInResult:
    """The second step of signing in; failures slow the account down like wrong passwords."""
    now = now or utcnow()
    with uow:
        wait = _wait_seconds(_delay_row(uow, user.email_index), now)
        if wait:
            return SignInResult(SignInOutcome.DELAYED, wait_seconds=wait)
        if not _accept_code(uow, _totp(uow, user), user, code, now):
            _record_failure(uow, user.email_index, now)
            audit.record(
                uow,
                AuditAction.SIGN_IN_CODE,
                outcome=AuditOutcome.FAILURE,
                actor_id=user.id,
                object_type="user",
                object_id=user.id,
            )
            return SignInResult(SignInOutcome.REFUSED)
        _clear_failures(uow, user.email_index)
        audit.record(uow, AuditAction.SIGN_IN, actor_id=user.id, object_type="user", object_id=user.id)
        return SignInResult(SignInOutcome.SIGNED_IN, user)


def turn_off_totp(uow: UnitOfWork, user: User) -> None:
    if user.role in STAFF_ROLES:
        raise AccountError(Problem.ACCOUNT_STAFF_NEED_AUTHENTICATOR)
    with uow:
        user.totp_secret_sealed = None
        user.totp_enabled = False
        user.totp_last_step = None
        audit.record(uow, AuditAction.TOTP_REMOVED, actor_id=user.id, object_type="user", object_id=user.id)
        outbox.tell(uow, user.id, NotificationKind.ACCOUNT_CHANGED)


def reset_totp(uow: UnitOfWork, admin: Actor, user_id: uuid.UUID) -> None:
    """An admin clears a staff member's lost authenticator: they set up a new one at their next
    sign-in, every session ends now, and they are told by email."""
    with uow:
        user = staff_member_to_change(uow, admin, user_id)
        user.totp_secret_sealed = None
        user.totp_enabled = False
        user.totp_last_step = None
        user.session_token = new_session_token()
        audit.record(uow, AuditAction.TOTP_REMOVED, actor_id=admin.user_id, object_type="user", object_id=user.id)
        outbox.tell(uow, user.id, NotificationKind.ACCOUNT_CHANGED)


# --- Changes made by the account holder or by staff -------------------------------


def change_password(uow: UnitOfWork, user: User, current: str, new: str) -> None:
    problem = passwords.password_problem(new)
    with uow:
        right = passwords.verify_password(user.password_hash, current)
        if right and not problem:
            user.password_hash = passwords.hash_password(new)
            user.password_changed_at = utcnow()
            user.session_token = new_session_token()
            outbox.tell(uow, user.id, NotificationKind.ACCOUNT_CHANGED)
        # A wrong current password is recorded too: it may be someone else at an unlocked screen.
        audit.record(
            uow,
            AuditAction.PASSWORD_CHANGE,
            outcome=AuditOutcome.SUCCESS if right and not problem else AuditOutcome.FAILURE,
            actor_id=user.id,
            object_type="user",
            object_id=user.id,
        )
    if not right:
        raise AccountError(Problem.ACCOUNT_WRONG_PASSWORD)
    if problem:
        raise AccountError(problem.problem, **problem.params)


def clear_sign_in_delay(uow: UnitOfWork, staff: Actor, user_id: uuid.UUID) -> None:
    """Staff let someone try signing in again straight away (admins: staff; facilitators: their people)."""
    with uow:
        user = uow.session.get(User, user_id)
        if user is None:
            raise AccountError(Problem.ACCOUNT_NO_SUCH)
        _clear_failures(uow, user.email_index)
        audit.record(uow, AuditAction.DELAY_CLEARED, actor_id=staff.user_id, object_type="user", object_id=user.id)


def staff_member_to_change(uow: UnitOfWork, admin: Actor, user_id: uuid.UUID) -> User:
    """Another member of staff, locked, for an admin to change; never their own account, never a
    participant's (those are their facilitator's). Inside the caller's unit of work."""
    if admin.role != Role.ADMIN or user_id == admin.user_id:
        raise AccountError(Problem.ACCOUNT_NOT_YOURSELF)
    user = uow.session.get(User, user_id, with_for_update=True)
    if user is None or user.role == Role.PARTICIPANT:
        raise AccountError(Problem.ACCOUNT_NO_SUCH)
    return user


def set_active(uow: UnitOfWork, admin: Actor, user_id: uuid.UUID, active: bool) -> None:
    with uow:
        user = staff_member_to_change(uow, admin, user_id)
        user.is_active = active
        user.session_token = new_session_token()
        action = AuditAction.ACCOUNT_REACTIVATE if active else AuditAction.ACCOUNT_DEACTIVATE
        audit.record(uow, action, actor_id=admin.user_id, object_type="user", object_id=user.id)
        if active:
            outbox.tell(uow, user.id, NotificationKind.ACCOUNT_CHANGED)


def staff_accounts(uow: UnitOfWork) -> list[tuple[User, AccountDetails]]:
    users = uow.session.scalars(select(User).where(User.role != Role.PARTICIPANT.value).order_by(User.created_at))
    return [(user, details(uow, user)) for user in users]
