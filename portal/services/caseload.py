"""The caseload: the staff case list (search, filters, sorting, due dates), "my week", the
manager's workload view, the service's promises, and the notices of who stopped.

Every list costs a constant number of queries whatever the number of cases in scope: the
total, the page's cases (filtered and sorted in SQL), then one query each for the facts the
page's due dates depend on (items, contacts, meetings, supervision), for those cases only. The
due dates themselves are the domain's (`portal.domain.deadlines`); the filters ask the database
the same question with plain comparisons against the days the domain computes, and a test holds
the two to the same answer.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import BindParameter, Date, Integer, and_, bindparam, case, cast, false, func, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, lazyload
from sqlalchemy.sql.elements import ColumnElement

from portal.crypto.vaults import normalise_reference
from portal.domain import deadlines
from portal.domain.actors import Actor
from portal.domain.audit import AuditAction
from portal.domain.calendar import UK, day_of, start_of
from portal.domain.deadlines import CaseFacts, Due, Promises
from portal.domain.enums import (
    ContactPurpose,
    DueKind,
    ItemState,
    MeetingKind,
    MeetingStatus,
    NoteKind,
    ParticipantRole,
    RiskLevel,
    Role,
    Side,
    Stage,
)
from portal.domain.errors import NotAllowed
from portal.domain.problems import Problem
from portal.services import accounts, audit, keys, records, submissions
from portal.services.casework import PAGE_SIZE, Page, page_within
from portal.services.clock import today_in_uk
from portal.services.uow import UnitOfWork
from portal.storage import models
from portal.storage.types import utcnow

WAITING = (ItemState.SUBMITTED.value, ItemState.AWAITING_SECOND_APPROVAL.value)
RELEASABLE = (ItemState.APPROVED.value, ItemState.SCHEDULED.value, ItemState.HELD_FOR_RECIPIENT.value)
CLOSED = Stage.CLOSED.value
SETTINGS_ROW = 1
NOTHING_DUE = 10_000_000  # a day number past any real one: cases with nothing due sort last
INDEX_BATCH = 500


class NeedsAction(StrEnum):
    """What the "needs action" filter looks for among a case's items."""

    ANY = "any"
    REVIEW = "review"  # waiting for review, or for a second approval
    CONFIRM = "confirm"  # a shuttle note the writer has not yet confirmed
    RELEASE = "release"  # approved, scheduled or kept: ready to pass on
    HOLD = "hold"  # held when someone stopped


class Sort(StrEnum):
    ACTIVITY = "activity"  # latest activity first (the default)
    REFERRED = "referred"  # referral date, newest first
    DUE = "due"  # the soonest due date first


@dataclass(frozen=True)
class Filters:
    reference: str = ""
    stage: Stage | None = None
    risk: RiskLevel | None = None
    action: NeedsAction | None = None
    overdue: bool = False
    sort: Sort = Sort.ACTIVITY


@dataclass(frozen=True)
class CaseRow:
    """One case on the list: never a word of its content, only codes, counts and dates."""

    id: uuid.UUID
    code: str
    stage: Stage
    risk_level: RiskLevel
    referred_on: date
    updated_at: datetime
    waiting_for_review: int
    to_confirm: int
    ready_to_release: int
    on_hold: int
    dues: tuple[Due, ...]

    @property
    def overdue(self) -> tuple[Due, ...]:
        return tuple(due for due in self.dues if due.overdue)

    @property
    def next_due(self) -> Due | None:
        return deadlines.earliest(self.dues)


# --- The service's promises --------------------------------------------------------------------


# Read on every case list: four numbers, not the whole settings row.
_PROMISES = select(
    models.ServiceSettings.first_contact_days,
    models.ServiceSettings.review_days,
    models.ServiceSettings.follow_up_days,
    models.ServiceSettings.supervision_weeks,
).where(models.ServiceSettings.id == SETTINGS_ROW)


def promises(uow: UnitOfWork) -> Promises:
    """The service's promises; without a settings row, the defaults (5, 5, 7 days, 12 weeks)."""
    row = uow.read(_PROMISES).first()
    return Promises() if row is None else Promises(*row)


