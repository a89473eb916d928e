"""Fixtures: a migrated database per test (SQLite file, or PostgreSQL when
PORTAL_TEST_DATABASE_URL is set), an app built from it, and signed-in clients."""

from __future__ import annotations

import base64
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine, text

from portal import create_app
from portal.config import defaults
from portal.crypto.envelope import new_key
from portal.storage import migrate
from portal.storage.db import EXTENSION_KEY, make_engine
from portal.storage.models import Base
from tests.helpers import Browser
from tests.mail import SmtpServer

# The GOV.UK Notify stand-in's `notify` fixture, for any test that asks for it.
pytest_plugins = ["tests.notify_stub"]

POSTGRES_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")


def pytest_report_header() -> str:
    return f"database: {POSTGRES_URL or 'SQLite (set PORTAL_TEST_DATABASE_URL for PostgreSQL)'}"


def reset_postgres(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per run; each test then gets a copy (SQLite) or emptied tables (PostgreSQL)."""
    if POSTGRES_URL:
        engine = make_engine(POSTGRES_URL)
        reset_postgres(engine)
        migrate.upgrade(engine)
        engine.dispose()
        return POSTGRES_URL
    path = tmp_path_factory.mktemp("template") / "portal.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return str(path)


def empty_database(migrated_template: str, path: Path) -> str:
    """A migrated database with nothing in it: on PostgreSQL the test database emptied with its
    sequences restarted, on SQLite a copy of the migrated file at `path`."""
    if POSTGRES_URL:
        engine = make_engine(POSTGRES_URL)
        tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return POSTGRES_URL
    shutil.copy(migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> str:
    return empty_database(migrated_template, tmp_path / "portal.db")


@pytest.fixture(scope="session")
def keys_json() -> str:
    return json.dumps({"kek-test-1": base64.b64encode(new_key()).decode()})


@pytest.fixture
def settings(database_url: str, keys_json: str) -> dict:
    config = defaults({})
    config.update(
        ENV="testing",
        TESTING=True,
        DATABASE_URL=database_url,
        SECRET_KEY="test secret key that is long enough for signing",
        KEYS_JSON=keys_json,
        RATELIMIT_STORAGE_URI="memory://",
        SESSION_COOKIE_SECURE=False,
        DEMO_ALLOWED=True,
        SERVER_NAME="portal.test",
    )
    return config


@pytest.fixture
def app(settings: dict) -> Iterator[Flask]:
    app = create_app(settings)
    yield app
    app.extensions[EXTENSION_KEY].kw["bind"].dispose()


@pytest.fixture
def uow(app: Flask):
    """A unit of work inside an app context, for service-level tests."""
    from portal.runtime import unit_of_work

    with app.app_context():
        yield unit_of_work()


@pytest.fixture
def browser(app: Flask) -> Browser:
    return Browser(app.test_client())


@pytest.fixture
def another_browser(app: Flask) -> Browser:
    return Browser(app.test_client())


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[SmtpServer]:
    """A real SMTP server process on a free port (tests/mail.py)."""
    server = SmtpServer(tmp_path / "maildir")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_settings(settings: dict, smtp_server: SmtpServer) -> dict:
    """The portal sending through that server, as production would through its own."""
    return {
        **settings,
        "BASE_URL": "https://portal.example.org",
        "MAIL_TRANSPORT": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": smtp_server.port,
        "SMTP_SECURITY": "none",
        "SMTP_TIMEOUT": 5.0,
        "MAIL_FROM": "no-reply@service.example",
        "MAIL_SENDER_NAME": "Messages",
    }


@pytest.fixture
def mail_app(mail_settings: dict) -> Iterator[Flask]:
    app = create_app(mail_settings)
    yield app
    app.extensions[EXTENSION_KEY].kw["bind"].dispose()
