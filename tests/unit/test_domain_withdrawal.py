"""Stopping at any moment: what is held, what is withdrawn for good, who is told, and rejoining."""

from dataclasses import replace
from datetime import datetime
from uuid import UUID

import pytest

from portal.domain.actors import Actor
from portal.domain.cases import Case, Participant, move_case
from portal.domain.consent import ConsentRecord, record_consent, side_formats
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
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.items import Item, lift_hold, release, review, save_draft, start_item, submit, take_back
from portal.domain.permissions import ItemAction, allowed, view_item
from portal.domain.presentation import Label, writer_label
from portal.domain.problems import Blocker, Problem
from portal.domain.withdrawal import rejoin, withdraw
from tests.unit.casework_values import ready_record
from tests.unit.refusals import refused


def uid(n: int) -> UUID:
    return UUID(int=n)


NOW = datetime(2025, 3, 1, 10, 0)
F1, F2 = Actor(uid(1), Role.FACILITATOR), Actor(uid(2), Role.FACILITATOR)
HARMED = Participant(uid(10), Side.HARMED, ParticipantRole.PRINCIPAL, uid(110))
SUPPORTER = Participant(uid(11), Side.HARMED, ParticipantRole.SUPPORTER, uid(111))
RESPONSIBLE = Participant(uid(20), Side.RESPONSIBLE, ParticipantRole.PRINCIPAL, uid(120))
H, S, R = (Actor(p.user_id, Role.PARTICIPANT) for p in (HARMED, SUPPORTER, RESPONSIBLE))
CASE_ID = uid(1000)


def make_case(stage: Stage = Stage.EXCHANGE, **changes) -> Case:
    consents = tuple(
        ConsentRecord(p.id, f, True, NOW, p.user_id, False)
        for p in (HARMED, RESPONSIBLE)
        for f in (ConsentFormat.LETTERS, ConsentFormat.QUESTIONS)
    )
    fields = {"participants": (HARMED, SUPPORTER, RESPONSIBLE), "consents": consents}
    return Case(CASE_ID, stage, RiskLevel.LOW, frozenset({F1.user_id, F2.user_id}), **(fields | changes))


def items_in_every_state(author: Participant, start: int, case_id: UUID = CASE_ID) -> list[Item]:
    return [
        Item(uid(start + n), case_id, ItemKind.LETTER, author.id, state, parts=("Words",), approved_by=(F1.user_id,))
        for n, state in enumerate(ItemState)
    ]


NOT_YET_DELIVERED = {ItemState.SUBMITTED, ItemState.AWAITING_SECOND_APPROVAL, ItemState.APPROVED, ItemState.SCHEDULED}
NOT_PASSED_ON = NOT_YET_DELIVERED | {ItemState.DRAFT, ItemState.RETURNED, ItemState.ON_HOLD}


def test_stopping_holds_every_undelivered_item_both_ways_and_withdraws_the_leavers_own():
    theirs = items_in_every_state(RESPONSIBLE, 100)
    others = items_in_every_state(HARMED, 200)
    elsewhere = items_in_every_state(HARMED, 300, case_id=uid(2000))
    result = withdraw(make_case(), theirs + others + elsewhere, RESPONSIBLE.id, R, NOW)
    changed = {item.id: item for item in result.items}

    for item in theirs:
        expected = ItemState.WITHDRAWN if item.state in NOT_PASSED_ON else item.state
        assert changed.get(item.id, item).state == expected, item.state
    for item in others:
        expected = ItemState.ON_HOLD if item.state in NOT_YET_DELIVERED else item.state
        assert changed.get(item.id, item).state == expected, item.state
    assert not {item.id for item in elsewhere} & set(changed)
    for item in result.items:
        if item.state == ItemState.ON_HOLD:
            assert (item.approved_by, item.release_at) == ((), None)  # reviewed afresh later


def test_a_principal_stopping_halts_the_case_as_withdrawn():
    result = withdraw(make_case(Stage.AGREEMENT), [], RESPONSIBLE.id, R, NOW)
    assert (result.stage, result.paused_from) == (Stage.WITHDRAWN, Stage.AGREEMENT)
    assert result.participant.withdrawn


def test_a_supporter_stopping_pauses_the_case():
    result = withdraw(make_case(Stage.AGREEMENT), [], SUPPORTER.id, S, NOW)
    assert (result.stage, result.paused_from) == (Stage.PAUSED, Stage.AGREEMENT)


def test_stopping_while_paused_keeps_the_stage_to_resume_to():
    result = withdraw(make_case(Stage.PAUSED, paused_from=Stage.EXCHANGE), [], HARMED.id, H, NOW)
    assert (result.stage, result.paused_from) == (Stage.WITHDRAWN, Stage.EXCHANGE)


def test_a_supporter_stopping_leaves_a_withdrawn_case_withdrawn():
    result = withdraw(make_case(Stage.WITHDRAWN, paused_from=Stage.EXCHANGE), [], SUPPORTER.id, S, NOW)
    assert (result.stage, result.paused_from) == (Stage.WITHDRAWN, Stage.EXCHANGE)


def test_only_the_facilitators_are_told():
    result = withdraw(make_case(), [], HARMED.id, H, NOW)
    assert result.tell == {F1.user_id, F2.user_id}


