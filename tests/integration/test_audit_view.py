"""The service-wide audit view: each filter returns exactly the events it should (checked against
the whole trail read directly), a supervisor sees only their facilitators' cases and doings, no
participant's name reaches a manager's page, and the CSV file holds no name and no word. On
PostgreSQL, at a seeded size, every page and file query finds its rows by an index."""

from __future__ import annotations

import csv
import io
import json
import os
import uuid
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
from flask import Flask
from sqlalchemy import event, select, text

from portal.cli import seeding
from portal.domain.actors import Actor
from portal.domain.audit import AuditAction, AuditOutcome
from portal.domain.calendar import day_of, start_of
from portal.domain.enums import ConsentFormat, ItemKind, ReviewDecision, RiskLevel, Role, Side, Stage
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.problems import Problem
from portal.runtime import unit_of_work
from portal.services import accounts, audit, audit_view, demo, letters, reviewing, supervision
from portal.services.audit_view import AuditFilter
from portal.services.clock import today_in_uk
from portal.services.navigation import navigation
from portal.storage import models
from portal.storage.db import EXTENSION_KEY
from portal.web.audit_view import COLUMNS
from tests.factories import ROUTE_TO, CaseWorld, actor_of, add_person, move_to, new_case
from tests.helpers import Account, Browser, make_account, sign_in

LETTER = "The hallway light was still on when I came home"
HARMED, RESPONSIBLE = "Harriet Heron", "Rick Rook"
FORMATS = (ConsentFormat.LETTERS, ConsentFormat.QUESTIONS)


class Service:
    """Two cases with their own facilitators, a letter written, read, passed on and opened in the
    first, a manager, and a few events on chosen days (after everything else, as time runs)."""

    def __init__(self, app: Flask):
        self.manager = make_account(app, Role.MANAGER, name="Mona Manager")
        self.fay = make_account(app, Role.FACILITATOR, name="Fay Facilitator")
        self.bob = make_account(app, Role.FACILITATOR, name="Bob Builder")
        self.first = self._case(app, self.fay, HARMED, RESPONSIBLE)
        self.second = self._case(app, self.bob, "Hazel Hart", "Ron Rudd")
        self.letter = self._letter(app, self.first)
        with app.app_context(), unit_of_work() as uow:  # a failed sign-in of Bob's, outside any case
            audit.record(uow, AuditAction.SIGN_IN, outcome=AuditOutcome.FAILURE, actor_id=self.bob.id)

    @staticmethod
    def _case(app: Flask, facilitator: Account, harmed: str, responsible: str) -> CaseWorld:
        world = new_case(app, facilitator=facilitator)
        add_person(app, world, harmed, Side.HARMED, consents=FORMATS)
        add_person(app, world, responsible, Side.RESPONSIBLE, consents=FORMATS)
        with app.app_context():
            demo.assess_ready(unit_of_work(), actor_of(facilitator), world.case_id, RiskLevel.LOW, date(2026, 9, 20))
        move_to(app, world, *ROUTE_TO[Stage.EXCHANGE])
        return world

    @staticmethod
    def _letter(app: Flask, world: CaseWorld) -> uuid.UUID:
        harmed, responsible = world[HARMED].account, world[RESPONSIBLE].account
        with app.app_context():
            uow, facilitator = unit_of_work(), actor_of(world.facilitator)
            item_id = letters.start(uow, actor_of(harmed), world.case_id, ItemKind.LETTER, None)
            letters.send(uow, actor_of(harmed), world.case_id, item_id, [LETTER])
            seen = letters.read(uow, facilitator, world.case_id, item_id).version
            reviewing.review(
                uow, facilitator, world.case_id, item_id, reviewing.ReviewRequest(ReviewDecision.APPROVE, seen, True)
            )
            seen = letters.read(uow, facilitator, world.case_id, item_id).version
            reviewing.release(uow, facilitator, world.case_id, item_id, None, seen=seen)
            letters.open_item(uow, actor_of(responsible), world.case_id, item_id, tell_writer=True)
            letters.read(uow, actor_of(responsible), world.case_id, item_id)
        return item_id


def trail(app: Flask) -> list[models.AuditEvent]:
    with app.app_context():
        uow = unit_of_work()
        events = list(uow.session.scalars(select(models.AuditEvent).order_by(models.AuditEvent.id.desc())))
        uow.session.expunge_all()
        return events


