"""The single-use links to choose a new password: made by hand (a facilitator for a
participant, an admin for staff) or for an emailed request, by the worker when it sends it.
Only the token's SHA-256 is stored; the link works once, for an hour."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime

from sqlalchemy import func, select

from portal.domain.audit import AuditAction
from portal.domain.notifications import RESET_LINK_LIFETIME, RESETS_PER_HOUR
from portal.services import audit
from portal.services.uow import UnitOfWork
from portal.storage.models import PasswordReset, User


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def new_link(uow: UnitOfWork, user: User, now: datetime, issued_by: uuid.UUID | None = None) -> str:
    """A fresh token for this account, in the caller's unit of work; returns it (never stored)."""
    token = secrets.token_urlsafe(32)
    uow.session.add(
        PasswordReset(
            token_hash=token_hash(token), user_id=user.id, issued_by_id=issued_by, expires_at=now + RESET_LINK_LIFETIME
        )
    )
    audit.record(uow, AuditAction.PASSWORD_RESET_REQUEST, actor_id=issued_by, object_type="user", object_id=user.id)
    return token


def too_many_lately(uow: UnitOfWork, user: User, now: datetime) -> bool:
    """Whether this account was emailed enough links in the last hour already."""
    recent = uow.session.scalar(
        select(func.count())
        .select_from(PasswordReset)
        .where(
            PasswordReset.user_id == user.id,
            PasswordReset.issued_by_id.is_(None),
            PasswordReset.created_at > now - RESET_LINK_LIFETIME,
        )
    )
    return (recent or 0) >= RESETS_PER_HOUR
