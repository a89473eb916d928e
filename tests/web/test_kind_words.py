"""Every kind of item and every way of taking part has its own words, everywhere the pages say them.

A new ItemKind or ConsentFormat (recorded messages were the last) fails here until each function
keyed by them has a whole sentence for it, in English, that is not another kind's.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from portal.domain.audit import AuditAction
from portal.domain.enums import ConsentFormat, ItemKind, ItemState, ParticipantRole, Role, Side
from portal.domain.errors import DomainError
from portal.domain.permissions import ItemAction
from portal.domain.presentation import Attribution, Label, Line, Speaker
from portal.domain.problems import Problem
from portal.web import items as item_pages
from portal.web import messages, participation, words
from portal.web.audit_labels import LABELS

KINDS = list(ItemKind)
FORMATS = list(ConsentFormat)


@pytest.fixture(autouse=True)
def english(app):
    with app.test_request_context():
        yield


def _distinct(said: dict[object, str]) -> None:
    """Each member has words, and no two members share them."""
    assert all(text.strip() for text in said.values()), said
    assert len(set(said.values())) == len(said), said


def _refusal(problem: Problem, **params: object) -> str:
    return messages.refusal(DomainError(problem, **params))


KIND_WORDS = {
    "noun": words.noun,
    "kind_name": words.kind_name,
    "new to read": lambda kind: words.label(Label.NEW, kind),
    "transcribed": lambda kind: words.attribution(
        Attribution(Line.TRANSCRIBED, Speaker(Side.HARMED, ParticipantRole.PRINCIPAL, "", ""), kind)
    ),
    "own writing title": lambda kind: words.writing_title(kind, True),
    "facilitator's writing title": lambda kind: words.writing_title(kind, False),
    "received_title": words.received_title,
    "my_item": words.my_item,
    "review_title": words.review_title,
    "release_title": words.release_title,
    "review_link": lambda kind: words.review_link(kind, "RX-ABC234"),
    "object_name": lambda kind: words.object_name(kind.value),
    "sent for review (facilitator)": lambda kind: item_pages._sent_message(SimpleNamespace(me=None), kind),
    "sent for review (participant)": lambda kind: item_pages._sent_message(SimpleNamespace(me=object()), kind),
    "someone else decided": lambda kind: messages._stale(kind, ItemState.APPROVED),
    "cannot write here": lambda kind: _refusal(Problem.ITEM_CANNOT_WRITE_HERE, kind=kind),
    "already approved": lambda kind: _refusal(Problem.REVIEW_ALREADY_APPROVED, kind=kind),
    "not due": lambda kind: _refusal(Problem.RELEASE_NOT_DUE, kind=kind),
}


@pytest.mark.parametrize("name", KIND_WORDS)
def test_every_kind_has_its_own_words(name):
    _distinct({kind: KIND_WORDS[name](kind) for kind in KINDS})


def test_the_case_history_names_every_kind_rather_than_showing_its_code():
    assert all(words.object_name(kind.value) != kind.value for kind in KINDS)


@pytest.mark.parametrize("state", list(ItemState))
def test_every_kind_has_a_sentence_for_every_state(state):
    _distinct({kind: messages._state_sentence(kind, state) for kind in KINDS})
    for kind in KINDS:
        _refusal(Problem.ITEM_NOT_NOW, action=ItemAction.EDIT, kind=kind, state=state)


@pytest.mark.parametrize("problem", [Problem.ITEM_VICTIM_LED, Problem.ITEM_ONE_PIECE, Problem.ITEM_EMPTY])
def test_every_kind_has_a_sentence_for_the_writing_rules(problem):
    said = {kind: _refusal(problem, kind=kind) for kind in KINDS}
    assert all(text.strip() for text in said.values())


def test_a_participant_is_told_their_own_item_changed_in_words_for_its_kind(monkeypatch):
    monkeypatch.setattr(messages, "current_user", SimpleNamespace(is_authenticated=True, role=Role.PARTICIPANT))
    _distinct({kind: messages._stale(kind, ItemState.DRAFT) for kind in KINDS})


FORMAT_WORDS = {
    "format_name": words.format_name,
    "format_title": words.format_title,
    "explanation": words.explanation,
    "own yes button": lambda f: words.own_consent_button(f, True),
    "own no button": lambda f: words.own_consent_button(f, False),
    "facilitator's yes button": lambda f: words.consent_button(f, True),
    "facilitator's no button": lambda f: words.consent_button(f, False),
    "said yes": lambda f: participation._consent_message(f, True),
    "said no": lambda f: participation._consent_message(f, False),
    "harmed side not consented": lambda f: _refusal(Problem.RELEASE_NO_CONSENT, side=Side.HARMED, format=f),
    "responsible side not consented": lambda f: _refusal(Problem.RELEASE_NO_CONSENT, side=Side.RESPONSIBLE, format=f),
    "audit: given": lambda f: str(LABELS[AuditAction.consent(f, True)]),
    "audit: withdrawn": lambda f: str(LABELS[AuditAction.consent(f, False)]),
}


@pytest.mark.parametrize("name", FORMAT_WORDS)
def test_every_way_of_taking_part_has_its_own_words(name):
    _distinct({consent_format: FORMAT_WORDS[name](consent_format) for consent_format in FORMATS})


def test_every_audit_action_has_a_label():
    assert set(LABELS) == set(AuditAction)


def test_recorded_messages_are_named_plainly():
    assert words.noun(ItemKind.RECORDING) == "recorded message"
    assert words.kind_name(ItemKind.RECORDING) == "Recorded message"
    assert words.format_name(ConsentFormat.RECORDINGS) == "recorded messages"
    assert words.writing_box_label(ItemKind.RECORDING, True) == "What your recording says, in writing"
    assert "rather read" in words.writing_box_hint(ItemKind.RECORDING, True)
    assert words.writing_box_hint(ItemKind.LETTER, True).startswith("Write in your own words.")
    empty = _refusal(Problem.ITEM_EMPTY, kind=ItemKind.RECORDING)
    assert "what the recording says" in empty and "summary" in empty


def test_the_explanation_of_recordings_says_what_saying_yes_means():
    text = words.explanation(ConsentFormat.RECORDINGS)
    for said in (
        "video or audio message",
        "watches or listens to every one first",
        "A written copy of what it says always comes with it",
        "read that instead of watching or listening",
        "say no at any time",
    ):
        assert said in text, said


def test_a_recording_made_with_the_facilitator_says_so():
    speaker = Speaker(Side.RESPONSIBLE, ParticipantRole.PRINCIPAL, "", "")
    line = Attribution(Line.TRANSCRIBED, speaker, ItemKind.RECORDING)
    assert words.attribution(line) == "Recorded with your facilitator, who also wrote down what it says"
