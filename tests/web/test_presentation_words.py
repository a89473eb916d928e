"""What participants read: attribution lines, status labels, the inbox, and the prompts.

The domain decides what may be said (as codes); these tests read it as the English pages say it.
"""

from dataclasses import fields, replace
from datetime import datetime
from uuid import UUID

import pytest

from portal.domain import presentation
from portal.domain.actors import Actor
from portal.domain.cases import Case, Participant
from portal.domain.enums import (
    ConsentFormat,
    ItemKind,
    ItemState,
    ParticipantRole,
    RiskLevel,
    Role,
    Side,
    Stage,
    TakingPart,
)
from portal.domain.errors import NotAllowed
from portal.domain.inbox import InboxEntry, inbox
from portal.domain.items import Confirmation, Item
from portal.domain.redaction import REMOVED_MARKER
from portal.screening import writer_notes
from portal.web import words
from portal.web.words import PROMPTS, WRITING_REMINDER


@pytest.fixture(autouse=True)
def english(app):
    with app.test_request_context():
        yield


def attribution(shown: Item, author: Participant) -> tuple[str, ...]:
    return tuple(words.attribution(line) for line in presentation.attribution(shown, author))


def writer_label(shown: Item) -> str:
    return words.label(presentation.writer_label(shown), shown.kind)


def reader_label(shown: Item) -> str:
    return words.label(presentation.reader_label(shown), shown.kind)


def uid(n: int) -> UUID:
    return UUID(int=n)


NOW = datetime(2025, 3, 1, 10, 0)
HARMED = Participant(uid(10), Side.HARMED, ParticipantRole.PRINCIPAL, uid(110))
PROXY = Participant(uid(12), Side.HARMED, ParticipantRole.PROXY, uid(112), relationship="her son")
RESPONSIBLE = Participant(uid(20), Side.RESPONSIBLE, ParticipantRole.PRINCIPAL, uid(120))
SUPPORTER = Participant(uid(21), Side.RESPONSIBLE, ParticipantRole.SUPPORTER, uid(121), relationship="his mum")
CASE = Case(uid(1000), Stage.EXCHANGE, RiskLevel.LOW, frozenset({uid(1)}), (HARMED, PROXY, RESPONSIBLE, SUPPORTER))


def item(n: int, author: Participant, state: ItemState, kind: ItemKind = ItemKind.LETTER, **changes) -> Item:
    return Item(uid(n), CASE.id, kind, author.id, state, parts=(f"text {n}",), **changes)


# --- attribution --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("author", "kind", "entered_by", "expected"),
    [
        (HARMED, ItemKind.LETTER, None, ()),
        (PROXY, ItemKind.LETTER, None, ("Written by her son on behalf of the person harmed",)),
        (SUPPORTER, ItemKind.LETTER, None, ("Written by his mum supporting the person responsible",)),
        (
            replace(SUPPORTER, relationship=""),
            ItemKind.LETTER,
            None,
            ("Written by someone supporting the person responsible",),
        ),
        (
            HARMED,
            ItemKind.SHUTTLE_NOTE,
            uid(1),
            ("Written by your facilitator from a conversation with the person harmed",),
        ),
        (
            replace(HARMED, display_name="Mary"),
            ItemKind.SHUTTLE_NOTE,
            uid(1),
            ("Written by your facilitator from a conversation with Mary",),
        ),
        (RESPONSIBLE, ItemKind.LETTER, uid(1), ("Transcribed by your facilitator from a handwritten letter",)),
        (RESPONSIBLE, ItemKind.ANSWERS, uid(1), ("Transcribed by your facilitator from handwritten answers",)),
        (
            PROXY,
            ItemKind.QUESTION_SET,
            uid(1),
            (
                "Written by her son on behalf of the person harmed",
                "Transcribed by your facilitator from handwritten questions",
            ),
        ),
    ],
)
def test_attribution_lines(author, kind, entered_by, expected):
    assert attribution(item(1, author, ItemState.RELEASED, kind, entered_by=entered_by), author) == expected


