"""Key rotation: a new KEK wraps everything, so the old one can be retired safely."""

import json

import pytest

from portal import create_app
from portal.crypto import Keyring, KeyringError
from portal.crypto.keyring import add_key
from portal.runtime import unit_of_work
from portal.services import accounts, keys
from portal.services.accounts import Role
from portal.storage.db import EXTENSION_KEY
from tests.helpers import PASSWORD


@pytest.fixture
def file_keyed_app(settings, tmp_path):
    path = tmp_path / "keys.json"
    add_key(path)
    app = create_app({**settings, "KEYS_JSON": None, "KEYS_FILE": str(path)})
    yield app, path
    app.extensions[EXTENSION_KEY].kw["bind"].dispose()


def test_rotate_rewraps_every_data_key_and_status_shows_it(file_keyed_app):
    app, path = file_keyed_app
    with app.app_context():
        uow = unit_of_work()
        accounts.create_account(uow, role=Role.PARTICIPANT, name="Ann", email="ann@example.test", password=PASSWORD)
    first_kek = Keyring.load(path).current_id
    runner = app.test_cli_runner()

    before = runner.invoke(args=["keys", "status"])
    assert f"{first_kek}: 2 data keys" in before.output

    rotated = runner.invoke(args=["keys", "rotate"])
    assert rotated.exit_code == 0, rotated.output
    new_kek = Keyring.load(path).current_id
    assert new_kek != first_kek
    assert "re-wrapped 2 data keys" in rotated.output

    after = runner.invoke(args=["keys", "status"])
    assert f"{first_kek}: 0 data keys" in after.output
    assert f"{new_kek}: 2 data keys  (newest" in after.output

    # Retire the old KEK: everything still opens with the new one alone.
    stored = json.loads(path.read_text())
    del stored[first_kek]
    path.write_text(json.dumps(stored))
    retired = create_app({**app.config, "KEYS_FILE": str(path)})
    with retired.app_context():
        uow = unit_of_work()
        user = accounts.find_by_email(uow, "ann@example.test")
        assert accounts.details(uow, user).name == "Ann"
    retired.extensions[EXTENSION_KEY].kw["bind"].dispose()


def test_status_names_a_kek_the_keyring_has_lost(file_keyed_app):
    app, path = file_keyed_app
    with app.app_context():
        keys.directory_vault(unit_of_work())
    lost = Keyring.load(path).current_id
    path.unlink()
    add_key(path)
    app2 = create_app({**app.config})
    result = app2.test_cli_runner().invoke(args=["keys", "status"])
    assert f"{lost}: MISSING" in result.output
    with app2.app_context(), pytest.raises(KeyringError):
        keys.directory_vault(unit_of_work())
    app2.extensions[EXTENSION_KEY].kw["bind"].dispose()


def test_rotate_is_audited(file_keyed_app):
    app, _path = file_keyed_app
    runner = app.test_cli_runner()
    runner.invoke(args=["keys", "rotate"])
    result = runner.invoke(args=["audit", "verify"])
    assert "intact" in result.output
    from sqlalchemy import select

    from portal.storage.models import AuditEvent

    with app.app_context():
        actions = unit_of_work().session.scalars(select(AuditEvent.action)).all()
    assert "keys.rotate" in actions and "keys.rewrap" in actions


def test_a_running_app_picks_up_a_rotated_key_file(file_keyed_app):
    """A worker started before the rotation must wrap new keys under the new KEK."""
    app, path = file_keyed_app
    with app.app_context():
        keys.directory_vault(unit_of_work())
    new_kek = add_key(path)
    with app.app_context():
        uow = unit_of_work()
        row, _plain = keys.create_data_key(uow, keys.CASE)
        assert row.kek_id == new_kek
