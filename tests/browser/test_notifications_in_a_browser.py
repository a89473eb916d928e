"""Getting back in and choosing how to be told, in Chromium: the forgotten-password pages, the
new-password page a link opens, the notification choices, and the admin's unsent messages,
each checked by axe at both widths."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from portal.domain.enums import Role
from portal.runtime import unit_of_work
from portal.services import recovery
from tests.browser.journeys import sign_in, sign_in_participant
from tests.browser.support import PHONE, Portal
from tests.factories import actor_of, exchange_case
from tests.helpers import fresh_code, make_account

NEW_PASSWORD = "lanterns along the harbour wall"


def test_getting_back_in_with_a_new_password_on_a_phone(portal: Portal):
    world = exchange_case(portal.app)
    person = world["harmed"]
    phone = portal.person(viewport=PHONE)
    phone.goto(f"{portal.url}/sign-in")
    phone.get_by_role("link", name="Forgotten your password?").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Forgotten your password?")
    portal.check(phone, "Forgotten password", "21-forgotten-password-375px")
    phone.get_by_label("Email address").fill("not an email")
    phone.get_by_role("button", name="Send me a link").click()
    expect(phone.get_by_label("Email address")).to_have_value("not an email")  # kept, with a message
    portal.check(phone, "Forgotten password with a mistake")
    phone.get_by_label("Email address").fill(person.account.email)
    phone.get_by_role("button", name="Send me a link").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Check your email")
    portal.check(phone, "Reset link sent")

    with portal.app.app_context():  # the emailed link, as the facilitator's would be
        token = recovery.link_for_participant(
            unit_of_work(), actor_of(world.facilitator), world.case_id, person.participant_id
        )
    phone.goto(f"{portal.url}/reset-password/{token}")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    portal.check(phone, "Choose a new password")
    phone.get_by_label("Choose a password").fill(NEW_PASSWORD)
    phone.get_by_label("Type the same password again").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Save my new password").click()
    phone.wait_for_url(re.compile(r"/sign-in$"))
    expect(phone.locator(".notices")).to_contain_text("Your new password is set")
    sign_in_participant(portal, phone, person.account.email, NEW_PASSWORD)

    phone.goto(f"{portal.url}/account/")
    phone.get_by_role("link", name="Change how you are told").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("How you are told")
    portal.check(phone, "Notification choices", "22-notification-choices-375px")
    phone.get_by_label("Send notifications to this address instead (optional)").fill("only.me@private.test")
    phone.get_by_role("button", name="Save my choices").click()
    expect(phone.locator(".field__error")).to_contain_text("password")  # a new address needs it
    portal.check(phone, "Notification choices, the password missing")
    phone.get_by_label("Your password (needed only to change where we send them)").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Save my choices").click()
    expect(phone.locator(".notices")).to_contain_text("Your choices are saved.")
    portal.assert_clean()


def test_the_admin_page_of_unsent_messages(portal: Portal):
    admin = make_account(portal.app, Role.ADMIN)
    page = portal.person()
    sign_in(portal, page, admin.email, admin.password)
    page.get_by_label("6-digit code from your authenticator app").fill(fresh_code(portal.app, admin))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Notifications not sent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications not sent")
    portal.check(page, "Notifications not sent")
    page.get_by_role("link", name="Staff accounts").click()
    page.get_by_role("link", name="Invite a member of staff").click()
    portal.check(page, "Invite staff, with how the link reaches them")
    portal.assert_clean()
