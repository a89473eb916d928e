"""What the service has promised about a case, and by when: the caseload's due dates.

A service promises first contact within some days of the referral, a review within some days
of a letter being sent for review, follow-up within some days of a meeting, the next step the
latest contact set, and case supervision at least every few weeks (the RJC practitioner code
asks for at least every 12). `dues` turns plain facts about one case into the dates those fall
on; a due date is overdue from the day after it. Days are UK days: a moment stored in UTC
counts on the date it was in the UK (`day_of`), and "before day D" is before the UK midnight
that starts D (`start_of`), so the database can be asked the same question with a plain
comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from portal.domain.enums import DueKind, Stage
from portal.domain.errors import DomainError
from portal.domain.problems import Problem

MAX_SUPERVISION_WEEKS = 12  # the RJC practitioner code: case supervision at least every 12 weeks
DAYS_RANGE = (1, 90)
WEEKS_RANGE = (1, MAX_SUPERVISION_WEEKS)
# The order of kinds due on the same day: what a person is waiting for first.
KIND_ORDER = (DueKind.FIRST_CONTACT, DueKind.REVIEW, DueKind.FOLLOW_UP, DueKind.NEXT_STEP, DueKind.SUPERVISION)
WEEK_AHEAD = 7  # "my week": due within the next 7 days, or overdue


LIMITS = {
    "first_contact_days": DAYS_RANGE,
    "review_days": DAYS_RANGE,
    "follow_up_days": DAYS_RANGE,
    "supervision_weeks": WEEKS_RANGE,
}


def check_promise(name: str, value: int) -> None:
    """One promise within its range, or a refusal naming the field and the range."""
    low, high = LIMITS[name]
    if not low <= value <= high:
        problem = Problem.SETTINGS_WEEKS_RANGE if name == "supervision_weeks" else Problem.SETTINGS_DAYS_RANGE
        raise DomainError(problem, field=name, minimum=low, maximum=high)


@dataclass(frozen=True)
class Promises:
    """The service's promises (its `service_settings`); without a row, these defaults."""

    first_contact_days: int = 5
    review_days: int = 5
    follow_up_days: int = 7
    supervision_weeks: int = 12

    def __post_init__(self) -> None:
        for name in LIMITS:
            check_promise(name, getattr(self, name))

    def days(self, kind: DueKind) -> int:
        """How many days after its starting date a promise of this kind falls due."""
        return {
            DueKind.FIRST_CONTACT: self.first_contact_days,
            DueKind.REVIEW: self.review_days,
            DueKind.FOLLOW_UP: self.follow_up_days,
            DueKind.NEXT_STEP: 0,
            DueKind.SUPERVISION: self.supervision_weeks * 7,
        }[kind]


@dataclass(frozen=True)
class CaseFacts:
    """What the due dates of one case depend on, as plain values (UK dates)."""

    stage: Stage
    referred_on: date
    opened_on: date  # the day the case was opened in the portal
    contact_recorded: bool = False  # any contact at all, of any purpose
    waiting_since: date | None = None  # the earliest item waiting for review (submitted, or for a second approval)
    meetings_held_on: tuple[date, ...] = ()  # every conference held
    last_follow_up_on: date | None = None  # the latest follow-up contact
    next_step_on: date | None = None  # the next step the latest contact set
    last_supervision_on: date | None = None  # the latest case supervision recorded

    @property
    def open(self) -> bool:
        return self.stage != Stage.CLOSED


@dataclass(frozen=True)
class Due:
    """One promise of a case: what, by when, and whether that day has passed.

    `days` is how many days late it is when overdue, otherwise how many days are left (0: today).
    """

    kind: DueKind
    due_on: date
    overdue: bool
    days: int


def _due(kind: DueKind, due_on: date, today: date) -> Due:
    overdue = due_on < today
    return Due(kind, due_on, overdue, (today - due_on).days if overdue else (due_on - today).days)


def follow_up_from(facts: CaseFacts) -> date | None:
    """The earliest held meeting that no follow-up contact on or after its day has answered yet."""
    waiting = [
        held for held in facts.meetings_held_on if facts.last_follow_up_on is None or facts.last_follow_up_on < held
    ]
    return min(waiting) if waiting else None


def starts(facts: CaseFacts) -> dict[DueKind, date]:
    """The day each promise of this case counts from; a promise kept (or not yet made) is absent.
    A closed case has none."""
    if not facts.open:
        return {}
    found: dict[DueKind, date] = {}
    if not facts.contact_recorded:
        found[DueKind.FIRST_CONTACT] = facts.referred_on
    if facts.waiting_since is not None:
        found[DueKind.REVIEW] = facts.waiting_since
    follow_up = follow_up_from(facts)
    if follow_up is not None:
        found[DueKind.FOLLOW_UP] = follow_up
    if facts.next_step_on is not None:
        found[DueKind.NEXT_STEP] = facts.next_step_on
    found[DueKind.SUPERVISION] = facts.last_supervision_on or facts.opened_on
    return found


def dues(facts: CaseFacts, promises: Promises, today: date) -> tuple[Due, ...]:
    """Every due date of the case, soonest first."""
    found = [_due(kind, start + timedelta(days=promises.days(kind)), today) for kind, start in starts(facts).items()]
    return tuple(sorted(found, key=lambda due: (due.due_on, KIND_ORDER.index(due.kind))))


def is_overdue(facts: CaseFacts, promises: Promises, today: date) -> bool:
    return any(due.overdue for due in dues(facts, promises, today))


def earliest(found: tuple[Due, ...]) -> Due | None:
    return found[0] if found else None


def within_week(found: tuple[Due, ...], today: date) -> tuple[Due, ...]:
    """What "my week" shows of a case: overdue, or due in the next 7 days."""
    horizon = today + timedelta(days=WEEK_AHEAD)
    return tuple(due for due in found if due.due_on <= horizon)
