"""Joining by invitation: a single-use link, stored hashed, that expires after 7 days."""

import hashlib
import re
from datetime import timedelta

from sqlalchemy import select

from portal.domain.enums import Role, Side
from portal.runtime import unit_of_work
from portal.storage.models import Invitation, Participant
from tests.factories import add_person, new_case
from tests.helpers import Account, Browser, make_account, sign_in

NEW_PASSWORD = "my own choice of passphrase"


def _invite(app, browser, name="Jo Participant", email="jo@example.test") -> str:
    """A facilitator adds a person to a case and invites them to the portal."""
    world = new_case(app)
    person = add_person(app, world, name, Side.HARMED, offline=True)
    with app.app_context(), unit_of_work() as uow:
        uow.session.get(Participant, person.participant_id).taking_part = "portal"
    sign_in(app, browser, world.facilitator)
    url = f"/cases/{world.case_id}/participants/{person.participant_id}/invite"
    page = browser.submit(url, {"email": email, "delivery": "link"})
    assert page.status_code == 200, page.get_data(as_text=True)[:300]
    _invite.participant_id = person.participant_id
    return re.search(r"<code>https?://[^/]+(/join/[^<]+)</code>", page.get_data(as_text=True)).group(1)


def test_a_participant_joins_and_signs_in(app, browser, another_browser):
    link = _invite(app, browser)
    token = link.rsplit("/", 1)[1]
    with app.app_context():
        stored = unit_of_work().session.scalars(select(Invitation)).one()
        assert stored.token_hash == hashlib.sha256(token.encode()).digest()
        assert token.encode() not in stored.token_hash
    page = another_browser.get(link).get_data(as_text=True)
    assert "Welcome, Jo Participant" in page and "jo@example.test" in page
    joined = another_browser.submit(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert joined.status_code == 302
    with app.app_context():
        participant = unit_of_work().session.get(Participant, _invite.participant_id)
        assert participant.user_id is not None  # the new account is linked to the person in the case
    fresh = Browser(app.test_client())
    sign_in(app, fresh, Account(None, "jo@example.test", NEW_PASSWORD, Role.PARTICIPANT))
    assert fresh.get("/my-cases").status_code == 302  # one case: straight to its letters


def test_a_used_link_cannot_be_used_again(app, browser, another_browser):
    link = _invite(app, browser)
    another_browser.submit(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    again = Browser(app.test_client()).get(link)
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)


def test_an_expired_link_is_refused(app, browser, another_browser):
    link = _invite(app, browser)
    with app.app_context(), unit_of_work() as uow:
        invitation = uow.session.scalars(select(Invitation)).one()
        invitation.expires_at -= timedelta(days=7, seconds=1)
    response = another_browser.get(link)
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)


def test_a_wrong_token_is_refused(app, browser):
    response = browser.get("/join/not-a-real-token")
    assert response.status_code == 410 and "does not work" in response.get_data(as_text=True)


def test_a_weak_or_mismatched_password_keeps_the_invitation_open(app, browser, another_browser):
    link = _invite(app, browser)
    weak = another_browser.submit(link, {"password": "password1234", "confirm": "password1234"})
    assert weak.status_code == 400 and "too easy to guess" in weak.get_data(as_text=True)
    mismatch = another_browser.submit(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 400 and "not the same" in mismatch.get_data(as_text=True)
    assert another_browser.submit(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302


def test_only_admins_invite_staff(app, browser):
    sign_in(app, browser, make_account(app, Role.FACILITATOR))
    assert browser.get("/admin/staff/invite").status_code == 403


def test_an_admin_invites_staff_who_then_enrol_an_authenticator(app, browser, another_browser):
    sign_in(app, browser, make_account(app, Role.ADMIN))
    page = browser.submit(
        "/admin/staff/invite",
        {"name": "New Facilitator", "email": "newf@example.test", "role": "facilitator", "delivery": "link"},
    )
    link = re.search(r"<code>https?://[^/]+(/join/[^<]+)</code>", page.get_data(as_text=True)).group(1)
    another_browser.submit(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    response = another_browser.submit("/sign-in", {"email": "newf@example.test", "password": NEW_PASSWORD})
    assert response.location.endswith("/sign-in/set-up-authenticator")


def test_an_email_that_already_has_an_account_cannot_be_invited(app, browser):
    existing = make_account(app, Role.PARTICIPANT)
    sign_in(app, browser, make_account(app, Role.ADMIN))
    page = browser.submit(
        "/admin/staff/invite", {"name": "Someone", "email": existing.email.upper(), "role": "facilitator"}
    )
    assert page.status_code == 400 and "already exists" in page.get_data(as_text=True)


def test_an_older_link_for_the_same_person_stops_working_once_one_is_used(app, browser, another_browser):
    world = new_case(app)
    person = add_person(app, world, "Sam Person", Side.HARMED, offline=True)
    with app.app_context(), unit_of_work() as uow:
        uow.session.get(Participant, person.participant_id).taking_part = "portal"
    sign_in(app, browser, world.facilitator)
    url = f"/cases/{world.case_id}/participants/{person.participant_id}/invite"
    pattern = r"<code>https?://[^/]+(/join/[^<]+)</code>"
    mistyped = re.search(
        pattern, browser.submit(url, {"email": "sam@exampel.test", "delivery": "link"}).get_data(as_text=True)
    ).group(1)
    right = re.search(
        pattern, browser.submit(url, {"email": "sam@example.test", "delivery": "link"}).get_data(as_text=True)
    ).group(1)
    another_browser.submit(right, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    with app.app_context():
        owner = unit_of_work().session.get(Participant, person.participant_id).user_id
    stranger = Browser(app.test_client())
    response = stranger.get(mistyped)
    assert response.status_code == 410
    with app.app_context():
        assert unit_of_work().session.get(Participant, person.participant_id).user_id == owner


def test_an_admin_cannot_make_a_manager_who_would_read_every_case(app, browser):
    sign_in(app, browser, make_account(app, Role.ADMIN))
    page = browser.submit("/admin/staff/invite", {"name": "Second Me", "email": "me2@example.test", "role": "manager"})
    assert page.status_code == 400
    with app.app_context():
        assert unit_of_work().session.scalars(select(Invitation)).all() == []
