"""How long a service keeps what it holds, and what stays when it is deleted.

A closed case is kept for the service's retention period (seven years by default) after it
closed, then deleted by crypto-shredding: its data key is destroyed and every sealed row of it
removed. A request for contact that never became a case is kept for its own, shorter period
after it was closed. A legal hold, with a reason, stops deletion of one case until it is lifted.
Staff see what is due for deletion a month ahead, so a hold is placed in time.

What stays of a deleted case is its tombstone: its internal id and code, dates, and the facts a
report counts (what was passed on and when, who stopped and when, agreement, satisfaction
scores), never a name or a word; and its audit events, which hold no content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from portal.domain.actors import Actor
from portal.domain.cases import Case
from portal.domain.enums import Role, Stage
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.permissions import can_manage_case
from portal.domain.problems import Problem

WARNING_DAYS = 30  # staff see a deletion this far ahead
YEARS_RANGE = (1, 25)
REQUEST_DAYS_RANGE = (30, 3650)


@dataclass(frozen=True)
class RetentionPolicy:
    closed_years: int = 7
    request_days: int = 365

    def __post_init__(self) -> None:
        low, high = YEARS_RANGE
        if not low <= self.closed_years <= high:
            raise DomainError(Problem.RETENTION_YEARS_RANGE, minimum=low, maximum=high)
        low, high = REQUEST_DAYS_RANGE
        if not low <= self.request_days <= high:
            raise DomainError(Problem.RETENTION_DAYS_RANGE, minimum=low, maximum=high)


def years_after(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a year without one."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def deletion_due(closed_on: date | None, policy: RetentionPolicy) -> date | None:
    """The day a closed case is deleted (None while it is open)."""
    return years_after(closed_on, policy.closed_years) if closed_on is not None else None


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier; 29 February becomes 28 February in a year without one."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class DueBy:
    """The latest days that make something due for deletion today: a case closed on or before
    `closed_on`, a request for contact closed without a case on or before `decided_on`."""

    closed_on: date
    decided_on: date


def due_by(today: date, policy: RetentionPolicy) -> DueBy:
    latest = years_before(today, policy.closed_years)
    if years_after(latest + timedelta(days=1), policy.closed_years) <= today:  # closed on a 29 February
        latest += timedelta(days=1)
    return DueBy(latest, today - timedelta(days=policy.request_days))


def to_delete(due: date | None, held: bool, today: date) -> bool:
    return due is not None and due <= today and not held


def _may_hold(case: Case, actor: Actor) -> None:
    """Its assigned facilitators, and managers (a hold needs no case words to place)."""
    if actor.role != Role.MANAGER and not can_manage_case(case, actor):
        raise NotAllowed(Problem.HOLD_NOT_YOURS)


def place_hold(case: Case, actor: Actor, reason: str, held: bool) -> str:
    """A legal hold on a closed (or any) case, with its reason; the reason is stored sealed."""
    _may_hold(case, actor)
    if held:
        raise DomainError(Problem.HOLD_ALREADY)
    if not reason.strip():
        raise DomainError(Problem.HOLD_REASON_NEEDED)
    return reason


def lift_hold(case: Case, actor: Actor, held: bool) -> None:
    _may_hold(case, actor)
    if not held:
        raise DomainError(Problem.HOLD_NONE)


def deletable(stage: Stage) -> bool:
    """Only a closed case is ever deleted for retention."""
    return stage == Stage.CLOSED