def every_page(app: Flask, actor: Actor, wanted: AuditFilter) -> list[int]:
    """The ids the view shows, following "Older events" to the end."""
    shown, before = [], None
    with app.app_context():
        while True:
            page = audit_view.page(unit_of_work(), actor, wanted, before)
            shown += [entry.id for entry in page.entries]
            if page.older is None:
                return shown
            before = page.older


def names_of(service: Service) -> list[str]:
    return [HARMED, RESPONSIBLE, "Hazel Hart", "Ron Rudd"]


@pytest.fixture
def service(app: Flask) -> Service:
    return Service(app)


def test_each_filter_returns_exactly_its_events_newest_first(app, service, monkeypatch):
    monkeypatch.setattr(audit_view, "PAGE_SIZE", 7)  # several pages for every filter
    manager = actor_of(service.manager)
    events = trail(app)
    first = service.first.case_id

    def expect(keep) -> list[int]:
        return [e.id for e in events if keep(e)]

    cases = {
        AuditFilter(): expect(lambda e: True),
        AuditFilter(person_id=service.fay.id): expect(lambda e: e.actor_id == service.fay.id),
        AuditFilter(case_code=service.first.code.lower()): expect(lambda e: e.case_id == first),
        AuditFilter(action=AuditAction.ITEM_VIEW, case_code=service.first.code): expect(
            lambda e: e.action == "item.view" and e.case_id == first
        ),
        AuditFilter(action=AuditAction.ITEM_OPEN): expect(lambda e: e.action == "item.open"),
        AuditFilter(outcome=AuditOutcome.FAILURE): expect(lambda e: e.outcome == "failure"),
        AuditFilter(person_id=service.bob.id, outcome=AuditOutcome.SUCCESS): expect(
            lambda e: e.actor_id == service.bob.id and e.outcome == "success"
        ),
    }
    for wanted, expected in cases.items():
        assert expected, wanted  # every filter is tried on events that exist
        assert every_page(app, manager, wanted) == expected, wanted

    # Who read the letter, and when: the facilitator twice (to review, to pass on), then its reader.
    with app.app_context():
        page = audit_view.page(
            unit_of_work(), manager, AuditFilter(case_code=service.first.code, action=AuditAction.ITEM_VIEW)
        )
    assert [(e.staff_name, e.side, e.object_id) for e in page.entries] == [
        (None, Side.RESPONSIBLE, str(service.letter)),
        ("Fay Facilitator", None, str(service.letter)),
        ("Fay Facilitator", None, str(service.letter)),
    ]
    assert {e.object_type for e in page.entries} == {"letter"} and {e.case_code for e in page.entries} == {
        service.first.code
    }


def test_days_are_uk_days_from_start_of_each(app, service, monkeypatch):
    """Events either side of a UK midnight in summer (23:00 UTC) and in winter (00:00 UTC)."""
    manager = actor_of(service.manager)
    summer, winter = date(2031, 7, 1), date(2031, 12, 1)
    moments = [
        start_of(summer) - timedelta(microseconds=1),  # 30 June, 23:59 in the UK
        start_of(summer),  # 1 July, 00:00 in the UK: 30 June, 23:00 UTC
        start_of(summer + timedelta(days=1)) - timedelta(microseconds=1),
        start_of(summer + timedelta(days=1)),
        start_of(winter),
        start_of(winter + timedelta(days=1)) - timedelta(microseconds=1),
    ]
    assert moments[1] == datetime(2031, 6, 30, 23, tzinfo=UTC)
    made = []
    with app.app_context():
        for moment in moments:  # later than every event so far: the trail runs forward in time
            monkeypatch.setattr(audit, "utcnow", lambda moment=moment: moment)
            with unit_of_work() as uow:
                made.append(audit.record(uow, AuditAction.SETTINGS_CHANGE, actor_id=service.manager.id).id)
    # The view's own reads come after them, in 2032.
    monkeypatch.setattr(audit, "utcnow", lambda: datetime(2032, 1, 1, tzinfo=UTC))

    def on_days(first: date | None, last: date | None) -> list[int]:
        return [
            e.id
            for e in trail(app)
            if (first is None or day_of(e.occurred_at) >= first) and (last is None or day_of(e.occurred_at) <= last)
        ]

    assert every_page(app, manager, AuditFilter(start=summer, end=summer)) == [made[2], made[1]]
    after_summer = on_days(summer + timedelta(days=1), None)
    assert after_summer[-3:] == [made[5], made[4], made[3]]
    assert every_page(app, manager, AuditFilter(start=summer + timedelta(days=1))) == after_summer
    before_summer = on_days(None, summer - timedelta(days=1))
    assert before_summer[0] == made[0] and len(before_summer) > 20
    assert every_page(app, manager, AuditFilter(end=summer - timedelta(days=1))) == before_summer
    assert every_page(app, manager, AuditFilter(start=winter, end=winter, person_id=service.manager.id)) == [
        made[5],
        made[4],
    ]
    assert every_page(app, manager, AuditFilter(start=date(2031, 8, 1), end=date(2031, 11, 30))) == []
    with pytest.raises(DomainError) as backwards:
        AuditFilter(start=winter, end=summer)
    assert backwards.value.problem == Problem.AUDIT_VIEW_DATES_BACKWARDS


