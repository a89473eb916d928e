"""What a page offers to write matches the domain; every writer of a shuttle note counts as one."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime

from portal.domain.actors import Actor
from portal.domain.cases import Case, Participant
from portal.domain.consent import ConsentRecord
from portal.domain.enums import (
    ConsentFormat,
    ItemKind,
    ItemState,
    ParticipantRole,
    ReviewDecision,
    RiskLevel,
    Role,
    Side,
    Stage,
)
from portal.domain.items import confirm_shuttle_note, may_start, review, save_draft, start_item, submit

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def _case(harmed_formats=(), stage=Stage.EXCHANGE):
    harmed = Participant(uuid.uuid4(), Side.HARMED, ParticipantRole.PRINCIPAL, uuid.uuid4())
    responsible = Participant(uuid.uuid4(), Side.RESPONSIBLE, harmed.role, uuid.uuid4())
    consents = tuple(ConsentRecord(harmed.id, f, True, NOW, harmed.user_id, False) for f in harmed_formats)
    consents += tuple(ConsentRecord(responsible.id, f, True, NOW, responsible.user_id, False) for f in ConsentFormat)
    return (
        Case(uuid.uuid4(), stage, RiskLevel.LOW, frozenset(), (harmed, responsible), consents, True),
        harmed,
        responsible,
    )


def test_the_responsible_side_is_offered_a_letter_only_after_the_harmed_side_agrees():
    case, _harmed, responsible = _case(harmed_formats=(ConsentFormat.QUESTIONS,))
    actor = Actor(responsible.user_id, Role.PARTICIPANT)
    assert not may_start(case, actor, responsible, ItemKind.LETTER)
    case, _harmed, responsible = _case(harmed_formats=(ConsentFormat.LETTERS,))
    assert may_start(case, Actor(responsible.user_id, Role.PARTICIPANT), responsible, ItemKind.LETTER)


def test_the_responsible_side_is_offered_a_recording_only_after_the_harmed_side_agrees_to_recordings():
    case, harmed, responsible = _case(harmed_formats=(ConsentFormat.LETTERS, ConsentFormat.SHUTTLE))
    assert not may_start(case, Actor(responsible.user_id, Role.PARTICIPANT), responsible, ItemKind.RECORDING)
    assert may_start(case, Actor(harmed.user_id, Role.PARTICIPANT), harmed, ItemKind.RECORDING)  # they go first
    case, _harmed, responsible = _case(harmed_formats=(ConsentFormat.RECORDINGS,))
    assert may_start(case, Actor(responsible.user_id, Role.PARTICIPANT), responsible, ItemKind.RECORDING)
    assert not may_start(case, Actor(uuid.uuid4(), Role.FACILITATOR), responsible, ItemKind.RECORDING)


def test_only_the_harmed_side_is_offered_questions():
    case, harmed, responsible = _case(harmed_formats=tuple(ConsentFormat))
    assert may_start(case, Actor(harmed.user_id, Role.PARTICIPANT), harmed, ItemKind.QUESTION_SET)
    assert not may_start(case, Actor(responsible.user_id, Role.PARTICIPANT), responsible, ItemKind.QUESTION_SET)


def test_nothing_is_offered_in_a_closed_case_or_to_someone_else():
    case, harmed, responsible = _case(harmed_formats=tuple(ConsentFormat), stage=Stage.CLOSED)
    assert not may_start(case, Actor(harmed.user_id, Role.PARTICIPANT), harmed, ItemKind.LETTER)
    case, harmed, responsible = _case(harmed_formats=tuple(ConsentFormat))
    assert not may_start(case, Actor(responsible.user_id, Role.PARTICIPANT), harmed, ItemKind.LETTER)


def test_a_facilitator_who_wrote_part_of_a_note_cannot_be_its_only_approver():
    case, harmed, _responsible = _case(harmed_formats=tuple(ConsentFormat))
    starter, finisher = uuid.uuid4(), uuid.uuid4()
    case = replace(case, facilitator_ids=frozenset({starter, finisher}))
    note = start_item(uuid.uuid4(), case, Actor(starter, Role.FACILITATOR), ItemKind.SHUTTLE_NOTE, harmed.id)
    note = save_draft(note, case, Actor(finisher, Role.FACILITATOR), ["All she said, written by the other one."])
    note = confirm_shuttle_note(note, case, Actor(finisher, Role.FACILITATOR), NOW)
    note = submit(note, case, Actor(finisher, Role.FACILITATOR))
    approved = review(note, case, Actor(finisher, Role.FACILITATOR), ReviewDecision.APPROVE)
    assert approved.state == ItemState.AWAITING_SECOND_APPROVAL
    assert set(approved.writers) == {starter, finisher}
