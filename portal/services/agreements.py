"""The outcome agreement and the satisfaction question: drafting, agreeing, tracking, answering.

Each use case is one unit of work on a locked case (`casework.changing`, so a case the actor
may not see is "not found"): it rebuilds the domain value from its rows, opening the sealed
details, asks the domain, writes the answer back sealed, audits it (never content), and
commits all of it together. Reads take a `CaseContext` the view loaded.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select

from portal.crypto import CaseVault
from portal.domain import agreement as agreement_rules
from portal.domain.actors import Actor
from portal.domain.agreement import Agreement, AgreementAction, Satisfaction, SideAgreement
from portal.domain.audit import AuditAction
from portal.domain.enums import ActionKind, ActionStatus, Side, Stage
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.permissions import can_manage_case
from portal.domain.problems import Problem
from portal.services import casework, records, submissions
from portal.services.casework import CaseContext
from portal.services.text import as_typed
from portal.services.uow import UnitOfWork
from portal.storage import models
from portal.storage.types import utcnow

# The three columns that hold one side's agreement on the agreements row.
_SIDE_COLUMNS = {
    Side.HARMED: ("harmed_agreed_at", "harmed_recorded_by_id", "harmed_by_facilitator"),
    Side.RESPONSIBLE: ("responsible_agreed_at", "responsible_recorded_by_id", "responsible_by_facilitator"),
}


@dataclass(frozen=True)
class Options:
    """What this actor may do to the agreement now, as the domain answers it (to offer only that)."""

    may_draft: bool
    agree_for: tuple[Side, ...]
    may_mark_done: frozenset[int]  # positions of actions


# --- Between rows and the domain ---------------------------------------------------------------


def _row(uow: UnitOfWork, context: CaseContext) -> models.Agreement | None:
    return uow.session.scalars(select(models.Agreement).where(models.Agreement.case_id == context.row.id)).one_or_none()


def _from_row(vault: CaseVault, row: models.Agreement) -> Agreement:
    actions = tuple(
        AgreementAction(
            kind=ActionKind(a.kind),
            owner=Side(a.owner_side),
            due_on=a.due_on,
            details=vault.open_agreement_detail(a.id, a.details_sealed),
            status=ActionStatus(a.status),
            done_on=a.done_on,
        )
        for a in row.actions
    )
    agreed = []
    for side, (at, by, by_facilitator) in _SIDE_COLUMNS.items():
        if getattr(row, at) is not None:
            agreed.append(SideAgreement(side, getattr(row, at), getattr(row, by), getattr(row, by_facilitator)))
    agreed.sort(key=lambda a: a.at)
    return Agreement(row.case_id, actions, row.follow_up_on, tuple(agreed))


def _write_agreed(row: models.Agreement, agreement: Agreement) -> None:
    """Store each side's agreement, clearing the sides that have none (as after drafting again)."""
    by_side = {a.side: a for a in agreement.agreed}
    for side, (at, by, by_facilitator) in _SIDE_COLUMNS.items():
        record = by_side.get(side)
        setattr(row, at, record.at if record else None)
        setattr(row, by, record.recorded_by if record else None)
        setattr(row, by_facilitator, record.by_facilitator if record else False)


def _require(uow: UnitOfWork, context: CaseContext) -> tuple[models.Agreement, Agreement]:
    row = _row(uow, context)
    if row is None:
        raise DomainError(Problem.AGREEMENT_NOT_YET)
    return row, _from_row(records.vault_for(uow, context.row), row)


@contextmanager
def acting(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, once: str | None) -> Iterator[CaseContext | None]:
    """The case locked for this change; None when this very form was acted on already."""
    with casework.changing(uow, actor, case_id) as context:
        yield None if submissions.previous(uow, once, actor.user_id) else context


def _allowed(rule: Callable[..., object], *args: object) -> bool:
    """Ask a (pure) domain rule whether it would refuse, without storing anything."""
    try:
        rule(*args)
    except DomainError:
        return False
    return True


# --- The agreement ----------------------------------------------------------------------------------


def current(uow: UnitOfWork, context: CaseContext) -> Agreement | None:
    """The case's agreement with its details opened, for anyone who may see the case."""
    row = _row(uow, context)
    return None if row is None else _from_row(records.vault_for(uow, context.row), row)


def options(context: CaseContext, agreement: Agreement | None) -> Options:
    may_draft = can_manage_case(context.case, context.actor) and context.case.stage == Stage.AGREEMENT
    if agreement is None:
        return Options(may_draft, (), frozenset())
    now = utcnow()
    case, actor = context.case, context.actor
    return Options(
        may_draft,
        tuple(side for side in Side if _allowed(agreement_rules.agree, agreement, case, actor, side, now)),
        frozenset(
            index
            for index in range(len(agreement.actions))
            if _allowed(agreement_rules.mark_done, agreement, case, actor, index, now.date())
        ),
    )


