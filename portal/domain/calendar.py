"""The service's own calendar: it runs in the UK, whatever the server's clock zone. A moment is
stored in UTC and counts on the date it was in the UK."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def day_of(moment: datetime) -> date:
    """The UK date of a stored moment."""
    return moment.astimezone(UK).date()


def start_of(day: date) -> datetime:
    """The UTC moment the UK day begins: a moment is on a day before `day` exactly when it is earlier."""
    return datetime.combine(day, time(0), tzinfo=UK).astimezone(UTC)
