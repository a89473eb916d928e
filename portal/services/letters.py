"""Items (letters, questions, answers, shuttle notes): writing them, and reading them.

Review and release are in portal.services.reviewing; both go through
portal.services.item_changes, so every change locks, checks and audits the same way.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, bindparam, exists, func, select
from sqlalchemy.orm import aliased

from portal.domain import inbox as inbox_rules
from portal.domain import items as item_rules
from portal.domain.actors import Actor
from portal.domain.audit import AuditAction
from portal.domain.enums import ItemKind, ItemState, Language, Side
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.items import Item
from portal.domain.permissions import ItemAction, ItemView, allowed, view_item
from portal.domain.presentation import Attribution, Label, attribution, reader_label, writer_label
from portal.domain.problems import Problem
from portal.domain.subject_access import erase_words
from portal.services import casework, media, records, submissions
from portal.services.casework import PAGE_SIZE, CaseContext, Page, page_within
from portal.services.item_changes import Change, audit_item, changing, load_item, store
from portal.services.text import as_typed
from portal.services.uow import UnitOfWork
from portal.storage import models
from portal.storage.types import utcnow

MAX_PARTS = 30


def _clean_parts(kind: ItemKind, parts: Sequence[str]) -> tuple[str, ...]:
    cleaned = tuple(as_typed(part) for part in parts)
    if kind == ItemKind.QUESTION_SET:
        cleaned = tuple(part for part in cleaned if part.strip()) or ("",)
    if len(cleaned) > MAX_PARTS:
        raise DomainError(Problem.ITEM_TOO_MANY_QUESTIONS, limit=MAX_PARTS)
    return cleaned


def _case_item_rows(uow: UnitOfWork, context: CaseContext) -> Sequence[Row[Any]]:
    """Every item of the case, oldest first, as columns without the sealed words."""
    return uow.read(_WHOLE_CASE_ITEMS, {"case_id": context.row.id}).all()


_WHOLE_CASE_ITEMS = (
    select(*records.ITEM_FACTS).where(models.Item.case_id == bindparam("case_id")).order_by(models.Item.created_at)
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
        question_set = load_item(uow, context, question_set_id).item if question_set_id else None
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
        audit_item(uow, context, AuditAction.ITEM_START, item)
        return item.id


def _save(uow: UnitOfWork, change: Change, parts: Sequence[str], language: Language | None) -> Item:
    context = change.context
    cleaned = _clean_parts(change.item.kind, parts)
    after = item_rules.save_draft(change.item, context.case, context.actor, cleaned, language)
    if after != change.item:
        store(uow, change, after, AuditAction.ITEM_SAVE, None)
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
    with changing(uow, actor, case_id, item_id, once) as change:
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
    with changing(uow, actor, case_id, item_id, once) as change:
        if change.repeated is not None:
            return
        saved = _save(uow, change, parts, language)
        sent = item_rules.submit(saved, change.context.case, change.context.actor)
        media.require_complete(uow, sent)
        store(
            uow,
            change,
            sent,
            AuditAction.ITEM_SUBMIT,
            once,
        )


def submit(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, item_id: uuid.UUID, *, once: str | None = None) -> None:
    with changing(uow, actor, case_id, item_id, once) as change:
        if change.repeated is None:
            after = item_rules.submit(change.item, change.context.case, change.context.actor)
            media.require_complete(uow, after)
            store(uow, change, after, AuditAction.ITEM_SUBMIT, once)


def take_back(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, item_id: uuid.UUID, *, once: str | None = None
) -> None:
    """The writer's right until it is passed on: no version check, whatever a facilitator decided."""
    with changing(uow, actor, case_id, item_id, once) as change:
        if change.repeated is None:
            after = item_rules.take_back(change.item, change.context.case, change.context.actor)
            store(uow, change, after, AuditAction.ITEM_TAKE_BACK, once)


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
    with changing(uow, actor, case_id, item_id, once) as change:
        if change.repeated is None:
            if seen is not None:  # a participant's "yes, it says what I meant" is about the words they read
                item_rules.require_seen(change.item, seen)
            after = item_rules.confirm_shuttle_note(
                change.item, change.context.case, change.context.actor, at or utcnow()
            )
            store(uow, change, after, AuditAction.ITEM_CONFIRM, once)


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


