"""The exchange as people take it in a real browser, step by step.

Each step checks the page it lands on (axe at both widths when JavaScript is on) and, in the
desktop run with JavaScript, writes the screenshot for docs/screenshots/.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date

from playwright.sync_api import Page, expect

from portal.domain.enums import ConsentFormat, ParticipantRole, RiskLevel, Side, Stage, TakingPart
from portal.runtime import unit_of_work
from portal.services import casework, demo
from portal.services.casework import ParticipantDetails
from tests.browser.support import Portal
from tests.factories import CaseWorld, actor_of, add_person, move_to, new_case
from tests.helpers import PASSWORD, Account, fresh_code

SHOWN_MARKER = "[removed by your facilitator]"  # what the reader sees where a passage was

PHONE = "07700 900123"
LETTER = f"Since that night I can't sleep. I want you to know what it did to us.\n\nRing me on {PHONE} if you want."
REPLY = "I am sorry for what I did to you and your family. I think about it every day."
HARMED_EMAIL = "harmed.person@example.test"
HARMED_PASSWORD = "a garden full of quiet mornings"
FORMATS = (ConsentFormat.LETTERS, ConsentFormat.QUESTIONS, ConsentFormat.SHUTTLE)


@dataclass
class Exchange:
    world: CaseWorld
    harmed_id: uuid.UUID
    staff: Page | None = None
    harmed: Page | None = None
    responsible: Page | None = None
    invitation: str = ""

    @property
    def case_id(self) -> uuid.UUID:
        return self.world.case_id


def case_with_someone_to_invite(portal: Portal) -> Exchange:
    """A case in preparation: the person responsible has joined and consented, the person harmed
    is added (to take part in the portal) but not yet invited."""
    app = portal.app
    world = new_case(app, risk=RiskLevel.LOW)
    add_person(app, world, "Sam Responsible", Side.RESPONSIBLE, consents=FORMATS)
    with app.app_context():
        uow, facilitator = unit_of_work(), actor_of(world.facilitator)
        details = ParticipantDetails(
            side=Side.HARMED,
            role=ParticipantRole.PRINCIPAL,
            name="Hannah Harmed",
            taking_part=TakingPart.PORTAL,
            sensitive_terms=("Hannah", "Elm Street"),
        )
        harmed_id = casework.add_participant(uow, facilitator, world.case_id, details)
        demo.assess_ready(uow, facilitator, world.case_id, RiskLevel.LOW, date(2026, 9, 20))
    move_to(app, world, Stage.ASSESSMENT, Stage.PREPARATION)
    return Exchange(world, harmed_id)


def shot(name: str, wanted: bool) -> str | None:
    return name if wanted else None


# --- signing in -----------------------------------------------------------------------------------
def sign_in(portal: Portal, page: Page, email: str, password: str, *, shots: bool = False) -> None:
    page.goto("/sign-in")
    portal.check(page, "Sign in", shot("01-sign-in", shots))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in_staff(portal: Portal, page: Page, account: Account, *, shots: bool = False) -> None:
    sign_in(portal, page, account.email, account.password, shots=shots)
    page.wait_for_url(re.compile(r"/sign-in/code$"))
    portal.check(page, "Enter your code", shot("02-sign-in-code", shots))
    page.get_by_label("6-digit code from your authenticator app").fill(fresh_code(portal.app, account))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/cases/$"))


def sign_in_participant(portal: Portal, page: Page, email: str, password: str = PASSWORD) -> None:
    sign_in(portal, page, email, password)
    page.wait_for_url(re.compile(r"/inbox$"))  # one case: straight to its letters
    portal.check(page, "Inbox")


def notice(page: Page, text: str) -> None:
    expect(page.locator(".notices")).to_contain_text(text)


# --- the core journey -------------------------------------------------------------------------------
def facilitator_invites(portal: Portal, exchange: Exchange, *, js: bool, shots: bool) -> None:
    staff = exchange.staff = portal.person(js=js)
    sign_in_staff(portal, staff, exchange.world.facilitator, shots=shots)
    portal.check(staff, "Case list", shot("03-facilitator-case-list", shots))
    staff.get_by_role("link", name=exchange.world.code, exact=True).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(f"Case {exchange.world.code}")
    portal.check(staff, "Case page", shot("04-case-page", shots))
    staff.get_by_role("link", name="Invite to the portal").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Invite Hannah Harmed to the portal")
    portal.check(staff, "Invite to the portal")
    staff.get_by_label("Their email address").fill(HARMED_EMAIL)
    staff.get_by_label("Show me the link, to pass on myself").check()
    staff.get_by_role("button", name="Create the invitation").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Invitation link for Hannah Harmed")
    portal.check(staff, "Invitation link", shot("05-invitation-link", shots))
    exchange.invitation = staff.locator(".invitation-link code").inner_text().strip()
    assert exchange.invitation.startswith(f"{portal.url}/join/")


def harmed_joins_and_consents(portal: Portal, exchange: Exchange, *, js: bool, shots: bool) -> None:
    harmed = exchange.harmed = portal.person(js=js)
    harmed.goto(exchange.invitation)
    expect(harmed.get_by_role("heading", level=1)).to_have_text("Welcome, Hannah Harmed")
    portal.check(harmed, "Join", shot("06-join", shots))
    harmed.get_by_label("Choose a password").fill(HARMED_PASSWORD)
    harmed.get_by_label("Type the same password again").fill(HARMED_PASSWORD)
    harmed.get_by_role("button", name="Create my account").click()
    harmed.wait_for_url(re.compile(r"/sign-in$"))
    notice(harmed, "Your account is ready")
    portal.check(harmed, "Sign in after joining")
    sign_in_participant(portal, harmed, HARMED_EMAIL, HARMED_PASSWORD)
    harmed.get_by_role("link", name="How you take part (your consent)").click()
    expect(harmed.get_by_role("heading", level=1)).to_have_text("How you take part")
    portal.check(harmed, "Consent")
    harmed.get_by_role("button", name="I understand, and say yes to letters").click()
    notice(harmed, "You said yes to letters.")
    portal.check(harmed, "Consent given", shot("07-consent", shots))


def facilitator_starts_the_exchange(portal: Portal, exchange: Exchange) -> None:
    staff = exchange.staff
    staff.goto(f"/cases/{exchange.case_id}")
    staff.get_by_label("Move the case to").select_option("exchange")
    staff.get_by_role("button", name="Move the case").click()
    notice(staff, "The case is now at: Exchange.")
    portal.check(staff, "Case moved to the exchange")


def harmed_writes_and_sends(portal: Portal, exchange: Exchange, *, shots: bool) -> None:
    harmed = exchange.harmed
    harmed.get_by_role("link", name="Back to my letters").click()
    harmed.get_by_role("button", name="Write a letter").click()
    harmed.wait_for_url(re.compile(r"/edit$"))
    portal.check(harmed, "Write a letter")
    harmed.get_by_label("Your letter").fill(LETTER)
    harmed.get_by_role("button", name="Save draft").click()
    notice(harmed, "Your draft is saved")
    expect(harmed.locator(".writer-notes")).to_contain_text("This looks like a phone number")
    portal.check(harmed, "Draft with writer notes", shot("08-compose-with-writer-notes", shots))
    harmed.get_by_role("button", name="Send to your facilitator").click()
    harmed.wait_for_url(re.compile(r"/inbox$"))
    notice(harmed, "Your letter is with your facilitator")
    portal.check(harmed, "Inbox after sending")


def facilitator_reviews_redacts_and_releases(portal: Portal, exchange: Exchange, *, shots: bool) -> None:
    staff = exchange.staff
    staff.get_by_role("navigation", name="Main").get_by_role("link", name="Review queue").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Review queue")
    portal.check(staff, "Review queue")
    staff.get_by_role("link", name=f"Review the letter in case {exchange.world.code}").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Review this letter")
    finding = staff.locator("mark.finding")
    expect(finding.first).to_contain_text(PHONE)
    suggestion = staff.get_by_role("checkbox", name=f"“{PHONE}”: phone")
    expect(suggestion).to_be_checked()  # screening's suggestion is ticked: it will be removed
    portal.check(staff, "Review", shot("09-review-with-highlighted-finding", shots))
    staff.get_by_role("radio", name=re.compile("^Approve it")).check()
    staff.get_by_role("button", name="Record my decision").click()
    staff.wait_for_url(re.compile(r"/release$"))
    preview = staff.locator("article.letter")
    expect(preview).to_contain_text(SHOWN_MARKER)
    expect(preview).not_to_contain_text(PHONE)
    expect(staff.get_by_role("radio", name="Now")).to_be_checked()
    portal.check(staff, "Release preview", shot("10-release-preview", shots))
    staff.get_by_role("button", name="Pass it on").click()
    notice(staff, "It is passed on.")
    portal.check(staff, "Case page after release")


def responsible_opens(portal: Portal, exchange: Exchange, *, js: bool, shots: bool) -> None:
    responsible = exchange.responsible = portal.person(js=js)
    sign_in_participant(portal, responsible, exchange.world["Sam Responsible"].account.email)
    responsible.get_by_role("link", name="You have a letter. Open it when you're ready.").click()
    expect(responsible.get_by_role("button", name="Open it now")).to_be_visible()
    expect(responsible.locator("main")).not_to_contain_text("can't sleep")  # nothing shown until opened
    portal.check(responsible, "Open when you're ready", shot("11-recipient-open-when-ready", shots))
    responsible.get_by_role("button", name="Open it now").click()
    letter = responsible.locator("article.letter")
    expect(letter).to_contain_text("can't sleep")
    expect(letter).to_contain_text(SHOWN_MARKER)
    expect(responsible.locator("body")).not_to_contain_text(PHONE)
    expect(responsible.locator("body")).not_to_contain_text("Hannah")
    portal.check(responsible, "Opened letter", shot("12-opened-letter-with-marker", shots))


def core_journey(portal: Portal, *, js: bool) -> Exchange:
    """Join by invitation, write, submit, review with a redaction, release, open."""
    shots = js
    exchange = case_with_someone_to_invite(portal)
    facilitator_invites(portal, exchange, js=js, shots=shots)
    harmed_joins_and_consents(portal, exchange, js=js, shots=shots)
    facilitator_starts_the_exchange(portal, exchange)
    harmed_writes_and_sends(portal, exchange, shots=shots)
    facilitator_reviews_redacts_and_releases(portal, exchange, shots=shots)
    responsible_opens(portal, exchange, js=js, shots=shots)
    return exchange
