"""Test helpers: a browser-like client that sends CSRF tokens as a real form would."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from werkzeug.test import TestResponse

from portal.runtime import unit_of_work
from portal.services import accounts, keys
from portal.services.accounts import Role
from portal.storage.db import EXTENSION_KEY
from portal.storage.models import User

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class _HiddenFields(HTMLParser):
    """The inputs a browser sends untouched, of each form on a page, by the path it posts to."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path = page_path
        self.forms: dict[str, dict[str, str]] = {}
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "form" and values.get("method", "get").lower() == "post":
            action = urlsplit(values.get("action") or self.page_path).path
            self._current = self.forms.setdefault(action, {})
        elif tag == "input" and self._current is not None and "name" in values:
            kind = values.get("type", "text")
            # What a browser sends untouched: hidden fields, and radios and boxes already ticked.
            if kind == "hidden" or (kind in ("radio", "checkbox") and "checked" in values):
                self._current.setdefault(values["name"], values.get("value", "on"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


class Browser:
    """Follows the site like a person: a form sends the hidden fields of the page it is on
    (its CSRF token, its once-only key, the version it shows), and what the person filled in."""

    def __init__(self, client: FlaskClient):
        self.client = client
        self.page: TestResponse | None = None
        self.last_post: tuple[str, dict] = ("", {})

    def get(self, url: str, **kwargs) -> TestResponse:
        self.page = self.client.get(url, **kwargs)
        return self.page

    def csrf_token(self) -> str:
        assert self.page is not None, "open a page before sending a form"
        match = _CSRF.search(self.page.get_data(as_text=True))
        assert match, "the page has no CSRF token"
        return match.group(1)

    def hidden_fields(self, action: str) -> dict[str, str]:
        """The hidden fields of the form on this page that posts to `action` (the first one)."""
        assert self.page is not None, "open a page before sending a form"
        parser = _HiddenFields(self.page.request.path)
        parser.feed(self.page.get_data(as_text=True))
        return dict(parser.forms.get(urlsplit(action).path, {}))

    def post(self, url: str, data: dict | None = None) -> TestResponse:
        """POST the form on the current page, as it was drawn, with `data` filled in."""
        fields = {"csrf_token": self.csrf_token(), **self.hidden_fields(url), **(data or {})}
        self.last_post = (url, fields)
        self.page = self.client.post(url, data=fields)
        return self.page

    def repeat(self) -> TestResponse:
        """Send the last form again, exactly (a double click, or a retry after a timeout)."""
        url, fields = self.last_post
        self.page = self.client.post(url, data=fields)
        return self.page

    def submit(self, url: str, data: dict | None = None, *, from_page: str | None = None) -> TestResponse:
        """Open `from_page` (default: the form's own URL), then POST its form to `url`."""
        self.get(from_page or url)
        return self.post(url, data)

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
        secret = None
        with uow:
            user = accounts.create_account(uow, role=role, name=name, email=email, password=PASSWORD)
            if totp if totp is not None else role is not Role.PARTICIPANT:
                secret = pyotp.random_base32()
                user.totp_secret_sealed = keys.directory_vault(uow).seal_account_detail(user.id, "totp_secret", secret)
                user.totp_enabled = True
        return Account(user.id, email, PASSWORD, role, secret)


def fresh_code(app: Flask, account: Account) -> str:
    """A code for a time step this account has not used yet (each code works once)."""
    totp = pyotp.TOTP(account.totp_secret)
    with app.app_context():
        uow = unit_of_work()
        user = uow.session.get(User, account.id) if account.id else accounts.find_by_email(uow, account.email)
        last = user.totp_last_step or -1
    now = datetime.now(UTC)
    current = totp.timecode(now)
    # The previous step's code stops working when the step turns: not within two seconds of that.
    turning = now.timestamp() % totp.interval > totp.interval - 2
    for step in (current, current + 1) if turning else (current - 1, current, current + 1):
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


@contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    """Every statement sent to the database meanwhile, transaction control included."""
    engine = app.extensions[EXTENSION_KEY].kw["bind"]
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
