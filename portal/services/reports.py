"""Service reports for managers and their commissioner: counts and timings over a period, never
a name or a word anyone wrote. Each figure is one aggregate query (or a handful of rows), so a
report costs the same at 10 cases as at 10,000."""

from __future__ import annotations

import threading
import uuid
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from statistics import median
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, distinct, func, null, select

from portal.domain.audit import READINGS, STAGE_MOVES, AuditAction
from portal.domain.calendar import UK
from portal.domain.consent import FORMAT_FOR_KIND
from portal.domain.enums import ConsentFormat, ItemKind, ItemState, MeetingKind, MeetingStatus, Role, Side, Stage
from portal.domain.errors import NotAllowed
from portal.domain.problems import Problem
from portal.domain.reporting import Period, Quarter
from portal.services import retention
from portal.services.uow import UnitOfWork
from portal.storage import models
from portal.storage.types import UTCDateTime


@dataclass(frozen=True)
class ServiceReport:
    period: Period
    referrals: int  # cases referred in the period
    referrals_by_source: dict[str, int]
    stage_now: dict[str, int]  # where the period's referrals are now
    days_in_stage: dict[Stage, tuple[float, int]]  # median days, and how many stays ended in the period
    exchanges_by_format: dict[ConsentFormat, int]  # cases with something passed on in that format
    days_to_release: tuple[float, int] | None  # median days from sending to passing on, and how many
    withdrawals: dict[tuple[Stage, Side], int]  # people who stopped, by the stage then and their side
    agreements_reached: int
    actions_due: int
    actions_done: int  # of those due in the period
    satisfaction: dict[Side, dict[int, int]] = field(default_factory=dict)  # side -> score -> answers


def _moment(day: date) -> datetime:
    """Midnight at the start of a day in the UK, as a UTC time for comparing stored times."""
    return datetime.combine(day, time(0), UK).astimezone(UTC)


def _within(column: Any, period: Period) -> ColumnElement[bool]:
    return and_(column >= _moment(period.start), column < _moment(period.after_end))


def _grouped(uow: UnitOfWork, query: Select) -> dict[str, int]:
    return {key: count for key, count in uow.session.execute(query).all()}


def _median_days(uow: UnitOfWork, start: Any, end: Any, where: Any, group: Any = None) -> dict[Any, tuple[float, int]]:
    """Median of (end - start) in days, with how many, per group (one group, None, without
    `group`): percentile_cont in the database on PostgreSQL; on SQLite the pairs come back and
    Python takes the median."""
    key = group if group is not None else null()
    if uow.dialect == "postgresql":
        # date_part is a double; EXTRACT is numeric since PostgreSQL 14, and took twice as long.
        days = func.date_part("epoch", end - start) / 86400
        query = select(key, func.percentile_cont(0.5).within_group(days), func.count()).where(where)
        rows = uow.session.execute(query.group_by(key) if group is not None else query)
        return {k: (round(float(value), 1), count) for k, value, count in rows if value is not None}
    pairs: dict[Any, list[float]] = defaultdict(list)
    for k, began, ended in uow.session.execute(select(key, start, end).where(where)):
        pairs[k].append((ended - began).total_seconds() / 86400)
    return {k: (round(median(waits), 1), len(waits)) for k, waits in pairs.items()}


def _days_in_stage(uow: UnitOfWork, period: Period) -> dict[Stage, tuple[float, int]]:
    """From entering a stage to leaving it, for every stay that ended in the period: the stays of
    the cases that moved in the period only (the index on action and time finds them)."""
    event = models.AuditEvent
    moved = select(event.case_id).where(event.action.in_(STAGE_MOVES), _within(event.occurred_at, period))
    stays = (
        select(
            event.action,
            event.occurred_at.label("began"),
            func.lead(event.occurred_at, type_=UTCDateTime())
            .over(partition_by=event.case_id, order_by=event.id)
            .label("ended"),
        )
        .where(event.action.in_(STAGE_MOVES), event.case_id.in_(moved))
        .subquery()
    )
    found = _median_days(uow, stays.c.began, stays.c.ended, _within(stays.c.ended, period), stays.c.action)
    merged: dict[Stage, tuple[float, int]] = {}
    for action, figure in found.items():
        stage = STAGE_MOVES[action]
        if stage not in merged or merged[stage][1] < figure[1]:  # case.open and case.stage.referral are one stage
            merged[stage] = figure
    return merged