def reading_of(uow: UnitOfWork, context: CaseContext, item_id: uuid.UUID) -> Reading:
    item = load_item(uow, context, item_id).item
    view = view_item(item, context.case, context.actor)
    author = context.case.participant(item.author_id)
    received = context.me is not None and context.me.id != author.id
    questions: tuple[str, ...] = ()
    if item.kind == ItemKind.ANSWERS and item.answers_to:
        questions = load_item(uow, context, item.answers_to).item.release_copy
    may = frozenset(action for action in ItemAction if allowed(action, item, context.case, context.actor))
    audit_item(uow, context, AuditAction.ITEM_VIEW, item)
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
        return reading_of(uow, casework.load(uow, actor, case_id), item_id)


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
    item = load_item(uow, context, item_id, with_text=False).item
    author = context.case.participant(item.author_id)
    received = context.me is not None and context.me.id != author.id
    awaits = received and item.opened_at is None and allowed(ItemAction.OPEN, item, context.case, context.actor)
    return Summary(context, item.id, item.kind, reader_label(item), attribution(item, author), awaits)


def open_item(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, item_id: uuid.UUID, tell_writer: bool, *, once: str | None = None
) -> None:
    with changing(uow, actor, case_id, item_id, once, with_text=False) as change:
        if change.repeated is None:
            context = change.context
            after = item_rules.open_item(change.item, context.case, context.actor, utcnow(), tell_writer=tell_writer)
            if after != change.item:
                store(uow, change, after, AuditAction.ITEM_OPEN, once)


def ask_to_hold(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, item_id: uuid.UUID, *, once: str | None = None
) -> None:
    with changing(uow, actor, case_id, item_id, once, with_text=False) as change:
        if change.repeated is None:
            after = item_rules.ask_to_hold(change.item, change.context.case, change.context.actor)
            store(uow, change, after, AuditAction.ITEM_HOLD_REQUEST, once)


def ask_to_destroy(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, item_id: uuid.UUID, *, once: str | None = None
) -> None:
    """The reader asks for it to be destroyed: its words are removed from the database at once,
    for everyone (its kind, state and dates stay for the record). A backup taken before still
    holds them, sealed under the case's key, until the case itself is deleted (README, "Retention")."""
    with changing(uow, actor, case_id, item_id, once) as change:
        if change.repeated is None:
            after = erase_words(item_rules.ask_to_destroy(change.item, change.context.case, change.context.actor))
            media.erase_files(uow, after.id)  # its recording or pictures go with its words
            store(uow, change, after, AuditAction.ITEM_DESTROY_REQUEST, once)
            audit_item(uow, change.context, AuditAction.ITEM_ERASE, after)


@dataclass(frozen=True)
class Inbox:
    context: CaseContext
    received: Page[inbox_rules.InboxEntry]  # from the other side, newest first
    mine: Page[inbox_rules.InboxEntry]  # written by or for them, newest first
    writable: tuple[ItemKind, ...]  # what this participant may start now
    to_answer: tuple[uuid.UUID, ...]  # released question sets they may start answering


# The count and the page of one item list.
Listing = tuple[Select[int], Select[Any]]


def _listing(where: ColumnElement[bool]) -> Listing:
    """The count and the page of one item list, built once: newest first, as columns without the
    sealed words (no ORM rows: a page judges each item and keeps none)."""
    count = select(func.count(models.Item.id)).where(where)
    page = (
        select(*records.ITEM_FACTS)
        .where(where)
        .order_by(models.Item.created_at.desc(), models.Item.id.desc())  # an index read backwards
        .limit(PAGE_SIZE)
        .offset(bindparam("skip"))
    )
    return count, page


