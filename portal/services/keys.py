"""Data keys: created per case, wrapped by the newest KEK, re-wrapped on rotation."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select, text

from portal.crypto import DirectoryVault
from portal.crypto.envelope import Binding, new_key
from portal.domain.audit import AuditAction
from portal.services import audit
from portal.services.uow import UnitOfWork
from portal.storage.models import DataKey
from portal.storage.types import utcnow

DIRECTORY = "directory"
EMAIL_INDEX = "email-index"
CASE = "case"
REFERRAL = "referral"  # one per self-referral, until a case is opened from it
_SINGLETON_LOCK = 7_274_202  # PostgreSQL advisory lock: two first requests never make two directory keys


def _binding(data_key_id: uuid.UUID, purpose: str) -> Binding:
    return Binding("data_keys", data_key_id, purpose)


def create_data_key(uow: UnitOfWork, purpose: str) -> tuple[DataKey, bytes]:
    key_id = uuid.uuid4()
    plain = new_key()
    kek_id, wrapped = uow.keyring.wrap(plain, _binding(key_id, purpose))
    row = DataKey(id=key_id, purpose=purpose, kek_id=kek_id, wrapped_key=wrapped)
    uow.session.add(row)
    return row, plain


def unwrap(uow: UnitOfWork, row: DataKey) -> bytes:
    return uow.keyring.unwrap(row.kek_id, row.wrapped_key, _binding(row.id, row.purpose))


def _singleton_key(uow: UnitOfWork, purpose: str) -> bytes:
    """The one key of this purpose, made by whichever request needs it first (and only once)."""
    row = uow.session.scalars(select(DataKey).where(DataKey.purpose == purpose).order_by(DataKey.created_at)).first()
    if row is not None:
        return unwrap(uow, row)
    with uow:
        if uow.dialect == "postgresql":
            uow.session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": _SINGLETON_LOCK})
        row = uow.session.scalars(
            select(DataKey).where(DataKey.purpose == purpose).order_by(DataKey.created_at)
        ).first()
        if row is not None:
            return unwrap(uow, row)
        row, plain = create_data_key(uow, purpose)
        uow.session.flush()
        return plain


def directory_vault(uow: UnitOfWork) -> DirectoryVault:
    """The vault for account details; its two keys are made on first use."""
    if uow.directory_vault is None:
        uow.directory_vault = DirectoryVault(_singleton_key(uow, DIRECTORY), _singleton_key(uow, EMAIL_INDEX))
    return uow.directory_vault


@dataclass(frozen=True)
class KeyStatus:
    current_kek: str
    wrapped_by: dict[str, int]  # KEK id -> number of data keys it wraps
    unknown: list[str]  # KEK ids used in the database but missing from the keyring


def status(uow: UnitOfWork) -> KeyStatus:
    counts = Counter(dict(uow.session.execute(select(DataKey.kek_id, func.count()).group_by(DataKey.kek_id)).all()))
    wrapped_by = {kek: counts.get(kek, 0) for kek in uow.keyring.ids}
    unknown = sorted(kek for kek in counts if kek not in wrapped_by)
    return KeyStatus(uow.keyring.current_id, wrapped_by, unknown)


def rewrap_all(uow: UnitOfWork) -> int:
    """Re-wrap every data key under the newest KEK, so older KEKs can be retired."""
    current = uow.keyring.current_id
    count = 0
    with uow:
        for row in uow.session.scalars(select(DataKey).where(DataKey.kek_id != current).with_for_update()):
            plain = unwrap(uow, row)
            row.kek_id, row.wrapped_key = uow.keyring.wrap(plain, _binding(row.id, row.purpose))
            row.rewrapped_at = utcnow()
            count += 1
        audit.record(uow, AuditAction.KEYS_REWRAP, object_type="kek", object_id=current)
    return count
