"""Items (letters, questions, answers, shuttle notes): writing, review, release and reading.

Every use case is one unit of work: it locks the case row, then the item row (always in that
order), checks the form was not acted on already, asks the domain, stores the answer and
writes the audit event, and commits all of it together or nothing. Every look at an item's
words is audited in the same way.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from portal import screening
from portal.crypto import KeyringError, TamperedCiphertext
from portal.domain import inbox as inbox_rules
from portal.domain import items as item_rules
from portal.domain import redaction
from portal.domain.actors import Actor
from portal.domain.audit import AuditAction, AuditOutcome
from portal.domain.enums import ItemKind, ItemState, Language, ReviewDecision, Role, Side
from portal.domain.errors import DomainError, NotAllowed, Stale
from portal.domain.items import Item
from portal.domain.permissions import ItemAction, ItemView, allowed, view_item
from portal.domain.presentation import Attribution, Label, attribution, reader_label, writer_label
from portal.domain.problems import Problem
from portal.domain.redaction import Redaction
from portal.services import audit, casework, records, submissions
from portal.services.casework import PAGE_SIZE, CaseContext, CaseNotFound, Page
from portal.services.submissions import Previous
from portal.services.text import as_typed
from portal.services.uow import UnitOfWork
from portal.storage import models
from portal.storage.types import utcnow

MAX_PARTS = 30


@dataclass
class Loaded:
    row: models.Item
    item: Item


def _load(
    uow: UnitOfWork, context: CaseContext, item_id: uuid.UUID, *, with_text: bool = True, lock: bool = False
) -> Loaded:
    """An item of this case that the actor may see; anything else is "not found"."""
    row = uow.session.get(models.Item, item_id, with_for_update=True if lock else None)
    if row is None or row.case_id != context.row.id:
        raise CaseNotFound
    vault = records.vault_for(uow, context.row) if with_text else None
    item = records.item_from_row(vault, row)
    if not allowed(ItemAction.VIEW, item, context.case, context.actor):
        if lock and context.manages:
            # Its facilitator was deciding on it a moment ago: it has just been returned to its
            # writer, or its writer stopped. Say so, rather than that it does not exist.
            raise Stale(item.kind.value, item.state.value)
        raise CaseNotFound
    return Loaded(row, item)


@dataclass
class Change:
    """One use case on one item: its case and the item, both locked until the commit."""

    context: CaseContext
    loaded: Loaded
    repeated: Previous | None  # the same form was acted on already: do nothing again

    @property
    def item(self) -> Item:
        return self.loaded.item


@contextmanager
def _changing(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, item_id: uuid.UUID, once: str | None, *, with_text: bool = True
) -> Iterator[Change]:
    with casework.changing(uow, actor, case_id) as context:
        repeated = submissions.previous(uow, once, actor.user_id)
        yield Change(context, _load(uow, context, item_id, with_text=with_text, lock=True), repeated)


def _store(uow: UnitOfWork, change: Change, after: Item, action: AuditAction, once: str | None) -> None:
    context = change.context
    records.write_item(records.vault_for(uow, context.row), change.loaded.row, change.item, after)
    context.row.updated_at = utcnow()
    submissions.remember(uow, once, context.actor.user_id, action.value, after.id)
    _audit(uow, context, action, after)


def _audit(uow: UnitOfWork, context: CaseContext, action: AuditAction, item: Item) -> None:
    audit.record(
        uow,
        action,
        actor_id=context.actor.user_id,
        case_id=context.row.id,
        object_type=item.kind.value,
        object_id=item.id,
    )


def _clean_parts(kind: ItemKind, parts: Sequence[str]) -> tuple[str, ...]:
    cleaned = tuple(as_typed(part) for part in parts)
    if kind == ItemKind.QUESTION_SET:
        cleaned = tuple(part for part in cleaned if part.strip()) or ("",)
    if len(cleaned) > MAX_PARTS:
        raise DomainError(Problem.ITEM_TOO_MANY_QUESTIONS, limit=MAX_PARTS)
    return cleaned


def _case_item_rows(uow: UnitOfWork, context: CaseContext) -> list[models.Item]:
    return list(
        uow.session.scalars(
            select(models.Item).where(models.Item.case_id == context.row.id).order_by(models.Item.created_at)
        )
    )


# --- Writing -------------------------------------------------------------------------------------


def start(
    uow: UnitOfWork,
    actor: Actor,
    case_id: uuid.UUID,
    kind: ItemKind,
    author_id: uuid.UUID | None,
    question_set_id: uuid.UUID | None = None,
    *,
    language: Language = Language.EN,
    once: str | None = None,
) -> uuid.UUID:
    """A new draft, or the author's open draft of the same kind (so one letter is never two).

    A participant writes as themself (`author_id` None); a facilitator names the person.
    """
    with casework.changing(uow, actor, case_id) as context:
        repeated = submissions.previous(uow, once, actor.user_id)
        if repeated is not None and repeated.result:
            return uuid.UUID(repeated.result)
        author = context.me if author_id is None else context.participant(author_id)
        if author is None:
            raise NotAllowed(Problem.ITEM_CHOOSE_AUTHOR)
        question_set = _load(uow, context, question_set_id).item if question_set_id else None
        item = item_rules.start_item(
            uuid.uuid4(), context.case, context.actor, kind, author.id, question_set, language=language
        )
        existing = item_rules.open_draft(
            (records.item_from_row(None, row) for row in _case_item_rows(uow, context)),
            author.id,
            kind,
            item.answers_to,
        )
        if existing is not None:
            submissions.remember(uow, once, actor.user_id, AuditAction.ITEM_START.value, existing.id)
            return existing.id
        uow.session.add(records.new_item_row(records.vault_for(uow, context.row), item))
        context.row.updated_at = utcnow()
        submissions.remember(uow, once, actor.user_id, AuditAction.ITEM_START.value, item.id)
        _audit(uow, context, AuditAction.ITEM_START, item)
        return item.id


def _save(uow: UnitOfWork, change: Change, parts: Sequence[str], language: Language | None) -> Item:
    context = change.context
    cleaned = _clean_parts(change.item.kind, parts)
    after = item_rules.save_draft(change.item, context.case, context.actor, cleaned, language)
    if after != change.item:
        _store(uow, change, after, AuditAction.ITEM_SAVE, None)
        change.loaded.item = after
    return after


def save_draft(
    uow: UnitOfWork,
    actor: Actor,
    case_id: uuid.UUID,
    item_id: uuid.UUID,
    parts: Sequence[str],
    *,
    language: Language | None = None,
    once: str | None = None,
) -> None:
    with _changing(uow, actor, case_id, item_id, once) as change:
        if change.repeated is None:
            _save(uow, change, parts, language)
            submissions.remember(uow, once, actor.user_id, AuditAction.ITEM_SAVE.value, item_id)


def send(
    uow: UnitOfWork,
    actor: Actor,
    case_id: uuid.UUID,
    item_id: uuid.UUID,
    parts: Sequence[str],
    *,
    language: Language | None = None,
    once: str | None = None,
) -> None:
    """Save the words on the page and send them for review, as one act: both or neither."""
    with _changing(uow, actor, case_id, item_id, once) as change:
        if change.repeated is not None:
            return
        saved = _save(uow, change, parts, language)
        _store(
            uow,
            change,
            item_rules.submit(saved, change.context.case, change.context.actor),
            AuditAction.ITEM_SUBMIT,
            once,
        )


def submit(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, item_id: uuid.UUID, *, once: str | None = None) -> None:
    with _changing(uow, actor, case_id, item_id, once) as change:
        if change.repeated is None:
            after = item_rules.submit(change.item, change.context.case, change.context.actor)
            _store(uow, change, after, AuditAction.ITEM_SUBMIT, once)


def take_back(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, item_id: uuid.UUID, *, once: str | None = None
) -> None:
    """The writer's right until it is passed on: no version check, whatever a facilitator decided."""
    with _changing(uow, actor, case_id, item_id, once) as change:
        if change.repeated is None:
            after = item_rules.take_back(change.item, change.context.case, change.context.actor)
            _store(uow, change, after, AuditAction.ITEM_TAKE_BACK, once)