_OF_CASE = models.Item.case_id == bindparam("case_id")
_CASE_LIST = _listing(_OF_CASE)  # a facilitator's list of every item
_RECEIVED_LIST = _listing(  # from the other side, in the states they may read
    and_(
        _OF_CASE,
        models.Item.author_id.in_(bindparam("senders", expanding=True)),
        models.Item.state.in_(bindparam("states", expanding=True)),
    )
)
_MINE_LIST = _listing(and_(_OF_CASE, models.Item.author_id == bindparam("writer")))


def _item_rows(
    uow: UnitOfWork, listing: Listing, params: dict[str, Any], page: int
) -> tuple[Sequence[Row[Any]], int, int]:
    """One page of items, newest first, without their sealed words: (rows, page number, total)."""
    count, rows = listing
    total: int = uow.read(count, params).scalar() or 0
    page = page_within(page, total)
    return uow.read(rows, {**params, "skip": (page - 1) * PAGE_SIZE}).all(), page, total


def _inbox_page(
    uow: UnitOfWork,
    context: CaseContext,
    listing: Listing,
    params: dict[str, Any],
    page: int,
) -> Page[inbox_rules.InboxEntry]:
    """One page of an inbox list, newest first: the rows picked by index, then judged by the domain."""
    rows, page, total = _item_rows(uow, listing, {"case_id": context.row.id, **params}, page)
    items = [records.item_from_row(None, row) for row in rows]
    return Page(list(inbox_rules.inbox(context.case, items, context.actor)), page, total)


def _unanswered_question_sets(uow: UnitOfWork, context: CaseContext) -> tuple[uuid.UUID, ...]:
    """Released question sets of the case that no answers have been started for."""
    answers = aliased(models.Item)
    return tuple(
        uow.session.scalars(
            select(models.Item.id)
            .where(
                models.Item.case_id == context.row.id,
                models.Item.kind == ItemKind.QUESTION_SET.value,
                models.Item.state == ItemState.RELEASED.value,
                ~exists().where(
                    answers.case_id == context.row.id,
                    answers.kind == ItemKind.ANSWERS.value,
                    answers.answers_to_id == models.Item.id,
                ),
            )
            .order_by(models.Item.created_at, models.Item.id)
        )
    )


def inbox(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, received_page: int = 1, mine_page: int = 1) -> Inbox:
    """A participant's inbox for one case, with no words unsealed: a page of each list, fetched
    by the domain's scope, so a case with 2,000 items costs what the page shows."""
    context = casework.load(uow, actor, case_id)
    me = context.me
    if me is None:
        raise NotAllowed(Problem.INBOX_PARTICIPANTS_ONLY)
    scope = inbox_rules.inbox_scope(context.case, context.actor)
    writable = tuple(
        kind
        for kind in (ItemKind.LETTER, ItemKind.RECORDING, ItemKind.QUESTION_SET)
        if item_rules.may_start(context.case, context.actor, me, kind)
    )
    to_answer: tuple[uuid.UUID, ...] = ()
    if me.side == Side.RESPONSIBLE and item_rules.may_start(context.case, context.actor, me, ItemKind.ANSWERS):
        to_answer = _unanswered_question_sets(uow, context)
    senders = {"senders": list(scope.senders), "states": [state.value for state in scope.passed_on]}
    received = _inbox_page(uow, context, _RECEIVED_LIST, senders, received_page)
    mine = _inbox_page(uow, context, _MINE_LIST, {"writer": scope.writer}, mine_page)
    return Inbox(context, received, mine, writable, to_answer)


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


def case_items(uow: UnitOfWork, context: CaseContext, page: int = 1) -> Page[ItemSummary]:
    """A page of the case's items for its facilitators, newest first, with no words unsealed:
    a case with 2,000 items costs what its first page shows."""
    if context.me is not None:
        raise NotAllowed(Problem.LIST_FACILITATORS_ONLY)
    rows, page, total = _item_rows(uow, _CASE_LIST, {"case_id": context.row.id}, page)
    entries = []
    for row in rows:
        item = records.item_from_row(None, row)
        may = frozenset(action for action in ItemAction if allowed(action, item, context.case, context.actor))
        side = context.case.participant(item.author_id).side
        entries.append(ItemSummary(item.id, item.kind, item.state, side, item.author_id, row.updated_at, may))
    return Page(entries, page, total)
