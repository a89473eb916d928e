"""Headers, cache rules, error pages, the health check and the leave button."""

import pytest
from sqlalchemy import select

from portal import create_app
from portal.runtime import unit_of_work
from portal.services.accounts import Role
from portal.storage.db import EXTENSION_KEY
from portal.storage.models import AuditEvent, User
from portal.web.access import public
from tests.helpers import make_account, sign_in


def test_every_page_carries_strict_security_headers(browser):
    response = browser.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_is_sent_over_https(app):
    response = app.test_client().get("/sign-in", base_url="https://portal.test")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_signed_in_pages_are_never_stored(app, browser):
    sign_in(app, browser, make_account(app, Role.PARTICIPANT))
    for path in ("/", "/account/", "/account/password"):
        assert browser.get(path).headers["Cache-Control"] == "no-store", path


def test_pages_have_no_inline_script_or_style(app, browser):
    sign_in(app, browser, make_account(app, Role.ADMIN))
    for path in ("/", "/account/", "/admin/staff", "/admin/staff/invite", "/sign-in"):
        html = browser.get(path).get_data(as_text=True)
        assert "<script>" not in html and "style=" not in html and "<style" not in html, path
        assert " on" + "click=" not in html


def test_session_cookie_is_httponly_and_samesite(app, browser):
    account = make_account(app, Role.PARTICIPANT)
    response = browser.submit("/sign-in", {"email": account.email, "password": account.password})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure(settings):
    app = create_app({**settings, "SESSION_COOKIE_SECURE": True})
    response = app.test_client().get("/sign-in", base_url="https://portal.test")
    assert "Secure" in response.headers["Set-Cookie"]
    app.extensions[EXTENSION_KEY].kw["bind"].dispose()


def test_every_page_has_a_leave_this_site_link(app, browser):
    for path in ("/sign-in", "/join/unknown", "/no-such-page"):
        html = browser.get(path).get_data(as_text=True)
        assert 'id="leave-site" href="/leave" data-away="https://www.bbc.co.uk/weather"' in html, path
        assert "Leave this site" in html


@pytest.mark.parametrize(
    ("path", "status", "words"), [("/no-such-page", 404, "Page not found"), ("/healthz", 405, "not available")]
)
def test_error_pages_are_generic(browser, path, status, words):
    response = browser.client.post(path) if status == 405 else browser.get(path)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert words in html and "Traceback" not in html


def test_an_unexpected_error_shows_a_generic_page(app):
    @app.get("/boom")
    @public
    def boom():
        raise RuntimeError("secret letter text must not appear")

    response = app.test_client().get("/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "something went wrong" in html and "secret letter text" not in html and "RuntimeError" not in html


def test_requests_over_the_size_limit_are_refused(app, browser):
    browser.get("/sign-in")
    response = browser.client.post("/sign-in", data={"csrf_token": browser.csrf_token(), "email": "x" * (600 * 1024)})
    assert response.status_code == 413
    assert "too much to send" in response.get_data(as_text=True)


def test_healthz_reports_ok(browser):
    response = browser.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"database": "ok", "rate_limit_store": "ok"}}


def test_healthz_reports_503_when_the_database_is_unreachable(settings):
    app = create_app({**settings, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
    assert response.get_json()["checks"]["database"] == "unavailable"


def test_a_tampered_account_detail_gives_a_generic_page_and_an_audit_event(app, browser):
    account = make_account(app, Role.PARTICIPANT)
    other = make_account(app, Role.PARTICIPANT, name="Someone Else")
    sign_in(app, browser, account)
    with app.app_context(), unit_of_work() as uow:
        mine, theirs = uow.session.get(User, account.id), uow.session.get(User, other.id)
        mine.name_sealed = theirs.name_sealed  # a ciphertext swapped in from another row
    response = browser.get("/account/")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Someone Else" not in html and "Traceback" not in html
    with app.app_context():
        event = unit_of_work().session.scalars(select(AuditEvent).where(AuditEvent.action == "crypto.open")).one()
    assert event.outcome == "tampered" and event.actor_id == account.id
    assert event.object_id == f"users.name:{account.id}"


def test_forms_work_over_https_without_a_referer(app):
    """Referrer-Policy: no-referrer means browsers send no Referer; forms must still work."""
    account = make_account(app, Role.PARTICIPANT)
    client = app.test_client()
    base = "https://portal.test"
    page = client.get("/sign-in", base_url=base).get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/sign-in", base_url=base, data={"csrf_token": token, "email": account.email, "password": account.password}
    )
    assert response.status_code == 302 and response.location.endswith("/")


def test_a_post_from_another_site_is_refused(app, browser):
    account = make_account(app, Role.PARTICIPANT)
    browser.get("/sign-in")
    response = browser.client.post(
        "/sign-in",
        data={"csrf_token": browser.csrf_token(), "email": account.email, "password": account.password},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 400
    assert browser.get("/account/").status_code == 302


def test_multipart_posts_are_refused(app, browser):
    browser.get("/sign-in")
    response = browser.client.post(
        "/sign-in",
        data={"csrf_token": browser.csrf_token(), "email": "a\x00b@example.test", "password": "x"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400


def test_behind_a_trusted_proxy_the_client_address_and_https_come_from_its_headers(settings):
    app = create_app({**settings, "TRUSTED_PROXIES": 1})
    client = app.test_client()
    response = client.get("/sign-in", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    token = response.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]

    def attempt(address: str, number: int):
        data = {"csrf_token": token, "email": f"x{number}@example.test", "password": "not the password"}
        return client.post("/sign-in", data=data, headers={"X-Forwarded-For": address})

    # The per-address ceiling (for spraying many accounts) counts the address the proxy names.
    for number in range(60):
        assert attempt("203.0.113.9", number).status_code == 401
    assert attempt("203.0.113.9", 60).status_code == 429
    assert attempt("198.51.100.7", 61).status_code == 401
    app.extensions[EXTENSION_KEY].kw["bind"].dispose()
