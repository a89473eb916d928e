"""Text messages instead of email, for those who choose them, through GOV.UK Notify (a local
stand-in here) or a folder under `make run`: the same neutral sentence and a link, nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from portal import create_app
from portal.cli.worker import run_jobs_once
from portal.domain.notifications import Channel
from portal.runtime import unit_of_work
from portal.services import accounts, letters, reviewing
from portal.storage import models
from portal.storage.db import EXTENSION_KEY
from tests.factories import actor_of, approved_letter, exchange_case
from tests.helpers import PASSWORD, Browser, sign_in
from tests.notify_stub import API_KEY, SMS_TEMPLATE_ID

MOBILE = "+447911123456"  # 07911 123456, the usual example of a UK mobile number


@pytest.fixture
def texting_app(mail_settings: dict, notify) -> Flask:
    app = create_app(
        {
            **mail_settings,
            "SMS_TRANSPORT": "notify",
            "NOTIFY_API_KEY": API_KEY,
            "NOTIFY_BASE_URL": notify.url,
            "NOTIFY_SMS_TEMPLATE_ID": SMS_TEMPLATE_ID,
        }
    )
    yield app
    app.extensions[EXTENSION_KEY].kw["bind"].dispose()


def choose_texts(app, account) -> None:
    with app.app_context():
        uow = unit_of_work()
        user = uow.session.get(models.User, account.id)
        choices = accounts.NotificationChoices(True, True, None, Channel.SMS, MOBILE)
        accounts.set_notification_choices(uow, user, choices, password=PASSWORD)


def release_a_letter(app, world) -> None:
    item_id = approved_letter(app, world, "Thank you for reading this.")
    with app.app_context():
        uow, facilitator = unit_of_work(), actor_of(world.facilitator)
        seen = letters.read(uow, facilitator, world.case_id, item_id).version
        reviewing.release(uow, facilitator, world.case_id, item_id, seen=seen)


def test_someone_who_chose_texts_gets_a_neutral_text_and_no_email(texting_app, notify, smtp_server):
    world = exchange_case(texting_app)
    choose_texts(texting_app, world["responsible"].account)
    release_a_letter(texting_app, world)
    with texting_app.app_context():
        run_jobs_once()
    (text,) = notify.received
    assert text["phone_number"] == MOBILE and text["template_id"] == SMS_TEMPLATE_ID
    assert (
        text["personalisation"]["body"]
        == "You have a new message. To read it, sign in: https://portal.example.org/sign-in"
    )
    assert smtp_server.messages() == []


def test_under_make_run_a_text_is_a_file_a_newcomer_can_read(mail_settings: dict, tmp_path: Path):
    app = create_app(
        {**mail_settings, "MAIL_TRANSPORT": "folder", "SMS_TRANSPORT": "folder", "MAIL_FOLDER": str(tmp_path)}
    )
    world = exchange_case(app)
    choose_texts(app, world["responsible"].account)
    release_a_letter(app, world)
    with app.app_context():
        run_jobs_once()
    (written,) = tmp_path.glob("*.sms.txt")
    assert written.read_text().startswith(f"To: {MOBILE}\n\nYou have a new message.")
    app.extensions[EXTENSION_KEY].kw["bind"].dispose()


def test_the_choice_is_made_on_the_account_page_with_a_mobile_number(texting_app):
    world = exchange_case(texting_app)
    browser = Browser(texting_app.test_client())
    sign_in(texting_app, browser, world["harmed"].account)
    page = browser.get("/account/notifications").get_data(as_text=True)
    assert "By text message" in page
    landline = browser.post(
        "/account/notifications", {"by_email": "y", "channel": "sms", "phone": "0113 496 0000", "current": PASSWORD}
    )
    assert landline.status_code == 400 and "Enter a mobile number" in landline.get_data(as_text=True)
    missing = browser.post("/account/notifications", {"by_email": "y", "channel": "sms", "current": PASSWORD})
    assert missing.status_code == 400 and "Enter the mobile number" in missing.get_data(as_text=True)
    no_password = browser.post("/account/notifications", {"by_email": "y", "channel": "sms", "phone": "07911 123456"})
    assert no_password.status_code == 400
    saved = browser.post(
        "/account/notifications", {"by_email": "y", "channel": "sms", "phone": "07911 123456", "current": PASSWORD}
    )
    assert saved.status_code == 302, re.findall(r"field__error[^<]*<[^<]*</span>([^<]*)", saved.get_data(as_text=True))
    with texting_app.app_context():
        user = unit_of_work().session.get(models.User, world["harmed"].account.id)
        assert user.notify_channel == "sms" and MOBILE.encode() not in user.notification_phone_sealed
        assert accounts.notification_choices(unit_of_work(), user).phone == MOBILE
    assert "07911 123456" in browser.get("/account/notifications").get_data(as_text=True)


def test_a_service_that_sends_no_texts_does_not_offer_them(app):
    world = exchange_case(app)
    browser = Browser(app.test_client())
    sign_in(app, browser, world["harmed"].account)
    assert "By text message" not in browser.get("/account/notifications").get_data(as_text=True)


def test_switching_back_to_email_sends_what_is_waiting_by_email(texting_app, notify, smtp_server):
    world = exchange_case(texting_app)
    account = world["responsible"].account
    choose_texts(texting_app, account)
    release_a_letter(texting_app, world)  # queued while texts were chosen
    with texting_app.app_context():
        uow = unit_of_work()
        user = uow.session.get(models.User, account.id)
        back = accounts.NotificationChoices(True, True, None, Channel.EMAIL, MOBILE)
        accounts.set_notification_choices(uow, user, back, password=PASSWORD)
        run_jobs_once()
    assert notify.received == []
    assert [m["To"] for m in smtp_server.messages()] == [account.email]


def test_where_the_service_stops_sending_texts_people_who_chose_them_get_email(mail_app, smtp_server):
    world = exchange_case(mail_app)  # no SMS transport
    choose_texts(mail_app, world["responsible"].account)
    release_a_letter(mail_app, world)
    with mail_app.app_context():
        run_jobs_once()
    assert [m["To"] for m in smtp_server.messages()] == [world["responsible"].account.email]


def test_switching_between_email_and_texts_needs_the_password(texting_app):
    world = exchange_case(texting_app)
    account = world["harmed"].account
    choose_texts(texting_app, account)
    with texting_app.app_context():
        uow = unit_of_work()
        user = uow.session.get(models.User, account.id)
        with pytest.raises(accounts.AccountError):
            accounts.set_notification_choices(
                uow, user, accounts.NotificationChoices(True, True, None, Channel.EMAIL, MOBILE)
            )
        assert unit_of_work().session.get(models.User, account.id).notify_channel == "sms"


@pytest.mark.parametrize("number", ["+1 202 555 0147", "+33 6 12 34 56 78", "0113 496 0000", "not a number"])
def test_only_a_uk_mobile_number_is_taken(texting_app, number):
    world = exchange_case(texting_app)
    browser = Browser(texting_app.test_client())
    sign_in(texting_app, browser, world["harmed"].account)
    browser.get("/account/notifications")
    refused = browser.post(
        "/account/notifications", {"by_email": "y", "channel": "sms", "phone": number, "current": PASSWORD}
    )
    assert refused.status_code == 400 and "Enter a mobile number" in refused.get_data(as_text=True)
