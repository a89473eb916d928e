"""The retention page: what is due for deletion a month ahead, legal holds, and the policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from portal.domain.enums import Role, Stage
from portal.runtime import unit_of_work
from portal.storage import models
from tests.factories import exchange_case, move_to
from tests.helpers import Browser, make_account, sign_in


def signed_in(app, account) -> Browser:
    browser = Browser(app.test_client())
    sign_in(app, browser, account)
    return browser


def closed(app, days_ago: int):
    world = exchange_case(app)
    move_to(app, world, Stage.CLOSED)
    with app.app_context(), unit_of_work() as uow:
        uow.session.execute(
            update(models.Case)
            .where(models.Case.id == world.case_id)
            .values(closed_at=datetime.now(UTC) - timedelta(days=days_ago))
        )
    return world


def test_a_facilitator_sees_a_deletion_a_month_ahead_and_holds_it_with_a_reason(app):
    soon = closed(app, 7 * 365 - 10)  # due in about ten days
    later = closed(app, 365)
    facilitator = signed_in(app, soon.facilitator)
    page = facilitator.get("/retention/").get_data(as_text=True)
    assert soon.code in page and later.code not in page
    refused = facilitator.submit(f"/retention/{soon.case_id}/hold", {"reason": ""}, from_page="/retention/")
    assert refused.status_code == 400 and "Say why the case must be kept" in refused.get_data(as_text=True)
    facilitator.submit(
        f"/retention/{soon.case_id}/hold", {"reason": "A civil claim is pending."}, from_page="/retention/"
    )
    page = facilitator.get("/retention/").get_data(as_text=True)
    assert "Not while held" in page and f"Lift the hold on {soon.code}" in page
    with app.app_context():
        row = unit_of_work().session.get(models.Case, soon.case_id)
        assert row.held_at is not None and b"civil claim" not in row.hold_reason_sealed
        events = (
            unit_of_work()
            .session.scalars(select(models.AuditEvent.action).where(models.AuditEvent.case_id == soon.case_id))
            .all()
        )
    assert events[-1] == "case.hold"
    facilitator.submit(f"/retention/{soon.case_id}/lift", from_page="/retention/")
    with app.app_context():
        assert unit_of_work().session.get(models.Case, soon.case_id).held_at is None


def test_a_manager_sees_every_case_due_and_sets_the_policy_with_clear_messages(app):
    soon = closed(app, 7 * 365 - 5)
    manager = signed_in(app, make_account(app, Role.MANAGER))
    assert soon.code in manager.get("/retention/").get_data(as_text=True)
    wrong = manager.submit("/retention/policy", {"closed_years": "0", "request_days": "365"}, from_page="/retention/")
    assert wrong.status_code == 400 and "whole number of years from 1 to 25" in wrong.get_data(as_text=True)
    manager.submit("/retention/policy", {"closed_years": "10", "request_days": "180"}, from_page="/retention/")
    with app.app_context():
        row = unit_of_work().session.get(models.ServiceSettings, 1)
        assert (row.retain_closed_years, row.retain_request_days) == (10, 180)
    assert soon.code not in manager.get("/retention/").get_data(as_text=True)  # now three years off


def test_only_staff_of_the_case_see_it_and_only_managers_set_the_policy(app):
    soon = closed(app, 7 * 365 - 5)
    other = signed_in(app, make_account(app, Role.FACILITATOR))
    assert soon.code not in other.get("/retention/").get_data(as_text=True)
    assert other.submit(f"/retention/{soon.case_id}/hold", {"reason": "x"}, from_page="/retention/").status_code == 404
    assert (
        other.submit(
            "/retention/policy", {"closed_years": "3", "request_days": "90"}, from_page="/retention/"
        ).status_code
        == 403
    )
    participant = signed_in(app, soon["harmed"].account)
    assert participant.get("/retention/").status_code == 403
