"""The outcome agreement, and the satisfaction question at closing.

A facilitator drafts the agreement at the agreement stage: actions, each owned by a side
with a due date, and a follow-up date. Changing it means drafting it again, which clears
both sides' agreement. Each side agrees in the portal (a principal or proxy), or the
facilitator records it for them; only then are actions tracked to done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from uuid import UUID

from portal.domain.actors import Actor, CaseRole, case_access
from portal.domain.cases import Case
from portal.domain.enums import ActionKind, ActionStatus, Side, Stage, TakingPart
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.permissions import require_case_facilitator
from portal.domain.problems import Problem
from portal.domain.redaction import uncovered_terms


@dataclass(frozen=True)
class AgreementAction:
    kind: ActionKind
    owner: Side
    due_on: date
    details: str = ""
    status: ActionStatus = ActionStatus.TO_DO
    done_on: date | None = None


@dataclass(frozen=True)
class SideAgreement:
    side: Side
    at: datetime
    recorded_by: UUID
    by_facilitator: bool


@dataclass(frozen=True)
class Agreement:
    case_id: UUID
    actions: tuple[AgreementAction, ...]
    follow_up_on: date
    agreed: tuple[SideAgreement, ...] = ()

    @property
    def agreed_by_both(self) -> bool:
        return {a.side for a in self.agreed} == set(Side)

    @property
    def all_done(self) -> bool:
        return all(action.status == ActionStatus.DONE for action in self.actions)


@dataclass(frozen=True)
class Satisfaction:
    participant_id: UUID
    score: int  # 1 to 5
    comment: str
    recorded_by: UUID
    by_facilitator: bool


def draft_agreement(case: Case, actor: Actor, actions: Sequence[AgreementAction], follow_up_on: date) -> Agreement:
    require_case_facilitator(case, actor)
    if case.stage != Stage.AGREEMENT:
        raise DomainError(Problem.AGREEMENT_STAGE)
    if not actions:
        raise DomainError(Problem.AGREEMENT_NO_ACTIONS)
    # Both sides read the agreement, so neither side's private names or places may be in it.
    terms = case.sensitive_terms(Side.HARMED) + case.sensitive_terms(Side.RESPONSIBLE)
    left = uncovered_terms([action.details for action in actions], (), terms)
    if left:
        raise DomainError(Problem.AGREEMENT_TERMS_LEFT_IN, terms=left)
    return Agreement(case.id, tuple(actions), follow_up_on)


def agree(agreement: Agreement, case: Case, actor: Actor, side: Side, now: datetime) -> Agreement:
    """One side agrees: its principal or proxy in the portal, or the facilitator records it."""
    _check_same_case(agreement, case)
    if case.stage != Stage.AGREEMENT:
        raise DomainError(Problem.AGREEMENT_AGREE_STAGE)
    access = case_access(case, actor)
    me = access.participant
    by_facilitator = access.role == CaseRole.ASSIGNED_FACILITATOR
    speaks = me is not None and me.side == side and me.speaks_for_side and not me.withdrawn
    if not (by_facilitator or speaks):
        raise NotAllowed(Problem.AGREEMENT_NOT_YOUR_SIDE, side=side)
    if side in {a.side for a in agreement.agreed}:
        raise DomainError(Problem.AGREEMENT_ALREADY_AGREED, side=side)
    return replace(agreement, agreed=(*agreement.agreed, SideAgreement(side, now, actor.user_id, by_facilitator)))


def mark_done(agreement: Agreement, case: Case, actor: Actor, index: int, done_on: date) -> Agreement:
    """The facilitator records that one action (by its position) has been done."""
    _check_same_case(agreement, case)
    require_case_facilitator(case, actor)
    if case.stage == Stage.CLOSED:
        raise DomainError(Problem.CASE_CLOSED)
    if not agreement.agreed_by_both:
        raise DomainError(Problem.AGREEMENT_BOTH_MUST_AGREE)
    if not 0 <= index < len(agreement.actions):
        raise DomainError(Problem.AGREEMENT_NO_SUCH_ACTION)
    action = agreement.actions[index]
    if action.status == ActionStatus.DONE:
        raise DomainError(Problem.AGREEMENT_ACTION_DONE)
    actions = list(agreement.actions)
    actions[index] = replace(action, status=ActionStatus.DONE, done_on=done_on)
    return replace(agreement, actions=tuple(actions))


def answer_satisfaction(case: Case, actor: Actor, participant_id: UUID, score: int, comment: str = "") -> Satisfaction:
    """At follow-up or closing; the facilitator answers only for someone taking part offline."""
    participant = case.participant(participant_id)
    if case.stage not in (Stage.FOLLOW_UP, Stage.CLOSED):
        raise DomainError(Problem.SATISFACTION_AT_CLOSING)
    access = case_access(case, actor)
    by_self = access.participant is not None and access.participant.id == participant.id
    by_facilitator = access.role == CaseRole.ASSIGNED_FACILITATOR and participant.taking_part == TakingPart.OFFLINE
    if not (by_self or by_facilitator):
        raise NotAllowed(Problem.SATISFACTION_NOT_YOURS)
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise DomainError(Problem.SATISFACTION_SCORE)
    return Satisfaction(participant.id, score, comment.strip(), actor.user_id, by_facilitator)


def _check_same_case(agreement: Agreement, case: Case) -> None:
    if agreement.case_id != case.id:
        raise ValueError("agreement-not-in-case")  # a programming error, never shown to anyone
