"""The audit trail's pages: only managers and named supervisors reach them (and the navigation
says so), a filter that cannot be used is said at its field, and the pages work in Welsh."""

from __future__ import annotations

import csv
import io
import re

from flask import Flask

from portal.domain.enums import Role
from portal.runtime import unit_of_work
from portal.services import supervision
from portal.web.audit_view import COLUMNS
from tests.factories import actor_of, approved_letter, exchange_case
from tests.helpers import Account, Browser, make_account, sign_in

PAGES = ("/audit", "/audit.csv", "/audit?case=RX-AAAAAA&action=item.view")


def signed_in(app: Flask, account: Account, *, welsh: bool = False) -> Browser:
    browser = Browser(app.test_client())
    if welsh:
        browser.get("/language/cy?next=/sign-in")
    sign_in(app, browser, account)
    return browser


def supervisor_of(app: Flask, supervisee: Account) -> Account:
    supervisor = make_account(app, Role.FACILITATOR, name="Sue Pervisor")
    admin = actor_of(make_account(app, Role.ADMIN))
    with app.app_context():
        supervision.set_senior(unit_of_work(), admin, supervisor.id, True)
        supervision.name_supervisor(unit_of_work(), admin, supervisee.id, supervisor.id)
    return supervisor


def test_participants_admins_and_facilitators_who_supervise_nobody_are_refused(app):
    world = exchange_case(app)
    senior_alone = make_account(app, Role.FACILITATOR)
    with app.app_context():  # senior, but nobody's supervisor
        supervision.set_senior(unit_of_work(), actor_of(make_account(app, Role.ADMIN)), senior_alone.id, True)
    refused = (world["harmed"].account, make_account(app, Role.ADMIN), world.facilitator, senior_alone)
    for account in refused:
        browser = signed_in(app, account)
        for path in PAGES:
            assert browser.get(path).status_code in (403, 404), (account.role, path)
        home = browser.get("/", follow_redirects=True).get_data(as_text=True)
        assert 'href="/audit"' not in home, account.role
    anonymous = Browser(app.test_client())
    for path in PAGES:
        response = anonymous.get(path)
        assert response.status_code == 302 and response.location.endswith("/sign-in")


def test_managers_and_supervisors_reach_the_trail_from_the_navigation(app):
    world = exchange_case(app)
    for account in (make_account(app, Role.MANAGER), supervisor_of(app, world.facilitator)):
        browser = signed_in(app, account)
        home = browser.get("/", follow_redirects=True).get_data(as_text=True)
        assert '<a href="/audit">Audit trail</a>' in home, account.role
        page = browser.get("/audit")
        assert page.status_code == 200 and "<h1>Audit trail</h1>" in browser.text()
        download = browser.get("/audit.csv")
        assert download.status_code == 200 and download.get_data(as_text=True).startswith("event_id,occurred_at,")


def test_a_filter_that_cannot_be_used_is_said_at_its_field(app):
    world = exchange_case(app)
    browser = signed_in(app, make_account(app, Role.MANAGER))
    problems = {
        "/audit?case=RX-NOSUCH": "No case you can see has the code RX-NOSUCH.",
        "/audit?start=2026-05-02&end=2026-05-01": "The last day must be on or after the first day.",
        "/audit?start=2026-13-40": "Not a valid date value.",
        "/audit?action=made-up": "Not a valid choice.",
        "/audit?person=not-a-person": "Not a valid choice.",
        "/audit?outcome=maybe": "Not a valid choice.",
        "/audit?case=" + "X" * 17: "A case code has at most 16 characters.",
    }
    for path, message in problems.items():
        response = browser.get(path)
        assert response.status_code == 400, path
        html = browser.text()
        assert "There is a problem" in html and message in html, path
        assert '<h2 id="events-title">' not in html  # nothing shown for a filter not applied
        assert browser.get(path.replace("/audit?", "/audit.csv?")).status_code == 302
    assert browser.get(f"/audit?case={world.code}&before=nonsense").status_code == 200
    assert browser.get(f"/audit?case={world.code.lower()}").status_code == 200


def test_the_pages_work_in_welsh_and_the_file_stays_in_english(app):
    world = exchange_case(app)
    approved_letter(app, world)
    manager = make_account(app, Role.MANAGER)
    welsh = signed_in(app, manager, welsh=True)
    for path in (
        "/audit",
        f"/audit?case={world.code}&action=item.view",
        "/audit?outcome=failure",
        "/audit?case=RX-NOSUCH",
    ):
        response = welsh.get(path)
        assert response.status_code in (200, 400), path
        assert re.search(r'<html lang="cy"', welsh.text()), path
    welsh.get(f"/audit?case={world.code}")
    assert world.code in welsh.text()
    body = welsh.get(f"/audit.csv?case={world.code}").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert tuple(rows[0]) == COLUMNS
    assert {r["action_label"] for r in rows if r["action"] == "item.review.approve"} == {"Approved"}
    assert {r["action_label"] for r in rows if r["action"] == "case.open"} == {"Case opened"}
