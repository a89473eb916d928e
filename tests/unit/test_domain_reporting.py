"""Financial quarters, and the suppression of small numbers in what is published."""

from datetime import date

import pytest

from portal.domain.problems import Problem
from portal.domain.reporting import Count, Period, Quarter, Share, published_breakdown, quarter_so_far, satisfied
from tests.unit.refusals import refused


@pytest.mark.parametrize(
    ("day", "code", "start", "end"),
    [
        (date(2026, 4, 1), "2026-27 Q1", date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 9, 30), "2026-27 Q2", date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 12, 2), "2026-27 Q3", date(2026, 10, 1), date(2026, 12, 31)),
        (date(2027, 3, 31), "2026-27 Q4", date(2027, 1, 1), date(2027, 3, 31)),
        (date(2027, 1, 1), "2026-27 Q4", date(2027, 1, 1), date(2027, 3, 31)),
    ],
)
def test_financial_quarters_start_in_april(day, code, start, end):
    quarter = Quarter.of(day)
    assert (quarter.code, quarter.start, quarter.end) == (code, start, end)


def test_quarters_follow_each_other_across_the_year():
    q4 = Quarter(2026, 4)
    assert q4.next() == Quarter(2027, 1) and q4.next().previous() == q4
    assert Quarter(2027, 1).previous().previous() == Quarter(2026, 3)


def test_a_period_lists_the_quarters_it_touches():
    period = Period(date(2026, 6, 15), date(2027, 1, 2))
    assert [q.code for q in period.quarters()] == ["2026-27 Q1", "2026-27 Q2", "2026-27 Q3", "2026-27 Q4"]
    assert Period(date(2026, 7, 1), date(2026, 7, 1)).quarters() == [Quarter(2026, 2)]
    assert quarter_so_far(date(2026, 12, 2)) == Period(date(2026, 10, 1), date(2026, 12, 2))


def test_a_period_runs_forwards_and_for_at_most_five_years():
    with refused(Problem.REPORT_PERIOD_BACKWARDS):
        Period(date(2026, 5, 2), date(2026, 5, 1))
    with refused(Problem.REPORT_PERIOD_TOO_LONG):
        Period(date(2020, 1, 1), date(2026, 1, 1))
    assert Period(date(2026, 5, 1), date(2026, 5, 1)).after_end == date(2026, 5, 2)


@pytest.mark.parametrize(("value", "shown"), [(0, 0), (1, None), (4, None), (5, 5), (120, 120)])
def test_one_to_four_is_shown_as_fewer_than_five(value, shown):
    assert Count(value).shown() == shown


def test_a_percentage_needs_five_people_behind_it_and_keeps_its_numbers():
    assert Share(4, 5).percent == 80
    assert Share(3, 4).percent is None
    assert Share(17, 20).percent == 85
    share = satisfied({5: 10, 4: 7, 3: 1, 2: 1, 1: 1})
    assert (share.part, share.whole, share.percent) == (17, 20, 85)
    assert satisfied({}) == Share(0, 0)


@pytest.mark.parametrize(
    ("part", "whole", "published"),
    [
        (17, 22, (17, 77)),
        (17, 20, (None, None)),  # 3 not satisfied
        (3, 7, (None, None)),  # 3 satisfied
        (6, 7, (None, None)),  # 1 not satisfied
        (5, 10, (5, 50)),
        (0, 12, (0, 0)),
        (12, 12, (12, 100)),
        (3, 4, (None, None)),
    ],
)
def test_a_published_share_gives_no_small_number_away(part, whole, published):
    assert Share(part, whole).published() == published


def test_a_breakdown_with_one_small_part_hides_another_so_it_cannot_be_subtracted():
    total, parts = published_breakdown(27, {"police": 20, "prison": 3, "probation": 4, "victim": 0})
    assert (total, parts) == (27, {"police": 20, "prison": None, "probation": None, "victim": 0})
    total, parts = published_breakdown(26, {"police": 20, "prison": 3, "probation": 0, "victim": 3})
    assert (total, parts) == (26, {"police": 20, "prison": None, "probation": 0, "victim": None})
    total, parts = published_breakdown(23, {"police": 20, "prison": 3, "probation": 0})
    assert (total, parts["prison"], parts["police"]) == (23, None, None)  # the next smallest goes too
    total, parts = published_breakdown(3, {"police": 3, "prison": 0})
    assert (total, parts) == (None, {"police": None, "prison": 0})
