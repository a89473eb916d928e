"""The outcome agreement and the satisfaction question, through the service and a real database."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select, text

from portal.domain.actors import Actor
from portal.domain.agreement import AgreementAction
from portal.domain.cases import Referral
from portal.domain.enums import (
    ActionKind,
    ActionStatus,
    ConsentFormat,
    ParticipantRole,
    ReferralSource,
    RiskLevel,
    Role,
    Side,
    Stage,
    TakingPart,
)
from portal.domain.errors import NotAllowed
from portal.domain.problems import Problem
from portal.services import accounts, agreements, casework, demo
from portal.services.casework import CaseContext, CaseNotFound, ParticipantDetails
from portal.services.uow import UnitOfWork
from portal.storage import models
from tests.helpers import PASSWORD
from tests.unit.refusals import refused

PATH = (Stage.ASSESSMENT, Stage.PREPARATION, Stage.EXCHANGE, Stage.AGREEMENT, Stage.FOLLOW_UP)
FENCE = "Repaint the blue fence at number 12"
ACTIONS = [
    AgreementAction(ActionKind.APOLOGY, Side.RESPONSIBLE, date(2030, 3, 10)),
    AgreementAction(ActionKind.REPAIR, Side.RESPONSIBLE, date(2030, 4, 1), FENCE),
]
FOLLOW_UP = date(2030, 6, 15)


@dataclass(frozen=True)
class AgreementCase:
    """A case with the person harmed in the portal and the person responsible offline."""

    case_id: uuid.UUID
    facilitator: Actor
    harmed: uuid.UUID  # participant ids
    harmed_actor: Actor
    responsible: uuid.UUID


def open_case_at(
    uow: UnitOfWork, facilitator_id: uuid.UUID, harmed_user_id: uuid.UUID, stage: Stage = Stage.AGREEMENT
) -> AgreementCase:
    """Open a case and take it stage by stage, with risk and both sides' consent recorded, to `stage`."""
    facilitator = Actor(facilitator_id, Role.FACILITATOR)
    harmed_actor = Actor(harmed_user_id, Role.PARTICIPANT)
    referral = Referral("REF-2025-001", "Criminal damage", ReferralSource.POLICE, date(2025, 1, 10))
    case_id = casework.open_case(uow, facilitator, referral, RiskLevel.LOW)
    with uow:
        harmed = casework.add_participant(
            uow,
            facilitator,
            case_id,
            ParticipantDetails(Side.HARMED, ParticipantRole.PRINCIPAL, "Hannah Harmed", TakingPart.PORTAL),
        )
        uow.session.get(models.Participant, harmed).user_id = harmed_user_id  # what accepting an invitation does
    responsible = casework.add_participant(
        uow,
        facilitator,
        case_id,
        ParticipantDetails(Side.RESPONSIBLE, ParticipantRole.PRINCIPAL, "Robin Responsible", TakingPart.OFFLINE),
    )
    demo.assess_ready(uow, facilitator, case_id, RiskLevel.LOW, date(2026, 9, 20))
    casework.record_consent(uow, harmed_actor, case_id, harmed, ConsentFormat.LETTERS, True)
    casework.record_consent(uow, facilitator, case_id, responsible, ConsentFormat.LETTERS, True)
    for to in PATH[: PATH.index(stage) + 1]:
        casework.move(uow, facilitator, case_id, to)
    return AgreementCase(case_id, facilitator, harmed, harmed_actor, responsible)


def _account(uow: UnitOfWork, role: Role) -> Actor:
    email = f"{role.value}-{uuid.uuid4().hex[:8]}@example.test"
    user = accounts.create_account(uow, role=role, name="Test Person", email=email, password=PASSWORD)
    return Actor(user.id, role)


@pytest.fixture
def case(uow) -> AgreementCase:
    facilitator, harmed = _account(uow, Role.FACILITATOR), _account(uow, Role.PARTICIPANT)
    return open_case_at(uow, facilitator.user_id, harmed.user_id)


def _as(uow: UnitOfWork, case: AgreementCase, actor: Actor) -> CaseContext:
    return casework.load(uow, actor, case.case_id)


def _agreed_by_both(uow: UnitOfWork, case: AgreementCase) -> None:
    agreements.draft(uow, case.facilitator, case.case_id, ACTIONS, FOLLOW_UP)
    agreements.agree(uow, case.harmed_actor, case.case_id, Side.HARMED)
    agreements.agree(uow, case.facilitator, case.case_id, Side.RESPONSIBLE)


