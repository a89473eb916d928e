"""Who is told what, and when a failed message is tried again: plain rules, no database."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from portal.domain.cases import Case, Participant
from portal.domain.enums import ItemKind, ItemState, ParticipantRole, RiskLevel, Side, Stage, TakingPart
from portal.domain.items import Confirmation, Item
from portal.domain.notifications import (
    BACKOFF,
    MAX_ATTEMPTS,
    NotificationKind,
    Preferences,
    next_attempt,
    reachable,
    told_of_item_change,
    wants,
)

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
HARMED_USER, RESPONSIBLE_USER, FACILITATOR = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def person(side: Side, **fields) -> Participant:
    return Participant(id=uuid.uuid4(), side=side, role=ParticipantRole.PRINCIPAL, **fields)


def world(**responsible_changes) -> tuple[Case, Participant, Participant]:
    harmed = person(Side.HARMED, user_id=HARMED_USER)
    responsible = person(Side.RESPONSIBLE, **{"user_id": RESPONSIBLE_USER, **responsible_changes})
    case = Case(
        id=uuid.uuid4(),
        stage=Stage.EXCHANGE,
        risk_level=RiskLevel.LOW,
        facilitator_ids=frozenset({FACILITATOR}),
        participants=(harmed, responsible),
    )
    return case, harmed, responsible


def letter(case: Case, author: Participant, state: ItemState, **changes) -> Item:
    return Item(id=uuid.uuid4(), case_id=case.id, kind=ItemKind.LETTER, author_id=author.id, state=state, **changes)


@pytest.mark.parametrize(
    ("by_email", "digest", "kind", "told"),
    [
        (True, True, NotificationKind.NEW_TO_READ, True),
        (False, True, NotificationKind.NEW_TO_READ, False),
        (True, False, NotificationKind.DIGEST, False),
        (False, True, NotificationKind.DIGEST, False),
        (False, False, NotificationKind.ACCOUNT_CHANGED, True),  # how someone learns another is in their account
        (False, False, NotificationKind.PASSWORD_RESET, True),  # they asked for it
    ],
)
def test_what_a_person_chose_decides_what_they_are_told(by_email, digest, kind, told):
    assert wants(Preferences(by_email, digest), kind, staff=True) is told


def test_failed_messages_back_off_then_fail_for_good():
    waits = [next_attempt(attempts, NOW) for attempts in range(1, MAX_ATTEMPTS + 1)]
    assert waits[:-1] == [NOW + wait for wait in BACKOFF]
    assert waits[-1] is None
    assert all(later > earlier for earlier, later in itertools.pairwise(waits[:-1]))


def test_a_released_letter_tells_its_reader_only():
    case, harmed, _responsible = world()
    before = letter(case, harmed, ItemState.APPROVED)
    told = told_of_item_change(before, replace(before, state=ItemState.RELEASED), case)
    assert told == [(RESPONSIBLE_USER, NotificationKind.NEW_TO_READ)]


@pytest.mark.parametrize(
    "changes",
    [{"withdrawn": True}, {"taking_part": TakingPart.OFFLINE, "user_id": None}, {"user_id": None}],
    ids=["stopped", "offline", "not-joined"],
)
def test_a_reader_who_stopped_is_offline_or_has_no_account_is_never_told(changes):
    case, harmed, responsible = world(**changes)
    assert not reachable(case.participant(responsible.id))
    before = letter(case, harmed, ItemState.APPROVED)
    assert told_of_item_change(before, replace(before, state=ItemState.RELEASED), case) == []


def test_a_returned_item_tells_its_writer_and_a_note_to_confirm_tells_its_author():
    case, harmed, _responsible = world()
    sent = letter(case, harmed, ItemState.SUBMITTED)
    assert told_of_item_change(sent, replace(sent, state=ItemState.RETURNED), case) == [
        (HARMED_USER, NotificationKind.RETURNED)
    ]
    note = replace(letter(case, harmed, ItemState.DRAFT), kind=ItemKind.SHUTTLE_NOTE, entered_by=FACILITATOR)
    written = replace(note, parts=("What I want them to know.",))
    assert told_of_item_change(note, written, case) == [(HARMED_USER, NotificationKind.NEW_TO_READ)]
    confirmed = replace(written, confirmation=Confirmation(NOW, HARMED_USER, False))
    assert told_of_item_change(written, confirmed, case) == []  # confirming it tells nobody
    assert told_of_item_change(sent, replace(sent, parts=("edited",)), case) == []  # nor does an edit


@pytest.mark.parametrize(
    "kind", [NotificationKind.ACCOUNT_CHANGED, NotificationKind.DIGEST, NotificationKind.PARTICIPANT_STOPPED]
)
def test_participants_are_never_sent_what_is_for_staff(kind):
    """Not even account changes: a facilitator may reset a participant's password because their
    inbox is not safe, and an email about it would say so to whoever reads it."""
    assert wants(Preferences(True, True), kind, staff=True)
    assert not wants(Preferences(True, True), kind, staff=False)
