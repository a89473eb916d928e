"""Self-referral through the Flask test client: the public "ask for contact" form without an
account, and the facilitators' triage of what arrives, to a case or closed with a reason."""

from __future__ import annotations

import re
import uuid
from html import unescape

from flask import Flask
from sqlalchemy import func, select

from portal.crypto import ReferralVault
from portal.domain.audit import AuditAction
from portal.domain.enums import Role, SelfReferralStatus
from portal.runtime import unit_of_work
from portal.services import keys
from portal.storage import models
from tests.helpers import Browser, counting, make_account, sign_in

ASK = "/ask-for-contact"
ANSWERS = {
    "side": "harmed",
    "asking_for": "myself",
    "name": "Robin Quill",
    "contact_way": "phone",
    "phone": "07911 123456",
    "safe_times": "Weekdays after 3pm",
    "may_leave_message": "no",
    "unsafe": "My ex-partner sometimes reads my texts",
    "what_happened": "Someone broke into my car & took my bag <again>",
    "reference": "CR/4411/26",
    "language": "en",
}


OPENING = {
    "reference": "R1",
    "offence_type": "Burglary",
    "name": "Robin Quill",
    "side": "harmed",
    "role": "principal",
    "relationship": "",
    "taking_part": "offline",
    "risk_level": "low",
}


def _public(app: Flask, address: str = "203.0.113.10") -> Browser:
    browser = Browser(app.test_client())
    browser.client.environ_base["REMOTE_ADDR"] = address
    return browser


def _ask(browser: Browser, **changes: str):
    return browser.submit(ASK, {**ANSWERS, **changes})


def _rows(app: Flask) -> list[models.SelfReferral]:
    with app.app_context():
        return list(
            unit_of_work().session.scalars(select(models.SelfReferral).order_by(models.SelfReferral.received_at))
        )


def _details(app: Flask, referral_id: uuid.UUID) -> dict:
    with app.app_context():
        uow = unit_of_work()
        row = uow.session.get(models.SelfReferral, referral_id)
        return ReferralVault(row.id, keys.unwrap(uow, row.data_key)).open_self_referral(row.details_sealed)


def _events(app: Flask, action: AuditAction) -> list[models.AuditEvent]:
    with app.app_context():
        where = models.AuditEvent.action == action.value
        return list(unit_of_work().session.scalars(select(models.AuditEvent).where(where)))


def _cases(app: Flask) -> int:
    with app.app_context():
        return unit_of_work().session.scalar(select(func.count(models.Case.id))) or 0


def _facilitator(app: Flask) -> tuple[Browser, object]:
    account = make_account(app, Role.FACILITATOR)
    browser = Browser(app.test_client())
    sign_in(app, browser, account)
    return browser, account


# --- The public form --------------------------------------------------------------------------------


def test_the_form_is_linked_from_the_home_page_and_needs_no_account(app, browser):
    home = browser.get("/")
    assert home.status_code == 302
    assert f'href="{ASK}"' in browser.get(home.location).get_data(as_text=True)
    page = browser.get(ASK)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "style=" not in html and "<style" not in html and "<script>" not in html
    assert 'id="leave-site"' in html  # the site's own "Leave this site" control
    # Every group of choices is a fieldset with a legend; every box has its label.
    assert html.count("<legend") == 5
    for name in ("name", "phone", "email", "address", "unsafe", "what_happened", "reference"):
        assert f'<label class="field__label" for="{name}">' in html, name
    # The box for programs is hidden by a class, out of the tab order, and tells screen readers to leave it.
    assert '<div class="visually-hidden">' in html and 'tabindex="-1"' in html and "Leave this box empty" in html