def _exchanges_by_format(uow: UnitOfWork, period: Period) -> dict[ConsentFormat, int]:
    item = models.Item
    counts: Counter[ConsentFormat] = Counter()
    # Distinct (kind, case) pairs first, hashed, then counted: a count(DISTINCT) would sort them all.
    pairs = (
        select(item.kind, item.case_id)
        .where(item.state == ItemState.RELEASED.value, _within(item.released_at, period))
        .distinct()
        .subquery()
    )
    for kind, cases in uow.session.execute(select(pairs.c.kind, func.count()).group_by(pairs.c.kind)):
        counts[FORMAT_FOR_KIND[ItemKind(kind)]] += cases  # a case with questions and answers counts twice
    meeting = models.Meeting
    counts[ConsentFormat.MEETING] = (
        uow.session.scalar(
            select(func.count(distinct(meeting.case_id))).where(
                meeting.kind == MeetingKind.CONFERENCE.value,
                meeting.status == MeetingStatus.HELD.value,
                meeting.held_on >= period.start,
                meeting.held_on <= period.end,
            )
        )
        or 0
    )
    return {f: counts[f] for f in ConsentFormat}


def _withdrawals(uow: UnitOfWork, period: Period) -> dict[tuple[Stage, Side], int]:
    """Who stopped in the period: their side, and the stage the case was at (its last move before)."""
    event = models.AuditEvent
    stopped = uow.session.execute(
        select(event.id, event.case_id, event.object_id).where(
            event.action == AuditAction.PARTICIPANT_WITHDRAW.value, _within(event.occurred_at, period)
        )
    ).all()
    if not stopped:
        return {}
    people = {uuid.UUID(str(row[2])) for row in stopped if row[2]}
    sides = dict(
        uow.session.execute(
            select(models.Participant.id, models.Participant.side).where(models.Participant.id.in_(people))
        ).all()
    )
    moves = defaultdict(list)
    for case_id, event_id, action in uow.session.execute(
        select(event.case_id, event.id, event.action)
        .where(event.case_id.in_({row[1] for row in stopped}), event.action.in_(STAGE_MOVES))
        .order_by(event.id)
    ):
        moves[case_id].append((event_id, STAGE_MOVES[action]))
    counts: Counter[tuple[Stage, Side]] = Counter()
    for event_id, case_id, participant_id in stopped:
        before = [stage for moved_at, stage in moves[case_id] if moved_at < event_id]
        side = sides.get(uuid.UUID(str(participant_id)))
        if side is not None:
            counts[(before[-1] if before else Stage.REFERRAL, Side(side))] += 1
    return dict(counts)


def _agreements(uow: UnitOfWork, period: Period) -> tuple[int, int, int]:
    agreement, action = models.Agreement, models.AgreementAction
    # When the second side agreed: SQLite's two-argument max() is PostgreSQL's greatest().
    latest = func.greatest if uow.dialect == "postgresql" else func.max
    both = latest(agreement.harmed_agreed_at, agreement.responsible_agreed_at, type_=UTCDateTime())
    reached = uow.session.scalar(
        select(func.count(agreement.id)).where(
            agreement.harmed_agreed_at.is_not(None), agreement.responsible_agreed_at.is_not(None), _within(both, period)
        )
    )
    due, done = uow.session.execute(
        select(func.count(action.id), func.count(action.id).filter(action.status == "done")).where(
            action.due_on >= period.start, action.due_on <= period.end
        )
    ).one()
    return reached or 0, due, done


def _satisfaction(uow: UnitOfWork, period: Period) -> dict[Side, dict[int, int]]:
    answer, person = models.SatisfactionAnswer, models.Participant
    found: dict[Side, dict[int, int]] = {side: {} for side in Side}
    for side, score, count in uow.session.execute(
        select(person.side, answer.score, func.count())
        .join(person, person.id == answer.participant_id)
        .where(_within(answer.answered_at, period))
        .group_by(person.side, answer.score)
    ):
        found[Side(side)][int(score)] = count
    return found


def service_report(uow: UnitOfWork, role: Role, period: Period) -> ServiceReport:
    """The report over a period, for a manager only (asked every time, before the memo is)."""
    _require_manager(role)
    return _remembered(uow, role, period, _head(uow))


