"""The service-wide audit view: the trail filtered by person, case, action, UK days and outcome,
a page at a time or as a CSV file, for service managers and for named supervisors.

A manager reads every event; a supervisor reads the events of the cases the facilitators they
supervise hold now, and those facilitators' own events. No name of a participant and no word
anyone wrote is read here: an event holds none, a participant is shown by side and role, and the
only names opened are staff names. Reading the view, and downloading it, are audited.

Every page is found by an index, never by reading the trail from its start:
- a person by (actor_id, id), a case by (case_id, id), an action by (action, occurred_at), and
  without any of these the primary key, newest first, keyset-paged (`before` an event id);
- UK days become a range of event ids, found by halving over the ids (a handful of primary-key
  look-ups): events are appended in time order under the chain's lock, so their ids rise with
  their times. The range is widened by `CLOCK_MARGIN` either side and the times are still
  compared exactly, so an app server's clock a little behind another's loses no event;
- an outcome has no index of its own, so with an outcome each page looks back through at most
  `SCAN_WINDOW` events and says how far it looked, and the next page carries on from there.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select

from portal.domain.actors import Actor
from portal.domain.audit import AuditAction, AuditOutcome
from portal.domain.calendar import start_of
from portal.domain.enums import ParticipantRole, Role, Side
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.problems import Problem
from portal.services import accounts, audit
from portal.services.accounts import STAFF_ROLES
from portal.services.uow import UnitOfWork
from portal.storage import models

E = models.AuditEvent
PAGE_SIZE = 50
EXPORT_LIMIT = 100_000  # rows in one CSV file; a filter matching more is refused, never cut short
EXPORT_BATCH = 1_000  # rows fetched at a time while a file streams
SCAN_WINDOW = 20_000  # events one page looks back through when filtering by outcome
CLOCK_MARGIN = timedelta(minutes=10)
OBJECT = "audit_trail"  # the object of an audit.view or audit.export event


@dataclass(frozen=True)
class AuditFilter:
    """What the view is asked for; every part is optional ("anyone", "any case", ...)."""

    person_id: uuid.UUID | None = None  # a member of staff
    case_code: str = ""
    action: AuditAction | None = None
    start: date | None = None  # UK days, both included
    end: date | None = None
    outcome: AuditOutcome | None = None

    def __post_init__(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise DomainError(Problem.AUDIT_VIEW_DATES_BACKWARDS)


@dataclass(frozen=True)
class Reader:
    """Who reads the trail and how far: a manager everything, a supervisor their facilitators."""

    actor: Actor
    supervisees: frozenset[uuid.UUID] | None  # None: the whole trail
    cases: frozenset[uuid.UUID] = frozenset()

    @property
    def whole_trail(self) -> bool:
        return self.supervisees is None


@dataclass(frozen=True)
class AuditEntry:
    """One event as the view shows it: who by role (a staff name only for staff), never content."""

    id: int
    occurred_at: datetime
    action: str
    outcome: str
    actor_id: uuid.UUID | None
    actor_role: Role | None  # None: the portal itself (the worker, a command), or an account not held
    staff_name: str | None
    side: Side | None  # a participant's, in the event's case
    participant_role: ParticipantRole | None
    case_code: str | None
    object_type: str | None
    object_id: str | None


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    older: int | None  # `before` for the next (older) page; None when nothing older matches
    searched_back_to: datetime | None = None  # an outcome search that stopped short looked back to here
    case_id: uuid.UUID | None = None
    staff: list[tuple[uuid.UUID, str]] = field(default_factory=list)


def supervisees(user_id: Any) -> Select[Any]:
    """The facilitators this person (an id, or a bound parameter) supervises, while they are a
    senior facilitator (as `casework._may_look` asks before a supervisor reads a case)."""
    me = select(models.User.id).where(
        models.User.id == user_id, models.User.senior.is_(True), models.User.is_active.is_(True)
    )
    return select(models.User.id).where(
        models.User.supervisor_id == user_id, models.User.role == Role.FACILITATOR.value, me.exists()
    )


def reader(uow: UnitOfWork, actor: Actor) -> Reader:
    """A manager, or a senior facilitator named as someone's supervisor; anyone else is refused."""
    if actor.role == Role.MANAGER:
        return Reader(actor, None)
    if actor.role == Role.FACILITATOR:
        supervised = frozenset(uow.session.scalars(supervisees(actor.user_id)))
        if supervised:
            cases = frozenset(
                uow.session.scalars(
                    select(models.CaseFacilitator.case_id).where(models.CaseFacilitator.user_id.in_(supervised))
                )
            )
            return Reader(actor, supervised, cases)
    raise NotAllowed(Problem.AUDIT_VIEW_NOT_ALLOWED)


