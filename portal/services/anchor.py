"""The audit chain's head, signed and kept outside the database, so removing the newest events
(which leaves a shorter chain that still verifies) is found.

Each line of the anchor file is one signed head: the newest event's id and hash, how many
events there were, when, and which KEK the signing key was derived from. `audit verify` and
the worker (hourly) check the file against the database and then append a new head. Nothing
in a line is content: ids, hashes and a count.

The file must live where the database's user (and anyone who could rewrite the database)
cannot change it: another host or volume, made append-only (`chattr +a`), or shipped to a log
store. The first head signed into an empty file is marked in the trail itself, so a deleted or
emptied anchor file is found too: the trail says heads were signed, and the file has none.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from sqlalchemy import func, select

from portal.crypto import KeyringError
from portal.domain.audit import AuditAction, AuditOutcome
from portal.services import audit
from portal.services.uow import UnitOfWork
from portal.storage.models import AuditEvent
from portal.storage.types import utcnow

EVERY = timedelta(hours=1)  # the worker signs a new head at least this often
VERSION = 1


class AnchorState(StrEnum):
    HOLDS = "holds"  # the last signed head is still in the chain
    FIRST = "first"  # no head signed yet: this is the first
    TRUNCATED = "truncated"  # the signed head, or events before it, are gone or rewritten
    TAMPERED = "tampered"  # a line of the file fails its signature, or the file vanished


@dataclass(frozen=True)
class Head:
    last_id: int
    last_hash: str
    events: int
    at: datetime
    kek: str

    def fields(self) -> dict[str, object]:
        return {
            "v": VERSION,
            "at": self.at.isoformat(),
            "last_id": self.last_id,
            "last_hash": self.last_hash,
            "events": self.events,
            "kek": self.kek,
        }


@dataclass(frozen=True)
class AnchorCheck:
    state: AnchorState
    head: Head | None  # the last good head in the file

    @property
    def holds(self) -> bool:
        return self.state in (AnchorState.HOLDS, AnchorState.FIRST)


def _mac(key: bytes, fields: dict[str, object]) -> str:
    return hmac.new(key, json.dumps(fields, sort_keys=True).encode(), hashlib.sha256).hexdigest()


def _read(uow: UnitOfWork, path: Path) -> tuple[Head | None, bool]:
    """The last head whose signature holds, and whether any line failed its signature."""
    if not path.exists():
        return None, False
    last: Head | None = None
    tampered = False
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            _kek, key = uow.keyring.audit_anchor_key(entry["kek"])
            mac = entry.pop("mac")
            if not hmac.compare_digest(mac, _mac(key, entry)):
                tampered = True
                continue
            last = Head(
                entry["last_id"], entry["last_hash"], entry["events"], datetime.fromisoformat(entry["at"]), entry["kek"]
            )
        except (ValueError, KeyError, TypeError):
            tampered = True
        except KeyringError:
            continue  # signed with a KEK since retired: the heads after it carry on
    return last, tampered


def check(uow: UnitOfWork, path: Path) -> AnchorCheck:
    """Does the chain still reach the last signed head, with that hash, and no fewer events?"""
    head, tampered = _read(uow, path)
    if tampered:
        return AnchorCheck(AnchorState.TAMPERED, head)
    if head is None:
        started = uow.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == AuditAction.AUDIT_ANCHOR_STARTED.value).limit(1)
        )
        return AnchorCheck(AnchorState.TAMPERED if started else AnchorState.FIRST, None)
    stored = uow.session.scalar(select(AuditEvent.hash).where(AuditEvent.id == head.last_id))
    events = uow.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.id <= head.last_id)) or 0
    if stored != head.last_hash or events < head.events:
        return AnchorCheck(AnchorState.TRUNCATED, head)
    return AnchorCheck(AnchorState.HOLDS, head)


def sign(uow: UnitOfWork, path: Path) -> Head | None:
    """Append the chain's current head, signed; None when the chain is empty. Into a file with
    no head yet, the trail first records that signing started (see the module's docstring)."""
    if _read(uow, path)[0] is None and uow.session.scalar(select(func.count(AuditEvent.id))):
        with uow:
            audit.record(uow, AuditAction.AUDIT_ANCHOR_STARTED)
    newest = uow.session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    if newest is None:
        return None
    count = uow.session.scalar(select(func.count(AuditEvent.id))) or 0
    kek, key = uow.keyring.audit_anchor_key()
    head = Head(newest[0], newest[1], count, utcnow(), kek)
    fields = head.fields()
    line = json.dumps(fields | {"mac": _mac(key, fields)}, sort_keys=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as anchor:
        anchor.write(line + "\n")
        anchor.flush()
        os.fsync(anchor.fileno())
    return head


def record_tampering(uow: UnitOfWork, action: AuditAction, object_id: str | None = None) -> None:
    """Found outside a web request (the CLI, the worker): audited like anything else."""
    with uow:
        audit.record(uow, action, outcome=AuditOutcome.TAMPERED, object_type="audit_event", object_id=object_id)


@dataclass(frozen=True)
class Verdict:
    chain: audit.ChainReport
    anchor: AnchorCheck

    @property
    def intact(self) -> bool:
        return self.chain.intact and self.anchor.holds


def verify_and_anchor(uow: UnitOfWork, path: Path | None, *, walk_chain: bool = True) -> Verdict:
    """Verify the chain (unless `walk_chain` is off: the worker's hourly pass checks only the
    signed head, cheaply) and the last signed head; audit what is wrong; then sign the head now
    (after recording any tampering, so the next check starts from the trail as it is)."""
    chain = audit.verify(uow) if walk_chain else audit.ChainReport(0, None, None)
    found = check(uow, path) if path else AnchorCheck(AnchorState.FIRST, None)
    if not chain.intact:
        record_tampering(uow, AuditAction.AUDIT_CHAIN_BROKEN, str(chain.first_broken_id))
    if found.state == AnchorState.TRUNCATED:
        record_tampering(uow, AuditAction.AUDIT_TRUNCATED, str(found.head.last_id) if found.head else None)
    elif found.state == AnchorState.TAMPERED:
        record_tampering(uow, AuditAction.AUDIT_ANCHOR_TAMPERED)
    if path:
        sign(uow, path)
    return Verdict(chain, found)


def due(uow: UnitOfWork, path: Path, now: datetime | None = None) -> bool:
    """Whether the worker should check and sign again: no head yet, or the last is an hour old."""
    head, _tampered = _read(uow, path)
    return head is None or (now or utcnow()) - head.at >= EVERY
