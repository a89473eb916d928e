"""Today, as the service counts days (see portal.domain.calendar)."""

from __future__ import annotations

from datetime import date

from portal.domain.calendar import day_of
from portal.storage.types import utcnow


def today_in_uk() -> date:
    """An assessment, contact or meeting dated today in Cardiff is not in the future."""
    return day_of(utcnow())
