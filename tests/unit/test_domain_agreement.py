"""The outcome agreement, tracking actions to done, and the satisfaction question."""

from dataclasses import replace
from datetime import date, datetime
from uuid import UUID

import pytest

from portal.domain.actors import Actor
from portal.domain.agreement import (
    AgreementAction,
    agree,
    answer_satisfaction,
    draft_agreement,
    mark_done,
)
from portal.domain.cases import Case, Participant
from portal.domain.enums import ActionKind, ActionStatus, ParticipantRole, RiskLevel, Role, Side, Stage, TakingPart
from portal.domain.errors import NotAllowed
from portal.domain.problems import Problem
from tests.unit.refusals import refused


def uid(n: int) -> UUID:
    return UUID(int=n)


NOW = datetime(2025, 3, 1, 10, 0)
FACILITATOR = Actor(uid(1), Role.FACILITATOR)
HARMED = Participant(uid(10), Side.HARMED, ParticipantRole.PRINCIPAL, uid(110))
SUPPORTER = Participant(uid(11), Side.HARMED, ParticipantRole.SUPPORTER, uid(111))
PROXY = Participant(uid(20), Side.RESPONSIBLE, ParticipantRole.PROXY, uid(120), relationship="his father")
OFFLINE = Participant(uid(21), Side.RESPONSIBLE, ParticipantRole.PRINCIPAL, taking_part=TakingPart.OFFLINE)
H, S, P = (Actor(p.user_id, Role.PARTICIPANT) for p in (HARMED, SUPPORTER, PROXY))

ACTIONS = (
    AgreementAction(ActionKind.APOLOGY, Side.RESPONSIBLE, date(2025, 3, 10)),
    AgreementAction(ActionKind.REPAIR, Side.RESPONSIBLE, date(2025, 4, 1), "Fix the fence"),
    AgreementAction(ActionKind.NO_CONTACT, Side.HARMED, date(2025, 6, 1)),
)


def make_case(stage: Stage = Stage.AGREEMENT) -> Case:
    return Case(uid(1000), stage, RiskLevel.LOW, frozenset({FACILITATOR.user_id}), (HARMED, SUPPORTER, PROXY, OFFLINE))


def drafted():
    return draft_agreement(make_case(), FACILITATOR, ACTIONS, follow_up_on=date(2025, 6, 15))


def agreed_by_both():
    return agree(agree(drafted(), make_case(), H, Side.HARMED, NOW), make_case(), P, Side.RESPONSIBLE, NOW)


def test_the_facilitator_drafts_the_agreement_at_the_agreement_stage():
    agreement = drafted()
    assert (agreement.actions, agreement.follow_up_on, agreement.agreed) == (ACTIONS, date(2025, 6, 15), ())
    with refused(Problem.AGREEMENT_STAGE):
        draft_agreement(make_case(Stage.EXCHANGE), FACILITATOR, ACTIONS, date(2025, 6, 15))
    with refused(Problem.AGREEMENT_NO_ACTIONS):
        draft_agreement(make_case(), FACILITATOR, (), date(2025, 6, 15))
    with pytest.raises(NotAllowed):
        draft_agreement(make_case(), H, ACTIONS, date(2025, 6, 15))


def test_both_sides_agree_in_the_portal_or_through_the_facilitator():
    halfway = agree(drafted(), make_case(), H, Side.HARMED, NOW)
    assert not halfway.agreed_by_both
    done = agree(halfway, make_case(), FACILITATOR, Side.RESPONSIBLE, NOW)
    assert done.agreed_by_both
    assert [(a.side, a.by_facilitator, a.recorded_by) for a in done.agreed] == [
        (Side.HARMED, False, H.user_id),
        (Side.RESPONSIBLE, True, FACILITATOR.user_id),
    ]


def test_a_proxy_agrees_for_their_side():
    assert agree(drafted(), make_case(), P, Side.RESPONSIBLE, NOW).agreed[0].side == Side.RESPONSIBLE


@pytest.mark.parametrize(
    ("actor", "side"),
    [(S, Side.HARMED), (H, Side.RESPONSIBLE), (Actor(uid(7), Role.MANAGER), Side.HARMED)],
    ids=["a supporter", "the other side", "a manager"],
)
def test_nobody_else_agrees_for_a_side(actor, side):
    with pytest.raises(NotAllowed):
        agree(drafted(), make_case(), actor, side, NOW)


