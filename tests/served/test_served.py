"""The portal as `make run` serves it (gunicorn, 2 workers, SQLite) under many people at once:
no request fails because another one wrote to the audit trail at the same moment."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.config import PROJECT_ROOT, development_config
from portal.crypto.keyring import add_key
from portal.domain.enums import ItemKind
from portal.runtime import unit_of_work
from portal.services import audit, letters
from portal.storage import migrate
from portal.storage.db import EXTENSION_KEY
from portal.storage.models import AuditEvent
from tests.factories import actor_of, exchange_case
from tests.helpers import PASSWORD

SIMULTANEOUS = 60
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Served:
    url: str
    email: str
    case_id: str
    item_id: str
    settings: dict


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """A development instance in its own folder (SQLite, as `make run` has it), seeded, then served
    by gunicorn with 2 workers."""
    env = {
        "PORTAL_ENV": "development",
        "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}",
        "PORTAL_KEYS_FILE": str(tmp_path / "keys.json"),
        "PORTAL_SECRET_KEY": "a development secret long enough for signing cookies",
    }
    add_key(tmp_path / "keys.json")
    app = create_app(development_config(env, tmp_path))
    migrate.upgrade(app.extensions[EXTENSION_KEY].kw["bind"])
    world = exchange_case(app)
    harmed = world["harmed"].account
    with app.app_context():
        uow = unit_of_work()
        item_id = letters.start(uow, actor_of(harmed), world.case_id, ItemKind.LETTER, None)
        letters.save_draft(uow, actor_of(harmed), world.case_id, item_id, ["A draft I keep coming back to."])
    app.extensions[EXTENSION_KEY].kw["bind"].dispose()

    port = _free_port()
    server = subprocess.Popen(
        [str(GUNICORN), "--bind", f"127.0.0.1:{port}", "--workers", "2", "--no-control-socket", "wsgi:app"],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=2)  # noqa: S310 - loopback
                break
            except OSError:  # not listening yet, or still starting its workers
                time.sleep(0.1)
        yield Served(url, harmed.email, str(world.case_id), str(item_id), development_config(env, tmp_path))
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
        assert b"Traceback" not in errors, errors.decode()[-2000:]


class Person:
    """One signed-in person: a cookie jar, and forms filled in as a browser would."""

    def __init__(self, url: str):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirects()
        )

    def open(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.url + path, data=body)  # noqa: S310 - loopback
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read().decode()

    def form(self, path: str) -> dict[str, str]:
        """The hidden fields of the page's forms (CSRF token, once-only key), as a browser sends them."""
        _, page = self.open(path)
        fields = {}
        for tag in re.findall(r"<input[^>]*>", page):
            attributes = dict(re.findall(r'(\w+)="([^"]*)"', tag))
            if attributes.get("type") == "hidden" and "name" in attributes:
                fields.setdefault(attributes["name"], attributes.get("value", ""))
        return fields

    def sign_in(self, email: str) -> None:
        status, _ = self.open("/sign-in", {**self.form("/sign-in"), "email": email, "password": PASSWORD})
        assert status == 302


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a 302 is an answer to count, not to follow
        return None


def test_sixty_people_at_once_on_one_letter_get_no_errors(served: Served):
    person = Person(served.url)
    person.sign_in(served.email)
    page = f"/cases/{served.case_id}/items/{served.item_id}"
    edit = f"{page}/edit"
    form = person.form(edit)

    def look(_: int) -> int:
        return person.open(page)[0]

    def save(number: int) -> int:
        data = {**form, "once": f"save-{number}", "part": f"Draft version {number}.", "action": "save"}
        return person.open(edit, data)[0]

    with ThreadPoolExecutor(max_workers=SIMULTANEOUS) as pool:
        looks = pool.map(look, range(SIMULTANEOUS))
        saves = pool.map(save, range(SIMULTANEOUS // 3))
        statuses = Counter(list(looks)) + Counter(list(saves))
    assert statuses == Counter({200: SIMULTANEOUS, 302: SIMULTANEOUS // 3}), statuses
    # Every look and every save was written to the audit trail, and the chain still holds.
    app = create_app(served.settings)
    with app.app_context():
        uow = unit_of_work()
        views = uow.session.scalar(
            select(func.count()).where(AuditEvent.action == "item.view", AuditEvent.object_id == served.item_id)
        )
        assert views >= SIMULTANEOUS
        assert audit.verify(uow).intact
    app.extensions[EXTENSION_KEY].kw["bind"].dispose()
