"""The facilitators' daily digest: one neutral email a day, from 07:00 UK time, only when
something in their cases is waiting for them, and never for those who turned it off."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from portal.domain.agreement import AgreementAction
from portal.domain.enums import ActionKind, ItemKind, Side, Stage
from portal.domain.notifications import NotificationKind
from portal.runtime import unit_of_work
from portal.services import accounts, agreements, digests, letters
from portal.storage import models
from tests.factories import actor_of, exchange_case

MORNING = datetime(2027, 1, 12, 9, 30, tzinfo=UTC)  # 09:30 in London in winter


def digests_queued(app, world) -> int:
    with app.app_context():
        return len(
            unit_of_work()
            .session.scalars(
                select(models.OutboxMessage.id).where(
                    models.OutboxMessage.user_id == world.facilitator.id,
                    models.OutboxMessage.kind == NotificationKind.DIGEST.value,
                )
            )
            .all()
        )


def queue(app, now) -> int:
    with app.app_context():
        return digests.queue_due(unit_of_work(), now)


def letter_waiting_for_review(app, world) -> None:
    with app.app_context():
        uow = unit_of_work()
        harmed = actor_of(world["harmed"].account)
        item_id = letters.start(uow, harmed, world.case_id, ItemKind.LETTER, None)
        letters.send(uow, harmed, world.case_id, item_id, ["Something to review."])


def test_nothing_waiting_means_no_digest(app):
    world = exchange_case(app)
    assert queue(app, MORNING) == 0
    assert digests_queued(app, world) == 0


def test_an_item_to_review_gives_one_digest_a_day_and_not_in_the_night(app):
    world = exchange_case(app)
    letter_waiting_for_review(app, world)
    assert queue(app, MORNING.replace(hour=6, minute=59)) == 0  # before 07:00 UK
    assert queue(app, MORNING) == 1
    assert queue(app, MORNING + timedelta(hours=3)) == 0  # once a day
    assert digests_queued(app, world) == 1
    with app.app_context(), unit_of_work() as uow:  # the first was sent
        uow.session.get(
            models.OutboxMessage, uow.session.scalars(select(models.OutboxMessage.id)).one()
        ).status = "sent"
    assert queue(app, MORNING + timedelta(days=1)) == 1  # the next morning, still waiting
    assert digests_queued(app, world) == 2


def test_a_facilitator_who_turned_the_digest_off_gets_none(app):
    world = exchange_case(app)
    letter_waiting_for_review(app, world)
    with app.app_context():
        uow = unit_of_work()
        user = uow.session.get(models.User, world.facilitator.id)
        accounts.set_notification_choices(uow, user, accounts.NotificationChoices(True, False, None))
    assert queue(app, MORNING) == 0


def test_an_agreement_follow_up_that_is_due_counts(app):
    world = exchange_case(app, stage=Stage.AGREEMENT)
    with app.app_context():
        agreements.draft(
            unit_of_work(),
            actor_of(world.facilitator),
            world.case_id,
            [AgreementAction(ActionKind.APOLOGY, Side.RESPONSIBLE, date(2027, 1, 5))],
            date(2027, 2, 1),
        )
    assert queue(app, datetime(2027, 1, 4, 9, 30, tzinfo=UTC)) == 0  # not due yet
    assert queue(app, MORNING) == 1


def test_what_arrives_later_in_the_day_is_in_that_day_s_digest(app):
    world = exchange_case(app)
    assert queue(app, MORNING) == 0  # nothing yet at half past nine
    letter_waiting_for_review(app, world)
    assert queue(app, MORNING + timedelta(hours=3)) == 1  # at half past twelve


def test_in_summer_seven_o_clock_is_british_summer_time(app):
    world = exchange_case(app)
    letter_waiting_for_review(app, world)
    assert queue(app, datetime(2027, 7, 12, 5, 30, tzinfo=UTC)) == 0  # 06:30 in London
    assert queue(app, datetime(2027, 7, 12, 6, 30, tzinfo=UTC)) == 1  # 07:30 in London