def staff_choices(uow: UnitOfWork) -> list[tuple[uuid.UUID, str]]:
    """Every member of staff by name, for the "who" filter: staff names only, never a participant's."""
    staff = list(uow.session.scalars(select(models.User.id).where(models.User.role.in_(r.value for r in STAFF_ROLES))))
    names = accounts.names(uow, staff)
    return sorted(names.items(), key=lambda pair: (pair[1].casefold(), str(pair[0])))


def case_id_for(uow: UnitOfWork, who: Reader, code: str) -> uuid.UUID | None:
    """The case with this code (or the tombstone of one deleted at the end of its retention); a
    case outside a supervisor's reach is "no such case", the same as one that does not exist."""
    code = code.strip().upper()
    if not code:
        return None
    found = uow.session.scalar(select(models.Case.id).where(models.Case.code == code))
    if found is None and who.whole_trail:
        found = uow.session.scalar(select(models.CaseTombstone.id).where(models.CaseTombstone.code == code))
    if found is None or (not who.whole_trail and found not in who.cases):
        raise DomainError(Problem.AUDIT_VIEW_NO_SUCH_CASE, code=code)
    return found


# --- Finding the events ---------------------------------------------------------------------------


def _first_id_from(uow: UnitOfWork, moment: datetime) -> int:
    """The first event id at or after `moment`: about twenty primary-key look-ups for a million
    events, halving over the ids (which rise with the events' times)."""
    lowest, highest = uow.session.scalar(select(func.min(E.id))), uow.session.scalar(select(func.max(E.id)))
    if lowest is None or highest is None:
        return 0
    low, high = int(lowest), int(highest) + 1
    while low < high:
        middle = (low + high) // 2
        found = uow.session.execute(select(E.id, E.occurred_at).where(E.id >= middle).order_by(E.id).limit(1)).first()
        if found is None or found.occurred_at >= moment:
            high = middle
        else:
            low = found.id + 1
    return int(low)


@dataclass
class _Query:
    where: list[ColumnElement[bool]]
    floor: int | None = None  # no event below this id matches the days asked for


def _conditions(uow: UnitOfWork, who: Reader, wanted: AuditFilter, case_id: uuid.UUID | None) -> _Query:
    where: list[ColumnElement[bool]] = []
    floor = None
    if not who.whole_trail:
        assert who.supervisees is not None
        scope = [E.actor_id.in_(sorted(who.supervisees))]
        if who.cases:
            scope.append(E.case_id.in_(sorted(who.cases)))
        where.append(or_(*scope))
    if wanted.person_id is not None:
        where.append(E.actor_id == wanted.person_id)
    if case_id is not None:
        where.append(E.case_id == case_id)
    if wanted.action is not None:
        where.append(E.action == wanted.action.value)
    if wanted.start is not None:
        begins = start_of(wanted.start)
        floor = _first_id_from(uow, begins - CLOCK_MARGIN)
        where += [E.occurred_at >= begins, E.id >= floor]
    if wanted.end is not None:
        ends = start_of(wanted.end + timedelta(days=1))
        where += [E.occurred_at < ends, E.id < _first_id_from(uow, ends + CLOCK_MARGIN)]
    if wanted.outcome is not None:
        where.append(E.outcome == wanted.outcome.value)
    return _Query(where, floor)


def page(
    uow: UnitOfWork, actor: Actor, wanted: AuditFilter, before: int | None = None, *, with_staff: bool = True
) -> AuditPage:
    """One page, newest first, of the events this reader may see that match; the read is audited."""
    who = reader(uow, actor)
    staff = staff_choices(uow) if with_staff else []
    case_id = case_id_for(uow, who, wanted.case_code)
    query = _conditions(uow, who, wanted, case_id)
    where = list(query.where)
    if before is not None:
        where.append(E.id < before)
    window_from = None
    if wanted.outcome is not None:
        top = before if before is not None else (uow.session.scalar(select(func.max(E.id))) or 0) + 1
        window_from = top - SCAN_WINDOW
        where.append(E.id >= window_from)
    rows = list(uow.session.scalars(select(E).where(*where).order_by(E.id.desc()).limit(PAGE_SIZE + 1)))
    older: int | None = None
    searched_back_to = None
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        older = rows[-1].id
    elif window_from is not None:
        oldest = query.floor if query.floor is not None else uow.session.scalar(select(func.min(E.id)))
        if oldest is not None and oldest < window_from:  # the window stopped short: carry on from there
            older = window_from
            searched_back_to = uow.session.scalar(
                select(E.occurred_at).where(E.id >= window_from).order_by(E.id).limit(1)
            )
    entries = _entries(uow, rows)
    _audit_read(uow, who, AuditAction.AUDIT_VIEW, wanted, case_id)
    return AuditPage(entries, older, searched_back_to, case_id, staff)


