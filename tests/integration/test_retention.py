"""Deletion at the end of retention, by crypto-shredding: the case's key is destroyed and its
rows removed, a pre-deletion copy of its wrapped key opens nothing once its KEK is retired, its
tombstone still counts in reports, and a held case is kept."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from portal import create_app
from portal.crypto import KeyringError, TamperedCiphertext
from portal.crypto.envelope import Binding
from portal.domain.enums import ConsentFormat, Role, Stage
from portal.domain.reporting import Period
from portal.runtime import unit_of_work
from portal.services import letters, records, reports, retention, reviewing
from portal.storage import models
from portal.storage.db import EXTENSION_KEY
from tests.factories import actor_of, approved_letter, exchange_case, move_to
from tests.helpers import make_account

LETTER = "The shed door still sticks where you forced it"
CASE_TABLES = (
    models.Item,
    models.Participant,
    models.Consent,
    models.CaseFacilitator,
    models.Assessment,
    models.Notification,
    models.Contact,
)


@pytest.fixture
def keyed(settings, keys_json, tmp_path):
    """An app whose keys are in a file, so they can be rotated and retired."""
    key_file = tmp_path / "keys.json"
    key_file.write_text(keys_json)
    app = create_app(settings | {"KEYS_JSON": None, "KEYS_FILE": str(key_file)})
    yield app, key_file
    app.extensions[EXTENSION_KEY].kw["bind"].dispose()


def closed_years_ago(app, years: float):
    world = exchange_case(app)
    letter = approved_letter(app, world, LETTER)
    with app.app_context():
        uow, facilitator = unit_of_work(), actor_of(world.facilitator)
        seen = letters.read(uow, facilitator, world.case_id, letter).version
        reviewing.release(uow, facilitator, world.case_id, letter, None, seen=seen)
    move_to(app, world, Stage.CLOSED)
    with app.app_context(), unit_of_work() as uow:
        uow.session.execute(
            update(models.Case)
            .where(models.Case.id == world.case_id)
            .values(closed_at=datetime.now(UTC) - timedelta(days=365.25 * years))
        )
    return world, letter


def rows_of(app, case_id) -> dict[str, int]:
    """How many rows each table still holds of the case."""
    with app.app_context():
        session = unit_of_work().session
        return {
            model.__tablename__: session.scalar(select(func.count()).where(model.case_id == case_id))
            for model in CASE_TABLES
        }


def test_a_closed_case_past_its_retention_is_shredded_and_a_copy_of_its_key_opens_nothing_once_retired(keyed):
    app, key_file = keyed
    world, letter = closed_years_ago(app, 7.1)
    kept, _ = closed_years_ago(app, 6.5)
    with app.app_context():
        session = unit_of_work().session
        row = session.get(models.Case, world.case_id)
        backup = session.get(models.DataKey, row.data_key_id)  # what a backup taken now would hold
        copied = (backup.id, backup.purpose, backup.kek_id, bytes(backup.wrapped_key))
        sealed_letter = bytes(session.get(models.Item, letter).parts_sealed)
    runner = app.test_cli_runner()
    swept = runner.invoke(args=["retention", "run"])
    assert swept.exit_code == 0 and "Deleted 1 closed cases" in swept.output, swept.output
    with app.app_context():
        session = unit_of_work().session
        assert session.get(models.Case, world.case_id) is None
        assert session.get(models.DataKey, copied[0]) is None
        tomb = session.get(models.CaseTombstone, world.case_id)
        assert tomb is not None and tomb.final_stage == "closed" and tomb.code == world.code
        assert [r[0] for r in tomb.facts["released"]] == ["letter"]
        assert session.get(models.Case, kept.case_id) is not None  # half a year to go
        shredded = session.scalars(
            select(models.AuditEvent.action).where(models.AuditEvent.case_id == world.case_id)
        ).all()
        assert shredded[-1] == "case.shred"
        # The letter's ciphertext is gone from the database, not only its row's case.
        assert session.scalar(select(func.count()).where(models.Item.parts_sealed == sealed_letter)) == 0
    assert rows_of(app, world.case_id) == {model.__tablename__: 0 for model in CASE_TABLES}
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0

    # A backup from before still holds the wrapped key: while its KEK exists, it opens.
    binding = Binding("data_keys", copied[0], copied[1])
    with app.app_context():
        assert unit_of_work().keyring.unwrap(copied[2], copied[3], binding)
    old_kek = copied[2]
    assert runner.invoke(args=["keys", "rotate"]).exit_code == 0
    retired = runner.invoke(args=["keys", "retire", old_kek])
    assert retired.exit_code == 0, retired.output
    assert old_kek not in json.loads(key_file.read_text())
    with app.app_context(), pytest.raises((KeyringError, TamperedCiphertext)):
        unit_of_work().keyring.unwrap(copied[2], copied[3], binding)
    # Everything still live opens under the new KEK.
    assert runner.invoke(args=["keys", "status"]).exit_code == 0


def test_a_kek_still_wrapping_keys_cannot_be_retired(keyed):
    app, key_file = keyed
    closed_years_ago(app, 1)
    kek = next(iter(json.loads(key_file.read_text())))
    refused = app.test_cli_runner().invoke(args=["keys", "retire", kek])
    assert refused.exit_code != 0 and "newest key" in refused.output
    assert kek in json.loads(key_file.read_text())


def test_a_held_case_is_kept_until_the_hold_is_lifted(app):
    world, _letter = closed_years_ago(app, 9)
    with app.app_context():
        uow = unit_of_work()
        retention.place_hold(uow, actor_of(world.facilitator), world.case_id, "A civil claim is pending.")
        assert retention.run(uow).cases == 0
        assert uow.session.get(models.Case, world.case_id) is not None
        assert retention.hold_reason(uow, actor_of(world.facilitator), world.case_id) == "A civil claim is pending."
        retention.lift_hold(uow, actor_of(world.facilitator), world.case_id)
        assert retention.run(uow).cases == 1
        assert unit_of_work().session.get(models.Case, world.case_id) is None


def test_an_open_case_is_never_deleted_however_old(app):
    world = exchange_case(app)
    with app.app_context(), unit_of_work() as uow:
        uow.session.execute(
            update(models.Case)
            .where(models.Case.id == world.case_id)
            .values(created_at=datetime(2001, 1, 1, tzinfo=UTC))
        )
        assert retention.run(uow).cases == 0


def test_a_deleted_cases_tombstone_still_counts_in_the_reports_of_its_period(app):
    world, _letter = closed_years_ago(app, 8)
    with app.app_context():
        uow = unit_of_work()
        referred = uow.session.get(models.Case, world.case_id).referred_on
        released_at = uow.session.scalar(select(models.Item.released_at).where(models.Item.case_id == world.case_id))
        wide = Period(referred, max(referred, released_at.date()) + timedelta(days=1))
        before = reports.service_report(uow, Role.MANAGER, wide)
        assert retention.run(uow).cases == 1
        after = reports.service_report(unit_of_work(), Role.MANAGER, wide)
    assert (after.referrals, after.referrals_by_source) == (before.referrals, before.referrals_by_source)
    assert after.exchanges_by_format == before.exchanges_by_format
    assert after.stage_now == before.stage_now
    assert after.days_to_release is not None and after.days_to_release[1] == before.days_to_release[1]
    assert before.referrals == 1 and before.exchanges_by_format[ConsentFormat.LETTERS] == 1


def test_a_request_for_contact_closed_long_ago_is_deleted_with_its_key(app):
    make_account(app, Role.FACILITATOR)
    with app.app_context(), unit_of_work() as uow:
        from portal.services import keys

        key, _plain = keys.create_data_key(uow, keys.REFERRAL)
        uow.session.flush()
        old = models.SelfReferral(
            data_key_id=key.id,
            status="closed",
            details_sealed=b"sealed",
            decided_at=datetime.now(UTC) - timedelta(days=400),
            closed_reason="no_response",
        )
        uow.session.add(old)
        uow.session.flush()
        old_id, key_id = old.id, key.id
    with app.app_context():
        assert retention.run(unit_of_work()).requests == 1
        session = unit_of_work().session
        assert session.get(models.SelfReferral, old_id) is None and session.get(models.DataKey, key_id) is None


def test_a_letter_the_reader_asks_to_destroy_loses_its_words_for_good(app):
    world = exchange_case(app)
    letter = approved_letter(app, world, LETTER)
    with app.app_context():
        uow, facilitator = unit_of_work(), actor_of(world.facilitator)
        seen = letters.read(uow, facilitator, world.case_id, letter).version
        reviewing.release(uow, facilitator, world.case_id, letter, None, seen=seen)
        reader = actor_of(world["responsible"].account)
        letters.ask_to_destroy(uow, reader, world.case_id, letter)
    with app.app_context():
        uow = unit_of_work()
        row = uow.session.get(models.Item, letter)
        case_row = uow.session.get(models.Case, world.case_id)
        assert row.state == "destroyed"
        assert records.vault_for(uow, case_row).open_letter(row.id, row.parts_sealed) == []
        assert row.redactions_sealed is None and row.message_sealed is None
        actions = uow.session.scalars(
            select(models.AuditEvent.action).where(models.AuditEvent.object_id == str(letter))
        ).all()
    assert actions[-2:] == ["item.destroy-request", "item.erase"]
