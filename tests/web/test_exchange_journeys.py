"""The exchange end to end, through the Flask test client with real sign-ins."""

from __future__ import annotations

from html import unescape

from sqlalchemy import select

from portal.domain.enums import ConsentFormat, ItemState, ParticipantRole, RiskLevel, Role, Side, Stage
from portal.runtime import unit_of_work
from portal.services import letters
from portal.storage import models
from tests.factories import actor_of, add_person, exchange_case, give_consent
from tests.helpers import Browser, make_account, sign_in
from tests.web.exchange_steps import decide, open_letter, release_now, start, write

SHOWN_MARKER = "[removed by your facilitator]"  # what the reader sees where a passage was

PHONE = "07700 900123"


def _state(app, item_id) -> str:
    with app.app_context():
        return unit_of_work().session.get(models.Item, item_id).state


def _actions(app, case_id) -> list[str]:
    with app.app_context():
        return list(
            unit_of_work().session.scalars(
                select(models.AuditEvent.action)
                .where(models.AuditEvent.case_id == case_id)
                .order_by(models.AuditEvent.id)
            )
        )


def _browser(app, account) -> Browser:
    browser = Browser(app.test_client())
    sign_in(app, browser, account)
    return browser


def test_a_letter_from_the_harmed_side_is_released_with_a_redaction(app):
    world = exchange_case(app)
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    text = f"I am Hannah. Since that night I can't sleep.\n\nRing me on {PHONE} if you want."
    write(harmed, case, letter, text)
    editing = unescape(harmed.get(f"/cases/{case}/items/{letter}/edit").get_data(as_text=True))
    assert "This looks like a phone number" in editing
    assert f'About: <q lang="en-GB">Ring me on {PHONE} if you want.</q>' in editing  # the sentence it is about
    assert write(harmed, case, letter, text, send=True).status_code == 302
    assert _state(app, letter) == ItemState.SUBMITTED

    facilitator = _browser(app, world.facilitator)
    review_page = facilitator.get(f"/cases/{case}/items/{letter}/review").get_data(as_text=True)
    assert '<mark class="finding finding--identifying"' in review_page and PHONE in review_page
    decide(facilitator, case, letter, "approve")
    assert facilitator.page.location.endswith(f"/items/{letter}/release")
    preview = facilitator.get(f"/cases/{case}/items/{letter}/release").get_data(as_text=True)
    assert PHONE not in preview and SHOWN_MARKER in preview
    release_now(facilitator, case, letter)
    assert _state(app, letter) == ItemState.RELEASED

    responsible = _browser(app, world["responsible"].account)
    inbox = responsible.get(f"/cases/{case}/inbox").get_data(as_text=True)
    assert "You have a letter. Open it when you&#39;re ready." in inbox
    ready = responsible.get(f"/cases/{case}/items/{letter}").get_data(as_text=True)
    assert "can&#39;t sleep" not in ready and "Open it now" in ready and "Samaritans" in ready
    text = open_letter(responsible, case, letter)
    assert "can&#39;t sleep" in text and SHOWN_MARKER in text
    assert PHONE not in text and "Hannah" not in text

    writer_view = harmed.get(f"/cases/{case}/items/{letter}").get_data(as_text=True)
    assert "Passed on" in writer_view and "Passed on and read" not in writer_view
    assert {"item.submit", "item.review.redact", "item.release", "item.view", "item.open"} <= set(_actions(app, case))


def test_a_question_set_is_answered_under_each_question(app):
    world = exchange_case(app)
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    questions = start(harmed, case, "question_set")
    write(harmed, case, questions, "Why our house?", "", "Did you know we were home?", send=True)
    facilitator = _browser(app, world.facilitator)
    decide(facilitator, case, questions, "approve")
    release_now(facilitator, case, questions)

    responsible = _browser(app, world["responsible"].account)
    inbox = responsible.get(f"/cases/{case}/inbox").get_data(as_text=True)
    assert "Start answering the questions" in inbox
    answers = start(responsible, case, "answers", question_set=questions)
    form = responsible.get(f"/cases/{case}/items/{answers}/edit").get_data(as_text=True)
    assert "Why our house?" in form and "Did you know we were home?" in form
    write(responsible, case, answers, "It looked empty.", "No, I did not know.", send=True)
    decide(facilitator, case, answers, "approve")
    release_now(facilitator, case, answers)

    text = open_letter(harmed, case, answers)
    assert text.index("Why our house?") < text.index("It looked empty.") < text.index("Did you know we were home?")
    assert text.index("Did you know we were home?") < text.index("No, I did not know.")