def confirm(
    uow: UnitOfWork,
    actor: Actor,
    case_id: uuid.UUID,
    item_id: uuid.UUID,
    *,
    seen: int | None = None,
    once: str | None = None,
    at: datetime | None = None,
) -> None:
    """The person a shuttle note speaks for agrees it says what they meant (or it was read back to them)."""
    with _changing(uow, actor, case_id, item_id, once) as change:
        if change.repeated is None:
            if seen is not None:  # a participant's "yes, it says what I meant" is about the words they read
                item_rules.require_seen(change.item, seen)
            after = item_rules.confirm_shuttle_note(
                change.item, change.context.case, change.context.actor, at or utcnow()
            )
            _store(uow, change, after, AuditAction.ITEM_CONFIRM, once)


# --- Review and release --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A screening finding offered to the reviewer as a redaction, ticked by default."""

    key: str
    part: int
    start: int
    end: int
    category: str
    text: str
    concern: bool


def suggestions(context: CaseContext, item: Item) -> list[Suggestion]:
    """What screening finds in the original, using the sensitive terms of the writer's side."""
    terms = context.case.sensitive_terms(context.case.participant(item.author_id).side)
    found = []
    for index, part in enumerate(item.parts):
        for finding in screening.screen(part, terms):
            found.append(
                Suggestion(
                    key=f"{index}:{finding.start}:{finding.end}",
                    part=index,
                    start=finding.start,
                    end=finding.end,
                    category=finding.category,
                    text=finding.text,
                    concern=finding.category in screening.CONCERN,
                )
            )
    return found


