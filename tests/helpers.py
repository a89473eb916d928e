"""Test helpers: a browser-like client that sends CSRF tokens as a real form would."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from portal.runtime import unit_of_work
from portal.services import accounts, keys
from portal.services.accounts import Role
from portal.storage.models import User

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Browser:
    """Follows the site like a person: reads the CSRF token from the page it is on."""

    def __init__(self, client: FlaskClient):
        self.client = client
        self.page: TestResponse | None = None

    def get(self, url: str, **kwargs) -> TestResponse:
        self.page = self.client.get(url, **kwargs)
        return self.page

    def csrf_token(self) -> str:
        assert self.page is not None, "open a page before sending a form"
        match = _CSRF.search(self.page.get_data(as_text=True))
        assert match, "the page has no CSRF token"
        return match.group(1)

    def submit(self, url: str, data: dict | None = None, *, from_page: str | None = None) -> TestResponse:
        """POST a form, taking its CSRF token from `from_page` (default: the form's own URL)."""
        self.get(from_page or url)
        fields = {"csrf_token": self.csrf_token(), **(data or {})}
        self.page = self.client.post(url, data=fields)
        return self.page

    def text(self) -> str:
        assert self.page is not None
        return self.page.get_data(as_text=True)


@dataclass
class Account:
    id: uuid.UUID
    email: str
    password: str
    role: Role
    totp_secret: str | None = None


def make_account(
    app: Flask, role: Role, *, email: str | None = None, name: str = "Test Person", totp: bool | None = None
) -> Account:
    """Create an account through the service; staff get an authenticator app unless totp=False."""
    email = email or f"{role.value}-{uuid.uuid4().hex[:8]}@example.test"
    with app.app_context():
        uow = unit_of_work()
        user = accounts.create_account(uow, role=role, name=name, email=email, password=PASSWORD)
        secret = None
        if totp if totp is not None else role is not Role.PARTICIPANT:
            secret = pyotp.random_base32()
            user.totp_secret_sealed = keys.directory_vault(uow).seal_account_detail(user.id, "totp_secret", secret)
            user.totp_enabled = True
        uow.commit()
        return Account(user.id, email, PASSWORD, role, secret)


def fresh_code(app: Flask, account: Account) -> str:
    """A code for a time step this account has not used yet (each code works once)."""
    totp = pyotp.TOTP(account.totp_secret)
    with app.app_context():
        uow = unit_of_work()
        user = uow.session.get(User, account.id) if account.id else accounts.find_by_email(uow, account.email)
        last = user.totp_last_step or -1
    current = totp.timecode(datetime.now(UTC))
    for step in (current - 1, current, current + 1):
        if step > last:
            return totp.generate_otp(step)
    time.sleep(30)
    return fresh_code(app, account)


def sign_in(app: Flask, browser: Browser, account: Account) -> TestResponse:
    response = browser.submit("/sign-in", {"email": account.email, "password": account.password})
    if account.totp_secret:
        assert response.status_code == 302 and response.location.endswith("/sign-in/code"), response.status_code
        response = browser.submit("/sign-in/code", {"code": fresh_code(app, account)})
    assert response.status_code == 302 and response.location.endswith("/"), browser.text()[:500]
    return response
