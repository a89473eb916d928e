"""The audit trail: append-only events chained by SHA-256, so an edit or deletion shows.

An event names who did what to which object, and how it ended; never content.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

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
    return _hash_of(
        event.occurred_at,
        event.actor_id,
        event.action,
        event.outcome,
        event.case_id,
        event.object_type,
        event.object_id,
        event.prev_hash,
    )


def _hash_of(
    occurred_at: datetime,
    actor_id: uuid.UUID | None,
    action: str,
    outcome: str,
    case_id: uuid.UUID | None,
    object_type: str | None,
    object_id: str | None,
    prev_hash: str,
) -> str:
    fields = {
        "action": action,
        "actor_id": str(actor_id) if actor_id else None,
        "case_id": str(case_id) if case_id else None,
        "object_id": object_id,
        "object_type": object_type,
        "occurred_at": occurred_at.isoformat(timespec="microseconds"),
        "outcome": outcome,
        "prev_hash": prev_hash,
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


_HASHED = (
    AuditEvent.occurred_at,
    AuditEvent.actor_id,
    AuditEvent.action,
    AuditEvent.outcome,
    AuditEvent.case_id,
    AuditEvent.object_type,
    AuditEvent.object_id,
    AuditEvent.prev_hash,
)


def verify(uow: UnitOfWork) -> ChainReport:
    """Walk the chain in order; name the first event whose hash or link does not hold.

    Plain rows, not ORM objects, streamed from a server-side cursor a few thousand at a time, so
    memory stays flat however long the trail is. On PostgreSQL the rows come straight from the
    driver's named cursor: SQLAlchemy's per-row processing was most of the time at a million."""
    previous = GENESIS
    count = 0
    for event_id, stored, *fields in _chain_rows(uow):
        count += 1
        if fields[-1] != previous:
            return ChainReport(count, event_id, BREAK_LINK)
        if _hash_of(*fields) != stored:
            return ChainReport(count, event_id, BREAK_CONTENT)
        previous = stored
    return ChainReport(count, None, None)


def _chain_rows(uow: UnitOfWork) -> Iterator[Sequence[Any]]:
    chain = select(AuditEvent.id, AuditEvent.hash, *_HASHED).order_by(AuditEvent.id)
    if uow.dialect != "postgresql":
        yield from uow.session.execute(chain, execution_options={"stream_results": True, "yield_per": 1000})
        return
    connection = uow.session.connection()
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor(name="audit_verify") as cursor:  # server-side: a batch at a time
        cursor.itersize = 5000
        cursor.execute(str(chain.compile(dialect=connection.dialect)))
        for event_id, stored, occurred_at, *rest in cursor:
            yield (event_id, stored, occurred_at.astimezone(UTC), *rest)
