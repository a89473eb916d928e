"""A recorded message in Chromium, end to end: recorded in the page (Chromium's fake camera and
microphone), checked back, added and transcribed; watched by the reviewer through range
requests, approved and passed on; chosen and played by the recipient, the words first."""

from __future__ import annotations

import re

from playwright.sync_api import Page, Request, expect

from portal.domain.enums import ConsentFormat, Role
from tests import media_samples
from tests.browser.journeys import notice, sign_in_participant, sign_in_staff
from tests.browser.support import PHONE, Portal
from tests.factories import exchange_case
from tests.helpers import make_account

FORMATS = (ConsentFormat.LETTERS, ConsentFormat.QUESTIONS, ConsentFormat.SHUTTLE, ConsentFormat.RECORDINGS)
PLAYER = "video[src*='/files/']"  # the portal's player of a stored recording (not the recorder's preview)
TRANSCRIPT = "I wanted you to hear this from me. I am sorry for the fear I caused."


def _plays(page: Page) -> None:
    """The page's video loads (through range requests) and plays: its time moves on."""
    video = page.locator(PLAYER)
    expect(video).to_be_visible()
    video.evaluate("v => { v.muted = true; return v.play(); }")  # muted: no autoplay prompt
    page.wait_for_function("selector => document.querySelector(selector).readyState >= 1", arg=PLAYER)
    page.wait_for_function("selector => document.querySelector(selector).currentTime > 0.3", arg=PLAYER, timeout=15_000)


def test_a_message_recorded_in_the_browser_is_reviewed_passed_on_and_played(portal: Portal) -> None:
    world = exchange_case(portal.app, formats=FORMATS)
    case = world.case_id
    ranges: list[str] = []

    # The person harmed records their message in the page.
    harmed = portal.person()
    sign_in_participant(portal, harmed, world["harmed"].account.email)
    harmed.get_by_role("button", name="Record a message").click()
    harmed.wait_for_url(re.compile(r"/edit$"))
    expect(harmed.get_by_role("heading", name="Record here")).to_be_visible()  # shown by the script
    portal.check(harmed, "Recording draft")
    harmed.get_by_role("button", name="Record video").click()
    stop = harmed.get_by_role("button", name="Stop")
    expect(stop).to_be_visible()
    expect(harmed.locator("[data-live]")).to_be_visible()  # the live preview of the camera
    harmed.wait_for_timeout(2200)
    expect(harmed.locator("[data-elapsed]")).not_to_have_text("0:00")
    stop.click()
    expect(harmed.locator("[data-status]")).to_contain_text("Your recording is ready")
    expect(harmed.locator("[data-preview-video]")).to_be_visible()
    assert harmed.locator("input[type=file][name=file]").evaluate("input => input.files.length") == 1
    portal.check(harmed, "Recorded, before adding")
    harmed.get_by_role("button", name="Add this recording").click()
    harmed.wait_for_url(re.compile(r"/edit$"))
    notice(harmed, "Your recording is added.")
    expect(harmed.locator(PLAYER)).to_have_count(1)

    harmed.get_by_label("What your recording says, in writing").fill(TRANSCRIPT)
    harmed.get_by_role("button", name="Save draft").click()
    notice(harmed, "Your draft is saved")
    expect(harmed.locator(PLAYER)).to_have_attribute("src", re.compile(f"^/cases/{case}/files/"))
    portal.check(harmed, "Recording draft with its recording")
    harmed.get_by_role("button", name="Send to your facilitator").click()
    harmed.wait_for_url(re.compile(r"/inbox$"))

    # The facilitator watches it (the player asks by ranges), then approves and passes it on.
    staff = portal.person()

    def asked(request: Request) -> None:
        if "/files/" in request.url and "captions" not in request.url:
            ranges.append(request.headers.get("range", ""))

    staff.on("request", asked)
    sign_in_staff(portal, staff, world.facilitator)
    staff.goto(f"/cases/{case}/items/{_item_id(harmed)}/review")
    expect(staff.locator(".media")).to_contain_text("Not opened yet")
    portal.check(staff, "Review of a recording")
    _plays(staff)
    assert any(value.startswith("bytes=") for value in ranges), ranges
    staff.reload()
    expect(staff.locator(".media")).to_contain_text("Opened")
    staff.get_by_role("radio", name=re.compile("^Approve it")).check()
    checked = staff.locator("#checked")
    if checked.count():
        checked.check()
    staff.get_by_role("button", name="Record my decision").click()
    staff.wait_for_url(re.compile(r"/release$"))
    expect(staff.locator(PLAYER)).to_be_visible()
    portal.check(staff, "Release of a recording")
    staff.get_by_role("button", name="Pass it on").click()
    notice(staff, "It is passed on.")

    # The person responsible reads the words first, and chooses to watch.
    responsible = portal.person()
    sign_in_participant(portal, responsible, world["responsible"].account.email)
    responsible.get_by_role("link", name=re.compile("Open it when you're ready")).click()
    responsible.get_by_role("button", name="Open it now").click()
    expect(responsible.locator("article.letter")).to_contain_text(TRANSCRIPT)
    expect(responsible.locator("video")).to_have_count(0)  # no face until they choose
    portal.check(responsible, "Recorded message, words first")
    responsible.get_by_role("link", name="Watch the video").click()
    expect(responsible.locator(f"{PLAYER} track")).to_have_attribute("label", "Captions from the written transcript")
    _plays(responsible)
    portal.check(responsible, "Recorded message playing")
    portal.assert_clean()