def draft(
    uow: UnitOfWork,
    actor: Actor,
    case_id: uuid.UUID,
    actions: Sequence[AgreementAction],
    follow_up_on: date,
    *,
    once: str | None = None,
) -> None:
    """Draft the agreement, or draft it again: the actions are replaced and both sides must agree anew."""
    with acting(uow, actor, case_id, once) as context:
        if context is None:
            return
        cleaned = [replace(action, details=as_typed(action.details)) for action in actions]
        agreement = agreement_rules.draft_agreement(context.case, context.actor, cleaned, follow_up_on)
        row = _row(uow, context)
        if row is None:
            row = models.Agreement(id=uuid.uuid4(), case_id=context.row.id, follow_up_on=agreement.follow_up_on)
            uow.session.add(row)
        row.follow_up_on = agreement.follow_up_on
        _write_agreed(row, agreement)
        vault = records.vault_for(uow, context.row)
        new_rows = []
        for position, action in enumerate(agreement.actions):
            action_id = uuid.uuid4()
            new_rows.append(
                models.AgreementAction(
                    id=action_id,
                    case_id=context.row.id,
                    kind=action.kind.value,
                    owner_side=action.owner.value,
                    details_sealed=vault.seal_agreement_detail(action_id, action.details),
                    due_on=action.due_on,
                    status=action.status.value,
                    done_on=action.done_on,
                    position=position,
                )
            )
        row.actions = new_rows  # the old actions are deleted with the relationship's orphans
        casework.record_event(uow, context, AuditAction.AGREEMENT_DRAFT, "agreement", row.id, once)


def agree(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, side: Side, *, once: str | None = None) -> None:
    """One side agrees: its principal or proxy in the portal, or the facilitator records it for them."""
    with acting(uow, actor, case_id, once) as context:
        if context is None:
            return
        row, before = _require(uow, context)
        after = agreement_rules.agree(before, context.case, context.actor, side, utcnow())
        _write_agreed(row, after)
        casework.record_event(uow, context, AuditAction.agree(side), "agreement", row.id, once)


def mark_done(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, index: int, done_on: date, *, once: str | None = None
) -> None:
    with acting(uow, actor, case_id, once) as context:
        if context is None:
            return
        row, before = _require(uow, context)
        after = agreement_rules.mark_done(before, context.case, context.actor, index, done_on)
        action_row, action = row.actions[index], after.actions[index]
        action_row.status = action.status.value
        action_row.done_on = action.done_on
        casework.record_event(uow, context, AuditAction.AGREEMENT_ACTION_DONE, "agreement_action", action_row.id, once)


# --- Satisfaction -----------------------------------------------------------------------------------


def _answered_ids(uow: UnitOfWork, context: CaseContext) -> set[uuid.UUID]:
    return set(
        uow.session.scalars(
            select(models.SatisfactionAnswer.participant_id).where(models.SatisfactionAnswer.case_id == context.row.id)
        )
    )


def answer_satisfaction(
    uow: UnitOfWork,
    actor: Actor,
    case_id: uuid.UUID,
    participant_id: uuid.UUID,
    score: int,
    comment: str = "",
    *,
    once: str | None = None,
) -> None:
    """One answer per participant, kept as given: answering again is refused."""
    with acting(uow, actor, case_id, once) as context:
        if context is None:
            return
        context.participant(participant_id)
        answer = agreement_rules.answer_satisfaction(
            context.case, context.actor, participant_id, score, as_typed(comment)
        )
        # The case lock makes this check and the insert one step: two answers at once keep one.
        if answer.participant_id in _answered_ids(uow, context):
            raise DomainError(Problem.SATISFACTION_ALREADY)
        answer_id = uuid.uuid4()
        vault = records.vault_for(uow, context.row)
        uow.session.add(
            models.SatisfactionAnswer(
                id=answer_id,
                case_id=context.row.id,
                participant_id=answer.participant_id,
                score=answer.score,
                comment_sealed=vault.seal_satisfaction_comment(answer_id, answer.comment) if answer.comment else None,
                recorded_by_id=answer.recorded_by,
                by_facilitator=answer.by_facilitator,
            )
        )
        casework.record_event(uow, context, AuditAction.SATISFACTION_ANSWER, "satisfaction_answer", answer_id, once)


def may_answer_for(uow: UnitOfWork, context: CaseContext) -> list[uuid.UUID]:
    """The participants this actor may answer for now and who have not answered yet."""
    answered = _answered_ids(uow, context)
    return [
        p.id
        for p in context.case.participants
        if p.id not in answered and _allowed(agreement_rules.answer_satisfaction, context.case, context.actor, p.id, 1)
    ]


def has_answered(uow: UnitOfWork, context: CaseContext, participant_id: uuid.UUID) -> bool:
    return participant_id in _answered_ids(uow, context)


def satisfaction_answers(uow: UnitOfWork, context: CaseContext) -> list[Satisfaction]:
    """Every answer of the case with its comment opened: for its facilitators and managers only."""
    if context.me is not None:
        raise NotAllowed(Problem.SATISFACTION_STAFF_ONLY)
    vault = records.vault_for(uow, context.row)
    rows = uow.session.scalars(
        select(models.SatisfactionAnswer)
        .where(models.SatisfactionAnswer.case_id == context.row.id)
        .order_by(models.SatisfactionAnswer.answered_at)
    )
    return [
        Satisfaction(
            participant_id=r.participant_id,
            score=r.score,
            comment=vault.open_satisfaction_comment(r.id, r.comment_sealed) if r.comment_sealed else "",
            recorded_by=r.recorded_by_id,
            by_facilitator=r.by_facilitator,
        )
        for r in rows
    ]
