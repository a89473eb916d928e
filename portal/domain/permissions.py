"""The single place that says who may do what: to a case, and to an item in each state.

An item answer has two halves that must both agree: ``STATES_FOR`` says in which states an
action is possible at all, and ``WHO_MAY`` says which relations to the item may take it.
The full matrix is spelled out row by row in ``tests/unit/test_domain_permissions.py``.

In brief:

- The writer edits and submits: the author in the portal; an assigned facilitator for
  shuttle notes and for authors taking part offline. A recorded message is written like a
  letter: its author makes it in the portal, or a facilitator makes it with an author taking
  part offline. A supporter writes only when allowed (``may_write``). Nobody writes for
  someone who has stopped taking part.
- The writer, or the author in person, can take an item back until it is passed on.
- A shuttle note is confirmed by its author in the portal, or by an assigned facilitator
  recording that it was read back to them and agreed.
- Only assigned facilitators review, lift holds and pass items on.
- The recipient (a principal or proxy of the other side) opens a delivered item, or asks
  for it to be held or destroyed. Their supporters read it too.
- Seeing: the author always; the other side only once it is passed on, and then only the
  release copy; assigned facilitators, and the named supervisor of one of them (reading for
  case supervision, every read audited), everything except a participant's own unsent draft
  and what a withdrawn author left unsent; nobody else. Managers see workload and reports,
  never words. Writing is private to its author, so people on the author's own side don't
  see it either.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from portal.domain.actors import Actor, CaseAccess, CaseRole, case_access
from portal.domain.enums import ItemKind, ItemState, ParticipantRole, Role, TakingPart
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.problems import Problem
from portal.domain.redaction import Redaction

if TYPE_CHECKING:
    from portal.domain.cases import Case, Participant
    from portal.domain.items import Item


class ItemRelation(StrEnum):
    """What the actor is to one item."""

    AUTHOR = "author"
    AUTHOR_SIDE_SUPPORTER = "author_side_supporter"
    AUTHOR_SIDE_OTHER = "author_side_other"
    RECIPIENT = "recipient"  # a principal or proxy of the other side
    RECIPIENT_SUPPORTER = "recipient_supporter"
    ASSIGNED_FACILITATOR = "assigned_facilitator"
    UNASSIGNED_FACILITATOR = "unassigned_facilitator"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    ADMIN = "admin"
    OUTSIDER = "outsider"  # includes participants of other cases


class ItemAction(StrEnum):
    VIEW = "view"
    EDIT = "edit"
    SUBMIT = "submit"
    TAKE_BACK = "take_back"
    CONFIRM = "confirm"  # a shuttle note says what its author meant
    REVIEW = "review"
    LIFT_HOLD = "lift_hold"
    RELEASE = "release"  # pass on now or at a set time, or give back a held item
    OPEN = "open"  # open, or ask the facilitator to hold or destroy it


_UNSENT = frozenset({ItemState.DRAFT, ItemState.RETURNED})

STATES_FOR: Mapping[ItemAction, frozenset[ItemState]] = {
    ItemAction.VIEW: frozenset(ItemState),
    ItemAction.EDIT: _UNSENT,
    ItemAction.SUBMIT: _UNSENT,
    ItemAction.CONFIRM: _UNSENT,
    ItemAction.TAKE_BACK: frozenset(
        {
            ItemState.SUBMITTED,
            ItemState.AWAITING_SECOND_APPROVAL,
            ItemState.APPROVED,
            ItemState.SCHEDULED,
            ItemState.ON_HOLD,
        }
    ),
    ItemAction.REVIEW: frozenset(
        {ItemState.SUBMITTED, ItemState.AWAITING_SECOND_APPROVAL, ItemState.APPROVED, ItemState.SCHEDULED}
    ),
    ItemAction.LIFT_HOLD: frozenset({ItemState.ON_HOLD}),
    ItemAction.RELEASE: frozenset({ItemState.APPROVED, ItemState.SCHEDULED, ItemState.HELD_FOR_RECIPIENT}),
    ItemAction.OPEN: frozenset({ItemState.RELEASED}),
}

_STAFF = {
    CaseRole.ASSIGNED_FACILITATOR: ItemRelation.ASSIGNED_FACILITATOR,
    CaseRole.UNASSIGNED_FACILITATOR: ItemRelation.UNASSIGNED_FACILITATOR,
    CaseRole.SUPERVISOR: ItemRelation.SUPERVISOR,
    CaseRole.MANAGER: ItemRelation.MANAGER,
    CaseRole.ADMIN: ItemRelation.ADMIN,
    CaseRole.OUTSIDER: ItemRelation.OUTSIDER,
}


def _writer(author: Participant, kind: ItemKind) -> ItemRelation:
    """Who puts the words on the page (or makes the recording): the author, unless a facilitator
    does it for them. Letters and recordings alike: the author in the portal, a facilitator for
    someone offline; a shuttle note is always the facilitator's."""
    if kind == ItemKind.SHUTTLE_NOTE or author.taking_part == TakingPart.OFFLINE:
        return ItemRelation.ASSIGNED_FACILITATOR
    return ItemRelation.AUTHOR


