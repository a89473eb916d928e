"""The exchange in Debian's Chromium against the live app: every page reached is checked by axe
(WCAG 2.x A and AA, at 1280 and 375 px wide) and watched for Content Security Policy reports."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.journeys import LETTER, REPLY, core_journey, notice, sign_in_participant
from tests.browser.support import AXE_OPTIONS, AXE_SCRIPT, Portal, is_focused, tab_to
from tests.browser.support import PHONE as PHONE_SIZE
from tests.factories import exchange_case

LEAVE_PAGE = "<!doctype html><html lang='en'><title>Weather</title><h1>Weather</h1></html>"


def _catch_leaving(page: Page, portal: Portal) -> str:
    """The network is closed: answer the "Leave this site" address with a small page of our own."""
    href = portal.app.config["LEAVE_SITE_URL"]
    page.context.route(
        re.compile("^" + re.escape(href)),
        lambda route: route.fulfill(status=200, content_type="text/html", body=LEAVE_PAGE),
    )
    return href


def test_the_exchange_from_invitation_to_reply_then_stopping_on_a_phone(portal: Portal):
    exchange = core_journey(portal, js=True)

    # The person responsible answers with a letter of their own.
    responsible = exchange.responsible
    responsible.get_by_role("link", name="Back").click()
    responsible.get_by_role("button", name="Write a letter").click()
    responsible.wait_for_url(re.compile(r"/edit$"))
    portal.check(responsible, "Write a reply")
    responsible.get_by_label("Your letter").fill(REPLY)
    responsible.get_by_role("button", name="Send to your facilitator").click()
    notice(responsible, "Your letter is with your facilitator")
    portal.check(responsible, "Inbox after replying")

    # The person harmed, on a phone, stops taking part.
    phone = portal.person(viewport=PHONE_SIZE)
    sign_in_participant(portal, phone, "harmed.person@example.test", "a garden full of quiet mornings")
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Stop taking part").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Stop taking part")
    portal.check(phone, "Stop taking part", "13-stop-taking-part-375px")
    phone.get_by_role("button", name="Yes, stop taking part").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("You have stopped taking part")
    portal.check(phone, "Stopped taking part", "14-stopped-taking-part-375px")

    # Their facilitator sees it on the case list and on the case.
    staff = exchange.staff
    staff.goto("/cases/")
    expect(staff.locator(".notice")).to_contain_text("Someone stopped taking part")
    expect(staff.get_by_role("row", name=re.compile(exchange.world.code))).to_contain_text("Withdrawn")
    portal.check(staff, "Case list after stopping", "15-facilitator-case-list-after-stop")
    staff.get_by_role("link", name=exchange.world.code, exact=True).click()
    expect(staff.locator(".summary")).to_contain_text("Withdrawn")
    expect(staff.locator(".person", has_text="Hannah Harmed")).to_contain_text("Has stopped taking part.")
    portal.check(staff, "Case page after stopping", "16-case-withdrawn")
    staff.get_by_role("link", name="Case history").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(f"History of case {exchange.world.code}")
    portal.check(staff, "Case history")

    # Leaving quickly, from the phone.
    href = _catch_leaving(phone, portal)
    phone.get_by_role("link", name="Leave this site quickly").click()
    phone.wait_for_url(href)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Weather")
    portal.assert_clean()


def test_the_core_journey_works_without_javascript(portal: Portal):
    core_journey(portal, js=False)
    assert portal.checked == 0  # axe is never run with JavaScript off: it hangs
    portal.assert_clean()


def test_signing_in_writing_and_sending_with_the_keyboard_alone(portal: Portal):
    world = exchange_case(portal.app)
    page = portal.person()
    page.goto("/sign-in")
    portal.check(page, "Sign in")

    tab_to(page, page.get_by_role("link", name="Skip to main content"))
    page.keyboard.press("Enter")  # the skip link takes focus into the main content
    tab_to(page, page.get_by_role("button", name="Sign in"))
    page.keyboard.press("Enter")  # nothing typed yet: the error summary links to each field
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    portal.check(page, "Sign in with errors")
    tab_to(page, page.get_by_role("link", name="Enter your email address."))
    page.keyboard.press("Enter")
    expect(page.get_by_label("Email address")).to_be_focused()
    page.keyboard.type(world["harmed"].account.email)
    page.keyboard.press("Tab")
    assert is_focused(page.get_by_label("Password", exact=True))
    page.keyboard.type(world["harmed"].account.password)
    page.keyboard.press("Shift+Tab")
    assert is_focused(page.get_by_label("Email address"))  # Shift+Tab goes back in order
    tab_to(page, page.get_by_role("button", name="Sign in"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/inbox$"))
    portal.check(page, "Inbox")

    tab_to(page, page.get_by_role("button", name="Write a letter"))
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"/edit$"))
    portal.check(page, "Write a letter")
    tab_to(page, page.get_by_label("Your letter"))
    page.keyboard.type(LETTER)
    tab_to(page, page.get_by_role("button", name="Save draft"))
    page.keyboard.press("Enter")
    notice(page, "Your draft is saved")
    expect(page.get_by_label("Your letter")).to_have_value(LETTER)
    tab_to(page, page.get_by_role("button", name="Send to your facilitator"))
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"/inbox$"))
    notice(page, "Your letter is with your facilitator")
    expect(page.locator("main")).to_contain_text("Waiting for your facilitator")
    portal.check(page, "Inbox after sending")
    portal.assert_clean()


def _signed_in_cookies(page: Page, portal: Portal) -> list[dict]:
    """Session cookies the browser still holds that name a signed-in person."""
    serializer = portal.app.session_interface.get_signing_serializer(portal.app)
    name = portal.app.config["SESSION_COOKIE_NAME"]
    return [c for c in page.context.cookies() if c["name"] == name and "_user_id" in serializer.loads(c["value"])]


def _session_ended(page: Page, portal: Portal, inbox: str) -> None:
    """Nothing of the session is left: the browser holds no signed-in cookie, and the server
    answers the inbox address with the sign-in page."""
    assert _signed_in_cookies(page, portal) == []
    page.goto(inbox)
    page.wait_for_url(re.compile(r"/sign-in$"))


def test_leaving_with_javascript_ends_the_session_and_leaves_nothing_behind(portal: Portal):
    world = exchange_case(portal.app)
    page = portal.person()
    href = _catch_leaving(page, portal)
    sign_in_participant(portal, page, world["harmed"].account.email)
    inbox = page.url
    page.get_by_role("link", name="How you take part (your consent)").click()
    page.wait_for_url(re.compile(r"/consent$"))
    entries = page.evaluate("history.length")
    page.get_by_role("link", name="Leave this site quickly").click()
    page.wait_for_url(href)
    expect(page.get_by_role("heading", level=1)).to_have_text("Weather")
    # location.replace(): the page left is not in the back button's history...
    assert page.evaluate("history.length") == entries
    # ...and Back shows no portal page from memory: the one before it asks to sign in again.
    page.go_back()
    page.wait_for_url(re.compile(r"/sign-in$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    _session_ended(page, portal, inbox)
    portal.assert_clean()


def test_escape_while_writing_leaves_at_once_and_keeps_the_draft(portal: Portal):
    world = exchange_case(portal.app)
    page = portal.person()
    href = _catch_leaving(page, portal)
    sign_in_participant(portal, page, world["harmed"].account.email)
    inbox = page.url
    page.get_by_role("button", name="Write a letter").click()
    page.wait_for_url(re.compile(r"/edit$"))
    box = page.get_by_label("Your letter")
    box.fill("I was halfway through saying how it felt")
    box.press("Escape")  # typing, not saved: the exit is instant and the words are kept
    page.wait_for_url(href)
    _session_ended(page, portal, inbox)
    sign_in_participant(portal, page, world["harmed"].account.email)
    page.get_by_role("link", name="My letter", exact=True).click()
    expect(page.locator("article.letter")).to_contain_text("I was halfway through saying how it felt")
    portal.assert_clean()


def test_axe_finds_a_violation_when_there_is_one(chromium):
    """A guard for the guard: zero violations above means axe ran and found nothing."""
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.set_content("<html lang='en'><title>Broken</title><main><h1>Broken</h1><input id='x'></main></html>")
        page.evaluate(AXE_SCRIPT)
        results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        assert "label" in {violation["id"] for violation in results["violations"]}
    finally:
        context.close()


def test_leave_this_site_without_javascript(portal: Portal):
    world = exchange_case(portal.app)
    page = portal.person(js=False)
    href = _catch_leaving(page, portal)
    sign_in_participant(portal, page, world["harmed"].account.email)
    inbox = page.url
    page.get_by_role("link", name="Leave this site quickly").click()
    page.wait_for_url(href)
    expect(page.get_by_role("heading", level=1)).to_have_text("Weather")
    _session_ended(page, portal, inbox)
    portal.assert_clean()
