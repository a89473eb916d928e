"""Meetings: preparation meetings with one person, and the conference when both sides meet.

- A **preparation meeting** is with one person of the case (and, if they like, others of the
  same side, such as their supporter), with one or more of the case's facilitators, until they
  are fully prepared.
- The **conference** brings both sides together. It needs two different facilitators assigned
  to the case; at least one principal or proxy of each side among those attending; everyone
  attending still taking part; both sides' current consent to a meeting (``consent.side_formats``);
  and a safety plan. It may be planned from the preparation stage on, and is held only once the
  case is in the exchange (past its risk and consent checks), with the ground rules agreed.
- Every meeting is in person (a venue is required), by video or by phone (a link or the phone
  arrangement, if known). It starts at a time in the future when it is planned or changed.
- A planned meeting is changed, held (on a day not in the future, saying what happened) or
  cancelled; a held or cancelled meeting is final.

No meeting is planned, changed or held on a closed case, nor while the case is paused or
withdrawn: then a planned meeting can only be cancelled. Nothing at all changes on a closed case.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from uuid import UUID

from portal.domain.actors import Actor
from portal.domain.cases import HALTED, ITEMS_FLOW, Case
from portal.domain.consent import side_formats
from portal.domain.enums import ConsentFormat, MeetingKind, MeetingMode, MeetingStatus, Side, Stage
from portal.domain.errors import DomainError
from portal.domain.permissions import require_case_facilitator
from portal.domain.problems import Problem

# A conference is planned once the case is being prepared, and held once it is in the exchange.
CONFERENCE_PLANNED_IN = frozenset({Stage.PREPARATION}) | ITEMS_FLOW
CONFERENCE_HELD_IN = ITEMS_FLOW


@dataclass(frozen=True)
class MeetingPlan:
    """What a facilitator plans (or changes) about a meeting."""

    kind: MeetingKind
    mode: MeetingMode
    starts_at: datetime  # timezone-aware
    facilitator_ids: tuple[UUID, ...]
    attendee_ids: tuple[UUID, ...] = ()
    participant_id: UUID | None = None  # a preparation meeting's person
    venue: str = ""  # the place, or the video link or phone arrangement
    ground_rules_agreed: bool = False
    safety_plan: str = ""


@dataclass(frozen=True)
class Meeting:
    id: UUID
    plan: MeetingPlan
    status: MeetingStatus = MeetingStatus.PLANNED
    held_on: date | None = None
    what_happened: str = ""


def _unique(ids: tuple[UUID, ...]) -> tuple[UUID, ...]:
    return tuple(dict.fromkeys(ids))


def _open(case: Case, actor: Actor) -> None:
    """A meeting may be planned, changed or held on this case now."""
    require_case_facilitator(case, actor)
    if case.stage == Stage.CLOSED:
        raise DomainError(Problem.CASE_CLOSED)
    if case.stage in HALTED:
        raise DomainError(Problem.MEETING_CASE_HALTED)


def _both_sides_consent(case: Case) -> None:
    for side in Side:
        if ConsentFormat.MEETING not in side_formats(case, side):
            raise DomainError(Problem.MEETING_NO_CONSENT, side=side)


def _check(case: Case, plan: MeetingPlan, now: datetime) -> MeetingPlan:
    if plan.starts_at.tzinfo is None:
        raise ValueError("a meeting's time is timezone-aware")
    if plan.starts_at <= now:
        raise DomainError(Problem.MEETING_TIME_PAST)
    facilitators = _unique(plan.facilitator_ids)
    if not facilitators:
        raise DomainError(Problem.MEETING_CHOOSE_FACILITATOR)
    if any(f not in case.facilitator_ids for f in facilitators):
        raise DomainError(Problem.MEETING_FACILITATOR_NOT_ASSIGNED)
    if plan.mode == MeetingMode.IN_PERSON and not plan.venue.strip():
        raise DomainError(Problem.MEETING_VENUE_MISSING)
    plan = replace(plan, facilitator_ids=facilitators, venue=plan.venue.strip())
    if plan.kind == MeetingKind.PREPARATION:
        return _check_preparation(case, plan)
    return _check_conference(case, plan)


def _check_preparation(case: Case, plan: MeetingPlan) -> MeetingPlan:
    if plan.participant_id is None:
        raise DomainError(Problem.MEETING_CHOOSE_PERSON)
    person = case.participant(plan.participant_id)
    attendees = _unique((person.id, *plan.attendee_ids))
    for attendee in (case.participant(a) for a in attendees):
        if attendee.side != person.side:
            raise DomainError(Problem.MEETING_PREPARATION_ONE_SIDE)
        if attendee.withdrawn:
            raise DomainError(Problem.MEETING_PERSON_STOPPED)
    # Ground rules and a safety plan belong to the conference.
    return replace(plan, attendee_ids=attendees, ground_rules_agreed=False)


def _check_conference(case: Case, plan: MeetingPlan) -> MeetingPlan:
    if case.stage not in CONFERENCE_PLANNED_IN:
        raise DomainError(Problem.MEETING_CONFERENCE_STAGE)
    if len(plan.facilitator_ids) < 2:
        raise DomainError(Problem.MEETING_TWO_FACILITATORS)
    attendees = tuple(case.participant(a) for a in _unique(plan.attendee_ids))
    if any(a.withdrawn for a in attendees):
        raise DomainError(Problem.MEETING_PERSON_STOPPED)
    for side in Side:
        if not any(a.side == side and a.speaks_for_side for a in attendees):
            raise DomainError(Problem.MEETING_SIDE_MISSING, side=side)
    _both_sides_consent(case)
    if not plan.safety_plan.strip():
        raise DomainError(Problem.MEETING_SAFETY_PLAN_MISSING)
    return replace(plan, participant_id=None, attendee_ids=tuple(a.id for a in attendees))


def plan_meeting(case: Case, actor: Actor, plan: MeetingPlan, now: datetime) -> MeetingPlan:
    """The plan as it will be kept (attendees without repeats, a preparation meeting's person
    among them), once the rules above allow it."""
    _open(case, actor)
    return _check(case, plan, now)


def _planned(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.PLANNED:
        raise DomainError(Problem.MEETING_NOT_PLANNED, status=meeting.status)


def change_meeting(case: Case, actor: Actor, meeting: Meeting, plan: MeetingPlan, now: datetime) -> Meeting:
    """A planned meeting with a new plan; a meeting keeps its kind."""
    _open(case, actor)
    _planned(meeting)
    return replace(meeting, plan=_check(case, replace(plan, kind=meeting.plan.kind), now))


def hold_meeting(
    case: Case,
    actor: Actor,
    meeting: Meeting,
    held_on: date,
    what_happened: str,
    today: date,
    *,
    ground_rules_agreed: bool = False,
) -> Meeting:
    """The meeting took place. A conference needs the case in the exchange, both sides' consent
    still, and its ground rules agreed (before, or on the day: `ground_rules_agreed`)."""
    _open(case, actor)
    _planned(meeting)
    if held_on > today:
        raise DomainError(Problem.MEETING_HELD_DATE_FUTURE)
    if not what_happened.strip():
        raise DomainError(Problem.MEETING_WHAT_HAPPENED_MISSING)
    plan = meeting.plan
    if plan.kind == MeetingKind.CONFERENCE:
        if case.stage not in CONFERENCE_HELD_IN:
            raise DomainError(Problem.MEETING_CONFERENCE_BEFORE_EXCHANGE)
        _both_sides_consent(case)
        if not (plan.ground_rules_agreed or ground_rules_agreed):
            raise DomainError(Problem.MEETING_GROUND_RULES)
        plan = replace(plan, ground_rules_agreed=True)
    return replace(meeting, plan=plan, status=MeetingStatus.HELD, held_on=held_on, what_happened=what_happened)


def cancel_meeting(case: Case, actor: Actor, meeting: Meeting) -> Meeting:
    """A planned meeting will not take place; allowed while the case is paused or withdrawn too."""
    require_case_facilitator(case, actor)
    if case.stage == Stage.CLOSED:
        raise DomainError(Problem.CASE_CLOSED)
    _planned(meeting)
    return replace(meeting, status=MeetingStatus.CANCELLED)
