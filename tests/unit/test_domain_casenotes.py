"""Case notes, the contact log and follow-up, as plain rules."""

from dataclasses import replace
from datetime import date, datetime
from uuid import UUID

import pytest

from portal.domain.actors import Actor
from portal.domain.casenotes import (
    Contact,
    FollowUpContact,
    add_note,
    follow_ups,
    latest_follow_ups,
    record_contact,
    still_to_follow_up,
)
from portal.domain.cases import Case, Participant
from portal.domain.enums import ContactMethod, ContactPurpose, Feeling, ParticipantRole, RiskLevel, Role, Side, Stage
from portal.domain.errors import NotAllowed
from portal.domain.problems import Problem
from tests.unit.refusals import refused


def uid(n: int) -> UUID:
    return UUID(int=n)


TODAY = date(2026, 5, 14)
FACILITATOR = Actor(uid(1), Role.FACILITATOR)
OTHER_FACILITATOR = Actor(uid(2), Role.FACILITATOR)
MANAGER = Actor(uid(3), Role.MANAGER)
HARMED = Participant(uid(10), Side.HARMED, ParticipantRole.PRINCIPAL, uid(110))
SUPPORTER = Participant(uid(11), Side.HARMED, ParticipantRole.SUPPORTER, relationship="her friend")
RESPONSIBLE = Participant(uid(20), Side.RESPONSIBLE, ParticipantRole.PRINCIPAL, uid(120))
PROXY = Participant(uid(21), Side.RESPONSIBLE, ParticipantRole.PROXY, relationship="his mother", withdrawn=True)
PARTICIPANT = Actor(HARMED.user_id, Role.PARTICIPANT)  # type: ignore[arg-type]


def make_case(stage: Stage = Stage.PREPARATION) -> Case:
    return Case(
        uid(1000), stage, RiskLevel.LOW, frozenset({FACILITATOR.user_id}), (HARMED, SUPPORTER, RESPONSIBLE, PROXY)
    )


CALL = Contact(ContactMethod.PHONE, ContactPurpose.GENERAL, TODAY, "She wants to write first.", HARMED.id)


# --- Notes -------------------------------------------------------------------------------------------


def test_a_note_is_kept_exactly_as_typed():
    assert add_note(make_case(), FACILITATOR, "  Spoke to her.\nShe is ready.  ") == "  Spoke to her.\nShe is ready.  "


def test_an_empty_note_is_refused():
    with refused(Problem.NOTE_EMPTY):
        add_note(make_case(), FACILITATOR, " \n ")


@pytest.mark.parametrize("actor", [OTHER_FACILITATOR, MANAGER, PARTICIPANT])
def test_only_an_assigned_facilitator_writes_the_record(actor):
    with refused(Problem.CASE_NOT_FACILITATOR, NotAllowed):
        add_note(make_case(), actor, "A note")
    with refused(Problem.CASE_NOT_FACILITATOR, NotAllowed):
        record_contact(make_case(), actor, CALL, TODAY)


def test_nothing_is_written_to_a_closed_case():
    with refused(Problem.CASE_CLOSED):
        add_note(make_case(Stage.CLOSED), FACILITATOR, "A note")
    with refused(Problem.CASE_CLOSED):
        record_contact(make_case(Stage.CLOSED), FACILITATOR, CALL, TODAY)


@pytest.mark.parametrize("stage", [Stage.PAUSED, Stage.WITHDRAWN])
def test_notes_and_contacts_carry_on_while_a_case_is_halted(stage):
    case = replace(make_case(stage), paused_from=Stage.PREPARATION)
    assert add_note(case, FACILITATOR, "Called after she stopped.")
    assert record_contact(case, FACILITATOR, CALL, TODAY) == CALL


# --- Contacts -----------------------------------------------------------------------------------------


def test_a_contact_with_a_person_of_the_case_drops_any_other_words_for_who():
    recorded = record_contact(make_case(), FACILITATOR, replace(CALL, with_whom="ignored"), TODAY)
    assert recorded.participant_id == HARMED.id and recorded.with_whom == ""


def test_a_contact_with_someone_else_is_described_in_words():
    contact = replace(CALL, participant_id=None, with_whom="  prison offender manager ", method=ContactMethod.EMAIL)
    assert record_contact(make_case(), FACILITATOR, contact, TODAY).with_whom == "prison offender manager"


def test_a_contact_says_who_it_was_with():
    with refused(Problem.CONTACT_WHO_MISSING):
        record_contact(make_case(), FACILITATOR, replace(CALL, participant_id=None, with_whom="  "), TODAY)


def test_a_person_of_another_case_is_refused():
    with refused(Problem.PERSON_NOT_IN_CASE):
        record_contact(make_case(), FACILITATOR, replace(CALL, participant_id=uid(99)), TODAY)


def test_a_contact_cannot_happen_in_the_future():
    assert record_contact(make_case(), FACILITATOR, CALL, TODAY).happened_on == TODAY
    with refused(Problem.CONTACT_DATE_FUTURE):
        record_contact(make_case(), FACILITATOR, replace(CALL, happened_on=date(2026, 5, 15)), TODAY)


def test_a_contact_says_how_it_went():
    with refused(Problem.CONTACT_HOW_IT_WENT_MISSING):
        record_contact(make_case(), FACILITATOR, replace(CALL, how_it_went=" "), TODAY)


