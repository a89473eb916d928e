"""Eligibility, suitability and risk: what they check, which is current, and what they block."""

from dataclasses import replace
from datetime import date, datetime
from uuid import UUID

import pytest

from portal.domain import assessments as rules
from portal.domain.actors import Actor
from portal.domain.assessments import assessment_blockers, current, record_assessment, sign_off
from portal.domain.cases import Case, Participant, exchange_blockers, halted_by, move_case
from portal.domain.consent import ConsentRecord
from portal.domain.enums import (
    AssessmentOutcome,
    ConsentFormat,
    ParticipantRole,
    Proceedings,
    RiskFlag,
    RiskLevel,
    Role,
    Side,
    Stage,
    SupportNeed,
)
from portal.domain.errors import NotAllowed
from portal.domain.problems import Blocker, Problem
from tests.unit.casework_values import (
    assessment,
    eligible,
    ready_assessments,
    record,
    risk_of,
    suitable,
)
from tests.unit.refusals import refused


def uid(n: int) -> UUID:
    return UUID(int=n)


TODAY = date(2025, 3, 1)
NOW = datetime(2025, 3, 1, 10, 0)
FACILITATOR = Actor(uid(1), Role.FACILITATOR)
SENIOR = Actor(uid(2), Role.FACILITATOR)
HARMED = Participant(uid(10), Side.HARMED, ParticipantRole.PRINCIPAL, user_id=uid(110))
PROXY = Participant(uid(12), Side.HARMED, ParticipantRole.PROXY, relationship="her son")
SUPPORTER = Participant(uid(11), Side.HARMED, ParticipantRole.SUPPORTER)
RESPONSIBLE = Participant(uid(20), Side.RESPONSIBLE, ParticipantRole.PRINCIPAL)


BOTH_FACILITATORS = (FACILITATOR.user_id, SENIOR.user_id)


def case(stage: Stage = Stage.PREPARATION, people=(HARMED, SUPPORTER, RESPONSIBLE), facilitators=BOTH_FACILITATORS):
    consents = tuple(ConsentRecord(p.id, ConsentFormat.LETTERS, True, NOW, uid(1), False) for p in people)
    return Case(uid(1000), stage, RiskLevel.LOW, frozenset(facilitators), people, consents)


# --- recording -----------------------------------------------------------------------------------


def test_an_assessment_needs_reasons_and_a_date_not_in_the_future():
    with refused(Problem.ASSESSMENT_REASONS_NEEDED):
        record_assessment(case(), FACILITATOR, replace(eligible(), reasons="  "), TODAY)
    with refused(Problem.ASSESSMENT_DATE_FUTURE):
        record_assessment(case(), FACILITATOR, replace(eligible(), assessed_on=date(2025, 3, 2)), TODAY)
    assert record_assessment(case(), FACILITATOR, replace(eligible(), assessed_on=TODAY), TODAY).reasons


@pytest.mark.parametrize(
    "found",
    [
        rules.Eligibility(False, True, True, Proceedings.NONE),
        rules.Eligibility(True, False, True, Proceedings.NONE),
        rules.Eligibility(True, True, False, Proceedings.NONE),
    ],
    ids=["no identifiable person harmed", "no identifiable person responsible", "no admission"],
)
def test_a_case_is_eligible_only_with_both_people_and_an_admission(found):
    with refused(Problem.ASSESSMENT_NOT_ELIGIBLE):
        record_assessment(case(), FACILITATOR, assessment(found), TODAY)
    # ...but the facilitator can record that it is not, or not yet.
    not_yet = assessment(found, AssessmentOutcome.NEEDS_MORE_WORK)
    assert record_assessment(case(), FACILITATOR, not_yet, TODAY) == not_yet


def test_suitability_is_of_one_person_of_the_case_with_motivation_capacity_and_needs_explained():
    with refused(Problem.ASSESSMENT_CHOOSE_PERSON):
        record_assessment(case(), FACILITATOR, replace(suitable(HARMED.id), participant_id=None), TODAY)
    with refused(Problem.PERSON_NOT_IN_CASE):
        record_assessment(case(), FACILITATOR, suitable(uid(99)), TODAY)
    with refused(Problem.ASSESSMENT_SUITABILITY_INCOMPLETE):
        record_assessment(case(), FACILITATOR, assessment(rules.Suitability("", "Can."), person=HARMED.id), TODAY)
    needs = rules.Suitability("Wants to.", "Can.", frozenset({SupportNeed.LITERACY}))
    with refused(Problem.ASSESSMENT_NEEDS_DETAIL):
        record_assessment(case(), FACILITATOR, assessment(needs, person=HARMED.id), TODAY)
    explained = assessment(replace(needs, needs_detail="Letters read aloud at visits."), person=HARMED.id)
    assert record_assessment(case(), FACILITATOR, explained, TODAY) == explained


