"""Signing in and out: no enumeration, progressive delays, sessions that really end."""

import time

import pytest
from sqlalchemy import select

from portal.runtime import unit_of_work
from portal.services.accounts import Role
from portal.storage.models import AuditEvent, SignInDelay, User
from tests.helpers import PASSWORD, Browser, make_account, sign_in


def _attempt(browser, email, password="wrong password entirely"):
    return browser.submit("/sign-in", {"email": email, "password": password})


def _actions(app):
    with app.app_context():
        return (
            unit_of_work()
            .session.scalars(select(AuditEvent.action + ":" + AuditEvent.outcome).order_by(AuditEvent.id))
            .all()
        )


def test_a_participant_signs_in_and_out(app, browser):
    account = make_account(app, Role.PARTICIPANT)
    sign_in(app, browser, account)
    assert browser.get("/account/").status_code == 200
    browser.submit("/sign-out", from_page="/account/")
    assert browser.page.location.endswith("/sign-in")
    assert browser.get("/account/").status_code == 302
    assert {"sign-in:success", "sign-out:success"} <= set(_actions(app))


def test_unknown_and_known_emails_get_the_same_answer(app, browser, another_browser):
    account = make_account(app, Role.PARTICIPANT)
    known = _attempt(browser, account.email)
    unknown = _attempt(another_browser, "nobody@example.test")
    assert known.status_code == unknown.status_code == 401
    assert "email address or password is not right" in known.get_data(as_text=True)
    strip = lambda page: page.get_data(as_text=True).split('name="csrf_token"')[0]  # noqa: E731
    assert strip(known) == strip(unknown)


def test_unknown_emails_take_about_as_long_as_known_ones(app, browser):
    account = make_account(app, Role.PARTICIPANT)
    _attempt(browser, account.email)  # warm up

    def timed(email):
        started = time.perf_counter()
        _attempt(Browser(app.test_client()), email)
        return time.perf_counter() - started

    known = min(timed(account.email) for _ in range(2))
    unknown = min(timed(f"nobody{n}@example.test") for n in range(2))
    assert unknown > known * 0.5 and known > unknown * 0.5


def test_failures_slow_an_email_down_without_locking_it(app, browser):
    account = make_account(app, Role.PARTICIPANT)
    for _ in range(3):
        _attempt(browser, account.email)
    delayed = _attempt(browser, account.email, PASSWORD)
    assert delayed.status_code == 429
    assert "Please wait" in delayed.get_data(as_text=True)
    with app.app_context(), unit_of_work() as uow:
        row = uow.session.scalars(select(SignInDelay)).one()
        assert 0 < (row.delay_until - row.last_failure_at).total_seconds() <= 300
        row.delay_until = row.last_failure_at  # the wait has passed
    sign_in(app, browser, account)


def test_the_delay_is_the_same_for_an_email_with_no_account(app, browser):
    for _ in range(3):
        _attempt(browser, "nobody@example.test")
    assert _attempt(browser, "nobody@example.test").status_code == 429


def test_an_admin_can_clear_a_staff_members_delay(app, browser, another_browser):
    admin = make_account(app, Role.ADMIN)
    facilitator = make_account(app, Role.FACILITATOR)
    for _ in range(3):
        _attempt(another_browser, facilitator.email)
    assert _attempt(another_browser, facilitator.email, PASSWORD).status_code == 429
    sign_in(app, browser, admin)
    browser.submit(f"/admin/staff/{facilitator.id}/clear-delay", from_page="/admin/staff")
    assert "sign-in delay is cleared" in browser.get("/admin/staff").get_data(as_text=True)
    sign_in(app, another_browser, facilitator)


