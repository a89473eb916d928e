"""Decisions that hold, seen from the browser: forms that act once, decisions refused calmly when
someone else decided first, irreversible acts confirmed, other cases' ids not found."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import func, select

from portal.domain.enums import ItemState, ParticipantRole, Side, Stage
from portal.runtime import unit_of_work
from portal.storage import models
from tests.factories import add_person, exchange_case, follow_up, new_case
from tests.helpers import Browser, make_account, sign_in
from tests.web.exchange_steps import decide, start, write


def _browser(app, account) -> Browser:
    browser = Browser(app.test_client())
    sign_in(app, browser, account)
    return browser


def _events(app, action: str, object_id=None) -> int:
    with app.app_context():
        where = models.AuditEvent.action == action
        if object_id is not None:
            where = where & (models.AuditEvent.object_id == str(object_id))
        return unit_of_work().session.scalar(select(func.count()).where(where)) or 0


def _state(app, item_id) -> str:
    with app.app_context():
        return unit_of_work().session.get(models.Item, item_id).state


def test_the_same_form_posted_twice_starts_sends_and_passes_on_once(app):
    world = exchange_case(app)
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)

    first = harmed.submit(f"/cases/{case}/items/new", {"kind": "letter"}, from_page=f"/cases/{case}/inbox")
    second = harmed.repeat()
    assert first.location == second.location  # the same draft, not two
    with app.app_context():
        drafts = unit_of_work().session.scalar(select(func.count()).where(models.Item.case_id == case))
    assert drafts == 1
    letter = uuid.UUID(first.location.rsplit("/", 2)[-2])

    write(harmed, case, letter, "I want you to understand.", send=True)
    assert harmed.repeat().status_code == 302  # the same answer, not an error
    assert _events(app, "item.submit", letter) == 1

    facilitator = _browser(app, world.facilitator)
    decide(facilitator, case, letter, "approve")
    assert facilitator.repeat().status_code == 302
    assert _events(app, "item.review.approve", letter) == 1
    facilitator.submit(f"/cases/{case}/items/{letter}/release", {"when": "now"})
    assert facilitator.repeat().status_code == 302
    assert _events(app, "item.release", letter) == 1
    assert _state(app, letter) == ItemState.RELEASED


def test_starting_again_in_a_second_tab_opens_the_same_draft(app):
    world = exchange_case(app)
    case = world.case_id
    one, two = _browser(app, world["harmed"].account), _browser(app, world["harmed"].account)
    one.get(f"/cases/{case}/inbox")
    two.get(f"/cases/{case}/inbox")
    assert (
        one.post(f"/cases/{case}/items/new", {"kind": "letter"}).location
        == two.post(f"/cases/{case}/items/new", {"kind": "letter"}).location
    )


def test_a_decision_made_on_an_old_page_is_refused_with_what_the_other_decided_and_loses_nothing(app):
    world = exchange_case(app)
    case = world.case_id
    second = make_account(app, world.facilitator.role)
    first = _browser(app, world.facilitator)
    first.submit(f"/cases/{case}/facilitators", {"email": second.email}, from_page=f"/cases/{case}")
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    write(harmed, case, letter, "I would like to tell you how it was.", send=True)

    other = _browser(app, second)
    url = f"/cases/{case}/items/{letter}/review"
    other.get(url)  # the second facilitator is reading it...
    decide(first, case, letter, "withhold", message="Not safe to pass on.")  # ...while the first withholds it
    late = other.post(url, {"decision": "approve", "message": "My own note that I typed", "suggestion": []})
    page = late.get_data(as_text=True)
    assert late.status_code == 400
    assert (
        "Someone else decided on this letter while you were reading it. "
        "It was withheld and will not be passed on." in page
    )
    assert "My own note that I typed" in page  # what they typed is still there
    assert _state(app, letter) == ItemState.WITHHELD
    assert _events(app, "item.review.approve", letter) == 0


def test_recording_that_someone_stopped_is_confirmed_on_its_own_page_first(app):
    world = exchange_case(app)
    case, person = world.case_id, world["responsible"].participant_id
    facilitator = _browser(app, world.facilitator)
    page = facilitator.get(f"/cases/{case}").get_data(as_text=True)
    # The case page only links to the step; no button there stops anyone.
    assert f'action="/cases/{case}/participants/{person}/withdraw"' not in page
    assert f'href="/cases/{case}/participants/{person}/withdraw"' in page
    confirm = facilitator.get(f"/cases/{case}/participants/{person}/withdraw").get_data(as_text=True)
    assert "has stopped taking part?" in confirm and "No, go back to the case" in confirm
    with app.app_context():
        assert unit_of_work().session.get(models.Participant, person).withdrawn_at is None
    facilitator.post(f"/cases/{case}/participants/{person}/withdraw")
    with app.app_context():
        assert unit_of_work().session.get(models.Participant, person).withdrawn_at is not None


def test_closing_a_case_is_never_the_default_and_is_confirmed_first(app):
    world = exchange_case(app, stage=Stage.AGREEMENT)
    case = world.case_id
    facilitator = _browser(app, world.facilitator)
    facilitator.submit(f"/cases/{case}/stage", {"stage": "follow_up"}, from_page=f"/cases/{case}")
    follow_up(app, world)
    page = facilitator.get(f"/cases/{case}").get_data(as_text=True)
    select_box = page.split('name="stage"', 1)[1].split("</select>", 1)[0]
    assert '<option selected value="">Choose a stage</option>' in select_box
    assert "selected" not in select_box.split("Choose a stage", 1)[1]
    asked = facilitator.post(f"/cases/{case}/stage", {"stage": "closed"})
    assert asked.status_code == 200 and "Closing is final" in asked.get_data(as_text=True)
    with app.app_context():
        assert unit_of_work().session.get(models.Case, case).stage == Stage.FOLLOW_UP
    facilitator.post(f"/cases/{case}/stage", {"stage": "closed"})  # the confirmation page's own button
    with app.app_context():
        assert unit_of_work().session.get(models.Case, case).stage == Stage.CLOSED
    nothing = facilitator.submit(f"/cases/{case}/stage", {"stage": ""}, from_page=f"/cases/{case}")
    assert nothing.status_code == 302  # nothing chosen: nothing moved, and it says so


def test_a_person_of_another_case_is_not_found_on_this_cases_routes(app):
    world = exchange_case(app)
    elsewhere = new_case(app, facilitator=world.facilitator)  # the same facilitator has both cases
    stranger = add_person(app, elsewhere, "Someone Elsewhere", Side.HARMED)
    facilitator = _browser(app, world.facilitator)
    facilitator.get(f"/cases/{world.case_id}")
    base = f"/cases/{world.case_id}/participants/{stranger.participant_id}"
    for path, data in (
        ("/withdraw", {}),
        ("/consent", {"format": "letters", "given": "no"}),
        ("/rejoin", {}),
        ("/clear-delay", {}),
        ("/invite", {"email": "someone@example.test"}),
    ):
        assert facilitator.post(base + path, data).status_code == 404, path
    assert facilitator.get(base + "/withdraw").status_code == 404
    assert facilitator.get(base + "/invite").status_code == 404
    with app.app_context():
        assert unit_of_work().session.get(models.Participant, stranger.participant_id).withdrawn_at is None


def test_a_reason_longer_than_the_box_allows_is_refused_with_a_message_and_nothing_is_saved(app):
    world = exchange_case(app)
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    write(harmed, case, letter, "We met near the old mill by the river.", send=True)
    facilitator = _browser(app, world.facilitator)
    page = facilitator.get(f"/cases/{case}/items/{letter}/review").get_data(as_text=True)
    assert 'maxlength="200"' in re.search(r'<input[^>]*name="passage_reason"[^>]*>', page).group(0)
    refused = decide(
        facilitator, case, letter, "approve", passage="the old mill", passage_reason="x" * 19_000, checked="y"
    )
    assert refused.status_code == 400
    assert "Please keep the reason to 200 characters." in refused.get_data(as_text=True)
    assert _state(app, letter) == ItemState.SUBMITTED


def test_a_letter_kept_for_its_reader_is_never_given_back_once_its_writer_has_stopped(app):
    """A supporter who may write stops; the case carries on without them; what they wrote stays put."""
    world = exchange_case(app)
    case = world.case_id
    supporter = add_person(
        app, world, "Sister", Side.HARMED, ParticipantRole.SUPPORTER, relationship="her sister", may_write=True
    )
    sister = _browser(app, supporter.account)
    letter = start(sister, case, "letter")
    write(sister, case, letter, "My sister has found this very hard.", send=True)
    facilitator = _browser(app, world.facilitator)
    decide(facilitator, case, letter, "approve")
    facilitator.submit(f"/cases/{case}/items/{letter}/release", {"when": "now"})
    reader = _browser(app, world["responsible"].account)
    reader.submit(f"/cases/{case}/items/{letter}/hold", from_page=f"/cases/{case}/items/{letter}")
    assert _state(app, letter) == ItemState.HELD_FOR_RECIPIENT

    sister.submit(f"/cases/{case}/stop")
    facilitator.submit(f"/cases/{case}/stage", {"stage": "exchange"}, from_page=f"/cases/{case}")
    with app.app_context():
        assert unit_of_work().session.get(models.Case, case).stage == Stage.EXCHANGE  # running again

    refused = facilitator.submit(f"/cases/{case}/items/{letter}/release", {"when": "now"})
    assert refused.status_code == 400
    assert "Nothing written by someone who has stopped taking part is ever passed on." in refused.get_data(as_text=True)
    assert _state(app, letter) == ItemState.HELD_FOR_RECIPIENT


def test_approving_a_letter_just_returned_to_its_writer_tells_the_facilitator_and_shows_the_case(app):
    """Once returned, the letter is its writer's draft again: the late approver is told, on the case page."""
    world = exchange_case(app)
    case = world.case_id
    second = make_account(app, world.facilitator.role)
    first = _browser(app, world.facilitator)
    first.submit(f"/cases/{case}/facilitators", {"email": second.email}, from_page=f"/cases/{case}")
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    write(harmed, case, letter, "I would like to tell you how it was.", send=True)
    other = _browser(app, second)
    other.get(f"/cases/{case}/items/{letter}/review")
    decide(first, case, letter, "return", message="Please take out the street name.")
    late = other.post(f"/cases/{case}/items/{letter}/review", {"decision": "approve", "suggestion": []})
    assert late.status_code == 302 and late.location.endswith(f"/cases/{case}")
    page = other.get(late.location).get_data(as_text=True)
    assert "It was returned to the writer for changes." in page
    assert _state(app, letter) == ItemState.RETURNED
    assert _events(app, "item.review.approve", letter) == 0