def test_risk_covers_everyone_taking_part_and_staff_and_the_overall_level_is_not_lower_than_any():
    the_case = case()
    missing_staff = rules.Risk((rules.PersonRisk(HARMED.id, RiskLevel.LOW),), RiskLevel.LOW)
    with refused(Problem.ASSESSMENT_RISK_EVERYONE):
        record_assessment(the_case, FACILITATOR, assessment(missing_staff), TODAY)
    everyone = risk_of(the_case)
    raised = replace(
        everyone.details,
        to_people=(*everyone.details.to_people[:-1], rules.PersonRisk(None, RiskLevel.HIGH, "threats to staff")),
    )
    with refused(Problem.ASSESSMENT_OVERALL_TOO_LOW):
        record_assessment(the_case, FACILITATOR, assessment(raised), TODAY)
    high = assessment(replace(raised, overall=RiskLevel.HIGH))
    assert record_assessment(the_case, FACILITATOR, high, TODAY) == high
    # Someone who stopped taking part need not be assessed.
    stopped = case(people=(HARMED, replace(SUPPORTER, withdrawn=True), RESPONSIBLE))
    people = (rules.PersonRisk(HARMED.id, RiskLevel.LOW), rules.PersonRisk(RESPONSIBLE.id, RiskLevel.LOW))
    without = assessment(rules.Risk((*people, rules.PersonRisk(None, RiskLevel.LOW)), RiskLevel.LOW))
    assert record_assessment(stopped, FACILITATOR, without, TODAY) == without


@pytest.mark.parametrize(
    "actor",
    [Actor(uid(9), Role.FACILITATOR), Actor(uid(7), Role.MANAGER), Actor(uid(110), Role.PARTICIPANT)],
    ids=["unassigned facilitator", "manager", "participant"],
)
def test_only_an_assigned_facilitator_records_an_assessment(actor):
    with pytest.raises(NotAllowed):
        record_assessment(case(), actor, eligible(), TODAY)


def test_a_closed_case_is_not_assessed():
    with refused(Problem.CASE_CLOSED):
        record_assessment(case(Stage.CLOSED), FACILITATOR, eligible(), TODAY)


# --- which assessment is current ----------------------------------------------------------------------


def test_the_latest_of_each_kind_and_person_is_current_and_the_history_stays():
    first = suitable(HARMED.id, AssessmentOutcome.NEEDS_MORE_WORK)
    later = replace(suitable(HARMED.id), recorded_at=datetime(2025, 3, 1))
    other = suitable(RESPONSIBLE.id, AssessmentOutcome.NOT_SUITABLE)
    now = current([later, other, first, eligible()])
    assert now.suitability == {HARMED.id: later, RESPONSIBLE.id: other}
    assert now.eligibility is not None and now.risk is None


# --- what the assessments block ------------------------------------------------------------------------


def test_a_fully_assessed_case_enters_the_exchange():
    the_case = case()
    assert assessment_blockers(the_case, current(ready_assessments(the_case))) == ()
    moved = move_case(the_case, FACILITATOR, Stage.EXCHANGE, record(ready_assessments(the_case)))
    assert moved.stage == Stage.EXCHANGE


def test_without_any_assessment_every_assessment_blocks_the_exchange():
    assert exchange_blockers(case(), record([])) == (
        Blocker.NOT_ELIGIBLE,
        Blocker.HARMED_NOT_SUITABLE,
        Blocker.RESPONSIBLE_NOT_SUITABLE,
        Blocker.RISK_NOT_ASSESSED,
    )
    with refused(Problem.CASE_EXCHANGE_BLOCKED):
        move_case(case(), FACILITATOR, Stage.EXCHANGE, record([]))


def test_open_court_proceedings_keep_the_case_from_going_past_preparation():
    the_case = case()
    waiting = [*ready_assessments(the_case), replace(eligible(Proceedings.OPEN), recorded_at=NOW)]
    blockers = (Blocker.PROCEEDINGS_OPEN,)
    with refused(Problem.CASE_EXCHANGE_BLOCKED, blockers=blockers):
        move_case(the_case, FACILITATOR, Stage.EXCHANGE, record(waiting))
    # It can still be prepared, paused or closed.
    assert move_case(case(Stage.ASSESSMENT), FACILITATOR, Stage.PREPARATION, record(waiting)).stage == Stage.PREPARATION
    assert move_case(the_case, FACILITATOR, Stage.PAUSED, record(waiting)).stage == Stage.PAUSED
    # ...and resuming into the exchange checks again.
    paused = replace(the_case, stage=Stage.PAUSED, paused_from=Stage.EXCHANGE)
    with refused(Problem.CASE_EXCHANGE_BLOCKED, blockers=blockers):
        move_case(paused, FACILITATOR, Stage.EXCHANGE, record(waiting))


