"""The review screen: screening's findings arrive ticked; leaving one in takes a recorded check."""

from sqlalchemy import select

from portal.domain.enums import ItemState, Role
from portal.runtime import unit_of_work
from portal.storage import models
from tests.factories import exchange_case
from tests.helpers import Browser, make_account, sign_in
from tests.web.exchange_steps import decide, page_version, release_now, review_keys, start, write

PHONE = "07700 900123"


def _setup(app, text):
    world = exchange_case(app)
    harmed = Browser(app.test_client())
    sign_in(app, harmed, world["harmed"].account)
    letter = start(harmed, world.case_id, "letter")
    write(harmed, world.case_id, letter, text, send=True)
    facilitator = Browser(app.test_client())
    sign_in(app, facilitator, world.facilitator)
    return world, letter, facilitator


def _state(app, item_id):
    with app.app_context():
        return unit_of_work().session.get(models.Item, item_id).state


def test_a_phone_number_is_a_ticked_suggestion_and_the_recipient_never_sees_it(app):
    world, letter, facilitator = _setup(app, f"You can call me on {PHONE} any time.")
    page = facilitator.get(f"/cases/{world.case_id}/items/{letter}/review").get_data(as_text=True)
    assert f'“<span lang="en-GB">{PHONE}</span>”: phone number' in page
    assert 'name="suggestion" value="s:0:' in page and "checked" in page.split('name="suggestion"')[1].split(">")[0]
    decide(facilitator, world.case_id, letter, "approve")
    release_now(facilitator, world.case_id, letter)
    reader = Browser(app.test_client())
    sign_in(app, reader, world["responsible"].account)
    reader.submit(f"/cases/{world.case_id}/items/{letter}/open", from_page=f"/cases/{world.case_id}/items/{letter}")
    copy = reader.get(f"/cases/{world.case_id}/items/{letter}").get_data(as_text=True)
    assert PHONE not in copy and "900123" not in copy and "[removed by your facilitator]" in copy


def test_leaving_a_finding_in_needs_an_explicit_check_which_is_audited(app):
    world, letter, facilitator = _setup(app, f"You can call me on {PHONE} any time.")
    refused = decide(facilitator, world.case_id, letter, "approve", suggestion=[])
    assert refused.status_code == 400 and "I have checked this" in refused.get_data(as_text=True)
    assert _state(app, letter) == ItemState.SUBMITTED
    decide(facilitator, world.case_id, letter, "approve", suggestion=[], checked="yes")
    assert _state(app, letter) == ItemState.APPROVED
    with app.app_context():
        actions = unit_of_work().session.scalars(select(models.AuditEvent.action)).all()
    assert "item.review.findings-left-in" in actions


def test_a_sensitive_term_can_never_be_left_in(app):
    world, letter, facilitator = _setup(app, "Hannah is my name and I live on Elm Street.")
    page = facilitator.get(f"/cases/{world.case_id}/items/{letter}/review").get_data(as_text=True)
    assert "a name or place that must stay private" in page
    refused = decide(facilitator, world.case_id, letter, "approve", suggestion=[], checked="yes")
    assert refused.status_code == 400 and "must never reach the other side" in refused.get_data(as_text=True)
    assert _state(app, letter) == ItemState.SUBMITTED


def test_a_threat_is_highlighted_as_a_concern(app):
    world, letter, facilitator = _setup(app, "I know where you live. Watch your back.")
    page = facilitator.get(f"/cases/{world.case_id}/items/{letter}/review").get_data(as_text=True)
    assert 'class="finding finding--concern"' in page
    assert len(review_keys(facilitator, world.case_id, letter)) >= 1


def test_the_facilitator_can_add_their_own_passages(app):
    world, letter, facilitator = _setup(app, "We met at the bus stop on the corner near the chip shop.")
    decide(facilitator, world.case_id, letter, "approve", passage="near the chip shop", passage_reason="A place")
    preview = facilitator.get(f"/cases/{world.case_id}/items/{letter}/release").get_data(as_text=True)
    assert "chip shop" not in preview and "[removed by your facilitator]" in preview
    wrong = _setup(app, "Another letter entirely.")
    refused = decide(wrong[2], wrong[0].case_id, wrong[1], "approve", passage="not in the letter")
    assert refused.status_code == 400 and "is not in the text" in refused.get_data(as_text=True)


def test_a_decision_never_applies_to_words_that_changed_after_the_page_was_opened(app):
    world, letter, facilitator = _setup(app, "The first version of my letter.")
    facilitator.get(f"/cases/{world.case_id}/items/{letter}/review")
    token, stale = facilitator.csrf_token(), page_version(facilitator)
    harmed = Browser(app.test_client())
    sign_in(app, harmed, world["harmed"].account)
    harmed.submit(
        f"/cases/{world.case_id}/items/{letter}/take-back", from_page=f"/cases/{world.case_id}/items/{letter}"
    )
    write(harmed, world.case_id, letter, "A different letter, sent again.", send=True)
    response = facilitator.client.post(
        f"/cases/{world.case_id}/items/{letter}/review",
        data={"csrf_token": token, "decision": "approve", "seen": stale},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Someone else decided on this letter while you were reading it. It was sent for review again." in page
    assert _state(app, letter) == ItemState.SUBMITTED


def test_a_release_never_passes_on_a_copy_other_than_the_one_previewed(app):
    world, letter, first = _setup(app, "We met near the old mill by the river.")
    decide(first, world.case_id, letter, "approve")
    url = f"/cases/{world.case_id}/items/{letter}/release"
    first.get(url)
    token, previewed = first.csrf_token(), page_version(first)

    second_account = make_account(app, Role.FACILITATOR)
    first.submit(
        f"/cases/{world.case_id}/facilitators", {"email": second_account.email}, from_page=f"/cases/{world.case_id}"
    )
    second = Browser(app.test_client())
    sign_in(app, second, second_account)
    decide(second, world.case_id, letter, "approve", passage="the old mill", passage_reason="A place")

    refused = first.client.post(url, data={"csrf_token": token, "when": "now", "seen": previewed})
    assert refused.status_code == 400
    assert "Someone else decided on this letter while you were reading it. It was approved." in refused.get_data(
        as_text=True
    )
    assert _state(app, letter) == ItemState.APPROVED
    assert release_now(first, world.case_id, letter).status_code == 302
    assert _state(app, letter) == ItemState.RELEASED
