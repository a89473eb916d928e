"""Notifications through a real SMTP server: each exists exactly when its event committed, goes
to the right people once, waits while the mail server is down, and fails where staff see it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal.cli.worker import run_jobs_once
from portal.domain.enums import ItemKind, ItemState, ReviewDecision, Role, Side
from portal.domain.notifications import MAX_ATTEMPTS, NotificationKind, Status
from portal.runtime import unit_of_work
from portal.services import accounts, casework, letters, outbox, reviewing
from portal.storage import models
from portal.storage.types import utcnow
from tests.factories import actor_of, add_person, approved_letter, exchange_case
from tests.helpers import PASSWORD, Browser, make_account, sign_in
from tests.mail import body


def worker_pass(app) -> tuple[int, int]:
    with app.app_context():
        return run_jobs_once()


def release(app, world, item_id, at=None) -> None:
    with app.app_context():
        uow = unit_of_work()
        facilitator = actor_of(world.facilitator)
        seen = letters.read(uow, facilitator, world.case_id, item_id).version
        reviewing.release(uow, facilitator, world.case_id, item_id, at, seen=seen)


def outbox_rows(app) -> list[models.OutboxMessage]:
    with app.app_context():
        rows = list(
            unit_of_work().session.scalars(select(models.OutboxMessage).order_by(models.OutboxMessage.created_at))
        )
        unit_of_work().session.expunge_all()
        return rows


def test_a_released_letter_sends_one_neutral_message_to_its_reader_and_nobody_else(mail_app, smtp_server):
    world = exchange_case(mail_app)
    release(mail_app, world, approved_letter(mail_app, world))
    assert worker_pass(mail_app) == (0, 1)
    (message,) = smtp_server.messages()
    assert message["To"] == world["responsible"].account.email
    assert message["Subject"] == "You have a new message"
    assert message["From"] == "Messages <no-reply@service.example>"
    assert "https://portal.example.org/sign-in" in body(message)
    assert worker_pass(mail_app) == (0, 0)  # sent once
    assert len(smtp_server.messages()) == 1
    (row,) = outbox_rows(mail_app)
    assert row.status == Status.SENT and row.address_sealed is None and row.token_sealed is None


def test_three_letters_before_the_worker_runs_send_one_message(mail_app, smtp_server):
    world = exchange_case(mail_app)
    for text in ("One.", "Two.", "Three."):
        release(mail_app, world, approved_letter(mail_app, world, text))
    worker_pass(mail_app)
    assert len(smtp_server.to(world["responsible"].account.email)) == 1


def test_a_reader_who_turned_notifications_off_gets_nothing(mail_app, smtp_server):
    world = exchange_case(mail_app)
    with mail_app.app_context():
        uow = unit_of_work()
        user = uow.session.get(models.User, world["responsible"].account.id)
        accounts.set_notification_choices(uow, user, accounts.NotificationChoices(False, True, None))
    release(mail_app, world, approved_letter(mail_app, world))
    worker_pass(mail_app)
    assert smtp_server.messages() == []
    assert outbox_rows(mail_app) == []


def test_turning_notifications_off_after_the_event_still_stops_the_message(mail_app, smtp_server):
    world = exchange_case(mail_app)
    release(mail_app, world, approved_letter(mail_app, world))
    with mail_app.app_context():
        uow = unit_of_work()
        user = uow.session.get(models.User, world["responsible"].account.id)
        accounts.set_notification_choices(uow, user, accounts.NotificationChoices(False, True, None))
    worker_pass(mail_app)
    assert smtp_server.messages() == []
    assert [row.status for row in outbox_rows(mail_app)] == [Status.CANCELLED]


def test_the_message_goes_to_the_address_they_chose_for_notifications(mail_app, smtp_server):
    world = exchange_case(mail_app)
    with mail_app.app_context():
        uow = unit_of_work()
        user = uow.session.get(models.User, world["responsible"].account.id)
        accounts.set_notification_choices(
            uow, user, accounts.NotificationChoices(True, True, "only.me@private.test"), password=PASSWORD
        )
    release(mail_app, world, approved_letter(mail_app, world))
    worker_pass(mail_app)
    assert [m["To"] for m in smtp_server.messages()] == ["only.me@private.test"]


def test_someone_who_stopped_before_the_worker_ran_is_not_told_but_every_facilitator_is(mail_app, smtp_server):
    world = exchange_case(mail_app)
    second = accounts_facilitator(mail_app, world)
    release(mail_app, world, approved_letter(mail_app, world))
    reader = world["responsible"]
    with mail_app.app_context():
        casework.withdraw(unit_of_work(), actor_of(reader.account), world.case_id, reader.participant_id)
    worker_pass(mail_app)
    told = sorted(m["To"] for m in smtp_server.messages())
    assert told == sorted([world.facilitator.email, second.email])
    assert all(m["Subject"] == "You have a new message" for m in smtp_server.messages())


def accounts_facilitator(app, world):
    """A second facilitator assigned to the case."""
    second = make_account(app, Role.FACILITATOR)
    with app.app_context():
        casework.assign_facilitator(unit_of_work(), actor_of(world.facilitator), world.case_id, second.email)
    return second


def test_an_offline_reader_is_never_emailed(mail_app, smtp_server):
    world = exchange_case(mail_app, responsible_offline=True)
    release(mail_app, world, approved_letter(mail_app, world))
    worker_pass(mail_app)
    assert smtp_server.messages() == []


def test_a_returned_letter_tells_its_writer(mail_app, smtp_server):
    world = exchange_case(mail_app)
    with mail_app.app_context():
        uow = unit_of_work()
        harmed, facilitator = actor_of(world["harmed"].account), actor_of(world.facilitator)
        item_id = letters.start(uow, harmed, world.case_id, ItemKind.LETTER, None)
        letters.send(uow, harmed, world.case_id, item_id, ["Words to think about again."])
        seen = letters.read(uow, facilitator, world.case_id, item_id).version
        request = reviewing.ReviewRequest(ReviewDecision.RETURN, seen, message="Could you say more?")
        reviewing.review(uow, facilitator, world.case_id, item_id, request)
    worker_pass(mail_app)
    assert [m["To"] for m in smtp_server.messages()] == [world["harmed"].account.email]


def test_an_event_that_rolls_back_leaves_no_message(app):
    world = exchange_case(app)
    with app.app_context():
        uow = unit_of_work()
        with pytest.raises(RuntimeError), uow:
            outbox.tell(uow, world["responsible"].account.id, NotificationKind.NEW_TO_READ)
            raise RuntimeError("the use case failed after queueing")
    assert outbox_rows(app) == []


def test_with_the_mail_server_down_events_commit_and_the_message_waits_until_it_returns(mail_app, smtp_server):
    world = exchange_case(mail_app)
    smtp_server.stop()
    item_id = approved_letter(mail_app, world)
    release(mail_app, world, item_id)
    assert worker_pass(mail_app) == (0, 0)
    with mail_app.app_context():
        assert unit_of_work().session.get(models.Item, item_id).state == ItemState.RELEASED
    (row,) = outbox_rows(mail_app)
    assert (row.status, row.attempts, row.last_error) == (Status.PENDING, 1, "smtp-unreachable")
    assert row.next_attempt_at > utcnow() + timedelta(seconds=30)  # backed off
    smtp_server.start()
    assert worker_pass(mail_app) == (0, 0)  # not yet: the backoff holds
    with mail_app.app_context(), unit_of_work() as uow:
        uow.session.execute(update(models.OutboxMessage).values(next_attempt_at=utcnow()))
    assert worker_pass(mail_app) == (0, 1)
    assert [m["To"] for m in smtp_server.messages()] == [world["responsible"].account.email]


def test_after_the_last_try_a_message_fails_where_staff_see_it_and_can_be_sent_again(mail_app, smtp_server):
    world = exchange_case(mail_app)
    smtp_server.stop()
    release(mail_app, world, approved_letter(mail_app, world))
    for _ in range(MAX_ATTEMPTS):
        with mail_app.app_context(), unit_of_work() as uow:
            uow.session.execute(update(models.OutboxMessage).values(next_attempt_at=utcnow()))
        worker_pass(mail_app)
    (row,) = outbox_rows(mail_app)
    assert (row.status, row.attempts) == (Status.FAILED, MAX_ATTEMPTS)
    with mail_app.app_context():
        uow = unit_of_work()
        (failed,) = outbox.failed(uow)
        assert failed.kind is NotificationKind.NEW_TO_READ and failed.last_error == "smtp-unreachable"
        actions = uow.session.scalars(select(models.AuditEvent.action)).all()
        assert "notification.fail" in actions
        smtp_server.start()
        assert outbox.retry(uow, row.id, world.facilitator.id)
    worker_pass(mail_app)
    assert len(smtp_server.messages()) == 1


def test_a_claim_left_by_a_worker_that_died_is_taken_up_after_it_expires(mail_app, smtp_server):
    world = exchange_case(mail_app)
    release(mail_app, world, approved_letter(mail_app, world))
    with mail_app.app_context():
        assert len(outbox.claim_due(unit_of_work()).ids) == 1  # and then the worker died
    assert worker_pass(mail_app) == (0, 0)  # the claim still holds
    expire_claims(mail_app)
    assert worker_pass(mail_app) == (0, 1)


def expire_claims(app) -> None:
    with app.app_context(), unit_of_work() as uow:
        uow.session.execute(update(models.OutboxMessage).values(claim_expires_at=utcnow() - timedelta(seconds=1)))


def test_a_worker_whose_claim_lapsed_cannot_touch_the_message_another_took_up(mail_app, smtp_server):
    """A very slow mail server: worker A's claim runs out mid-send and worker B takes the
    message up. A can no longer prepare it, nor mark it sent or failed: only B decides."""
    world = exchange_case(mail_app)
    release(mail_app, world, approved_letter(mail_app, world))
    with mail_app.app_context():
        uow = unit_of_work()
        slow = outbox.claim_due(uow)
        assert outbox.prepare(uow, slow.ids[0], slow.by) is not None
    expire_claims(mail_app)
    with mail_app.app_context():
        uow = unit_of_work()
        taken = outbox.claim_due(uow)
        assert taken.ids == slow.ids
        assert outbox.prepare(uow, slow.ids[0], slow.by) is None  # A's claim is gone
        outbox.record_failure(uow, slow.ids[0], slow.by, "smtp-unreachable")  # A's late answer: ignored
        outbox.record_sent(uow, slow.ids[0], slow.by)  # and so is a late "sent"
        (row,) = outbox_rows(mail_app)
        assert (row.status, row.claimed_by, row.last_error) == (Status.SENDING, taken.by, None)
        assert outbox.prepare(uow, taken.ids[0], taken.by) is not None
        outbox.record_sent(uow, taken.ids[0], taken.by)
        outbox.record_failure(uow, slow.ids[0], slow.by, "smtp-unreachable")
    (row,) = outbox_rows(mail_app)
    assert (row.status, row.last_error) == (Status.SENT, None)
    assert worker_pass(mail_app) == (0, 0)  # nothing left to send again


def test_a_message_that_cannot_even_be_prepared_fails_in_the_end_without_stopping_the_others(mail_app, smtp_server):
    with mail_app.app_context(), unit_of_work() as uow:
        for number in range(2):
            outbox.tell_address(uow, f"p{number}@example.test", NotificationKind.INVITATION, token="t", language="en")
    with mail_app.app_context(), unit_of_work() as uow:
        broken, fine = uow.session.scalars(select(models.OutboxMessage)).all()
        broken.address_sealed = fine.address_sealed  # sealed for another row: it will not open
    for _ in range(MAX_ATTEMPTS):
        worker_pass(mail_app)
        with mail_app.app_context(), unit_of_work() as uow:
            uow.session.execute(update(models.OutboxMessage).values(next_attempt_at=utcnow()))
    assert len(smtp_server.messages()) == 1
    statuses = {row.id: (row.status, row.last_error) for row in outbox_rows(mail_app)}
    assert statuses[broken.id] == (Status.FAILED, "internal-error")


def test_a_message_whose_worker_died_on_its_last_try_is_failed_not_tried_for_ever(mail_app, smtp_server):
    world = exchange_case(mail_app)
    release(mail_app, world, approved_letter(mail_app, world))
    for _ in range(MAX_ATTEMPTS):
        with mail_app.app_context():
            assert len(outbox.claim_due(unit_of_work()).ids) == 1  # each time, the worker died
        expire_claims(mail_app)
    with mail_app.app_context():
        assert outbox.claim_due(unit_of_work()).ids == []
    (row,) = outbox_rows(mail_app)
    assert (row.status, row.last_error) == (Status.FAILED, "worker-stopped")
    assert smtp_server.messages() == []


def test_opening_pages_delivers_nothing_that_is_due(app, browser):
    world = exchange_case(app)
    item_id = approved_letter(app, world)
    release(app, world, item_id, at=utcnow() + timedelta(hours=1))
    with app.app_context(), unit_of_work() as uow:
        uow.session.execute(update(models.Item).values(release_at=utcnow() - timedelta(minutes=5)))
    sign_in(app, browser, world.facilitator)
    for path in (f"/cases/{world.case_id}", "/cases/", "/review"):
        assert browser.get(path).status_code == 200, path
    reader = Browser(app.test_client())
    sign_in(app, reader, world["responsible"].account)
    assert reader.get("/my-cases", follow_redirects=True).status_code == 200
    with app.app_context():
        assert unit_of_work().session.get(models.Item, item_id).state == ItemState.SCHEDULED
    assert worker_pass(app) == (1, 0)  # the worker does it (no mail set up: the message waits)
    with app.app_context():
        assert unit_of_work().session.get(models.Item, item_id).state == ItemState.RELEASED
    assert [row.status for row in outbox_rows(app)] == [Status.PENDING]


def test_the_writers_own_side_is_not_told_of_their_letter(mail_app, smtp_server):
    world = exchange_case(mail_app)
    add_person(mail_app, world, "mum", Side.HARMED, offline=False)
    release(mail_app, world, approved_letter(mail_app, world))
    worker_pass(mail_app)
    told = {m["To"] for m in smtp_server.messages()}
    assert world["harmed"].account.email not in told  # the writer is not told of their own letter
    assert world["mum"].account.email not in told  # the writer's own side does not read it
