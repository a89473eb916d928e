"""The unit of work: one transaction per use case, committed at the end or rolled back whole."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.domain.audit import AuditAction
from portal.domain.enums import Role
from portal.runtime import unit_of_work
from portal.services import accounts, audit, casework
from portal.storage.db import WriteOutsideUnitOfWork
from portal.storage.models import AuditEvent, User
from tests.helpers import PASSWORD


def _count(uow, model) -> int:
    return uow.session.scalar(select(func.count()).select_from(model)) or 0


def _account(uow, email="ann@example.test") -> User:
    return accounts.create_account(uow, role=Role.PARTICIPANT, name="Ann", email=email, password=PASSWORD)


def test_a_unit_commits_its_change_and_its_audit_event_together(uow):
    with uow:
        _account(uow)
    uow.session.rollback()  # nothing is left to roll back: it was committed
    assert _count(uow, User) == 1
    assert uow.session.scalars(select(AuditEvent.action)).all() == ["account.create"]


def test_an_exception_rolls_back_the_change_and_its_audit_event(uow):
    with pytest.raises(RuntimeError), uow:
        _account(uow)
        raise RuntimeError("the use case failed halfway")
    assert (_count(uow, User), _count(uow, AuditEvent)) == (0, 0)


def test_an_inner_unit_joins_the_outer_and_only_the_outer_commits(uow, app):
    with pytest.raises(RuntimeError), uow:
        with uow:
            _account(uow)
        raise RuntimeError("the outer use case fails after the inner one finished")
    assert _count(uow, User) == 0
    with uow:
        with uow:
            _account(uow)
        with app.app_context():  # another connection sees nothing until the outer block ends
            assert _count(unit_of_work(), User) == 0
    with app.app_context():
        assert _count(unit_of_work(), User) == 1


def test_nothing_is_written_outside_a_unit_of_work(uow):
    with uow:
        user = _account(uow)
    user.is_active = False
    with pytest.raises(WriteOutsideUnitOfWork):
        uow.session.flush()
    uow.session.rollback()
    with pytest.raises(WriteOutsideUnitOfWork):
        audit.record(uow, AuditAction.SIGN_IN)
    with pytest.raises(WriteOutsideUnitOfWork):
        casework.lock_case_row(uow, user.id)


def test_a_unit_decides_on_the_database_as_it_is_now_not_on_rows_read_before(uow, app):
    with uow:
        user = _account(uow)
    assert uow.session.get(User, user.id).is_active  # read earlier in this request
    with app.app_context(), unit_of_work() as other:  # someone else changes it meanwhile
        other.session.get(User, user.id).is_active = False
    with uow:
        assert uow.session.get(User, user.id).is_active is False


def test_a_read_of_columns_sees_what_the_unit_has_not_yet_flushed(uow):
    """`uow.read` skips the ORM's result machinery, not its flush: a use case reads its own writes."""
    with uow:
        user = _account(uow)
        user.language = "cy"  # pending: not flushed yet
        assert uow.read(select(User.language).where(User.id == user.id)).scalar_one() == "cy"
        assert uow.read(select(func.count()).select_from(User)).scalar_one() == 1


def test_a_read_of_columns_outside_a_unit_refuses_a_pending_change_as_execute_does(uow):
    with uow:
        user = _account(uow)
    user.language = "cy"
    with pytest.raises(WriteOutsideUnitOfWork):
        uow.read(select(User.language).where(User.id == user.id))
    uow.session.rollback()
