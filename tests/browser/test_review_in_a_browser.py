"""The review screen in Chromium: guidance to raise with the writer, a drafted return message,
copying from the highlighted letter, and removing a passage by selecting it (with JavaScript)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from portal.domain.enums import ItemKind
from portal.runtime import unit_of_work
from portal.services import letters
from tests.browser.journeys import sign_in_staff
from tests.browser.support import Portal
from tests.factories import actor_of, exchange_case

BLAME = "If you hadn't been walking on your own so late it wouldn't have happened."
PHONE = "07700 900123"
FIRST = f"We met near the old mill by the river. {BLAME}"
LETTER = f"{FIRST}\n\nThe number I had then was {PHONE}. I am sorry."


def _letter_to_review(portal: Portal):
    world = exchange_case(portal.app)
    with portal.app.app_context():
        uow, writer = unit_of_work(), actor_of(world["responsible"].account)
        letter = letters.start(uow, writer, world.case_id, ItemKind.LETTER, None)
        letters.send(uow, writer, world.case_id, letter, [LETTER])
    return world, letter


def _select(page: Page, words: str) -> None:
    """Select these words in the original, as a mouse drag would."""
    page.evaluate(
        """words => {
            const original = document.getElementById("original");
            const walker = document.createTreeWalker(original, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const at = walker.currentNode.data.indexOf(words);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(walker.currentNode, at);
                    range.setEnd(walker.currentNode, at + words.length);
                    const selection = window.getSelection();
                    selection.removeAllRanges();
                    selection.addRange(range);
                    return;
                }
            }
            throw new Error("not in the original: " + words);
        }""",
        words,
    )


def test_reviewing_with_guidance_a_drafted_message_and_removal_by_selection(portal: Portal):
    world, letter = _letter_to_review(portal)
    page = portal.person()
    sign_in_staff(portal, page, world.facilitator)
    page.goto(f"/cases/{world.case_id}/items/{letter}/review")
    expect(page.get_by_role("heading", name="Things to raise with the writer")).to_be_visible()
    expect(page.locator(".panel--guidance")).to_contain_text("This may read as blaming the person harmed")
    portal.check(page, "Review with guidance", "20-review-with-guidance")

    # Copying the first paragraph gives the letter's words exactly: the marks carry no hidden text.
    copied = page.evaluate(
        """() => {
            const paragraph = document.querySelector("#original p");
            const range = document.createRange();
            range.selectNodeContents(paragraph);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            return selection.toString();
        }"""
    )
    assert copied == LETTER

    # One click drafts a return message that quotes the passage; nothing is recorded.
    page.get_by_role("button", name="Return it with a message quoting these").click()
    message = page.get_by_label("Message to the writer (needed to return or withhold)")
    expect(message).to_be_focused()
    expect(message).to_have_value(re.compile(re.escape(f"“{BLAME}”")))
    expect(page.get_by_role("radio", name="Return it to the writer for changes")).to_be_checked()
    portal.check(page, "Review with a drafted message")

    # Removing a passage by selecting it: it goes into the first empty box, focus to its reason.
    _select(page, "the old mill")
    page.get_by_role("button", name="Remove the selected passage").click()
    expect(page.get_by_label("Passage 1", exact=True)).to_have_value("the old mill")
    reason = page.get_by_label("Why remove passage 1 (optional)")
    expect(reason).to_be_focused()
    reason.fill("Near where she lives")
    expect(page.get_by_role("status").filter(has_text="Added as passage 1")).to_be_visible()
    _select(page, "by the river")
    page.get_by_role("button", name="Remove the selected passage").click()
    expect(page.get_by_label("Passage 2", exact=True)).to_have_value("by the river")
    portal.check(page, "Review with passages picked")

    page.get_by_label("I have checked this: what I am leaving in is safe to pass on").check()
    page.get_by_role("radio", name=re.compile("^Approve it")).check()
    page.get_by_role("button", name="Record my decision").click()
    page.wait_for_url(re.compile(r"/release$"))
    preview = page.locator("article.letter")
    expect(preview).not_to_contain_text("old mill")
    expect(preview).not_to_contain_text("by the river")
    expect(preview).not_to_contain_text(PHONE)  # screening's suggestion stayed ticked
    expect(preview).to_contain_text("[removed by your facilitator]")
    portal.assert_clean()


def test_without_javascript_the_passage_boxes_do_the_same(portal: Portal):
    world, letter = _letter_to_review(portal)
    page = portal.person(js=False)
    sign_in_staff(portal, page, world.facilitator)
    page.goto(f"/cases/{world.case_id}/items/{letter}/review")
    expect(page.get_by_role("button", name="Remove the selected passage")).to_have_count(0)
    page.get_by_label("Passage 1", exact=True).fill("the old mill")
    page.get_by_label("Why remove passage 1 (optional)").fill("Near where she lives")
    page.get_by_label("I have checked this: what I am leaving in is safe to pass on").check()
    page.get_by_role("radio", name=re.compile("^Approve it")).check()
    page.get_by_role("button", name="Record my decision").click()
    page.wait_for_url(re.compile(r"/release$"))
    expect(page.locator("article.letter")).not_to_contain_text("old mill")
    portal.assert_clean()
