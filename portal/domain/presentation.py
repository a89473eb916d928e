"""Words the portal shows about people and items: names, attribution lines, status labels.

Written for participants (reading age about 9 to 11). A writer's label says an item was
passed on, and that it was read only when the reader allows it; it never says what the
reader did with it. Nor does any label say why something is on hold: only facilitators are
told that someone stopped taking part.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.domain.enums import ItemKind, ItemState, ParticipantRole, Side

if TYPE_CHECKING:
    from portal.domain.cases import Participant
    from portal.domain.items import Item

SIDE_NAMES = {Side.HARMED: "the person harmed", Side.RESPONSIBLE: "the person responsible"}

NOUNS = {
    ItemKind.LETTER: "letter",
    ItemKind.QUESTION_SET: "set of questions",
    ItemKind.ANSWERS: "set of answers",
    ItemKind.SHUTTLE_NOTE: "note",
}

_HANDWRITTEN = {
    ItemKind.LETTER: "a handwritten letter",
    ItemKind.QUESTION_SET: "handwritten questions",
    ItemKind.ANSWERS: "handwritten answers",
}

_NOTICES = {
    ItemKind.LETTER: "You have a letter. Open it when you're ready.",
    ItemKind.QUESTION_SET: "You have some questions. Open them when you're ready.",
    ItemKind.ANSWERS: "You have answers to your questions. Open them when you're ready.",
    ItemKind.SHUTTLE_NOTE: "You have a message. Open it when you're ready.",
}

_DELIVERED = frozenset({ItemState.RELEASED, ItemState.HELD_FOR_RECIPIENT, ItemState.DESTROYED})

_WRITER_LABELS = {
    ItemState.DRAFT: "Draft",
    ItemState.SUBMITTED: "Waiting for your facilitator",
    ItemState.AWAITING_SECOND_APPROVAL: "Waiting for your facilitator",
    ItemState.RETURNED: "Returned to you for changes",
    ItemState.APPROVED: "Ready to be passed on",
    ItemState.SCHEDULED: "Ready to be passed on",
    ItemState.ON_HOLD: "On hold for now",
    ItemState.WITHHELD: "Not passed on",
    ItemState.WITHDRAWN: "Not sent",
}


def attribution(item: Item, author: Participant) -> tuple[str, ...]:
    """Lines telling the reader who wrote an item and how; none for a principal's own writing."""
    lines = []
    if item.kind == ItemKind.SHUTTLE_NOTE:
        lines.append(f"Written by your facilitator from a conversation with {_speaker(author)}")
    elif author.role != ParticipantRole.PRINCIPAL:
        lines.append(f"Written by {_speaker(author)}")
    if item.entered_by is not None and item.kind != ItemKind.SHUTTLE_NOTE:
        lines.append(f"Transcribed by your facilitator from {_HANDWRITTEN[item.kind]}")
    return tuple(lines)


def writer_label(item: Item) -> str:
    """The status of an item for the participant whose words it holds."""
    if item.kind == ItemKind.SHUTTLE_NOTE and item.state in (ItemState.DRAFT, ItemState.RETURNED):
        return "Checked" if item.confirmation else "Please check what your facilitator wrote"
    if item.state in _DELIVERED:
        return "Passed on and read" if item.opened_at and item.read_receipt else "Passed on"
    return _WRITER_LABELS[item.state]


def reader_label(item: Item) -> str:
    """The status of an item passed on to the reader's side."""
    if item.state == ItemState.HELD_FOR_RECIPIENT:
        return "Your facilitator is keeping this for you until you ask for it"
    return "Opened" if item.opened_at else _NOTICES[item.kind]


def _speaker(author: Participant) -> str:
    side = SIDE_NAMES[author.side]
    if author.role == ParticipantRole.PROXY:
        return f"{author.relationship.strip()} on behalf of {side}"
    if author.role == ParticipantRole.SUPPORTER:
        return f"{author.relationship.strip() or 'someone'} supporting {side}"
    return author.shown_name
