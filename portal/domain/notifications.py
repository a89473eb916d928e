"""Who is told what outside the portal, and how often a message is tried.

A notification says only that there is something to look at: never a name, a case, a word of
a letter, or what the service is. These rules decide whether a person is told at all and when
a failed message is tried again; the words are the web layer's, the sending the worker's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from portal.domain.actors import Actor
from portal.domain.cases import Case, Participant
from portal.domain.enums import ItemKind, ItemState, Role, TakingPart
from portal.domain.items import Item
from portal.domain.permissions import ItemAction, allowed


class NotificationKind(StrEnum):
    """Each kind has one neutral template in each language (portal.notifications.templates)."""

    NEW_TO_READ = "new-to-read"  # something released to a participant, or a note to confirm
    RETURNED = "returned"  # the writer's item came back for changes
    INVITATION = "invitation"  # a link to join
    PASSWORD_RESET = "password-reset"  # noqa: S105 - a kind of message: a link to choose a new password
    PARTICIPANT_STOPPED = "participant-stopped"  # to a facilitator of the case, at once
    DIGEST = "digest"  # a facilitator's daily "things are waiting"
    ACCOUNT_CHANGED = "account-changed"  # staff: password, TOTP or account status changed


# Kinds that carry a sign-in or one-time link of their own rather than the portal's address.
LINK_KINDS = frozenset({NotificationKind.INVITATION, NotificationKind.PASSWORD_RESET})
# Kinds only staff are sent. A participant is never emailed about their account's security: a
# facilitator may have reset it for them because their inbox is not safe.
STAFF_ONLY = frozenset(
    {NotificationKind.PARTICIPANT_STOPPED, NotificationKind.DIGEST, NotificationKind.ACCOUNT_CHANGED}
)
RESET_LINK_LIFETIME = timedelta(hours=1)
RESETS_PER_HOUR = 3  # emailed links per account: asking again and again floods nobody's inbox
# Kinds a person may turn off. Account changes and links they asked for always go: they are
# how someone learns that another person is using their account.
OPTIONAL_KINDS = frozenset(
    {
        NotificationKind.NEW_TO_READ,
        NotificationKind.RETURNED,
        NotificationKind.PARTICIPANT_STOPPED,
        NotificationKind.DIGEST,
    }
)


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"  # a text message, where the service sends them (GOV.UK Notify)


class Status(StrEnum):
    PENDING = "pending"  # waiting for its time, or for a worker
    SENDING = "sending"  # claimed by one worker until claim_expires_at
    SENT = "sent"
    FAILED = "failed"  # every attempt failed: shown to staff
    CANCELLED = "cancelled"  # the person stopped taking part or turned notifications off first


MAX_ATTEMPTS = 6
# 1, 5, 30 minutes, 2 hours, 6 hours between tries: about 8.5 hours before a message is failed.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=6))
CLAIM_BATCH = 10  # messages one worker claims at a time
# A worker that died mid-send frees its claim after this. The claim is renewed as each message
# of a batch is prepared, so it need only outlast one send: every step of an SMTP exchange
# (connect, TLS, login, data) has a 20-second timeout, well under 10 minutes together.
CLAIM_LIFETIME = timedelta(minutes=10)


@dataclass(frozen=True)
class Preferences:
    """What a person chose on their account page."""

    by_email: bool
    daily_digest: bool


def wants(preferences: Preferences, kind: NotificationKind, *, staff: bool) -> bool:
    """Whether this person is to be told about this kind of thing."""
    if kind in STAFF_ONLY and not staff:
        return False
    if kind not in OPTIONAL_KINDS:
        return True
    if kind is NotificationKind.DIGEST:
        return preferences.by_email and preferences.daily_digest
    return preferences.by_email


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed tries, or None when it has failed for good."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + BACKOFF[min(attempts, len(BACKOFF)) - 1]


def reachable(participant: Participant) -> bool:
    """Only someone with an account, taking part in the portal and not stopped, is ever emailed:
    people offline hear through their facilitator, and someone who stopped hears nothing."""
    return (
        participant.user_id is not None and participant.taking_part == TakingPart.PORTAL and not participant.withdrawn
    )


def told_of_item_change(before: Item, after: Item, case: Case) -> list[tuple[UUID, NotificationKind]]:
    """Which accounts to tell, and of what, when an item changes: its readers when it is passed
    on to them, its writer when it comes back for changes or a facilitator has written a
    shuttle note for them to confirm."""
    told: list[tuple[UUID, NotificationKind]] = []
    author = case.participant(after.author_id)
    if after.state == ItemState.RELEASED and before.state != ItemState.RELEASED:
        for participant in case.participants:
            if (
                participant.id != author.id
                and reachable(participant)
                and participant.user_id is not None
                and allowed(ItemAction.VIEW, after, case, Actor(participant.user_id, Role.PARTICIPANT))
            ):
                told.append((participant.user_id, NotificationKind.NEW_TO_READ))
    elif reachable(author) and author.user_id is not None:
        if after.state == ItemState.RETURNED and before.state != ItemState.RETURNED:
            told.append((author.user_id, NotificationKind.RETURNED))
        elif (
            after.kind == ItemKind.SHUTTLE_NOTE
            and after.confirmation is None
            and after.parts != before.parts
            and after.entered_by is not None
            and any(part.strip() for part in after.parts)
        ):
            told.append((author.user_id, NotificationKind.NEW_TO_READ))
    return told