def test_a_request_arrives_sealed_with_only_its_status_language_and_time_plain(app):
    browser = _public(app)
    sent = _ask(browser, language="cy")
    assert sent.status_code == 302 and sent.location.endswith(f"{ASK}/sent")
    thanks = unescape(browser.get(sent.location).get_data(as_text=True))
    assert "What happens next" in thanks and "Leaving this site quickly" in thanks
    assert 'href="/leave"' in thanks
    [row] = _rows(app)
    assert (row.status, row.language, row.case_id) == ("new", "cy", None)
    details = _details(app, row.id)
    assert details["name"] == "Robin Quill" and details["phone"] == "+447911123456"  # E.164
    assert details["unsafe"] == ANSWERS["unsafe"] and details["what_happened"] == ANSWERS["what_happened"]
    assert details["may_leave_message"] is False and details["contact_way"] == "phone"
    [event] = _events(app, AuditAction.SELF_REFERRAL_RECEIVE)
    assert event.actor_id is None and event.object_id == str(row.id)
    with app.app_context():  # nobody is emailed or texted anything
        assert unit_of_work().session.scalar(select(func.count(models.OutboxMessage.id))) == 0


def test_mistakes_are_shown_at_their_fields_and_nothing_typed_is_lost(app):
    browser = _public(app)
    page = _ask(browser, asking_for="someone_else", contact_way="email", phone="12345", name="")
    html = unescape(page.get_data(as_text=True))
    assert page.status_code == 400
    assert "There is a problem" in html
    assert "Please tell us your name, or the name you would like us to use." in html
    assert "Please tell us who you are to the person you are asking for" in html
    assert "Please give the email address we should use." in html
    assert "Please check the phone number." in html
    # Every word they typed is still there, escaped, and the choices they made are still chosen.
    for typed in ("12345", ANSWERS["unsafe"], ANSWERS["what_happened"], ANSWERS["safe_times"], "CR/4411/26"):
        assert typed in html, typed
    assert "&lt;again&gt;" in page.get_data(as_text=True)
    assert re.search(r'<input checked[^>]* value="someone_else"', html)
    assert re.search(r'<input checked[^>]* value="email"', html)
    assert _rows(app) == []


def test_every_choice_must_be_made(app):
    browser = _public(app)
    page = browser.submit(ASK, {"name": "Robin"})
    html = unescape(page.get_data(as_text=True))
    assert page.status_code == 400
    for message in (
        "Please choose the one that is closest to you.",
        "Please tell us who you are asking for.",
        "Please choose how we should contact you.",
        "Please tell us if we can leave a message.",
    ):
        assert message in html
    assert "Please give the phone number we should use." not in html  # no way chosen: no detail asked for
    assert _rows(app) == []


def test_a_text_message_needs_a_mobile_number(app):
    browser = _public(app)
    page = _ask(browser, contact_way="text", phone="020 7123 4567")
    assert page.status_code == 400
    assert "For a text message, please give a mobile number" in unescape(page.get_data(as_text=True))
    assert _ask(browser, contact_way="text", phone="07911 123456").status_code == 302


def test_each_way_of_contact_can_be_used(app):
    browser = _public(app)
    assert _ask(browser, contact_way="letter", phone="", address="1 High Street\nTown").status_code == 302
    assert _ask(browser, contact_way="trusted_person", phone="", trusted_person="My sister").status_code == 302
    assert _ask(browser, contact_way="email", phone="", email="robin@example.test").status_code == 302
    assert [_details(app, row.id)["contact_way"] for row in _rows(app)] == ["letter", "trusted_person", "email"]


def test_a_program_filling_the_hidden_box_is_thanked_and_nothing_is_kept(app):
    browser = _public(app)
    sent = _ask(browser, extra_box="http://spam.example")
    assert sent.status_code == 302 and sent.location.endswith(f"{ASK}/sent")
    assert _rows(app) == []
    assert _events(app, AuditAction.SELF_REFERRAL_RECEIVE) == []


def test_sending_the_same_form_twice_sends_one_request(app):
    browser = _public(app)
    assert _ask(browser).status_code == 302
    assert browser.repeat().status_code == 302  # a double tap, or a retry on a slow phone
    assert len(_rows(app)) == 1


