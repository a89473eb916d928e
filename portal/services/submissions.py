"""Forms acted on once: the same form posted twice gives the first answer, never a second act.

Every form that changes something carries a random key made when the page was drawn. Inside
the use case's unit of work, after its locks, `previous` asks whether that key was already
acted on; `remember` records it in the same transaction as the act, so the two commit or
roll back together. Two posts racing with one key are serialised by the case lock (or, for
acts outside a case, by the key's primary key: the loser's insert fails and its unit rolls back).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from portal.services.uow import UnitOfWork
from portal.storage.models import FormSubmission

MAX_KEY_LENGTH = 64


def _stored_key(key: str, user_id: uuid.UUID) -> str:
    """Keys are kept per person: one person's key can never answer for another's form."""
    return hashlib.sha256(f"{user_id}:{key[:MAX_KEY_LENGTH]}".encode()).hexdigest()


@dataclass(frozen=True)
class Previous:
    """The form was acted on already; `result` is what the first act returned (an id), if anything."""

    result: str | None


def previous(uow: UnitOfWork, key: str | None, user_id: uuid.UUID) -> Previous | None:
    if not key:
        return None
    row = uow.session.get(FormSubmission, _stored_key(key, user_id))
    return None if row is None else Previous(row.result)


def remember(uow: UnitOfWork, key: str | None, user_id: uuid.UUID, action: str, result: object = None) -> None:
    if not key:
        return
    uow.session.add(
        FormSubmission(
            key=_stored_key(key, user_id),
            user_id=user_id,
            action=action,
            result=None if result is None else str(result),
        )
    )