def test_stopping_withdraws_every_consent_given():
    result = withdraw(make_case(), [], HARMED.id, H, NOW)
    assert {(c.participant_id, c.format, c.given) for c in result.consents} == {
        (HARMED.id, ConsentFormat.LETTERS, False),
        (HARMED.id, ConsentFormat.QUESTIONS, False),
    }
    assert all((c.at, c.recorded_by, c.by_facilitator) == (NOW, H.user_id, False) for c in result.consents)


def test_a_facilitator_can_record_that_someone_stopped():
    result = withdraw(make_case(), [], RESPONSIBLE.id, F2, NOW)
    assert result.participant.withdrawn
    assert all(c.by_facilitator for c in result.consents)


@pytest.mark.parametrize(
    "actor",
    [Actor(uid(120), Role.PARTICIPANT), Actor(uid(111), Role.PARTICIPANT), Actor(uid(7), Role.MANAGER)],
    ids=["the other side", "their supporter", "a manager"],
)
def test_nobody_else_can_stop_someones_taking_part(actor):
    with pytest.raises(NotAllowed):
        withdraw(make_case(), [], HARMED.id, actor, NOW)


def test_stopping_twice_is_refused():
    case = make_case(participants=(replace(HARMED, withdrawn=True), RESPONSIBLE))
    with refused(Problem.WITHDRAW_ALREADY):
        withdraw(case, [], HARMED.id, F1, NOW)


def apply(case: Case, result) -> Case:
    """What the service would store."""
    people = tuple(result.participant if p.id == result.participant.id else p for p in case.participants)
    return replace(
        case,
        stage=result.stage,
        paused_from=result.paused_from,
        participants=people,
        consents=case.consents + result.consents,
    )


def test_nothing_a_withdrawn_participant_wrote_is_ever_passed_on_even_after_rejoining():
    case = make_case()
    letter = save_draft(start_item(uid(500), case, R, ItemKind.LETTER, RESPONSIBLE.id), case, R, ["Sorry"])
    letter = review(submit(letter, case, R), case, F1, ReviewDecision.APPROVE)
    result = withdraw(case, [letter], RESPONSIBLE.id, R, NOW)
    (voided,) = result.items
    assert voided.state == ItemState.WITHDRAWN

    halted = apply(case, result)
    back = replace(halted, participants=(HARMED, SUPPORTER, rejoin(halted, RESPONSIBLE.id, F1)))
    # their consent must be given again
    with refused(Problem.CASE_EXCHANGE_BLOCKED, blockers=(Blocker.RESPONSIBLE_NO_CONSENT,)):
        move_case(back, F1, Stage.EXCHANGE, ready_record(back))
    back = replace(
        back,
        consents=(*back.consents, record_consent(back, R, RESPONSIBLE.id, ConsentFormat.LETTERS, True, NOW)),
    )
    running = move_case(back, F1, Stage.EXCHANGE, ready_record(back))
    assert running.stage == Stage.EXCHANGE

    for action in ItemAction:
        assert allowed(action, voided, running, F1) is False, action
        assert allowed(action, voided, running, R) is (action == ItemAction.VIEW), action
    for step in (lambda: release(voided, running, F1, NOW), lambda: lift_hold(voided, running, F1)):
        with pytest.raises(DomainError):
            step()
    with refused(Problem.ITEM_NOT_NOW, action=ItemAction.TAKE_BACK, state=ItemState.WITHDRAWN):
        take_back(voided, running, R)
    assert writer_label(voided) == Label.NOT_SENT
    assert view_item(voided, running, R).original == ("Sorry",)


def test_held_items_go_back_for_a_fresh_review_once_the_case_resumes():
    case = make_case()
    letter = save_draft(start_item(uid(500), case, H, ItemKind.LETTER, HARMED.id), case, H, ["Hello"])
    approved = review(submit(letter, case, H), case, F1, ReviewDecision.APPROVE)
    result = withdraw(case, [approved], SUPPORTER.id, S, NOW)
    (held,) = result.items
    assert writer_label(held) == Label.ON_HOLD  # says nothing of who stopped
    halted = apply(case, result)
    with refused(Problem.RELEASE_CASE_PAUSED):
        release(replace(held, state=ItemState.APPROVED), halted, F1, NOW)
    running = move_case(halted, F1, Stage.EXCHANGE, ready_record(halted))
    again = lift_hold(held, running, F1)
    assert (again.state, again.approved_by) == (ItemState.SUBMITTED, ())
    assert release(review(again, running, F2, ReviewDecision.APPROVE), running, F1, NOW).state == ItemState.RELEASED


def test_only_a_facilitator_brings_someone_back():
    case = make_case(
        Stage.WITHDRAWN, paused_from=Stage.EXCHANGE, participants=(HARMED, replace(RESPONSIBLE, withdrawn=True))
    )
    for actor in (R, H, Actor(uid(7), Role.MANAGER)):
        with pytest.raises(NotAllowed):
            rejoin(case, RESPONSIBLE.id, actor)
    back = rejoin(case, RESPONSIBLE.id, F1)
    assert not back.withdrawn
    with refused(Problem.REJOIN_STILL_TAKING_PART):
        rejoin(case, HARMED.id, F1)


def test_someone_who_stopped_cant_start_anything_new():
    case = make_case(
        Stage.WITHDRAWN, paused_from=Stage.EXCHANGE, participants=(HARMED, replace(RESPONSIBLE, withdrawn=True))
    )
    with pytest.raises(NotAllowed):
        start_item(uid(500), case, R, ItemKind.LETTER, RESPONSIBLE.id)
    assert side_formats(case, Side.RESPONSIBLE) == frozenset()
