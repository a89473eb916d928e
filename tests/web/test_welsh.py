"""Cymraeg: the switch on every page, the choice remembered, and the core journeys in Welsh.

A letter is never translated: it is shown in the language its writer wrote it in, marked with
`lang`, whatever language the reader's pages are in.
"""

from __future__ import annotations

import re
from html import unescape

from flask_babel import force_locale
from sqlalchemy import select

from portal.domain.enums import ItemState, Role
from portal.runtime import unit_of_work
from portal.storage import models
from portal.web.forms import SignInForm
from tests.factories import exchange_case
from tests.helpers import Browser, make_account, sign_in
from tests.web.exchange_steps import decide, release_now, start

WELSH_LETTER = "Dw i eisiau i chi wybod sut roedd hi’n teimlo. Mae’r plant yn cysgu’n well nawr."


def _in_welsh(app) -> Browser:
    browser = Browser(app.test_client())
    response = browser.get("/language/cy?next=/sign-in")
    assert response.status_code == 302 and response.location.endswith("/sign-in")
    return browser


def _signed_in(app, account, *, welsh: bool) -> Browser:
    browser = _in_welsh(app) if welsh else Browser(app.test_client())
    sign_in(app, browser, account)
    return browser


def _lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def test_every_page_offers_the_other_language_in_its_own_words(app, browser):
    html = browser.get("/sign-in").get_data(as_text=True)
    assert _lang(html) == "en-GB"
    assert re.search(r'<a href="/language/cy\?next=/sign-in" lang="cy" hreflang="cy">', html)
    assert '<span aria-current="true" lang="en-GB">English</span>' in html
    browser.get("/language/cy?next=/sign-in")
    welsh = browser.get("/sign-in").get_data(as_text=True)
    assert _lang(welsh) == "cy"
    assert "<h1>Mewngofnodi</h1>" in welsh and "Gadael y wefan hon" in welsh
    assert re.search(r'<a href="/language/en\?next=/sign-in" lang="en-GB" hreflang="en-GB">', welsh)
    browser.get("/language/en?next=/sign-in")
    assert "<h1>Sign in</h1>" in browser.get("/sign-in").get_data(as_text=True)


def test_the_switch_never_sends_anyone_to_another_site(browser):
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)", "sign-in"):
        response = browser.get(f"/language/cy?next={target}")
        assert response.status_code == 302 and response.location in ("/", "http://portal.test/")


def test_the_choice_is_remembered_on_the_account(app):
    account = make_account(app, Role.PARTICIPANT)
    browser = Browser(app.test_client())
    sign_in(app, browser, account)
    browser.get("/language/cy?next=/account/")
    with app.app_context():
        assert unit_of_work().session.get(models.User, account.id).language == "cy"
    elsewhere = Browser(app.test_client())  # another device: no cookie, but the account remembers
    sign_in(app, elsewhere, account)
    html = elsewhere.get("/account/").get_data(as_text=True)
    assert _lang(html) == "cy" and "Eich cyfrif" in html and "<dd>Cymraeg</dd>" in html


def test_the_exchange_in_welsh_from_writing_to_reading_and_stopping(app):
    world = exchange_case(app)
    case = world.case_id
    harmed = _signed_in(app, world["harmed"].account, welsh=True)
    inbox = harmed.get(f"/cases/{case}/inbox").get_data(as_text=True)
    assert "<h1>Fy llythyrau</h1>" in inbox and "Ysgrifennu llythyr" in inbox

    letter = start(harmed, case, "letter")
    edit = f"/cases/{case}/items/{letter}/edit"
    page = harmed.get(edit).get_data(as_text=True)
    assert 'lang="cy"' in page and 'value="cy"' in page  # the writing box, and Cymraeg chosen already
    saved = harmed.submit(edit, {"part": WELSH_LETTER, "action": "save", "language": "cy"})
    assert saved.status_code == 302
    assert "Mae eich drafft wedi’i gadw." in harmed.get(saved.location).get_data(as_text=True)
    sent = harmed.submit(edit, {"part": WELSH_LETTER, "action": "submit", "language": "cy"})
    assert "Mae eich llythyr gyda’ch hwylusydd." in harmed.get(sent.location).get_data(as_text=True)

    facilitator = _signed_in(app, world.facilitator, welsh=True)
    review = facilitator.get(f"/cases/{case}/items/{letter}/review").get_data(as_text=True)
    assert "<h1>Adolygu’r llythyr hwn</h1>" in review and "Cofnodi fy mhenderfyniad" in review
    assert '<article class="letter letter--review" id="original" lang="cy">' in review
    decide(facilitator, case, letter, "approve")
    release = facilitator.get(f"/cases/{case}/items/{letter}/release").get_data(as_text=True)
    assert "Trosglwyddo’r llythyr hwn" in release and "Dyma’n union beth fydd yr ochr arall yn ei ddarllen." in release
    release_now(facilitator, case, letter)
    assert "Mae wedi’i drosglwyddo." in facilitator.get(f"/cases/{case}").get_data(as_text=True)

    # The person responsible reads in English: the letter itself stays in Welsh, marked as Welsh.
    responsible = _signed_in(app, world["responsible"].account, welsh=False)
    ready = unescape(responsible.get(f"/cases/{case}/items/{letter}").get_data(as_text=True))
    assert "You have a letter. Open it when you're ready." in ready
    responsible.submit(f"/cases/{case}/items/{letter}/open", from_page=f"/cases/{case}/items/{letter}")
    opened = responsible.get(f"/cases/{case}/items/{letter}").get_data(as_text=True)
    assert re.search(r'<div lang="cy">\s*<p>' + re.escape(WELSH_LETTER[:20]), opened)
    assert _lang(opened) == "en-GB"

    # Stopping, in Welsh.
    stop = harmed.get(f"/cases/{case}/stop").get_data(as_text=True)
    assert "<h1>Rhoi’r gorau i gymryd rhan</h1>" in stop and "Ie, rhoi’r gorau i gymryd rhan" in stop
    harmed.submit(f"/cases/{case}/stop")
    stopped = harmed.get(f"/cases/{case}/stop").get_data(as_text=True)
    assert "<h1>Rydych chi wedi rhoi’r gorau i gymryd rhan</h1>" in stopped
    with app.app_context():
        row = unit_of_work().session.get(models.Item, letter)
        assert (row.state, row.language) == (ItemState.RELEASED, "cy")


