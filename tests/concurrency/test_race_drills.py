"""Race drills: two people act on one item at the same moment, each through its own database
connection, 30 times over. No decision is lost or crossed, nothing withheld or returned is ever
approved or passed on, nothing fails with an error, and a form posted twice acts once.

Each race starts both acts from a barrier, so they reach the database together; the case lock
then puts one after the other, and the item's version refuses a decision made on what the other
changed. They run on PostgreSQL in `make test` (row locks) and on SQLite (BEGIN IMMEDIATE).
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.domain.actors import Actor
from portal.domain.enums import ItemKind, ItemState, ReviewDecision, RiskLevel, Role
from portal.domain.errors import DomainError, Stale
from portal.runtime import unit_of_work
from portal.services import casework, letters, reviewing
from portal.storage import models
from tests.factories import CaseWorld, actor_of, exchange_case
from tests.helpers import make_account

REPETITIONS = 30


@dataclass(frozen=True)
class Outcome:
    """How one act ended: done, refused by a rule (with which), or failed (a 500 in the web)."""

    done: bool
    refusal: DomainError | None = None
    failure: BaseException | None = None
    value: object = None


def race(app: Flask, *acts: Callable[[], object]) -> list[Outcome]:
    """Run the acts at the same moment, each in its own app context (own session, own connection)."""
    barrier = threading.Barrier(len(acts))
    outcomes: list[Outcome | None] = [None] * len(acts)

    def run(index: int, act: Callable[[], object]) -> None:
        with app.app_context():
            unit_of_work().session.connection()  # connect before the start, so both start together
            unit_of_work().rollback()
            barrier.wait(timeout=30)
            try:
                outcomes[index] = Outcome(True, value=act())
            except DomainError as refusal:
                outcomes[index] = Outcome(False, refusal=refusal)
            except BaseException as failure:
                outcomes[index] = Outcome(False, failure=failure)

    threads = [threading.Thread(target=run, args=(i, act)) for i, act in enumerate(acts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(outcome is not None for outcome in outcomes), "an act never finished"
    return [outcome for outcome in outcomes if outcome is not None]


@dataclass
class Drill:
    app: Flask
    world: CaseWorld
    first: Actor  # two facilitators of the case
    second: Actor
    writer: Actor
    failures: list[BaseException]
    tally: Counter

    def letter(self, text: str = "I want you to know how it felt.") -> uuid.UUID:
        """A letter from the person harmed, sent for review."""
        with self.app.app_context():
            uow = unit_of_work()
            item_id = letters.start(uow, self.writer, self.world.case_id, ItemKind.LETTER, None)
            letters.send(uow, self.writer, self.world.case_id, item_id, [f"{text} {uuid.uuid4().hex[:6]}"])
            return item_id

    def seen(self, actor: Actor, item_id: uuid.UUID) -> int:
        """The version a facilitator's review page shows."""
        with self.app.app_context():
            return reviewing.review_page(unit_of_work(), actor, self.world.case_id, item_id).reading.version

    def decide(self, actor: Actor, item_id: uuid.UUID, decision: ReviewDecision, seen: int) -> Callable[[], object]:
        request = reviewing.ReviewRequest(decision, seen, message="Please think again about this part.", checked=True)
        return lambda: reviewing.review(unit_of_work(), actor, self.world.case_id, item_id, request)

    def row(self, item_id: uuid.UUID) -> models.Item:
        with self.app.app_context():
            row = unit_of_work().session.get(models.Item, item_id)
            assert row is not None
            return row

    def events(self, item_id: uuid.UUID, action: str) -> int:
        with self.app.app_context():
            where = (models.AuditEvent.object_id == str(item_id)) & (models.AuditEvent.action == action)
            return unit_of_work().session.scalar(select(func.count()).where(where)) or 0

    def record(self, outcomes: list[Outcome]) -> None:
        self.failures += [o.failure for o in outcomes if o.failure is not None]
        self.tally["races"] += 1