def _item_id(page: Page) -> str:
    """The item the person just sent, from the inbox's link to it."""
    link = page.get_by_role("link", name="My recorded message")
    return re.search(r"/items/([0-9a-f-]+)", link.get_attribute("href") or "").group(1)


def test_pictures_scans_and_limits_pages_work_and_pass_axe(portal: Portal, tmp_path) -> None:
    world = exchange_case(portal.app, formats=FORMATS)
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(media_samples.jpeg_with_gps(640, 480))

    harmed = portal.person(viewport=PHONE)
    sign_in_participant(portal, harmed, world["harmed"].account.email)
    harmed.get_by_role("button", name="Write a letter").click()
    harmed.wait_for_url(re.compile(r"/edit$"))
    expect(harmed.get_by_role("heading", name="Record here")).to_have_count(0)  # only for a recording
    harmed.get_by_label("Choose photos, pictures or a PDF").set_input_files(str(photo))
    harmed.get_by_role("button", name="Add them to the letter").click()
    notice(harmed, "1 picture or page is added.")
    picture = harmed.get_by_role("img", name="Picture 1 of 1 with this letter")
    expect(picture).to_be_visible()
    # Visible is not loaded: on a busy machine the picture's bytes may still be on their way.
    harmed.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
    assert picture.evaluate("img => img.naturalWidth") == 480  # turned upright by its EXIF
    portal.check(harmed, "Letter draft with a picture")

    staff = portal.person()
    sign_in_staff(portal, staff, world.facilitator)
    staff.get_by_role("link", name="File a scanned reply").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("File a scanned reply")
    portal.check(staff, "File a scanned reply")
    staff.get_by_label("Photo or scan of the reply sheet").set_input_files(str(photo))
    staff.get_by_role("button", name="File the scan").click()
    expect(staff.locator(".error-summary")).to_contain_text("No reply sheet code was found on this scan.")
    portal.check(staff, "A scan without a reply sheet code")

    manager = portal.person()
    sign_in_staff(portal, manager, make_account(portal.app, Role.MANAGER))
    manager.goto("/service-settings")
    expect(manager.get_by_role("heading", name="Recordings and pictures")).to_be_visible()
    manager.get_by_label("The largest recording, in MB").fill("20")
    manager.get_by_role("button", name="Save the limits").click()
    notice(manager, "The limits on recordings and pictures are saved.")
    expect(manager.get_by_label("The largest recording, in MB")).to_have_value("20")
    portal.check(manager, "Settings with media limits")
    portal.assert_clean()