def passages_to_redactions(parts: Sequence[str], passages: str, reason: str) -> list[Redaction]:
    """Each line the reviewer pasted, found wherever it appears in the item."""
    redactions = []
    for passage in (line.strip() for line in passages.splitlines()):
        if not passage:
            continue
        hits = 0
        for index, part in enumerate(parts):
            start = part.find(passage)
            while start >= 0:
                redactions.append(Redaction(start, start + len(passage), reason, index))
                hits += 1
                start = part.find(passage, start + len(passage))
        if not hits:
            raise DomainError(Problem.REVIEW_PASSAGE_NOT_FOUND, passage=passage[:60])
    return redactions


@dataclass(frozen=True)
class ReviewRequest:
    decision: ReviewDecision
    seen: int | None  # the item's version on the page the decision was made on
    ticked: frozenset[str] = frozenset()  # keys of the suggestions kept ticked
    passages: str = ""
    passage_reason: str = ""
    message: str = ""
    checked: bool = False  # "I have checked this": needed to leave an identifying or threat finding in
    once: str | None = None


def review(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, item_id: uuid.UUID, request: ReviewRequest) -> Item:
    """A facilitator's decision, made on the version they read; a newer version refuses it (`Stale`)."""
    with _changing(uow, actor, case_id, item_id, request.once) as change:
        context, item = change.context, change.item
        if change.repeated is not None:
            return item
        item_rules.require_seen(item, request.seen)
        redactions: list[Redaction] = []
        unticked: list[Suggestion] = []
        if request.decision in (ReviewDecision.APPROVE, ReviewDecision.REDACT):
            for suggestion in suggestions(context, item):
                if suggestion.key in request.ticked:
                    redactions.append(Redaction(suggestion.start, suggestion.end, _reason(suggestion), suggestion.part))
                else:
                    unticked.append(suggestion)
            redactions += passages_to_redactions(item.parts, request.passages, request.passage_reason or "")
            if unticked and not request.checked:
                raise DomainError(Problem.REVIEW_FINDINGS_LEFT_IN)
        decision = request.decision
        if decision == ReviewDecision.APPROVE and redactions:
            decision = ReviewDecision.REDACT
        after = item_rules.review(
            item, context.case, context.actor, decision, redactions=redactions, message=as_typed(request.message)
        )
        _store(uow, change, after, AuditAction.review(decision), request.once)
        if unticked:
            _audit(uow, context, AuditAction.ITEM_FINDINGS_LEFT_IN, after)
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
    with _changing(uow, actor, case_id, item_id, once) as change:
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
        _store(uow, change, after, AuditAction.ITEM_RELEASE if at is None else AuditAction.ITEM_SCHEDULE, once)


