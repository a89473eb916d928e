"""The core journey in Cymraeg in Chromium: join, write, review, release, read and stop, with axe
(which checks every `lang`) on each Welsh page at both widths.

The people taking part choose Cymraeg with the switch on the page; the facilitator keeps English,
so the Welsh letter is also checked on English pages, marked as Welsh.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.journeys import (
    HARMED_EMAIL,
    HARMED_PASSWORD,
    PHONE,
    case_with_someone_to_invite,
    facilitator_invites,
    facilitator_reviews_redacts_and_releases,
    facilitator_starts_the_exchange,
    notice,
)
from tests.browser.support import PHONE as PHONE_SIZE
from tests.browser.support import Portal
from tests.helpers import PASSWORD

WELSH_LETTER = (
    "Ers y noson honno dw i ddim yn gallu cysgu. Dw i eisiau i chi wybod beth wnaeth e i ni.\n\n"
    f"Ffoniwch fi ar {PHONE} os ydych chi eisiau."
)
WELSH_MARKER = "[wedi’i dynnu gan eich hwylusydd]"


def _choose_cymraeg(page: Page) -> None:
    page.get_by_role("navigation", name=re.compile("^(Language|Iaith)$")).get_by_role("link", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")


def _sign_in_in_welsh(portal: Portal, page: Page, email: str, password: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Mewngofnodi")
    portal.check(page, "Mewngofnodi")
    page.get_by_label("Cyfeiriad e-bost").fill(email)
    page.get_by_label("Cyfrinair", exact=True).fill(password)
    page.get_by_role("button", name="Mewngofnodi").click()
    page.wait_for_url(re.compile(r"/inbox$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Fy llythyrau")
    portal.check(page, "Fy llythyrau")


def test_the_exchange_in_welsh_from_invitation_to_reading_then_stopping(portal: Portal):
    exchange = case_with_someone_to_invite(portal)
    facilitator_invites(portal, exchange, js=True, shots=False)

    # Joining: the invitation opens in English; she chooses Cymraeg on the page.
    harmed = exchange.harmed = portal.person()
    harmed.goto(exchange.invitation)
    _choose_cymraeg(harmed)
    expect(harmed.get_by_role("heading", level=1)).to_have_text("Croeso, Hannah Harmed")
    portal.check(harmed, "Ymuno")
    harmed.get_by_label("Dewiswch gyfrinair").fill(HARMED_PASSWORD)
    harmed.get_by_label("Teipiwch yr un cyfrinair eto").fill(HARMED_PASSWORD)
    harmed.get_by_role("button", name="Creu fy nghyfrif").click()
    harmed.wait_for_url(re.compile(r"/sign-in$"))
    notice(harmed, "Mae eich cyfrif yn barod.")
    _sign_in_in_welsh(portal, harmed, HARMED_EMAIL, HARMED_PASSWORD)
    harmed.get_by_role("link", name="Sut rydych chi’n cymryd rhan (eich caniatâd)").click()
    portal.check(harmed, "Caniatâd")
    harmed.get_by_role("button", name="Rydw i’n deall, ac rydw i’n dweud ie i lythyrau").click()
    notice(harmed, "Rydych wedi dweud ie i lythyrau.")
    portal.check(harmed, "Caniatâd wedi’i roi")
    facilitator_starts_the_exchange(portal, exchange)

    # Writing in Welsh: the writer's note about the phone number comes in Welsh.
    harmed.get_by_role("link", name="Yn ôl i fy llythyrau").click()
    harmed.get_by_role("button", name="Ysgrifennu llythyr").click()
    harmed.wait_for_url(re.compile(r"/edit$"))
    expect(harmed.get_by_role("radio", name="Cymraeg")).to_be_checked()
    portal.check(harmed, "Ysgrifennu llythyr")
    box = harmed.get_by_label("Eich llythyr")
    expect(box).to_have_attribute("lang", "cy")
    box.fill(WELSH_LETTER)
    harmed.get_by_role("button", name="Cadw’r drafft").click()
    notice(harmed, "Mae eich drafft wedi’i gadw.")
    expect(harmed.locator(".writer-notes")).to_contain_text("Mae hwn yn edrych fel rhif ffôn.")
    portal.check(harmed, "Drafft gyda nodiadau", "17-cymraeg-writing-with-notes")
    harmed.get_by_role("button", name="Anfon at eich hwylusydd").click()
    harmed.wait_for_url(re.compile(r"/inbox$"))
    notice(harmed, "Mae eich llythyr gyda’ch hwylusydd.")
    portal.check(harmed, "Fy llythyrau ar ôl anfon")

    # The facilitator reviews in English; the letter on the page is marked as Welsh.
    staff = exchange.staff
    staff.get_by_role("navigation", name="Main").get_by_role("link", name="Review queue").click()
    staff.get_by_role("link", name=f"Review the letter in case {exchange.world.code}").click()
    expect(staff.locator("article.letter")).to_have_attribute("lang", "cy")
    staff.go_back()
    facilitator_reviews_redacts_and_releases(portal, exchange, shots=False)

    # The person responsible reads in Welsh, on a phone.
    responsible = exchange.responsible = portal.person(viewport=PHONE_SIZE)
    responsible.goto("/sign-in")
    _choose_cymraeg(responsible)
    _sign_in_in_welsh(portal, responsible, exchange.world["Sam Responsible"].account.email, PASSWORD)
    responsible.get_by_role("link", name="Mae gennych chi lythyr. Agorwch ef pan fyddwch chi’n barod.").click()
    expect(responsible.get_by_role("button", name="Ei agor nawr")).to_be_visible()
    expect(responsible.locator("main")).not_to_contain_text("cysgu")
    portal.check(responsible, "Agorwch ef pan fyddwch chi’n barod", "18-cymraeg-open-when-ready-375px")
    responsible.get_by_role("button", name="Ei agor nawr").click()
    letter = responsible.locator("article.letter")
    expect(letter).to_contain_text("dw i ddim yn gallu cysgu")
    expect(letter).to_contain_text(WELSH_MARKER)
    expect(responsible.locator("body")).not_to_contain_text(PHONE)
    portal.check(responsible, "Llythyr wedi’i agor", "19-cymraeg-opened-letter-375px")

    # Stopping, in Welsh.
    harmed.get_by_role("navigation", name="Prif ddewislen").get_by_role(
        "link", name="Rhoi’r gorau i gymryd rhan"
    ).click()
    expect(harmed.get_by_role("heading", level=1)).to_have_text("Rhoi’r gorau i gymryd rhan")
    portal.check(harmed, "Rhoi’r gorau i gymryd rhan")
    harmed.get_by_role("button", name="Ie, rhoi’r gorau i gymryd rhan").click()
    expect(harmed.get_by_role("heading", level=1)).to_have_text("Rydych chi wedi rhoi’r gorau i gymryd rhan")
    portal.check(harmed, "Wedi rhoi’r gorau iddi")
    assert portal.checked >= 10
    portal.assert_clean()
