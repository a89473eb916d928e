"""Review and release: the facilitator's decision on an item, passing it on, and the queue.

Screening's findings are offered as removals; its restorative guidance is shown to raise with
the writer. In a case that needs two approvals, the second facilitator sees exactly what the
first chose, and a change to it sends it back for approval again.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, bindparam, func, select

from portal import screening
from portal.crypto import KeyringError, TamperedCiphertext
from portal.domain import items as item_rules
from portal.domain import redaction
from portal.domain.actors import Actor
from portal.domain.audit import AuditAction, AuditOutcome
from portal.domain.enums import ItemKind, ItemState, ReviewDecision, Role
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.items import Item
from portal.domain.notifications import told_of_item_change
from portal.domain.problems import Problem
from portal.domain.redaction import Redaction
from portal.services import accounts, audit, casework, media, outbox, records
from portal.services.casework import PAGE_SIZE, CaseContext, Page, page_within
from portal.services.item_changes import audit_item, changing, store
from portal.services.letters import Reading, reading_of
from portal.services.text import as_typed
from portal.services.uow import UnitOfWork
from portal.storage import models
from portal.storage.types import utcnow

# --- Review and release --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A screening finding offered to the reviewer as a removal (ticked at the first review)."""

    key: str
    part: int
    start: int
    end: int
    category: str
    text: str
    concern: bool


@dataclass(frozen=True)
class Guidance:
    """A passage to raise with the writer (blame, minimising...): shown, never removed for them."""

    part: int
    start: int
    end: int
    kind: str
    text: str
    quote: str  # the sentence it is in

    @property
    def must_check(self) -> bool:
        return self.kind in screening.CHECK_BEFORE_RELEASE


@dataclass(frozen=True)
class Removal:
    """A passage the approvals so far remove, as a later reviewer is shown it (ticked)."""

    key: str
    redaction: Redaction
    text: str


@dataclass(frozen=True)
class Passage:
    """One passage the reviewer picked by hand, with their own reason for removing it."""

    text: str
    reason: str = ""


def suggestions(context: CaseContext, item: Item) -> list[Suggestion]:
    """What screening finds in the original, using the sensitive terms of the writer's side."""
    terms = context.case.sensitive_terms(context.case.participant(item.author_id).side)
    found = []
    for index, part in enumerate(item.parts):
        for finding in screening.screen(part, terms):
            found.append(
                Suggestion(
                    key=f"s:{index}:{finding.start}:{finding.end}",
                    part=index,
                    start=finding.start,
                    end=finding.end,
                    category=finding.category,
                    text=finding.text,
                    concern=finding.category in screening.CONCERN,
                )
            )
    return found


def guidance(item: Item) -> list[Guidance]:
    return [
        Guidance(index, g.start, g.end, g.category, g.text, screening.sentence_around(part, g.start, g.end))
        for index, part in enumerate(item.parts)
        for g in screening.find_guidance(part)
    ]


def _covered(part: int, start: int, end: int, redactions: Sequence[Redaction]) -> bool:
    return any(r.part == part and r.start <= start and end <= r.end for r in redactions)


def offered(item: Item, found: Sequence[Suggestion]) -> tuple[list[Removal], list[Suggestion]]:
    """What the reviewer chooses from: the removals earlier approvals agreed (for a later
    reviewer), and screening's suggestions those removals do not already cover."""
    removals = [
        Removal(f"r:{r.part}:{r.start}:{r.end}", r, item.parts[r.part][r.start : r.end]) for r in item.redactions
    ]
    return removals, [s for s in found if not _covered(s.part, s.start, s.end, item.redactions)]


def passages_to_redactions(parts: Sequence[str], passages: Sequence[Passage]) -> list[Redaction]:
    """Each passage the reviewer picked, wherever it appears in the item, with its own reason."""
    redactions = []
    for passage in passages:
        if not passage.text.strip():
            continue
        places = redaction.find_passage(parts, passage.text)
        if not places:
            raise DomainError(Problem.REVIEW_PASSAGE_NOT_FOUND, passage=passage.text.strip()[:60])
        reason = as_typed(passage.reason).strip() or redaction.FACILITATOR_REASON
        redactions += [Redaction(start, end, reason, part) for part, start, end in places]
    return redactions


@dataclass(frozen=True)
class ReviewRequest:
    decision: ReviewDecision
    seen: int | None  # the item's version on the page the decision was made on
    ticked: frozenset[str] = frozenset()  # keys of the suggestions and earlier removals kept ticked
    passages: tuple[Passage, ...] = ()
    message: str = ""  # to the writer, to return or withhold
    note: str = ""  # to the facilitator who approves next
    checked: bool = False  # "I have checked this": needed to leave a finding, blame or minimising in
    once: str | None = None


