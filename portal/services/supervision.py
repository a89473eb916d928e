"""Senior facilitators, named supervisors, and the record of case supervision."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from portal.domain import supervision as rules
from portal.domain.actors import Actor
from portal.domain.audit import AuditAction
from portal.domain.enums import NoteKind, Role, Stage
from portal.domain.supervision import StaffMember
from portal.services import accounts, audit, caseload, casenotes, casework
from portal.services.casework import Page, page_within
from portal.services.text import as_typed
from portal.services.uow import UnitOfWork
from portal.storage import models
from portal.storage.types import utcnow


def _member(row: models.User) -> StaffMember:
    return StaffMember(row.id, Role(row.role), row.is_active, row.senior)


def set_senior(uow: UnitOfWork, admin: Actor, user_id: uuid.UUID, senior: bool) -> None:
    """No longer senior is no longer anyone's supervisor: their supervisees' rows are locked and
    cleared in the same unit, so the access ends with the title."""
    with uow:
        user = accounts.staff_member_to_change(uow, admin, user_id)
        rules.set_senior(admin, _member(user), senior)
        user.senior = senior
        audit.record(uow, AuditAction.STAFF_SENIOR, actor_id=admin.user_id, object_type="user", object_id=user.id)
        if senior:
            return
        supervisees = uow.session.scalars(
            select(models.User).where(models.User.supervisor_id == user.id).order_by(models.User.id).with_for_update()
        )
        for supervisee in supervisees:
            supervisee.supervisor_id = None
            audit.record(
                uow, AuditAction.STAFF_SUPERVISOR, actor_id=admin.user_id, object_type="user", object_id=supervisee.id
            )


def name_supervisor(uow: UnitOfWork, admin: Actor, user_id: uuid.UUID, supervisor_id: uuid.UUID | None) -> None:
    """Name (or clear) a facilitator's supervisor. The supervisor's row is locked first, then the
    facilitator's (the order `set_senior` takes them in), so the supervisor cannot stop being
    senior in the same moment."""
    with uow:
        supervisor = None
        if supervisor_id is not None:
            supervisor = uow.session.get(models.User, supervisor_id, with_for_update=True)
            if supervisor is None or supervisor.role == Role.PARTICIPANT.value:
                raise casework.CaseNotFound
        user = accounts.staff_member_to_change(uow, admin, user_id)
        rules.name_supervisor(admin, _member(user), _member(supervisor) if supervisor else None)
        user.supervisor_id = supervisor_id
        audit.record(uow, AuditAction.STAFF_SUPERVISOR, actor_id=admin.user_id, object_type="user", object_id=user.id)


def record_supervision(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, text: str, *, once: str | None = None
) -> uuid.UUID | None:
    with casework.acting(uow, actor, case_id, once) as context:
        if context is None:
            return None
        words = rules.record_supervision(context.case, context.actor, as_typed(text))
        note_id = casenotes.store_note(uow, context, NoteKind.SUPERVISION, words)
        casework.record_event(uow, context, AuditAction.SUPERVISION_RECORD, "note", note_id, once)
        return note_id


@dataclass(frozen=True)
class SupervisedCase:
    id: uuid.UUID
    code: str
    stage: Stage
    facilitator: str
    last_supervised: datetime | None
    due: datetime  # the last supervision (or the case's opening) plus the service's weeks

    @property
    def overdue(self) -> bool:
        return self.due < utcnow()


def supervised_cases(uow: UnitOfWork, actor: Actor, page: int = 1) -> Page[SupervisedCase]:
    """The open cases of the facilitators this person supervises, the longest unsupervised
    first: three queries whatever the number of cases."""
    if actor.role != Role.FACILITATOR:
        return Page([], 1, 0)
    supervisees = select(models.User.id).where(models.User.supervisor_id == actor.user_id)
    last = (
        select(func.max(models.CaseNote.created_at))
        .where(models.CaseNote.case_id == models.Case.id, models.CaseNote.kind == NoteKind.SUPERVISION.value)
        .scalar_subquery()
    )
    in_scope = (
        models.Case.id.in_(
            select(models.CaseFacilitator.case_id).where(models.CaseFacilitator.user_id.in_(supervisees))
        ),
        models.Case.stage != Stage.CLOSED.value,
    )
    total = uow.session.scalar(select(func.count(models.Case.id)).where(*in_scope)) or 0
    page = page_within(page, total)
    since = func.coalesce(last, models.Case.created_at)
    rows = uow.session.execute(
        select(models.Case.id, models.Case.code, models.Case.stage, last, models.Case.created_at)
        .where(*in_scope)
        .order_by(since, models.Case.id)
        .limit(casework.PAGE_SIZE)
        .offset((page - 1) * casework.PAGE_SIZE)
    ).all()
    case_ids = [row[0] for row in rows]
    # Which supervisee has each case, and their names: one query each.
    holders: dict[uuid.UUID, uuid.UUID] = {}
    for case_id, user_id in uow.session.execute(
        select(models.CaseFacilitator.case_id, models.CaseFacilitator.user_id).where(
            models.CaseFacilitator.case_id.in_(case_ids), models.CaseFacilitator.user_id.in_(supervisees)
        )
    ):
        holders.setdefault(case_id, user_id)
    names = accounts.names(uow, set(holders.values()))
    holder_names = {case_id: names.get(user_id, "") for case_id, user_id in holders.items()}
    weeks = timedelta(weeks=caseload.promises(uow).supervision_weeks)
    entries = [
        SupervisedCase(
            case_id, code, Stage(stage), holder_names.get(case_id, ""), supervised, (supervised or opened) + weeks
        )
        for case_id, code, stage, supervised, opened in rows
    ]
    return Page(entries, page, total)


def staff_choices(uow: UnitOfWork) -> list[tuple[uuid.UUID, str]]:
    """The active senior facilitators an administrator may name as supervisors."""
    seniors = list(
        uow.session.scalars(
            select(models.User.id).where(
                models.User.role == Role.FACILITATOR.value,
                models.User.senior.is_(True),
                models.User.is_active.is_(True),
            )
        )
    )
    names = accounts.names(uow, seniors)
    return sorted(((user_id, names[user_id]) for user_id in seniors), key=lambda pair: pair[1])