# --- labels -------------------------------------------------------------------------------------

WRITER_LABELS = {
    ItemState.DRAFT: "Draft",
    ItemState.SUBMITTED: "Waiting for your facilitator",
    ItemState.RETURNED: "Returned to you for changes",
    ItemState.AWAITING_SECOND_APPROVAL: "Waiting for your facilitator",
    ItemState.APPROVED: "Ready to be passed on",
    ItemState.SCHEDULED: "Ready to be passed on",
    ItemState.RELEASED: "Passed on",
    ItemState.ON_HOLD: "On hold for now",
    ItemState.HELD_FOR_RECIPIENT: "Passed on",  # the reader's choices stay private
    ItemState.DESTROYED: "Passed on",
    ItemState.WITHHELD: "Not passed on",
    ItemState.WITHDRAWN: "Not sent",
}


@pytest.mark.parametrize(("state", "label"), WRITER_LABELS.items())
def test_writer_labels(state, label):
    assert writer_label(item(1, HARMED, state)) == label


@pytest.mark.parametrize(
    ("opened", "told", "label"),
    [(False, False, "Passed on"), (True, False, "Passed on"), (True, True, "Passed on and read")],
)
def test_the_writer_learns_of_reading_only_when_the_reader_allows(opened, told, label):
    delivered = item(1, HARMED, ItemState.RELEASED, opened_at=NOW if opened else None, read_receipt=told)
    assert writer_label(delivered) == label


def test_a_shuttle_note_asks_its_speaker_to_check_it():
    note = item(1, HARMED, ItemState.DRAFT, ItemKind.SHUTTLE_NOTE, entered_by=uid(1))
    assert writer_label(note) == "Please check what your facilitator wrote"
    assert writer_label(replace(note, confirmation=Confirmation(NOW, uid(110), False))) == "Checked"


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        (ItemKind.LETTER, "You have a letter. Open it when you're ready."),
        (ItemKind.QUESTION_SET, "You have some questions. Open them when you're ready."),
        (ItemKind.ANSWERS, "You have answers to your questions. Open them when you're ready."),
        (ItemKind.SHUTTLE_NOTE, "You have a message. Open it when you're ready."),
    ],
)
def test_the_reader_is_told_gently_and_opens_when_ready(kind, label):
    delivered = item(1, HARMED, ItemState.RELEASED, kind)
    assert reader_label(delivered) == label
    assert reader_label(replace(delivered, opened_at=NOW)) == "Opened"
    assert reader_label(replace(delivered, state=ItemState.HELD_FOR_RECIPIENT)) == (
        "Your facilitator is keeping this for you until you ask for it"
    )


# --- the inbox ----------------------------------------------------------------------------------


ITEMS = [
    *(item(100 + n, HARMED, state) for n, state in enumerate(ItemState)),
    *(item(200 + n, RESPONSIBLE, state) for n, state in enumerate(ItemState)),
    item(300, PROXY, ItemState.RELEASED),
    replace(item(400, HARMED, ItemState.RELEASED), case_id=uid(2000)),  # another case
]
RECEIVABLE = {ItemState.RELEASED, ItemState.HELD_FOR_RECIPIENT}


def entries_for(user: int) -> tuple[InboxEntry, ...]:
    return inbox(CASE, ITEMS, Actor(uid(user), Role.PARTICIPANT))


def test_the_inbox_lists_own_items_and_what_reached_this_side():
    entries = entries_for(110)
    own = {e.item_id for e in entries if not e.received}
    received = {e.item_id for e in entries if e.received}
    assert own == {uid(100 + n) for n in range(len(ItemState))}
    assert received == {uid(200 + n) for n, state in enumerate(ItemState) if state in RECEIVABLE}
    assert uid(300) not in own | received  # the proxy's writing is the proxy's own
    assert uid(400) not in own | received


