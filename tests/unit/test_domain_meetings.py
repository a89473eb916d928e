"""Preparation meetings and the conference, as plain rules."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from portal.domain.actors import Actor
from portal.domain.cases import Case, Participant
from portal.domain.consent import ConsentRecord
from portal.domain.enums import (
    ConsentFormat,
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    ParticipantRole,
    RiskLevel,
    Role,
    Side,
    Stage,
)
from portal.domain.errors import NotAllowed
from portal.domain.meetings import (
    Meeting,
    MeetingPlan,
    cancel_meeting,
    change_meeting,
    hold_meeting,
    plan_meeting,
)
from portal.domain.problems import Problem
from tests.unit.refusals import refused


def uid(n: int) -> UUID:
    return UUID(int=n)


NOW = datetime(2026, 5, 14, 9, 0, tzinfo=UTC)
TODAY = date(2026, 5, 14)
LATER = NOW + timedelta(days=7)
LEAD, CO, UNASSIGNED = Actor(uid(1), Role.FACILITATOR), Actor(uid(2), Role.FACILITATOR), Actor(uid(3), Role.FACILITATOR)
MANAGER = Actor(uid(4), Role.MANAGER)
HARMED = Participant(uid(10), Side.HARMED, ParticipantRole.PRINCIPAL, uid(110))
HARMED_SUPPORTER = Participant(uid(11), Side.HARMED, ParticipantRole.SUPPORTER, relationship="her sister")
RESPONSIBLE = Participant(uid(20), Side.RESPONSIBLE, ParticipantRole.PRINCIPAL, uid(120))
RESPONSIBLE_PROXY = Participant(uid(21), Side.RESPONSIBLE, ParticipantRole.PROXY, relationship="his father")
RESPONSIBLE_SUPPORTER = Participant(uid(22), Side.RESPONSIBLE, ParticipantRole.SUPPORTER, relationship="his mentor")
PEOPLE = (HARMED, HARMED_SUPPORTER, RESPONSIBLE, RESPONSIBLE_PROXY, RESPONSIBLE_SUPPORTER)


def consent(participant: Participant, given: bool = True, minute: int = 0) -> ConsentRecord:
    at = datetime(2026, 5, 1, 10, minute, tzinfo=UTC)
    return ConsentRecord(participant.id, ConsentFormat.MEETING, given, at, participant.id, False)


def make_case(
    stage: Stage = Stage.EXCHANGE,
    people: tuple[Participant, ...] = PEOPLE,
    consents: tuple[ConsentRecord, ...] = (consent(HARMED), consent(RESPONSIBLE)),
) -> Case:
    paused_from = Stage.EXCHANGE if stage in (Stage.PAUSED, Stage.WITHDRAWN) else None
    facilitators = frozenset({LEAD.user_id, CO.user_id})
    return Case(uid(1000), stage, RiskLevel.MEDIUM, facilitators, people, consents, paused_from=paused_from)


PREPARATION = MeetingPlan(
    MeetingKind.PREPARATION,
    MeetingMode.IN_PERSON,
    LATER,
    (LEAD.user_id,),
    participant_id=HARMED.id,
    venue="  The library, room 2 ",
)
CONFERENCE = MeetingPlan(
    MeetingKind.CONFERENCE,
    MeetingMode.IN_PERSON,
    LATER,
    (LEAD.user_id, CO.user_id),
    attendee_ids=(HARMED.id, HARMED_SUPPORTER.id, RESPONSIBLE.id, RESPONSIBLE_SUPPORTER.id),
    venue="Community centre",
    safety_plan="Arrive ten minutes apart; a break room each.",
)


def planned(plan: MeetingPlan = CONFERENCE, case: Case | None = None) -> Meeting:
    return Meeting(uid(500), plan_meeting(case or make_case(Stage.PREPARATION), LEAD, plan, NOW))


# --- Who, and when ---------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", [UNASSIGNED, MANAGER, Actor(HARMED.user_id, Role.PARTICIPANT)])  # type: ignore[arg-type]
def test_only_an_assigned_facilitator_arranges_meetings(actor):
    with refused(Problem.CASE_NOT_FACILITATOR, NotAllowed):
        plan_meeting(make_case(), actor, PREPARATION, NOW)
    with refused(Problem.CASE_NOT_FACILITATOR, NotAllowed):
        cancel_meeting(make_case(), actor, planned())


def test_no_meetings_on_a_closed_case_not_even_cancelling():
    case = make_case(Stage.CLOSED)
    with refused(Problem.CASE_CLOSED):
        plan_meeting(case, LEAD, PREPARATION, NOW)
    with refused(Problem.CASE_CLOSED):
        hold_meeting(case, LEAD, planned(), TODAY, "It went well.", TODAY)
    with refused(Problem.CASE_CLOSED):
        cancel_meeting(case, LEAD, planned())


@pytest.mark.parametrize("stage", [Stage.PAUSED, Stage.WITHDRAWN])
def test_while_a_case_is_halted_a_meeting_can_only_be_cancelled(stage):
    case = make_case(stage)
    with refused(Problem.MEETING_CASE_HALTED):
        plan_meeting(case, LEAD, PREPARATION, NOW)
    with refused(Problem.MEETING_CASE_HALTED):
        change_meeting(case, LEAD, planned(), CONFERENCE, NOW)
    with refused(Problem.MEETING_CASE_HALTED):
        hold_meeting(case, LEAD, planned(), TODAY, "It went well.", TODAY)
    assert cancel_meeting(case, LEAD, planned()).status == MeetingStatus.CANCELLED


def test_a_meeting_is_planned_in_the_future():
    with refused(Problem.MEETING_TIME_PAST):
        plan_meeting(make_case(), LEAD, replace(PREPARATION, starts_at=NOW), NOW)
    with pytest.raises(ValueError):
        plan_meeting(make_case(), LEAD, replace(PREPARATION, starts_at=LATER.replace(tzinfo=None)), NOW)


# --- Preparation meetings ---------------------------------------------------------------------------


@pytest.mark.parametrize("stage", [Stage.REFERRAL, Stage.ASSESSMENT, Stage.PREPARATION, Stage.EXCHANGE])
def test_a_preparation_meeting_is_with_one_person_at_any_open_stage(stage):
    plan = plan_meeting(make_case(stage, consents=()), LEAD, PREPARATION, NOW)
    assert plan.attendee_ids == (HARMED.id,) and plan.venue == "The library, room 2"
    assert not plan.ground_rules_agreed


def test_a_preparation_meeting_names_its_person_and_keeps_to_their_side():
    with refused(Problem.MEETING_CHOOSE_PERSON):
        plan_meeting(make_case(), LEAD, replace(PREPARATION, participant_id=None), NOW)
    with refused(Problem.PERSON_NOT_IN_CASE):
        plan_meeting(make_case(), LEAD, replace(PREPARATION, participant_id=uid(99)), NOW)
    with_supporter = plan_meeting(make_case(), LEAD, replace(PREPARATION, attendee_ids=(HARMED_SUPPORTER.id,)), NOW)
    assert with_supporter.attendee_ids == (HARMED.id, HARMED_SUPPORTER.id)
    with refused(Problem.MEETING_PREPARATION_ONE_SIDE):
        plan_meeting(make_case(), LEAD, replace(PREPARATION, attendee_ids=(RESPONSIBLE.id,)), NOW)


def test_nobody_who_stopped_taking_part_is_met():
    stopped = replace(HARMED, withdrawn=True)
    case = make_case(Stage.PREPARATION, people=(stopped, RESPONSIBLE))
    with refused(Problem.MEETING_PERSON_STOPPED):
        plan_meeting(case, LEAD, PREPARATION, NOW)


def test_the_facilitators_are_assigned_to_the_case():
    with refused(Problem.MEETING_CHOOSE_FACILITATOR):
        plan_meeting(make_case(), LEAD, replace(PREPARATION, facilitator_ids=()), NOW)
    with refused(Problem.MEETING_FACILITATOR_NOT_ASSIGNED):
        plan_meeting(make_case(), LEAD, replace(PREPARATION, facilitator_ids=(LEAD.user_id, UNASSIGNED.user_id)), NOW)


def test_in_person_needs_a_venue_video_and_phone_do_not_yet():
    with refused(Problem.MEETING_VENUE_MISSING):
        plan_meeting(make_case(), LEAD, replace(PREPARATION, venue="  "), NOW)
    for mode in (MeetingMode.VIDEO, MeetingMode.PHONE):
        assert plan_meeting(make_case(), LEAD, replace(PREPARATION, mode=mode, venue=""), NOW).mode == mode


# --- The conference --------------------------------------------------------------------------------


def test_a_conference_with_supporters_is_planned_from_preparation_on():
    for stage in (Stage.PREPARATION, Stage.EXCHANGE, Stage.AGREEMENT, Stage.FOLLOW_UP):
        plan = plan_meeting(make_case(stage), LEAD, CONFERENCE, NOW)
        assert plan.attendee_ids == CONFERENCE.attendee_ids and plan.participant_id is None
    for stage in (Stage.REFERRAL, Stage.ASSESSMENT):
        with refused(Problem.MEETING_CONFERENCE_STAGE):
            plan_meeting(make_case(stage), LEAD, CONFERENCE, NOW)


def test_a_conference_needs_two_different_facilitators():
    for facilitators in ((LEAD.user_id,), (LEAD.user_id, LEAD.user_id)):
        with refused(Problem.MEETING_TWO_FACILITATORS):
            plan_meeting(make_case(), LEAD, replace(CONFERENCE, facilitator_ids=facilitators), NOW)


def test_a_conference_needs_a_principal_or_proxy_of_each_side():
    supporters_only = (HARMED.id, HARMED_SUPPORTER.id, RESPONSIBLE_SUPPORTER.id)
    with refused(Problem.MEETING_SIDE_MISSING, side=Side.RESPONSIBLE):
        plan_meeting(make_case(), LEAD, replace(CONFERENCE, attendee_ids=supporters_only), NOW)
    with refused(Problem.MEETING_SIDE_MISSING, side=Side.HARMED):
        plan_meeting(make_case(), LEAD, replace(CONFERENCE, attendee_ids=(RESPONSIBLE.id,)), NOW)
    by_proxy = replace(CONFERENCE, attendee_ids=(HARMED.id, RESPONSIBLE_PROXY.id, HARMED.id))
    assert plan_meeting(make_case(), LEAD, by_proxy, NOW).attendee_ids == (HARMED.id, RESPONSIBLE_PROXY.id)


def test_everyone_at_a_conference_is_still_taking_part():
    people = (HARMED, replace(HARMED_SUPPORTER, withdrawn=True), RESPONSIBLE, RESPONSIBLE_PROXY, RESPONSIBLE_SUPPORTER)
    with refused(Problem.MEETING_PERSON_STOPPED):
        plan_meeting(make_case(people=people), LEAD, CONFERENCE, NOW)
    with refused(Problem.PERSON_NOT_IN_CASE):
        plan_meeting(make_case(), LEAD, replace(CONFERENCE, attendee_ids=(*CONFERENCE.attendee_ids, uid(99))), NOW)


def test_a_conference_needs_both_sides_current_consent_to_a_meeting():
    with refused(Problem.MEETING_NO_CONSENT, side=Side.RESPONSIBLE):
        plan_meeting(make_case(consents=(consent(HARMED),)), LEAD, CONFERENCE, NOW)
    withdrawn = (consent(HARMED), consent(HARMED, given=False, minute=5), consent(RESPONSIBLE))
    with refused(Problem.MEETING_NO_CONSENT, side=Side.HARMED):
        plan_meeting(make_case(consents=withdrawn), LEAD, CONFERENCE, NOW)
    # A supporter's consent never speaks for a side.
    supporter = (consent(HARMED_SUPPORTER), consent(RESPONSIBLE))
    with refused(Problem.MEETING_NO_CONSENT, side=Side.HARMED):
        plan_meeting(make_case(consents=supporter), LEAD, CONFERENCE, NOW)


def test_a_conference_needs_a_safety_plan():
    with refused(Problem.MEETING_SAFETY_PLAN_MISSING):
        plan_meeting(make_case(), LEAD, replace(CONFERENCE, safety_plan=" \n"), NOW)


# --- Changing, holding, cancelling ------------------------------------------------------------------------


def test_a_planned_meeting_is_changed_and_keeps_its_kind():
    meeting = planned()
    moved = change_meeting(
        make_case(), LEAD, meeting, replace(CONFERENCE, kind=MeetingKind.PREPARATION, mode=MeetingMode.VIDEO), NOW
    )
    assert moved.plan.kind == MeetingKind.CONFERENCE and moved.plan.mode == MeetingMode.VIDEO
    with refused(Problem.MEETING_TWO_FACILITATORS):
        change_meeting(make_case(), LEAD, meeting, replace(CONFERENCE, facilitator_ids=(CO.user_id,)), NOW)


def test_a_conference_is_held_in_the_exchange_with_ground_rules_agreed():
    meeting = planned()
    with refused(Problem.MEETING_GROUND_RULES):
        hold_meeting(make_case(), LEAD, meeting, TODAY, "They talked for an hour.", TODAY)
    held = hold_meeting(make_case(), LEAD, meeting, TODAY, "They talked for an hour.", TODAY, ground_rules_agreed=True)
    assert held.status == MeetingStatus.HELD and held.held_on == TODAY and held.plan.ground_rules_agreed
    assert held.what_happened == "They talked for an hour."
    agreed_before = planned(replace(CONFERENCE, ground_rules_agreed=True))
    assert hold_meeting(make_case(), LEAD, agreed_before, TODAY, "Apology given.", TODAY).status == MeetingStatus.HELD


def test_a_conference_is_not_held_before_the_exchange():
    with refused(Problem.MEETING_CONFERENCE_BEFORE_EXCHANGE):
        hold_meeting(make_case(Stage.PREPARATION), LEAD, planned(), TODAY, "They met.", TODAY, ground_rules_agreed=True)


def test_a_conference_is_not_held_once_a_side_has_taken_back_its_consent():
    taken_back = (consent(HARMED), consent(RESPONSIBLE), consent(RESPONSIBLE, given=False, minute=9))
    with refused(Problem.MEETING_NO_CONSENT, side=Side.RESPONSIBLE):
        hold_meeting(make_case(consents=taken_back), LEAD, planned(), TODAY, "x", TODAY, ground_rules_agreed=True)


def test_holding_says_what_happened_on_a_day_not_in_the_future():
    meeting = planned(PREPARATION)
    with refused(Problem.MEETING_HELD_DATE_FUTURE):
        hold_meeting(make_case(), LEAD, meeting, date(2026, 5, 15), "Went well.", TODAY)
    with refused(Problem.MEETING_WHAT_HAPPENED_MISSING):
        hold_meeting(make_case(), LEAD, meeting, TODAY, "  ", TODAY)
    held = hold_meeting(make_case(Stage.PREPARATION), LEAD, meeting, date(2026, 5, 13), "She is ready.", TODAY)
    assert held.status == MeetingStatus.HELD and not held.plan.ground_rules_agreed


@pytest.mark.parametrize("status", [MeetingStatus.HELD, MeetingStatus.CANCELLED])
def test_a_held_or_cancelled_meeting_is_final(status):
    done = replace(planned(), status=status)
    with refused(Problem.MEETING_NOT_PLANNED, status=status):
        change_meeting(make_case(), LEAD, done, CONFERENCE, NOW)
    with refused(Problem.MEETING_NOT_PLANNED, status=status):
        hold_meeting(make_case(), LEAD, done, TODAY, "x", TODAY, ground_rules_agreed=True)
    with refused(Problem.MEETING_NOT_PLANNED, status=status):
        cancel_meeting(make_case(), LEAD, done)