def test_each_principal_and_proxy_must_be_suitable_but_not_a_supporter():
    the_case = case(people=(HARMED, PROXY, SUPPORTER, RESPONSIBLE))
    everyone = [eligible(), risk_of(the_case), suitable(HARMED.id), suitable(PROXY.id), suitable(RESPONSIBLE.id)]
    assert assessment_blockers(the_case, current(everyone)) == ()
    unsuitable_proxy = [*everyone, replace(suitable(PROXY.id, AssessmentOutcome.NOT_SUITABLE), recorded_at=NOW)]
    assert assessment_blockers(the_case, current(unsuitable_proxy)) == (Blocker.HARMED_NOT_SUITABLE,)
    without_responsible = [a for a in everyone if a.participant_id != RESPONSIBLE.id]
    assert assessment_blockers(the_case, current(without_responsible)) == (Blocker.RESPONSIBLE_NOT_SUITABLE,)
    # A proxy who stopped taking part no longer needs to be suitable.
    stopped = replace(the_case, participants=(HARMED, replace(PROXY, withdrawn=True), SUPPORTER, RESPONSIBLE))
    assert assessment_blockers(stopped, current(unsuitable_proxy)) == ()


def test_a_side_with_nobody_to_speak_for_it_is_not_suitable():
    the_case = case(people=(HARMED, SUPPORTER))
    assert Blocker.RESPONSIBLE_NOT_SUITABLE in assessment_blockers(the_case, current(ready_assessments(the_case)))


def test_risks_judged_unmanageable_block_the_exchange():
    the_case = case()
    unmanageable = [*ready_assessments(the_case), replace(risk_of(the_case), outcome=AssessmentOutcome.NOT_SUITABLE)]
    assert assessment_blockers(the_case, current(unmanageable)) == (Blocker.RISK_NOT_ASSESSED,)


# --- flags and a senior facilitator's sign-off ---------------------------------------------------------


def flagged(the_case: Case) -> rules.Assessment:
    """Assessed by FACILITATOR, with a domestic-abuse flag."""
    return replace(
        risk_of(the_case, RiskLevel.HIGH, frozenset({RiskFlag.DOMESTIC_ABUSE})), assessed_by=FACILITATOR.user_id
    )


def test_a_domestic_abuse_flag_needs_a_senior_sign_off_before_the_exchange():
    the_case = case()
    risk = flagged(the_case)
    assert risk.needs_sign_off and not risk.signed_off
    waiting = [*ready_assessments(the_case), replace(risk, recorded_at=NOW)]
    with refused(Problem.CASE_EXCHANGE_BLOCKED, blockers=(Blocker.RISK_SIGN_OFF_NEEDED,)):
        move_case(the_case, FACILITATOR, Stage.EXCHANGE, record(waiting))
    signed = sign_off(the_case, SENIOR, risk, senior=True, supervises=frozenset(), now=NOW)
    assert signed.sign_off == rules.SignOff(SENIOR.user_id, NOW)
    done = [*ready_assessments(the_case), replace(signed, recorded_at=NOW)]
    assert move_case(the_case, FACILITATOR, Stage.EXCHANGE, record(done)).stage == Stage.EXCHANGE


def test_only_a_senior_facilitator_other_than_the_assessor_signs_off_once():
    the_case = case()
    risk = flagged(the_case)
    with refused(Problem.ASSESSMENT_SENIOR_ONLY):
        sign_off(the_case, SENIOR, risk, senior=False, supervises=frozenset(), now=NOW)
    with refused(Problem.ASSESSMENT_SENIOR_ONLY):
        sign_off(the_case, Actor(uid(7), Role.MANAGER), risk, senior=True, supervises=frozenset(), now=NOW)
    with refused(Problem.ASSESSMENT_SIGN_OWN):
        sign_off(the_case, FACILITATOR, risk, senior=True, supervises=frozenset(), now=NOW)
    with refused(Problem.ASSESSMENT_NO_SIGN_OFF_NEEDED):
        sign_off(the_case, SENIOR, risk_of(the_case), senior=True, supervises=frozenset(), now=NOW)
    signed = sign_off(the_case, SENIOR, risk, senior=True, supervises=frozenset(), now=NOW)
    with refused(Problem.ASSESSMENT_ALREADY_SIGNED):
        sign_off(the_case, SENIOR, signed, senior=True, supervises=frozenset(), now=NOW)


def test_a_senior_not_on_the_case_signs_off_only_as_the_supervisor_of_one_of_its_facilitators():
    the_case = case(facilitators=(uid(1),))
    outsider = Actor(uid(3), Role.FACILITATOR)
    with refused(Problem.CASE_NOT_FACILITATOR):
        sign_off(the_case, outsider, flagged(the_case), senior=True, supervises=frozenset({uid(5)}), now=NOW)
    signed = sign_off(the_case, outsider, flagged(the_case), senior=True, supervises=frozenset({uid(1)}), now=NOW)
    assert signed.signed_off


