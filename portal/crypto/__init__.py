"""Encryption at rest: a keyring of key-encryption keys, per-case data keys, sealed fields.

Only the purpose-named functions in `vaults` are meant to be called by services;
`envelope` and `keyring` are the machinery underneath.
"""

from portal.crypto.envelope import TamperedCiphertext
from portal.crypto.keyring import Keyring, KeyringError
from portal.crypto.vaults import CaseVault, DirectoryVault, ReferralVault

__all__ = ["CaseVault", "DirectoryVault", "Keyring", "KeyringError", "ReferralVault", "TamperedCiphertext"]
