"""Stopping: anyone can stop taking part at any moment; rejoining goes through the facilitator.

When a participant stops (``withdraw``):

- the case halts: to withdrawn when a principal or proxy stops (the exchange can't go on
  without them), to paused when a supporter does; the stage it was in is kept for resuming;
- every item of the case that was sent but not yet delivered, in either direction, goes on
  hold and loses its approvals, so it is reviewed afresh before anything moves again;
- everything the participant wrote that was not yet passed on, drafts included, is
  withdrawn for good: nothing they wrote before stopping is ever passed on, even if they
  rejoin, and only they can still read it;
- their consent to every format is recorded as withdrawn, so after rejoining they (or, for
  someone offline, the facilitator) give it again;
- only the case's facilitators are told.

Items already delivered stay with their readers. A participant who has stopped can still
read what they wrote and what was delivered to them, but not write.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from portal.domain.actors import Actor, CaseRole, case_access
from portal.domain.cases import HALTED, Case, Participant
from portal.domain.consent import ConsentRecord, has_consent
from portal.domain.enums import ConsentFormat, ItemState, Stage
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.items import Item
from portal.domain.permissions import require_case_facilitator
from portal.domain.problems import Problem

_SENT_NOT_DELIVERED = frozenset(
    {ItemState.SUBMITTED, ItemState.AWAITING_SECOND_APPROVAL, ItemState.APPROVED, ItemState.SCHEDULED}
)
_NOT_PASSED_ON = _SENT_NOT_DELIVERED | {ItemState.DRAFT, ItemState.RETURNED, ItemState.ON_HOLD}


@dataclass(frozen=True)
class Withdrawal:
    """Everything the service stores and sends when someone stops taking part."""

    participant: Participant  # now marked withdrawn
    stage: Stage
    paused_from: Stage | None
    items: tuple[Item, ...]  # only the items that changed: now on hold, or withdrawn
    consents: tuple[ConsentRecord, ...]  # consent withdrawals to record
    tell: frozenset[UUID]  # the accounts to tell: the case's facilitators, nobody else


def withdraw(case: Case, items: Iterable[Item], participant_id: UUID, actor: Actor, now: datetime) -> Withdrawal:
    """The participant stops, by their own hand or through a facilitator they told."""
    participant = case.participant(participant_id)
    access = case_access(case, actor)
    by_self = access.participant is not None and access.participant.id == participant.id
    by_facilitator = access.role == CaseRole.ASSIGNED_FACILITATOR
    if not (by_self or by_facilitator):
        raise NotAllowed(Problem.WITHDRAW_NOT_YOURS)
    if participant.withdrawn:
        raise DomainError(Problem.WITHDRAW_ALREADY)
    if case.stage == Stage.CLOSED:
        raise DomainError(Problem.CASE_CLOSED)
    changed = []
    for item in items:
        if item.case_id != case.id:
            continue
        if item.author_id == participant.id and item.state in _NOT_PASSED_ON:
            changed.append(replace(item, state=ItemState.WITHDRAWN, release_at=None))
        elif item.state in _SENT_NOT_DELIVERED:
            changed.append(replace(item, state=ItemState.ON_HOLD, approved_by=(), release_at=None))
    consents = tuple(
        ConsentRecord(participant.id, consent_format, False, now, actor.user_id, by_facilitator)
        for consent_format in ConsentFormat
        if has_consent(case.consents, participant.id, consent_format)
    )
    principal_gone = participant.speaks_for_side or case.stage == Stage.WITHDRAWN
    return Withdrawal(
        participant=replace(participant, withdrawn=True),
        stage=Stage.WITHDRAWN if principal_gone else Stage.PAUSED,
        paused_from=case.paused_from if case.stage in HALTED else case.stage,
        items=tuple(changed),
        consents=consents,
        tell=case.facilitator_ids,
    )


def rejoin(case: Case, participant_id: UUID, actor: Actor) -> Participant:
    """Only a facilitator brings someone back; the case resumes separately (``move_case``)."""
    require_case_facilitator(case, actor)
    participant = case.participant(participant_id)
    if not participant.withdrawn:
        raise DomainError(Problem.REJOIN_STILL_TAKING_PART)
    if case.stage == Stage.CLOSED:
        raise DomainError(Problem.CASE_CLOSED)
    return replace(participant, withdrawn=False)
