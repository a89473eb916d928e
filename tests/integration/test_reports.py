"""The service report over a period, counted by hand against a small service; and the
commissioner's file, which suppresses small numbers and holds no name and no word."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, update

from portal.domain.enums import ConsentFormat, ItemKind, ParticipantRole, ReferralSource, Role, Side, Stage
from portal.domain.reporting import Period, Quarter
from portal.runtime import unit_of_work
from portal.services import casework, letters, reports, reviewing
from portal.services.clock import today_in_uk
from portal.storage import models
from tests.factories import actor_of, add_person, approved_letter, exchange_case, new_case
from tests.helpers import Browser, make_account, sign_in

LETTER = "The hallway light was still on when I came home"
NAMES = ("Harriet Heron", "Hal Heron", "Hope Heron", "Holly Heron", "Ruth Rook", "Rick Rook")


def released(app, world, text: str) -> uuid.UUID:
    item_id = approved_letter(app, world, text)
    with app.app_context():
        uow, facilitator = unit_of_work(), actor_of(world.facilitator)
        seen = letters.read(uow, facilitator, world.case_id, item_id).version
        reviewing.release(uow, facilitator, world.case_id, item_id, None, seen=seen)
    return item_id


def set_row(app, model, row_id, **values) -> None:
    with app.app_context(), unit_of_work() as uow:
        uow.session.execute(update(model).where(model.id == row_id).values(**values))


def a_small_service(app, quarter: Quarter) -> dict:
    """Two cases referred this quarter (police on its first day, prison today), one the day
    before it; one letter passed on this quarter two days after it was sent, one before it."""
    today = today_in_uk()
    first = exchange_case(app)
    letter = released(app, first, LETTER)
    now = datetime.now(UTC)
    set_row(app, models.Item, letter, submitted_at=now - timedelta(days=2), released_at=now)
    set_row(app, models.Case, first.case_id, referred_on=quarter.start)

    second = exchange_case(app)
    earlier = released(app, second, "An earlier letter")
    before = datetime.combine(quarter.start - timedelta(days=1), time(12), UTC)
    set_row(app, models.Item, earlier, released_at=before, submitted_at=before - timedelta(days=1))
    set_row(app, models.Case, second.case_id, referred_on=today, referral_source=ReferralSource.PRISON.value)
    with app.app_context():
        responsible = second["responsible"]
        casework.withdraw(unit_of_work(), actor_of(responsible.account), second.case_id, responsible.participant_id)

    third = new_case(app)
    set_row(app, models.Case, third.case_id, referred_on=quarter.start - timedelta(days=1))

    # A conference held in the quarter, an agreement both sides reached, its actions.
    with app.app_context(), unit_of_work() as uow:
        uow.session.add(
            models.Meeting(
                case_id=second.case_id,
                kind="conference",
                mode="in_person",
                status="held",
                starts_at=now,
                details_sealed=b"sealed",
                held_on=today,
                planned_by_id=second.facilitator.id,
            )
        )
        agreement = models.Agreement(
            case_id=first.case_id, follow_up_on=today, harmed_agreed_at=now, responsible_agreed_at=now
        )
        uow.session.add(agreement)
        uow.session.flush()
        for position, (due, status) in enumerate(
            [(today, "done"), (quarter.start, "to_do"), (quarter.start - timedelta(days=1), "done")]
        ):
            uow.session.add(
                models.AgreementAction(
                    agreement_id=agreement.id,
                    case_id=first.case_id,
                    kind="apology",
                    owner_side="responsible",
                    details_sealed=b"sealed",
                    due_on=due,
                    status=status,
                    position=position,
                )
            )
    # Satisfaction: five of the harmed side (four satisfied), two of the responsible side (one).
    people = [add_person(app, first, name, Side.HARMED, ParticipantRole.SUPPORTER) for name in NAMES[:4]]
    people += [add_person(app, first, name, Side.RESPONSIBLE, ParticipantRole.SUPPORTER) for name in NAMES[4:]]
    scores = [5, 5, 4, 2, 5, 4, 1]
    answerers = [first["harmed"], *people]
    with app.app_context(), unit_of_work() as uow:
        for person, score in zip(answerers, scores, strict=True):
            uow.session.add(
                models.SatisfactionAnswer(
                    case_id=first.case_id,
                    participant_id=person.participant_id,
                    score=score,
                    recorded_by_id=first.facilitator.id,
                )
            )
        late = models.SatisfactionAnswer(
            case_id=second.case_id,
            participant_id=second["harmed"].participant_id,
            score=1,
            recorded_by_id=second.facilitator.id,
            answered_at=before,  # before the quarter: not counted
        )
        uow.session.add(late)
    return {"worlds": (first, second, third)}


def test_the_report_over_a_quarter_matches_the_hand_count(app):
    quarter = Quarter.of(today_in_uk())
    a_small_service(app, quarter)
    with app.app_context():
        report = reports.service_report(unit_of_work(), Role.MANAGER, quarter.period)
    assert report.referrals == 2
    assert report.referrals_by_source == {"police": 1, "prison": 1}
    assert report.stage_now == {"exchange": 1, "withdrawn": 1}
    assert report.exchanges_by_format == {
        ConsentFormat.LETTERS: 1,
        ConsentFormat.QUESTIONS: 0,
        ConsentFormat.SHUTTLE: 0,
        ConsentFormat.MEETING: 1,
        ConsentFormat.RECORDINGS: 0,
    }
    assert report.days_to_release == (2.0, 1)
    assert report.withdrawals == {(Stage.EXCHANGE, Side.RESPONSIBLE): 1}
    # Referral, assessment and preparation each ended for the three exchange moves of two cases.
    assert {stage: count for stage, (_days, count) in report.days_in_stage.items()} == {
        Stage.REFERRAL: 2,
        Stage.ASSESSMENT: 2,
        Stage.PREPARATION: 2,
    }
    assert (report.agreements_reached, report.actions_due, report.actions_done) == (1, 2, 1)
    assert report.satisfaction == {Side.HARMED: {5: 3, 4: 1, 2: 1}, Side.RESPONSIBLE: {4: 1, 1: 1}}


def test_a_recorded_message_passed_on_counts_as_an_exchange_by_recorded_messages(app):
    quarter = Quarter.of(today_in_uk())
    world = exchange_case(app, formats=(ConsentFormat.LETTERS, ConsentFormat.RECORDINGS))
    item_id = released(app, world, "The words of what I recorded")
    # Passed on as a letter, then made a recording: the report counts what kind was passed on
    # (its file, and the rule that it has one, are portal.services.media's).
    set_row(app, models.Item, item_id, kind=ItemKind.RECORDING.value)
    with app.app_context():
        report = reports.service_report(unit_of_work(), Role.MANAGER, quarter.period)
    assert report.exchanges_by_format[ConsentFormat.RECORDINGS] == 1
    assert report.exchanges_by_format[ConsentFormat.LETTERS] == 0
    manager = Browser(app.test_client())
    sign_in(app, manager, make_account(app, Role.MANAGER))
    period = f"start={quarter.start.isoformat()}&end={quarter.end.isoformat()}"
    (row,) = csv.DictReader(io.StringIO(manager.get(f"/reports/commissioner.csv?{period}").get_data(as_text=True)))
    assert row["exchanges_recordings"] == "fewer than 5"  # one case: never published as a number
    assert "Recorded messages" in manager.get(f"/reports?{period}").get_data(as_text=True)


def test_a_period_before_anything_happened_counts_nothing(app):
    quarter = Quarter.of(today_in_uk())
    a_small_service(app, quarter)
    long_ago = Period(date(2020, 4, 1), date(2020, 6, 30))
    with app.app_context():
        report = reports.service_report(unit_of_work(), Role.MANAGER, long_ago)
    assert (report.referrals, report.days_to_release, report.withdrawals, report.agreements_reached) == (0, None, {}, 0)
    assert sum(report.exchanges_by_format.values()) == 0


def test_the_commissioners_file_suppresses_small_numbers_and_holds_no_name_or_word(app):
    quarter = Quarter.of(today_in_uk())
    first, second, third = a_small_service(app, quarter)["worlds"]
    manager = Browser(app.test_client())
    sign_in(app, manager, make_account(app, Role.MANAGER))
    response = manager.get(f"/reports/commissioner.csv?start={quarter.start.isoformat()}&end={quarter.end.isoformat()}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    (row,) = list(csv.DictReader(io.StringIO(body)))
    assert row["quarter"] == quarter.code
    assert row["referrals"] == "fewer than 5"
    # 4 of 5 satisfied would give away the one who was not: neither the 4 nor the 80% is published.
    assert row["satisfaction_harmed_answers"] == "5"
    assert (row["satisfaction_harmed_satisfied"], row["satisfaction_harmed_percent"]) == ("fewer than 5", "")
    assert row["satisfaction_responsible_answers"] == "fewer than 5"
    assert row["satisfaction_responsible_percent"] == ""
    assert row["exchanges_questions"] == "0"
    # Nothing anyone wrote or is called: every participant's sealed values, opened, are absent.
    with app.app_context():
        uow = unit_of_work()
        secrets = [LETTER, "An earlier letter", "CR/0001/26", "Burglary", *NAMES]
        for world in (first, second, third):
            context = casework.load(uow, actor_of(world.facilitator), world.case_id)
            for person in context.case.participants:
                secrets.append(casework.participant_name(uow, context, person.id))
                secrets.extend(person.sensitive_terms)
        codes = list(uow.session.scalars(select(models.Case.code)))
    values = body.split("\r\n", 1)[1]  # below the fixed column names (some of which say "harmed")
    for secret in secrets + codes:
        assert secret not in values, secret


def test_the_report_page_draws_charts_with_their_numbers_and_refuses_a_backwards_period(app):
    quarter = Quarter.of(today_in_uk())
    a_small_service(app, quarter)
    manager = Browser(app.test_client())
    sign_in(app, manager, make_account(app, Role.MANAGER))
    page = manager.get(f"/reports?start={quarter.start.isoformat()}&end={quarter.end.isoformat()}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "On the side of the person harmed, 80% of those who answered were satisfied: 4 of 5." in text
    assert "<svg" in text and 'class="chart__bar"' in text
    assert "Median time from sending something for review to passing it on: 2 days." in text, text
    assert LETTER not in text
    backwards = manager.get(f"/reports?start={quarter.end.isoformat()}&end={quarter.start.isoformat()}")
    assert backwards.status_code == 400
    assert "The end of the period must be on or after its start." in backwards.get_data(as_text=True)


def test_the_report_over_the_demo_data_matches_its_hand_count(app):
    """The demo (README, "Demo sign-ins"): four cases, three referred by the police on 1 September
    2026 and one by victim services on 2 November; one letter passed on; one person (the person
    responsible, in the exchange) stopped; one conference held ten days before loading."""
    assert "Demo data loaded" in app.test_cli_runner().invoke(args=["demo", "load"]).output
    period = Period(date(2026, 4, 1), today_in_uk())
    with app.app_context():
        report = reports.service_report(unit_of_work(), Role.MANAGER, period)
        letters_sent = reports.service_report(unit_of_work(), Role.MANAGER, Period(today_in_uk(), today_in_uk()))
    assert report.referrals == 4
    assert report.referrals_by_source == {"police": 3, "victim_service": 1}
    assert report.stage_now == {"exchange": 2, "withdrawn": 1, "referral": 1}
    assert report.exchanges_by_format[ConsentFormat.LETTERS] == 1
    assert report.exchanges_by_format[ConsentFormat.MEETING] == 1
    assert report.withdrawals == {(Stage.EXCHANGE, Side.RESPONSIBLE): 1}
    assert (report.agreements_reached, report.actions_due) == (0, 0)
    assert report.satisfaction == {Side.HARMED: {}, Side.RESPONSIBLE: {}}
    assert letters_sent.referrals == 0 and letters_sent.exchanges_by_format[ConsentFormat.LETTERS] == 1
