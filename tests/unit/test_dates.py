"""The two date patterns the pages draw are written out by hand for speed (portal.web.i18n):
here they are held to Babel's own output, for every month, in both languages, either side of
the clock change, for moments and for plain dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask_babel import Babel, force_locale, format_date, format_datetime

from portal.domain.enums import Language
from portal.web.i18n import UK, date_time, long_date


@pytest.fixture
def context():
    app = Flask(__name__)
    Babel(app, timezone_selector=lambda: UK)
    with app.test_request_context("/"):
        yield


MOMENTS = [
    *(datetime(2025, month, day, hour, 5, tzinfo=UTC) for month in range(1, 13) for day, hour in ((1, 0), (28, 23))),
    datetime(2025, 3, 30, 0, 59, tzinfo=UTC),  # the last minute of GMT
    datetime(2025, 3, 30, 1, 0, tzinfo=UTC),  # the first of BST
    datetime(2025, 10, 26, 0, 59, tzinfo=UTC),
    datetime(2025, 10, 26, 1, 0, tzinfo=UTC),
    datetime(2024, 12, 31, 23, 30, tzinfo=UTC),
    datetime(2025, 6, 30, 23, 30, tzinfo=UTC),  # already 1 July in the UK
    datetime(2025, 6, 30, 23, 30),  # naive: taken as UTC, as Babel takes it
]


@pytest.mark.parametrize("language", list(Language))
def test_dates_and_times_read_as_babel_writes_them(context, language):
    with force_locale(language.value):
        for moment in MOMENTS:
            assert date_time(moment) == format_datetime(moment, "d MMMM y, HH:mm")
            assert long_date(moment) == format_date(moment, "d MMMM y")
            day = moment.date()
            assert long_date(day) == format_date(day, "d MMMM y")
        for offset in range(0, 366, 7):
            day = date(2026, 1, 1) + timedelta(days=offset)
            assert long_date(day) == format_date(day, "d MMMM y")


def test_welsh_months_are_welsh(context):
    with force_locale("cy"):
        assert long_date(date(2025, 3, 3)) == "3 Mawrth 2025"
        assert date_time(datetime(2025, 7, 1, 13, 5, tzinfo=UTC)) == "1 Gorffennaf 2025, 14:05"