def _move(uow: UnitOfWork, case: AgreementCase, to: Stage) -> None:
    casework.move(uow, case.facilitator, case.case_id, to)


# --- Drafting -----------------------------------------------------------------------------------------


def test_the_facilitator_drafts_the_agreement_with_its_details_sealed(uow, case):
    agreements.draft(uow, case.facilitator, case.case_id, ACTIONS, FOLLOW_UP)
    uow.session.expire_all()  # read it back from the database, not the session
    agreement = agreements.current(uow, _as(uow, case, case.facilitator))
    assert (list(agreement.actions), agreement.follow_up_on, agreement.agreed) == (ACTIONS, FOLLOW_UP, ())
    raw = [bytes(r) for r in uow.session.execute(text("SELECT details_sealed FROM agreement_actions")).scalars()]
    assert len(raw) == 2 and all(FENCE.encode() not in r and b"fence" not in r for r in raw)


def test_actions_keep_their_order_however_many_there_are(uow, case):
    many = [
        AgreementAction(kind, Side.RESPONSIBLE, date(2030, 5, n + 1), f"Step {n}") for n, kind in enumerate(ActionKind)
    ]
    agreements.draft(uow, case.facilitator, case.case_id, many, FOLLOW_UP)
    uow.session.expire_all()
    assert list(agreements.current(uow, _as(uow, case, case.facilitator)).actions) == many
    # Actions are named by position, so the stored order rests on a position, not on when rows were written.
    stored = uow.session.execute(select(models.AgreementAction.position, models.AgreementAction.kind)).all()
    assert sorted(stored) == [(n, kind.value) for n, kind in enumerate(ActionKind)]


def test_the_details_are_kept_exactly_as_typed(uow, case):
    typed = "<b>Fix</b> the gate if a<b and c>d &amp; more"
    marked = [AgreementAction(ActionKind.REPAIR, Side.RESPONSIBLE, date(2030, 4, 1), typed)]
    agreements.draft(uow, case.facilitator, case.case_id, marked, FOLLOW_UP)
    uow.session.expire_all()
    assert agreements.current(uow, _as(uow, case, case.facilitator)).actions[0].details == typed


def test_only_the_assigned_facilitator_drafts(uow, case):
    with pytest.raises(NotAllowed):
        agreements.draft(uow, case.harmed_actor, case.case_id, ACTIONS, FOLLOW_UP)
    with pytest.raises(CaseNotFound):  # a manager sees workload, not the case
        agreements.draft(uow, _account(uow, Role.MANAGER), case.case_id, ACTIONS, FOLLOW_UP)
    assert agreements.current(uow, _as(uow, case, case.facilitator)) is None


def test_the_agreement_is_drafted_only_at_the_agreement_stage(uow):
    facilitator, harmed = _account(uow, Role.FACILITATOR), _account(uow, Role.PARTICIPANT)
    early = open_case_at(uow, facilitator.user_id, harmed.user_id, Stage.EXCHANGE)
    with refused(Problem.AGREEMENT_STAGE):
        agreements.draft(uow, facilitator, early.case_id, ACTIONS, FOLLOW_UP)
    _move(uow, early, Stage.AGREEMENT)
    with refused(Problem.AGREEMENT_NO_ACTIONS):
        agreements.draft(uow, facilitator, early.case_id, [], FOLLOW_UP)
    assert uow.session.scalars(select(models.Agreement)).all() == []


# --- Agreeing ----------------------------------------------------------------------------------------


def test_each_side_agrees_in_the_portal_or_through_the_facilitator(uow, case):
    with refused(Problem.AGREEMENT_NOT_YET):
        agreements.agree(uow, case.harmed_actor, case.case_id, Side.HARMED)
    agreements.draft(uow, case.facilitator, case.case_id, ACTIONS, FOLLOW_UP)
    with refused(Problem.AGREEMENT_NOT_YOUR_SIDE, NotAllowed, side=Side.RESPONSIBLE):
        agreements.agree(uow, case.harmed_actor, case.case_id, Side.RESPONSIBLE)
    agreements.agree(uow, case.harmed_actor, case.case_id, Side.HARMED)
    with refused(Problem.AGREEMENT_ALREADY_AGREED, side=Side.HARMED):
        agreements.agree(uow, case.facilitator, case.case_id, Side.HARMED)
    agreements.agree(uow, case.facilitator, case.case_id, Side.RESPONSIBLE)
    uow.session.expire_all()
    agreement = agreements.current(uow, _as(uow, case, case.harmed_actor))
    assert agreement.agreed_by_both
    assert [(a.side, a.recorded_by, a.by_facilitator) for a in agreement.agreed] == [
        (Side.HARMED, case.harmed_actor.user_id, False),
        (Side.RESPONSIBLE, case.facilitator.user_id, True),
    ]