def _writes(relation: ItemRelation, author: Participant, kind: ItemKind) -> bool:
    return author.can_write and not author.withdrawn and relation == _writer(author, kind)


def _may_view(relation: ItemRelation, item: Item, author: Participant) -> bool:
    if relation == ItemRelation.AUTHOR:
        return True
    if relation in (ItemRelation.RECIPIENT, ItemRelation.RECIPIENT_SUPPORTER):
        return item.state == ItemState.RELEASED
    if relation in (ItemRelation.ASSIGNED_FACILITATOR, ItemRelation.SUPERVISOR):
        private_draft = item.state in _UNSENT and _writer(author, item.kind) == ItemRelation.AUTHOR
        return item.state != ItemState.WITHDRAWN and not private_draft
    return False


def _facilitator(relation: ItemRelation, item: Item, author: Participant) -> bool:
    return relation == ItemRelation.ASSIGNED_FACILITATOR


WHO_MAY: Mapping[ItemAction, Callable[[ItemRelation, Item, Participant], bool]] = {
    ItemAction.VIEW: _may_view,
    ItemAction.EDIT: lambda relation, item, author: _writes(relation, author, item.kind),
    ItemAction.SUBMIT: lambda relation, item, author: _writes(relation, author, item.kind),
    ItemAction.TAKE_BACK: lambda relation, item, author: (
        _writes(relation, author, item.kind) or (relation == ItemRelation.AUTHOR and not author.withdrawn)
    ),
    ItemAction.CONFIRM: lambda relation, item, author: (
        item.kind == ItemKind.SHUTTLE_NOTE
        and not author.withdrawn
        and relation in (ItemRelation.AUTHOR, ItemRelation.ASSIGNED_FACILITATOR)
    ),
    ItemAction.REVIEW: _facilitator,
    ItemAction.LIFT_HOLD: _facilitator,
    ItemAction.RELEASE: _facilitator,
    ItemAction.OPEN: lambda relation, item, author: relation == ItemRelation.RECIPIENT,
}


@dataclass(frozen=True)
class ItemView:
    """The texts one viewer may see. ``original`` is None when they must not see it."""

    original: tuple[str, ...] | None
    release_copy: tuple[str, ...]
    redactions: tuple[Redaction, ...]  # with reasons; empty for the other side
    message: str  # the facilitator's message to the writer; empty for the other side


def item_relation(item: Item, case: Case, actor: Actor) -> ItemRelation:
    if item.case_id != case.id:
        raise ValueError("item-not-in-case")  # a programming error: the service loaded the wrong item
    return author_relation(case, actor, case.participant(item.author_id))