def test_an_outcome_is_searched_a_window_at_a_time_and_says_how_far(app, service, monkeypatch):
    monkeypatch.setattr(audit_view, "SCAN_WINDOW", 5)
    manager = actor_of(service.manager)
    with app.app_context(), unit_of_work() as uow:  # another failure, then a dozen events that did not fail
        audit.record(uow, AuditAction.SIGN_IN_CODE, outcome=AuditOutcome.FAILURE, actor_id=service.fay.id)
        for _ in range(12):
            audit.record(uow, AuditAction.SIGN_IN, actor_id=service.fay.id)
    expected = [e.id for e in trail(app) if e.outcome == "failure"]
    assert len(expected) == 2
    assert every_page(app, manager, AuditFilter(outcome=AuditOutcome.FAILURE)) == expected
    with app.app_context():
        page = audit_view.page(unit_of_work(), manager, AuditFilter(outcome=AuditOutcome.BLOCKED))
    assert page.entries == [] and page.older is not None and page.searched_back_to is not None


def name_as_supervisor(app: Flask, supervisor: Account, *supervisees: Account) -> None:
    admin = actor_of(make_account(app, Role.ADMIN))
    with app.app_context():
        supervision.set_senior(unit_of_work(), admin, supervisor.id, True)
        for supervisee in supervisees:
            supervision.name_supervisor(unit_of_work(), admin, supervisee.id, supervisor.id)


def test_a_supervisor_sees_their_facilitators_cases_and_doings_only(app, service):
    sue = make_account(app, Role.FACILITATOR, name="Sue Pervisor")
    with app.app_context(), pytest.raises(NotAllowed):
        audit_view.page(unit_of_work(), actor_of(sue), AuditFilter())
    with app.app_context():
        assert not navigation(unit_of_work(), actor_of(sue)).reads_audit_trail
    name_as_supervisor(app, sue, service.fay)
    with app.app_context():
        assert navigation(unit_of_work(), actor_of(sue)).reads_audit_trail
    with app.app_context(), unit_of_work() as uow:  # Fay's own doing outside the case
        audit.record(uow, AuditAction.SIGN_OUT, actor_id=service.fay.id, object_type="user", object_id=service.fay.id)
    events = trail(app)
    first, fay = service.first.case_id, service.fay.id
    mine = [e.id for e in events if e.case_id == first or e.actor_id == fay]
    assert any(e.case_id is None for e in events if e.id in mine)  # the sign-out
    assert any(e.case_id == service.second.case_id for e in events)  # Bob's case is in the trail
    sees = actor_of(sue)
    assert every_page(app, sees, AuditFilter()) == mine
    assert every_page(app, sees, AuditFilter(person_id=service.bob.id)) == []
    participant = service.first[RESPONSIBLE].account.id
    theirs = [e for e in events if e.actor_id == participant]
    assert any(e.case_id is None for e in theirs)  # their account's creation: not a case's, not Fay's
    assert every_page(app, sees, AuditFilter(person_id=participant)) == [e.id for e in theirs if e.case_id == first]
    with app.app_context():
        with pytest.raises(DomainError) as unseen:
            audit_view.page(unit_of_work(), sees, AuditFilter(case_code=service.second.code))
        assert unseen.value.problem == Problem.AUDIT_VIEW_NO_SUCH_CASE
        assert [r.id for r in audit_view.export(unit_of_work(), sees, AuditFilter())] == mine
        # No longer senior, no longer anyone's supervisor: the trail closes with the title.
        supervision.set_senior(unit_of_work(), actor_of(make_account(app, Role.ADMIN)), sue.id, False)
        with pytest.raises(NotAllowed):
            audit_view.page(unit_of_work(), sees, AuditFilter())
        assert not navigation(unit_of_work(), sees).reads_audit_trail