def test_a_supporter_sees_what_their_side_received_and_nothing_else():
    entries = entries_for(121)
    assert all(e.received for e in entries)
    assert {e.item_id for e in entries} == {
        uid(100 + n) for n, state in enumerate(ItemState) if state in RECEIVABLE
    } | {uid(300)}
    from_proxy = next(e for e in entries if e.item_id == uid(300))
    assert tuple(words.attribution(a) for a in from_proxy.attribution) == (
        "Written by her son on behalf of the person harmed",
    )


def test_an_item_kept_for_the_reader_is_listed_but_not_readable():
    entries = {e.item_id: e for e in entries_for(120)}  # the person responsible
    kept = uid(100 + list(ItemState).index(ItemState.HELD_FOR_RECIPIENT))
    assert entries[kept].can_view is False
    delivered = uid(100 + list(ItemState).index(ItemState.RELEASED))
    assert entries[delivered].can_view is True
    assert words.label(entries[delivered].label, ItemKind.LETTER) == "You have a letter. Open it when you're ready."


def test_inbox_entries_carry_no_text():
    assert {f.name for f in fields(InboxEntry)} == {"item_id", "kind", "received", "label", "attribution", "can_view"}
    assert not any("text" in str(e) for e in entries_for(120))


@pytest.mark.parametrize(("user", "role"), [(1, Role.FACILITATOR), (7, Role.MANAGER), (300, Role.PARTICIPANT)])
def test_only_participants_of_the_case_have_an_inbox(user, role):
    with pytest.raises(NotAllowed):
        inbox(CASE, ITEMS, Actor(uid(user), role))


def test_someone_offline_has_no_inbox_even_with_an_old_account():
    offline = replace(CASE, participants=(replace(HARMED, taking_part=TakingPart.OFFLINE), RESPONSIBLE))
    with pytest.raises(NotAllowed):
        inbox(offline, ITEMS, Actor(uid(110), Role.PARTICIPANT))


# --- prompts ------------------------------------------------------------------------------------


def test_prompts_for_the_person_harmed_cover_what_happened_its_effects_needs_and_questions():
    text = " ".join(f"{question} {hint}" for question, hint in PROMPTS[Side.HARMED]).lower()
    for topic in ("what happened", "affected", "feelings", "health", "money", "friends", "need", "ask"):
        assert topic in text, topic


def test_prompts_for_the_person_responsible_follow_the_restorative_questions():
    questions = [str(question) for question, _hint in PROMPTS[Side.RESPONSIBLE]]
    assert questions == [
        "What happened?",
        "What were you thinking at the time?",
        "Who has been affected, and how?",
        "What do you want to say to them?",
        "What will you do to put things right?",
    ]


@pytest.mark.parametrize("side", list(Side))
def test_prompt_hints_are_short(side):
    for _question, hint in PROMPTS[side]:
        for sentence in str(hint).split("."):
            assert len(sentence.split()) <= 14, sentence
    assert "names" in str(WRITING_REMINDER)


@pytest.mark.parametrize("consent_format", list(ConsentFormat))
def test_consent_explanations_are_short_plain_sentences(consent_format):
    text = words.explanation(consent_format)
    sentences = [s for s in text.replace("?", ".").split(".") if s.strip()]
    assert len(sentences) >= 4
    assert max(len(s.split()) for s in sentences) <= 14
    assert "stop at any time" in text


def test_the_writers_notes_are_plain_short_and_never_quote_the_letter():
    text = "Please forgive me. I was drunk. It was only money. You made me angry. Ring me on 07700 900461."
    notes = writer_notes(text)
    assert {n.kind for n in notes} >= {"forgiveness", "excuse", "minimising", "blame", "phone"}
    for note in notes:
        message = words.writer_note(note.kind)
        assert "forgive me" not in message and "drunk" not in message and "07700" not in message
        assert len(message) < 220


def test_a_removed_passage_reads_plainly_in_the_readers_language():
    marked = words.with_markers(f"Gwelais i chi ger {REMOVED_MARKER} <b>.")
    assert marked == (
        'Gwelais i chi ger <span class="removed-marker" lang="en-GB">[removed by your facilitator]</span> &lt;b&gt;.'
    )