def _drill(app: Flask, risk: RiskLevel = RiskLevel.LOW) -> Drill:
    world = exchange_case(app, risk=risk)
    second = make_account(app, Role.FACILITATOR)
    with app.app_context():
        casework.assign_facilitator(unit_of_work(), actor_of(world.facilitator), world.case_id, second.email)
    return Drill(
        app, world, actor_of(world.facilitator), actor_of(second), actor_of(world["harmed"].account), [], Counter()
    )


def _one_done(outcomes: list[Outcome]) -> Outcome:
    done = [o for o in outcomes if o.done]
    refused = [o for o in outcomes if o.refusal is not None]
    assert len(done) == 1 and len(refused) == 1, outcomes
    assert isinstance(refused[0].refusal, Stale), refused[0].refusal  # told what the other decided
    return done[0]


@pytest.mark.parametrize("against", [ReviewDecision.WITHHOLD, ReviewDecision.RETURN])
def test_withholding_or_returning_against_approving_never_ends_approved(app, against):
    drill = _drill(app)
    won = Counter()
    for _ in range(REPETITIONS):
        letter = drill.letter()
        seen_a, seen_b = drill.seen(drill.first, letter), drill.seen(drill.second, letter)
        stop, approve = (
            drill.decide(drill.first, letter, against, seen_a),
            drill.decide(drill.second, letter, ReviewDecision.APPROVE, seen_b),
        )
        outcomes = race(app, stop, approve)
        drill.record(outcomes)
        winner = _one_done(outcomes)
        row = drill.row(letter)
        stopped = winner is outcomes[0]
        won["stop" if stopped else "approve"] += 1
        if stopped:
            # Told "Withheld. It will not be passed on": it never is, whatever the other did.
            assert row.state == (ItemState.WITHHELD if against == ReviewDecision.WITHHOLD else ItemState.RETURNED)
            assert row.approved_by == []
            with app.app_context(), pytest.raises(DomainError):
                reviewing.release(unit_of_work(), drill.second, drill.world.case_id, letter, seen=row.version)
            assert drill.row(letter).state != ItemState.RELEASED
        else:
            assert row.state == ItemState.APPROVED and row.approved_by == [str(drill.second.user_id)]
        assert drill.events(letter, f"item.review.{against.value}") == (1 if stopped else 0)
        assert drill.events(letter, "item.review.approve") == (0 if stopped else 1)
    assert drill.failures == []
    assert sum(won.values()) == REPETITIONS


def test_two_approvals_at_once_in_a_high_risk_case_are_neither_lost_nor_merged_unseen(app):
    drill = _drill(app, RiskLevel.HIGH)
    for _ in range(REPETITIONS):
        letter = drill.letter()
        seen_a, seen_b = drill.seen(drill.first, letter), drill.seen(drill.second, letter)
        outcomes = race(
            app,
            drill.decide(drill.first, letter, ReviewDecision.APPROVE, seen_a),
            drill.decide(drill.second, letter, ReviewDecision.APPROVE, seen_b),
        )
        drill.record(outcomes)
        winner = _one_done(outcomes)
        winner_actor, other = (drill.first, drill.second) if winner is outcomes[0] else (drill.second, drill.first)
        row = drill.row(letter)
        assert row.state == ItemState.AWAITING_SECOND_APPROVAL and row.approved_by == [str(winner_actor.user_id)]
        # The one refused reads it again, sees the first approval, and approves: now it is complete.
        with app.app_context():
            reviewing.review(
                unit_of_work(),
                other,
                drill.world.case_id,
                letter,
                reviewing.ReviewRequest(ReviewDecision.APPROVE, drill.seen(other, letter), checked=True),
            )
        row = drill.row(letter)
        assert row.state == ItemState.APPROVED
        assert sorted(row.approved_by) == sorted([str(drill.first.user_id), str(drill.second.user_id)])
    assert drill.failures == []


