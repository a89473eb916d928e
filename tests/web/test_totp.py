"""Staff sign in with a code from an authenticator app; each code works once."""

import re

import pyotp
from sqlalchemy import select

from portal.runtime import unit_of_work
from portal.services.accounts import Role
from portal.storage.models import AuditEvent, User
from tests.helpers import Browser, fresh_code, make_account, sign_in


def _password_step(browser, account):
    return browser.submit("/sign-in", {"email": account.email, "password": account.password})


def test_staff_enrol_at_first_sign_in_with_a_qr_code_and_a_typed_key(app, browser):
    account = make_account(app, Role.FACILITATOR, totp=False)
    response = _password_step(browser, account)
    assert response.location.endswith("/sign-in/set-up-authenticator")
    page = browser.get("/sign-in/set-up-authenticator").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    secret = re.search(r'<code id="totp-key">([A-Z2-7]+)</code>', page).group(1)
    # Not signed in until the code is confirmed.
    assert Browser(browser.client).get("/account/").status_code == 302
    wrong = browser.submit("/sign-in/set-up-authenticator", {"code": "000000"})
    assert wrong.status_code == 400
    confirmed = browser.submit("/sign-in/set-up-authenticator", {"code": pyotp.TOTP(secret).now()})
    assert confirmed.status_code == 302
    assert browser.get("/account/").status_code == 200
    with app.app_context():
        user = unit_of_work().session.get(User, account.id)
        assert user.totp_enabled
        assert secret.encode() not in user.totp_secret_sealed


def test_a_staff_member_without_a_code_is_not_signed_in(app, browser):
    account = make_account(app, Role.MANAGER)
    _password_step(browser, account)
    assert browser.get("/account/").status_code == 302


def test_a_wrong_code_is_refused_and_audited(app, browser):
    account = make_account(app, Role.FACILITATOR)
    _password_step(browser, account)
    response = browser.submit(
        "/sign-in/code", {"code": "123456" if pyotp.TOTP(account.totp_secret).now() != "123456" else "654321"}
    )
    assert response.status_code == 401
    assert "That code did not work" in response.get_data(as_text=True)
    assert browser.get("/account/").status_code == 302
    with app.app_context():
        outcomes = (
            unit_of_work().session.scalars(select(AuditEvent.outcome).where(AuditEvent.action == "sign-in.code")).all()
        )
    assert outcomes == ["failure"]


def test_a_code_cannot_be_replayed(app, browser, another_browser):
    account = make_account(app, Role.FACILITATOR)
    code = fresh_code(app, account)
    _password_step(browser, account)
    assert browser.submit("/sign-in/code", {"code": code}).status_code == 302
    _password_step(another_browser, account)
    replay = another_browser.submit("/sign-in/code", {"code": code})
    assert replay.status_code == 401
    assert another_browser.get("/account/").status_code == 302


def test_the_code_step_expires(app, browser):
    account = make_account(app, Role.FACILITATOR)
    _password_step(browser, account)
    with browser.client.session_transaction() as session:
        session["pending"]["since"] -= 301
        session.modified = True
    response = browser.get("/sign-in/code")
    assert response.status_code == 302 and response.location.endswith("/sign-in")


def test_participants_may_opt_in_and_then_need_a_code(app, browser):
    account = make_account(app, Role.PARTICIPANT)
    sign_in(app, browser, account)
    page = browser.get("/account/authenticator").get_data(as_text=True)
    secret = re.search(r'<code id="totp-key">([A-Z2-7]+)</code>', page).group(1)
    assert browser.submit("/account/authenticator", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    account.totp_secret = secret
    fresh = Browser(app.test_client())
    assert _password_step(fresh, account).location.endswith("/sign-in/code")
    sign_in(app, Browser(app.test_client()), account)


def test_staff_cannot_remove_their_authenticator(app, browser):
    account = make_account(app, Role.FACILITATOR)
    sign_in(app, browser, account)
    browser.submit("/account/authenticator/remove", from_page="/account/")
    with app.app_context():
        assert unit_of_work().session.get(User, account.id).totp_enabled


def test_two_requests_racing_with_one_code_cannot_both_win(app):
    """Each request holds its own copy of the account; the database decides which one uses the step."""
    from portal.services import accounts

    account = make_account(app, Role.FACILITATOR)
    code = fresh_code(app, account)
    with app.app_context():
        first = unit_of_work().session.get(User, account.id)
        with app.app_context():  # a second request, loaded before the first one commits
            second_uow = unit_of_work()
            second = second_uow.session.get(User, account.id)
            second_uow.session.expunge(second)
        assert accounts.verify_sign_in_code(unit_of_work(), first, code).outcome == "signed-in"
        with app.app_context():
            other = unit_of_work()
            other.session.add(second)
            assert accounts.verify_sign_in_code(other, second, code).outcome == "refused"