def _from(address: str, app) -> Browser:
    """A browser at one network address (a prison, an office, a shared phone line)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return Browser(client)


def test_one_person_using_up_their_tries_never_locks_out_others_at_the_same_address(app):
    office = "192.0.2.10"
    pat, sam = make_account(app, Role.PARTICIPANT), make_account(app, Role.PARTICIPANT)
    someone = _from(office, app)
    for _ in range(12):  # far past their own budget of 10 a minute
        _attempt(someone, pat.email)
    assert _attempt(someone, pat.email, PASSWORD).status_code == 429
    colleague = _from(office, app)
    sign_in(app, colleague, sam)  # same address, another account: still has every try


def test_spraying_many_accounts_from_one_address_meets_the_address_ceiling(app):
    sprayer = _from("192.0.2.20", app)
    for number in range(60):
        assert _attempt(sprayer, f"person{number}@example.test").status_code == 401
    assert _attempt(sprayer, "person60@example.test").status_code == 429
    assert _attempt(_from("192.0.2.44", app), "person61@example.test").status_code == 401


def test_sign_out_kills_a_copied_cookie(app, browser):
    account = make_account(app, Role.PARTICIPANT)
    sign_in(app, browser, account)
    thief = app.test_client()
    cookie = browser.client.get_cookie("rx_session", domain="portal.test")
    thief.set_cookie("rx_session", cookie.value, domain="portal.test")
    assert thief.get("/account/").status_code == 200
    browser.submit("/sign-out", from_page="/account/")
    assert thief.get("/account/").status_code == 302


def test_sign_out_everywhere_keeps_this_device_only(app, browser, another_browser):
    account = make_account(app, Role.PARTICIPANT)
    sign_in(app, browser, account)
    sign_in(app, another_browser, account)
    browser.submit("/account/sign-out-everywhere", from_page="/account/")
    assert browser.get("/account/").status_code == 200
    assert another_browser.get("/account/").status_code == 302


def test_changing_the_password_ends_other_sessions(app, browser, another_browser):
    account = make_account(app, Role.PARTICIPANT)
    sign_in(app, browser, account)
    sign_in(app, another_browser, account)
    new = "a brand new passphrase for me"
    browser.submit("/account/password", {"current": PASSWORD, "password": new, "confirm": new})
    assert browser.page.status_code == 302
    assert browser.get("/account/").status_code == 200
    assert another_browser.get("/account/").status_code == 302
    account.password = new
    sign_in(app, Browser(app.test_client()), account)


def test_a_wrong_current_password_changes_nothing(app, browser):
    account = make_account(app, Role.PARTICIPANT)
    sign_in(app, browser, account)
    page = browser.submit(
        "/account/password",
        {"current": "not my password", "password": "another passphrase here", "confirm": "another passphrase here"},
    )
    assert page.status_code == 400
    assert "current password is not right" in page.get_data(as_text=True)
    sign_in(app, Browser(app.test_client()), account)


@pytest.mark.parametrize(("setting", "elapsed_minutes"), [("idle", 21), ("absolute", 8 * 60 + 1)])
def test_sessions_time_out(app, browser, setting, elapsed_minutes):
    account = make_account(app, Role.PARTICIPANT)
    sign_in(app, browser, account)
    with browser.client.session_transaction() as session:
        if setting == "idle":
            session["last_seen"] -= elapsed_minutes * 60
        else:
            session["signed_in_at"] -= elapsed_minutes * 60
    response = browser.get("/account/")
    assert response.status_code == 302 and response.location.endswith("/sign-in")
    assert browser.get("/account/").status_code == 302


def test_activity_keeps_a_session_alive(app, browser):
    sign_in(app, browser, make_account(app, Role.PARTICIPANT))
    with browser.client.session_transaction() as session:
        session["last_seen"] -= 19 * 60
    assert browser.get("/account/").status_code == 200


def test_the_idle_clock_moves_once_a_minute_not_on_every_page(app, browser):
    """A page seen within a minute of the last one sends no new session cookie; one after it does."""
    sign_in(app, browser, make_account(app, Role.PARTICIPANT))
    browser.get("/account/")
    assert "Set-Cookie" not in browser.get("/account/").headers
    with browser.client.session_transaction() as session:
        session["last_seen"] -= 61
        moved_from = session["last_seen"]
    response = browser.get("/account/")
    assert "Set-Cookie" in response.headers
    with browser.client.session_transaction() as session:
        assert session["last_seen"] >= moved_from + 61


def test_signing_in_starts_a_new_session(app, browser):
    account = make_account(app, Role.PARTICIPANT)
    browser.get("/sign-in")
    with browser.client.session_transaction() as session:
        session["planted"] = "by someone else"
    sign_in(app, browser, account)
    with browser.client.session_transaction() as session:
        assert "planted" not in session


def test_a_switched_off_account_cannot_sign_in_and_is_signed_out(app, browser, another_browser):
    admin = make_account(app, Role.ADMIN)
    facilitator = make_account(app, Role.FACILITATOR)
    sign_in(app, another_browser, facilitator)
    sign_in(app, browser, admin)
    browser.submit(f"/admin/staff/{facilitator.id}/deactivate", from_page="/admin/staff")
    assert another_browser.get("/account/").status_code == 302
    assert _attempt(Browser(app.test_client()), facilitator.email, PASSWORD).status_code == 401
    with app.app_context():
        assert unit_of_work().session.get(User, facilitator.id).is_active is False


def test_a_facilitator_can_clear_a_participants_delay_in_their_case(app, browser, another_browser):
    from tests.factories import exchange_case

    world = exchange_case(app)
    participant = world["harmed"].account
    for _ in range(3):
        _attempt(another_browser, participant.email)
    assert _attempt(another_browser, participant.email, PASSWORD).status_code == 429
    sign_in(app, browser, world.facilitator)
    url = f"/cases/{world.case_id}/participants/{world['harmed'].participant_id}/clear-delay"
    browser.submit(url, from_page=f"/cases/{world.case_id}")
    sign_in(app, another_browser, participant)


def test_typing_keeps_the_session_alive_through_keep_alive(app, browser):
    """The writing page carries the script and its address; the address resets the idle clock."""
    from tests.factories import exchange_case
    from tests.web.exchange_steps import start

    world = exchange_case(app)
    sign_in(app, browser, world["harmed"].account)
    letter = start(browser, world.case_id, "letter")
    page = browser.get(f"/cases/{world.case_id}/items/{letter}/edit").get_data(as_text=True)
    assert 'src="/static/js/keep-alive.js"' in page and 'data-keep-alive="/account/keep-alive"' in page
    with browser.client.session_transaction() as session:
        session["last_seen"] -= 19 * 60
    assert browser.get("/account/keep-alive").status_code == 204
    with browser.client.session_transaction() as session:
        session["last_seen"] -= 19 * 60  # 38 minutes since sign-in, but never 20 idle
    assert browser.get("/account/").status_code == 200


def test_signing_out_other_devices_does_not_extend_the_absolute_limit(app, browser):
    sign_in(app, browser, make_account(app, Role.PARTICIPANT))
    with browser.client.session_transaction() as session:
        session["signed_in_at"] -= 7 * 3600 + 50 * 60
    browser.submit("/account/sign-out-everywhere", from_page="/account/")
    with browser.client.session_transaction() as session:
        session["signed_in_at"] -= 11 * 60  # 8 hours and 1 minute since signing in
        session["last_seen"] = session["last_seen"]
    assert browser.get("/account/").status_code == 302


def test_a_request_that_began_signed_in_keeps_its_account_row_even_if_switched_off_meanwhile(app):
    """Leaving and signing out must always end the session: the row a request began with is
    still found (and its token rotated) if an admin switched the account off halfway, and no
    switched-off account can start a session."""
    from portal.services.accounts import SessionAccount
    from portal.web.identity import SignedInUser

    account = make_account(app, Role.PARTICIPANT)
    with app.test_request_context("/"):
        uow = unit_of_work()
        row = uow.session.get(User, account.id)
        signed_in = SignedInUser(SessionAccount.of(row))
        with uow:
            row.is_active = False
        uow.session.expunge_all()
        assert signed_in.found() is not None and signed_in.record.id == account.id
        with pytest.raises(ValueError):
            SignedInUser.signing_in(signed_in.record)
