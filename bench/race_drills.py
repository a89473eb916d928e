"""The race drills over HTTP, as people meet them: gunicorn with several workers on PostgreSQL,
two facilitators (or a writer and a facilitator) posting at the same moment, many times over.

    .venv/bin/python bench/race_drills.py [--workers 4] [--repetitions 30]

Not a test (tests/concurrency/ holds the drills `make test` runs, at the service layer): this
reproduces the conditions of the original report and prints, for each drill, the answers the
server gave (no 5xx allowed), and how many decisions were lost or crossed. It uses a database of
its own (`race_drills`, dropped and made again) on the local PostgreSQL.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pyotp  # noqa: E402
from sqlalchemy import func, make_url, select, text  # noqa: E402

from portal import create_app  # noqa: E402
from portal.config import development_config  # noqa: E402
from portal.crypto.keyring import add_key  # noqa: E402
from portal.domain.actors import Actor  # noqa: E402
from portal.domain.cases import Referral  # noqa: E402
from portal.domain.enums import (  # noqa: E402
    ConsentFormat,
    ParticipantRole,
    ReferralSource,
    RiskLevel,
    Role,
    Side,
    Stage,
    TakingPart,
)
from portal.runtime import unit_of_work  # noqa: E402
from portal.services import accounts, casework, keys  # noqa: E402
from portal.storage import migrate, models  # noqa: E402
from portal.storage.db import EXTENSION_KEY, make_engine  # noqa: E402

PASSWORD = "a long password for the drills"  # noqa: S105 - a throwaway database
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


class Person:
    """One signed-in person over HTTP: a cookie jar, forms sent as a browser sends them."""

    def __init__(self, url: str):
        self.url = url
        jar = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(jar, _NoRedirects())

    def open(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.url + path, data=body)  # noqa: S310 - loopback
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read().decode(), response.headers.get("Location", "")
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read().decode(), answer.headers.get("Location", "")

    def form(self, path: str, action: str | None = None) -> dict[str, str]:
        """The hidden fields of the form on `path` that posts to `action` (default: the page itself)."""
        _, page, _ = self.open(path)
        action = action or path
        for form in re.findall(r"<form[^>]*>.*?</form>", page, re.S):
            target = re.search(r'action="([^"]*)"', form)
            if target and urllib.parse.urlsplit(target.group(1)).path != action:
                continue
            fields = {}
            for tag in re.findall(r"<input[^>]*>", form):
                attributes = dict(re.findall(r'(\w+)="([^"]*)"', tag))
                if attributes.get("type") == "hidden" and "name" in attributes:
                    fields.setdefault(attributes["name"], attributes.get("value", ""))
            return fields
        raise AssertionError(f"no form posting to {action} on {path}")

    def sign_in(self, email: str, secret: str | None = None) -> None:
        status, _, _ = self.open("/sign-in", {**self.form("/sign-in"), "email": email, "password": PASSWORD})
        if secret:
            status, _, _ = self.open("/sign-in/code", {**self.form("/sign-in/code"), "code": pyotp.TOTP(secret).now()})
        assert status == 302, status


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def at_once(*posts) -> list[int]:
    """Send the posts from a barrier, each on its own thread; their status codes in order."""
    barrier = threading.Barrier(len(posts))
    answers: list[int] = [0] * len(posts)

    def run(index: int, post) -> None:
        barrier.wait()
        answers[index] = post()[0]

    threads = [threading.Thread(target=run, args=(i, post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def prepare(database_url: str, folder: Path) -> tuple[dict, dict]:
    """A fresh database with two facilitators, a person harmed and two cases (low and high risk)."""
    name = make_url(database_url).database
    admin = make_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    env = {
        "PORTAL_ENV": "development",
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_KEYS_FILE": str(folder / "keys.json"),
        "PORTAL_SECRET_KEY": "a drill secret that is long enough for signing",
    }
    add_key(folder / "keys.json")
    app = create_app(development_config(env, folder))
    migrate.upgrade(app.extensions[EXTENSION_KEY].kw["bind"])
    people: dict = {}
    with app.app_context():
        uow = unit_of_work()
        with uow:
            for label, role in (
                ("first", Role.FACILITATOR),
                ("second", Role.FACILITATOR),
                ("harmed", Role.PARTICIPANT),
            ):
                email = f"{label}@drills.example"
                user = accounts.create_account(uow, role=role, name=label, email=email, password=PASSWORD)
                secret = None
                if role == Role.FACILITATOR:
                    secret = pyotp.random_base32()
                    user.totp_secret_sealed = keys.directory_vault(uow).seal_account_detail(
                        user.id, "totp_secret", secret
                    )
                    user.totp_enabled = True
                people[label] = (Actor(user.id, role), email, secret)
        for risk in (RiskLevel.LOW, RiskLevel.HIGH):
            people[risk] = _case(uow, people, risk)
    app.extensions[EXTENSION_KEY].kw["bind"].dispose()
    return env, people


def _case(uow, people: dict, risk: RiskLevel) -> uuid.UUID:
    first, harmed = people["first"][0], people["harmed"][0]
    referral = Referral("DRILL-1", "Burglary", ReferralSource.POLICE, date(2026, 9, 1))
    case_id = casework.open_case(uow, first, referral, risk)
    casework.assign_facilitator(uow, first, case_id, people["second"][1])
    with uow:
        detail = casework.ParticipantDetails(Side.HARMED, ParticipantRole.PRINCIPAL, "Hannah", TakingPart.PORTAL)
        harmed_id = casework.add_participant(uow, first, case_id, detail)
        uow.session.get(models.Participant, harmed_id).user_id = harmed.user_id
    detail = casework.ParticipantDetails(Side.RESPONSIBLE, ParticipantRole.PRINCIPAL, "Robin", TakingPart.OFFLINE)
    responsible_id = casework.add_participant(uow, first, case_id, detail)
    casework.record_risk_assessment(uow, first, case_id, risk)
    casework.record_consent(uow, harmed, case_id, harmed_id, ConsentFormat.LETTERS, True)
    casework.record_consent(uow, first, case_id, responsible_id, ConsentFormat.LETTERS, True)
    for stage in (Stage.ASSESSMENT, Stage.PREPARATION, Stage.EXCHANGE):
        casework.move(uow, first, case_id, stage)
    return case_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--repetitions", type=int, default=30)
    parser.add_argument("--database", default="postgresql+psycopg://postgres@127.0.0.1:5432/race_drills")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="race-drills-"))
    env, people = prepare(options.database, folder)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", str(options.workers), "wsgi:app"]
    server = subprocess.Popen(  # noqa: S603 - our own server
        command, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=2)  # noqa: S310 - loopback
                break
            except OSError:
                time.sleep(0.1)
        report = Drills(url, people, create_app(development_config(env, folder))).run(options.repetitions)
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=60)
    print(f"gunicorn, {options.workers} sync workers, PostgreSQL; {options.repetitions} repetitions of each drill\n")
    print("| drill | answers | 5xx | lost or crossed |")
    print("|---|---|---|---|")
    for name, (answers, errors_5xx, wrong) in report.items():
        shown = ", ".join(f"{count} x {status}" for status, count in sorted(answers.items()))
        print(f"| {name} | {shown} | {errors_5xx} | {wrong} |")
    tracebacks = errors.decode().count("Traceback")
    print(f"\nserver log: {tracebacks} tracebacks")


class Drills:
    def __init__(self, url: str, people: dict, app):
        self.url, self.people, self.app = url, people, app
        self.staff = {}
        for label in ("first", "second"):
            person = Person(url)
            person.sign_in(people[label][1], people[label][2])
            self.staff[label] = person
        self.writer = Person(url)
        self.writer.sign_in(people["harmed"][1])

    def _row(self, item_id: str) -> models.Item:
        with self.app.app_context():
            return unit_of_work().session.get(models.Item, uuid.UUID(item_id))

    def _events(self, item_id: str, action: str) -> int:
        with self.app.app_context():
            where = (models.AuditEvent.object_id == item_id) & (models.AuditEvent.action == action)
            return unit_of_work().session.scalar(select(func.count()).where(where)) or 0

    def _start(self, case_id: uuid.UUID) -> tuple[dict, str]:
        fields = self.writer.form(f"/cases/{case_id}/inbox", f"/cases/{case_id}/items/new")
        return fields, f"/cases/{case_id}/items/new"

    def letter(self, case_id: uuid.UUID, send: bool = True) -> str:
        fields, path = self._start(case_id)
        _, _, location = self.writer.open(path, {**fields, "kind": "letter"})
        item_id = location.rsplit("/", 2)[-2]
        if send:
            edit = f"/cases/{case_id}/items/{item_id}/edit"
            form = self.writer.form(edit)
            self.writer.open(
                edit, {**form, "part": f"A letter for the drill {uuid.uuid4().hex[:4]}.", "action": "submit"}
            )
        return item_id

    def decision(self, who: str, case_id: uuid.UUID, item_id: str, decision: str):
        path = f"/cases/{case_id}/items/{item_id}/review"
        form = self.staff[who].form(path)
        data = {**form, "decision": decision, "message": "Please look at this again.", "checked": "y"}
        return lambda: self.staff[who].open(path, data)

    def run(self, repetitions: int) -> dict:
        report = {}
        low, high = self.people[RiskLevel.LOW], self.people[RiskLevel.HIGH]
        for against, state in (("withhold", "withheld"), ("return", "returned")):
            answers, wrong = Counter(), 0
            for _ in range(repetitions):
                item = self.letter(low)
                got = at_once(self.decision("first", low, item, against), self.decision("second", low, item, "approve"))
                answers.update(got)
                row = self._row(item)
                # What the audit trail says was decided (a refusal also answers with a redirect, to
                # the case page with the reason): exactly one decision, and the item as it left it.
                stopped = self._events(item, f"item.review.{against}")
                approved = self._events(item, "item.review.approve")
                wrong += int(stopped + approved != 1 or row.state == "released")
                wrong += int(bool(stopped) and row.state != state) + int(bool(approved) and row.state != "approved")
            report[f"{against} / approve"] = (answers, sum(v for k, v in answers.items() if k >= 500), wrong)
        answers, wrong = Counter(), 0
        for _ in range(repetitions):
            item = self.letter(high)
            got = at_once(self.decision("first", high, item, "approve"), self.decision("second", high, item, "approve"))
            answers.update(got)
            row = self._row(item)
            wrong += int(self._events(item, "item.review.approve") != len(row.approved_by) or len(row.approved_by) != 1)
        report["approve / approve (high risk)"] = (answers, sum(v for k, v in answers.items() if k >= 500), wrong)
        answers, wrong = Counter(), 0
        for _ in range(repetitions):
            item = self.letter(low, send=False)
            edit = f"/cases/{low}/items/{item}/edit"
            data = {**self.writer.form(edit), "part": "Sent twice by a double click.", "action": "submit"}
            got = at_once(*[lambda edit=edit, data=data: self.writer.open(edit, data)] * 2)
            answers.update(got)
            wrong += int(self._events(item, "item.submit") != 1)
        report["double send"] = (answers, sum(v for k, v in answers.items() if k >= 500), wrong)
        answers, wrong = Counter(), 0
        for _ in range(repetitions):
            fields, path = self._start(low)
            data = {**fields, "kind": "letter"}
            got = at_once(*[lambda path=path, data=data: self.writer.open(path, data)] * 2)
            answers.update(got)
            with self.app.app_context():
                drafts = (
                    unit_of_work()
                    .session.scalars(
                        select(models.Item.id).where(models.Item.case_id == low, models.Item.state == "draft")
                    )
                    .all()
                )
            wrong += int(len(drafts) != 1)
            edit = f"/cases/{low}/items/{drafts[0]}/edit"
            self.writer.open(edit, {**self.writer.form(edit), "part": "Sent.", "action": "submit"})
        report["double start"] = (answers, sum(v for k, v in answers.items() if k >= 500), wrong)
        answers, wrong = Counter(), 0
        for _ in range(repetitions):
            item = self.letter(low)
            show = f"/cases/{low}/items/{item}"
            back = self.writer.form(show, f"{show}/take-back")
            got = at_once(
                lambda back=back, show=show: self.writer.open(f"{show}/take-back", back),
                self.decision("first", low, item, "approve"),
            )
            answers.update(got)
            wrong += int(self._row(item).state != "draft")
        report["take back / approve"] = (answers, sum(v for k, v in answers.items() if k >= 500), wrong)
        return report


if __name__ == "__main__":
    main()
