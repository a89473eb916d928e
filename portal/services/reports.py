"""Service reports for managers: counts and timings only, never a name or a word of a letter."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute

from portal.domain.enums import ItemState, Role
from portal.domain.errors import NotAllowed
from portal.domain.problems import Problem
from portal.services.uow import UnitOfWork
from portal.storage import models


@dataclass(frozen=True)
class ServiceReport:
    cases_by_stage: dict[str, int]
    cases_by_source: dict[str, int]
    cases_by_risk: dict[str, int]
    items_by_state: dict[str, int]
    days_to_release: float | None  # median, from sending for review to passing on
    withdrawals: int
    satisfaction: dict[int, int]  # score -> how many answered it


def _grouped(uow: UnitOfWork, column: InstrumentedAttribute) -> dict[str, int]:
    return {key: count for key, count in uow.session.execute(select(column, func.count()).group_by(column)).all()}


def _median_days_to_release(uow: UnitOfWork) -> float | None:
    """In the database on PostgreSQL (percentile_cont), so the report never pulls every item in."""
    item = models.Item
    released = (
        (item.state == ItemState.RELEASED.value)
        & item.submitted_at.is_not(None)
        & (item.released_at >= item.submitted_at)
    )
    if uow.dialect == "postgresql":
        days = func.extract("epoch", item.released_at - item.submitted_at) / 86400
        value = uow.session.scalar(select(func.percentile_cont(0.5).within_group(days)).where(released))
        return round(float(value), 1) if value is not None else None
    rows = uow.session.execute(select(item.submitted_at, item.released_at).where(released)).all()
    waits = [(done - sent).total_seconds() / 86400 for sent, done in rows if sent is not None and done is not None]
    return round(median(waits), 1) if waits else None


def service_report(uow: UnitOfWork, role: Role) -> ServiceReport:
    if role != Role.MANAGER:
        raise NotAllowed(Problem.REPORTS_MANAGERS_ONLY)
    return ServiceReport(
        cases_by_stage=_grouped(uow, models.Case.stage),
        cases_by_source=_grouped(uow, models.Case.referral_source),
        cases_by_risk=_grouped(uow, models.Case.risk_level),
        items_by_state=_grouped(uow, models.Item.state),
        days_to_release=_median_days_to_release(uow),
        withdrawals=uow.session.scalar(
            select(func.count(models.Participant.id)).where(models.Participant.withdrawn_at.is_not(None))
        )
        or 0,
        satisfaction={int(k): v for k, v in _grouped(uow, models.SatisfactionAnswer.score).items()},
    )
