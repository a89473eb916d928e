"""Key-encryption keys (KEKs): the newest wraps, every one unwraps.

KEKs live only in a file (mode 0600) or an environment variable, never in the
database, as a JSON object of id -> base64 key. Insertion order is age order,
so the last entry is the newest; `add_key` appends.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from portal.crypto.envelope import KEY_BYTES, Binding, TamperedCiphertext, new_key, seal, unseal


class KeyringError(RuntimeError):
    """The key material is missing or malformed."""


class Keyring:
    def __init__(self, keys: dict[str, bytes]):
        if not keys:
            raise KeyringError("the keyring holds no keys")
        for key_id, key in keys.items():
            if len(key) != KEY_BYTES:
                raise KeyringError(f"key {key_id} is not {KEY_BYTES} bytes")
        self._keys = dict(keys)

    @classmethod
    def from_json(cls, text: str) -> Keyring:
        try:
            raw = json.loads(text)
            return cls({key_id: base64.b64decode(value, validate=True) for key_id, value in raw.items()})
        except (ValueError, AttributeError, TypeError) as error:
            raise KeyringError(f"the keyring is not a JSON object of id -> base64 key ({error})") from None

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Keyring:
        try:
            return cls.from_json(Path(path).read_text())
        except FileNotFoundError:
            raise KeyringError(f"key file {path} does not exist") from None

    @property
    def current_id(self) -> str:
        return next(reversed(self._keys))

    @property
    def ids(self) -> list[str]:
        return list(self._keys)

    def wrap(self, data_key: bytes, binding: Binding) -> tuple[str, bytes]:
        """Wrap a data key under the newest KEK; returns (kek id, wrapped key)."""
        return self.current_id, seal(self._keys[self.current_id], data_key, binding)

    def unwrap(self, kek_id: str, wrapped: bytes, binding: Binding) -> bytes:
        try:
            kek = self._keys[kek_id]
        except KeyError:
            raise KeyringError(f"key {kek_id} is not in the keyring") from None
        try:
            return unseal(kek, wrapped, binding)
        except TamperedCiphertext:
            raise TamperedCiphertext(f"data key wrapped by {kek_id} failed to open") from None

    def audit_anchor_key(self, kek_id: str | None = None) -> tuple[str, bytes]:
        """The key that signs the audit chain's head outside the database: derived (HKDF) from
        a KEK, the newest unless named, so it lives only where the KEKs do."""
        kek_id = kek_id or self.current_id
        try:
            kek = self._keys[kek_id]
        except KeyError:
            raise KeyringError(f"key {kek_id} is not in the keyring") from None
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"rx/v1|audit-anchor").derive(kek)
        return kek_id, derived


def new_key_id() -> str:
    return f"kek-{datetime.now(UTC):%Y%m%d%H%M%S}-{secrets.token_hex(2)}"


def add_key(path: str | os.PathLike[str]) -> str:
    """Append a new KEK to the key file (creating it, mode 0600); returns its id."""
    path = Path(path)
    keys = json.loads(path.read_text()) if path.exists() else {}
    key_id = new_key_id()
    keys[key_id] = base64.b64encode(new_key()).decode()
    _write(path, keys)
    return key_id


def remove_key(path: str | os.PathLike[str], key_id: str) -> None:
    """Take a KEK out of the key file for good: whatever it alone wrapped can never be opened."""
    path = Path(path)
    keys = json.loads(path.read_text())
    if key_id not in keys:
        raise KeyringError(f"key {key_id} is not in {path}")
    if len(keys) == 1:
        raise KeyringError("the key file must keep at least one key")
    del keys[key_id]
    _write(path, keys)


def _write(path: Path, keys: dict[str, str]) -> None:
    """Written whole to a temporary file (mode 0600) and moved into place, never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(keys, handle, indent=2)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