def test_a_side_agrees_once():
    once = agree(drafted(), make_case(), H, Side.HARMED, NOW)
    with refused(Problem.AGREEMENT_ALREADY_AGREED):
        agree(once, make_case(), FACILITATOR, Side.HARMED, NOW)


def test_actions_are_tracked_to_done_only_once_both_sides_agreed():
    with refused(Problem.AGREEMENT_BOTH_MUST_AGREE):
        mark_done(agree(drafted(), make_case(), H, Side.HARMED, NOW), make_case(), FACILITATOR, 0, date(2025, 3, 9))
    agreement = agreed_by_both()
    follow_up = make_case(Stage.FOLLOW_UP)
    for index in range(len(ACTIONS)):
        assert not agreement.all_done
        agreement = mark_done(agreement, follow_up, FACILITATOR, index, date(2025, 3, 9))
    assert agreement.all_done
    assert agreement.actions[1] == replace(ACTIONS[1], status=ActionStatus.DONE, done_on=date(2025, 3, 9))
    with refused(Problem.AGREEMENT_ACTION_DONE):
        mark_done(agreement, follow_up, FACILITATOR, 0, date(2025, 3, 9))
    with refused(Problem.AGREEMENT_NO_SUCH_ACTION):
        mark_done(agreement, follow_up, FACILITATOR, 3, date(2025, 3, 9))


def test_only_the_facilitator_marks_actions_done():
    with pytest.raises(NotAllowed):
        mark_done(agreed_by_both(), make_case(), P, 0, date(2025, 3, 9))


def test_an_agreement_of_another_case_is_refused():
    other = replace(make_case(), id=uid(2000))
    with pytest.raises(ValueError, match="agreement-not-in-case"):
        agree(drafted(), other, H, Side.HARMED, NOW)


# --- satisfaction -------------------------------------------------------------------------------


@pytest.mark.parametrize("score", [1, 3, 5])
def test_a_participant_answers_the_satisfaction_question(score):
    answer = answer_satisfaction(make_case(Stage.CLOSED), H, HARMED.id, score, "  It helped.  ")
    assert (answer.score, answer.comment, answer.by_facilitator) == (score, "It helped.", False)


def test_the_comment_is_optional():
    assert answer_satisfaction(make_case(Stage.FOLLOW_UP), H, HARMED.id, 4).comment == ""


@pytest.mark.parametrize("score", [0, 6, -1, True, "5", 3.5, None])
def test_the_score_is_a_whole_number_from_1_to_5(score):
    with refused(Problem.SATISFACTION_SCORE):
        answer_satisfaction(make_case(Stage.CLOSED), H, HARMED.id, score)


def test_the_question_is_asked_at_closing():
    with refused(Problem.SATISFACTION_AT_CLOSING):
        answer_satisfaction(make_case(Stage.EXCHANGE), H, HARMED.id, 4)


def test_the_facilitator_answers_only_for_someone_offline():
    answer = answer_satisfaction(make_case(Stage.CLOSED), FACILITATOR, OFFLINE.id, 2, "Said on the phone")
    assert answer.by_facilitator
    with pytest.raises(NotAllowed):
        answer_satisfaction(make_case(Stage.CLOSED), FACILITATOR, HARMED.id, 5)
    with pytest.raises(NotAllowed):
        answer_satisfaction(make_case(Stage.CLOSED), S, HARMED.id, 5)


@pytest.mark.parametrize("owner", [HARMED, PROXY])
def test_no_sides_private_names_or_places_go_into_the_agreement(owner):
    private = replace(owner, sensitive_terms=("Elm Street",))
    case = replace(
        make_case(), participants=tuple(private if p.id == owner.id else p for p in make_case().participants)
    )
    telling = (
        AgreementAction(ActionKind.REPAIR, Side.RESPONSIBLE, date(2025, 4, 1), "Fix the fence at 14 elm street"),
    )
    with refused(Problem.AGREEMENT_TERMS_LEFT_IN, terms=("Elm Street",)):
        draft_agreement(case, FACILITATOR, telling, date(2025, 6, 15))
    assert draft_agreement(case, FACILITATOR, ACTIONS, date(2025, 6, 15)).actions == ACTIONS
