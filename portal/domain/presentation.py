"""What the portal says about people and items, as codes: status labels and attribution lines.

The rules of what may be said live here; the words (in each language) live in the web layer.
A writer's label says an item was passed on, and that it was read only when the reader allows
it; it never says what the reader did with it. Nor does any label say why something is on hold:
only facilitators are told that someone stopped taking part.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from portal.domain.enums import ItemKind, ItemState, ParticipantRole, Side

if TYPE_CHECKING:
    from portal.domain.cases import Participant
    from portal.domain.items import Item


class Label(StrEnum):
    """An item's status for the person looking at it."""

    # For the writer
    DRAFT = "draft"
    WAITING = "waiting"
    RETURNED = "returned"
    READY = "ready"
    ON_HOLD = "on-hold"
    NOT_PASSED_ON = "not-passed-on"
    NOT_SENT = "not-sent"
    NOTE_TO_CHECK = "note-to-check"
    NOTE_CHECKED = "note-checked"
    PASSED_ON = "passed-on"
    PASSED_ON_AND_READ = "passed-on-and-read"
    # For the reader
    NEW = "new"  # "You have a letter. Open it when you're ready." (by kind)
    OPENED = "opened"
    KEPT_FOR_YOU = "kept-for-you"


class Line(StrEnum):
    """One attribution line: who wrote an item, and how."""

    SHUTTLE_FROM = "shuttle-from"  # written by the facilitator from a conversation with the speaker
    WRITTEN_BY = "written-by"  # written by a proxy or a supporter
    TRANSCRIBED = "transcribed"  # typed up by the facilitator from handwriting; a recording made with them


@dataclass(frozen=True)
class Speaker:
    """Who an item speaks for, as the other side may know them."""

    side: Side
    role: ParticipantRole
    relationship: str  # "her son", for proxies and supporters
    display_name: str  # set by the facilitator; otherwise they are "the person harmed"


@dataclass(frozen=True)
class Attribution:
    line: Line
    speaker: Speaker
    kind: ItemKind


_DELIVERED = frozenset({ItemState.RELEASED, ItemState.HELD_FOR_RECIPIENT, ItemState.DESTROYED})

_WRITER_LABELS = {
    ItemState.DRAFT: Label.DRAFT,
    ItemState.SUBMITTED: Label.WAITING,
    ItemState.AWAITING_SECOND_APPROVAL: Label.WAITING,
    ItemState.RETURNED: Label.RETURNED,
    ItemState.APPROVED: Label.READY,
    ItemState.SCHEDULED: Label.READY,
    ItemState.ON_HOLD: Label.ON_HOLD,
    ItemState.WITHHELD: Label.NOT_PASSED_ON,
    ItemState.WITHDRAWN: Label.NOT_SENT,
}


def speaker(author: Participant) -> Speaker:
    return Speaker(author.side, author.role, author.relationship.strip(), author.display_name.strip())


def attribution(item: Item, author: Participant) -> tuple[Attribution, ...]:
    """Lines telling the reader who wrote an item and how; none for a principal's own writing."""
    lines = []
    if item.kind == ItemKind.SHUTTLE_NOTE:
        lines.append(Attribution(Line.SHUTTLE_FROM, speaker(author), item.kind))
    elif author.role != ParticipantRole.PRINCIPAL:
        lines.append(Attribution(Line.WRITTEN_BY, speaker(author), item.kind))
    if item.entered_by is not None and item.kind != ItemKind.SHUTTLE_NOTE:
        lines.append(Attribution(Line.TRANSCRIBED, speaker(author), item.kind))
    return tuple(lines)


def writer_label(item: Item) -> Label:
    """The status of an item for the participant whose words it holds."""
    if item.kind == ItemKind.SHUTTLE_NOTE and item.state in (ItemState.DRAFT, ItemState.RETURNED):
        return Label.NOTE_CHECKED if item.confirmation else Label.NOTE_TO_CHECK
    if item.state in _DELIVERED:
        return Label.PASSED_ON_AND_READ if item.opened_at and item.read_receipt else Label.PASSED_ON
    return _WRITER_LABELS[item.state]


def reader_label(item: Item) -> Label:
    """The status of an item passed on to the reader's side."""
    if item.state == ItemState.HELD_FOR_RECIPIENT:
        return Label.KEPT_FOR_YOU
    return Label.OPENED if item.opened_at else Label.NEW