def test_only_managers_and_supervisors_read_the_trail(app, service):
    participant = service.first[HARMED].account
    with app.app_context():
        for account in (service.bob, participant, make_account(app, Role.ADMIN)):
            with pytest.raises(NotAllowed):
                audit_view.page(unit_of_work(), actor_of(account), AuditFilter())
            with pytest.raises(NotAllowed):
                audit_view.export(unit_of_work(), actor_of(account), AuditFilter())
            assert not navigation(unit_of_work(), actor_of(account)).reads_audit_trail
        assert navigation(unit_of_work(), actor_of(service.manager)).reads_audit_trail


def signed_in(app: Flask, account: Account) -> Browser:
    browser = Browser(app.test_client())
    sign_in(app, browser, account)
    return browser


def visible_text(html: str) -> str:
    return unescape(html)


def test_a_managers_page_names_staff_never_participants_and_each_read_is_audited(app, service):
    browser = signed_in(app, service.manager)
    html = visible_text(browser.get(f"/audit?case={service.first.code}").get_data(as_text=True))
    assert browser.page.status_code == 200
    for name in names_of(service):
        assert name not in html
    assert LETTER not in html
    assert "Fay Facilitator" in html and "The person harmed" in html and "The person responsible" in html
    assert "Opened by the reader" in html and f"number ending {str(service.letter)[-8:]}" in html
    html = visible_text(browser.get("/audit?action=item.view").get_data(as_text=True))
    for name in names_of(service):
        assert name not in html
    views = [e for e in trail(app) if e.action == AuditAction.AUDIT_VIEW.value and e.actor_id == service.manager.id]
    assert [(e.case_id, e.object_type) for e in views] == [
        (None, "audit_trail"),
        (service.first.case_id, "audit_trail"),
    ]
    browser.get(f"/audit?person={service.fay.id}")
    latest = trail(app)[0]
    assert (latest.action, latest.object_id, latest.case_id) == ("audit.view", str(service.fay.id), None)