def test_taking_back_while_a_facilitator_approves_never_fails_and_always_ends_a_draft(app):
    drill = _drill(app)
    for _ in range(REPETITIONS):
        letter = drill.letter()
        seen = drill.seen(drill.first, letter)
        take_back = lambda letter=letter: letters.take_back(  # noqa: E731
            unit_of_work(), drill.writer, drill.world.case_id, letter
        )
        outcomes = race(app, take_back, drill.decide(drill.first, letter, ReviewDecision.APPROVE, seen))
        drill.record(outcomes)
        assert outcomes[0].done, outcomes[0]  # the writer's right until it is passed on
        approve = outcomes[1]
        assert approve.done or isinstance(approve.refusal, Stale), approve
        row = drill.row(letter)
        assert row.state == ItemState.DRAFT and row.approved_by == []
    assert drill.failures == []


def test_the_same_send_posted_twice_sends_once(app):
    drill = _drill(app)
    for _ in range(REPETITIONS):
        with app.app_context():
            letter = letters.start(unit_of_work(), drill.writer, drill.world.case_id, ItemKind.LETTER, None)
        once = uuid.uuid4().hex

        def send(letter: uuid.UUID = letter, once: str = once) -> None:
            letters.send(unit_of_work(), drill.writer, drill.world.case_id, letter, ["Sent once."], once=once)

        outcomes = race(app, send, send)
        drill.record(outcomes)
        assert all(o.done for o in outcomes), outcomes  # both posts get the same answer: sent
        assert drill.row(letter).state == ItemState.SUBMITTED
        assert drill.events(letter, "item.submit") == 1
    assert drill.failures == []


def test_the_same_start_posted_twice_makes_one_draft(app):
    drill = _drill(app)
    for number in range(REPETITIONS):
        once = uuid.uuid4().hex

        def start(once: str = once) -> object:
            return letters.start(unit_of_work(), drill.writer, drill.world.case_id, ItemKind.LETTER, None, once=once)

        outcomes = race(app, start, start)
        drill.record(outcomes)
        assert all(o.done for o in outcomes), outcomes
        assert outcomes[0].value == outcomes[1].value
        with app.app_context():
            drafts = (
                unit_of_work()
                .session.scalars(
                    select(models.Item.id).where(
                        models.Item.case_id == drill.world.case_id, models.Item.state == ItemState.DRAFT.value
                    )
                )
                .all()
            )
            assert drafts == [outcomes[0].value]
            # Send it, so the next round starts a new letter rather than resuming this one.
            letters.send(unit_of_work(), drill.writer, drill.world.case_id, drafts[0], [f"Letter {number}."])
    assert drill.failures == []


def test_a_release_and_a_withdrawal_at_once_never_pass_on_what_the_writer_stopped(app):
    """Stopping is the one act that must always win: nothing of theirs goes out after it."""
    for _ in range(REPETITIONS // 3):
        drill = _drill(app)
        letter = drill.letter()
        with app.app_context():
            reviewing.review(
                unit_of_work(),
                drill.first,
                drill.world.case_id,
                letter,
                reviewing.ReviewRequest(ReviewDecision.APPROVE, drill.seen(drill.first, letter), checked=True),
            )
        seen = drill.seen(drill.first, letter)
        case_id, facilitator, writer = drill.world.case_id, drill.first, drill.writer
        harmed = drill.world["harmed"].participant_id

        def release(letter=letter, seen=seen, case_id=case_id, facilitator=facilitator) -> None:
            reviewing.release(unit_of_work(), facilitator, case_id, letter, seen=seen)

        def stop(case_id=case_id, writer=writer, harmed=harmed) -> None:
            casework.withdraw(unit_of_work(), writer, case_id, harmed)

        outcomes = race(app, release, stop)
        drill.record(outcomes)
        assert outcomes[1].done, outcomes[1]
        state = drill.row(letter).state
        # Either it was passed on before they stopped, or it never is.
        assert state == (ItemState.RELEASED if outcomes[0].done else ItemState.WITHDRAWN)
        assert drill.failures == []