def test_a_next_step_date_needs_its_words_and_comes_after_the_contact():
    dated = replace(CALL, next_step="Visit to prepare", next_step_on=date(2026, 5, 20))
    assert record_contact(make_case(), FACILITATOR, dated, TODAY).next_step_on == date(2026, 5, 20)
    assert record_contact(make_case(), FACILITATOR, replace(dated, next_step_on=TODAY), TODAY)
    with refused(Problem.CONTACT_NEXT_STEP_WORDS_MISSING):
        record_contact(make_case(), FACILITATOR, replace(dated, next_step=" "), TODAY)
    with refused(Problem.CONTACT_NEXT_STEP_BEFORE_CONTACT):
        record_contact(make_case(), FACILITATOR, replace(dated, next_step_on=date(2026, 5, 13)), TODAY)


def test_a_next_step_without_a_date_is_fine():
    assert (
        record_contact(make_case(), FACILITATOR, replace(CALL, next_step="Wait for her call"), TODAY).next_step_on
        is None
    )


FOLLOW_UP = replace(CALL, purpose=ContactPurpose.FOLLOW_UP, feeling=Feeling.BETTER, feeling_words="Lighter")


def test_a_follow_up_says_how_the_person_feels_now():
    assert record_contact(make_case(Stage.FOLLOW_UP), FACILITATOR, FOLLOW_UP, TODAY).feeling == Feeling.BETTER
    not_said = replace(FOLLOW_UP, feeling=Feeling.NOT_SAID, feeling_words="")
    assert record_contact(make_case(Stage.FOLLOW_UP), FACILITATOR, not_said, TODAY).feeling == Feeling.NOT_SAID
    with refused(Problem.CONTACT_FEELING_MISSING):
        record_contact(make_case(Stage.FOLLOW_UP), FACILITATOR, replace(FOLLOW_UP, feeling=None), TODAY)


@pytest.mark.parametrize("stage", [Stage.REFERRAL, Stage.ASSESSMENT, Stage.PREPARATION])
def test_follow_up_comes_after_the_exchange(stage):
    with refused(Problem.CONTACT_FOLLOW_UP_BEFORE_EXCHANGE):
        record_contact(make_case(stage), FACILITATOR, FOLLOW_UP, TODAY)
    paused_before = replace(make_case(Stage.PAUSED), paused_from=stage)
    with refused(Problem.CONTACT_FOLLOW_UP_BEFORE_EXCHANGE):
        record_contact(paused_before, FACILITATOR, FOLLOW_UP, TODAY)
    paused_after = replace(make_case(Stage.PAUSED), paused_from=Stage.EXCHANGE)
    assert record_contact(paused_after, FACILITATOR, FOLLOW_UP, TODAY).feeling == Feeling.BETTER


def test_a_follow_up_is_with_a_person_of_the_case():
    someone_else = replace(FOLLOW_UP, participant_id=None, with_whom="her GP")
    with refused(Problem.CONTACT_FOLLOW_UP_NEEDS_PERSON):
        record_contact(make_case(Stage.FOLLOW_UP), FACILITATOR, someone_else, TODAY)


@pytest.mark.parametrize("purpose", [ContactPurpose.GENERAL, ContactPurpose.PREPARATION])
def test_a_feeling_belongs_to_follow_up_contacts_only(purpose):
    with refused(Problem.CONTACT_FEELING_ONLY_FOLLOW_UP):
        record_contact(make_case(), FACILITATOR, replace(CALL, purpose=purpose, feeling=Feeling.SAME), TODAY)
    with refused(Problem.CONTACT_FEELING_ONLY_FOLLOW_UP):
        record_contact(make_case(), FACILITATOR, replace(CALL, purpose=purpose, feeling_words="fine"), TODAY)


# --- Follow-up ----------------------------------------------------------------------------------------


def seen(participant: Participant, day: int, feeling: Feeling, minute: int = 0) -> FollowUpContact:
    return FollowUpContact(participant.id, date(2026, 5, day), datetime(2026, 5, 20, 9, minute), feeling)


def test_the_latest_follow_up_is_by_the_day_it_happened_then_by_when_it_was_recorded():
    contacts = [
        seen(HARMED, 12, Feeling.WORSE, minute=30),
        seen(HARMED, 14, Feeling.SAME, minute=1),
        seen(HARMED, 14, Feeling.BETTER, minute=2),
        seen(HARMED, 13, Feeling.WORSE, minute=59),
    ]
    assert latest_follow_ups(contacts)[HARMED.id].feeling == Feeling.BETTER
    assert latest_follow_ups(reversed(contacts))[HARMED.id].feeling == Feeling.BETTER


def test_follow_up_lists_each_principal_and_proxy_with_how_they_felt():
    summary = follow_ups(
        make_case(Stage.FOLLOW_UP), [seen(HARMED, 12, Feeling.WORSE), seen(HARMED, 14, Feeling.BETTER)]
    )
    assert [line.participant for line in summary] == [HARMED, RESPONSIBLE, PROXY]  # supporters speak for no side
    harmed, responsible, _ = summary
    assert harmed.done and harmed.contacted_on == date(2026, 5, 14) and harmed.feeling == Feeling.BETTER
    assert not responsible.done and responsible.feeling is None


def test_still_to_follow_up_leaves_out_supporters_and_those_who_stopped():
    case = make_case(Stage.FOLLOW_UP)
    assert still_to_follow_up(case, frozenset()) == (HARMED, RESPONSIBLE)
    assert still_to_follow_up(case, frozenset({HARMED.id})) == (RESPONSIBLE,)
    assert still_to_follow_up(case, frozenset({HARMED.id, RESPONSIBLE.id})) == ()
