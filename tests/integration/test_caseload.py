"""The caseload in the database: the reference search through its blind index, the filters and
sorting, the overdue filter held to the domain's rule, "my week", the workload, the promises,
and the command that indexes older cases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, func, insert, select, update

from portal.crypto import CaseVault
from portal.domain import calendar, deadlines
from portal.domain.actors import Actor
from portal.domain.audit import AuditAction
from portal.domain.enums import DueKind, RiskLevel, Role, Side, Stage
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.problems import Problem
from portal.runtime import unit_of_work
from portal.services import caseload, casework, keys
from portal.services.caseload import Filters, NeedsAction, Sort
from portal.storage import models
from portal.storage.db import EXTENSION_KEY
from tests.factories import actor_of, exchange_case, new_case
from tests.helpers import make_account

TODAY = date(2026, 7, 15)  # summer time in the UK: a stored UTC moment near midnight is on the next UK day
MICROSECOND = timedelta(microseconds=1)


@dataclass
class Spec:
    """One case of the varied data set, and what it should be."""

    stage: Stage = Stage.PREPARATION
    referred_on: date = TODAY - timedelta(days=60)
    created_at: datetime | None = None
    next_step_on: date | None = None
    contacts: tuple[tuple[str, date], ...] = (("general", TODAY - timedelta(days=20)),)
    waiting: tuple[tuple[str, datetime], ...] = ()  # (item state, submitted_at)
    meetings: tuple[tuple[str, date | None], ...] = ()  # (status, held_on)
    notes: tuple[tuple[str, datetime], ...] | None = None  # None: supervised yesterday


def bulk_cases(
    app,
    facilitator_id: uuid.UUID,
    count: int,
    *,
    reference=lambda n: f"CR/{n:05d}/26",
    indexed: bool = True,
    code: str = "RX-B",
) -> list[uuid.UUID]:
    """Many cases at once (the use cases would take minutes): real sealed references, and their
    blind index unless `indexed` is False (cases from before the index existed)."""
    ids = []
    with app.app_context():
        uow = unit_of_work()
        with uow:
            directory = keys.directory_vault(uow)
            cases, links = [], []
            for number in range(count):
                case_id = uuid.uuid4()
                key_row, plain = keys.create_data_key(uow, keys.CASE)
                vault = CaseVault(case_id, plain)
                cases.append(
                    {
                        "id": case_id,
                        "code": f"{code}{number:05d}",
                        "data_key_id": key_row.id,
                        "stage": Stage.ASSESSMENT.value,
                        "risk_level": RiskLevel.LOW.value,
                        "referral_source": "police",
                        "referral_reference_sealed": vault.seal_case_detail("referral_reference", reference(number)),
                        "offence_type_sealed": vault.seal_case_detail("offence_type", "Burglary"),
                        "referred_on": TODAY - timedelta(days=number % 50),
                        "created_by_id": facilitator_id,
                        "reference_index": directory.reference_index(reference(number)) if indexed else None,
                    }
                )
                links.append({"case_id": case_id, "user_id": facilitator_id})
                ids.append(case_id)
            uow.session.flush()
            uow.session.execute(insert(models.Case), cases)
            uow.session.execute(insert(models.CaseFacilitator), links)
    return ids


def _store(app, world_case_id: uuid.UUID, facilitator_id: uuid.UUID, spec: Spec) -> None:
    """Write one spec's rows directly: the contact, meeting and note screens are another's work."""
    with app.app_context():
        uow = unit_of_work()
        with uow:
            session = uow.session
            values = {"stage": spec.stage.value, "referred_on": spec.referred_on, "next_step_on": spec.next_step_on}
            if spec.created_at is not None:
                values["created_at"] = spec.created_at
            session.execute(update(models.Case).where(models.Case.id == world_case_id).values(**values))
            author = uuid.uuid4()
            session.execute(
                insert(models.Participant),
                [
                    {
                        "id": author,
                        "case_id": world_case_id,
                        "side": Side.HARMED.value,
                        "role": "principal",
                        "taking_part": "offline",
                        "name_sealed": b"x",
                    }
                ],
            )
            for purpose, on in spec.contacts:
                session.add(
                    models.Contact(
                        case_id=world_case_id,
                        method="phone",
                        purpose=purpose,
                        happened_on=on,
                        recorded_by_id=facilitator_id,
                        details_sealed=b"x",
                    )
                )
            for state, submitted_at in spec.waiting:
                session.add(
                    models.Item(
                        case_id=world_case_id,
                        kind="letter",
                        state=state,
                        author_id=author,
                        parts_sealed=b"x",
                        submitted_at=submitted_at,
                    )
                )
            for status, held_on in spec.meetings:
                session.add(
                    models.Meeting(
                        case_id=world_case_id,
                        kind="conference",
                        mode="in_person",
                        status=status,
                        starts_at=calendar.start_of(held_on or TODAY - timedelta(days=30)),
                        details_sealed=b"x",
                        held_on=held_on,
                        planned_by_id=facilitator_id,
                    )
                )
            notes = (
                spec.notes
                if spec.notes is not None
                else (("supervision", calendar.start_of(TODAY) - timedelta(days=1)),)
            )
            for kind, at in notes:
                session.add(
                    models.CaseNote(
                        case_id=world_case_id, kind=kind, written_by_id=facilitator_id, body_sealed=b"x", created_at=at
                    )
                )


def varied_cases(promises: deadlines.Promises) -> dict[str, tuple[Spec, bool]]:
    """Every kind of due date just late (overdue) and on its day (not yet), and the ways each is kept."""
    fc, rv, fu = promises.first_contact_days, promises.review_days, promises.follow_up_days
    sv = promises.supervision_weeks * 7
    long_ago = TODAY - timedelta(days=200)
    all_late = Spec(
        contacts=(),
        referred_on=long_ago,
        created_at=calendar.start_of(long_ago),
        next_step_on=long_ago,
        waiting=(("submitted", calendar.start_of(long_ago)),),
        meetings=(("held", long_ago),),
        notes=(),
    )
    return {
        "first contact late": (Spec(contacts=(), referred_on=TODAY - timedelta(days=fc + 1)), True),
        "first contact due today": (Spec(contacts=(), referred_on=TODAY - timedelta(days=fc)), False),
        "contacted long after referral": (Spec(referred_on=long_ago), False),
        "follow-up contact counts as contact": (Spec(referred_on=long_ago, contacts=(("follow_up", long_ago),)), False),
        "review late by a moment": (
            Spec(waiting=(("submitted", calendar.start_of(TODAY - timedelta(days=rv)) - MICROSECOND),)),
            True,
        ),
        "review due today": (Spec(waiting=(("submitted", calendar.start_of(TODAY - timedelta(days=rv))),)), False),
        "second approval late": (Spec(waiting=(("awaiting_second_approval", calendar.start_of(long_ago)),)), True),
        "approved long ago": (Spec(waiting=(("approved", calendar.start_of(long_ago)),)), False),
        "follow-up late": (Spec(meetings=(("held", TODAY - timedelta(days=fu + 1)),)), True),
        "follow-up due today": (Spec(meetings=(("held", TODAY - timedelta(days=fu)),)), False),
        "followed up on the meeting's day": (
            Spec(meetings=(("held", long_ago),), contacts=(("follow_up", long_ago),)),
            False,
        ),
        "followed up the day before the meeting": (
            Spec(meetings=(("held", long_ago),), contacts=(("follow_up", long_ago - timedelta(days=1)),)),
            True,
        ),
        "a later meeting not yet followed up": (
            Spec(
                meetings=(("held", long_ago), ("held", TODAY - timedelta(days=fu + 2))),
                contacts=(("follow_up", long_ago + timedelta(days=1)),),
            ),
            True,
        ),
        "only a general contact after the meeting": (
            Spec(meetings=(("held", long_ago),), contacts=(("general", TODAY),)),
            True,
        ),
        "meeting planned, not held": (Spec(meetings=(("planned", None),)), False),
        "meeting cancelled": (Spec(meetings=(("cancelled", long_ago),)), False),
        "next step late": (Spec(next_step_on=TODAY - timedelta(days=1)), True),
        "next step today": (Spec(next_step_on=TODAY), False),
        "supervision late by a moment": (
            Spec(notes=(("supervision", calendar.start_of(TODAY - timedelta(days=sv)) - MICROSECOND),)),
            True,
        ),
        "supervision due today": (
            Spec(notes=(("supervision", calendar.start_of(TODAY - timedelta(days=sv))),)),
            False,
        ),
        "never supervised, opened long ago": (
            Spec(notes=(), created_at=calendar.start_of(TODAY - timedelta(days=sv)) - MICROSECOND),
            True,
        ),
        "never supervised, opened on the boundary": (
            Spec(notes=(), created_at=calendar.start_of(TODAY - timedelta(days=sv))),
            False,
        ),
        "an old supervision and a recent one": (
            Spec(notes=(("supervision", calendar.start_of(long_ago)), ("supervision", calendar.start_of(TODAY)))),
            False,
        ),
        "a recent note is not supervision": (
            Spec(notes=(("supervision", calendar.start_of(long_ago)), ("note", calendar.start_of(TODAY)))),
            True,
        ),
        "closed with everything late": (Spec(**{**all_late.__dict__, "stage": Stage.CLOSED}), False),
        "paused with everything late": (Spec(**{**all_late.__dict__, "stage": Stage.PAUSED}), True),
    }


def _build(app, promises: deadlines.Promises) -> tuple[object, dict[uuid.UUID, str], dict[str, bool]]:
    facilitator = make_account(app, Role.FACILITATOR)
    names, expected = {}, {}
    for name, (spec, overdue) in varied_cases(promises).items():
        world = new_case(app, facilitator=facilitator)
        _store(app, world.case_id, facilitator.id, spec)
        names[world.case_id] = name
        expected[name] = overdue
    return facilitator, names, expected


def _all(uow, actor, filters: Filters, today: date = TODAY) -> list[caseload.CaseRow]:
    rows, page = [], 1
    while True:
        listed = caseload.case_list(uow, actor, filters, page, today=today)
        rows.extend(listed.entries)
        if page >= listed.pages:
            return rows
        page += 1


@pytest.mark.parametrize(
    "promises",
    [
        deadlines.Promises(),
        deadlines.Promises(first_contact_days=2, review_days=3, follow_up_days=4, supervision_weeks=2),
    ],
    ids=["default promises", "the service's own promises"],
)
def test_the_overdue_filter_shows_exactly_the_cases_the_domain_calls_overdue(app, promises):
    facilitator, names, expected = _build(app, promises)
    manager = make_account(app, Role.MANAGER)
    with app.app_context():
        uow = unit_of_work()
        if promises != deadlines.Promises():
            caseload.set_promises(
                uow,
                actor_of(manager),
                first_contact_days=promises.first_contact_days,
                review_days=promises.review_days,
                follow_up_days=promises.follow_up_days,
                supervision_weeks=promises.supervision_weeks,
            )
        assert caseload.promises(uow) == promises
        actor = actor_of(facilitator)
        everything = _all(uow, actor, Filters())
        assert len(everything) == len(expected)
        by_domain = {names[row.id] for row in everything if row.overdue}
        by_sql = {names[row.id] for row in _all(uow, actor, Filters(overdue=True))}
    wanted = {name for name, overdue in expected.items() if overdue}
    assert by_domain == wanted
    assert by_sql == wanted


def test_each_kind_of_due_date_is_named_and_counted_in_days(app):
    facilitator, names, _expected = _build(app, deadlines.Promises())
    with app.app_context():
        rows = {names[row.id]: row for row in _all(unit_of_work(), actor_of(facilitator), Filters())}
    late = {name: [(due.kind, due.days) for due in row.overdue] for name, row in rows.items()}
    assert late["first contact late"] == [(DueKind.FIRST_CONTACT, 1)]
    assert late["review late by a moment"] == [(DueKind.REVIEW, 1)]
    assert late["follow-up late"] == [(DueKind.FOLLOW_UP, 1)]
    assert late["next step late"] == [(DueKind.NEXT_STEP, 1)]
    assert late["supervision late by a moment"] == [(DueKind.SUPERVISION, 1)]
    assert rows["closed with everything late"].dues == ()
    today = rows["review due today"].next_due
    assert (today.kind, today.due_on, today.overdue, today.days) == (DueKind.REVIEW, TODAY, False, 0)


def test_sorting_by_due_date_puts_the_soonest_first_as_the_domain_dates_them(app):
    facilitator, _names, _expected = _build(app, deadlines.Promises())
    with app.app_context():
        rows = _all(unit_of_work(), actor_of(facilitator), Filters(sort=Sort.DUE))
    soonest = [row.next_due.due_on if row.next_due else date.max for row in rows]
    assert soonest == sorted(soonest)
    assert rows[-1].dues == ()  # the closed case, with nothing due, comes last


def test_my_week_holds_exactly_what_is_overdue_or_due_within_seven_days(app):
    facilitator, names, _expected = _build(app, deadlines.Promises())
    for later in (6, 7, 8):  # the next step in 6, 7 (the week's last day) and 8 days
        world = new_case(app, facilitator=facilitator)
        _store(app, world.case_id, facilitator.id, Spec(next_step_on=TODAY + timedelta(days=later)))
        names[world.case_id] = f"next step in {later} days"
    with app.app_context():
        uow = unit_of_work()
        actor = actor_of(facilitator)
        rows = _all(uow, actor, Filters())
        week, page = [], 1
        while True:
            listed = caseload.my_week(uow, actor, page, today=TODAY)
            week.extend(listed.entries)
            if page >= listed.pages:
                break
            page += 1
    by_domain = {names[row.id] for row in rows if deadlines.within_week(row.dues, TODAY)}
    assert {names[entry.case_id] for entry in week} == by_domain
    assert "next step in 7 days" in by_domain and "next step in 8 days" not in by_domain
    assert all(entry.dues and all(due.due_on <= TODAY + timedelta(days=7) for due in entry.dues) for entry in week)
    firsts = [entry.dues[0].due_on for entry in week]
    assert firsts == sorted(firsts)
    with app.app_context(), pytest.raises(NotAllowed):
        caseload.my_week(unit_of_work(), Actor(uuid.uuid4(), Role.MANAGER))


def test_a_facilitator_with_2000_cases_finds_one_by_its_reference_in_one_search_by_the_index(app):
    facilitator = make_account(app, Role.FACILITATOR)
    bulk_cases(app, facilitator.id, 2000)
    other = make_account(app, Role.FACILITATOR)
    bulk_cases(app, other.id, 1, reference=lambda _n: "CR/01234/26", code="RX-O")  # the same reference, another's case
    engine = app.extensions[EXTENSION_KEY].kw["bind"]
    with app.app_context():
        uow = unit_of_work()
        keys.directory_vault(uow)  # the keys, loaded once per request whatever it does
        statements: list[str] = []
        listen = lambda _c, _cur, statement, *_a: statements.append(statement)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listen)
        try:
            found = caseload.case_list(uow, actor_of(facilitator), Filters(reference=" cr 01234-26 "))
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        assert [row.code for row in found.entries] == ["RX-B01234"] and found.total == 1
        searches = [s for s in statements if "reference_index" in s]
        assert len(searches) == 2  # the count and the page, each by the index
        everyone = caseload.case_list(uow, Actor(uuid.uuid4(), Role.MANAGER), Filters(reference="CR/01234/26"))
        assert everyone.total == 2001  # a manager's list ignores a reference: the search is facilitators'
        assert caseload.case_list(uow, actor_of(facilitator), Filters(reference="CR/99999/26")).total == 0
        assert caseload.case_list(uow, actor_of(facilitator), Filters(reference="//")).total == 0


def test_opening_a_case_indexes_its_reference(app):
    world = new_case(app)  # reference CR/0001/26
    with app.app_context():
        found = caseload.case_list(unit_of_work(), actor_of(world.facilitator), Filters(reference="cr0001 26"))
    assert [row.id for row in found.entries] == [world.case_id]


def test_the_command_indexes_older_cases_in_batches(app):
    facilitator = make_account(app, Role.FACILITATOR)
    ids = bulk_cases(app, facilitator.id, 23, indexed=False)
    new_case(app, facilitator=facilitator)  # already indexed when opened
    result = app.test_cli_runner().invoke(args=["cases", "index-references", "--batch-size", "5"])
    assert result.exit_code == 0, result.output
    assert "Indexed the referral reference of 23 cases." in result.output
    with app.app_context():
        uow = unit_of_work()
        missing = uow.session.scalar(select(func.count(models.Case.id)).where(models.Case.reference_index.is_(None)))
        assert missing == 0
        found = caseload.case_list(uow, actor_of(facilitator), Filters(reference="CR/00017/26"))
        assert [row.id for row in found.entries] == [ids[17]]
    again = app.test_cli_runner().invoke(args=["cases", "index-references"])
    assert "Indexed the referral reference of 0 cases." in again.output


def test_filters_by_stage_risk_and_what_needs_action(app):
    world = exchange_case(app, risk=RiskLevel.HIGH)
    facilitator = world.facilitator
    quiet = new_case(app, facilitator=facilitator)
    with app.app_context():
        uow = unit_of_work()
        with uow:
            author = world["harmed"].participant_id
            for state in ("submitted", "on_hold"):
                uow.session.add(
                    models.Item(case_id=world.case_id, kind="letter", state=state, author_id=author, parts_sealed=b"x")
                )
        actor = actor_of(facilitator)

        def codes(**filters) -> set[uuid.UUID]:
            return {row.id for row in caseload.case_list(uow, actor, Filters(**filters)).entries}

        assert codes() == {world.case_id, quiet.case_id}
        assert codes(stage=Stage.EXCHANGE) == {world.case_id}
        assert codes(stage=Stage.REFERRAL) == {quiet.case_id}
        assert codes(risk=RiskLevel.HIGH) == {world.case_id}
        assert codes(risk=RiskLevel.MEDIUM) == set()
        assert codes(action=NeedsAction.REVIEW) == {world.case_id}
        assert codes(action=NeedsAction.HOLD) == {world.case_id}
        assert codes(action=NeedsAction.ANY) == {world.case_id}
        assert codes(action=NeedsAction.RELEASE) == set()
        assert codes(action=NeedsAction.CONFIRM) == set()
        assert codes(stage=Stage.EXCHANGE, action=NeedsAction.RELEASE) == set()
        row = caseload.case_list(uow, actor, Filters(action=NeedsAction.ANY)).entries[0]
        assert (row.waiting_for_review, row.on_hold) == (1, 1)


def test_sorting_by_latest_activity_and_by_referral_date(app):
    facilitator = make_account(app, Role.FACILITATOR)
    ids = bulk_cases(app, facilitator.id, 5)  # referred today, then 1, 2, 3, 4 days ago
    with app.app_context():
        uow = unit_of_work()
        with uow:
            for number, case_id in enumerate(ids):
                uow.session.execute(
                    update(models.Case)
                    .where(models.Case.id == case_id)
                    .values(updated_at=calendar.start_of(TODAY) + timedelta(hours=number))
                )
        actor = actor_of(facilitator)
        activity = [row.id for row in caseload.case_list(uow, actor, Filters()).entries]
        referred = [row.id for row in caseload.case_list(uow, actor, Filters(sort=Sort.REFERRED)).entries]
    assert activity == list(reversed(ids))
    assert referred == ids


def test_the_workload_counts_cases_per_facilitator_by_stage_with_overdue(app):
    busy = make_account(app, Role.FACILITATOR, name="Busy Facilitator")
    idle = make_account(app, Role.FACILITATOR, name="Idle Facilitator")
    manager = make_account(app, Role.MANAGER)
    late = new_case(app, facilitator=busy)
    _store(app, late.case_id, busy.id, Spec(contacts=(), referred_on=TODAY - timedelta(days=30)))
    closed = new_case(app, facilitator=busy)
    _store(app, closed.case_id, busy.id, Spec(stage=Stage.CLOSED, contacts=(), referred_on=TODAY - timedelta(days=30)))
    for _ in range(2):
        on_time = new_case(app, facilitator=busy)
        _store(app, on_time.case_id, busy.id, Spec(stage=Stage.ASSESSMENT, referred_on=TODAY))
    with app.app_context():
        uow = unit_of_work()
        loads = {load.name: load for load in caseload.workload(uow, actor_of(manager), today=TODAY)}
        with pytest.raises(NotAllowed) as refused:
            caseload.workload(uow, actor_of(busy))
    assert refused.value.problem == Problem.WORKLOAD_MANAGERS_ONLY
    assert loads["Busy Facilitator"].open_cases == 3
    assert loads["Busy Facilitator"].overdue == 1
    assert loads["Busy Facilitator"].by_stage == {Stage.PREPARATION: 1, Stage.CLOSED: 1, Stage.ASSESSMENT: 2}
    assert (loads["Idle Facilitator"].open_cases, loads["Idle Facilitator"].overdue) == (0, 0)
    assert idle.id == loads["Idle Facilitator"].user_id


def test_promises_are_set_by_managers_only_within_range_and_audited_once(app):
    manager = make_account(app, Role.MANAGER)
    facilitator = make_account(app, Role.FACILITATOR)
    chosen = {"first_contact_days": 3, "review_days": 2, "follow_up_days": 10, "supervision_weeks": 8}
    with app.app_context():
        uow = unit_of_work()
        assert caseload.promises(uow) == deadlines.Promises()  # no row yet: the defaults
        with pytest.raises(NotAllowed):
            caseload.set_promises(uow, actor_of(facilitator), **chosen)
        with pytest.raises(DomainError) as refused:
            caseload.set_promises(uow, actor_of(manager), **{**chosen, "supervision_weeks": 13})
        assert refused.value.problem == Problem.SETTINGS_WEEKS_RANGE
        caseload.set_promises(uow, actor_of(manager), **chosen, once="same-form")
        caseload.set_promises(
            uow, actor_of(manager), **{**chosen, "review_days": 9}, once="same-form"
        )  # a double click
        assert caseload.promises(uow) == deadlines.Promises(3, 2, 10, 8)
        events = uow.session.scalars(
            select(models.AuditEvent).where(models.AuditEvent.action == AuditAction.SETTINGS_CHANGE.value)
        ).all()
        assert [(e.actor_id, e.object_type) for e in events] == [(manager.id, "settings")]
        caseload.set_promises(uow, actor_of(manager), **{**chosen, "review_days": 4})
        assert caseload.promises(uow).review_days == 4
        assert uow.session.scalar(select(func.count()).select_from(models.ServiceSettings)) == 1


def test_the_withdrawal_notice_says_which_side_and_role_stopped(app):
    world = exchange_case(app)
    with app.app_context():
        uow = unit_of_work()
        casework.withdraw(uow, actor_of(world["harmed"].account), world.case_id, world["harmed"].participant_id)
        stored = uow.session.scalars(
            select(models.Notification).where(models.Notification.case_id == world.case_id)
        ).all()
        assert [n.participant_id for n in stored] == [world["harmed"].participant_id]
        notices = caseload.notices(uow, actor_of(world.facilitator))
    assert [(n.case_code, n.side, n.role) for n in notices] == [(world.code, Side.HARMED, "principal")]


def test_case_list_is_for_staff_only(app):
    with app.app_context(), pytest.raises(NotAllowed) as refused:
        caseload.case_list(unit_of_work(), Actor(uuid.uuid4(), Role.PARTICIPANT))
    assert refused.value.problem == Problem.LIST_STAFF_ONLY


def test_a_preparation_meeting_promises_no_follow_up_but_a_conference_does(app):
    world = exchange_case(app)
    long_ago = TODAY - timedelta(days=30)
    with app.app_context(), unit_of_work() as uow:
        for kind in ("preparation", "conference"):
            uow.session.add(
                models.Meeting(
                    case_id=world.case_id,
                    kind=kind,
                    mode="in_person",
                    status="held",
                    starts_at=calendar.start_of(long_ago),
                    details_sealed=b"x",
                    held_on=long_ago if kind == "preparation" else None,
                    planned_by_id=world.facilitator.id,
                )
            )
    actor = actor_of(world.facilitator)
    with app.app_context():
        (row,) = caseload.case_list(unit_of_work(), actor).entries
    assert DueKind.FOLLOW_UP not in {due.kind for due in row.dues}
    with app.app_context(), unit_of_work() as uow:
        uow.session.execute(update(models.Meeting).where(models.Meeting.kind == "conference").values(held_on=long_ago))
    with app.app_context():
        (row,) = caseload.case_list(unit_of_work(), actor, caseload.Filters(overdue=True)).entries
    assert DueKind.FOLLOW_UP in {due.kind for due in row.overdue}


def test_a_manager_cannot_ask_whether_a_reference_is_known(app):
    world = exchange_case(app)
    manager = make_account(app, Role.MANAGER)
    with app.app_context():
        uow = unit_of_work()
        mine = caseload.case_list(uow, actor_of(world.facilitator), caseload.Filters(reference="CR 0001 26"))
        theirs = caseload.case_list(uow, actor_of(manager), caseload.Filters(reference="no such reference"))
    assert [row.id for row in mine.entries] == [world.case_id]
    assert [row.id for row in theirs.entries] == [world.case_id]  # the search is not theirs: every case shows