def test_a_shuttle_note_is_confirmed_then_released_by_a_second_facilitator(app):
    world = exchange_case(app)
    case = world.case_id
    writer = _browser(app, world.facilitator)
    note = start(writer, case, "shuttle_note", author=world["harmed"].participant_id, from_page=f"/cases/{case}")
    write(writer, case, note, "She wants you to know the children still check the locks every night.")
    writer.submit(f"/cases/{case}/items/{note}/submit", from_page=f"/cases/{case}/items/{note}")
    assert "must confirm it says what they meant" in writer.get(f"/cases/{case}/items/{note}").get_data(as_text=True)
    assert _state(app, note) == ItemState.DRAFT

    harmed = _browser(app, world["harmed"].account)
    mine = harmed.get(f"/cases/{case}/inbox").get_data(as_text=True)
    assert "Please check what your facilitator wrote" in mine
    harmed.submit(f"/cases/{case}/items/{note}/confirm", from_page=f"/cases/{case}/items/{note}")
    writer.submit(f"/cases/{case}/items/{note}/submit", from_page=f"/cases/{case}/items/{note}")
    assert _state(app, note) == ItemState.SUBMITTED

    decide(writer, case, note, "approve")
    assert _state(app, note) == ItemState.AWAITING_SECOND_APPROVAL
    release_now(writer, case, note)
    assert _state(app, note) == ItemState.AWAITING_SECOND_APPROVAL

    second = make_account(app, Role.FACILITATOR)
    writer.submit(f"/cases/{case}/facilitators", {"email": second.email}, from_page=f"/cases/{case}")
    other = _browser(app, second)
    decide(other, case, note, "approve")
    release_now(other, case, note)
    assert _state(app, note) == ItemState.RELEASED

    text = open_letter(_browser(app, world["responsible"].account), case, note)
    assert "Written by your facilitator from a conversation with the person harmed" in text
    assert "check the locks" in text


def test_a_facilitator_records_a_note_read_back_to_someone_offline(app):
    world = exchange_case(app, harmed_offline=True)
    case = world.case_id
    writer = _browser(app, world.facilitator)
    note = start(writer, case, "shuttle_note", author=world["harmed"].participant_id, from_page=f"/cases/{case}")
    write(writer, case, note, "He wants to say sorry to your mum.")
    writer.submit(f"/cases/{case}/items/{note}/confirm", {}, from_page=f"/cases/{case}/items/{note}")
    assert _state(app, note) == ItemState.DRAFT  # the read-back box was not ticked
    writer.submit(f"/cases/{case}/items/{note}/confirm", {"read_back": "yes"}, from_page=f"/cases/{case}/items/{note}")
    with app.app_context():
        row = unit_of_work().session.get(models.Item, note)
        assert row.confirmed_by_facilitator and row.confirmed_at is not None


def test_a_proxy_letter_says_who_wrote_it(app):
    world = exchange_case(app)
    case = world.case_id
    proxy = add_person(
        app, world, "son", Side.HARMED, ParticipantRole.PROXY, relationship="her son", consents=(ConsentFormat.LETTERS,)
    )
    son = _browser(app, proxy.account)
    letter = start(son, case, "letter")
    write(son, case, letter, "My mother is too unwell to write, so I am writing for her.", send=True)
    facilitator = _browser(app, world.facilitator)
    decide(facilitator, case, letter, "approve")
    release_now(facilitator, case, letter)
    text = open_letter(_browser(app, world["responsible"].account), case, letter)
    assert "Written by her son on behalf of the person harmed" in text


