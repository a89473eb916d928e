"""Envelope encryption: sealed values open only where they were sealed."""

import base64
import json
import os
import stat
import uuid

import pytest

from portal.crypto import CaseVault, DirectoryVault, Keyring, KeyringError, TamperedCiphertext
from portal.crypto.envelope import Binding, new_key, seal, unseal
from portal.crypto.keyring import add_key
from portal.crypto.vaults import normalise_email

CASE = uuid.uuid4()
ROW = uuid.uuid4()


def test_a_sealed_value_opens_with_its_own_binding():
    key = new_key()
    binding = Binding("items", ROW, "body", CASE)
    sealed = seal(key, b"Dear Sam", binding)
    assert b"Dear Sam" not in sealed
    assert unseal(key, sealed, binding) == b"Dear Sam"


def test_each_seal_uses_a_fresh_nonce():
    key = new_key()
    binding = Binding("items", ROW, "body", CASE)
    assert seal(key, b"same", binding) != seal(key, b"same", binding)


@pytest.mark.parametrize(
    "moved",
    [
        Binding("items", uuid.uuid4(), "body", CASE),  # another row
        Binding("items", ROW, "release_body", CASE),  # another field
        Binding("items", ROW, "body", uuid.uuid4()),  # another case
        Binding("participants", ROW, "body", CASE),  # another table
    ],
)
def test_a_ciphertext_moved_elsewhere_fails_to_open(moved):
    key = new_key()
    sealed = seal(key, b"secret", Binding("items", ROW, "body", CASE))
    with pytest.raises(TamperedCiphertext):
        unseal(key, sealed, moved)


@pytest.mark.parametrize("position", [0, 5, 20, -1])
def test_a_flipped_byte_fails_to_open(position):
    key = new_key()
    binding = Binding("items", ROW, "body", CASE)
    sealed = bytearray(seal(key, b"secret letter", binding))
    sealed[position] ^= 0x01
    with pytest.raises(TamperedCiphertext):
        unseal(key, bytes(sealed), binding)


def test_a_truncated_value_fails_to_open():
    key = new_key()
    binding = Binding("items", ROW, "body", CASE)
    with pytest.raises(TamperedCiphertext):
        unseal(key, seal(key, b"secret", binding)[:10], binding)


def test_case_vaults_keep_cases_apart():
    first, second = CaseVault(CASE, new_key()), CaseVault(uuid.uuid4(), new_key())
    sealed = first.seal_letter(ROW, ["I want you to know"])
    assert first.open_letter(ROW, sealed) == ["I want you to know"]
    with pytest.raises(TamperedCiphertext):
        second.open_letter(ROW, sealed)


def test_the_email_index_is_stable_and_normalised_but_keyed():
    vault = DirectoryVault(new_key(), new_key())
    assert vault.email_index(" Ann@Example.ORG ") == vault.email_index("ann@example.org")
    assert vault.email_index("ann@example.org") != vault.email_index("anne@example.org")
    other = DirectoryVault(new_key(), new_key())
    assert other.email_index("ann@example.org") != vault.email_index("ann@example.org")
    assert normalise_email("\uff21\uff2e\uff2e@example.org") == "ann@example.org"


def test_account_details_are_bound_to_their_account_and_field():
    vault = DirectoryVault(new_key(), new_key())
    user = uuid.uuid4()
    sealed = vault.seal_account_detail(user, "name", "Ann Example")
    assert vault.open_account_detail(user, "name", sealed) == "Ann Example"
    with pytest.raises(TamperedCiphertext):
        vault.open_account_detail(uuid.uuid4(), "name", sealed)
    with pytest.raises(TamperedCiphertext):
        vault.open_account_detail(user, "email", sealed)


def test_the_newest_key_wraps_and_every_key_unwraps():
    old, new = new_key(), new_key()
    keyring = Keyring({"old": old, "new": new})
    binding = Binding("data_keys", ROW, "case")
    data_key = new_key()
    kek_id, wrapped = keyring.wrap(data_key, binding)
    assert kek_id == "new"
    assert keyring.unwrap("new", wrapped, binding) == data_key
    legacy = seal(old, data_key, binding)
    assert keyring.unwrap("old", legacy, binding) == data_key


def test_an_unknown_kek_is_reported_by_name():
    keyring = Keyring({"only": new_key()})
    with pytest.raises(KeyringError, match="gone"):
        keyring.unwrap("gone", b"x" * 40, Binding("data_keys", ROW, "case"))


@pytest.mark.parametrize(
    "text", ["[]", "not json", '{"a": "not base64!"}', json.dumps({"short": base64.b64encode(b"x").decode()}), "{}"]
)
def test_malformed_key_material_is_refused(text):
    with pytest.raises(KeyringError):
        Keyring.from_json(text)


def test_add_key_appends_a_newest_key_to_a_private_file(tmp_path):
    path = tmp_path / "keys.json"
    first = add_key(path)
    second = add_key(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    keyring = Keyring.load(path)
    assert keyring.ids == [first, second]
    assert keyring.current_id == second