def lift_hold(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, item_id: uuid.UUID, *, once: str | None = None
) -> None:
    with _changing(uow, actor, case_id, item_id, once) as change:
        if change.repeated is None:
            after = item_rules.lift_hold(change.item, change.context.case, change.context.actor)
            _store(uow, change, after, AuditAction.ITEM_LIFT_HOLD, once)


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
        after = item_rules.deliver_scheduled(before, records.case_from_row(uow, case_row), now)
        records.write_item(vault, row, before, after)
        audit.record(uow, AuditAction.ITEM_RELEASE, case_id=case_id, object_type=row.kind, object_id=row.id)
        return 1


# --- Reading ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """One item as this viewer may see it, with the words and labels the page needs."""

    context: CaseContext
    item: Item
    view: ItemView
    attribution: tuple[Attribution, ...]
    label: Label
    questions: tuple[str, ...]  # for answers: the questions they answer (release copy)
    may: frozenset[ItemAction]
    received: bool

    @property
    def version(self) -> int:
        return self.item.version


def _reading(uow: UnitOfWork, context: CaseContext, item_id: uuid.UUID) -> Reading:
    item = _load(uow, context, item_id).item
    view = view_item(item, context.case, context.actor)
    author = context.case.participant(item.author_id)
    received = context.me is not None and context.me.id != author.id
    questions: tuple[str, ...] = ()
    if item.kind == ItemKind.ANSWERS and item.answers_to:
        questions = _load(uow, context, item.answers_to).item.release_copy
    may = frozenset(action for action in ItemAction if allowed(action, item, context.case, context.actor))
    _audit(uow, context, AuditAction.ITEM_VIEW, item)
    return Reading(
        context=context,
        item=item,
        view=view,
        attribution=attribution(item, author),
        label=reader_label(item) if received else writer_label(item),
        questions=questions,
        may=may,
        received=received,
    )


def read(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, item_id: uuid.UUID) -> Reading:
    """Open an item's words for this viewer; the look is written to the audit trail in the same unit."""
    with uow:
        return _reading(uow, casework.load(uow, actor, case_id), item_id)


@dataclass(frozen=True)
class ReviewPage:
    reading: Reading
    suggestions: list[Suggestion]


def review_page(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, item_id: uuid.UUID) -> ReviewPage:
    """The original with screening's findings, for a facilitator who may review it now."""
    with uow:
        reading = _reading(uow, casework.load(uow, actor, case_id), item_id)
        return ReviewPage(reading, suggestions(reading.context, reading.item))


@dataclass(frozen=True)
class Summary:
    """An item without its words: enough to ask the recipient whether they are ready to open it."""

    context: CaseContext
    item_id: uuid.UUID
    kind: ItemKind
    label: Label
    attribution: tuple[Attribution, ...]
    awaits_opening: bool


def summary(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, item_id: uuid.UUID) -> Summary:
    context = casework.load(uow, actor, case_id)
    item = _load(uow, context, item_id, with_text=False).item
    author = context.case.participant(item.author_id)
    received = context.me is not None and context.me.id != author.id
    awaits = received and item.opened_at is None and allowed(ItemAction.OPEN, item, context.case, context.actor)
    return Summary(context, item.id, item.kind, reader_label(item), attribution(item, author), awaits)


def open_item(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, item_id: uuid.UUID, tell_writer: bool, *, once: str | None = None
) -> None:
    with _changing(uow, actor, case_id, item_id, once, with_text=False) as change:
        if change.repeated is None:
            context = change.context
            after = item_rules.open_item(change.item, context.case, context.actor, utcnow(), tell_writer=tell_writer)
            if after != change.item:
                _store(uow, change, after, AuditAction.ITEM_OPEN, once)


def ask_to_hold(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, item_id: uuid.UUID, *, once: str | None = None
) -> None:
    with _changing(uow, actor, case_id, item_id, once, with_text=False) as change:
        if change.repeated is None:
            after = item_rules.ask_to_hold(change.item, change.context.case, change.context.actor)
            _store(uow, change, after, AuditAction.ITEM_HOLD_REQUEST, once)


def ask_to_destroy(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, item_id: uuid.UUID, *, once: str | None = None
) -> None:
    with _changing(uow, actor, case_id, item_id, once, with_text=False) as change:
        if change.repeated is None:
            after = item_rules.ask_to_destroy(change.item, change.context.case, change.context.actor)
            _store(uow, change, after, AuditAction.ITEM_DESTROY_REQUEST, once)