def test_stopping_during_review_holds_every_pending_item_in_both_directions(app):
    world = exchange_case(app)
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    responsible = _browser(app, world["responsible"].account)
    from_harmed = start(harmed, case, "letter")
    write(harmed, case, from_harmed, "What you took was my father's watch.", send=True)
    from_responsible = start(responsible, case, "letter")
    write(responsible, case, from_responsible, "I am sorry for what I did.", send=True)
    facilitator = _browser(app, world.facilitator)
    decide(facilitator, case, from_responsible, "approve")
    assert _state(app, from_responsible) == ItemState.APPROVED

    stop_page = responsible.get(f"/cases/{case}/stop").get_data(as_text=True)
    assert "Yes, stop taking part" in stop_page
    responsible.submit(f"/cases/{case}/stop")
    assert "You have stopped taking part" in responsible.get(f"/cases/{case}/stop").get_data(as_text=True)

    assert _state(app, from_responsible) == ItemState.WITHDRAWN  # never to be released
    assert _state(app, from_harmed) == ItemState.ON_HOLD
    with app.app_context():
        session = unit_of_work().session
        assert session.get(models.Case, case).stage == Stage.WITHDRAWN
        told = session.scalars(select(models.Notification.user_id).where(models.Notification.case_id == case)).all()
    assert told == [world.facilitator.id]

    release_now(facilitator, case, from_responsible)
    assert _state(app, from_responsible) == ItemState.WITHDRAWN
    assert "stopped taking part" in facilitator.get("/cases/").get_data(as_text=True)
    assert "I am sorry" not in harmed.get(f"/cases/{case}/inbox").get_data(as_text=True)

    # Rejoining and resuming never brings back what was written before stopping.
    facilitator.submit(
        f"/cases/{case}/participants/{world['responsible'].participant_id}/rejoin", from_page=f"/cases/{case}"
    )
    give_consent(app, world, world["responsible"], ConsentFormat.LETTERS)
    facilitator.submit(f"/cases/{case}/stage", {"stage": "exchange"}, from_page=f"/cases/{case}")
    with app.app_context():
        assert unit_of_work().session.get(models.Case, case).stage == Stage.EXCHANGE
    assert _state(app, from_responsible) == ItemState.WITHDRAWN


def test_a_high_risk_release_needs_two_facilitators(app):
    world = exchange_case(app, risk=RiskLevel.HIGH)
    case = world.case_id
    second = make_account(app, Role.FACILITATOR)
    first = _browser(app, world.facilitator)
    first.submit(f"/cases/{case}/facilitators", {"email": second.email}, from_page=f"/cases/{case}")
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    write(harmed, case, letter, "I need to know it will not happen again.", send=True)

    decide(first, case, letter, "approve")
    assert _state(app, letter) == ItemState.AWAITING_SECOND_APPROVAL
    refused = release_now(first, case, letter)
    assert refused.status_code == 400 and "waiting for a second approval" in refused.get_data(as_text=True)
    assert _state(app, letter) == ItemState.AWAITING_SECOND_APPROVAL
    again = decide(first, case, letter, "approve")
    assert again.status_code == 400 and "already approved" in again.get_data(as_text=True)

    other = _browser(app, second)
    decide(other, case, letter, "approve")
    assert _state(app, letter) == ItemState.APPROVED
    release_now(other, case, letter)
    assert _state(app, letter) == ItemState.RELEASED


def test_the_responsible_side_cannot_write_before_the_harmed_side_agrees_to_letters(app):
    world = exchange_case(app, formats=(ConsentFormat.QUESTIONS,))
    give_consent(app, world, world["responsible"], ConsentFormat.LETTERS)
    case = world.case_id
    responsible = _browser(app, world["responsible"].account)
    inbox = responsible.get(f"/cases/{case}/inbox").get_data(as_text=True)
    assert "Write a letter" not in inbox
    refused = responsible.submit(f"/cases/{case}/items/new", {"kind": "letter"}, from_page=f"/cases/{case}/inbox")
    assert refused.location.endswith(f"/cases/{case}/inbox")
    assert "The person harmed decides when this can begin" in responsible.get(f"/cases/{case}/inbox").get_data(
        as_text=True
    )
    with app.app_context():
        assert unit_of_work().session.scalars(select(models.Item)).all() == []

    give_consent(app, world, world["harmed"], ConsentFormat.LETTERS)
    assert "Write a letter" in responsible.get(f"/cases/{case}/inbox").get_data(as_text=True)
    start(responsible, case, "letter")


def test_a_returned_letter_carries_the_facilitators_message_and_a_withheld_one_never_goes(app):
    world = exchange_case(app)
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    facilitator = _browser(app, world.facilitator)
    letter = start(harmed, case, "letter")
    write(harmed, case, letter, "You should rot.", send=True)
    decide(facilitator, case, letter, "return", message="Could you say how it made you feel instead?")
    assert _state(app, letter) == ItemState.RETURNED
    assert "Could you say how it made you feel instead?" in harmed.get(f"/cases/{case}/items/{letter}/edit").get_data(
        as_text=True
    )
    write(harmed, case, letter, "I was frightened for months.", send=True)
    decide(facilitator, case, letter, "withhold", message="Not safe to pass on right now.")
    assert _state(app, letter) == ItemState.WITHHELD
    release_now(facilitator, case, letter)
    assert _state(app, letter) == ItemState.WITHHELD
    assert "frightened" not in _browser(app, world["responsible"].account).get(f"/cases/{case}/inbox").get_data(
        as_text=True
    )


