"""The audit trail: append-only events chained by SHA-256, so an edit or deletion shows.

An event names who did what to which object, and how it ended; never content.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass

from sqlalchemy import select, text

from portal.domain.audit import AuditAction, AuditOutcome
from portal.services.uow import UnitOfWork
from portal.storage.db import WriteOutsideUnitOfWork
from portal.storage.models import AuditEvent
from portal.storage.types import utcnow

GENESIS = "0" * 64
_CHAIN_LOCK = 7_274_201  # PostgreSQL advisory lock id that serialises appends


def event_hash(event: AuditEvent) -> str:
    """The hash over every recorded field and the previous hash."""
    fields = {
        "occurred_at": event.occurred_at.isoformat(timespec="microseconds"),
        "actor_id": str(event.actor_id) if event.actor_id else None,
        "action": event.action,
        "outcome": event.outcome,
        "case_id": str(event.case_id) if event.case_id else None,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def record(
    uow: UnitOfWork,
    action: AuditAction,
    *,
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
    actor_id: uuid.UUID | None = None,
    case_id: uuid.UUID | None = None,
    object_type: str | None = None,
    object_id: uuid.UUID | str | None = None,
) -> AuditEvent:
    """Append an event in the caller's unit of work; it commits with the action it records.

    Appends are serialised, so two writers never extend the chain from the same event: on
    PostgreSQL by an advisory lock held to the commit, taken only after the use case's pending
    writes are flushed, so the order is always case, item, other rows, chain; on SQLite by the
    write lock every unit of work takes at BEGIN IMMEDIATE.
    """
    if not uow.active:
        raise WriteOutsideUnitOfWork("audit events are written inside the unit of work they record")
    session = uow.session
    session.flush()  # the use case's own row writes take their locks first: the chain lock is always last
    if uow.dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": _CHAIN_LOCK})
    previous = session.scalars(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    event = AuditEvent(
        occurred_at=utcnow(),
        actor_id=actor_id,
        action=AuditAction(action).value,
        outcome=AuditOutcome(outcome).value,
        case_id=case_id,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        prev_hash=previous or GENESIS,
    )
    event.hash = event_hash(event)
    session.add(event)
    session.flush()
    return event


# Why a chain is broken (the command that reports it says it in words).
BREAK_LINK = "link"  # an event does not follow the one before it: one was removed or altered
BREAK_CONTENT = "content"  # an event's contents were changed after it was written


@dataclass(frozen=True)
class ChainReport:
    events: int
    first_broken_id: int | None
    reason: str | None

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def verify(uow: UnitOfWork) -> ChainReport:
    """Walk the chain in order; name the first event whose hash or link does not hold."""
    previous = GENESIS
    count = 0
    for event in uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(1000):
        count += 1
        if event.prev_hash != previous:
            return ChainReport(count, event.id, BREAK_LINK)
        if event_hash(event) != event.hash:
            return ChainReport(count, event.id, BREAK_CONTENT)
        previous = event.hash
    return ChainReport(count, None, None)