def set_promises(
    uow: UnitOfWork,
    actor: Actor,
    *,
    first_contact_days: int,
    review_days: int,
    follow_up_days: int,
    supervision_weeks: int,
    once: str | None = None,
) -> Promises:
    """A manager sets the service's promises (checked by the domain), audited as a settings change."""
    if actor.role != Role.MANAGER:
        raise NotAllowed(Problem.SETTINGS_MANAGERS_ONLY)
    chosen = Promises(first_contact_days, review_days, follow_up_days, supervision_weeks)
    with uow:
        if submissions.previous(uow, once, actor.user_id) is not None:
            return promises(uow)
        # The one row, made by whichever change comes first; then locked while it changes.
        insert = postgresql.insert if uow.dialect == "postgresql" else sqlite.insert
        uow.session.execute(insert(models.ServiceSettings).values(id=SETTINGS_ROW).on_conflict_do_nothing())
        row = uow.session.get(models.ServiceSettings, SETTINGS_ROW, with_for_update=True, populate_existing=True)
        assert row is not None
        row.first_contact_days = chosen.first_contact_days
        row.review_days = chosen.review_days
        row.follow_up_days = chosen.follow_up_days
        row.supervision_weeks = chosen.supervision_weeks
        row.updated_at = utcnow()
        row.updated_by_id = actor.user_id
        uow.session.flush()
        submissions.remember(uow, once, actor.user_id, AuditAction.SETTINGS_CHANGE.value, SETTINGS_ROW)
        audit.record(
            uow,
            AuditAction.SETTINGS_CHANGE,
            actor_id=actor.user_id,
            object_type="settings",
            object_id=str(SETTINGS_ROW),
        )
        return chosen


# --- Due dates in SQL: the same rules as portal.domain.deadlines ------------------------------------


def _contact_recorded() -> ColumnElement[bool]:
    return select(models.Contact.id).where(models.Contact.case_id == models.Case.id).exists()


def _follow_up_answered() -> ColumnElement[bool]:
    """A follow-up contact on or after the day of the meeting in the enclosing query."""
    return (
        select(models.Contact.id)
        .where(
            models.Contact.case_id == models.Meeting.case_id,
            models.Contact.purpose == ContactPurpose.FOLLOW_UP.value,
            models.Contact.happened_on >= models.Meeting.held_on,
        )
        .exists()
    )


def _held_conferences() -> tuple[ColumnElement[bool], ...]:
    """The meetings a follow-up is promised after: conferences held (a preparation meeting leads
    on to the next step of preparation, not to follow-up)."""
    return (
        models.Meeting.case_id == models.Case.id,
        models.Meeting.kind == MeetingKind.CONFERENCE.value,
        models.Meeting.status == MeetingStatus.HELD.value,
        models.Meeting.held_on.is_not(None),
    )


def _last_supervision() -> ColumnElement[datetime]:
    """The latest case supervision recorded, or the day the case was opened."""
    latest = (
        select(func.max(models.CaseNote.created_at))
        .where(models.CaseNote.case_id == models.Case.id, models.CaseNote.kind == NoteKind.SUPERVISION.value)
        .scalar_subquery()
    )
    return func.coalesce(latest, models.Case.created_at)


def due_before(day: date, chosen: Promises) -> ColumnElement[bool]:
    """Cases with something due before `day`: `due_before(today)` is overdue, `due_before(today +
    8 days)` is due within the week. Each due date start + N < day is asked as start < day - N
    (for a stored moment: before the UK midnight of that day), so every dialect answers alike."""

    def before(kind: DueKind) -> date:
        return day - timedelta(days=chosen.days(kind))

    first_contact = ~_contact_recorded() & (models.Case.referred_on < before(DueKind.FIRST_CONTACT))
    review = (
        select(models.Item.id)
        .where(
            models.Item.case_id == models.Case.id,
            models.Item.state.in_(WAITING),
            models.Item.submitted_at < start_of(before(DueKind.REVIEW)),
        )
        .exists()
    )
    follow_up = (
        select(models.Meeting.id)
        .where(*_held_conferences(), models.Meeting.held_on < before(DueKind.FOLLOW_UP), ~_follow_up_answered())
        .exists()
    )
    next_step = models.Case.next_step_on < before(DueKind.NEXT_STEP)
    supervision = _last_supervision() < start_of(before(DueKind.SUPERVISION))
    return and_(models.Case.stage != CLOSED, or_(first_contact, review, follow_up, next_step, supervision))