def test_the_csv_holds_the_filtered_events_with_no_name_and_no_word(app, service):
    browser = signed_in(app, service.manager)
    expected = [e for e in trail(app) if e.case_id == service.first.case_id]
    response = browser.get(f"/audit.csv?case={service.first.code}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    # The file streamed after its request ended: its read ended with it, no connection left open.
    assert app.extensions[EXTENSION_KEY].kw["bind"].pool.checkedout() == 0
    rows = list(csv.DictReader(io.StringIO(body)))
    assert tuple(rows[0]) == COLUMNS
    assert [int(r["event_id"]) for r in rows] == [e.id for e in expected]
    by_id = {e.id: e for e in expected}
    for row in rows:
        stored = by_id[int(row["event_id"])]
        assert row["occurred_at"] == stored.occurred_at.isoformat(timespec="microseconds")
        assert row["occurred_at"].endswith("+00:00")
        assert row["actor_id"] == (str(stored.actor_id) if stored.actor_id else "")
        assert (row["action"], row["outcome"], row["case_code"]) == (stored.action, stored.outcome, service.first.code)
        assert row["object_type"] == (stored.object_type or "") and row["object_id"] == (stored.object_id or "")
    opened = next(r for r in rows if r["action"] == "item.open")
    assert (opened["actor_role"], opened["action_label"]) == ("participant", "Opened by the reader")
    assert {r["actor_role"] for r in rows} == {"facilitator", "participant"}
    # No name and no word: the participants', the staff's, the letter's, the referral's.
    with app.app_context():
        staff = accounts.names(unit_of_work(), [service.fay.id, service.manager.id, service.bob.id]).values()
    for secret in [*names_of(service), *staff, LETTER, "CR/0001/26", "Burglary"]:
        assert secret.lower() not in body.lower(), secret
    exported = trail(app)[0]
    assert (exported.action, exported.case_id, exported.actor_id) == (
        "audit.export",
        service.first.case_id,
        service.manager.id,
    )


def test_a_file_of_more_than_the_limit_is_refused_with_a_message(app, service, monkeypatch):
    monkeypatch.setattr(audit_view, "EXPORT_LIMIT", 3)
    browser = signed_in(app, service.manager)
    before = len(trail(app))
    response = browser.get(f"/audit.csv?case={service.first.code}")
    assert response.status_code == 302 and f"case={service.first.code}" in response.location
    assert len(trail(app)) == before  # nothing downloaded, nothing recorded as downloaded
    page = visible_text(browser.get(response.location).get_data(as_text=True))
    assert "More than 3 events match, too many for one file." in page
    with app.app_context(), pytest.raises(DomainError) as refused:
        list(audit_view.export(unit_of_work(), actor_of(service.manager), AuditFilter()))
    assert refused.value.problem == Problem.AUDIT_EXPORT_TOO_MANY
    monkeypatch.setattr(audit_view, "EXPORT_LIMIT", 100_000)
    again = browser.get(f"/audit.csv?case={service.first.code}")
    assert again.status_code == 200 and len(again.get_data(as_text=True).splitlines()) > 4


def test_the_file_streams_in_batches(app, service, monkeypatch):
    monkeypatch.setattr(audit_view, "EXPORT_BATCH", 2)
    with app.app_context():
        rows = audit_view.export(unit_of_work(), actor_of(service.manager), AuditFilter(person_id=service.fay.id))
        first = next(rows)
        rest = list(rows)
    assert [first.id, *(r.id for r in rest)] == [e.id for e in trail(app) if e.actor_id == service.fay.id]
    assert today_in_uk() == day_of(first.occurred_at)


# --- At a seeded size, on PostgreSQL ---------------------------------------------------------------


def _scans(plan: dict) -> list[tuple[str, str]]:
    found = [(plan["Node Type"], plan.get("Relation Name", ""))]
    for child in plan.get("Plans", []):
        found.extend(_scans(child))
    return found


@pytest.mark.skipif(not os.environ.get("PORTAL_TEST_DATABASE_URL"), reason="query plans are PostgreSQL's")
def test_every_filter_finds_its_page_by_an_index(app):
    with app.app_context():
        seeding.seed(unit_of_work(), seeding.Plan(cases=400, items=16_000, audit_events=80_000, big_case_items=2_000))
    engine = app.extensions[EXTENSION_KEY].kw["bind"]
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    with app.app_context():
        uow = unit_of_work()
        users = dict(uow.session.execute(select(models.User.id, models.User.role)).all())
        manager = Actor(next(u for u, r in users.items() if r == Role.MANAGER.value), Role.MANAGER)
        small = uow.session.scalars(
            select(models.CaseFacilitator.user_id)
            .group_by(models.CaseFacilitator.user_id)
            .order_by(text("count(*)"))
            .limit(1)
        ).one()
        code = uow.session.scalars(
            select(models.Case.code).join(models.CaseFacilitator).where(models.CaseFacilitator.user_id == small)
        ).first()
        newest = uow.session.scalar(select(models.AuditEvent.occurred_at).order_by(models.AuditEvent.id.desc()))
        uow.rollback()
    supervisor = make_account(app, Role.FACILITATOR)
    name_as_supervisor(app, supervisor, Account(small, "", "", Role.FACILITATOR))
    today = day_of(newest)
    filters = [
        AuditFilter(),
        AuditFilter(person_id=small),
        AuditFilter(case_code=code),
        AuditFilter(action=AuditAction.ITEM_VIEW, case_code=code),
        AuditFilter(action=AuditAction.ITEM_RELEASE),
        AuditFilter(action=AuditAction.CASE_SHRED),  # none at all
        AuditFilter(start=today - timedelta(days=1), end=today - timedelta(days=1)),
        AuditFilter(start=today),
        AuditFilter(outcome=AuditOutcome.FAILURE),  # none at all: a window at a time
        AuditFilter(person_id=small, outcome=AuditOutcome.SUCCESS),
    ]
    captured: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, *_args):
        if statement.lstrip().upper().startswith("SELECT") and " audit_events" in statement:
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with app.app_context():
            for wanted in filters:
                audit_view.page(unit_of_work(), manager, wanted, with_staff=False)
                audit_view.page(unit_of_work(), manager, wanted, before=50_000, with_staff=False)
            audit_view.page(unit_of_work(), Actor(supervisor.id, Role.FACILITATOR), AuditFilter())
            for wanted in (AuditFilter(case_code=code), AuditFilter(person_id=small)):
                list(audit_view.export(unit_of_work(), manager, wanted))
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert len(captured) >= 2 * len(filters)
    with engine.connect() as connection:
        for statement, parameters in captured:
            plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar()
            plan = json.loads(plan) if isinstance(plan, str) else plan
            scans = _scans(plan[0]["Plan"])
            assert not [s for s in scans if s[0] == "Seq Scan" and s[1] == "audit_events"], (statement, scans)