def _entries(uow: UnitOfWork, rows: Sequence[models.AuditEvent]) -> list[AuditEntry]:
    """Who and which case for a page of events: three small look-ups by primary key or index."""
    actor_ids = {row.actor_id for row in rows if row.actor_id is not None}
    case_ids = {row.case_id for row in rows if row.case_id is not None}
    roles: dict[uuid.UUID, str] = dict(
        uow.session.execute(select(models.User.id, models.User.role).where(models.User.id.in_(actor_ids))).all()
    )
    staff = accounts.names(uow, [user_id for user_id, role in roles.items() if role in STAFF_ROLES])
    taking_part: dict[tuple[uuid.UUID, uuid.UUID | None], tuple[Side, ParticipantRole]] = {
        (case_id, user_id): (Side(side), ParticipantRole(role))
        for case_id, user_id, side, role in uow.session.execute(
            select(
                models.Participant.case_id, models.Participant.user_id, models.Participant.side, models.Participant.role
            ).where(models.Participant.user_id.in_([u for u, r in roles.items() if r == Role.PARTICIPANT.value]))
        )
    }
    codes: dict[uuid.UUID, str] = dict(
        uow.session.execute(select(models.Case.id, models.Case.code).where(models.Case.id.in_(case_ids))).all()
    )
    missing = case_ids - codes.keys()
    if missing:
        codes.update(
            uow.session.execute(
                select(models.CaseTombstone.id, models.CaseTombstone.code).where(models.CaseTombstone.id.in_(missing))
            ).all()
        )
    entries = []
    for row in rows:
        role = roles.get(row.actor_id) if row.actor_id else None
        side, participant_role = None, None
        if row.case_id is not None and (row.case_id, row.actor_id) in taking_part:
            side, participant_role = taking_part[(row.case_id, row.actor_id)]
        entries.append(
            AuditEntry(
                id=row.id,
                occurred_at=row.occurred_at,
                action=row.action,
                outcome=row.outcome,
                actor_id=row.actor_id,
                actor_role=Role(role) if role else None,
                staff_name=staff.get(row.actor_id) if row.actor_id else None,
                side=side,
                participant_role=participant_role,
                case_code=codes.get(row.case_id) if row.case_id else None,
                object_type=row.object_type,
                object_id=row.object_id,
            )
        )
    return entries


def _audit_read(
    uow: UnitOfWork, who: Reader, action: AuditAction, wanted: AuditFilter, case_id: uuid.UUID | None
) -> int:
    """Reading the trail is in the trail: with the case filtered on, and the person, if any."""
    with uow:
        return audit.record(
            uow,
            action,
            actor_id=who.actor.user_id,
            case_id=case_id,
            object_type=OBJECT,
            object_id=wanted.person_id,
        ).id


# --- The CSV file ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportRow:
    """One event as the file holds it: codes and internal ids, never a name or a word."""

    id: int
    occurred_at: datetime
    actor_id: uuid.UUID | None
    actor_role: str | None
    action: str
    outcome: str
    case_code: str | None
    object_type: str | None
    object_id: str | None


def _export_statement(where: list[ColumnElement[bool]]) -> Select:
    return (
        select(
            E.id,
            E.occurred_at,
            E.actor_id,
            models.User.role,
            E.action,
            E.outcome,
            func.coalesce(models.Case.code, models.CaseTombstone.code),
            E.object_type,
            E.object_id,
        )
        .select_from(E)
        .outerjoin(models.User, models.User.id == E.actor_id)
        .outerjoin(models.Case, models.Case.id == E.case_id)
        .outerjoin(models.CaseTombstone, models.CaseTombstone.id == E.case_id)
        .where(*where)
        .order_by(E.id.desc())
    )


def export(uow: UnitOfWork, actor: Actor, wanted: AuditFilter) -> Iterator[ExportRow]:
    """The matching events, newest first, fetched a batch at a time as the file is written. A
    filter matching more than `EXPORT_LIMIT` is refused before anything is sent. The download is
    audited (and committed) before the first row is read; the file ends at the events before that."""
    who = reader(uow, actor)
    case_id = case_id_for(uow, who, wanted.case_code)
    where = _conditions(uow, who, wanted, case_id).where
    matching = select(E.id).where(*where).limit(EXPORT_LIMIT + 1).subquery()
    if (uow.session.scalar(select(func.count()).select_from(matching)) or 0) > EXPORT_LIMIT:
        raise DomainError(Problem.AUDIT_EXPORT_TOO_MANY, limit=EXPORT_LIMIT)
    recorded = _audit_read(uow, who, AuditAction.AUDIT_EXPORT, wanted, case_id)
    return _stream(uow, [*where, E.id < recorded])  # the trail as it was asked for, without this download


def _stream(uow: UnitOfWork, where: list[ColumnElement[bool]]) -> Iterator[ExportRow]:
    rows = uow.session.execute(
        _export_statement(where), execution_options={"stream_results": True, "yield_per": EXPORT_BATCH}
    )
    try:
        for row in rows:
            yield ExportRow(*row)
    finally:
        # A file streams after its request's teardown has closed the request's session: end the
        # read here, so its connection goes back to the pool and no transaction is left open.
        rows.close()
        uow.rollback()
