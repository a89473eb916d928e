"""The unit of work a use case runs in: one database session, the keyring, unwrapped keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from sqlalchemy.orm import Session

from portal.crypto import CaseVault, DirectoryVault, Keyring


@dataclass
class UnitOfWork:
    session: Session
    keyring: Keyring
    # Unwrapped keys live only as long as this unit of work (one request or command).
    directory_vault: DirectoryVault | None = None
    case_vaults: dict[UUID, CaseVault] = field(default_factory=dict)

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