def test_a_participant_sees_the_agreement_but_only_agrees_for_their_own_side(uow, case):
    agreements.draft(uow, case.facilitator, case.case_id, ACTIONS, FOLLOW_UP)
    as_participant = _as(uow, case, case.harmed_actor)
    assert list(agreements.current(uow, as_participant).actions) == ACTIONS
    agreement = agreements.current(uow, as_participant)
    assert agreements.options(as_participant, agreement) == agreements.Options(False, (Side.HARMED,), frozenset())
    as_facilitator = _as(uow, case, case.facilitator)
    assert agreements.options(as_facilitator, agreement) == agreements.Options(True, tuple(Side), frozenset())
    with pytest.raises(CaseNotFound):
        _as(uow, case, _account(uow, Role.MANAGER))


# --- Tracking ----------------------------------------------------------------------------------------------


def test_actions_are_tracked_to_done_once_both_sides_agree(uow, case):
    agreements.draft(uow, case.facilitator, case.case_id, ACTIONS, FOLLOW_UP)
    with refused(Problem.AGREEMENT_BOTH_MUST_AGREE):
        agreements.mark_done(uow, case.facilitator, case.case_id, 0, date(2030, 3, 9))
    agreements.agree(uow, case.harmed_actor, case.case_id, Side.HARMED)
    agreements.agree(uow, case.facilitator, case.case_id, Side.RESPONSIBLE)
    assert agreements.options(
        _as(uow, case, case.facilitator), agreements.current(uow, _as(uow, case, case.facilitator))
    ).may_mark_done == {0, 1}
    with pytest.raises(NotAllowed):
        agreements.mark_done(uow, case.harmed_actor, case.case_id, 1, date(2030, 3, 9))
    _move(uow, case, Stage.FOLLOW_UP)  # tracking carries on after the agreement stage
    agreements.mark_done(uow, case.facilitator, case.case_id, 1, date(2030, 3, 9))
    with refused(Problem.AGREEMENT_ACTION_DONE):
        agreements.mark_done(uow, case.facilitator, case.case_id, 1, date(2030, 3, 9))
    with refused(Problem.AGREEMENT_NO_SUCH_ACTION):
        agreements.mark_done(uow, case.facilitator, case.case_id, 2, date(2030, 3, 9))
    uow.session.expire_all()
    actions = agreements.current(uow, _as(uow, case, case.facilitator)).actions
    assert [(a.status, a.done_on) for a in actions] == [
        (ActionStatus.TO_DO, None),
        (ActionStatus.DONE, date(2030, 3, 9)),
    ]


def test_drafting_again_replaces_the_actions_and_clears_both_sides_agreement(uow, case):
    _agreed_by_both(uow, case)
    agreements.mark_done(uow, case.facilitator, case.case_id, 0, date(2030, 3, 9))
    changed = [AgreementAction(ActionKind.PAYMENT, Side.RESPONSIBLE, date(2030, 5, 1), "Pay 50 pounds")]
    agreements.draft(uow, case.facilitator, case.case_id, changed, date(2030, 7, 1))
    uow.session.expire_all()
    agreement = agreements.current(uow, _as(uow, case, case.facilitator))
    assert (list(agreement.actions), agreement.follow_up_on, agreement.agreed) == (changed, date(2030, 7, 1), ())
    assert len(uow.session.scalars(select(models.AgreementAction)).all()) == 1
    row = uow.session.scalars(select(models.Agreement)).one()
    assert (
        row.harmed_agreed_at,
        row.harmed_recorded_by_id,
        row.responsible_agreed_at,
        row.responsible_by_facilitator,
    ) == (
        None,
        None,
        None,
        False,
    )


# --- Satisfaction ----------------------------------------------------------------------------------------


def test_the_satisfaction_question_waits_for_the_case_to_close(uow, case):
    with refused(Problem.SATISFACTION_AT_CLOSING):
        agreements.answer_satisfaction(uow, case.harmed_actor, case.case_id, case.harmed, 4)
    assert agreements.may_answer_for(uow, _as(uow, case, case.harmed_actor)) == []


