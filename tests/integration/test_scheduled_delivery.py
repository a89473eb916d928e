"""Scheduled releases are checked again, in full, when their time comes."""

from datetime import timedelta

from portal.domain.enums import ItemKind, ItemState, ReviewDecision, Side
from portal.runtime import unit_of_work
from portal.services import casework, letters
from portal.storage import models
from portal.storage.types import utcnow
from tests.factories import add_person, exchange_case


def _as(account, case_id):
    uow = unit_of_work()
    return uow, casework.load(uow, casework.actor_for(uow.session.get(models.User, account.id)), case_id)


def _scheduled_letter(app, world, text):
    with app.app_context():
        uow, context = _as(world["harmed"].account, world.case_id)
        item_id = letters.start(uow, context, ItemKind.LETTER, context.me.id)
        letters.save_draft(uow, context, item_id, [text])
        letters.submit(uow, context, item_id)
        uow, context = _as(world.facilitator, world.case_id)
        letters.review(uow, context, item_id, letters.ReviewRequest(ReviewDecision.APPROVE))
        letters.release(uow, context, item_id, utcnow() + timedelta(hours=1))
        return item_id


def _state(app, item_id):
    with app.app_context():
        return unit_of_work().session.get(models.Item, item_id).state


def test_a_scheduled_letter_is_delivered_when_due_and_not_before(app):
    world = exchange_case(app)
    item_id = _scheduled_letter(app, world, "I will be ready to hear from you.")
    with app.app_context():
        assert letters.deliver_due(unit_of_work()) == 0
        assert letters.deliver_due(unit_of_work(), utcnow() + timedelta(hours=2)) == 1
    assert _state(app, item_id) == ItemState.RELEASED


def test_a_sensitive_term_added_after_scheduling_stops_delivery(app):
    world = exchange_case(app)
    item_id = _scheduled_letter(app, world, "I work at Greenfield Bakery now.")
    add_person(app, world, "sister", Side.HARMED, terms=("Greenfield Bakery",))
    with app.app_context():
        assert letters.deliver_due(unit_of_work(), utcnow() + timedelta(hours=2)) == 0
    assert _state(app, item_id) == ItemState.SCHEDULED


def test_one_item_that_cannot_be_opened_does_not_stop_the_others(app):
    world = exchange_case(app)
    broken = _scheduled_letter(app, world, "First letter.")
    fine = _scheduled_letter(app, world, "Second letter.")
    with app.app_context():
        session = unit_of_work().session
        session.get(models.Item, broken).parts_sealed = session.get(models.Item, fine).parts_sealed
        unit_of_work().commit()
        assert letters.deliver_due(unit_of_work(), utcnow() + timedelta(hours=2)) == 1
    assert _state(app, broken) == ItemState.SCHEDULED
    assert _state(app, fine) == ItemState.RELEASED