def author_relation(case: Case, actor: Actor, author: Participant) -> ItemRelation:
    """What the actor is to every item this participant writes."""
    return _relation(case_access(case, actor), author)


def allowed(action: ItemAction, item: Item, case: Case, actor: Actor) -> bool:
    author = case.participant(item.author_id)
    return item.state in STATES_FOR[action] and WHO_MAY[action](item_relation(item, case, actor), item, author)


def require(action: ItemAction, item: Item, case: Case, actor: Actor) -> ItemRelation:
    """Raise unless the actor may take this action now; the message says which half failed."""
    relation = item_relation(item, case, actor)
    if not WHO_MAY[action](relation, item, case.participant(item.author_id)):
        raise NotAllowed(Problem.ITEM_NOT_YOURS, action=action, kind=item.kind)
    if item.state not in STATES_FOR[action]:
        raise DomainError(Problem.ITEM_NOT_NOW, action=action, kind=item.kind, state=item.state)
    return relation


def view_item(item: Item, case: Case, actor: Actor) -> ItemView:
    """What this viewer sees: the other side never gets the original, the reasons or the messages."""
    relation = require(ItemAction.VIEW, item, case, actor)
    if relation in (ItemRelation.RECIPIENT, ItemRelation.RECIPIENT_SUPPORTER):
        return ItemView(original=None, release_copy=item.release_copy, redactions=(), message="")
    return ItemView(item.parts, item.release_copy, item.redactions, item.message)


def may_write_for(case: Case, actor: Actor, author: Participant, kind: ItemKind) -> bool:
    """Whether the actor may start a new item of this kind in the author's name."""
    return _writes(author_relation(case, actor, author), author, kind)


def can_see_case(case: Case, actor: Actor) -> bool:
    """Its assigned facilitators, a supervisor of one of them (read only) and its participants;
    never managers (they see workload, not words) or admins."""
    return case_access(case, actor).role in (CaseRole.ASSIGNED_FACILITATOR, CaseRole.SUPERVISOR, CaseRole.PARTICIPANT)


def can_manage_case(case: Case, actor: Actor) -> bool:
    """Moving the case, its people, consent for offline participants, risk: assigned facilitators."""
    return case_access(case, actor).role == CaseRole.ASSIGNED_FACILITATOR


def can_read_record(case: Case, actor: Actor) -> bool:
    """The casework record (assessments, notes, contacts, meetings): its assigned facilitators
    and a supervisor of one of them. Participants never see it; managers see workload, not words."""
    return case_access(case, actor).role in (CaseRole.ASSIGNED_FACILITATOR, CaseRole.SUPERVISOR)


def supervises_case(case: Case, actor: Actor) -> bool:
    """Reading this case for supervision: the reads are audited, and the supervisor records it."""
    return case_access(case, actor).role == CaseRole.SUPERVISOR


def require_record_reader(case: Case, actor: Actor) -> None:
    if not can_read_record(case, actor):
        raise NotAllowed(Problem.CASE_NOT_FACILITATOR)


def require_case_facilitator(case: Case, actor: Actor) -> None:
    if not can_manage_case(case, actor):
        raise NotAllowed(Problem.CASE_NOT_FACILITATOR)


def can_manage_staff(actor: Actor) -> bool:
    """Admins manage staff accounts, and see no case content."""
    return actor.role == Role.ADMIN


def _relation(access: CaseAccess, author: Participant) -> ItemRelation:
    me = access.participant
    if me is None:
        return _STAFF[access.role]
    if me.id == author.id:
        return ItemRelation.AUTHOR
    supporter = me.role == ParticipantRole.SUPPORTER
    if me.side == author.side:
        return ItemRelation.AUTHOR_SIDE_SUPPORTER if supporter else ItemRelation.AUTHOR_SIDE_OTHER
    return ItemRelation.RECIPIENT_SUPPORTER if supporter else ItemRelation.RECIPIENT
