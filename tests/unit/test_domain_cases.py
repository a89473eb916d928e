"""Stage moves, the checks for starting the exchange, and consent."""

from dataclasses import replace
from datetime import date, datetime
from uuid import UUID

import pytest

from portal.domain.actors import Actor
from portal.domain.cases import Case, CaseRecord, Participant, Referral, exchange_blockers, move_case, open_case
from portal.domain.consent import (
    FORMAT_FOR_KIND,
    ConsentRecord,
    has_consent,
    record_consent,
    side_formats,
)
from portal.domain.enums import (
    ConsentFormat,
    ItemKind,
    ParticipantRole,
    ReferralSource,
    RiskLevel,
    Role,
    Side,
    Stage,
    TakingPart,
)
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.presentation import speaker
from portal.domain.problems import Blocker, Problem
from tests.unit.casework_values import ready_record
from tests.unit.refusals import refused


def uid(n: int) -> UUID:
    return UUID(int=n)


NOW = datetime(2025, 3, 1, 10, 0)
FACILITATOR = Actor(uid(1), Role.FACILITATOR)
HARMED = Participant(uid(10), Side.HARMED, ParticipantRole.PRINCIPAL, user_id=uid(110))
HARMED_PROXY = Participant(uid(12), Side.HARMED, ParticipantRole.PROXY, user_id=uid(112), relationship="her son")
HARMED_SUPPORTER = Participant(uid(11), Side.HARMED, ParticipantRole.SUPPORTER, user_id=uid(111))
RESPONSIBLE = Participant(uid(20), Side.RESPONSIBLE, ParticipantRole.PRINCIPAL, user_id=uid(120))
OFFLINE = Participant(uid(21), Side.RESPONSIBLE, ParticipantRole.PRINCIPAL, taking_part=TakingPart.OFFLINE)


def consent(participant: Participant, *formats: ConsentFormat, given: bool = True, at: datetime = NOW):
    return tuple(ConsentRecord(participant.id, f, given, at, uid(1), False) for f in formats)


def ready_case(stage: Stage = Stage.PREPARATION, **changes) -> Case:
    """Both principals consent to letters (and `move` gives it assessments that allow the exchange)."""
    fields = {
        "participants": (HARMED, HARMED_PROXY, HARMED_SUPPORTER, RESPONSIBLE),
        "consents": consent(HARMED, ConsentFormat.LETTERS) + consent(RESPONSIBLE, ConsentFormat.LETTERS),
    }
    return Case(uid(1000), stage, RiskLevel.LOW, frozenset({FACILITATOR.user_id}), **(fields | changes))


def move(case: Case, actor: Actor, to: Stage, record: CaseRecord | None = None) -> Case:
    """Move with a record that lets the case move on, unless the test gives its own."""
    return move_case(case, actor, to, record or ready_record(case))


def blockers(case: Case) -> tuple[Blocker, ...]:
    return exchange_blockers(case, ready_record(case))


# --- the stage table --------------------------------------------------------------------------

# PAUSED was paused from AGREEMENT, WITHDRAWN from PREPARATION: resuming goes back only there.
PAUSED_FROM = {Stage.PAUSED: Stage.AGREEMENT, Stage.WITHDRAWN: Stage.PREPARATION}
ALLOWED = {
    Stage.REFERRAL: {Stage.ASSESSMENT, Stage.PAUSED, Stage.CLOSED},
    Stage.ASSESSMENT: {Stage.PREPARATION, Stage.PAUSED, Stage.CLOSED},
    Stage.PREPARATION: {Stage.EXCHANGE, Stage.PAUSED, Stage.CLOSED},
    Stage.EXCHANGE: {Stage.AGREEMENT, Stage.FOLLOW_UP, Stage.PAUSED, Stage.CLOSED},
    Stage.AGREEMENT: {Stage.FOLLOW_UP, Stage.PAUSED, Stage.CLOSED},
    Stage.FOLLOW_UP: {Stage.CLOSED, Stage.PAUSED},
    Stage.PAUSED: {Stage.AGREEMENT, Stage.CLOSED},
    Stage.WITHDRAWN: {Stage.PREPARATION, Stage.CLOSED},
    Stage.CLOSED: set(),
}
MOVES = [(origin, to, to in ALLOWED[origin]) for origin in Stage for to in Stage]


@pytest.mark.parametrize(("origin", "to", "expected"), MOVES, ids=[f"{o}->{t}" for o, t, _ in MOVES])
def test_stage_transition_table(origin, to, expected):
    case = ready_case(origin, paused_from=PAUSED_FROM.get(origin))
    if expected:
        moved = move(case, FACILITATOR, to)
        assert moved.stage == to
        assert moved.paused_from == (origin if to == Stage.PAUSED else None)
    else:
        with refused(Problem.CASE_CANNOT_MOVE):
            move(case, FACILITATOR, to)


