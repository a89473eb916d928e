"""Meetings: planning, changing, holding and cancelling preparation meetings and the conference.

Each change is one unit of work on the locked case (`casenotes.acting`: the record's readers
only, "not found" for anyone else, a re-posted form acts once), then the meeting's own row; the
domain (`portal.domain.meetings`) decides; the venue, safety plan and what happened are sealed
together (`CaseVault.seal_meeting`); the audit event commits with the change.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import defer

from portal.crypto import CaseVault
from portal.domain import meetings as rules
from portal.domain.actors import Actor
from portal.domain.audit import AuditAction
from portal.domain.enums import MeetingKind, MeetingMode, MeetingStatus
from portal.domain.meetings import Meeting, MeetingPlan
from portal.services import accounts, casework, records
from portal.services.casenotes import acting, previous_result, require_reader
from portal.services.casework import PAGE_SIZE, CaseContext, CaseNotFound, Page, page_within
from portal.services.clock import today_in_uk
from portal.services.text import as_typed
from portal.services.uow import UnitOfWork
from portal.storage import models
from portal.storage.types import utcnow


def _details(meeting: Meeting) -> dict[str, Any]:
    return {
        "venue": meeting.plan.venue,
        "safety_plan": meeting.plan.safety_plan,
        "what_happened": meeting.what_happened,
    }


def _from_row(row: models.Meeting, details: dict[str, Any] | None) -> Meeting:
    """The domain meeting; without `details` its words stay sealed (for decisions on state only)."""
    words = details or {}
    plan = MeetingPlan(
        kind=MeetingKind(row.kind),
        mode=MeetingMode(row.mode),
        starts_at=row.starts_at,
        facilitator_ids=tuple(uuid.UUID(f) for f in row.facilitator_ids or ()),
        attendee_ids=tuple(uuid.UUID(a) for a in row.attendee_ids or ()),
        participant_id=row.participant_id,
        venue=words.get("venue", ""),
        ground_rules_agreed=row.ground_rules_agreed,
        safety_plan=words.get("safety_plan", ""),
    )
    return Meeting(row.id, plan, MeetingStatus(row.status), row.held_on, words.get("what_happened", ""))


def _write(vault: CaseVault, row: models.Meeting, meeting: Meeting) -> None:
    plan = meeting.plan
    row.kind = plan.kind.value
    row.mode = plan.mode.value
    row.status = meeting.status.value
    row.starts_at = plan.starts_at
    row.participant_id = plan.participant_id
    row.facilitator_ids = [str(f) for f in plan.facilitator_ids]
    row.attendee_ids = [str(a) for a in plan.attendee_ids]
    row.ground_rules_agreed = plan.ground_rules_agreed
    row.held_on = meeting.held_on
    row.details_sealed = vault.seal_meeting(row.id, _details(meeting))
    row.updated_at = utcnow()


def _typed(plan: MeetingPlan) -> MeetingPlan:
    return MeetingPlan(
        kind=plan.kind,
        mode=plan.mode,
        starts_at=plan.starts_at,
        facilitator_ids=plan.facilitator_ids,
        attendee_ids=plan.attendee_ids,
        participant_id=plan.participant_id,
        venue=as_typed(plan.venue),
        ground_rules_agreed=plan.ground_rules_agreed,
        safety_plan=as_typed(plan.safety_plan),
    )


def _meeting_row(uow: UnitOfWork, context: CaseContext, meeting_id: uuid.UUID) -> models.Meeting:
    """The meeting, locked after its case; one of another case is "not found"."""
    row = uow.session.get(models.Meeting, meeting_id, with_for_update=uow.active)
    if row is None or row.case_id != context.row.id:
        raise CaseNotFound
    return row


# --- Changes --------------------------------------------------------------------------------------------


def plan(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, plan: MeetingPlan, *, once: str | None = None) -> uuid.UUID:
    """A new planned meeting; the same form posted again gives the first meeting's id."""
    with acting(uow, actor, case_id, once) as context:
        if context is None:
            previous = previous_result(uow, actor, once)
            assert previous is not None
            return previous
        checked = rules.plan_meeting(context.case, context.actor, _typed(plan), utcnow())
        meeting = Meeting(uuid.uuid4(), checked)
        row = models.Meeting(id=meeting.id, case_id=context.row.id, planned_by_id=context.actor.user_id)
        _write(records.vault_for(uow, context.row), row, meeting)
        uow.session.add(row)
        casework.record_event(uow, context, AuditAction.MEETING_PLAN, "meeting", meeting.id, once)
        return meeting.id


