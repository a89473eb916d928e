"""Invitations: the only way into the portal for a participant, and the admin's way to add staff.

The link carries a random token; only its SHA-256 is stored. It works once and
for a limited time, and the person chooses their own password on the page it opens.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from portal.domain.actors import Actor
from portal.domain.audit import AuditAction
from portal.domain.enums import Language
from portal.domain.errors import DomainError
from portal.domain.notifications import NotificationKind
from portal.domain.problems import Problem
from portal.services import accounts, audit, keys, outbox, passwords
from portal.services.accounts import AccountError, Role
from portal.services.uow import UnitOfWork
from portal.storage.models import Case, Invitation, Participant, User
from portal.storage.types import utcnow

LIFETIME = timedelta(days=7)

# Who may invite whom: facilitators bring in participants, admins bring in facilitators and
# admins. A manager reads every case, so an admin (who sees no case content) cannot make one:
# managers are created only at the server with `flask users create-staff --role manager`.
MAY_INVITE: dict[Role, frozenset[Role]] = {
    Role.FACILITATOR: frozenset({Role.PARTICIPANT}),
    Role.ADMIN: frozenset({Role.FACILITATOR, Role.ADMIN}),
}


class InvitationError(DomainError):
    """The link cannot be used; its code's sentence says what to do next."""


@dataclass(frozen=True)
class PendingInvitation:
    invitation: Invitation
    name: str
    role: Role


def _token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def invite(
    uow: UnitOfWork,
    inviter: Actor,
    role: Role,
    name: str,
    email: str,
    *,
    participant_id: uuid.UUID | None = None,
    case_id: uuid.UUID | None = None,
    send_in: Language | None = None,
) -> str:
    """Create an invitation; returns the token, which is shown once and never stored.

    A participant's invitation names the participant of a case it is for; accepting it
    links the new account to them. With `send_in`, the link is also emailed to the address,
    in that language, from the outbox (the same transaction: no invitation, no email).
    """
    if role not in MAY_INVITE.get(inviter.role, frozenset()):
        raise AccountError(Problem.INVITE_ROLE)
    with uow:
        token = _invite(uow, inviter, role, name, email, participant_id, case_id)
        if send_in is not None:
            outbox.tell_address(uow, email, NotificationKind.INVITATION, token=token, language=send_in.value)
        return token


def _invite(
    uow: UnitOfWork,
    inviter: Actor,
    role: Role,
    name: str,
    email: str,
    participant_id: uuid.UUID | None,
    case_id: uuid.UUID | None,
) -> str:
    vault = keys.directory_vault(uow)
    index = vault.email_index(email)
    if uow.session.scalars(select(User.id).where(User.email_index == index)).first():
        raise AccountError(Problem.ACCOUNT_EMAIL_TAKEN)
    token = secrets.token_urlsafe(32)
    invitation_id = uuid.uuid4()
    invitation = Invitation(
        id=invitation_id,
        token_hash=_token_hash(token),
        role=role.value,
        email_index=index,
        email_sealed=vault.seal_invitation_detail(invitation_id, "email", email.strip()),
        name_sealed=vault.seal_invitation_detail(invitation_id, "name", name.strip()),
        invited_by_id=inviter.user_id,
        expires_at=utcnow() + LIFETIME,
        participant_id=participant_id,
    )
    uow.session.add(invitation)
    audit.record(
        uow,
        AuditAction.INVITATION_CREATE,
        actor_id=inviter.user_id,
        case_id=case_id,
        object_type="invitation",
        object_id=invitation_id,
    )
    return token


def open_invitation(uow: UnitOfWork, token: str, now: datetime | None = None) -> PendingInvitation:
    now = now or utcnow()
    invitation = uow.session.scalars(select(Invitation).where(Invitation.token_hash == _token_hash(token))).first()
    if invitation is None:
        raise InvitationError(Problem.INVITATION_UNKNOWN)
    if invitation.accepted_at is not None:
        raise InvitationError(Problem.INVITATION_USED)
    if invitation.expires_at <= now:
        raise InvitationError(Problem.INVITATION_EXPIRED)
    name = keys.directory_vault(uow).open_invitation_detail(invitation.id, "name", invitation.name_sealed)
    return PendingInvitation(invitation, name, Role(invitation.role))


def accept(uow: UnitOfWork, token: str, password: str, now: datetime | None = None) -> User:
    """Turn a valid invitation into an account; the link cannot be used again."""
    now = now or utcnow()
    problem = passwords.password_problem(password)
    if problem:
        raise AccountError(problem.problem, **problem.params)
    with uow:
        pending = open_invitation(uow, token, now)
        invitation = pending.invitation
        if invitation.participant_id is not None:
            # The person belongs to a case: its lock first, as every change to a case takes it.
            participant = uow.session.get(Participant, invitation.participant_id)
            if participant is not None:
                uow.session.get(Case, participant.case_id, with_for_update={"of": Case})
        claimed = uow.rows_changed(
            update(Invitation)
            .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
            .values(accepted_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed != 1:  # someone used the link a moment ago
            raise InvitationError(Problem.INVITATION_USED)
        email = invitation_email(uow, pending)
        user = accounts.create_account(uow, role=pending.role, name=pending.name, email=email, password=password)
        invitation.user_id = user.id
        if invitation.participant_id is not None:
            _link_participant(uow, invitation, user, now)
        audit.record(
            uow, AuditAction.INVITATION_ACCEPT, actor_id=user.id, object_type="invitation", object_id=invitation.id
        )
        return user


def _link_participant(uow: UnitOfWork, invitation: Invitation, user: User, now: datetime) -> None:
    """Link the new account to the person in the case, once: any other link for them stops working."""
    linked = uow.rows_changed(
        update(Participant)
        .where(Participant.id == invitation.participant_id, Participant.user_id.is_(None))
        .values(user_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if linked != 1:  # an earlier link for the same person was used already
        raise InvitationError(Problem.INVITATION_SUPERSEDED)
    uow.session.execute(
        update(Invitation)
        .where(
            Invitation.participant_id == invitation.participant_id,
            Invitation.id != invitation.id,
            Invitation.accepted_at.is_(None),
        )
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )


def invitation_email(uow: UnitOfWork, pending: PendingInvitation) -> str:
    """Shown on the join page so the person knows which address to sign in with."""
    invitation = pending.invitation
    return keys.directory_vault(uow).open_invitation_detail(invitation.id, "email", invitation.email_sealed)