# --- closing from follow-up --------------------------------------------------------------------------


def test_a_case_closes_from_follow_up_only_after_each_principal_or_proxy_has_been_followed_up():
    the_case = case(Stage.FOLLOW_UP)
    assessed = ready_assessments(the_case)
    with refused(Problem.CASE_FOLLOW_UP_FIRST, sides=(Side.HARMED, Side.RESPONSIBLE)):
        move_case(the_case, FACILITATOR, Stage.CLOSED, record(assessed))
    with refused(Problem.CASE_FOLLOW_UP_FIRST, sides=(Side.RESPONSIBLE,)):
        move_case(the_case, FACILITATOR, Stage.CLOSED, record(assessed, frozenset({HARMED.id})))
    both = record(assessed, frozenset({HARMED.id, RESPONSIBLE.id}))  # the supporter needs none
    assert move_case(the_case, FACILITATOR, Stage.CLOSED, both).stage == Stage.CLOSED
    # Someone who stopped taking part is not waited for; and a case closing early needs no follow-up.
    stopped = replace(the_case, participants=(HARMED, SUPPORTER, replace(RESPONSIBLE, withdrawn=True)))
    assert move_case(stopped, FACILITATOR, Stage.CLOSED, record(assessed, frozenset({HARMED.id}))).stage == Stage.CLOSED
    assert move_case(case(Stage.ASSESSMENT), FACILITATOR, Stage.CLOSED, record([])).stage == Stage.CLOSED


# --- while items flow ----------------------------------------------------------------------------------


def test_an_assessment_that_no_longer_allows_the_exchange_pauses_a_flowing_case():
    flowing = case(Stage.EXCHANGE)
    assert halted_by(flowing, record(ready_assessments(flowing))) == flowing
    opened = record([*ready_assessments(flowing), replace(eligible(Proceedings.OPEN), recorded_at=NOW)])
    paused = halted_by(flowing, opened)
    assert (paused.stage, paused.paused_from) == (Stage.PAUSED, Stage.EXCHANGE)
    flagged_now = record([*ready_assessments(flowing), replace(flagged(flowing), recorded_at=NOW)])
    assert halted_by(replace(flowing, stage=Stage.AGREEMENT), flagged_now).stage == Stage.PAUSED
    # Before the exchange nothing flows, so nothing pauses: the blockers wait at its door.
    assert halted_by(case(Stage.PREPARATION), opened).stage == Stage.PREPARATION


def test_resuming_into_any_stage_where_items_flow_checks_the_assessments_again():
    paused = replace(case(Stage.PAUSED), paused_from=Stage.AGREEMENT)
    opened = record([*ready_assessments(paused), replace(eligible(Proceedings.OPEN), recorded_at=NOW)])
    with refused(Problem.CASE_EXCHANGE_BLOCKED, blockers=(Blocker.PROCEEDINGS_OPEN,)):
        move_case(paused, FACILITATOR, Stage.AGREEMENT, opened)
    assert move_case(paused, FACILITATOR, Stage.AGREEMENT, record(ready_assessments(paused))).stage == Stage.AGREEMENT
    assert move_case(paused, FACILITATOR, Stage.CLOSED, opened).stage == Stage.CLOSED


def test_someone_who_joined_after_the_risks_were_assessed_blocks_the_exchange():
    the_case = case()
    assessed = ready_assessments(the_case)
    joined = replace(the_case, participants=(*the_case.participants, PROXY))
    with_proxy = [*assessed, suitable(PROXY.id)]
    assert assessment_blockers(joined, current(with_proxy)) == (Blocker.RISK_SOMEONE_NEW,)
    reassessed = [*with_proxy, replace(risk_of(joined), recorded_at=NOW)]
    assert assessment_blockers(joined, current(reassessed)) == ()


def test_only_a_senior_facilitator_reassesses_a_flag_away():
    the_case = case()
    now = current([*ready_assessments(the_case), replace(flagged(the_case), recorded_at=NOW)])
    without_flag = replace(risk_of(the_case, RiskLevel.HIGH), recorded_at=datetime(2025, 3, 2))
    with refused(Problem.ASSESSMENT_FLAG_NEEDS_SENIOR):
        record_assessment(the_case, FACILITATOR, without_flag, TODAY, current=now, senior=False)
    assert record_assessment(the_case, FACILITATOR, without_flag, TODAY, current=now, senior=True) == without_flag
    more = replace(flagged(the_case), details=replace(flagged(the_case).details, flags=frozenset(RiskFlag)))
    assert record_assessment(the_case, FACILITATOR, more, TODAY, current=now, senior=False) == more
