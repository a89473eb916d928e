"""A repeated report comes from memory while no audit event has been written since it was
computed: one query (the newest event) instead of the report's dozen and more; any audited
change, another period, another history of the database, or an entry pushed out of the bounded
memo computes it again. Who may see a report is asked every time, before the memo is."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from portal import create_app
from portal.domain.audit import AuditAction
from portal.domain.cases import Referral
from portal.domain.enums import ReferralSource, RiskLevel, Role, Side
from portal.domain.errors import NotAllowed
from portal.domain.reporting import Period
from portal.runtime import unit_of_work
from portal.services import audit, casework, reports
from portal.services.reports import ServiceReport
from portal.storage import models
from portal.storage.db import EXTENSION_KEY
from tests.conftest import empty_database
from tests.factories import actor_of
from tests.helpers import Account, Browser, counting, make_account, sign_in

QUARTER = Period(date(2026, 7, 1), date(2026, 9, 30))
NEXT_QUARTER = Period(date(2026, 10, 1), date(2026, 12, 31))


def report(app: Flask, period: Period = QUARTER) -> tuple[ServiceReport, list[str]]:
    """The report as a request asks for it (its own app context, no unit of work open), and the
    statements it took."""
    with app.app_context(), counting(app) as statements:
        found = reports.service_report(unit_of_work(), Role.MANAGER, period)
    return found, statements


def remembered(statements: list[str]) -> bool:
    """Whether a report came from the memo: the newest audit event read, and nothing else (a
    transaction's BEGIN is not a query)."""
    queries = [statement for statement in statements if statement.strip().upper() != "BEGIN"]
    return len(queries) == 1 and "audit_events" in queries[0]


def refer(app: Flask, facilitator: Account, on: date) -> None:
    """A case referred on a day, through the service (so with its audit event)."""
    with app.app_context():
        referral = Referral("CR/0042/26", "Burglary", ReferralSource.POLICE, on, date(2024, 3, 14))
        casework.open_case(unit_of_work(), actor_of(facilitator), referral, RiskLevel.LOW)


def newest_event(app: Flask) -> int:
    with app.app_context():
        return unit_of_work().session.scalar(select(func.max(models.AuditEvent.id)))


def test_a_second_identical_report_runs_only_the_newest_event_query(app):
    refer(app, make_account(app, Role.FACILITATOR), date(2026, 9, 1))
    first, computing = report(app)
    second, statements = report(app)
    assert len(computing) > 10 and not remembered(computing)
    assert remembered(statements), statements
    assert second == first and second.referrals == 1


def test_the_report_page_shown_again_runs_none_of_the_reports_queries(app):
    refer(app, make_account(app, Role.FACILITATOR), date(2026, 9, 1))
    manager = Browser(app.test_client())
    sign_in(app, manager, make_account(app, Role.MANAGER))
    path = f"/reports?start={QUARTER.start.isoformat()}&end={QUARTER.end.isoformat()}"

    def shown() -> tuple[str, list[str]]:
        with counting(app) as statements:
            page = manager.get(path)
        assert page.status_code == 200
        return page.get_data(as_text=True), statements

    first_page, first = shown()
    again_page, again = shown()
    # The satisfaction answers and the tombstones are read by the report and nothing else on the page.
    assert any("satisfaction_answers" in s for s in first) and any("case_tombstones" in s for s in first)
    assert not any("satisfaction_answers" in s or "case_tombstones" in s for s in again), again
    assert len(first) - len(again) >= 10
    marker = 'data-label="Number">1</td>'
    assert marker in first_page and marker in again_page


def test_an_audited_change_the_report_counts_shows_in_the_next_report(app):
    facilitator = make_account(app, Role.FACILITATOR)
    refer(app, facilitator, date(2026, 9, 1))
    before, _ = report(app)
    assert remembered(report(app)[1])
    refer(app, facilitator, date(2026, 8, 14))  # one more case referred in the quarter
    after, statements = report(app)
    assert not remembered(statements)
    assert (before.referrals, after.referrals) == (1, 2)
    assert after.referrals_by_source == {"police": 2}
    again, statements = report(app)
    assert remembered(statements) and again == after


def test_a_reading_written_since_does_not_start_the_report_again(app):
    """A letter read or a sign-in changes nothing a report counts: the memo still answers."""
    facilitator = make_account(app, Role.FACILITATOR)
    refer(app, facilitator, date(2026, 9, 1))
    first, _ = report(app)
    with app.app_context(), unit_of_work() as uow:
        audit.record(uow, AuditAction.ITEM_VIEW, actor_id=facilitator.id, object_type="letter", object_id="x")
        audit.record(uow, AuditAction.SIGN_IN, actor_id=facilitator.id, object_type="user", object_id=facilitator.id)
    second, statements = report(app)
    assert remembered(statements) and second == first
    with app.app_context(), unit_of_work() as uow:  # anything else may have changed a count
        audit.record(uow, AuditAction.NOTE_ADD, actor_id=facilitator.id, object_type="case_note", object_id="y")
    assert not remembered(report(app)[1])


def test_two_periods_do_not_share_an_entry(app):
    refer(app, make_account(app, Role.FACILITATOR), date(2026, 9, 1))
    assert report(app, QUARTER)[0].referrals == 1
    later, statements = report(app, NEXT_QUARTER)
    assert not remembered(statements) and later.referrals == 0
    shorter, statements = report(app, Period(QUARTER.start, date(2026, 8, 31)))  # the same start, an earlier end
    assert not remembered(statements) and shorter.referrals == 0
    again, statements = report(app, QUARTER)
    assert remembered(statements) and again.referrals == 1


def test_who_may_see_a_report_is_asked_before_the_memo_every_time(app):
    """Only a manager's reports are ever computed, so no other role's could share one; and a
    refusal comes before the memo is looked at (no query at all), however warm it is."""
    refer(app, make_account(app, Role.FACILITATOR), date(2026, 9, 1))
    report(app)
    assert remembered(report(app)[1])
    for role in (Role.FACILITATOR, Role.ADMIN, Role.PARTICIPANT):
        with app.app_context(), counting(app) as statements:
            with pytest.raises(NotAllowed):
                reports.service_report(unit_of_work(), role, QUARTER)
            with pytest.raises(NotAllowed):
                reports.quarterly(unit_of_work(), role, QUARTER)
        assert statements == []
    manager = Browser(app.test_client())
    sign_in(app, manager, make_account(app, Role.MANAGER))
    path = f"/reports?start={QUARTER.start.isoformat()}&end={QUARTER.end.isoformat()}"
    assert manager.get(path).status_code == 200
    assert manager.get(path).status_code == 200  # from the memo now
    for role in (Role.FACILITATOR, Role.ADMIN):
        other = Browser(app.test_client())
        sign_in(app, other, make_account(app, role))
        assert other.get(path).status_code == 403
        assert other.get(f"/reports/commissioner.csv?start={QUARTER.start.isoformat()}").status_code == 403


def test_the_commissioners_quarters_come_from_the_same_memo(app):
    refer(app, make_account(app, Role.FACILITATOR), date(2026, 9, 1))
    both = Period(QUARTER.start, NEXT_QUARTER.end)
    with app.app_context(), counting(app) as computing:
        quarters = reports.quarterly(unit_of_work(), Role.MANAGER, both)
    assert [r.referrals for _q, r in quarters] == [1, 0]
    assert remembered(report(app, QUARTER)[1]) and remembered(report(app, NEXT_QUARTER)[1])
    with app.app_context(), counting(app) as statements:
        again = reports.quarterly(unit_of_work(), Role.MANAGER, both)
    assert len(computing) > 20 and remembered(statements), statements  # one reading for both quarters
    assert again == quarters


def test_the_memo_is_bounded_and_forgets_the_least_recently_used(app):
    refer(app, make_account(app, Role.FACILITATOR), date(2026, 9, 1))
    days = [Period(QUARTER.start + timedelta(days=n), QUARTER.start + timedelta(days=n)) for n in range(40)]
    size = reports.MEMO_ENTRIES
    assert 1 < size < len(days)
    for day in days[:size]:
        report(app, day)
    assert remembered(report(app, days[0])[1])  # used again: now the most recent
    report(app, days[size])  # one more than it holds: days[1], the least recently used, goes
    assert remembered(report(app, days[0])[1])
    assert not remembered(report(app, days[1])[1])
    for day in days[size + 1 :]:
        report(app, day)
    assert not remembered(report(app, days[2])[1])  # long pushed out
    assert remembered(report(app, days[-1])[1])
    assert len(reports._memo) <= size  # the bound itself


def test_inside_a_unit_of_work_the_report_is_computed_and_never_remembered(app):
    """A unit of work's own writes are not committed (and may roll back) and may not be audited
    yet: the report it asks for sees them, and leaves nothing in the memo for anyone else."""
    refer(app, make_account(app, Role.FACILITATOR), date(2026, 9, 1))
    assert report(app)[0].referrals == 1
    with app.app_context():
        uow = unit_of_work()
        with pytest.raises(RuntimeError), uow:
            uow.session.execute(update(models.Case).values(referred_on=date(2026, 10, 2)))
            assert reports.service_report(uow, Role.MANAGER, QUARTER).referrals == 0
            assert reports.service_report(uow, Role.MANAGER, NEXT_QUARTER).referrals == 1
            raise RuntimeError("roll it back")
    after, statements = report(app)
    assert remembered(statements) and after.referrals == 1
    later, statements = report(app, NEXT_QUARTER)
    assert not remembered(statements) and later.referrals == 0


def test_a_change_made_without_an_audit_event_shows_at_the_next_audited_change(app):
    """The memo's stated limit: a change made by hand in the database is not seen until the next
    audited change moves the newest event (then it is)."""
    facilitator = make_account(app, Role.FACILITATOR)
    refer(app, facilitator, date(2026, 9, 1))
    assert report(app)[0].referrals == 1
    with app.app_context(), unit_of_work() as uow:  # by hand: no audit event
        uow.session.execute(update(models.Case).values(referral_source=ReferralSource.PRISON.value))
    stale, statements = report(app)
    assert remembered(statements) and stale.referrals_by_source == {"police": 1}
    refer(app, facilitator, date(2025, 1, 6))  # audited, and outside the quarter
    fresh, statements = report(app)
    assert not remembered(statements) and fresh.referrals_by_source == {"prison": 1}


@pytest.fixture
def another_database(migrated_template: str, settings: dict, tmp_path: Path) -> Iterator[Callable[[], Flask]]:
    """A second history from an empty database: on PostgreSQL the same database emptied with its
    sequences restarted (as between tests, or a restore), on SQLite a fresh file."""
    made: list[Flask] = []

    def build() -> Flask:
        url = empty_database(migrated_template, tmp_path / "another.db")
        made.append(create_app({**settings, "DATABASE_URL": url}))
        return made[-1]

    yield build
    for app in made:
        app.extensions[EXTENSION_KEY].kw["bind"].dispose()


def test_the_same_event_id_in_another_history_is_not_taken_for_the_old_one(app, another_database):
    """The newest event is named by its id and its hash: the same number of events written again
    from an empty trail (tables emptied and their sequences restarted) is another state."""
    refer(app, make_account(app, Role.FACILITATOR), date(2026, 9, 1))
    assert report(app)[0].referrals == 1
    assert remembered(report(app)[1])
    head = newest_event(app)
    app.extensions[EXTENSION_KEY].kw["bind"].dispose()

    other = another_database()
    refer(other, make_account(other, Role.FACILITATOR), date(2026, 4, 1))  # the same events, another quarter
    assert newest_event(other) == head
    found, statements = report(other)
    assert not remembered(statements) and found.referrals == 0


def test_a_caller_changing_its_report_does_not_change_the_remembered_one(app):
    refer(app, make_account(app, Role.FACILITATOR), date(2026, 9, 1))
    for _ in range(2):  # the report as computed, then as remembered
        found, _ = report(app)
        found.referrals_by_source["police"] = 99
        found.satisfaction.clear()
    again, statements = report(app)
    assert remembered(statements)
    assert again.referrals_by_source == {"police": 1} and set(again.satisfaction) == set(Side)
