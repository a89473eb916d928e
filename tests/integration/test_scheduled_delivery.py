"""Scheduled releases are checked again, in full, when their time comes."""

from datetime import timedelta

from portal.domain.enums import ItemState, Side
from portal.runtime import unit_of_work
from portal.services import letters, reviewing
from portal.storage import models
from portal.storage.types import utcnow
from tests.factories import actor_of, add_person, approved_letter, exchange_case


def _scheduled_letter(app, world, text):
    item_id = approved_letter(app, world, text)
    with app.app_context():
        uow, facilitator = unit_of_work(), actor_of(world.facilitator)
        seen = letters.read(uow, facilitator, world.case_id, item_id).version
        reviewing.release(uow, facilitator, world.case_id, item_id, utcnow() + timedelta(hours=1), seen=seen)
        return item_id


def _state(app, item_id):
    with app.app_context():
        return unit_of_work().session.get(models.Item, item_id).state


def test_a_scheduled_letter_is_delivered_when_due_and_not_before(app):
    world = exchange_case(app)
    item_id = _scheduled_letter(app, world, "I will be ready to hear from you.")
    with app.app_context():
        assert reviewing.deliver_due(unit_of_work()) == 0
        assert reviewing.deliver_due(unit_of_work(), utcnow() + timedelta(hours=2)) == 1
    assert _state(app, item_id) == ItemState.RELEASED


def test_a_sensitive_term_added_after_scheduling_stops_delivery(app):
    world = exchange_case(app)
    item_id = _scheduled_letter(app, world, "I work at Greenfield Bakery now.")
    add_person(app, world, "sister", Side.HARMED, terms=("Greenfield Bakery",))
    with app.app_context():
        assert reviewing.deliver_due(unit_of_work(), utcnow() + timedelta(hours=2)) == 0
    assert _state(app, item_id) == ItemState.SCHEDULED


def test_one_item_that_cannot_be_opened_does_not_stop_the_others(app):
    world = exchange_case(app)
    broken = _scheduled_letter(app, world, "First letter.")
    fine = _scheduled_letter(app, world, "Second letter.")
    with app.app_context():
        with unit_of_work() as uow:
            uow.session.get(models.Item, broken).parts_sealed = uow.session.get(models.Item, fine).parts_sealed
        assert reviewing.deliver_due(unit_of_work(), utcnow() + timedelta(hours=2)) == 1
    assert _state(app, broken) == ItemState.SCHEDULED
    assert _state(app, fine) == ItemState.RELEASED
