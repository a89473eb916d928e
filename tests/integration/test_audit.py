"""The audit trail: each event chained to the one before; edits and removals are named."""

from itertools import pairwise

import pytest
from sqlalchemy import select, text

from portal.domain.audit import AuditAction
from portal.services import audit
from portal.storage.models import AuditEvent


def _write_events(uow, count=4):
    with uow:
        for number in range(count):
            audit.record(uow, AuditAction.ITEM_VIEW, object_type="thing", object_id=str(number))


def _without_guard(uow, statement, **params):
    """Tamper as someone with raw database access would: first remove the append-only guard."""
    if uow.session.get_bind().dialect.name == "postgresql":
        uow.session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
    else:
        uow.session.execute(text("DROP TRIGGER audit_events_no_update"))
        uow.session.execute(text("DROP TRIGGER audit_events_no_delete"))
    uow.session.execute(text(statement), params)
    uow.session.commit()


def test_each_event_carries_the_hash_of_the_one_before(uow):
    _write_events(uow)
    events = uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert events[0].prev_hash == audit.GENESIS
    for before, after in pairwise(events):
        assert after.prev_hash == before.hash
    report = audit.verify(uow)
    assert report.intact and report.events == 4


def test_an_edited_event_is_named(uow):
    _write_events(uow)
    target = uow.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id).offset(2)).first()
    _without_guard(uow, "UPDATE audit_events SET outcome = 'failure' WHERE id = :id", id=target)
    report = audit.verify(uow)
    assert report.first_broken_id == target
    assert report.reason == audit.BREAK_CONTENT


def test_a_removed_event_breaks_the_link_of_the_next(uow):
    _write_events(uow)
    ids = uow.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()
    _without_guard(uow, "DELETE FROM audit_events WHERE id = :id", id=ids[1])
    report = audit.verify(uow)
    assert report.first_broken_id == ids[2]


def test_the_cli_reports_intact_and_broken_chains(app, uow):
    _write_events(uow)
    runner = app.test_cli_runner()
    intact = runner.invoke(args=["audit", "verify"])
    assert intact.exit_code == 0 and "intact: 4 events" in intact.output
    target = uow.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).first()
    _without_guard(uow, "UPDATE audit_events SET action = 'nothing.to.see' WHERE id = :id", id=target)
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code != 0
    assert f"broken at event {target}" in broken.output


def test_a_forked_chain_is_refused(uow):
    _write_events(uow, 1)
    first = uow.session.scalars(select(AuditEvent)).one()
    fork = AuditEvent(occurred_at=first.occurred_at, action="fork", outcome="success", prev_hash=first.prev_hash)
    fork.hash = audit.event_hash(fork)
    with pytest.raises(Exception, match=r"(?i)unique"), uow:
        uow.session.add(fork)