@pytest.mark.parametrize("score", [0, 6])
def test_the_score_is_from_1_to_5(uow, case, score):
    _move(uow, case, Stage.FOLLOW_UP)
    with refused(Problem.SATISFACTION_SCORE):
        agreements.answer_satisfaction(uow, case.harmed_actor, case.case_id, case.harmed, score)
    assert uow.session.scalars(select(models.SatisfactionAnswer)).all() == []


def test_a_participant_answers_once_and_the_comment_is_sealed(uow, case):
    comment = "It helped me to hear he was sorry."
    _move(uow, case, Stage.FOLLOW_UP)
    as_participant = _as(uow, case, case.harmed_actor)
    assert agreements.may_answer_for(uow, as_participant) == [case.harmed]
    agreements.answer_satisfaction(uow, case.harmed_actor, case.case_id, case.harmed, 4, comment)
    raw = bytes(uow.session.execute(text("SELECT comment_sealed FROM satisfaction_answers")).scalar_one())
    assert comment.encode() not in raw and b"sorry" not in raw
    assert agreements.has_answered(uow, as_participant, case.harmed)
    assert agreements.may_answer_for(uow, _as(uow, case, case.harmed_actor)) == []
    with refused(Problem.SATISFACTION_ALREADY):
        agreements.answer_satisfaction(uow, case.harmed_actor, case.case_id, case.harmed, 5)
    [answer] = agreements.satisfaction_answers(uow, _as(uow, case, case.facilitator))
    assert (answer.participant_id, answer.score, answer.comment, answer.by_facilitator) == (
        case.harmed,
        4,
        comment,
        False,
    )
    with pytest.raises(NotAllowed):
        agreements.satisfaction_answers(uow, _as(uow, case, case.harmed_actor))


def test_the_facilitator_answers_only_for_someone_taking_part_offline(uow, case):
    _move(uow, case, Stage.FOLLOW_UP)
    as_facilitator = _as(uow, case, case.facilitator)
    assert agreements.may_answer_for(uow, as_facilitator) == [case.responsible]
    with pytest.raises(NotAllowed):
        agreements.answer_satisfaction(uow, case.facilitator, case.case_id, case.harmed, 3)
    agreements.answer_satisfaction(uow, case.facilitator, case.case_id, case.responsible, 2)
    [answer] = agreements.satisfaction_answers(uow, _as(uow, case, case.facilitator))
    assert (answer.participant_id, answer.score, answer.comment, answer.by_facilitator) == (
        case.responsible,
        2,
        "",
        True,
    )
    assert uow.session.scalars(select(models.SatisfactionAnswer.comment_sealed)).one() is None


# --- The audit trail ---------------------------------------------------------------------------------------


def test_every_action_is_audited_without_content(uow, case):
    comment = "Glad it is over"
    _agreed_by_both(uow, case)
    agreements.mark_done(uow, case.facilitator, case.case_id, 1, date(2030, 3, 9))
    _move(uow, case, Stage.FOLLOW_UP)
    agreements.answer_satisfaction(uow, case.harmed_actor, case.case_id, case.harmed, 5, comment)
    events = uow.session.scalars(
        select(models.AuditEvent).where(models.AuditEvent.case_id == case.case_id).order_by(models.AuditEvent.id)
    ).all()
    agreement_id = str(uow.session.scalars(select(models.Agreement.id)).one())
    action_id = str(
        uow.session.scalars(select(models.AgreementAction.id).order_by(models.AgreementAction.created_at)).all()[1]
    )
    answer_id = str(uow.session.scalars(select(models.SatisfactionAnswer.id)).one())
    mine = [
        (e.action, e.actor_id, e.object_type, e.object_id)
        for e in events
        if e.action.startswith(("agreement.", "satisfaction."))
    ]
    assert mine == [
        ("agreement.draft", case.facilitator.user_id, "agreement", agreement_id),
        ("agreement.agree.harmed", case.harmed_actor.user_id, "agreement", agreement_id),
        ("agreement.agree.responsible", case.facilitator.user_id, "agreement", agreement_id),
        ("agreement.action.done", case.facilitator.user_id, "agreement_action", action_id),
        ("satisfaction.answer", case.harmed_actor.user_id, "satisfaction_answer", answer_id),
    ]
    everything = " ".join(str(value) for e in events for value in vars(e).values())
    assert FENCE not in everything and comment not in everything