def test_joining_by_invitation_in_welsh(app):
    world = exchange_case(app)
    facilitator = _signed_in(app, world.facilitator, welsh=False)
    with app.app_context(), unit_of_work() as uow:
        person = uow.session.scalars(
            select(models.Participant).where(models.Participant.case_id == world.case_id)
        ).first()
        person.user_id, person.taking_part = None, "portal"
        person_id = person.id
    page = facilitator.submit(
        f"/cases/{world.case_id}/participants/{person_id}/invite", {"email": "cymro@example.test", "delivery": "link"}
    ).get_data(as_text=True)
    link = re.search(r"<code>https?://[^/]+(/join/[^<]+)</code>", page).group(1)
    newcomer = _in_welsh(app)
    join = newcomer.get(link).get_data(as_text=True)
    assert "Croeso," in join and "Creu fy nghyfrif" in join
    weak = newcomer.submit(link, {"password": "short", "confirm": "short"}).get_data(as_text=True)
    assert "Defnyddiwch o leiaf 12 nod." in weak


def test_a_refusal_is_one_whole_welsh_sentence(app):
    world = exchange_case(app)
    case = world.case_id
    harmed = _signed_in(app, world["harmed"].account, welsh=True)
    letter = start(harmed, case, "letter")
    refused = harmed.submit(f"/cases/{case}/items/{letter}/edit", {"part": "", "action": "submit"})
    assert refused.status_code == 400
    assert "Ysgrifennwch eich llythyr cyn ei anfon." in refused.get_data(as_text=True)


def test_dates_are_in_welsh_and_in_uk_time(app):
    world = exchange_case(app)
    facilitator = _signed_in(app, world.facilitator, welsh=True)
    history = facilitator.get(f"/cases/{world.case_id}/timeline").get_data(as_text=True)
    months = ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref")
    assert any(month in history for month in (*months, "Tachwedd", "Rhagfyr"))
    assert "Achos wedi’i agor" in history and "Case opened" not in history


def test_a_printed_letter_is_framed_in_its_own_language_not_the_facilitators(app):
    world = exchange_case(app)
    case = world.case_id
    harmed = _signed_in(app, world["harmed"].account, welsh=True)
    letter = start(harmed, case, "letter")
    harmed.submit(f"/cases/{case}/items/{letter}/edit", {"part": WELSH_LETTER, "action": "submit", "language": "cy"})
    facilitator = _signed_in(app, world.facilitator, welsh=False)
    assert facilitator.get(f"/cases/{case}/items/{letter}/print").status_code == 302  # not passed on yet
    decide(facilitator, case, letter, "approve")
    release_now(facilitator, case, letter)

    printed = unescape(facilitator.get(f"/cases/{case}/items/{letter}/print").get_data(as_text=True))
    assert _lang(printed) == "en-GB" and "Back to the case" in printed  # the facilitator's own page
    assert '<article class="printed-letter" lang="cy">' in printed
    assert "Wedi’i drosglwyddo gan eich hwylusydd cyfiawnder adferol." in printed
    assert WELSH_LETTER in printed and "Print them in English instead" in printed

    in_english = unescape(facilitator.get(f"/cases/{case}/items/{letter}/print/en").get_data(as_text=True))
    assert '<article class="printed-letter" lang="en-GB">' in in_english
    assert "Passed on by your restorative justice facilitator." in in_english
    assert re.search(r'<div lang="cy">\s*<p>' + re.escape(WELSH_LETTER[:20]), in_english)  # the letter stays Welsh
    assert facilitator.get(f"/cases/{case}/items/{letter}/print/fr").status_code == 404


def test_wtforms_own_messages_come_in_the_pages_language(app):
    with app.test_request_context("/sign-in"):
        form = SignInForm()
        words = form.meta.get_translations(form)
        with force_locale("cy"):
            welsh = words.gettext("Not a valid choice.")
        with force_locale("en"):
            english = words.gettext("Not a valid choice.")
    assert english == "Not a valid choice."
    assert welsh != english and welsh.strip()
