"""Recorded messages as a kind of item on the pages: offered where letters are, started and given
their transcript like a letter, and waiting for the person harmed as letters do. (The recording
itself, its upload and playback, is portal.web.media's.)"""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from portal.domain.enums import ConsentFormat, ItemKind, ItemState
from portal.runtime import unit_of_work
from portal.services import letters
from portal.storage import models
from tests.factories import actor_of, exchange_case
from tests.helpers import Browser, sign_in
from tests.web.exchange_steps import start, write

WITH_RECORDINGS = (ConsentFormat.LETTERS, ConsentFormat.SHUTTLE, ConsentFormat.RECORDINGS)
TRANSCRIPT = "I wanted to say this out loud. I am sorry for the fear I caused."
RECORD_BUTTON = re.compile(
    r'<input type="hidden" name="kind" value="recording">\s*'
    r'<button type="submit" class="button">Record a message</button>'
)


def _browser(app, account) -> Browser:
    browser = Browser(app.test_client())
    sign_in(app, browser, account)
    return browser


def _page(browser: Browser, url: str) -> str:
    return unescape(browser.get(url).get_data(as_text=True))


def _actions(app, case_id) -> list[str]:
    with app.app_context():
        return list(
            unit_of_work().session.scalars(
                select(models.AuditEvent.action)
                .where(models.AuditEvent.case_id == case_id)
                .order_by(models.AuditEvent.id)
            )
        )


def test_a_participant_who_may_record_starts_a_recording_from_the_inbox_and_saves_its_transcript(app):
    world = exchange_case(app, formats=WITH_RECORDINGS)
    case = world.case_id
    responsible = _browser(app, world["responsible"].account)
    inbox = responsible.get(f"/cases/{case}/inbox").get_data(as_text=True)
    assert RECORD_BUTTON.search(inbox)
    assert "Write a letter" in inbox

    item_id = start(responsible, case, "recording")
    editing = _page(responsible, f"/cases/{case}/items/{item_id}/edit")
    assert "<h1>Your recorded message</h1>" in editing
    assert '<label class="field__label" for="part-1">What your recording says, in writing</label>' in editing
    assert "It goes with your recording for anyone who would rather read than watch or listen." in editing
    assert "Send to your facilitator" in editing

    assert write(responsible, case, item_id, TRANSCRIPT).status_code == 302
    assert TRANSCRIPT in _page(responsible, f"/cases/{case}/items/{item_id}/edit")
    with app.app_context():
        uow = unit_of_work()
        row = uow.session.get(models.Item, item_id)
        assert (row.kind, row.state) == (ItemKind.RECORDING.value, ItemState.DRAFT.value)
        reading = letters.read(uow, actor_of(world["responsible"].account), case, item_id)
        assert reading.item.parts == (TRANSCRIPT,)
    assert {"item.start", "item.save"} <= set(_actions(app, case))

    inbox = _page(responsible, f"/cases/{case}/inbox")
    assert "My recorded message</a>: <strong>Draft</strong>" in inbox
    again = start(responsible, case, "recording")  # starting again resumes the open draft
    assert again == item_id


def test_the_responsible_side_is_offered_a_recording_only_once_the_person_harmed_says_yes(app):
    world = exchange_case(app, formats=(ConsentFormat.LETTERS,))
    case = world.case_id
    responsible = _browser(app, world["responsible"].account)
    assert not RECORD_BUTTON.search(responsible.get(f"/cases/{case}/inbox").get_data(as_text=True))
    refused = responsible.submit(f"/cases/{case}/items/new", {"kind": "recording"}, from_page=f"/cases/{case}/inbox")
    assert refused.status_code == 302 and refused.location.endswith(f"/cases/{case}/inbox")
    assert "You can't start a recorded message yet." in _page(responsible, f"/cases/{case}/inbox")

    harmed = _browser(app, world["harmed"].account)
    consent = _page(harmed, f"/cases/{case}/consent")
    assert '<h2 id="format-recordings">Recorded messages</h2>' in consent
    assert "Your facilitator watches or listens to every one first." in consent
    assert "I understand, and say yes to recorded messages" in consent
    harmed.post(f"/cases/{case}/consent", {"format": "recordings", "given": "yes"})
    assert "You said yes to recorded messages." in _page(harmed, f"/cases/{case}/consent")
    assert "consent.give.recordings" in _actions(app, case)

    assert RECORD_BUTTON.search(responsible.get(f"/cases/{case}/inbox").get_data(as_text=True))


def test_a_facilitator_records_consent_and_adds_a_recording_for_someone_offline(app):
    world = exchange_case(app, responsible_offline=True, formats=(ConsentFormat.LETTERS,))
    case, offline = world.case_id, world["responsible"].participant_id
    facilitator = _browser(app, world.facilitator)
    page = _page(facilitator, f"/cases/{case}")
    assert "recorded messages: <strong>no</strong>" in page
    assert "Record yes to recorded messages" in page
    assert "Add a recorded message they made" not in page  # the person harmed hasn't said yes yet

    harmed = _browser(app, world["harmed"].account)
    harmed.submit(f"/cases/{case}/consent", {"format": "recordings", "given": "yes"})
    facilitator.submit(
        f"/cases/{case}/participants/{offline}/consent",
        {"format": "recordings", "given": "yes"},
        from_page=f"/cases/{case}",
    )
    page = _page(facilitator, f"/cases/{case}")
    assert "Add a recorded message they made" in page
    assert "Record no to recorded messages" in page

    item_id = start(facilitator, case, "recording", author=offline, from_page=f"/cases/{case}")
    editing = _page(facilitator, f"/cases/{case}/items/{item_id}/edit")
    assert "<h1>Add a recorded message they made</h1>" in editing
    assert "What their recording says, in writing" in editing
    assert write(facilitator, case, item_id, TRANSCRIPT).status_code == 302
    with app.app_context():
        row = unit_of_work().session.get(models.Item, item_id)
        assert (row.kind, row.author_id, row.entered_by_id) == ("recording", offline, world.facilitator.id)
    assert "Recorded message" in _page(facilitator, f"/cases/{case}")  # in the case's list of items
