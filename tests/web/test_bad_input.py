"""Bad input gets a clear 4xx message; nothing half-written, nothing lost."""

from sqlalchemy import func, select

from portal.runtime import unit_of_work
from portal.services.accounts import Role
from portal.storage.models import Invitation, User
from tests.helpers import make_account, sign_in


def _count(app, model):
    with app.app_context():
        return unit_of_work().session.scalar(select(func.count()).select_from(model))


def test_an_over_long_field_is_explained_and_the_input_kept(app, browser):
    sign_in(app, browser, make_account(app, Role.ADMIN))
    before = _count(app, Invitation)
    response = browser.submit(
        "/admin/staff/invite", {"name": "N" * 121, "email": "kept@example.test", "role": "facilitator"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html and "120" in html
    assert 'value="kept@example.test"' in html
    assert _count(app, Invitation) == before


def test_invalid_utf8_is_refused_before_anything_is_saved(app, browser):
    sign_in(app, browser, make_account(app, Role.ADMIN))
    browser.get("/admin/staff/invite")
    body = f"csrf_token={browser.csrf_token()}&name=%C3%28bad&email=bad%40example.test&role=facilitator".encode()
    response = browser.client.post("/admin/staff/invite", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "could not be read" in response.get_data(as_text=True)
    assert _count(app, Invitation) == 0


def test_raw_invalid_bytes_are_refused(app, browser):
    browser.get("/sign-in")
    body = b"csrf_token=" + browser.csrf_token().encode() + b"&email=\xff\xfe&password=x"
    response = browser.client.post("/sign-in", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_nul_bytes_are_refused(app, browser):
    sign_in(app, browser, make_account(app, Role.ADMIN))
    response = browser.submit(
        "/admin/staff/invite", {"name": "Nul\x00Name", "email": "nul@example.test", "role": "facilitator"}
    )
    assert response.status_code == 400
    assert "could not be read" in response.get_data(as_text=True)
    assert _count(app, Invitation) == 0


def test_a_missing_csrf_token_is_refused_with_a_clear_message(app, browser):
    account = make_account(app, Role.PARTICIPANT)
    response = browser.client.post("/sign-in", data={"email": account.email, "password": account.password})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert browser.get("/account/").status_code == 302


def test_a_wrong_csrf_token_is_refused(app, browser):
    sign_in(app, browser, make_account(app, Role.ADMIN))
    response = browser.client.post(
        "/admin/staff/invite",
        data={"csrf_token": "forged", "name": "A", "email": "a@example.test", "role": "facilitator"},
    )
    assert response.status_code == 400
    assert _count(app, Invitation) == 0


def test_a_token_from_another_session_is_refused(app, browser, another_browser):
    account = make_account(app, Role.PARTICIPANT)
    another_browser.get("/sign-in")
    foreign = another_browser.csrf_token()
    browser.get("/sign-in")
    response = browser.client.post(
        "/sign-in", data={"csrf_token": foreign, "email": account.email, "password": account.password}
    )
    assert response.status_code == 400


def test_a_forged_session_cookie_is_ignored(app, browser):
    account = make_account(app, Role.PARTICIPANT)
    with app.app_context():
        token = unit_of_work().session.get(User, account.id).session_token
    from flask.sessions import SecureCookieSessionInterface
    from itsdangerous import URLSafeTimedSerializer

    forged = URLSafeTimedSerializer(
        "not the real secret",
        salt="cookie-session",
        signer_kwargs={"key_derivation": "hmac", "digest_method": SecureCookieSessionInterface.digest_method},
    ).dumps({"_user_id": token, "_fresh": True, "signed_in_at": 9e12, "last_seen": 9e12})
    browser.client.set_cookie("rx_session", forged, domain="portal.test")
    response = browser.get("/account/")
    assert response.status_code == 302 and response.location.endswith("/sign-in")


def test_an_empty_form_gets_messages_for_each_field(browser):
    response = browser.submit("/sign-in", {"email": "", "password": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter your email address." in html and "Enter your password." in html
    assert 'href="#email"' in html
