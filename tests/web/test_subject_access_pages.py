"""A person's own data through the pages, with real sign-ins: a participant downloads their archive
from their account; a case's facilitator makes one for someone after ticking the check, corrects
and erases details; a manager chooses the casework policy; everyone else finds no such page."""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask, request_finished
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from portal.domain.enums import ItemKind, MediaRole, ParticipantRole, Role, Side, Stage
from portal.media.spool import SealedSpool
from portal.runtime import unit_of_work
from portal.services import casework, letters, media, records
from portal.storage import models
from tests import media_samples
from tests.factories import CaseWorld, actor_of, add_person, approved_letter, exchange_case, follow_up, move_to
from tests.helpers import Account, Browser, make_account, sign_in

LETTER = "I still think about the shop window every day."
ERASED_NAME = "Erased on request"  # the English placeholder the page gives


@pytest.fixture
def world(app: Flask) -> CaseWorld:
    world = exchange_case(app)
    add_person(app, world, "Olwen Offline", Side.RESPONSIBLE, ParticipantRole.SUPPORTER, offline=True)
    approved_letter(app, world, LETTER)
    return world


def signed_in(app: Flask, account: Account) -> Browser:
    browser = Browser(app.test_client())
    sign_in(app, browser, account)
    return browser


def person_path(world: CaseWorld, name: str, rest: str = "data") -> str:
    return f"/cases/{world.case_id}/people/{world[name].participant_id}/{rest}"


def unzip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        return {name: bundle.read(name).decode() for name in bundle.namelist()}


def audited(app: Flask, action: str, object_id: uuid.UUID) -> int:
    with app.app_context():
        where = (models.AuditEvent.action == action, models.AuditEvent.object_id == str(object_id))
        return unit_of_work().session.scalar(select(func.count(models.AuditEvent.id)).where(*where)) or 0


def test_a_participant_downloads_everything_from_their_account(app: Flask, world: CaseWorld):
    browser = signed_in(app, world["harmed"].account)
    account = browser.get("/account/")
    assert "Download everything we hold about you" in browser.text() and "/account/your-data" in browser.text()
    assert account.status_code == 200
    assert browser.get("/account/your-data").status_code == 200
    download = browser.post("/account/your-data")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert "attachment" in download.headers["Content-Disposition"] and download.headers["Cache-Control"] == "no-store"
    members = unzip(download.data)
    assert LETTER in json.loads(members["data.json"])["cases"][0]["written"][0]["words"][0]
    document = members["index.html"]
    assert "<script" not in document and "http" not in document.split("<body>")[1]  # no scripts, nothing fetched
    assert '<html lang="en-GB">' in document
    assert audited(app, "subject-access.export", world["harmed"].participant_id) == 1


@contextmanager
def views_responses(app: Flask) -> Iterator[list[Response]]:
    """The responses the views returned, before the test client reads them."""
    seen: list[Response] = []

    def record(_sender: Flask, response: Response, **_extra: object) -> None:
        seen.append(response)

    with request_finished.connected_to(record, app):
        yield seen


