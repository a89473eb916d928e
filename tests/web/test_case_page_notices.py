"""Opening a case marks the facilitator's notices about it as seen, and a case page with
nothing to mark is a read: no write lock, no UPDATE, no commit of anything."""

from __future__ import annotations

from portal.runtime import unit_of_work
from portal.services import casework
from tests.factories import actor_of, exchange_case
from tests.helpers import Browser, counting, sign_in

STOPPED = "Someone stopped taking part"


def test_opening_the_case_clears_its_notice_and_later_views_write_nothing(app):
    world = exchange_case(app)
    with app.app_context():
        harmed = actor_of(world["harmed"].account)
        casework.withdraw(unit_of_work(), harmed, world.case_id, world["harmed"].participant_id)
    browser = Browser(app.test_client())
    sign_in(app, browser, world.facilitator)
    assert STOPPED in browser.get("/cases/").get_data(as_text=True)
    with counting(app) as first_view:
        assert browser.get(f"/cases/{world.case_id}").status_code == 200
    assert any(s.startswith("UPDATE notifications") for s in first_view)
    assert STOPPED not in browser.get("/cases/").get_data(as_text=True)
    with counting(app) as later_view:
        assert browser.get(f"/cases/{world.case_id}").status_code == 200
    writes = [s for s in later_view if s.startswith(("UPDATE", "INSERT", "DELETE", "BEGIN IMMEDIATE"))]
    assert writes == [], writes
