"""A backup and its restore into a fresh database: the audit trail verifies and letters open
with the key file; without it, nothing sealed can be opened."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.crypto import KeyringError, TamperedCiphertext
from portal.crypto.envelope import new_key
from portal.runtime import unit_of_work
from portal.services import audit, letters
from portal.storage import models
from portal.storage.db import EXTENSION_KEY, make_engine
from tests.conftest import POSTGRES_URL
from tests.factories import actor_of, approved_letter, exchange_case

LETTER = "Please tell him the dog still waits by the door"


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """An empty database to restore into: a new SQLite file, or a new PostgreSQL database."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"restore_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_backup_restores_into_a_fresh_database_whose_trail_verifies_and_whose_letters_open(
    app, settings, fresh_database, tmp_path
):
    world = exchange_case(app)
    letter = approved_letter(app, world, LETTER)
    dump = tmp_path / "portal.backup"
    created = app.test_cli_runner().invoke(args=["backup", "create", str(dump)])
    assert created.exit_code == 0, created.output
    assert "holds no keys" in created.output and dump.stat().st_size > 0
    assert LETTER.encode() not in dump.read_bytes()

    restored_app = create_app(settings | {"DATABASE_URL": fresh_database})
    try:
        restored = restored_app.test_cli_runner().invoke(args=["backup", "restore", str(dump)])
        assert restored.exit_code == 0, restored.output
        assert "audit trail intact" in restored.output
        with restored_app.app_context():
            uow = unit_of_work()
            assert audit.verify(uow).intact
            view = letters.read(uow, actor_of(world.facilitator), world.case_id, letter)
            assert view.view.original == (LETTER,)
            actions = list(uow.session.scalars(select(models.AuditEvent.action).order_by(models.AuditEvent.id)))
            assert actions[-3:] == ["backup.create", "backup.restore", "item.view"]  # reading is audited too
        # A second restore into the same (now full) database is refused, and changes nothing.
        again = restored_app.test_cli_runner().invoke(args=["backup", "restore", str(dump)])
        assert again.exit_code != 0 and "not empty" in again.output
    finally:
        restored_app.extensions[EXTENSION_KEY].kw["bind"].dispose()

    # Without the key file, the same backup opens nothing.
    other_keys = json.dumps({"kek-test-1": base64.b64encode(new_key()).decode()})
    keyless = create_app(settings | {"DATABASE_URL": fresh_database, "KEYS_JSON": other_keys})
    try:
        with keyless.app_context(), pytest.raises((KeyringError, TamperedCiphertext)):
            letters.read(unit_of_work(), actor_of(world.facilitator), world.case_id, letter)
    finally:
        keyless.extensions[EXTENSION_KEY].kw["bind"].dispose()