def test_the_writer_can_take_back_a_submitted_letter_until_it_is_released(app):
    world = exchange_case(app)
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    write(harmed, case, letter, "First thoughts.", send=True)
    harmed.submit(f"/cases/{case}/items/{letter}/take-back", from_page=f"/cases/{case}/items/{letter}")
    assert _state(app, letter) == ItemState.DRAFT
    write(harmed, case, letter, "Better thoughts.", send=True)
    facilitator = _browser(app, world.facilitator)
    decide(facilitator, case, letter, "approve")
    release_now(facilitator, case, letter)
    harmed.submit(f"/cases/{case}/items/{letter}/take-back", from_page=f"/cases/{case}/items/{letter}")
    assert _state(app, letter) == ItemState.RELEASED


def test_drafts_survive_sign_out_and_stay_private(app):
    world = exchange_case(app)
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    write(harmed, case, letter, "Still working on this.")
    harmed.submit("/sign-out", from_page=f"/cases/{case}/inbox")
    again = _browser(app, world["harmed"].account)
    assert "Still working on this." in again.get(f"/cases/{case}/items/{letter}/edit").get_data(as_text=True)
    facilitator = _browser(app, world.facilitator)
    assert facilitator.get(f"/cases/{case}/items/{letter}").status_code == 404
    assert "Private draft" in facilitator.get(f"/cases/{case}").get_data(as_text=True)


TYPED = "if a<b and c>d then\nmy <name> here\n&lt;img src=x onerror=alert(1)&gt; <script>alert(1)</script> & 3 < 4"


def test_words_are_stored_exactly_as_typed_and_escaped_on_the_way_out(app):
    world = exchange_case(app)
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    write(harmed, case, letter, TYPED.replace("\n", "\r\n"))  # a browser sends a textarea's lines as CRLF
    with app.app_context():
        stored = letters.read(unit_of_work(), actor_of(world["harmed"].account), case, letter).item.parts
    assert stored == (TYPED,)  # nothing stripped, nothing decoded
    page = harmed.get(f"/cases/{case}/items/{letter}").get_data(as_text=True)
    assert "<script>alert" not in page and "<name>" not in page and "<img" not in page
    assert "if a&lt;b and c&gt;d then<br>my &lt;name&gt; here" in page
    assert "&amp;lt;img src=x onerror=alert(1)&amp;gt; &lt;script&gt;" in page


def test_the_case_history_tells_each_decision_in_plain_words(app):
    world = exchange_case(app)
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    write(harmed, case, letter, "Please read this.", send=True)
    facilitator = _browser(app, world.facilitator)
    decide(facilitator, case, letter, "approve")
    release_now(facilitator, case, letter)
    history, number = "", 1
    while True:  # newest first, 20 to a page
        page = facilitator.get(f"/cases/{case}/timeline?page={number}").get_data(as_text=True)
        history += page
        if "Next page" not in page:
            break
        number += 1
    assert number > 1
    for words in (
        "Case opened",
        "Consent given: letters",
        "Case moved to: exchange",
        "Sent for review",
        "Approved",
        "Passed on",
    ):
        assert words in history, words
    assert "item.release" not in history


def test_the_case_page_offers_only_what_the_domain_allows_to_start(app):
    world = exchange_case(app, responsible_offline=True, formats=(ConsentFormat.QUESTIONS,))
    case = world.case_id
    facilitator = _browser(app, world.facilitator)
    responsible = world["responsible"].participant_id

    def offered(kind: str) -> bool:
        page = facilitator.get(f"/cases/{case}").get_data(as_text=True)
        return f'name="author" value="{responsible}">\n        <input type="hidden" name="kind" value="{kind}"' in page

    assert not offered("letter") and not offered("shuttle_note")  # the person harmed has not agreed yet
    give_consent(app, world, world["harmed"], ConsentFormat.LETTERS)
    give_consent(app, world, world["harmed"], ConsentFormat.SHUTTLE)
    assert offered("letter") and offered("shuttle_note")