def _case_items(uow: UnitOfWork, context: CaseContext) -> list[tuple[models.Item, Item]]:
    return [(row, records.item_from_row(None, row)) for row in _case_item_rows(uow, context)]


@dataclass(frozen=True)
class Inbox:
    context: CaseContext
    entries: tuple[inbox_rules.InboxEntry, ...]
    writable: tuple[ItemKind, ...]  # what this participant may start now
    to_answer: tuple[uuid.UUID, ...]  # released question sets they may start answering


def inbox(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID) -> Inbox:
    """A participant's inbox for one case, with no words unsealed."""
    context = casework.load(uow, actor, case_id)
    me = context.me
    if me is None:
        raise NotAllowed(Problem.INBOX_PARTICIPANTS_ONLY)
    items = [item for _, item in _case_items(uow, context)]
    writable = tuple(
        kind
        for kind in (ItemKind.LETTER, ItemKind.QUESTION_SET)
        if item_rules.may_start(context.case, context.actor, me, kind)
    )
    to_answer: tuple[uuid.UUID, ...] = ()
    if me.side == Side.RESPONSIBLE and item_rules.may_start(context.case, context.actor, me, ItemKind.ANSWERS):
        answered = {item.answers_to for item in items if item.kind == ItemKind.ANSWERS}
        to_answer = tuple(
            item.id
            for item in items
            if item.kind == ItemKind.QUESTION_SET and item.state == ItemState.RELEASED and item.id not in answered
        )
    return Inbox(context, inbox_rules.inbox(context.case, reversed(items), context.actor), writable, to_answer)


@dataclass(frozen=True)
class ItemSummary:
    id: uuid.UUID
    kind: ItemKind
    state: ItemState
    author_side: Side
    author_id: uuid.UUID
    updated_at: datetime
    may: frozenset[ItemAction]  # what this viewer may do with it now, as the domain says

    @property
    def visible(self) -> bool:
        return ItemAction.VIEW in self.may


def case_items(uow: UnitOfWork, context: CaseContext) -> list[ItemSummary]:
    """Every item of the case for its facilitators, with no words unsealed."""
    if context.me is not None:
        raise NotAllowed(Problem.LIST_FACILITATORS_ONLY)
    return [
        ItemSummary(
            item.id,
            item.kind,
            item.state,
            context.case.participant(item.author_id).side,
            item.author_id,
            row.updated_at,
            frozenset(action for action in ItemAction if allowed(action, item, context.case, context.actor)),
        )
        for row, item in _case_items(uow, context)
    ]


@dataclass(frozen=True)
class QueueEntry:
    item_id: uuid.UUID
    case_id: uuid.UUID
    case_code: str
    kind: ItemKind
    state: ItemState
    submitted_at: datetime | None


def review_queue(uow: UnitOfWork, actor: Actor, page: int = 1) -> Page[QueueEntry]:
    """Items waiting for review in my cases, oldest first: two queries whatever the length."""
    if actor.role not in (Role.FACILITATOR, Role.MANAGER):
        raise NotAllowed(Problem.LIST_STAFF_ONLY)
    waiting = models.Item.state.in_((ItemState.SUBMITTED.value, ItemState.AWAITING_SECOND_APPROVAL.value))
    query = (
        select(
            models.Item.id,
            models.Item.case_id,
            models.Case.code,
            models.Item.kind,
            models.Item.state,
            models.Item.submitted_at,
        )
        .join(models.Case, models.Case.id == models.Item.case_id)
        .where(waiting)
    )
    count = select(func.count(models.Item.id)).where(waiting)
    if actor.role == Role.FACILITATOR:
        mine = select(models.CaseFacilitator.case_id).where(models.CaseFacilitator.user_id == actor.user_id)
        query = query.where(models.Item.case_id.in_(mine))
        count = count.where(models.Item.case_id.in_(mine))
    total = uow.session.scalar(count) or 0
    page = max(1, min(page, max(1, -(-total // PAGE_SIZE))))
    rows = uow.session.execute(
        query.order_by(models.Item.submitted_at, models.Item.id).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return Page([QueueEntry(r[0], r[1], r[2], ItemKind(r[3]), ItemState(r[4]), r[5]) for r in rows], page, total)