def change(
    uow: UnitOfWork,
    actor: Actor,
    case_id: uuid.UUID,
    meeting_id: uuid.UUID,
    plan: MeetingPlan,
    *,
    once: str | None = None,
) -> None:
    with acting(uow, actor, case_id, once) as context:
        if context is None:
            return
        row = _meeting_row(uow, context, meeting_id)
        vault = records.vault_for(uow, context.row)
        before = _from_row(row, vault.open_meeting(row.id, row.details_sealed))
        after = rules.change_meeting(context.case, context.actor, before, _typed(plan), utcnow())
        _write(vault, row, after)
        casework.record_event(uow, context, AuditAction.MEETING_CHANGE, "meeting", meeting_id, once)


def hold(
    uow: UnitOfWork,
    actor: Actor,
    case_id: uuid.UUID,
    meeting_id: uuid.UUID,
    held_on: date,
    what_happened: str,
    *,
    ground_rules_agreed: bool = False,
    once: str | None = None,
) -> None:
    """The meeting took place, and what happened (sealed)."""
    with acting(uow, actor, case_id, once) as context:
        if context is None:
            return
        row = _meeting_row(uow, context, meeting_id)
        vault = records.vault_for(uow, context.row)
        before = _from_row(row, vault.open_meeting(row.id, row.details_sealed))
        after = rules.hold_meeting(
            context.case,
            context.actor,
            before,
            held_on,
            as_typed(what_happened),
            today_in_uk(),
            ground_rules_agreed=ground_rules_agreed,
        )
        _write(vault, row, after)
        casework.record_event(uow, context, AuditAction.MEETING_HOLD, "meeting", meeting_id, once)


def cancel(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, meeting_id: uuid.UUID, *, once: str | None = None
) -> None:
    with acting(uow, actor, case_id, once) as context:
        if context is None:
            return
        row = _meeting_row(uow, context, meeting_id)
        after = rules.cancel_meeting(context.case, context.actor, _from_row(row, None))
        row.status = after.status.value
        row.updated_at = utcnow()
        casework.record_event(uow, context, AuditAction.MEETING_CANCEL, "meeting", meeting_id, once)


# --- Reading -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingSummary:
    """A meeting as the list shows it: nothing sealed is opened."""

    id: uuid.UUID
    kind: MeetingKind
    mode: MeetingMode
    status: MeetingStatus
    starts_at: datetime
    held_on: date | None
    with_whom: str  # a preparation meeting's person (their name), empty for a conference


def meetings(uow: UnitOfWork, context: CaseContext, page: int = 1) -> Page[MeetingSummary]:
    """A page of the case's meetings, latest first, without their sealed words."""
    require_reader(context)
    where = models.Meeting.case_id == context.row.id
    total = uow.session.scalar(select(func.count(models.Meeting.id)).where(where)) or 0
    page = page_within(page, total)
    rows = list(
        uow.session.scalars(
            select(models.Meeting)
            .options(defer(models.Meeting.details_sealed, raiseload=True))
            .where(where)
            .order_by(models.Meeting.starts_at.desc(), models.Meeting.id)
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    people = {pid: casework.participant_name(uow, context, pid) for pid in {r.participant_id for r in rows} if pid}
    entries = [
        MeetingSummary(
            row.id,
            MeetingKind(row.kind),
            MeetingMode(row.mode),
            MeetingStatus(row.status),
            row.starts_at,
            row.held_on,
            people[row.participant_id] if row.participant_id else "",
        )
        for row in rows
    ]
    return Page(entries, page, total)


@dataclass(frozen=True)
class MeetingView:
    meeting: Meeting
    facilitators: list[tuple[uuid.UUID, str]]  # id and name, in the meeting's order
    attendees: list[tuple[uuid.UUID, str]]  # participants: id and real name
    planned_by: str
    has_agreement: bool  # a held conference leads to the agreement: its page, or drafting it


def meeting(uow: UnitOfWork, context: CaseContext, meeting_id: uuid.UUID) -> MeetingView:
    """One meeting with its words opened; a meeting of another case is "not found"."""
    require_reader(context)
    row = _meeting_row(uow, context, meeting_id)
    found = _from_row(row, records.vault_for(uow, context.row).open_meeting(row.id, row.details_sealed))
    staff = accounts.names(uow, {*found.plan.facilitator_ids, row.planned_by_id})
    has_agreement = (
        uow.session.scalar(select(models.Agreement.id).where(models.Agreement.case_id == context.row.id).limit(1))
        is not None
    )
    return MeetingView(
        found,
        [(f, staff.get(f, "")) for f in found.plan.facilitator_ids],
        [(a, casework.participant_name(uow, context, a)) for a in found.plan.attendee_ids],
        staff.get(row.planned_by_id, ""),
        has_agreement,
    )


def case_facilitators(uow: UnitOfWork, context: CaseContext) -> list[tuple[uuid.UUID, str]]:
    """The case's assigned facilitators, by name, for choosing who runs a meeting."""
    require_reader(context)
    named = accounts.names(uow, context.case.facilitator_ids)
    return sorted(((fid, named.get(fid, "")) for fid in context.case.facilitator_ids), key=lambda pair: pair[1])