def review(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, item_id: uuid.UUID, request: ReviewRequest) -> Item:
    """A facilitator's decision, made on the version they read; a newer version refuses it (`Stale`).

    Approving names the whole copy: the earlier removals kept, the suggestions ticked and the
    passages picked. Leaving in a finding, blame or minimising needs the recorded check; a copy
    different from the one earlier approvers agreed sends it back for their approval again.
    """
    with changing(uow, actor, case_id, item_id, request.once) as change:
        context, item = change.context, change.item
        if change.repeated is not None:
            return item
        item_rules.require_seen(item, request.seen)
        chosen: list[Redaction] = []
        left_in = False
        if request.decision in (ReviewDecision.APPROVE, ReviewDecision.REDACT):
            media.require_opened(uow, actor, item.id)  # nothing passes on unseen or unheard
            removals, open_suggestions = offered(item, suggestions(context, item))
            chosen = [r.redaction for r in removals if r.key in request.ticked]
            chosen += [
                Redaction(s.start, s.end, _reason(s), s.part) for s in open_suggestions if s.key in request.ticked
            ]
            chosen += passages_to_redactions(item.parts, request.passages)
            found = [(s.part, s.start, s.end) for s in open_suggestions] + [
                (r.redaction.part, r.redaction.start, r.redaction.end) for r in removals
            ]
            found += [(g.part, g.start, g.end) for g in guidance(item) if g.must_check]
            left_in = any(not _covered(part, start, end, chosen) for part, start, end in found)
            if left_in and not request.checked:
                raise DomainError(Problem.REVIEW_FINDINGS_LEFT_IN)
        decision = request.decision
        if decision == ReviewDecision.APPROVE and chosen:
            decision = ReviewDecision.REDACT
        after = item_rules.review(
            item,
            context.case,
            context.actor,
            decision,
            redactions=chosen,
            message=as_typed(request.message),
            note=as_typed(request.note),
        )
        store(uow, change, after, AuditAction.review(decision), request.once)
        if item.approved_by and after.approved_by == (actor.user_id,):
            audit_item(uow, context, AuditAction.ITEM_REVIEW_CHANGE, after)
        if left_in:
            audit_item(uow, context, AuditAction.ITEM_FINDINGS_LEFT_IN, after)
        return after


def _reason(suggestion: Suggestion) -> str:
    """Stored as a code, so each reader sees the reason in their own language."""
    return redaction.screening_reason(suggestion.category)


def release(
    uow: UnitOfWork,
    actor: Actor,
    case_id: uuid.UUID,
    item_id: uuid.UUID,
    at: datetime | None = None,
    *,
    seen: int | None = None,
    once: str | None = None,
) -> None:
    """Pass the approved copy on now, or at a set time: the copy the facilitator was shown."""
    with changing(uow, actor, case_id, item_id, once) as change:
        if change.repeated is not None:
            return
        context, item = change.context, change.item
        now = utcnow()
        if at is None:
            after = item_rules.release(item, context.case, context.actor, now)
        else:
            after = item_rules.schedule_release(item, context.case, context.actor, at, now)
        # The rules answer first (their reason is the useful one); then the copy must be the one shown.
        item_rules.require_seen(item, seen)
        store(uow, change, after, AuditAction.ITEM_RELEASE if at is None else AuditAction.ITEM_SCHEDULE, once)


def lift_hold(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, item_id: uuid.UUID, *, once: str | None = None
) -> None:
    with changing(uow, actor, case_id, item_id, once) as change:
        if change.repeated is None:
            after = item_rules.lift_hold(change.item, change.context.case, change.context.actor)
            store(uow, change, after, AuditAction.ITEM_LIFT_HOLD, once)


def deliver_due(uow: UnitOfWork, now: datetime | None = None) -> int:
    """Pass on every scheduled item whose time has come, if its case still allows it (the worker's job).

    Each item is its own unit of work, checked with its words opened exactly as a release by
    hand would be, under the lock of its case so a withdrawal cannot cross it. One item that
    cannot be delivered is recorded and left scheduled; it never stops the others.
    """
    now = now or utcnow()
    delivered = 0
    due = uow.session.execute(
        select(models.Item.id, models.Item.case_id).where(
            models.Item.state == ItemState.SCHEDULED.value, models.Item.release_at <= now
        )
    ).all()
    for item_id, case_id in due:
        try:
            delivered += _deliver_one(uow, case_id, item_id, now)
        except (DomainError, TamperedCiphertext, KeyringError):
            with uow:
                audit.record(
                    uow,
                    AuditAction.ITEM_RELEASE,
                    outcome=AuditOutcome.BLOCKED,
                    case_id=case_id,
                    object_type="item",
                    object_id=item_id,
                )
    return delivered


def _deliver_one(uow: UnitOfWork, case_id: uuid.UUID, item_id: uuid.UUID, now: datetime) -> int:
    with uow:
        case_row = casework.lock_case_row(uow, case_id)
        row = uow.session.get(models.Item, item_id, with_for_update=True)
        if case_row is None or row is None or row.state != ItemState.SCHEDULED.value:  # changed since the list
            return 0
        vault = records.vault_for(uow, case_row)
        before = records.item_from_row(vault, row)
        case = records.case_from_row(uow, case_row)
        after = item_rules.deliver_scheduled(before, case, now)
        records.write_item(vault, row, before, after)
        audit.record(uow, AuditAction.ITEM_RELEASE, case_id=case_id, object_type=row.kind, object_id=row.id)
        outbox.tell_many(uow, told_of_item_change(before, after, case), case_id=case_id)
        return 1


