"""The facilitators' daily digest: one neutral "things are waiting" a day, when anything is.

Run by the worker on every pass from 07:00 UK time; each facilitator is their own short unit of
work, marked done for the day under their row's lock when a digest is queued, so several
workers still queue one each, and what arrives later in the day is in that day's digest.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, or_, select

from portal.domain.calendar import UK
from portal.domain.enums import ActionStatus, ItemKind, ItemState, Role
from portal.domain.notifications import NotificationKind
from portal.services import outbox
from portal.services.uow import UnitOfWork
from portal.storage import models
from portal.storage.types import utcnow

SEND_FROM = time(7, 0)  # UK time: nobody's phone lights up in the night

# Waiting for a facilitator: items to review (or to approve a second time) or to release.
TO_DECIDE = (ItemState.SUBMITTED.value, ItemState.AWAITING_SECOND_APPROVAL.value, ItemState.APPROVED.value)


def queue_due(uow: UnitOfWork, now: datetime | None = None) -> int:
    """Queue today's digest for each facilitator who wants one and has something waiting."""
    now = now or utcnow()
    local = now.astimezone(UK)
    if local.time() < SEND_FROM:
        return 0
    today = local.date()
    candidates = uow.session.scalars(
        select(models.User.id).where(
            models.User.role == Role.FACILITATOR.value,
            models.User.is_active.is_(True),
            models.User.notify_by_email.is_(True),
            models.User.daily_digest.is_(True),
            or_(models.User.digest_sent_on.is_(None), models.User.digest_sent_on < today),
        )
    ).all()
    uow.rollback()
    queued = 0
    for user_id in candidates:
        queued += _queue_one(uow, user_id, now, today)
    return queued


def _queue_one(uow: UnitOfWork, user_id: uuid.UUID, now: datetime, today: date) -> int:
    """Marked done for the day only when a digest goes: what arrives at noon is in today's."""
    with uow:
        user = uow.session.get(models.User, user_id, with_for_update=True)
        if user is None or user.digest_sent_on == today or not waiting_for(uow, user_id, now):
            return 0
        user.digest_sent_on = today
        outbox.tell(uow, user_id, NotificationKind.DIGEST)
        return 1


def waiting_for(uow: UnitOfWork, user_id: uuid.UUID, now: datetime) -> bool:
    """Whether anything in this facilitator's cases needs them: items to review or release,
    shuttle notes still to be confirmed, releases due today, agreement follow-ups due."""
    mine = select(models.CaseFacilitator.case_id).where(models.CaseFacilitator.user_id == user_id)
    item = models.Item
    today = now.astimezone(UK).date()
    end_of_today = datetime.combine(today + timedelta(days=1), time(0, 0), UK)
    items = exists().where(
        item.case_id.in_(mine),
        or_(
            item.state.in_(TO_DECIDE),
            (item.kind == ItemKind.SHUTTLE_NOTE.value)
            & (item.state == ItemState.DRAFT.value)
            & item.entered_by_id.is_not(None)
            & item.confirmed_at.is_(None),
            (item.state == ItemState.SCHEDULED.value) & (item.release_at <= end_of_today),
        ),
    )
    action = models.AgreementAction
    follow_ups = exists().where(
        action.case_id.in_(mine), action.status == ActionStatus.TO_DO.value, action.due_on <= today
    )
    return bool(uow.session.scalar(select(or_(items, follow_ups))))