def _day_number(dialect: str, value: ColumnElement | InstrumentedAttribute, *, moment: bool) -> ColumnElement[int]:
    """Days since 1970-01-01 of a date, or of the UK date of a stored moment, for sorting."""
    if dialect == "postgresql":
        day = cast(func.timezone(UK.key, value), Date) if moment else value
        return cast(day - literal(date(1970, 1, 1), Date), Integer)
    if moment:  # SQLite keeps UTC text; British Summer Time runs from 01:00 UTC on the last Sundays of March to October
        value = func.substr(value, 1, 19)  # whole seconds: SQLite's own date functions round to milliseconds
        year = func.strftime("%Y", value)
        summer_from = func.datetime(func.date(year.concat("-03-25"), "weekday 0"), "+1 hour")
        summer_to = func.datetime(func.date(year.concat("-10-25"), "weekday 0"), "+1 hour")
        value = case(
            (and_(value >= summer_from, value < summer_to), func.date(value, "+1 hour")), else_=func.date(value)
        )
    return cast(func.julianday(value) - 2440587.5, Integer)


def _earliest_due(dialect: str, chosen: Promises) -> ColumnElement[int]:
    """The day number of a case's soonest due date (NOTHING_DUE when none), for "due date" sorting."""
    review_from = (
        select(func.min(models.Item.submitted_at))
        .where(models.Item.case_id == models.Case.id, models.Item.state.in_(WAITING))
        .scalar_subquery()
    )
    follow_up_from = (
        select(func.min(models.Meeting.held_on)).where(*_held_conferences(), ~_follow_up_answered()).scalar_subquery()
    )
    parts = [
        case(
            (
                ~_contact_recorded(),
                _day_number(dialect, models.Case.referred_on, moment=False) + chosen.days(DueKind.FIRST_CONTACT),
            ),
            else_=None,
        ),
        _day_number(dialect, review_from, moment=True) + chosen.days(DueKind.REVIEW),
        _day_number(dialect, follow_up_from, moment=False) + chosen.days(DueKind.FOLLOW_UP),
        _day_number(dialect, models.Case.next_step_on, moment=False),
        _day_number(dialect, _last_supervision(), moment=True) + chosen.days(DueKind.SUPERVISION),
    ]
    values = [func.coalesce(part, NOTHING_DUE) for part in parts]
    soonest = func.least(*values) if dialect == "postgresql" else func.min(*values)
    return case((models.Case.stage == CLOSED, NOTHING_DUE), else_=soonest)


# --- The facts of a page of cases, and their due dates --------------------------------------------


def _shuttle_unconfirmed() -> ColumnElement[bool]:
    return (
        (models.Item.kind == "shuttle_note")
        & models.Item.state.in_(("draft", "returned"))
        & models.Item.confirmed_at.is_(None)
    )


def _action_condition(action: NeedsAction) -> ColumnElement[bool]:
    conditions = {
        NeedsAction.REVIEW: models.Item.state.in_(WAITING),
        NeedsAction.CONFIRM: _shuttle_unconfirmed(),
        NeedsAction.RELEASE: models.Item.state.in_(RELEASABLE),
        NeedsAction.HOLD: models.Item.state == ItemState.ON_HOLD.value,
    }
    return conditions[action] if action != NeedsAction.ANY else or_(*conditions.values())


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.count(models.Item.id).filter(condition)


@dataclass(frozen=True)
class _Shown:
    id: uuid.UUID
    code: str
    stage: Stage
    risk_level: RiskLevel
    referred_on: date
    created_at: datetime
    updated_at: datetime
    next_step_on: date | None