# What the review screen shows of an item's history: decisions, not every look at it.
DECISIONS = (
    AuditAction.ITEM_SUBMIT,
    AuditAction.ITEM_TAKE_BACK,
    AuditAction.ITEM_REVIEW_APPROVE,
    AuditAction.ITEM_REVIEW_REDACT,
    AuditAction.ITEM_REVIEW_CHANGE,
    AuditAction.ITEM_FINDINGS_LEFT_IN,
    AuditAction.ITEM_REVIEW_RETURN,
    AuditAction.ITEM_REVIEW_WITHHOLD,
    AuditAction.ITEM_LIFT_HOLD,
)


@dataclass(frozen=True)
class Decision:
    at: datetime
    action: AuditAction
    by: str | None  # the facilitator's name; None for the writer


@dataclass(frozen=True)
class ReviewPage:
    """Everything the reviewer needs: the original with what screening found, what earlier
    approvals chose (for a second reviewer) and the copy that results, and the item's history."""

    reading: Reading
    suggestions: list[Suggestion]  # not covered by earlier removals
    removals: list[Removal]  # what earlier approvals remove
    guidance: list[Guidance]
    earlier: list[Decision]
    approvers: list[str]  # names of the facilitators whose approvals stand
    needs_second: bool  # this case needs two approvals

    @property
    def later_review(self) -> bool:
        return bool(self.removals or self.approvers)


def review_page(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, item_id: uuid.UUID) -> ReviewPage:
    """The original with screening's findings, for a facilitator who may review it now."""
    with uow:
        reading = reading_of(uow, casework.load(uow, actor, case_id), item_id)
        item, case = reading.item, reading.context.case
        removals, open_suggestions = offered(item, suggestions(reading.context, item))
        events = uow.session.execute(
            select(models.AuditEvent.occurred_at, models.AuditEvent.action, models.AuditEvent.actor_id)
            .where(
                models.AuditEvent.object_id == str(item.id),
                models.AuditEvent.action.in_([action.value for action in DECISIONS]),
            )
            .order_by(models.AuditEvent.id)
        ).all()
        staff = {user for _at, _action, user in events if user in case.facilitator_ids} | set(item.approved_by)
        named = accounts.names(uow, staff)
        return ReviewPage(
            reading=reading,
            suggestions=open_suggestions,
            removals=removals,
            guidance=guidance(item),
            earlier=[
                Decision(at, AuditAction(action), named.get(user) if user else None) for at, action, user in events
            ],
            approvers=[named.get(user, "") for user in item.approved_by],
            needs_second=item_rules.approvals_needed(case) > 1,
        )


@dataclass(frozen=True)
class QueueEntry:
    item_id: uuid.UUID
    case_id: uuid.UUID
    case_code: str
    kind: ItemKind
    state: ItemState
    submitted_at: datetime | None


def _queue(mine_only: bool) -> tuple[Select[int], Select[uuid.UUID, uuid.UUID, str, str, str, datetime | None]]:
    """The count and the page of the review queue: every waiting item, or a facilitator's own."""
    where = [models.Item.state.in_((ItemState.SUBMITTED.value, ItemState.AWAITING_SECOND_APPROVAL.value))]
    if mine_only:
        mine = select(models.CaseFacilitator.case_id).where(models.CaseFacilitator.user_id == bindparam("me"))
        where.append(models.Item.case_id.in_(mine))
    count = select(func.count(models.Item.id)).where(*where)
    rows = (
        select(
            models.Item.id,
            models.Item.case_id,
            models.Case.code,
            models.Item.kind,
            models.Item.state,
            models.Item.submitted_at,
        )
        .join(models.Case, models.Case.id == models.Item.case_id)
        .where(*where)
        .order_by(models.Item.submitted_at, models.Item.id)
        .limit(PAGE_SIZE)
        .offset(bindparam("skip"))
    )
    return count, rows


# Built once: the queue is the page a facilitator comes back to all day.
_QUEUES = {Role.FACILITATOR: _queue(mine_only=True), Role.MANAGER: _queue(mine_only=False)}


def review_queue(uow: UnitOfWork, actor: Actor, page: int = 1) -> Page[QueueEntry]:
    """Items waiting for review in my cases, oldest first: two queries whatever the length."""
    if actor.role not in _QUEUES:
        raise NotAllowed(Problem.LIST_STAFF_ONLY)
    count, query = _QUEUES[actor.role]
    total = uow.read(count, {"me": actor.user_id}).scalar() or 0
    page = page_within(page, total)
    rows = uow.read(query, {"me": actor.user_id, "skip": (page - 1) * PAGE_SIZE}).all()
    return Page([QueueEntry(r[0], r[1], r[2], ItemKind(r[3]), ItemState(r[4]), r[5]) for r in rows], page, total)