def _require_manager(role: Role) -> None:
    if role != Role.MANAGER:
        raise NotAllowed(Problem.REPORTS_MANAGERS_ONLY)


# --- The memo: a repeated report from memory while nothing it could count has changed --------------
# It holds only what a report holds: counts, medians and the codes they are grouped by (stages,
# sides, formats, referral sources), never a name or a word anyone wrote.

MEMO_ENTRIES = 32  # per process; one entry is a few hundred bytes of counts

_Key = tuple[Role, Period, int, str]
_memo: OrderedDict[_Key, ServiceReport] = OrderedDict()
_memo_lock = threading.Lock()  # a threaded server's requests share the memo

# The newest event that may have changed something a report counts: the primary key's index read
# from its end, past the readings (a letter read, a sign-in) written since.
_NEWEST_EVENT = (
    select(models.AuditEvent.id, models.AuditEvent.hash)
    .where(models.AuditEvent.action.not_in([action.value for action in READINGS]))
    .order_by(models.AuditEvent.id.desc())
    .limit(1)
)


def _head(uow: UnitOfWork) -> tuple[int, str] | None:
    """The newest audit event that is not a reading (id and hash), or None where the memo must
    not be used: inside an active unit of work, or before anything was audited (nothing names
    the state then)."""
    if uow.active:
        return None
    newest = uow.session.execute(_NEWEST_EVENT).first()
    return None if newest is None else (newest[0], newest[1])


def _remembered(uow: UnitOfWork, role: Role, period: Period, head: tuple[int, str] | None) -> ServiceReport:
    """The report from the memo when the newest audit event that is not a reading (`READINGS`:
    a letter read, a sign-in, which change nothing a report counts) is the one it was computed
    after; otherwise computed, and remembered under that event (the least recently used goes).

    Why it is correct: every change the portal makes is written in one unit of work with its
    audit event (`audit.record`), and appends to the chain are serialised (PostgreSQL: an advisory
    lock taken before the event's id is drawn and held to the commit; SQLite: the one write lock),
    so events become visible in the order of their ids, each with the changes it records. The
    newest event, read before the report's queries, names a state of the data, and a report
    computed after reading it is at least as new as that state; while the newest event is still
    that one, nothing the report counts has been changed through the portal since. The event is
    named by id and hash: the hash chains every event before it (and its time, to the
    microsecond), so an id drawn again for another history (a backup restored, then written to;
    tables emptied with their sequences restarted) is not taken for the old one.

    What else the figures depend on is in the key or cannot change unseen: the period and the
    role; nothing reads today's date, the clock or a setting (a default period is the view's, and
    is in the key); retention's tombstones change only when a case is deleted, which is audited.

    Its limit: a change written without an audit event (by hand in the database, a bulk load)
    shows at the next audited change, when the newest event moves. `head` is None, and the memo
    unused, inside an active unit of work (its writes are uncommitted, may roll back and may not
    be audited yet) and before anything was ever audited.
    """
    if head is None:
        return _computed(uow, period)
    key: _Key = (role, period, *head)
    with _memo_lock:
        found = _memo.get(key)
        if found is not None:
            _memo.move_to_end(key)
    if found is not None:
        return _copied(found)
    report = _computed(uow, period)
    with _memo_lock:
        _memo[key] = report
        _memo.move_to_end(key)
        while len(_memo) > MEMO_ENTRIES:
            _memo.popitem(last=False)
    return _copied(report)


def _copied(report: ServiceReport) -> ServiceReport:
    """A report whose dictionaries are its own, so no caller can change a remembered one."""
    return replace(
        report,
        referrals_by_source=dict(report.referrals_by_source),
        stage_now=dict(report.stage_now),
        days_in_stage=dict(report.days_in_stage),
        exchanges_by_format=dict(report.exchanges_by_format),
        withdrawals=dict(report.withdrawals),
        satisfaction={side: dict(scores) for side, scores in report.satisfaction.items()},
    )


