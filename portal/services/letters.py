"""Items (letters, questions, answers, shuttle notes): writing, review, release and reading.

Each use case loads the item for the actor, asks the domain, stores the decision and
writes it to the audit trail; every view of an item's words is audited too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import func, select

from portal import screening
from portal.crypto import KeyringError, TamperedCiphertext
from portal.domain import inbox as inbox_rules
from portal.domain import items as item_rules
from portal.domain.enums import ItemKind, ItemState, ReviewDecision, Role, Side
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.items import Item
from portal.domain.permissions import ItemAction, ItemView, allowed, view_item
from portal.domain.presentation import NOUNS, attribution, reader_label, writer_label
from portal.domain.redaction import Redaction
from portal.services import audit, records
from portal.services.casework import PAGE_SIZE, CaseContext, CaseNotFound, Page
from portal.services.text import clean_text
from portal.services.uow import UnitOfWork
from portal.storage import models
from portal.storage.types import utcnow

MAX_PARTS = 30


@dataclass
class Loaded:
    row: models.Item
    item: Item


def _load(uow: UnitOfWork, context: CaseContext, item_id: uuid.UUID, *, with_text: bool = True) -> Loaded:
    """An item of this case that the actor may see; anything else is "not found"."""
    row = uow.session.get(models.Item, item_id)
    if row is None or row.case_id != context.row.id:
        raise CaseNotFound
    vault = records.vault_for(uow, context.row) if with_text else None
    item = records.item_from_row(vault, row)
    if not allowed(ItemAction.VIEW, item, context.case, context.actor):
        raise CaseNotFound
    return Loaded(row, item)


def _store(
    uow: UnitOfWork, context: CaseContext, loaded: Loaded, after: Item, action: str, outcome: str = "success"
) -> None:
    records.write_item(records.vault_for(uow, context.row), loaded.row, loaded.item, after)
    context.row.updated_at = utcnow()
    audit.record(
        uow,
        action,
        outcome=outcome,
        actor_id=context.actor.user_id,
        case_id=context.row.id,
        object_type=after.kind.value,
        object_id=after.id,
    )
    uow.commit()


def _clean_parts(kind: ItemKind, parts: Sequence[str]) -> tuple[str, ...]:
    cleaned = tuple(clean_text(part) for part in parts)
    if kind == ItemKind.QUESTION_SET:
        cleaned = tuple(part for part in cleaned if part.strip()) or ("",)
    if len(cleaned) > MAX_PARTS:
        raise DomainError(f"Please keep to {MAX_PARTS} questions at most.")
    return cleaned


# --- Writing -------------------------------------------------------------------------------------


def start(
    uow: UnitOfWork,
    context: CaseContext,
    kind: ItemKind,
    author_id: uuid.UUID,
    question_set_id: uuid.UUID | None = None,
) -> uuid.UUID:
    question_set = _load(uow, context, question_set_id).item if question_set_id else None
    item = item_rules.start_item(uuid.uuid4(), context.case, context.actor, kind, author_id, question_set)
    vault = records.vault_for(uow, context.row)
    uow.session.add(records.new_item_row(vault, item))
    uow.session.flush()
    audit.record(
        uow,
        "item.start",
        actor_id=context.actor.user_id,
        case_id=context.row.id,
        object_type=kind.value,
        object_id=item.id,
    )
    uow.commit()
    return item.id


def save_draft(uow: UnitOfWork, context: CaseContext, item_id: uuid.UUID, parts: Sequence[str]) -> None:
    loaded = _load(uow, context, item_id)
    after = item_rules.save_draft(loaded.item, context.case, context.actor, _clean_parts(loaded.item.kind, parts))
    if after != loaded.item:
        _store(uow, context, loaded, after, "item.save")


def submit(uow: UnitOfWork, context: CaseContext, item_id: uuid.UUID) -> None:
    loaded = _load(uow, context, item_id)
    _store(uow, context, loaded, item_rules.submit(loaded.item, context.case, context.actor), "item.submit")


def take_back(uow: UnitOfWork, context: CaseContext, item_id: uuid.UUID) -> None:
    loaded = _load(uow, context, item_id)
    _store(uow, context, loaded, item_rules.take_back(loaded.item, context.case, context.actor), "item.take-back")


def confirm(uow: UnitOfWork, context: CaseContext, item_id: uuid.UUID, at: datetime | None = None) -> None:
    """The person a shuttle note speaks for agrees it says what they meant (or it was read back to them)."""
    loaded = _load(uow, context, item_id)
    after = item_rules.confirm_shuttle_note(loaded.item, context.case, context.actor, at or utcnow())
    _store(uow, context, loaded, after, "item.confirm")


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
            raise DomainError(f'"{passage[:60]}" is not in the text. Please copy it exactly as it appears.')
    return redactions


def version_of(item: Item) -> str:
    """A fingerprint of the words and removals a facilitator is looking at.

    Review and release forms carry it, so a decision never applies to text that changed
    after the page was opened (taken back, edited and sent again, say).
    """
    content = json.dumps([list(item.parts), [asdict(r) for r in item.redactions]], sort_keys=True)
    return hashlib.sha256(content.encode()).hexdigest()[:32]


def _require_version(item: Item, version: str | None) -> None:
    if version is not None and not hmac.compare_digest(version, version_of(item)):
        raise DomainError("This changed after you opened it. Please read it again before deciding.")


@dataclass(frozen=True)
class ReviewRequest:
    decision: ReviewDecision
    ticked: frozenset[str] = frozenset()  # keys of the suggestions kept ticked
    passages: str = ""
    passage_reason: str = ""
    message: str = ""
    checked: bool = False  # "I have checked this": needed to leave an identifying or threat finding in
    version: str | None = None  # from the page the decision was made on (see version_of)


def review(uow: UnitOfWork, context: CaseContext, item_id: uuid.UUID, request: ReviewRequest) -> Item:
    loaded = _load(uow, context, item_id)
    _require_version(loaded.item, request.version)
    redactions: list[Redaction] = []
    unticked: list[Suggestion] = []
    if request.decision in (ReviewDecision.APPROVE, ReviewDecision.REDACT):
        for suggestion in suggestions(context, loaded.item):
            if suggestion.key in request.ticked:
                redactions.append(Redaction(suggestion.start, suggestion.end, _reason(suggestion), suggestion.part))
            else:
                unticked.append(suggestion)
        redactions += passages_to_redactions(loaded.item.parts, request.passages, request.passage_reason or "")
        if unticked and not request.checked:
            raise DomainError(
                "Some details that screening found are being left in. Tick “I have checked this” to confirm "
                "they are safe to pass on, or tick them to remove them."
            )
    decision = request.decision
    if decision == ReviewDecision.APPROVE and redactions:
        decision = ReviewDecision.REDACT
    after = item_rules.review(
        loaded.item, context.case, context.actor, decision, redactions=redactions, message=clean_text(request.message)
    )
    if unticked:
        audit.record(
            uow,
            "item.review.findings-left-in",
            actor_id=context.actor.user_id,
            case_id=context.row.id,
            object_type=after.kind.value,
            object_id=after.id,
        )
    _store(uow, context, loaded, after, f"item.review.{decision.value}")
    return after


_REASONS = {
    "phone": "a phone number",
    "email": "an email address",
    "postcode": "a postcode",
    "address": "an address",
    "url": "a web address",
    "social_handle": "a social media name",
    "vehicle_reg": "a vehicle registration",
    "ni_number": "a National Insurance number",
    "prison_number": "a prison number",
    "bank": "bank details",
    "date_of_birth": "a date of birth",
    "sensitive_term": "a name or place that must stay private",
    "threat": "threatening words",
    "contact_request": "a request for contact outside the service",
}


def _reason(suggestion: Suggestion) -> str:
    return "Removed: " + _REASONS.get(suggestion.category, suggestion.category.replace("_", " "))


def release(
    uow: UnitOfWork, context: CaseContext, item_id: uuid.UUID, at: datetime | None = None, version: str | None = None
) -> None:
    """Pass the approved copy on now, or at a set time."""
    loaded = _load(uow, context, item_id)
    now = utcnow()
    if at is None:
        after = item_rules.release(loaded.item, context.case, context.actor, now)
    else:
        after = item_rules.schedule_release(loaded.item, context.case, context.actor, at, now)
    # The rules answer first (their reason is the useful one); then the copy must be the one shown.
    _require_version(loaded.item, version)
    _store(uow, context, loaded, after, "item.release" if at is None else "item.schedule")


def deliver_due(uow: UnitOfWork, now: datetime | None = None) -> int:
    """Pass on every scheduled item whose time has come, if its case still allows it.

    Each item is checked with its words opened, exactly as a release by hand would be, under
    a lock on its case so a withdrawal cannot cross it. One item that cannot be delivered is
    recorded and left scheduled; it never stops the others or the page that asked.
    """
    now = now or utcnow()
    delivered = 0
    for item_id, case_id in uow.session.execute(
        select(models.Item.id, models.Item.case_id).where(
            models.Item.state == ItemState.SCHEDULED.value, models.Item.release_at <= now
        )
    ).all():
        try:
            delivered += _deliver_one(uow, case_id, item_id, now)
        except (DomainError, TamperedCiphertext, KeyringError):
            uow.rollback()
            audit.record(uow, "item.release", outcome="blocked", case_id=case_id, object_type="item", object_id=item_id)
            uow.commit()
    return delivered


def _deliver_one(uow: UnitOfWork, case_id: uuid.UUID, item_id: uuid.UUID, now: datetime) -> int:
    case_row = uow.session.get(models.Case, case_id, with_for_update={"of": models.Case})
    row = uow.session.get(models.Item, item_id, with_for_update=True)
    if row is None or row.state != ItemState.SCHEDULED.value:  # changed since the list was read
        uow.rollback()
        return 0
    vault = records.vault_for(uow, case_row)
    before = records.item_from_row(vault, row)
    after = item_rules.deliver_scheduled(before, records.case_from_row(uow, case_row), now)
    records.write_item(vault, row, before, after)
    audit.record(uow, "item.release", case_id=case_id, object_type=row.kind, object_id=row.id)
    uow.commit()
    return 1


def lift_hold(uow: UnitOfWork, context: CaseContext, item_id: uuid.UUID) -> None:
    loaded = _load(uow, context, item_id)
    _store(uow, context, loaded, item_rules.lift_hold(loaded.item, context.case, context.actor), "item.lift-hold")


# --- Reading ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """One item as this viewer may see it, with the words and labels the page needs."""

    item: Item
    view: ItemView
    attribution: tuple[str, ...]
    noun: str
    label: str
    questions: tuple[str, ...]  # for answers: the questions they answer (release copy)
    may: frozenset[ItemAction]
    received: bool


def read(uow: UnitOfWork, context: CaseContext, item_id: uuid.UUID) -> Reading:
    """Open an item's words for this viewer; every look is written to the audit trail."""
    loaded = _load(uow, context, item_id)
    item = loaded.item
    view = view_item(item, context.case, context.actor)
    author = context.case.participant(item.author_id)
    received = context.me is not None and context.me.id != author.id
    questions: tuple[str, ...] = ()
    if item.kind == ItemKind.ANSWERS and item.answers_to:
        question_set = _load(uow, context, item.answers_to).item
        questions = question_set.release_copy
    may = frozenset(action for action in ItemAction if allowed(action, item, context.case, context.actor))
    audit.record(
        uow,
        "item.view",
        actor_id=context.actor.user_id,
        case_id=context.row.id,
        object_type=item.kind.value,
        object_id=item.id,
    )
    uow.commit()
    return Reading(
        item=item,
        view=view,
        attribution=attribution(item, author),
        noun=NOUNS[item.kind],
        label=reader_label(item) if received else writer_label(item),
        questions=questions,
        may=may,
        received=received,
    )