def test_the_archive_streams_with_her_files_in_it(app: Flask, world: CaseWorld):
    harmed = actor_of(world["harmed"].account)
    with app.app_context():
        uow = unit_of_work()
        draft = letters.start(uow, harmed, world.case_id, ItemKind.LETTER, None)
        spool = SealedSpool()
        spool.write(media_samples.jpeg_with_gps(640, 480))
        spool.finish()
        (picture,) = media.add_file(uow, harmed, world.case_id, draft, MediaRole.ATTACHMENT, spool)
        opened = media.open_file(uow, harmed, world.case_id, picture)
        assert opened.last == opened.size - 1  # the whole picture in one answer
    browser = signed_in(app, world["harmed"].account)
    browser.get("/account/your-data")
    with views_responses(app) as responses:
        download = browser.post("/account/your-data")
    (response,) = responses
    assert response.is_streamed and "Content-Length" not in response.headers
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert "attachment" in download.headers["Content-Disposition"] and download.headers["Cache-Control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(download.data)) as bundle:
        assert bundle.testzip() is None
        entries = {info.filename: info for info in bundle.infolist()}
        (name,) = [n for n in entries if n.startswith("files/")]
        assert name == f"files/{world.code}/2-picture-1.jpg"  # her approved letter is the first item
        assert bundle.read(name) == opened.data
        assert entries[name].compress_type == zipfile.ZIP_STORED
        assert entries["index.html"].compress_type == zipfile.ZIP_DEFLATED
        document = bundle.read("index.html").decode()
        data = json.loads(bundle.read("data.json"))
    assert f'<a href="{name}">{name}</a>' in document and "Picture, " in document
    written = next(item for item in data["cases"][0]["written"] if item["id"] == str(draft))
    assert [f["name"] for f in written["files"]] == [name] and written["files"][0]["byte_size"] == opened.size


def test_the_archive_speaks_the_persons_language(app: Flask, world: CaseWorld):
    with app.app_context():
        uow = unit_of_work()
        with uow:
            uow.session.get(models.User, world["harmed"].account.id).language = "cy"
    browser = signed_in(app, world["harmed"].account)
    browser.get("/account/your-data")
    members = unzip(browser.post("/account/your-data").data)
    assert '<html lang="cy">' in members["index.html"]


def test_a_facilitator_exports_for_someone_offline_only_after_ticking_the_check(app: Flask, world: CaseWorld):
    browser = signed_in(app, world.facilitator)
    browser.get(f"/cases/{world.case_id}")
    assert person_path(world, "Olwen Offline") in browser.text()
    browser.get(person_path(world, "Olwen Offline"))
    refused = browser.post(person_path(world, "Olwen Offline"))
    assert refused.status_code == 400 and "checked the request comes from this person" in browser.text()
    assert audited(app, "subject-access.export", world["Olwen Offline"].participant_id) == 0
    download = browser.post(person_path(world, "Olwen Offline"), {"verified": "y"})
    assert download.status_code == 200 and download.mimetype == "application/zip"
    data = json.loads(unzip(download.data)["data.json"])
    assert data["by_facilitator"] is True and data["cases"][0]["you"]["name"] == "Olwen Offline"
    assert audited(app, "subject-access.export", world["Olwen Offline"].participant_id) == 1


def test_a_facilitator_corrects_a_name_and_the_row_holds_it_sealed(app: Flask, world: CaseWorld):
    browser = signed_in(app, world.facilitator)
    browser.get(person_path(world, "Olwen Offline", "correct"))
    assert 'value="Olwen Offline"' in browser.text()
    missing = browser.post(
        person_path(world, "Olwen Offline", "correct"), {"name": "Olwen Offlein", "display_name": "", "reason": ""}
    )
    assert missing.status_code == 400 and "Please say why" in browser.text()
    done = browser.post(
        person_path(world, "Olwen Offline", "correct"),
        {"name": "Olwen Offlein", "display_name": "", "relationship": "", "reason": "Letter of 3 March."},
    )
    assert done.status_code == 302
    with app.app_context():
        uow = unit_of_work()
        row = uow.session.get(models.Participant, world["Olwen Offline"].participant_id)
        vault = records.vault_for(uow, uow.session.get(models.Case, world.case_id))
        assert b"Offlein" not in row.name_sealed
        assert vault.open_participant_detail(row.id, "name", row.name_sealed) == "Olwen Offlein"
    assert audited(app, "participant.rectify", world["Olwen Offline"].participant_id) == 1
    assert "Olwen Offlein" in browser.get(f"/cases/{world.case_id}").get_data(as_text=True)


def test_erasure_is_offered_once_the_case_is_closed(app: Flask, world: CaseWorld):
    browser = signed_in(app, world.facilitator)
    browser.get(person_path(world, "Olwen Offline"))
    assert (
        "once the case is closed" in browser.text()
        and person_path(world, "Olwen Offline", "erase") not in browser.text()
    )
    browser.get(person_path(world, "Olwen Offline", "erase"))
    early = browser.post(person_path(world, "Olwen Offline", "erase"), {"reason": "Asked.", "confirm": "y"})
    assert early.status_code == 400 and "only once the case is closed" in browser.text()

    move_to(app, world, Stage.FOLLOW_UP)
    follow_up(app, world)
    with app.app_context():
        casework.move(unit_of_work(), actor_of(world.facilitator), world.case_id, Stage.CLOSED)
    browser.get(person_path(world, "Olwen Offline"))
    assert person_path(world, "Olwen Offline", "erase") in browser.text()
    browser.get(person_path(world, "Olwen Offline", "erase"))
    unconfirmed = browser.post(person_path(world, "Olwen Offline", "erase"), {"reason": "Asked by letter."})
    assert unconfirmed.status_code == 400 and "cannot be undone" in browser.text()
    erased = browser.post(
        person_path(world, "Olwen Offline", "erase"), {"reason": "Asked by letter.", "confirm": "y", "words": "y"}
    )
    assert erased.status_code == 302
    page = browser.get(f"/cases/{world.case_id}").get_data(as_text=True)
    assert ERASED_NAME in page and "Olwen Offline" not in page
    assert audited(app, "participant.erase", world["Olwen Offline"].participant_id) == 1


def test_nobody_else_finds_these_pages(app: Flask, world: CaseWorld):
    other = exchange_case(app)
    manager = make_account(app, Role.MANAGER)
    pages = [person_path(world, "Olwen Offline", rest) for rest in ("data", "correct", "erase")]
    for account in (other.facilitator, manager, world["responsible"].account, world["harmed"].account):
        browser = signed_in(app, account)
        for path in pages:
            assert browser.get(path).status_code == 404, (account.role, path)
            assert browser.client.post(path, data={"verified": "y"}).status_code in (400, 404), path
    # Another case's person through this case's address is not found either, even for its facilitator.
    browser = signed_in(app, world.facilitator)
    assert browser.get(f"/cases/{world.case_id}/people/{other['harmed'].participant_id}/data").status_code == 404
    # Staff have no "download everything" of their own.
    assert browser.get("/account/your-data").status_code == 403
    assert audited(app, "subject-access.export", world["Olwen Offline"].participant_id) == 0


def test_a_manager_chooses_what_the_archive_does_with_the_casework(app: Flask, world: CaseWorld):
    manager = make_account(app, Role.MANAGER)
    browser = signed_in(app, manager)
    browser.get("/subject-access/policy")
    (withhold,) = re.findall(r'<input[^>]*value="withhold"[^>]*>', browser.text())
    assert "checked" in withhold
    assert browser.post("/subject-access/policy", {"policy": "include"}).status_code == 302
    with app.app_context():
        row = unit_of_work().session.get(models.ServiceSettings, 1)
        assert row.subject_access_casework == "include"
    assert signed_in(app, world.facilitator).get("/subject-access/policy").status_code == 403