_SHOWN: BindParameter[list[uuid.UUID]] = bindparam("ids", expanding=True)
# The four queries behind a page of cases, built once (building them cost more than running them).
_ITEM_COUNTS = (
    select(
        models.Item.case_id,
        _count(models.Item.state.in_(WAITING)),
        _count(_shuttle_unconfirmed()),
        _count(models.Item.state.in_(RELEASABLE)),
        _count(models.Item.state == ItemState.ON_HOLD.value),
        func.min(models.Item.submitted_at).filter(models.Item.state.in_(WAITING)),
    )
    .where(models.Item.case_id.in_(_SHOWN))
    .group_by(models.Item.case_id)
)
_CONTACTS = (
    select(
        models.Contact.case_id,
        func.count(models.Contact.id),
        func.max(models.Contact.happened_on).filter(models.Contact.purpose == ContactPurpose.FOLLOW_UP.value),
    )
    .where(models.Contact.case_id.in_(_SHOWN))
    .group_by(models.Contact.case_id)
)
_CONFERENCES_HELD = select(models.Meeting.case_id, models.Meeting.held_on).where(
    models.Meeting.case_id.in_(_SHOWN),
    models.Meeting.kind == MeetingKind.CONFERENCE.value,
    models.Meeting.status == MeetingStatus.HELD.value,
    models.Meeting.held_on.is_not(None),
)
_LAST_SUPERVISION = (
    select(models.CaseNote.case_id, func.max(models.CaseNote.created_at))
    .where(models.CaseNote.case_id.in_(_SHOWN), models.CaseNote.kind == NoteKind.SUPERVISION.value)
    .group_by(models.CaseNote.case_id)
)


def _rows(uow: UnitOfWork, shown: list[_Shown], chosen: Promises, today: date) -> list[CaseRow]:
    """Counts and due dates for these cases: four queries, whatever their number."""
    if not shown:
        return []
    ids = {"ids": [case_.id for case_ in shown]}
    counts = {row[0]: row[1:] for row in uow.read(_ITEM_COUNTS, ids).all()}
    contacts = {row[0]: row[1:] for row in uow.read(_CONTACTS, ids).all()}
    held: dict[uuid.UUID, list[date]] = defaultdict(list)
    for case_id, held_on in uow.read(_CONFERENCES_HELD, ids).all():
        if held_on is not None:
            held[case_id].append(held_on)
    supervised = dict(uow.read(_LAST_SUPERVISION, ids).all())
    rows = []
    for shown_case in shown:
        waiting, confirm, release, hold, waiting_since = counts.get(shown_case.id, (0, 0, 0, 0, None))
        contacted, last_follow_up = contacts.get(shown_case.id, (0, None))
        last_supervision = supervised.get(shown_case.id)
        facts = CaseFacts(
            stage=shown_case.stage,
            referred_on=shown_case.referred_on,
            opened_on=day_of(shown_case.created_at),
            contact_recorded=contacted > 0,
            waiting_since=day_of(waiting_since) if waiting_since else None,
            meetings_held_on=tuple(held.get(shown_case.id, ())),
            last_follow_up_on=last_follow_up,
            next_step_on=shown_case.next_step_on,
            last_supervision_on=day_of(last_supervision) if last_supervision else None,
        )
        rows.append(
            CaseRow(
                shown_case.id,
                shown_case.code,
                shown_case.stage,
                shown_case.risk_level,
                shown_case.referred_on,
                shown_case.updated_at,
                waiting,
                confirm,
                release,
                hold,
                deadlines.dues(facts, chosen, today),
            )
        )
    return rows


def _in_scope(actor: Actor) -> list[ColumnElement[bool]]:
    """A facilitator's own cases; a manager's, every case."""
    if actor.role not in (Role.FACILITATOR, Role.MANAGER):
        raise NotAllowed(Problem.LIST_STAFF_ONLY)
    if actor.role == Role.MANAGER:
        return []
    mine = select(models.CaseFacilitator.case_id).where(models.CaseFacilitator.user_id == actor.user_id)
    return [models.Case.id.in_(mine)]