@dataclass(frozen=True)
class Summary:
    """An item without its words: enough to ask the recipient whether they are ready to open it."""

    item_id: uuid.UUID
    kind: ItemKind
    noun: str
    notice: str
    attribution: tuple[str, ...]
    awaits_opening: bool


def summary(uow: UnitOfWork, context: CaseContext, item_id: uuid.UUID) -> Summary:
    item = _load(uow, context, item_id, with_text=False).item
    author = context.case.participant(item.author_id)
    received = context.me is not None and context.me.id != author.id
    awaits = received and item.opened_at is None and allowed(ItemAction.OPEN, item, context.case, context.actor)
    return Summary(item.id, item.kind, NOUNS[item.kind], reader_label(item), attribution(item, author), awaits)


def open_item(uow: UnitOfWork, context: CaseContext, item_id: uuid.UUID, tell_writer: bool) -> None:
    loaded = _load(uow, context, item_id, with_text=False)
    after = item_rules.open_item(loaded.item, context.case, context.actor, utcnow(), tell_writer=tell_writer)
    if after != loaded.item:
        _store(uow, context, loaded, after, "item.open")


def ask_to_hold(uow: UnitOfWork, context: CaseContext, item_id: uuid.UUID) -> None:
    loaded = _load(uow, context, item_id, with_text=False)
    _store(uow, context, loaded, item_rules.ask_to_hold(loaded.item, context.case, context.actor), "item.hold-request")


