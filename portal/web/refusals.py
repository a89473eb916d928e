"""A rule's refusal in words for the person who tried: what happened, and what they can do now."""

from __future__ import annotations

from flask_login import current_user

from portal.domain.enums import ItemKind, ItemState, Role
from portal.domain.errors import DomainError, Stale
from portal.domain.presentation import NOUNS

# What the other facilitator's decision (or the writer's act) left the item as.
_DECIDED = {
    ItemState.DRAFT: "the writer took it back",
    ItemState.SUBMITTED: "it was sent for review again",
    ItemState.RETURNED: "it was returned to the writer for changes",
    ItemState.AWAITING_SECOND_APPROVAL: "it was approved once and now waits for a second approval",
    ItemState.APPROVED: "it was approved",
    ItemState.SCHEDULED: "it was set to be passed on later",
    ItemState.RELEASED: "it was passed on",
    ItemState.ON_HOLD: "it was put on hold because someone stopped taking part",
    ItemState.HELD_FOR_RECIPIENT: "the reader asked for it to be kept for now",
    ItemState.DESTROYED: "the reader asked for it to be removed",
    ItemState.WITHHELD: "it was withheld and will not be passed on",
    ItemState.WITHDRAWN: "its writer stopped taking part",
}


def stale_message(problem: Stale) -> str:
    noun = NOUNS[ItemKind(problem.kind)]
    if current_user.is_authenticated and current_user.role == Role.PARTICIPANT:
        return f"This {noun} changed after you opened it. Please look at it again."
    return (
        f"Someone else decided on this {noun} while you were reading it: {_DECIDED[ItemState(problem.state)]}. "
        "Nothing you chose was recorded. Please read it again as it is now before deciding."
    )


def refusal(problem: DomainError) -> str:
    if isinstance(problem, Stale):
        return stale_message(problem)
    return str(problem)
