"""The rules of a report a service can send to its commissioner: periods, shares, and the
suppression of small numbers so that nobody can be recognised from a count.

Police and Crime Commissioners count in financial-year quarters (Q1 is April to June). A count
of 1 to 4 is shown as "fewer than 5", and a percentage is not given when fewer than 5 people
are behind it; the number behind every percentage is always shown beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from portal.domain.errors import DomainError
from portal.domain.problems import Problem

SUPPRESS_BELOW = 5
LONGEST_PERIOD_DAYS = 366 * 5
SATISFIED_FROM = 4  # on the 1 (not happy at all) to 5 (very happy) scale


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise DomainError(Problem.REPORT_PERIOD_BACKWARDS)
        if (self.end - self.start).days > LONGEST_PERIOD_DAYS:
            raise DomainError(Problem.REPORT_PERIOD_TOO_LONG)

    @property
    def after_end(self) -> date:
        """The first day after the period, for half-open comparisons with times."""
        return self.end + timedelta(days=1)

    def quarters(self) -> list[Quarter]:
        """Every financial quarter the period touches, in order."""
        found = [Quarter.of(self.start)]
        while found[-1].end < self.end:
            found.append(found[-1].next())
        return found


@dataclass(frozen=True)
class Quarter:
    """A financial-year quarter: `year` is the year the financial year starts (2026 for 2026-27)."""

    year: int
    number: int  # 1 April-June, 2 July-September, 3 October-December, 4 January-March

    @classmethod
    def of(cls, day: date) -> Quarter:
        if day.month >= 4:
            return cls(day.year, (day.month - 4) // 3 + 1)
        return cls(day.year - 1, 4)

    @property
    def start(self) -> date:
        month = 3 * (self.number - 1) + 4
        return date(self.year, month, 1) if month <= 12 else date(self.year + 1, month - 12, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year, self.number + 1) if self.number < 4 else Quarter(self.year + 1, 1)

    def previous(self) -> Quarter:
        return Quarter(self.year, self.number - 1) if self.number > 1 else Quarter(self.year - 1, 4)

    @property
    def code(self) -> str:
        """As a commissioner's spreadsheet writes it: "2026-27 Q1"."""
        return f"{self.year}-{(self.year + 1) % 100:02d} Q{self.number}"

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)


def quarter_so_far(today: date) -> Period:
    """The report a manager first sees: this quarter, up to today."""
    return Period(Quarter.of(today).start, today)


@dataclass(frozen=True)
class Count:
    value: int

    @property
    def suppressed(self) -> bool:
        """1 to 4 is shown as "fewer than 5"; none is none."""
        return 0 < self.value < SUPPRESS_BELOW

    def shown(self) -> int | None:
        """The number a published report may show, or None where it says "fewer than 5"."""
        return None if self.suppressed else self.value


def _small(value: int) -> bool:
    return 0 < value < SUPPRESS_BELOW


@dataclass(frozen=True)
class Share:
    """`part` of `whole` people, as a percentage only when enough people are behind it."""

    part: int
    whole: int

    @property
    def percent(self) -> int | None:
        if self.whole < SUPPRESS_BELOW:
            return None
        return round(100 * self.part / self.whole)

    def published(self) -> tuple[int | None, int | None]:
        """The part and the percentage a published report may show: neither when the part, or
        the rest of the whole, is 1 to 4 (7 answers with 43% satisfied gives away 3 of them)."""
        if _small(self.part) or _small(self.whole - self.part):
            return None, None
        return self.part, self.percent


def published_breakdown(total: int, parts: dict[str, int]) -> tuple[int | None, dict[str, int | None]]:
    """A total and its parts as a published report may show them. Parts of 1 to 4 are
    suppressed; when only one part is, the next smallest is too (or the total, if there is no
    other), so that nobody can subtract their way back to it."""
    shown: dict[str, int | None] = {key: Count(value).shown() for key, value in parts.items()}
    hidden = [key for key, value in shown.items() if value is None]
    shown_total = Count(total).shown()
    if len(hidden) == 1 and shown_total is not None:
        others = sorted((value, key) for key, value in parts.items() if key not in hidden and value > 0)
        if others:
            shown[others[0][1]] = None
        else:
            shown_total = None
    return shown_total, shown


def satisfied(scores: dict[int, int]) -> Share:
    """Of everyone who answered, how many said 4 or 5."""
    return Share(sum(n for score, n in scores.items() if score >= SATISFIED_FROM), sum(scores.values()))
