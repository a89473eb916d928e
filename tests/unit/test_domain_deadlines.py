"""The caseload's due dates: what the service promised, by when, and when it is overdue."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from portal.domain import calendar, deadlines
from portal.domain.deadlines import CaseFacts, Due, Promises, dues, is_overdue, within_week
from portal.domain.enums import DueKind, Stage
from portal.domain.errors import DomainError
from portal.domain.problems import Problem

TODAY = date(2026, 9, 20)
PROMISES = Promises()  # 5, 5, 7 days; 12 weeks


def facts(**changes) -> CaseFacts:
    """A case with every promise kept: contacted, nothing waiting, supervised yesterday."""
    base = {
        "stage": Stage.PREPARATION,
        "referred_on": TODAY - timedelta(days=30),
        "opened_on": TODAY - timedelta(days=30),
        "contact_recorded": True,
        "last_supervision_on": TODAY - timedelta(days=1),
    }
    return CaseFacts(**{**base, **changes})


def kinds(found: tuple[Due, ...]) -> dict[DueKind, Due]:
    return {due.kind: due for due in found}


def test_the_defaults_are_five_five_seven_days_and_twelve_weeks():
    assert (PROMISES.first_contact_days, PROMISES.review_days, PROMISES.follow_up_days) == (5, 5, 7)
    assert PROMISES.supervision_weeks == 12
    assert PROMISES.days(DueKind.SUPERVISION) == 84 and PROMISES.days(DueKind.NEXT_STEP) == 0


def test_a_case_with_every_promise_kept_has_only_its_next_supervision_due():
    found = dues(facts(), PROMISES, TODAY)
    assert [due.kind for due in found] == [DueKind.SUPERVISION]
    assert found[0] == Due(DueKind.SUPERVISION, TODAY + timedelta(days=83), False, 83)


@pytest.mark.parametrize(
    ("referred_days_ago", "overdue", "days"),
    [(4, False, 1), (5, False, 0), (6, True, 1), (9, True, 4)],
)
def test_first_contact_is_due_five_days_after_the_referral_and_overdue_from_the_day_after(
    referred_days_ago, overdue, days
):
    found = kinds(
        dues(facts(contact_recorded=False, referred_on=TODAY - timedelta(days=referred_days_ago)), PROMISES, TODAY)
    )
    first = found[DueKind.FIRST_CONTACT]
    assert first.due_on == TODAY - timedelta(days=referred_days_ago) + timedelta(days=5)
    assert (first.overdue, first.days) == (overdue, days)


def test_any_contact_keeps_the_first_contact_promise():
    assert DueKind.FIRST_CONTACT not in kinds(dues(facts(referred_on=TODAY - timedelta(days=40)), PROMISES, TODAY))


def test_a_review_is_due_from_the_earliest_item_waiting():
    found = kinds(dues(facts(waiting_since=TODAY - timedelta(days=6)), PROMISES, TODAY))
    assert found[DueKind.REVIEW] == Due(DueKind.REVIEW, TODAY - timedelta(days=1), True, 1)
    assert DueKind.REVIEW not in kinds(dues(facts(waiting_since=None), PROMISES, TODAY))


def test_follow_up_is_due_after_a_held_meeting_until_a_follow_up_on_or_after_its_day():
    held = TODAY - timedelta(days=10)
    waiting = kinds(dues(facts(meetings_held_on=(held,)), PROMISES, TODAY))
    assert waiting[DueKind.FOLLOW_UP] == Due(DueKind.FOLLOW_UP, held + timedelta(days=7), True, 3)
    # A follow-up on the very day of the meeting answers it; one the day before does not.
    assert DueKind.FOLLOW_UP not in kinds(
        dues(facts(meetings_held_on=(held,), last_follow_up_on=held), PROMISES, TODAY)
    )
    before = kinds(dues(facts(meetings_held_on=(held,), last_follow_up_on=held - timedelta(days=1)), PROMISES, TODAY))
    assert before[DueKind.FOLLOW_UP].due_on == held + timedelta(days=7)


def test_with_two_meetings_the_follow_up_counts_from_the_earliest_not_yet_followed_up():
    first, second = TODAY - timedelta(days=20), TODAY - timedelta(days=3)
    none_yet = kinds(dues(facts(meetings_held_on=(second, first)), PROMISES, TODAY))
    assert none_yet[DueKind.FOLLOW_UP].due_on == first + timedelta(days=7)
    after_first = kinds(
        dues(facts(meetings_held_on=(second, first), last_follow_up_on=first + timedelta(days=2)), PROMISES, TODAY)
    )
    assert after_first[DueKind.FOLLOW_UP] == Due(DueKind.FOLLOW_UP, second + timedelta(days=7), False, 4)


def test_the_next_step_is_due_on_its_own_day():
    assert kinds(dues(facts(next_step_on=TODAY), PROMISES, TODAY))[DueKind.NEXT_STEP] == Due(
        DueKind.NEXT_STEP, TODAY, False, 0
    )
    assert kinds(dues(facts(next_step_on=TODAY - timedelta(days=2)), PROMISES, TODAY))[DueKind.NEXT_STEP].overdue


def test_supervision_counts_from_the_latest_supervision_or_else_the_day_the_case_opened():
    never = kinds(dues(facts(last_supervision_on=None, opened_on=TODAY - timedelta(days=85)), PROMISES, TODAY))
    assert never[DueKind.SUPERVISION] == Due(DueKind.SUPERVISION, TODAY - timedelta(days=1), True, 1)
    recent = kinds(dues(facts(last_supervision_on=TODAY - timedelta(days=84)), PROMISES, TODAY))
    assert recent[DueKind.SUPERVISION] == Due(DueKind.SUPERVISION, TODAY, False, 0)


def test_a_closed_case_has_nothing_due_however_late_everything_is():
    late = facts(
        stage=Stage.CLOSED,
        contact_recorded=False,
        referred_on=TODAY - timedelta(days=400),
        waiting_since=TODAY - timedelta(days=300),
        meetings_held_on=(TODAY - timedelta(days=200),),
        next_step_on=TODAY - timedelta(days=100),
        last_supervision_on=None,
        opened_on=TODAY - timedelta(days=400),
    )
    assert dues(late, PROMISES, TODAY) == ()
    assert not is_overdue(late, PROMISES, TODAY)
    # Paused and withdrawn cases are still the service's to look after.
    assert is_overdue(facts(**{**late.__dict__, "stage": Stage.WITHDRAWN}), PROMISES, TODAY)


def test_dues_come_soonest_first_and_the_week_shows_only_the_next_seven_days_or_overdue():
    found = dues(
        facts(
            contact_recorded=False,
            referred_on=TODAY - timedelta(days=8),  # first contact: 3 days late
            next_step_on=TODAY + timedelta(days=7),  # the last day of the week
            last_supervision_on=TODAY - timedelta(days=70),  # in 14 days: not this week
        ),
        PROMISES,
        TODAY,
    )
    assert [due.kind for due in found] == [DueKind.FIRST_CONTACT, DueKind.NEXT_STEP, DueKind.SUPERVISION]
    assert [due.kind for due in within_week(found, TODAY)] == [DueKind.FIRST_CONTACT, DueKind.NEXT_STEP]
    assert deadlines.earliest(found) == found[0] and deadlines.earliest(()) is None


def test_promises_the_service_sets_change_the_dates():
    quick = Promises(first_contact_days=2, review_days=1, follow_up_days=3, supervision_weeks=4)
    found = kinds(
        dues(
            facts(contact_recorded=False, referred_on=TODAY - timedelta(days=3), last_supervision_on=None), quick, TODAY
        )
    )
    assert found[DueKind.FIRST_CONTACT] == Due(DueKind.FIRST_CONTACT, TODAY - timedelta(days=1), True, 1)
    assert found[DueKind.SUPERVISION].due_on == TODAY - timedelta(days=30) + timedelta(weeks=4)


@pytest.mark.parametrize(
    ("changes", "problem", "field"),
    [
        ({"first_contact_days": 0}, Problem.SETTINGS_DAYS_RANGE, "first_contact_days"),
        ({"review_days": 91}, Problem.SETTINGS_DAYS_RANGE, "review_days"),
        ({"follow_up_days": -1}, Problem.SETTINGS_DAYS_RANGE, "follow_up_days"),
        ({"supervision_weeks": 13}, Problem.SETTINGS_WEEKS_RANGE, "supervision_weeks"),
        ({"supervision_weeks": 0}, Problem.SETTINGS_WEEKS_RANGE, "supervision_weeks"),
    ],
)
def test_promises_out_of_range_are_refused_naming_the_field(changes, problem, field):
    with pytest.raises(DomainError) as refused:
        Promises(**changes)
    assert refused.value.problem == problem and refused.value.params["field"] == field
    assert Promises(first_contact_days=90, review_days=1, follow_up_days=90, supervision_weeks=12)


def test_days_are_uk_days_and_start_at_uk_midnight():
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (summer time); in January it is the same day.
    assert calendar.day_of(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == date(2026, 7, 2)
    assert calendar.day_of(datetime(2026, 1, 1, 23, 30, tzinfo=UTC)) == date(2026, 1, 1)
    assert calendar.start_of(date(2026, 7, 2)) == datetime(2026, 7, 1, 23, 0, tzinfo=UTC)
    assert calendar.start_of(date(2026, 1, 2)) == datetime(2026, 1, 2, 0, 0, tzinfo=UTC)