def test_pause_and_resume_return_to_the_same_stage():
    paused = move(ready_case(Stage.EXCHANGE), FACILITATOR, Stage.PAUSED)
    assert (paused.stage, paused.paused_from) == (Stage.PAUSED, Stage.EXCHANGE)
    with pytest.raises(DomainError):
        move(paused, FACILITATOR, Stage.AGREEMENT)
    assert move(paused, FACILITATOR, Stage.EXCHANGE).stage == Stage.EXCHANGE


@pytest.mark.parametrize(
    "actor",
    [
        Actor(uid(9), Role.FACILITATOR),  # not assigned
        Actor(uid(7), Role.MANAGER),
        Actor(uid(8), Role.ADMIN),
        Actor(uid(110), Role.PARTICIPANT),  # the person harmed
        Actor(uid(120), Role.PARTICIPANT),  # the person responsible can't start the exchange
    ],
)
def test_only_an_assigned_facilitator_moves_a_case(actor):
    with pytest.raises(NotAllowed):
        move(ready_case(), actor, Stage.EXCHANGE)


def test_a_case_withdrawn_from_resumes_only_after_the_principal_rejoins():
    stopped = replace(RESPONSIBLE, withdrawn=True)
    case = ready_case(Stage.WITHDRAWN, paused_from=Stage.PREPARATION, participants=(HARMED, stopped))
    with refused(Problem.CASE_SOMEONE_MUST_REJOIN):
        move(case, FACILITATOR, Stage.PREPARATION)
    assert move(case, FACILITATOR, Stage.CLOSED).stage == Stage.CLOSED
    rejoined = replace(case, participants=(HARMED, RESPONSIBLE))
    assert move(rejoined, FACILITATOR, Stage.PREPARATION).stage == Stage.PREPARATION


def test_a_paused_case_carries_on_without_a_supporter_who_stopped():
    case = ready_case(
        Stage.PAUSED, paused_from=Stage.PREPARATION, participants=(HARMED, replace(HARMED_SUPPORTER, withdrawn=True))
    )
    assert move(case, FACILITATOR, Stage.PREPARATION).stage == Stage.PREPARATION


# --- what the exchange needs --------------------------------------------------------------------


def test_a_ready_case_enters_the_exchange():
    assert blockers(ready_case()) == ()
    assert move(ready_case(), FACILITATOR, Stage.EXCHANGE).stage == Stage.EXCHANGE


@pytest.mark.parametrize(
    ("consents", "blocker"),
    [
        (consent(RESPONSIBLE, ConsentFormat.LETTERS), Blocker.HARMED_NO_CONSENT),
        (consent(HARMED, ConsentFormat.LETTERS), Blocker.RESPONSIBLE_NO_CONSENT),
        (
            consent(HARMED_SUPPORTER, ConsentFormat.LETTERS) + consent(RESPONSIBLE, ConsentFormat.LETTERS),
            Blocker.HARMED_NO_CONSENT,
        ),
        (
            consent(HARMED, ConsentFormat.LETTERS) + consent(RESPONSIBLE, ConsentFormat.MEETING),
            Blocker.NO_COMMON_FORMAT,
        ),
        (
            consent(HARMED, ConsentFormat.LETTERS)
            + consent(RESPONSIBLE, ConsentFormat.LETTERS)
            + consent(RESPONSIBLE, ConsentFormat.LETTERS, given=False, at=datetime(2025, 3, 2)),
            Blocker.RESPONSIBLE_NO_CONSENT,
        ),
    ],
    ids=["harmed missing", "responsible missing", "supporter only", "no common format", "withdrawn later"],
)
def test_the_exchange_needs_both_sides_consent_to_a_common_format(consents, blocker):
    case = ready_case(consents=consents)
    assert blockers(case) == (blocker,)
    with refused(Problem.CASE_EXCHANGE_BLOCKED, blockers=(blocker,)):
        move(case, FACILITATOR, Stage.EXCHANGE)


def test_a_proxy_consents_for_their_side():
    case = ready_case(
        participants=(HARMED_PROXY, RESPONSIBLE),
        consents=consent(HARMED_PROXY, ConsentFormat.SHUTTLE) + consent(RESPONSIBLE, ConsentFormat.SHUTTLE),
    )
    assert blockers(case) == ()


def test_a_principal_who_stopped_no_longer_consents_for_their_side():
    case = ready_case(participants=(replace(HARMED, withdrawn=True), RESPONSIBLE))
    assert side_formats(case, Side.HARMED) == frozenset()


def test_resuming_into_the_exchange_checks_consent_again():
    paused = ready_case(Stage.PAUSED, paused_from=Stage.EXCHANGE)
    later = consent(HARMED, ConsentFormat.LETTERS, given=False, at=datetime(2025, 3, 2))
    with refused(Problem.CASE_EXCHANGE_BLOCKED, blockers=(Blocker.HARMED_NO_CONSENT,)):
        move(replace(paused, consents=paused.consents + later), FACILITATOR, Stage.EXCHANGE)


# --- opening a case -----------------------------------------------------------------------------