def test_requests_are_limited_per_address_kindly_and_the_words_are_kept(app):
    browser = _public(app, "198.51.100.20")
    for _ in range(3):  # mistakes put right do not use up a person's requests
        assert _ask(browser, name="").status_code == 400
    for number in range(5):
        assert _ask(browser, name=f"Person {number}").status_code == 302
    refused = _ask(browser, name="Person 6", unsafe="Words I do not want to type again")
    html = unescape(refused.get_data(as_text=True))
    assert refused.status_code == 429
    assert "We could not send this just now" in html and "Your words are still below" in html
    assert "Words I do not want to type again" in html and "Person 6" in html
    assert len(_rows(app)) == 5
    assert _ask(_public(app, "198.51.100.21")).status_code == 302  # another place is not held up


# --- Triage ----------------------------------------------------------------------------------------


def test_the_triage_list_shows_new_requests_first_and_never_their_words(app):
    _ask(_public(app, "203.0.113.1"), name="First Asker")
    _ask(_public(app, "203.0.113.2"), name="Second Asker", language="cy")
    facilitator, _account = _facilitator(app)
    nav = facilitator.get("/cases/").get_data(as_text=True)
    assert "Requests for contact (2 new)" in nav
    with counting(app) as statements:
        page = facilitator.get("/requests/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count("Read the request received") == 2 and '<span lang="cy">Cymraeg</span>' in html
    for secret in ("Asker", "07700", "+44", "broke into", "CR/4411", "ex-partner"):
        assert secret not in html, secret
    reads = [s for s in statements if "self_referrals" in s]
    assert reads and not any("details_sealed" in s for s in reads)
    assert _events(app, AuditAction.SELF_REFERRAL_VIEW) == []  # listing is not reading


def test_the_list_is_paged_and_new_ones_wait_longest_first(app):
    browser = _public(app)
    for number in range(3):
        _ask(browser, name=f"Asker {number}")
    first, second, third = _rows(app)
    facilitator, _account = _facilitator(app)
    facilitator.get(f"/requests/{second.id}/close")
    facilitator.post(f"/requests/{second.id}/close", {"reason": "duplicate"})
    html = facilitator.get("/requests/").get_data(as_text=True)
    order = [html.index(f"/requests/{row.id}") for row in (first, third, second)]
    assert order == sorted(order)  # new (oldest first), then decided
    assert "Requests for contact (2 new)" in html
    assert facilitator.get("/requests/?page=99").status_code == 200


def test_only_facilitators_triage(app):
    _ask(_public(app))
    [row] = _rows(app)
    for role in (Role.MANAGER, Role.ADMIN, Role.PARTICIPANT):
        browser = Browser(app.test_client())
        sign_in(app, browser, make_account(app, role))
        assert browser.get("/requests/").status_code == 403
        assert browser.get(f"/requests/{row.id}").status_code == 404
        assert "Requests for contact" not in browser.get("/account/").get_data(as_text=True)
    assert Browser(app.test_client()).get(f"/requests/{row.id}").status_code == 302  # to sign in
    facilitator, _account = _facilitator(app)
    assert facilitator.get(f"/requests/{uuid.uuid4()}").status_code == 404
    assert facilitator.get(f"/requests/{uuid.uuid4()}/open-case").status_code == 404


def test_a_self_referral_becomes_a_case_with_the_person_in_it(app):
    _ask(_public(app), asking_for="someone_else", relationship="her mother", their_name="Jo")
    [row] = _rows(app)
    facilitator, account = _facilitator(app)
    request_page = unescape(facilitator.get(f"/requests/{row.id}").get_data(as_text=True))
    for shown in ("Robin Quill", "+447911123456", "her mother", "Jo", ANSWERS["unsafe"], ANSWERS["what_happened"]):
        assert shown in request_page, shown
    assert len(_events(app, AuditAction.SELF_REFERRAL_VIEW)) == 1  # each reading is recorded

    form = unescape(facilitator.get(f"/requests/{row.id}/open-case").get_data(as_text=True))
    assert 'value="CR/4411/26"' in form and 'value="Robin Quill"' in form and 'value="her mother"' in form
    assert '<option selected value="proxy">' in form
    # What the browser sends: the prefilled boxes and choices, and what the facilitator typed.
    prefilled = {
        "reference": "CR/4411/26",
        "name": "Robin Quill",
        "side": "harmed",
        "role": "proxy",
        "relationship": "her mother",
        "taking_part": "portal",
        "risk_level": "low",
    }
    opened = facilitator.post(f"/requests/{row.id}/open-case", {**prefilled, "offence_type": "Theft from a vehicle"})
    assert opened.status_code == 302, facilitator.text()[:2000]
    case_id = uuid.UUID(opened.location.rsplit("/", 1)[1])
    assert facilitator.repeat().location == opened.location  # a double click opens one case
    assert _cases(app) == 1

    case_page = unescape(facilitator.get(opened.location).get_data(as_text=True))
    assert "Robin Quill" in case_page and "Self-referral" in case_page
    assert f'href="/requests/{row.id}"' in case_page  # back to how they asked to be contacted
    with app.app_context():
        uow = unit_of_work()
        stored = uow.session.get(models.SelfReferral, row.id)
        assert (stored.status, stored.case_id, stored.decided_by_id) == ("opened", case_id, account.id)
        case = uow.session.get(models.Case, case_id)
        assert case.referral_source == "self_referral"
        assert case.referred_on == stored.received_at.date()
        [person] = case.participants
        assert (person.side, person.role, person.taking_part) == ("harmed", "proxy", "portal")
    [event] = _events(app, AuditAction.SELF_REFERRAL_OPEN_CASE)
    assert (event.case_id, event.object_id, event.actor_id) == (case_id, str(row.id), account.id)
    assert "Requests for contact (" not in facilitator.get("/requests/").get_data(as_text=True)

    # Once a case has it, only that case's facilitators read it.
    other, _other_account = _facilitator(app)
    assert other.get(f"/requests/{row.id}").status_code == 404
    assert "For the case’s facilitators" in other.get("/requests/").get_data(as_text=True)
    assert facilitator.get(f"/requests/{row.id}").status_code == 200


def test_a_closed_request_cannot_then_be_opened(app):
    _ask(_public(app))
    [row] = _rows(app)
    facilitator, _account = _facilitator(app)
    facilitator.get(f"/requests/{row.id}/open-case")  # drawn before someone closes it
    stale_form = facilitator.hidden_fields(f"/requests/{row.id}/open-case")

    closer, closer_account = _facilitator(app)
    closer.get(f"/requests/{row.id}/close")
    said = closer.post(f"/requests/{row.id}/close", {"reason": "other", "words": ""})
    assert said.status_code == 400
    assert "Please say why you are closing this request." in unescape(closer.text())
    closed = closer.post(f"/requests/{row.id}/close", {"reason": "other", "words": "Moved out of the area"})
    assert closed.status_code == 302
    assert _details(app, row.id)["closing_words"] == "Moved out of the area"  # sealed with the request

    refused = facilitator.client.post(
        f"/requests/{row.id}/open-case",
        data={**stale_form, **OPENING, "csrf_token": facilitator.csrf_token()},
    )
    assert refused.status_code == 302 and refused.location.endswith("/requests/")
    listing = unescape(facilitator.get(refused.location).get_data(as_text=True))
    assert "This request has already been closed." in listing
    assert _cases(app) == 0
    again = facilitator.get(f"/requests/{row.id}/open-case")
    assert again.status_code == 302 and again.location.endswith(f"/requests/{row.id}")
    shown = unescape(facilitator.get(again.location).get_data(as_text=True))
    assert "This request has already been closed." in shown and "Moved out of the area" in shown
    assert "Open a case from this request" not in shown
    [event] = _events(app, AuditAction.SELF_REFERRAL_CLOSE)
    assert event.actor_id == closer_account.id
    with app.app_context():
        stored = unit_of_work().session.get(models.SelfReferral, row.id)
        assert (stored.status, stored.closed_reason, stored.case_id) == (SelfReferralStatus.CLOSED, "other", None)