def _computed(uow: UnitOfWork, period: Period) -> ServiceReport:
    case = models.Case
    referred = (case.referred_on >= period.start, case.referred_on <= period.end)
    item = models.Item
    released = (
        (item.state == ItemState.RELEASED.value)
        & item.submitted_at.is_not(None)
        & (item.released_at >= item.submitted_at)
        & _within(item.released_at, period)
    )
    reached, due, done = _agreements(uow, period)
    report = ServiceReport(
        period=period,
        referrals=uow.session.scalar(select(func.count(case.id)).where(*referred)) or 0,
        referrals_by_source=_grouped(
            uow, select(case.referral_source, func.count()).where(*referred).group_by(case.referral_source)
        ),
        stage_now=_grouped(uow, select(case.stage, func.count()).where(*referred).group_by(case.stage)),
        days_in_stage=_days_in_stage(uow, period),
        exchanges_by_format=_exchanges_by_format(uow, period),
        days_to_release=_median_days(uow, item.submitted_at, item.released_at, released).get(None),
        withdrawals=_withdrawals(uow, period),
        agreements_reached=reached,
        actions_due=due,
        actions_done=done,
        satisfaction=_satisfaction(uow, period),
    )
    deleted = retention.tombstones_touching(uow, period.start)
    if not deleted:
        return report
    live_waits = [
        (done - sent).total_seconds() / 86400
        for sent, done in uow.session.execute(select(item.submitted_at, item.released_at).where(released))
        if sent is not None and done is not None
    ]
    return _with_deleted(report, deleted, live_waits)


def _in(period: Period, moment: str | None) -> bool:
    if moment is None:
        return False
    at = datetime.fromisoformat(moment)
    return _moment(period.start) <= at < _moment(period.after_end)


def _with_deleted(report: ServiceReport, deleted: list[retention.Tombstone], live_waits: list[float]) -> ServiceReport:
    """Add what deleted cases' tombstones count in the period: a case deleted at the end of its
    retention still counts in every report of a period it was part of."""
    period = report.period
    by_source, stage_now = Counter(report.referrals_by_source), Counter(report.stage_now)
    formats, withdrawals = Counter(report.exchanges_by_format), Counter(report.withdrawals)
    satisfaction = {side: Counter(scores) for side, scores in report.satisfaction.items()}
    referrals, reached, due, done = report.referrals, report.agreements_reached, report.actions_due, report.actions_done
    waits = list(live_waits)
    for tomb in deleted:
        facts = tomb.facts
        if period.start <= tomb.referred_on <= period.end:
            referrals += 1
            by_source[tomb.referral_source.value] += 1
            stage_now[Stage.CLOSED.value] += 1
        shown = [(kind, sent, at) for kind, sent, at in facts.get("released", []) if _in(period, at)]
        for kind in {kind for kind, _sent, _at in shown}:  # as live cases count: each kind once a case
            formats[FORMAT_FOR_KIND[ItemKind(kind)]] += 1
        waits += [
            (datetime.fromisoformat(at) - datetime.fromisoformat(sent)).total_seconds() / 86400
            for _kind, sent, at in shown
            if sent is not None
        ]
        if any(period.start <= date.fromisoformat(held) <= period.end for held in facts.get("conferences_held", [])):
            formats[ConsentFormat.MEETING] += 1
        for side, stage, at in facts.get("withdrawals", []):
            if _in(period, at):
                withdrawals[(Stage(stage), Side(side))] += 1
        if _in(period, facts.get("agreed_at")):
            reached += 1
        for due_on, status in facts.get("actions", []):
            if period.start <= date.fromisoformat(due_on) <= period.end:
                due += 1
                done += status == "done"
        for side, score, at in facts.get("satisfaction", []):
            if _in(period, at):
                satisfaction[Side(side)][int(score)] += 1
    return replace(
        report,
        referrals=referrals,
        referrals_by_source=dict(by_source),
        stage_now=dict(stage_now),
        exchanges_by_format={f: formats[f] for f in ConsentFormat},
        days_to_release=(round(median(waits), 1), len(waits)) if waits else None,
        withdrawals=dict(withdrawals),
        agreements_reached=reached,
        actions_due=due,
        actions_done=done,
        satisfaction={side: dict(scores) for side, scores in satisfaction.items()},
    )


def quarterly(uow: UnitOfWork, role: Role, period: Period) -> list[tuple[Quarter, ServiceReport]]:
    """One report per financial quarter the period touches (each cut to the period), each the
    page's own computation and so from the same memo, under one reading of the newest event."""
    _require_manager(role)
    head = _head(uow)
    return [
        (quarter, _remembered(uow, role, Period(max(quarter.start, period.start), min(quarter.end, period.end)), head))
        for quarter in period.quarters()
    ]
