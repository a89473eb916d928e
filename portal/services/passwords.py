"""Password hashing (argon2id) and the password rule: long enough and not common.

No composition rules: length and a common-password check do more for safety
and less harm to people who struggle with forms (NCSC and NIST SP 800-63B).
"""

from __future__ import annotations

import gzip
import secrets
from functools import cache
from importlib import resources

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from portal.domain.errors import DomainError
from portal.domain.problems import Problem

MIN_LENGTH = 12
MAX_LENGTH = 256

# OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane.
HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)

# Verified when an email has no account, so a miss takes as long as a wrong password.
_DUMMY_HASH = HASHER.hash(secrets.token_hex(16))


@cache
def _common_passwords() -> frozenset[str]:
    data = resources.files("portal.data").joinpath("common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode().split())


def password_problem(password: str) -> DomainError | None:
    """Why the password cannot be used (to raise or to show), or None if it is fine."""
    if len(password) < MIN_LENGTH:
        return DomainError(Problem.PASSWORD_TOO_SHORT, minimum=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return DomainError(Problem.PASSWORD_TOO_LONG, maximum=MAX_LENGTH)
    lowered = password.casefold()
    common = _common_passwords()
    stem = lowered.rstrip("0123456789!?.@#$%*_- ")
    if lowered in common or (len(stem) >= 4 and stem in common) or len(set(lowered)) <= 2:
        return DomainError(Problem.PASSWORD_TOO_COMMON)
    return None


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not there is a hash to check against."""
    try:
        return HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return HASHER.check_needs_rehash(password_hash)
