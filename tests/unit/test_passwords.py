"""Passwords: argon2id with OWASP parameters, long enough, not common; no composition rules."""

import pytest
from argon2 import extract_parameters

from portal.services import passwords


def test_hashes_are_argon2id_with_owasp_parameters():
    parameters = extract_parameters(passwords.hash_password("a long enough passphrase"))
    assert parameters.type.name == "ID"
    assert parameters.memory_cost >= 19_456
    assert parameters.time_cost >= 2


def test_verify_accepts_only_the_right_password():
    stored = passwords.hash_password("a long enough passphrase")
    assert passwords.verify_password(stored, "a long enough passphrase")
    assert not passwords.verify_password(stored, "a long enough passphrasE")
    assert not passwords.verify_password(None, "a long enough passphrase")
    assert not passwords.verify_password("not a hash", "anything")


@pytest.mark.parametrize(
    "password",
    ["short pass", "qwerty123456", "Password1234!", "aaaaaaaaaaaaaaaa", "ababababababab", "iloveyou2024!!"],
)
def test_short_common_or_repetitive_passwords_are_refused(password):
    assert passwords.password_problem(password) is not None


@pytest.mark.parametrize(
    "password", ["kettle on the blue windowsill", "all lowercase and no digits", "tree-frog-lantern"]
)
def test_long_uncommon_passwords_need_no_digits_or_symbols(password):
    assert passwords.password_problem(password) is None


def test_the_limit_on_length_is_generous_but_real():
    assert passwords.password_problem("x y " * 64) is None
    assert passwords.password_problem("xy" * 129) is not None
