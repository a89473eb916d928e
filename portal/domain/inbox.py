"""A participant's inbox: what was passed on to their side, and their own items.

Never an item of another case, never an item from the other side before it is passed on,
and never item texts at all: entries carry labels, and the text is fetched through
``permissions.view_item``, which gives the other side only the release copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from portal.domain.actors import Actor, case_access
from portal.domain.cases import Case
from portal.domain.enums import ItemKind, ItemState
from portal.domain.errors import NotAllowed
from portal.domain.items import Item
from portal.domain.permissions import ItemAction, ItemRelation, allowed, author_relation, item_relation
from portal.domain.presentation import Attribution, attribution, reader_label, writer_label
from portal.domain.problems import Problem

_READERS = (ItemRelation.RECIPIENT, ItemRelation.RECIPIENT_SUPPORTER)
_PASSED_ON = frozenset({ItemState.RELEASED, ItemState.HELD_FOR_RECIPIENT})


@dataclass(frozen=True)
class InboxEntry:
    item_id: UUID
    kind: ItemKind
    received: bool  # from the other side, rather than written by or for this participant
    label: str
    attribution: tuple[Attribution, ...]  # who wrote a received item, and how (the web layer words it)
    can_view: bool  # False for an item the facilitator is keeping for them


def inbox(case: Case, items: Iterable[Item], actor: Actor) -> tuple[InboxEntry, ...]:
    """One participant's inbox, in the order the items are given."""
    if case_access(case, actor).participant is None:
        raise NotAllowed(Problem.INBOX_PARTICIPANTS_ONLY)
    entries = []
    for item in items:
        if item.case_id != case.id:
            continue
        relation = item_relation(item, case, actor)
        if relation == ItemRelation.AUTHOR:
            entries.append(InboxEntry(item.id, item.kind, False, writer_label(item), (), True))
        elif relation in _READERS and item.state in _PASSED_ON:
            entries.append(
                InboxEntry(
                    item.id,
                    item.kind,
                    True,
                    reader_label(item),
                    attribution(item, case.participant(item.author_id)),
                    allowed(ItemAction.VIEW, item, case, actor),
                )
            )
    return tuple(entries)


@dataclass(frozen=True)
class InboxScope:
    """Which of a case's items can be in one participant's inbox, so that storage fetches a page
    of those and no more; ``inbox`` still decides each item it is given."""

    writer: UUID  # their own items, whatever their state
    senders: frozenset[UUID]  # the other side's participants, whose items they may receive
    passed_on: frozenset[ItemState]  # the states in which a sender's item has reached them


def inbox_scope(case: Case, actor: Actor) -> InboxScope:
    me = case_access(case, actor).participant
    if me is None:
        raise NotAllowed(Problem.INBOX_PARTICIPANTS_ONLY)
    senders = frozenset(p.id for p in case.participants if author_relation(case, actor, p) in _READERS)
    return InboxScope(me.id, senders, _PASSED_ON)
