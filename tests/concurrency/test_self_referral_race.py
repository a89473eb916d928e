"""Race drills for the triage of requests for contact: two facilitators deciding on one request
at the same moment, each on its own database connection, 30 times over. The request's row lock
puts one decision after the other, so each race ends with exactly one outcome: one case opened
with one person in it, or the request closed and no case at all; never both, never two cases.
Run on PostgreSQL in `make test` (row locks) and on SQLite (BEGIN IMMEDIATE).
"""

from __future__ import annotations

import uuid
from collections import Counter

from sqlalchemy import func, select

from portal.domain.actors import Actor
from portal.domain.enums import (
    ParticipantRole,
    RiskLevel,
    Role,
    SelfReferralCloseReason,
    SelfReferralStatus,
    Side,
    TakingPart,
)
from portal.domain.problems import Problem
from portal.domain.self_referral import AskingFor, ContactWay, SelfReferralRequest
from portal.runtime import unit_of_work
from portal.services import self_referrals
from portal.services.casework import ParticipantDetails
from portal.storage import models
from tests.concurrency.test_race_drills import REPETITIONS, Outcome, race
from tests.factories import actor_of
from tests.helpers import make_account

DECIDED = {Problem.SELF_REFERRAL_ALREADY_OPENED, Problem.SELF_REFERRAL_ALREADY_CLOSED}
OPENING = self_referrals.Opening(
    reference="CR/77/26",
    offence_type="Criminal damage",
    offence_on=None,
    risk_level=RiskLevel.LOW,
    person=ParticipantDetails(Side.HARMED, ParticipantRole.PRINCIPAL, "Sam", TakingPart.OFFLINE),
)


def _request(app) -> uuid.UUID:
    asked = SelfReferralRequest(
        side=Side.HARMED,
        asking_for=AskingFor.MYSELF,
        name="Sam",
        contact_way=ContactWay.PHONE,
        may_leave_message=True,
        phone="+447911123456",
    )
    with app.app_context():
        return self_referrals.receive(unit_of_work(), asked)


def _opener(actor: Actor, referral_id: uuid.UUID, once: str | None = None):
    return lambda: self_referrals.open_case(unit_of_work(), actor, referral_id, OPENING, once=once)


def _closer(actor: Actor, referral_id: uuid.UUID):
    return lambda: self_referrals.close(
        unit_of_work(), actor, referral_id, SelfReferralCloseReason.DUPLICATE, once=uuid.uuid4().hex
    )


def _state(app, referral_id: uuid.UUID) -> tuple[str, uuid.UUID | None, int, int]:
    """The request's status and case, the cases opened from it and the people in them."""
    with app.app_context():
        session = unit_of_work().session
        row = session.get(models.SelfReferral, referral_id)
        assert row is not None
        cases = session.scalar(
            select(func.count(models.AuditEvent.id)).where(
                models.AuditEvent.action == "self-referral.open-case",
                models.AuditEvent.object_id == str(referral_id),
            )
        )
        people = (
            session.scalar(select(func.count(models.Participant.id)).where(models.Participant.case_id == row.case_id))
            if row.case_id
            else 0
        )
        return row.status, row.case_id, cases or 0, people or 0


def _facilitators(app) -> tuple[Actor, Actor]:
    return actor_of(make_account(app, Role.FACILITATOR)), actor_of(make_account(app, Role.FACILITATOR))


def _one_outcome(outcomes: list[Outcome]) -> Outcome:
    assert not [o.failure for o in outcomes if o.failure is not None], outcomes  # nothing is a 500
    done = [o for o in outcomes if o.done]
    refused = [o for o in outcomes if o.refusal is not None]
    assert len(done) == 1 and len(refused) == 1, outcomes
    assert refused[0].refusal is not None and refused[0].refusal.problem in DECIDED, refused[0].refusal
    return done[0]


def test_opening_against_closing_gives_one_outcome(app):
    first, second = _facilitators(app)
    won: Counter[str] = Counter()
    for _ in range(REPETITIONS):
        referral_id = _request(app)
        outcomes = race(app, _opener(first, referral_id), _closer(second, referral_id))
        winner = _one_outcome(outcomes)
        status, case_id, opened, people = _state(app, referral_id)
        if winner is outcomes[0]:
            won["open"] += 1
            assert (status, case_id, opened, people) == (SelfReferralStatus.OPENED, winner.value, 1, 1)
            assert outcomes[1].refusal is not None
            assert outcomes[1].refusal.problem is Problem.SELF_REFERRAL_ALREADY_OPENED
        else:
            won["close"] += 1
            assert (status, case_id, opened, people) == (SelfReferralStatus.CLOSED, None, 0, 0)
            assert outcomes[0].refusal is not None
            assert outcomes[0].refusal.problem is Problem.SELF_REFERRAL_ALREADY_CLOSED
    assert sum(won.values()) == REPETITIONS


def test_two_facilitators_opening_at_once_open_one_case(app):
    first, second = _facilitators(app)
    cases_before = _case_count(app)
    for _ in range(REPETITIONS):
        referral_id = _request(app)
        outcomes = race(app, _opener(first, referral_id), _opener(second, referral_id))
        winner = _one_outcome(outcomes)
        assert _state(app, referral_id) == (SelfReferralStatus.OPENED, winner.value, 1, 1)
    assert _case_count(app) == cases_before + REPETITIONS


def test_a_double_click_opens_one_case_and_both_answers_name_it(app):
    first, _second = _facilitators(app)
    cases_before = _case_count(app)
    for _ in range(REPETITIONS):
        referral_id = _request(app)
        once = uuid.uuid4().hex
        outcomes = race(app, _opener(first, referral_id, once), _opener(first, referral_id, once))
        assert all(o.done for o in outcomes), outcomes
        assert outcomes[0].value == outcomes[1].value
        assert _state(app, referral_id) == (SelfReferralStatus.OPENED, outcomes[0].value, 1, 1)
    assert _case_count(app) == cases_before + REPETITIONS


def _case_count(app) -> int:
    with app.app_context():
        return unit_of_work().session.scalar(select(func.count(models.Case.id))) or 0
