"""The audit chain's head, signed outside the database: removing the newest events (which
leaves a shorter chain that still verifies) is found, and so is a forged or deleted anchor file.
What is found outside a web request is itself audited."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import create_app
from portal.cli.worker import run_jobs_once
from portal.domain.audit import AuditAction
from portal.runtime import unit_of_work
from portal.services import anchor, audit
from portal.storage.db import EXTENSION_KEY
from portal.storage.models import AuditEvent
from portal.storage.types import utcnow
from tests.integration.test_audit import _without_guard, _write_events


@pytest.fixture
def anchored(settings, tmp_path):
    path = tmp_path / "anchor" / "audit-anchor.jsonl"
    app = create_app(settings | {"AUDIT_ANCHOR_FILE": str(path)})
    yield app, path
    app.extensions[EXTENSION_KEY].kw["bind"].dispose()


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def tampering_found(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = unit_of_work().session.execute(
            select(AuditEvent.action, AuditEvent.outcome).where(AuditEvent.outcome == "tampered")
        )
        return [tuple(row) for row in rows]


def test_removing_the_newest_events_is_found_once_a_head_was_signed(anchored):
    app, path = anchored
    with app.app_context():
        _write_events(unit_of_work(), 6)
    first = verify(app)
    assert first.exit_code == 0 and "intact" in first.output
    heads = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(heads) == 1 and set(heads[0]) == {"v", "at", "last_id", "last_hash", "events", "kek", "mac"}
    # Without the anchor the shorter chain verifies: exactly the gap the anchor closes.
    with app.app_context():
        uow = unit_of_work()
        newest = uow.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(3)).all()
        _without_guard(uow, "DELETE FROM audit_events WHERE id >= :id", id=min(newest))
        assert audit.verify(uow).intact
    truncated = verify(app)
    assert truncated.exit_code != 0 and "newest events signed in the anchor file are gone" in truncated.output
    assert tampering_found(app) == [(AuditAction.AUDIT_TRUNCATED.value, "tampered")]


def test_a_rewritten_newest_event_is_found(anchored):
    app, path = anchored
    with app.app_context():
        _write_events(unit_of_work(), 3)
    assert verify(app).exit_code == 0
    with app.app_context():
        uow = unit_of_work()
        head = json.loads(path.read_text().splitlines()[-1])["last_id"]
        # Rewritten and re-hashed so the chain itself still holds: only the signed head knows.
        event = uow.session.get(AuditEvent, head)
        event.object_id = "something else"
        new_hash = audit.event_hash(event)
        uow.session.expunge(event)
        _without_guard(
            uow, "UPDATE audit_events SET object_id = 'something else', hash = :h WHERE id = :id", h=new_hash, id=head
        )
        assert audit.verify(uow).intact
    assert verify(app).exit_code != 0
    assert (AuditAction.AUDIT_TRUNCATED.value, "tampered") in tampering_found(app)


def test_a_forged_or_deleted_anchor_file_is_found(anchored):
    app, path = anchored
    with app.app_context():
        _write_events(unit_of_work(), 2)
    assert verify(app).exit_code == 0 and verify(app).exit_code == 0
    lines = path.read_text().splitlines()
    forged = json.loads(lines[-1]) | {"events": 1}
    path.write_text("\n".join([*lines[:-1], json.dumps(forged)]) + "\n")
    assert "anchor file fails its signature" in verify(app).output
    assert tampering_found(app) == [(AuditAction.AUDIT_ANCHOR_TAMPERED.value, "tampered")]
    path.unlink()  # the trail says signing began, so an absent file is not a first run
    assert verify(app).exit_code != 0
    assert tampering_found(app)[-1] == (AuditAction.AUDIT_ANCHOR_TAMPERED.value, "tampered")


def test_an_edited_event_found_by_the_cli_is_audited(anchored):
    app, _path = anchored
    with app.app_context():
        uow = unit_of_work()
        _write_events(uow, 3)
        target = uow.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).first()
        _without_guard(uow, "UPDATE audit_events SET outcome = 'failure' WHERE id = :id", id=target)
    assert verify(app).exit_code != 0
    with app.app_context():
        found = (
            unit_of_work()
            .session.execute(select(AuditEvent.action, AuditEvent.object_id).where(AuditEvent.outcome == "tampered"))
            .all()
        )
    assert [tuple(row) for row in found] == [(AuditAction.AUDIT_CHAIN_BROKEN.value, str(target))]


def test_the_worker_signs_a_head_every_hour_and_finds_truncation_between(anchored):
    app, path = anchored
    with app.app_context():
        _write_events(unit_of_work(), 4)
        run_jobs_once()
        run_jobs_once()  # within the hour: no second head
        assert len(path.read_text().splitlines()) == 1
        uow = unit_of_work()
        assert not anchor.due(uow, path) and anchor.due(uow, path, utcnow() + timedelta(hours=1))
        newest = uow.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
        _without_guard(uow, "DELETE FROM audit_events WHERE id = :id", id=newest)
    # An hour later the worker checks the head before signing a new one.
    head = json.loads(path.read_text().splitlines()[-1])
    head_at = (utcnow() - timedelta(hours=2)).isoformat()
    with app.app_context():
        _kek, key = unit_of_work().keyring.audit_anchor_key(head["kek"])
    fields = {k: v for k, v in head.items() if k != "mac"} | {"at": head_at}
    path.write_text(json.dumps(fields | {"mac": anchor._mac(key, fields)}) + "\n")
    with app.app_context():
        run_jobs_once()
    assert tampering_found(app) == [(AuditAction.AUDIT_TRUNCATED.value, "tampered")]
    assert len(path.read_text().splitlines()) == 2  # and it signs the trail as it is now
