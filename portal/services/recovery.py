"""Getting back in: a single-use link to choose a new password.

Asking does the same work whether or not the address has an account: it queues one message in
the outbox, and the worker decides, when it sends, whether there is an account to send a link
to (the same page, in the same time, either way). The link goes to the account's sign-in
address, works once, for an hour, and using it ends every session of the account. Staff must
also give a fresh authenticator code; staff without one need a link an admin made. Someone who
cannot use email gets a link their facilitator (or, for staff, an admin) makes, shown once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from portal.domain.actors import Actor
from portal.domain.audit import AuditAction
from portal.domain.enums import Language, Role
from portal.domain.errors import DomainError
from portal.domain.notifications import NotificationKind
from portal.domain.permissions import require_case_facilitator
from portal.domain.problems import Problem
from portal.services import accounts, audit, casework, keys, outbox, passwords, reset_links
from portal.services.accounts import STAFF_ROLES, AccountError
from portal.services.uow import UnitOfWork
from portal.storage.models import PasswordReset, User
from portal.storage.types import utcnow


class ResetError(DomainError):
    """The link cannot be used, or the code was wrong; the code's sentence says what to do."""


def request_reset(uow: UnitOfWork, email: str, language: Language) -> None:
    """Queue the request; whether a link goes, and to whom, is the worker's to decide."""
    with uow:
        outbox.tell_address(uow, email, NotificationKind.PASSWORD_RESET, token=None, language=language.value)


def link_for_participant(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, participant_id: uuid.UUID) -> str:
    """A facilitator's link for a participant of their case, to pass on by hand."""
    with casework.changing(uow, actor, case_id) as context:
        require_case_facilitator(context.case, context.actor)
        row = context.participant_row(participant_id)
        user = uow.session.get(User, row.user_id) if row.user_id else None
        if user is None:
            raise ResetError(Problem.RESET_NO_ACCOUNT)
        return reset_links.new_link(uow, user, utcnow(), issued_by=actor.user_id)


def link_for_staff(uow: UnitOfWork, admin: Actor, user_id: uuid.UUID) -> str:
    """An admin's link for a member of staff who lost both their password and authenticator."""
    with uow:
        user = accounts.staff_member_to_change(uow, admin, user_id)
        return reset_links.new_link(uow, user, utcnow(), issued_by=admin.user_id)


@dataclass(frozen=True)
class PendingReset:
    reset: PasswordReset
    user: User

    @property
    def staff(self) -> bool:
        return Role(self.user.role) in STAFF_ROLES

    @property
    def needs_code(self) -> bool:
        return self.staff and self.user.totp_enabled


def open_reset(uow: UnitOfWork, token: str, now: datetime | None = None) -> PendingReset:
    now = now or utcnow()
    reset = uow.session.scalars(
        select(PasswordReset).where(PasswordReset.token_hash == reset_links.token_hash(token))
    ).first()
    user = uow.session.get(User, reset.user_id) if reset else None
    if reset is None or user is None or reset.used_at is not None or reset.expires_at <= now or not user.is_active:
        raise ResetError(Problem.RESET_LINK_NOT_VALID)
    pending = PendingReset(reset, user)
    if pending.staff and not user.totp_enabled and reset.issued_by_id is None:
        raise ResetError(Problem.RESET_STAFF_NEED_ADMIN)  # an emailed link alone never opens a staff account
    return pending


def choose_password(uow: UnitOfWork, token: str, password: str, code: str = "", now: datetime | None = None) -> User:
    """Use the link once: a new password, every session ended, every other link void."""
    now = now or utcnow()
    problem = passwords.password_problem(password)
    if problem:
        raise AccountError(problem.problem, **problem.params)
    with uow:
        pending = open_reset(uow, token, now)
        user = uow.session.get(User, pending.user.id, with_for_update=True)
        assert user is not None
        if pending.needs_code and not accounts.accept_code(uow, user, code, now):
            raise ResetError(Problem.RESET_CODE_WRONG)
        claimed = uow.rows_changed(
            update(PasswordReset)
            .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed == 0:  # the same link used a moment ago
            raise ResetError(Problem.RESET_LINK_NOT_VALID)
        user.password_hash = passwords.hash_password(password)
        user.password_changed_at = now
        user.session_token = accounts.new_session_token()
        accounts.clear_failures(uow, user)
        audit.record(uow, AuditAction.PASSWORD_RESET, actor_id=user.id, object_type="user", object_id=user.id)
        outbox.tell(uow, user.id, NotificationKind.ACCOUNT_CHANGED)
        return user


def email_of(uow: UnitOfWork, user: User) -> str:
    """Shown on the page so the person knows which address to sign in with."""
    return keys.directory_vault(uow).open_account_detail(user.id, "email", user.email_sealed)