def test_a_facilitator_opens_a_case_and_is_assigned_to_it():
    case = open_case(uid(1000), FACILITATOR, RiskLevel.MEDIUM, frozenset({uid(2)}))
    assert (case.stage, case.risk_level) == (Stage.REFERRAL, RiskLevel.MEDIUM)
    assert case.facilitator_ids == {uid(1), uid(2)}


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN, Role.PARTICIPANT])
def test_only_facilitators_open_cases(role):
    with pytest.raises(NotAllowed):
        open_case(uid(1000), Actor(uid(5), role), RiskLevel.LOW)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reference": " "}, Problem.REFERRAL_REFERENCE_MISSING),
        ({"offence_type": ""}, Problem.REFERRAL_OFFENCE_MISSING),
        ({"offence_on": date(2025, 2, 2)}, Problem.REFERRAL_OFFENCE_AFTER_REFERRAL),
    ],
)
def test_a_referral_is_checked(fields, message):
    good = {
        "reference": "WM-2025-0042",
        "offence_type": "Burglary",
        "source": ReferralSource.POLICE,
        "referred_on": date(2025, 2, 1),
        "offence_on": date(2024, 12, 24),
    }
    Referral(**good)
    with refused(message):
        Referral(**(good | fields))


def test_a_proxy_needs_a_relationship_the_other_side_can_read():
    with refused(Problem.PERSON_PROXY_NEEDS_RELATIONSHIP):
        Participant(uid(30), Side.HARMED, ParticipantRole.PROXY)


def test_the_other_side_sees_a_default_name_unless_the_facilitator_sets_one():
    assert speaker(HARMED).display_name == "" and speaker(HARMED).side == Side.HARMED
    assert speaker(replace(HARMED, display_name=" Mary ")).display_name == "Mary"


# --- consent ------------------------------------------------------------------------------------


def test_the_latest_consent_record_decides():
    records = [
        *consent(HARMED, ConsentFormat.LETTERS, at=datetime(2025, 1, 1)),
        *consent(HARMED, ConsentFormat.LETTERS, given=False, at=datetime(2025, 1, 3)),
        *consent(HARMED, ConsentFormat.QUESTIONS, at=datetime(2025, 1, 2)),
    ]
    assert not has_consent(records, HARMED.id, ConsentFormat.LETTERS)
    assert has_consent(records, HARMED.id, ConsentFormat.QUESTIONS)
    assert not has_consent(records, HARMED.id, ConsentFormat.MEETING)
    assert not has_consent(records, RESPONSIBLE.id, ConsentFormat.QUESTIONS)
    regiven = [*records, *consent(HARMED, ConsentFormat.LETTERS, at=datetime(2025, 1, 4))]
    assert has_consent(regiven, HARMED.id, ConsentFormat.LETTERS)
    # Recorded at the same moment: the last one listed wins.
    assert not has_consent(
        [*regiven, *consent(HARMED, ConsentFormat.LETTERS, given=False, at=datetime(2025, 1, 4))],
        HARMED.id,
        ConsentFormat.LETTERS,
    )


def consent_case() -> Case:
    return ready_case(participants=(HARMED, HARMED_SUPPORTER, RESPONSIBLE, OFFLINE), consents=())


def test_a_participant_gives_their_own_consent_in_the_portal():
    record = record_consent(
        consent_case(), Actor(uid(110), Role.PARTICIPANT), HARMED.id, ConsentFormat.LETTERS, True, NOW
    )
    assert record == ConsentRecord(HARMED.id, ConsentFormat.LETTERS, True, NOW, uid(110), by_facilitator=False)


def test_the_facilitator_gives_consent_only_for_someone_offline():
    with refused(Problem.CONSENT_GIVEN_IN_PORTAL, NotAllowed):
        record_consent(consent_case(), FACILITATOR, HARMED.id, ConsentFormat.LETTERS, True, NOW)
    record = record_consent(consent_case(), FACILITATOR, OFFLINE.id, ConsentFormat.LETTERS, True, NOW)
    assert (record.by_facilitator, record.recorded_by) == (True, FACILITATOR.user_id)


def test_the_facilitator_can_record_anyone_withdrawing_consent():
    record = record_consent(consent_case(), FACILITATOR, HARMED.id, ConsentFormat.LETTERS, False, NOW)
    assert (record.given, record.by_facilitator) == (False, True)


@pytest.mark.parametrize(
    "actor",
    [Actor(uid(111), Role.PARTICIPANT), Actor(uid(120), Role.PARTICIPANT), Actor(uid(7), Role.MANAGER)],
    ids=["their supporter", "the other side", "a manager"],
)
def test_nobody_else_records_consent_for_a_participant(actor):
    with pytest.raises(NotAllowed):
        record_consent(consent_case(), actor, HARMED.id, ConsentFormat.LETTERS, False, NOW)


def test_someone_who_stopped_rejoins_before_consenting_again():
    case = replace(consent_case(), participants=(replace(HARMED, withdrawn=True), RESPONSIBLE))
    with refused(Problem.CONSENT_REJOIN_FIRST):
        record_consent(case, Actor(uid(110), Role.PARTICIPANT), HARMED.id, ConsentFormat.LETTERS, True, NOW)


def test_every_item_kind_needs_a_consent_format():
    assert set(FORMAT_FOR_KIND) == set(ItemKind)
