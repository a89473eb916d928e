"""Purpose-named sealing: the only crypto calls services make.

A `CaseVault` holds one case's data key and seals that case's letters and
details; a `DirectoryVault` seals account details under the directory key and
computes the blind index used to find an account by email.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from uuid import UUID

from portal.crypto.envelope import Binding, seal, unseal

ACCOUNT_TABLE = "users"
INVITATION_TABLE = "invitations"


def normalise_email(email: str) -> str:
    return unicodedata.normalize("NFKC", email).strip().casefold()


class CaseVault:
    """Seals and opens everything that belongs to one case, bound to that case."""

    def __init__(self, case_id: UUID, data_key: bytes):
        self.case_id = case_id
        self._key = data_key

    def _seal(self, table: str, row_id: UUID, field: str, text: str) -> bytes:
        return seal(self._key, text.encode(), Binding(table, row_id, field, self.case_id))

    def _open(self, table: str, row_id: UUID, field: str, sealed: bytes) -> str:
        return unseal(self._key, sealed, Binding(table, row_id, field, self.case_id)).decode()

    def seal_letter(self, item_id: UUID, text: str) -> bytes:
        return self._seal("items", item_id, "body", text)

    def open_letter(self, item_id: UUID, sealed: bytes) -> str:
        return self._open("items", item_id, "body", sealed)

    def seal_case_detail(self, field: str, text: str) -> bytes:
        return self._seal("cases", self.case_id, field, text)

    def open_case_detail(self, field: str, sealed: bytes) -> str:
        return self._open("cases", self.case_id, field, sealed)


class DirectoryVault:
    """Seals account details and indexes emails without storing them in the clear."""

    def __init__(self, directory_key: bytes, index_key: bytes):
        self._key = directory_key
        self._index_key = index_key

    def email_index(self, email: str) -> bytes:
        """HMAC-SHA256 of the normalised email: equal emails give equal indexes, nothing more."""
        return hmac.new(self._index_key, normalise_email(email).encode(), hashlib.sha256).digest()

    def seal_account_detail(self, user_id: UUID, field: str, text: str) -> bytes:
        return seal(self._key, text.encode(), Binding(ACCOUNT_TABLE, user_id, field))

    def open_account_detail(self, user_id: UUID, field: str, sealed: bytes) -> str:
        return unseal(self._key, sealed, Binding(ACCOUNT_TABLE, user_id, field)).decode()

    def seal_invitation_detail(self, invitation_id: UUID, field: str, text: str) -> bytes:
        return seal(self._key, text.encode(), Binding(INVITATION_TABLE, invitation_id, field))

    def open_invitation_detail(self, invitation_id: UUID, field: str, sealed: bytes) -> str:
        return unseal(self._key, sealed, Binding(INVITATION_TABLE, invitation_id, field)).decode()