def ask_to_destroy(uow: UnitOfWork, context: CaseContext, item_id: uuid.UUID) -> None:
    loaded = _load(uow, context, item_id, with_text=False)
    after = item_rules.ask_to_destroy(loaded.item, context.case, context.actor)
    _store(uow, context, loaded, after, "item.destroy-request")


def _case_items(uow: UnitOfWork, context: CaseContext) -> list[tuple[models.Item, Item]]:
    rows = uow.session.scalars(
        select(models.Item).where(models.Item.case_id == context.row.id).order_by(models.Item.created_at)
    ).all()
    return [(row, records.item_from_row(None, row)) for row in rows]


def inbox(uow: UnitOfWork, context: CaseContext) -> tuple[inbox_rules.InboxEntry, ...]:
    items = [item for _, item in _case_items(uow, context)]
    return inbox_rules.inbox(context.case, reversed(items), context.actor)


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
        raise NotAllowed("This list is for facilitators.")
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


def question_sets_to_answer(uow: UnitOfWork, context: CaseContext) -> list[uuid.UUID]:
    """Released question sets the responsible side has not started answering yet."""
    items = [item for _, item in _case_items(uow, context)]
    answered = {item.answers_to for item in items if item.kind == ItemKind.ANSWERS}
    return [
        item.id
        for item in items
        if item.kind == ItemKind.QUESTION_SET and item.state == ItemState.RELEASED and item.id not in answered
    ]


@dataclass(frozen=True)
class QueueEntry:
    item_id: uuid.UUID
    case_id: uuid.UUID
    case_code: str
    kind: ItemKind
    state: ItemState
    submitted_at: datetime | None


def review_queue(uow: UnitOfWork, actor_id: uuid.UUID, role: Role, page: int = 1) -> Page[QueueEntry]:
    """Items waiting for review in my cases, oldest first: two queries whatever the length."""
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
    if role == Role.FACILITATOR:
        mine = select(models.CaseFacilitator.case_id).where(models.CaseFacilitator.user_id == actor_id)
        query = query.where(models.Item.case_id.in_(mine))
        count = count.where(models.Item.case_id.in_(mine))
    total = uow.session.scalar(count) or 0
    page = max(1, min(page, max(1, -(-total // PAGE_SIZE))))
    rows = uow.session.execute(
        query.order_by(models.Item.submitted_at, models.Item.id).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return Page([QueueEntry(r[0], r[1], r[2], ItemKind(r[3]), ItemState(r[4]), r[5]) for r in rows], page, total)
