"""How long a case is kept, and who places a legal hold."""

from datetime import date, timedelta
from uuid import UUID

import pytest

from portal.domain.actors import Actor
from portal.domain.cases import Case
from portal.domain.enums import RiskLevel, Role, Stage
from portal.domain.errors import NotAllowed
from portal.domain.problems import Problem
from portal.domain.retention import (
    RetentionPolicy,
    deletion_due,
    due_by,
    lift_hold,
    place_hold,
    to_delete,
    years_after,
)
from tests.unit.refusals import refused

FACILITATOR = Actor(UUID(int=1), Role.FACILITATOR)
CASE = Case(UUID(int=1000), Stage.CLOSED, RiskLevel.LOW, frozenset({FACILITATOR.user_id}))


def test_a_closed_case_is_kept_for_the_policys_years_after_it_closed():
    policy = RetentionPolicy(closed_years=7)
    assert deletion_due(date(2019, 5, 3), policy) == date(2026, 5, 3)
    assert deletion_due(None, policy) is None  # an open case is never due
    assert years_after(date(2024, 2, 29), 7) == date(2031, 2, 28)
    assert due_by(date(2027, 1, 1), RetentionPolicy(request_days=365)).decided_on == date(2026, 1, 1)


def test_what_is_due_today_is_exactly_what_deletion_due_says():
    policy = RetentionPolicy(closed_years=7)
    for today in (date(2026, 5, 3), date(2031, 2, 28), date(2032, 2, 29)):
        latest = due_by(today, policy).closed_on
        assert deletion_due(latest, policy) <= today
        assert deletion_due(latest + timedelta(days=1), policy) > today


def test_it_is_deleted_from_its_day_on_unless_held():
    due = date(2026, 5, 3)
    assert not to_delete(due, held=False, today=date(2026, 5, 2))
    assert to_delete(due, held=False, today=date(2026, 5, 3))
    assert not to_delete(due, held=True, today=date(2030, 1, 1))
    assert not to_delete(None, held=False, today=date(2030, 1, 1))


@pytest.mark.parametrize(
    ("years", "days", "problem"),
    [
        (0, 365, Problem.RETENTION_YEARS_RANGE),
        (26, 365, Problem.RETENTION_YEARS_RANGE),
        (7, 10, Problem.RETENTION_DAYS_RANGE),
    ],
)
def test_a_policy_stays_within_its_ranges(years, days, problem):
    with refused(problem):
        RetentionPolicy(years, days)


def test_a_hold_needs_a_reason_and_is_placed_once_by_a_facilitator_of_the_case_or_a_manager():
    with refused(Problem.HOLD_REASON_NEEDED):
        place_hold(CASE, FACILITATOR, "  ", held=False)
    assert place_hold(CASE, FACILITATOR, "A civil claim is pending.", held=False) == "A civil claim is pending."
    assert place_hold(CASE, Actor(UUID(int=7), Role.MANAGER), "Police asked us to keep it.", held=False)
    with refused(Problem.HOLD_ALREADY):
        place_hold(CASE, FACILITATOR, "Again.", held=True)
    for outsider in (Actor(UUID(int=9), Role.FACILITATOR), Actor(UUID(int=8), Role.ADMIN)):
        with pytest.raises(NotAllowed):
            place_hold(CASE, outsider, "No.", held=False)
    with refused(Problem.HOLD_NONE):
        lift_hold(CASE, FACILITATOR, held=False)
    lift_hold(CASE, FACILITATOR, held=True)