def searchable(reference: str) -> bool:
    """Whether a reference has anything to search by: letters or digits (the rest is ignored)."""
    return bool(normalise_reference(reference))


def _page(
    uow: UnitOfWork,
    where: list[ColumnElement[bool]],
    order: list[Any],
    page: int,
    chosen: Promises,
    today: date,
) -> Page[CaseRow]:
    case_ = models.Case
    total = uow.read(select(func.count(case_.id)).where(*where)).scalar() or 0
    page = page_within(page, total)
    shown = [
        _Shown(row[0], row[1], Stage(row[2]), RiskLevel(row[3]), *row[4:])
        for row in uow.read(
            select(
                case_.id,
                case_.code,
                case_.stage,
                case_.risk_level,
                case_.referred_on,
                case_.created_at,
                case_.updated_at,
                case_.next_step_on,
            )
            .where(*where)
            .order_by(*order)
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        ).all()
    ]
    return Page(_rows(uow, shown, chosen, today), page, total)


def case_list(
    uow: UnitOfWork, actor: Actor, filters: Filters | None = None, page: int = 1, *, today: date | None = None
) -> Page[CaseRow]:
    """My cases (every case for a manager), filtered and sorted, with what needs action and what is due.

    A reference search is one comparison with the blind index of the normalised reference, and
    a facilitator's own: a manager, who reads no case's words, cannot ask whether a crime number
    is known to the service.
    """
    filters = filters or Filters()
    if actor.role != Role.FACILITATOR:
        filters = replace(filters, reference="")
    today = today or today_in_uk()
    chosen = promises(uow)
    where = _in_scope(actor)
    if filters.reference.strip():
        if searchable(filters.reference):
            where.append(models.Case.reference_index == keys.directory_vault(uow).reference_index(filters.reference))
        else:
            where.append(false())  # nothing to compare: no letters or digits
    if filters.stage is not None:
        where.append(models.Case.stage == filters.stage.value)
    if filters.risk is not None:
        where.append(models.Case.risk_level == filters.risk.value)
    if filters.action is not None:
        where.append(
            select(models.Item.id)
            .where(models.Item.case_id == models.Case.id, _action_condition(filters.action))
            .exists()
        )
    if filters.overdue:
        where.append(due_before(today, chosen))
    latest = [models.Case.updated_at.desc(), models.Case.id]
    if filters.sort == Sort.DUE:
        order = [_earliest_due(uow.dialect, chosen), *latest]
    elif filters.sort == Sort.REFERRED:
        order = [models.Case.referred_on.desc(), *latest]
    else:
        order = latest
    return _page(uow, where, order, page, chosen, today)


@dataclass(frozen=True)
class WeekEntry:
    case_id: uuid.UUID
    code: str
    dues: tuple[Due, ...]  # overdue, or due within the next 7 days, soonest first


def my_week(uow: UnitOfWork, actor: Actor, page: int = 1, *, today: date | None = None) -> Page[WeekEntry]:
    """Everything due in the next 7 days or overdue, across a facilitator's cases, soonest first."""
    if actor.role != Role.FACILITATOR:
        raise NotAllowed(Problem.MY_WEEK_FACILITATORS_ONLY)
    today = today or today_in_uk()
    chosen = promises(uow)
    horizon = today + timedelta(days=deadlines.WEEK_AHEAD + 1)
    where = [*_in_scope(actor), due_before(horizon, chosen)]
    order = [_earliest_due(uow.dialect, chosen), models.Case.updated_at.desc(), models.Case.id]
    listed = _page(uow, where, order, page, chosen, today)
    entries = [WeekEntry(row.id, row.code, deadlines.within_week(row.dues, today)) for row in listed.entries]
    return Page(entries, listed.number, listed.total)


# --- The manager's workload view -----------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    """One facilitator's cases in numbers: never a case's code or words."""

    user_id: uuid.UUID
    name: str
    active: bool
    open_cases: int
    overdue: int
    by_stage: dict[Stage, int]


