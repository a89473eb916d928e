"""The reviewer sees everything screening knows: blame and minimising to raise with the writer,
who wrote the item and for whom, the decisions so far, and (in a case that needs two approvals)
exactly what the first reviewer chose."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from portal.domain.enums import ItemState, RiskLevel, Role
from portal.runtime import unit_of_work
from portal.storage import models
from tests.factories import exchange_case
from tests.helpers import Browser, make_account, sign_in
from tests.web.exchange_steps import decide, review_keys, start, write

BLAME = "If you hadn't been walking on your own so late it wouldn't have happened."
MINIMISING = "It was only a bag… you weren't really hurt."
LETTER = f"I have thought about that night a lot.\n\n{BLAME} {MINIMISING}\n\nI am sorry it happened."
PHONE = "07700 900123"


def _browser(app, account) -> Browser:
    browser = Browser(app.test_client())
    sign_in(app, browser, account)
    return browser


def _sent_by_the_responsible(app, text, *, risk=RiskLevel.LOW):
    world = exchange_case(app, risk=risk)
    writer = _browser(app, world["responsible"].account)
    letter = start(writer, world.case_id, "letter")
    write(writer, world.case_id, letter, text, send=True)
    return world, letter


def _state(app, item_id):
    with app.app_context():
        return unit_of_work().session.get(models.Item, item_id).state


def _actions(app, item_id) -> list[str]:
    with app.app_context():
        return list(
            unit_of_work().session.scalars(
                select(models.AuditEvent.action)
                .where(models.AuditEvent.object_id == str(item_id))
                .order_by(models.AuditEvent.id)
            )
        )


def test_blame_and_minimising_reach_the_reviewer_and_need_a_check_to_pass_on(app):
    world, letter = _sent_by_the_responsible(app, LETTER)
    facilitator = _browser(app, world.facilitator)
    url = f"/cases/{world.case_id}/items/{letter}/review"
    page = unescape(facilitator.get(url).get_data(as_text=True))

    assert '<h2 id="raise-title">Things to raise with the writer</h2>' in page
    assert f'<q lang="en-GB">{BLAME}</q><br>This may read as blaming the person harmed for what happened.' in page
    assert f'<q lang="en-GB">{MINIMISING}</q><br>This may read as making light of the harm.' in page
    assert page.count('class="finding finding--guidance"') >= 2  # highlighted in the original
    # Who wrote it, for whom, and the case's risk.
    assert "<dt>Written by</dt><dd>The person responsible</dd>" in page
    assert "<dt>For</dt><dd>The person harmed, and anyone taking part for them</dd>" in page
    assert "<dt>Risk level</dt><dd>Low</dd>" in page

    refused = decide(facilitator, world.case_id, letter, "approve")
    assert refused.status_code == 400
    assert "Tick “I have checked this”" in unescape(refused.get_data(as_text=True))
    assert _state(app, letter) == ItemState.SUBMITTED

    decide(facilitator, world.case_id, letter, "approve", checked="y")
    assert _state(app, letter) == ItemState.APPROVED
    assert _actions(app, letter)[-2:] == ["item.review.approve", "item.review.findings-left-in"]


def test_one_click_drafts_a_return_message_that_quotes_them(app):
    world, letter = _sent_by_the_responsible(app, LETTER)
    facilitator = _browser(app, world.facilitator)
    url = f"/cases/{world.case_id}/items/{letter}/review"
    facilitator.get(url)
    drafted = facilitator.post(url, {"step": "prefill", "message": "Hello Sam."})
    assert drafted.status_code == 200
    page = unescape(drafted.get_data(as_text=True))
    message = re.search(r'<textarea[^>]*name="message"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert message.lstrip().startswith("Hello Sam.\n\nThank you for writing this.")
    assert f"“{BLAME}”\nThis part might sound like you are blaming the person reading." in message
    assert f"“{MINIMISING}”\nSaying it was small or did not matter much can hurt the person reading." in message
    assert re.search(r'<input[^>]*id="decision-return"[^>]*checked', page)
    assert _state(app, letter) == ItemState.SUBMITTED  # nothing recorded yet

    returned = facilitator.post(url, {"step": "decide", "decision": "return", "message": message})
    assert returned.status_code == 302 and _state(app, letter) == ItemState.RETURNED
    writer = _browser(app, world["responsible"].account)
    shown = unescape(writer.get(f"/cases/{world.case_id}/items/{letter}/edit").get_data(as_text=True))
    assert BLAME in shown and "Thank you for writing this." in shown


def test_a_clean_letter_has_nothing_to_raise(app):
    world, letter = _sent_by_the_responsible(app, "I am sorry. It was my choice and nobody else's.")
    facilitator = _browser(app, world.facilitator)
    page = facilitator.get(f"/cases/{world.case_id}/items/{letter}/review").get_data(as_text=True)
    assert "Things to raise with the writer" not in page and "I have checked this" not in page
    decide(facilitator, world.case_id, letter, "approve")
    assert _state(app, letter) == ItemState.APPROVED


def test_the_second_reviewer_sees_the_first_and_a_change_sends_it_back(app):
    text = f"The number I have is {PHONE}. We met near the old mill by the river. I am sorry."
    world, letter = _sent_by_the_responsible(app, text, risk=RiskLevel.HIGH)
    case = world.case_id
    first = _browser(app, world.facilitator)
    second_account = make_account(app, Role.FACILITATOR, name="Priya Second")
    first.submit(f"/cases/{case}/facilitators", {"email": second_account.email}, from_page=f"/cases/{case}")
    url = f"/cases/{case}/items/{letter}/review"

    # The first reviewer leaves the number in (with the check), removes a place by hand with
    # their reason, and leaves a note for the second.
    keys = review_keys(first, case, letter)
    at = text.index(PHONE)
    left = [k for k in keys if int(k.split(":")[2]) <= at < int(k.split(":")[3])]
    kept = [k for k in keys if k not in left]
    decide(
        first,
        case,
        letter,
        "approve",
        suggestion=kept,
        passage="the old mill",
        passage_reason="Near where she lives",
        note="I left the number: it is the service's own line.",
        checked="y",
    )
    assert _state(app, letter) == ItemState.AWAITING_SECOND_APPROVAL

    second = _browser(app, second_account)
    page = unescape(second.get(url).get_data(as_text=True))
    so_far = re.sub(r"<[^>]+>", "", page.split('id="so-far-title"')[1].split("</section>")[0])
    assert "Approved by Test Person." in so_far
    assert "“the old mill”: Near where she lives" in so_far  # what they added, with their reason
    assert f"“{PHONE}”: phone number" in so_far.split("What screening found that they left in")[1]
    assert "I left the number: it is the service's own line." in so_far
    copy = so_far.split("The copy that results")[1]
    assert PHONE in copy and "old mill" not in copy and "[removed by your facilitator]" in copy
    # Nothing is silently re-ticked: the boxes stand as the first reviewer left them.
    assert not set(left) & set(review_keys(second, case, letter, ticked=True))
    assert set(review_keys(second, case, letter, ticked=True)) == {
        k for k in review_keys(second, case, letter) if k.startswith("r:")
    }

    # The second changes it: the phone number is removed after all. It goes back for approval.
    changed = decide(second, case, letter, "approve", suggestion=[*review_keys(second, case, letter)], checked="y")
    assert changed.status_code == 302
    assert _state(app, letter) == ItemState.AWAITING_SECOND_APPROVAL
    assert "item.review.change" in _actions(app, letter)
    with app.app_context():
        row = unit_of_work().session.get(models.Item, letter)
        assert row.approved_by == [str(second_account.id)]

    # The first looks again, sees the second's choices, and agrees: now it is approved.
    again = unescape(first.get(url).get_data(as_text=True))
    assert "Approved by Priya Second." in again
    assert "Changed what is removed: it needs approving again (Priya Second)" in again  # the decisions so far
    decide(first, case, letter, "approve", checked="y")
    assert _state(app, letter) == ItemState.APPROVED


def test_the_second_reviewer_who_agrees_approves_it_as_the_first_left_it(app):
    world, letter = _sent_by_the_responsible(app, "We met near the old mill by the river.", risk=RiskLevel.HIGH)
    case = world.case_id
    first = _browser(app, world.facilitator)
    second_account = make_account(app, Role.FACILITATOR)
    first.submit(f"/cases/{case}/facilitators", {"email": second_account.email}, from_page=f"/cases/{case}")
    decide(first, case, letter, "approve", passage="the old mill")
    second = _browser(app, second_account)
    decide(second, case, letter, "approve")
    assert _state(app, letter) == ItemState.APPROVED
    assert "item.review.change" not in _actions(app, letter)


def test_a_passage_copied_from_the_page_is_found_despite_what_copying_changes(app):
    text = "He said “I’ll be at the Crown” — and then…\nhe left. We met near the old mill."
    world, letter = _sent_by_the_responsible(app, text)
    facilitator = _browser(app, world.facilitator)
    pasted = 'he said "I\'ll be at the Crown" - and then...  he left.'
    decide(facilitator, world.case_id, letter, "approve", passage=pasted, passage_reason="A place")
    assert _state(app, letter) == ItemState.APPROVED
    preview = unescape(facilitator.get(f"/cases/{world.case_id}/items/{letter}/release").get_data(as_text=True))
    assert "Crown" not in preview and "We met near the old mill." in preview

    other, second_letter = _sent_by_the_responsible(app, "A short letter about the garden.")
    reviewer = _browser(app, other.facilitator)
    url = f"/cases/{other.case_id}/items/{second_letter}/review"
    refused = decide(reviewer, other.case_id, second_letter, "approve", passage="about the gardens shed")
    page = unescape(refused.get_data(as_text=True))
    assert refused.status_code == 400 and "This passage is not in the text: “about the gardens shed”." in page
    assert re.search(r'<textarea[^>]*name="passage"[^>]*>about the gardens shed</textarea>', page)  # kept
    assert reviewer.get(url).status_code == 200


def test_each_passage_has_its_own_reason_and_more_boxes_keep_what_was_typed(app):
    world, letter = _sent_by_the_responsible(app, "We met near the old mill, by the blue gate on Fen Lane.")
    facilitator = _browser(app, world.facilitator)
    url = f"/cases/{world.case_id}/items/{letter}/review"
    facilitator.get(url)
    more = facilitator.post(url, {"step": "more", "passage": ["the old mill"], "passage_reason": ["A place"]})
    page = unescape(more.get_data(as_text=True))
    assert more.status_code == 200 and page.count('name="passage"') == 4  # what was typed, and three more
    assert re.search(r'<textarea[^>]*id="passage-1"[^>]*>the old mill</textarea>', page)
    decide(
        facilitator,
        world.case_id,
        letter,
        "approve",
        passage=["the old mill", "the blue gate on Fen Lane"],
        passage_reason=["A place", "Their street"],
    )
    with app.app_context():
        from portal.services import letters
        from tests.factories import actor_of

        reading = letters.read(unit_of_work(), actor_of(world.facilitator), world.case_id, letter)
        assert [r.reason for r in reading.item.redactions] == ["A place", "Their street"]
