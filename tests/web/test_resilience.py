"""When something around the portal fails (Redis, a connection, an unexpected refusal), people
still get a proper page, sign-in keeps working, and an operator can see what is degraded."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

from flask import g

from portal import create_app
from portal.config import PROJECT_ROOT
from portal.domain.enums import Role, Side
from portal.domain.errors import DomainError
from portal.domain.problems import Problem
from portal.extensions import limiter
from portal.runtime import unit_of_work
from portal.services.casework import CaseNotFound
from portal.storage.db import EXTENSION_KEY
from portal.storage.models import Participant
from portal.web.access import public
from tests.factories import add_person, new_case
from tests.helpers import Browser, make_account, sign_in

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_with_the_rate_limit_store_unreachable_sign_in_works_and_the_fallback_is_logged(settings, caplog):
    app = create_app({**settings, "RATELIMIT_STORAGE_URI": UNREACHABLE_REDIS})
    try:
        account = make_account(app, Role.PARTICIPANT)
        browser = Browser(app.test_client())
        with caplog.at_level(logging.WARNING, logger="flask-limiter"):
            sign_in(app, browser, account)
        assert "falling back to in-memory storage" in caplog.text
        # Limits still hold, in the process: a sprayer is stopped at the fallback ceiling.
        sprayer = Browser(app.test_client())
        for number in range(61):
            assert sprayer.get("/sign-in").status_code == 200  # reading is never counted
            if sprayer.post("/sign-in", {"email": f"x{number}@example.test", "password": "wrong"}).status_code == 429:
                break
        # Stopped at the ceiling of 60 by its posts alone (the sign-in's own posts came first).
        assert sprayer.page.status_code == 429 and 50 <= number < 60
        assert sprayer.get("/sign-in").status_code == 200  # and still reads pages at the ceiling
    finally:
        app.extensions[EXTENSION_KEY].kw["bind"].dispose()


def test_every_rate_limit_is_on_a_form_post(app):
    """Page reads skip the limiter (portal.extensions): a limit on anything but a POST would
    silently count nothing, so none may be declared. Flask-Limiter keeps the declared limits in
    its manager; the sign-in's and the request for contact's are there."""
    manager = limiter.limit_manager
    declared = [limit for limits in manager._decorated_limits.values() for limit in limits]
    declared += [limit for limits in manager._blueprint_limits.values() for limit in limits]
    assert len(declared) >= 10
    assert not manager.application_limits and not manager.default_limits
    assert {tuple(limit.methods or ()) for limit in declared} == {("post",)}


def test_healthz_names_the_degraded_dependency(settings):
    app = create_app({**settings, "RATELIMIT_STORAGE_URI": UNREACHABLE_REDIS})
    try:
        response = app.test_client().get("/healthz")
        assert response.status_code == 200  # still serving: a load balancer keeps sending people
        assert response.get_json() == {
            "status": "degraded",
            "checks": {"database": "ok", "rate_limit_store": "degraded"},
        }
    finally:
        app.extensions[EXTENSION_KEY].kw["bind"].dispose()


def test_healthz_says_ok_with_a_real_redis(settings):
    app = create_app({**settings, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15"})
    try:
        assert app.test_client().get("/healthz").get_json()["checks"]["rate_limit_store"] == "ok"
    finally:
        app.extensions[EXTENSION_KEY].kw["bind"].dispose()


def test_a_refusal_no_view_expected_is_a_calm_page_and_another_cases_id_is_not_found(app):
    @app.get("/refused")
    @public
    def refused():
        raise DomainError(Problem.CASE_CLOSED)

    @app.get("/elsewhere")
    @public
    def elsewhere():
        raise CaseNotFound

    client = app.test_client()
    response = client.get("/refused")
    assert response.status_code == 409 and "This case is closed." in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert client.get("/elsewhere").status_code == 404


def test_a_session_whose_connection_died_does_not_turn_a_page_into_an_error(app):
    class DeadSession:
        def close(self) -> None:
            raise ConnectionError("server closed the connection unexpectedly")

    @app.get("/drawn")
    @public
    def drawn():
        g.db_session = DeadSession()
        return "the page as drawn"

    response = app.test_client().get("/drawn")
    assert response.status_code == 200 and response.get_data(as_text=True) == "the page as drawn"


def test_an_error_page_that_cannot_be_drawn_is_still_a_plain_page(app, monkeypatch):
    @app.get("/boom")
    @public
    def boom():
        raise RuntimeError("the database went away")

    def broken(*_args, **_kwargs):
        raise ConnectionError("no database for the page's header either")

    monkeypatch.setattr("portal.web.errors.render_template", broken)
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.get_data(as_text=True)


def test_invitation_links_come_from_the_configured_address_never_the_host_header(settings):
    app = create_app({**settings, "BASE_URL": "https://portal.example.org", "SERVER_NAME": None})
    try:
        world = new_case(app)
        person = add_person(app, world, "Jo Person", Side.HARMED, offline=True)
        with app.app_context(), unit_of_work() as uow:
            uow.session.get(Participant, person.participant_id).taking_part = "portal"
        client = app.test_client()
        client.environ_base["HTTP_HOST"] = "evil.example"  # every request names another host
        browser = Browser(client)
        sign_in(app, browser, world.facilitator)
        url = f"/cases/{world.case_id}/participants/{person.participant_id}/invite"
        page = browser.submit(url, {"email": "jo@example.test", "delivery": "link"}).get_data(as_text=True)
        link = re.search(r"<code>([^<]+)</code>", page).group(1)
        assert link.startswith("https://portal.example.org/join/") and "evil.example" not in page
    finally:
        app.extensions[EXTENSION_KEY].kw["bind"].dispose()


def test_keys_init_under_production_settings_creates_the_key_file(tmp_path: Path):
    """The README's first deploy: `flask keys init` runs before any key file exists."""
    key_file = tmp_path / "keys.json"
    env = {
        **os.environ,
        "PORTAL_ENV": "production",
        "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}",
        "PORTAL_SECRET_KEY": "a production secret that is long enough for signing",
        "PORTAL_KEYS_FILE": str(key_file),
        "PORTAL_RATELIMIT_STORAGE_URI": "memory://",
        "PORTAL_BASE_URL": "https://portal.example.org",
    }
    flask = [str(Path(sys.executable).with_name("flask")), "--app", "wsgi"]
    done = subprocess.run([*flask, "keys", "init"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert key_file.exists() and key_file.stat().st_mode & 0o777 == 0o600
    # ...and a server under the same settings without the file refuses to start, naming it.
    key_file.unlink()
    started = subprocess.run(
        [sys.executable, "-c", "import wsgi"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    assert started.returncode != 0 and "does not exist" in started.stderr


def test_every_limit_a_page_shows_comes_from_a_form_the_server_checks():
    """A maxlength typed into a template would be a limit only the browser knows about."""
    hand_written = []
    for template in (PROJECT_ROOT / "templates").rglob("*.html"):
        for match in re.finditer(r"maxlength=\"([^\"]+)\"", template.read_text()):
            if match.group(1) != "{{ max_length }}":  # the writing boxes: TextListField(max_length=...)
                hand_written.append(f"{template.name}: {match.group(0)}")
    assert hand_written == []