def workload(uow: UnitOfWork, actor: Actor, *, today: date | None = None) -> list[Workload]:
    """Cases per facilitator (a case with two facilitators counts for each): three queries and names."""
    if actor.role != Role.MANAGER:
        raise NotAllowed(Problem.WORKLOAD_MANAGERS_ONLY)
    today = today or today_in_uk()
    overdue = due_before(today, promises(uow))
    counts: dict[uuid.UUID, dict[Stage, tuple[int, int]]] = defaultdict(dict)
    for user_id, stage, number, late in uow.session.execute(
        select(
            models.CaseFacilitator.user_id,
            models.Case.stage,
            func.count(models.Case.id),
            func.coalesce(func.sum(case((overdue, 1), else_=0)), 0),
        )
        .join(models.Case, models.Case.id == models.CaseFacilitator.case_id)
        .group_by(models.CaseFacilitator.user_id, models.Case.stage)
    ).all():
        counts[user_id][Stage(stage)] = (number, int(late))
    facilitators = dict(
        uow.session.execute(
            select(models.User.id, models.User.is_active).where(models.User.role == Role.FACILITATOR.value)
        ).all()
    )
    shown = {user_id for user_id, active in facilitators.items() if active or counts.get(user_id)}
    names = accounts.names(uow, shown)
    loads = []
    for user_id in shown:
        stages = counts.get(user_id, {})
        loads.append(
            Workload(
                user_id=user_id,
                name=names.get(user_id, ""),
                active=facilitators[user_id],
                open_cases=sum(number for stage, (number, _late) in stages.items() if stage != Stage.CLOSED),
                overdue=sum(late for _number, late in stages.values()),
                by_stage={stage: number for stage, (number, _late) in stages.items()},
            )
        )
    return sorted(loads, key=lambda load: (not load.active, load.name.casefold(), str(load.user_id)))


# --- Notices: who stopped ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """Someone stopped taking part: which case, and which side and role (never a name)."""

    case_id: uuid.UUID
    case_code: str
    kind: str
    created_at: datetime
    side: Side | None  # None for notices from before the portal said who
    role: ParticipantRole | None


def notices(uow: UnitOfWork, actor: Actor) -> list[Notice]:
    """The signed-in person's unseen notices, newest first: one query."""
    rows = uow.session.execute(
        select(
            models.Notification.case_id,
            models.Case.code,
            models.Notification.kind,
            models.Notification.created_at,
            models.Participant.side,
            models.Participant.role,
        )
        .join(models.Case, models.Case.id == models.Notification.case_id)
        .outerjoin(models.Participant, models.Participant.id == models.Notification.participant_id)
        .where(models.Notification.user_id == actor.user_id, models.Notification.seen_at.is_(None))
        .order_by(models.Notification.created_at.desc())
    ).all()
    return [
        Notice(case_id, code, kind, at, Side(side) if side else None, ParticipantRole(role) if role else None)
        for case_id, code, kind, at, side, role in rows
    ]


# --- The blind index of referral references, for cases opened before it existed --------------------


def index_references(uow: UnitOfWork, batch_size: int = INDEX_BATCH) -> int:
    """Fill `cases.reference_index` where it is missing, a batch per unit of work; returns how many."""
    done = 0
    after: uuid.UUID | None = None
    while True:
        with uow:
            query = (
                select(models.Case)
                .options(lazyload(models.Case.facilitators), lazyload(models.Case.participants))
                .options(lazyload(models.Case.consents))
                .where(models.Case.reference_index.is_(None))
                .order_by(models.Case.id)
                .limit(batch_size)
                .with_for_update(of=models.Case)
            )
            if after is not None:
                query = query.where(models.Case.id > after)
            batch = list(uow.session.scalars(query))
            if not batch:
                return done
            directory = keys.directory_vault(uow)
            for row in batch:
                reference = records.vault_for(uow, row).open_case_detail(
                    "referral_reference", row.referral_reference_sealed
                )
                row.reference_index = directory.reference_index(reference)
                uow.case_vaults.pop(row.id, None)  # one batch of data keys in memory at a time
            after = batch[-1].id
            done += len(batch)
