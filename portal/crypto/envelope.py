"""AES-256-GCM sealing with associated data that names where a ciphertext belongs.

Layout of a sealed value: one version byte, a random 96-bit nonce, then the
ciphertext with its 16-byte tag. The associated data is never stored: it is
rebuilt from the row that holds the value, so a ciphertext copied into another
row, field or case no longer opens.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = b"\x01"
NONCE_BYTES = 12
KEY_BYTES = 32


class TamperedCiphertext(Exception):
    """A sealed value failed to open: altered, truncated, or moved from where it was sealed.

    The message names only where: "table.field:row id", never content.
    """


@dataclass(frozen=True)
class Binding:
    """Where a sealed value lives; it becomes the associated data."""

    table: str
    row_id: UUID | str
    field: str
    case_id: UUID | str | None = None

    def associated_data(self) -> bytes:
        scope = str(self.case_id) if self.case_id is not None else "-"
        return f"rx/v1|{self.table}|{self.row_id}|{self.field}|{scope}".encode()


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def seal(key: bytes, plaintext: bytes, binding: Binding) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, binding.associated_data())


def unseal(key: bytes, sealed: bytes, binding: Binding) -> bytes:
    if len(sealed) < 1 + NONCE_BYTES + 16 or sealed[:1] != VERSION:
        raise TamperedCiphertext(f"{binding.table}.{binding.field}:{binding.row_id}")
    nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, body, binding.associated_data())
    except InvalidTag:
        raise TamperedCiphertext(f"{binding.table}.{binding.field}:{binding.row_id}") from None
