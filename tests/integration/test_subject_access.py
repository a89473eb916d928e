"""A person's own data, through the services: the subject-access archive holds exactly their data
(and nothing of anyone else's), their files byte for byte and only the files that reached them,
every export is audited, and rectification and erasure change what the database holds, sealed,
and are audited."""

from __future__ import annotations

import dataclasses
import html
import io
import json
import re
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.crypto import CaseVault
from portal.domain.actors import Actor
from portal.domain.agreement import AgreementAction
from portal.domain.enums import (
    ActionKind,
    ConsentFormat,
    ItemKind,
    ItemState,
    MediaRole,
    ParticipantRole,
    ReviewDecision,
    RiskLevel,
    Role,
    Side,
    Stage,
)
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.problems import Problem
from portal.domain.subject_access import CaseworkPolicy, Correction, Placeholders
from portal.media.spool import SealedSpool
from portal.runtime import unit_of_work
from portal.services import agreements, demo, letters, media, records, rectification, reviewing, subject_access
from portal.services.casework import CaseNotFound
from portal.storage import models
from portal.web.subject_access import archive, archive_stream
from tests import media_samples
from tests.factories import CaseWorld, Person, actor_of, add_person, follow_up, move_to, new_case
from tests.helpers import make_account
from tests.integration.test_media_service import whole

FORMATS = (ConsentFormat.LETTERS, ConsentFormat.QUESTIONS)
ERASED = Placeholders("Erased on request", "erased on request")
ERASED_NAME = ERASED.name


@dataclass
class World:
    case: CaseWorld
    other: CaseWorld
    words: dict[str, str]  # what each item says, by a name for it
    items: dict[str, uuid.UUID]


def _write(app: Flask, world: CaseWorld, author: Person, kind: ItemKind, parts: list[str]) -> uuid.UUID:
    with app.app_context():
        uow = unit_of_work()
        who = actor_of(author.account) if author.account else actor_of(world.facilitator)
        author_id = None if author.account else author.participant_id
        item_id = letters.start(uow, who, world.case_id, kind, author_id)
        letters.save_draft(uow, who, world.case_id, item_id, parts)
        return item_id


def _send(app: Flask, world: CaseWorld, author: Person, item_id: uuid.UUID) -> None:
    with app.app_context():
        who = actor_of(author.account) if author.account else actor_of(world.facilitator)
        letters.submit(unit_of_work(), who, world.case_id, item_id)


def _pass_on(app: Flask, world: CaseWorld, item_id: uuid.UUID, passages: tuple[reviewing.Passage, ...] = ()) -> None:
    with app.app_context():
        uow = unit_of_work()
        facilitator = actor_of(world.facilitator)
        seen = letters.read(uow, facilitator, world.case_id, item_id).version
        request = reviewing.ReviewRequest(ReviewDecision.APPROVE, seen, passages=passages, checked=True)
        reviewing.review(uow, facilitator, world.case_id, item_id, request)
        seen = letters.read(uow, facilitator, world.case_id, item_id).version
        reviewing.release(uow, facilitator, world.case_id, item_id, seen=seen)


def _case(
    app: Flask,
    names: dict[str, tuple[Side, ParticipantRole]],
    offline: str = "",
    formats: tuple[ConsentFormat, ...] = FORMATS,
) -> CaseWorld:
    world = new_case(app, facilitator=make_account(app, Role.FACILITATOR, name="Fiona Facilitator"))
    for name, (side, role) in names.items():
        relationship = "her brother" if role != ParticipantRole.PRINCIPAL else ""
        add_person(app, world, name, side, role, relationship=relationship, offline=name == offline, consents=formats)
    with app.app_context():
        demo.assess_ready(unit_of_work(), actor_of(world.facilitator), world.case_id, RiskLevel.LOW, date.today())
    move_to(app, world, Stage.ASSESSMENT, Stage.PREPARATION, Stage.EXCHANGE)
    return world


@pytest.fixture
def world(app: Flask) -> World:
    """Two people on each side of one case, and another case; letters every way."""
    case = _case(
        app,
        {
            "Harriet Harmedperson": (Side.HARMED, ParticipantRole.PRINCIPAL),
            "Hugo Harmedsupporter": (Side.HARMED, ParticipantRole.SUPPORTER),
            "Rupert Responsibleperson": (Side.RESPONSIBLE, ParticipantRole.PRINCIPAL),
            "Rosa Responsiblesupporter": (Side.RESPONSIBLE, ParticipantRole.SUPPORTER),
        },
        offline="Rupert Responsibleperson",
    )
    other = _case(
        app,
        {
            "Olive Otherharmed": (Side.HARMED, ParticipantRole.PRINCIPAL),
            "Oscar Otherresponsible": (Side.RESPONSIBLE, ParticipantRole.PRINCIPAL),
        },
    )
    harmed, responsible = case["Harriet Harmedperson"], case["Rupert Responsibleperson"]
    words = {
        "mine released": "Since that night I have checked the locks twice. My sister Pauline helps.",
        "mine draft": "A draft I have not sent, about the garden gate.",
        "questions": "Why did you pick our house?",
        "theirs released": "I am sorry for what I did to your home.",
        "theirs unsent": "A letter about my cellmate Dominic that was never passed on.",
        "other case": "Olive's letter from a different case entirely.",
    }
    items = {
        "mine released": _write(app, case, harmed, ItemKind.LETTER, [words["mine released"]]),
    }
    _send(app, case, harmed, items["mine released"])
    _pass_on(app, case, items["mine released"], (reviewing.Passage("Pauline", "A name of her family"),))
    items["questions"] = _write(app, case, harmed, ItemKind.QUESTION_SET, [words["questions"]])
    _send(app, case, harmed, items["questions"])
    _pass_on(app, case, items["questions"])
    items["mine draft"] = _write(app, case, harmed, ItemKind.LETTER, [words["mine draft"]])
    items["theirs released"] = _write(app, case, responsible, ItemKind.LETTER, [words["theirs released"]])
    _send(app, case, responsible, items["theirs released"])
    _pass_on(app, case, items["theirs released"])
    items["theirs unsent"] = _write(app, case, responsible, ItemKind.LETTER, [words["theirs unsent"]])
    _send(app, case, responsible, items["theirs unsent"])
    items["other case"] = _write(app, other, other["Olive Otherharmed"], ItemKind.LETTER, [words["other case"]])
    _send(app, other, other["Olive Otherharmed"], items["other case"])
    _pass_on(app, other, items["other case"])
    return World(case, other, words, items)


def _members(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        return {name: bundle.read(name).decode() for name in bundle.namelist()}


def _own_archive(app: Flask, person: Person) -> tuple[dict[str, str], bytes]:
    assert person.account is not None
    with app.test_request_context():
        data = archive(subject_access.own_export(unit_of_work(), actor_of(person.account)))
    return _members(data), data


def _audit_events(app: Flask, action: str) -> list[models.AuditEvent]:
    with app.app_context():
        return list(unit_of_work().session.scalars(select(models.AuditEvent).where(models.AuditEvent.action == action)))


def test_a_participants_export_holds_exactly_their_data(app: Flask, world: World):
    members, raw = _own_archive(app, world.case["Harriet Harmedperson"])
    assert set(members) == {"index.html", "data.json"}
    document, data = html.unescape(members["index.html"]), json.loads(members["data.json"])
    everything = document + members["data.json"]

    # Everything she wrote, in every state, and what was removed from it and why; what she received.
    for name in ("mine released", "mine draft", "questions", "theirs released"):
        assert world.words[name] in document, name
        assert world.words[name] in members["data.json"], name
    (case,) = data["cases"]
    written = {item["id"]: item for item in case["written"]}
    assert set(written) == {str(world.items[n]) for n in ("mine released", "mine draft", "questions")}
    released = written[str(world.items["mine released"])]
    assert released["removals"] == [{"part": 0, "text": "Pauline", "reason": "A name of her family"}]
    assert (
        "Pauline" not in released["passed_on_copy"][0]
        and "[removed by your facilitator]" in released["passed_on_copy"][0]
    )
    assert written[str(world.items["mine draft"])]["state"] == "draft"
    assert [item["id"] for item in case["received"]] == [str(world.items["theirs released"])]
    assert case["you"]["name"] == "Harriet Harmedperson" and case["you"]["sensitive_terms"] == []
    assert {c["format"] for c in case["consents"]} == {"letters", "questions"}
    assert data["account"]["name"] == "Harriet Harmedperson" and data["account"]["authenticator"] is False
    assert data["account"]["password_set"] is True
    with app.app_context():
        user = unit_of_work().session.get(models.User, world.case["Harriet Harmedperson"].account.id)
        assert user.password_hash not in everything and "password_hash" not in data["account"]

    # Nothing of the other side beyond what was passed on, no other person's name, nothing of the other case.
    assert "Dominic" not in everything and world.words["theirs unsent"] not in everything
    for other_person in (
        "Hugo Harmedsupporter",
        "Rupert Responsibleperson",
        "Rosa Responsiblesupporter",
        "Olive Otherharmed",
        "Oscar Otherresponsible",
    ):
        assert other_person not in everything, other_person
    assert world.words["other case"] not in everything and "Olive" not in everything
    assert world.other.code not in everything and str(world.other.case_id) not in everything
    assert str(world.items["theirs unsent"]) not in everything
    # (the archive is compressed: the raw bytes hold none of it either)
    assert b"Dominic" not in raw and b"Rupert" not in raw


def test_the_export_lists_staff_who_opened_her_items_and_the_export_is_audited(app: Flask, world: World):
    harmed = world.case["Harriet Harmedperson"]
    members, _ = _own_archive(app, harmed)
    looks = json.loads(members["data.json"])["cases"][0]["staff_looks"]
    # The facilitator opened each of her two sent items twice (to review, then to pass on); never her draft.
    assert {look["item_id"] for look in looks} == {str(world.items["mine released"]), str(world.items["questions"])}
    assert {look["who"] for look in looks} == {"Fiona Facilitator"}
    assert "Fiona Facilitator" in html.unescape(members["index.html"])
    (event,) = _audit_events(app, "subject-access.export")
    assert event.actor_id == harmed.account.id and event.object_id == str(harmed.participant_id)
    assert event.case_id == world.case.case_id and event.object_type == "participant"


def test_a_facilitator_exports_for_someone_offline_after_checking_and_it_is_audited(app: Flask, world: World):
    offline = world.case["Rupert Responsibleperson"]
    facilitator = actor_of(world.case.facilitator)
    with app.test_request_context():
        uow = unit_of_work()
        with pytest.raises(DomainError) as refused:
            subject_access.facilitator_export(
                uow, facilitator, world.case.case_id, offline.participant_id, verified=False
            )
        assert refused.value.problem == Problem.SUBJECT_ACCESS_NOT_VERIFIED
        export = subject_access.facilitator_export(
            uow, facilitator, world.case.case_id, offline.participant_id, verified=True
        )
        members = _members(archive(export))
    everything = html.unescape(members["index.html"]) + members["data.json"]
    assert world.words["theirs unsent"] in everything and world.words["theirs released"] in everything
    assert world.words["mine draft"] not in everything and "Pauline" not in everything
    assert world.words["mine released"].replace("Pauline", "") not in everything  # she reads the release copy
    assert "Harriet Harmedperson" not in everything and json.loads(members["data.json"])["account"] is None
    (event,) = _audit_events(app, "subject-access.export")
    assert event.actor_id == world.case.facilitator.id and event.object_id == str(offline.participant_id)


def test_only_the_cases_facilitators_export_correct_or_erase(app: Flask, world: World):
    person = world.case["Harriet Harmedperson"].participant_id
    outsider = actor_of(world.other.facilitator)
    participant = actor_of(world.case["Hugo Harmedsupporter"].account)
    with app.test_request_context():
        uow = unit_of_work()
        with pytest.raises(CaseNotFound):
            subject_access.facilitator_export(uow, outsider, world.case.case_id, person, verified=True)
        with pytest.raises(CaseNotFound):  # their own case, but someone else's person
            subject_access.facilitator_export(uow, outsider, world.other.case_id, person, verified=True)
        with pytest.raises(NotAllowed):
            subject_access.facilitator_export(uow, participant, world.case.case_id, person, verified=True)
        with pytest.raises(CaseNotFound):
            rectification.rectify(uow, outsider, world.case.case_id, person, Correction("X", "", "", "asked"))
        with pytest.raises(NotAllowed):
            subject_access.own_export(uow, actor_of(world.case.facilitator))
    assert _audit_events(app, "subject-access.export") == []


def test_the_casework_policy_includes_or_lists_as_withheld(app: Flask, world: World):
    follow_up(app, world.case, "Harriet Harmedperson")
    harmed = world.case["Harriet Harmedperson"]
    members, _ = _own_archive(app, harmed)
    withheld = json.loads(members["data.json"])["cases"][0]["casework"]
    assert withheld["policy"] == "withhold" and withheld["contacts"] == [] and withheld["suitability"] == []
    assert {w["record"]: w["count"] for w in withheld["withheld"]}["contacts"] == 1
    assert "Data Protection Act 2018" in html.unescape(members["index.html"])
    assert "Talked about how things are now." not in members["data.json"]

    manager = make_account(app, Role.MANAGER)
    with app.app_context():
        with pytest.raises(NotAllowed):
            subject_access.set_casework_policy(unit_of_work(), actor_of(world.case.facilitator), CaseworkPolicy.INCLUDE)
        subject_access.set_casework_policy(unit_of_work(), actor_of(manager), CaseworkPolicy.INCLUDE)
    members, _ = _own_archive(app, harmed)
    included = json.loads(members["data.json"])["cases"][0]["casework"]
    assert included["policy"] == "include" and [w["record"] for w in included["withheld"]] in ([], ["notes"])
    assert [c["contact"]["how_it_went"] for c in included["contacts"]] == ["Talked about how things are now."]
    assert len(included["suitability"]) == 1 and len(included["risks"]) == 1
    assert "Talked about how things are now." in html.unescape(members["index.html"])


def _participant_row(app: Flask, participant_id: uuid.UUID) -> tuple[models.Participant, CaseVault]:
    with app.app_context():
        uow = unit_of_work()
        row = uow.session.get(models.Participant, participant_id)
        case_row = uow.session.get(models.Case, row.case_id)
        return row, records.vault_for(uow, case_row)


def test_rectification_reseals_the_details_keeps_the_reason_and_is_audited(app: Flask, world: World):
    person = world.case["Hugo Harmedsupporter"]
    before, _ = _participant_row(app, person.participant_id)
    with app.app_context():
        uow = unit_of_work()
        facilitator = actor_of(world.case.facilitator)
        with pytest.raises(DomainError) as same:
            rectification.rectify(
                uow,
                facilitator,
                world.case.case_id,
                person.participant_id,
                Correction("Hugo Harmedsupporter", "", "her brother", "asked"),
            )
        assert same.value.problem == Problem.RECTIFY_NOTHING_CHANGED
        rectification.rectify(
            uow,
            facilitator,
            world.case.case_id,
            person.participant_id,
            Correction("Hugh Harmedsupporter", "Her brother", "her older brother", "He rang to correct the spelling."),
        )
    row, vault = _participant_row(app, person.participant_id)
    assert row.name_sealed != before.name_sealed and b"Hugh" not in row.name_sealed
    assert vault.open_participant_detail(row.id, "name", row.name_sealed) == "Hugh Harmedsupporter"
    assert vault.open_participant_detail(row.id, "display_name", row.display_name_sealed) == "Her brother"
    assert vault.open_participant_detail(row.id, "relationship", row.relationship_sealed) == "her older brother"
    (event,) = _audit_events(app, "participant.rectify")
    assert event.object_id == str(person.participant_id) and event.actor_id == world.case.facilitator.id
    with app.app_context():
        uow = unit_of_work()
        note = uow.session.scalars(select(models.CaseNote).where(models.CaseNote.case_id == world.case.case_id)).one()
        assert vault.open_case_note(note.id, note.body_sealed) == "He rang to correct the spelling."


def _close(app: Flask, world: CaseWorld) -> None:
    move_to(app, world, Stage.FOLLOW_UP)
    follow_up(app, world)
    move_to(app, world, Stage.CLOSED)


def test_erasure_waits_for_the_case_to_close_and_for_nothing_of_theirs_to_be_waiting(app: Flask, world: World):
    harmed = world.case["Harriet Harmedperson"]
    facilitator = actor_of(world.case.facilitator)

    def erase() -> int:
        with app.app_context():
            return rectification.erase(
                unit_of_work(),
                facilitator,
                world.case.case_id,
                harmed.participant_id,
                "She asked in writing.",
                words=True,
                confirmed=True,
                placeholders=ERASED,
            )

    with pytest.raises(DomainError) as still_open:
        erase()
    assert still_open.value.problem == Problem.ERASE_CASE_OPEN
    _send(app, world.case, harmed, world.items["mine draft"])
    _close(app, world.case)
    with pytest.raises(DomainError) as waiting:
        erase()
    assert waiting.value.problem == Problem.ERASE_ITEM_WAITING
    assert _audit_events(app, "participant.erase") == []


def test_erasure_replaces_the_name_and_the_words_in_the_rows_and_is_audited(app: Flask, world: World):
    harmed = world.case["Harriet Harmedperson"]
    supporter = world.case["Hugo Harmedsupporter"]
    _close(app, world.case)
    before, vault = _participant_row(app, harmed.participant_id)
    with app.app_context():
        uow = unit_of_work()
        facilitator = actor_of(world.case.facilitator)
        with pytest.raises(DomainError) as unconfirmed:
            rectification.erase(
                uow,
                facilitator,
                world.case.case_id,
                harmed.participant_id,
                "asked",
                words=True,
                confirmed=False,
                placeholders=ERASED,
            )
        assert unconfirmed.value.problem == Problem.ERASE_NOT_CONFIRMED
        erased = rectification.erase(
            uow,
            facilitator,
            world.case.case_id,
            harmed.participant_id,
            "She asked in writing.",
            words=True,
            confirmed=True,
            placeholders=ERASED,
        )
        supporter_erased = rectification.erase(
            uow,
            facilitator,
            world.case.case_id,
            supporter.participant_id,
            "He asked by phone.",
            words=False,
            confirmed=True,
            placeholders=ERASED,
        )
    assert erased == 3 and supporter_erased == 0
    row, vault = _participant_row(app, harmed.participant_id)
    assert row.name_sealed != before.name_sealed
    assert vault.open_participant_detail(row.id, "name", row.name_sealed) == ERASED_NAME
    assert row.display_name_sealed is None and row.relationship_sealed is None and row.sensitive_terms_sealed is None
    # The old ciphertext is gone from the row; the relationship a supporter must not keep is gone too.
    supporter_row, _ = _participant_row(app, supporter.participant_id)
    assert vault.open_participant_detail(supporter_row.id, "name", supporter_row.name_sealed) == ERASED_NAME
    assert supporter_row.relationship_sealed is None
    with app.app_context():
        uow = unit_of_work()
        mine = list(uow.session.scalars(select(models.Item).where(models.Item.author_id == harmed.participant_id)))
        assert {r.state for r in mine} == {ItemState.RELEASED.value, ItemState.DRAFT.value}  # states stay
        for item_row in mine:
            assert vault.open_letter(item_row.id, item_row.parts_sealed) == []
            assert item_row.redactions_sealed is None and item_row.message_sealed is None
        theirs = uow.session.get(models.Item, world.items["theirs released"])
        assert vault.open_letter(theirs.id, theirs.parts_sealed) == [world.words["theirs released"]]
        erase_events = uow.session.scalar(
            select(func.count(models.AuditEvent.id)).where(models.AuditEvent.action == "item.erase")
        )
        assert erase_events == 3
    assert {e.object_id for e in _audit_events(app, "participant.erase")} == {
        str(harmed.participant_id),
        str(supporter.participant_id),
    }
    # Her export now says so, and holds none of the words.
    members, _ = _own_archive(app, harmed)
    for name in ("mine released", "mine draft", "questions"):
        assert world.words[name] not in members["data.json"] + members["index.html"]
    assert "Harriet" not in json.dumps(json.loads(members["data.json"])["cases"])
    # Erasing again has nothing left to erase.
    with app.app_context(), pytest.raises(DomainError) as again:
        rectification.erase(
            unit_of_work(),
            actor_of(world.case.facilitator),
            world.case.case_id,
            harmed.participant_id,
            "again",
            words=True,
            confirmed=True,
            placeholders=ERASED,
        )
    assert again.value.problem == Problem.ERASE_ALREADY


def test_the_agreement_and_satisfaction_are_in_the_export(app: Flask, world: World):
    harmed = world.case["Harriet Harmedperson"]
    move_to(app, world.case, Stage.AGREEMENT)
    with app.app_context():
        uow = unit_of_work()
        facilitator = actor_of(world.case.facilitator)
        action = AgreementAction(ActionKind.APOLOGY, Side.RESPONSIBLE, date(2027, 1, 5), "A written apology.")
        agreements.draft(uow, facilitator, world.case.case_id, [action], date(2027, 2, 1))
    members, _ = _own_archive(app, harmed)
    agreement = json.loads(members["data.json"])["cases"][0]["agreement"]
    assert agreement["actions"][0]["details"] == "A written apology." and agreement["agreed"] == []


# --- Their files ------------------------------------------------------------------------------------------


@dataclass
class MediaWorld:
    case: CaseWorld
    items: dict[str, uuid.UUID]
    files: dict[str, uuid.UUID]


def _spool(data: bytes) -> SealedSpool:
    spool = SealedSpool()
    spool.write(data)
    spool.finish()
    return spool


def _writer(world: CaseWorld, author: Person) -> Actor:
    return actor_of(author.account) if author.account else actor_of(world.facilitator)


def _add(app: Flask, who: Actor, world: CaseWorld, item_id: uuid.UUID, role: MediaRole, data: bytes) -> uuid.UUID:
    with app.app_context():
        (media_id,) = media.add_file(unit_of_work(), who, world.case_id, item_id, role, _spool(data))
        return media_id


def _open_every_file(app: Flask, world: CaseWorld, item_id: uuid.UUID) -> None:
    """The reviewer opens each file first, as approving needs."""
    with app.app_context():
        uow = unit_of_work()
        for file in media.files_of(uow, item_id):
            media.open_file(uow, actor_of(world.facilitator), world.case_id, file.id)


@pytest.fixture
def media_world(app: Flask) -> MediaWorld:
    """She sends a letter with a picture (passed on) and a recording (still waiting for review); he
    takes part offline and replies on paper: a reply with two scans, only one chosen to go to her
    (passed on), and a second reply with a scan that is not passed on yet."""
    case = _case(
        app,
        {
            "Harriet Harmedperson": (Side.HARMED, ParticipantRole.PRINCIPAL),
            "Rupert Responsibleperson": (Side.RESPONSIBLE, ParticipantRole.PRINCIPAL),
        },
        offline="Rupert Responsibleperson",
        formats=(*FORMATS, ConsentFormat.RECORDINGS),
    )
    harmed, responsible = case["Harriet Harmedperson"], case["Rupert Responsibleperson"]
    facilitator = actor_of(case.facilitator)
    items: dict[str, uuid.UUID] = {}
    files: dict[str, uuid.UUID] = {}
    items["letter"] = _write(app, case, harmed, ItemKind.LETTER, ["Here is the window, mended."])
    files["picture"] = _add(
        app, _writer(case, harmed), case, items["letter"], MediaRole.ATTACHMENT, media_samples.jpeg_with_gps(640, 480)
    )
    _send(app, case, harmed, items["letter"])
    _open_every_file(app, case, items["letter"])
    _pass_on(app, case, items["letter"])
    items["recording"] = _write(app, case, harmed, ItemKind.RECORDING, ["I wanted you to hear it from me."])
    files["recording"] = _add(
        app, _writer(case, harmed), case, items["recording"], MediaRole.RECORDING, media_samples.webm_like_browser(8)
    )
    _send(app, case, harmed, items["recording"])
    items["reply"] = _write(app, case, responsible, ItemKind.LETTER, ["Thank you for the picture."])
    files["scan passed on"] = _add(
        app, facilitator, case, items["reply"], MediaRole.SCAN, media_samples.jpeg_with_gps(300, 200)
    )
    files["scan kept back"] = _add(
        app, facilitator, case, items["reply"], MediaRole.SCAN, media_samples.png_with_text()
    )
    with app.app_context():
        media.choose_scan_passes_on(unit_of_work(), facilitator, case.case_id, files["scan passed on"], True)
    _send(app, case, responsible, items["reply"])
    _open_every_file(app, case, items["reply"])
    _pass_on(app, case, items["reply"])
    items["second reply"] = _write(app, case, responsible, ItemKind.LETTER, ["A second page, not passed on yet."])
    files["unsent scan"] = _add(
        app, facilitator, case, items["second reply"], MediaRole.SCAN, media_samples.jpeg_with_gps(200, 300)
    )
    _send(app, case, responsible, items["second reply"])
    return MediaWorld(case, items, files)


def _zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        assert bundle.testzip() is None  # every entry's CRC matches
        return {name: bundle.read(name) for name in bundle.namelist()}


def _by_id(parts: list[dict], item_id: uuid.UUID) -> dict:
    (found,) = [part for part in parts if part["id"] == str(item_id)]
    return found


def test_her_export_holds_her_files_and_what_was_passed_on_to_her_byte_for_byte(app: Flask, media_world: MediaWorld):
    world = media_world.case
    harmed = world["Harriet Harmedperson"]
    with app.test_request_context():
        raw = archive(subject_access.own_export(unit_of_work(), actor_of(harmed.account)))
    members = _zip(raw)
    folder = f"files/{world.code}"
    assert set(members) == {
        "index.html",
        "data.json",
        f"{folder}/1-picture-1.jpg",
        f"{folder}/2-recording.webm",
        f"{folder}/3-scan-1.jpg",
    }
    her = actor_of(harmed.account)
    assert members[f"{folder}/1-picture-1.jpg"] == whole(app, her, world, media_world.files["picture"])
    recording = whole(app, her, world, media_world.files["recording"])
    assert len(recording) > 2 * 65536  # several sealed chunks, joined back in order
    assert members[f"{folder}/2-recording.webm"] == recording
    # Passed on to her, not opened yet: her export holds it all the same (it is her data).
    scan = whole(app, actor_of(world.facilitator), world, media_world.files["scan passed on"])
    assert members[f"{folder}/3-scan-1.jpg"] == scan

    # The scan kept back and the scan of the reply not passed on are nowhere in it (files are stored
    # as they are, so their bytes would show in the zip itself).
    facilitator = actor_of(world.facilitator)
    for kept in ("scan kept back", "unsent scan"):
        assert whole(app, facilitator, world, media_world.files[kept]) not in raw, kept
        assert str(media_world.files[kept]) not in members["data.json"].decode(), kept
    assert str(media_world.items["second reply"]) not in members["data.json"].decode()

    (case,) = json.loads(members["data.json"])["cases"]
    (picture,) = _by_id(case["written"], media_world.items["letter"])["files"]
    assert picture["media_id"] == str(media_world.files["picture"]) and picture["role"] == "attachment"
    assert picture["kind"] == "image" and picture["content_type"] == "image/jpeg" and picture["duration_ms"] is None
    assert picture["byte_size"] == len(members[f"{folder}/1-picture-1.jpg"]) and picture["item_id"] == str(
        media_world.items["letter"]
    )
    assert set(picture) == {
        "media_id",
        "case_id",
        "item_id",
        "role",
        "kind",
        "content_type",
        "position",
        "byte_size",
        "duration_ms",
        "name",
    }
    (video,) = _by_id(case["written"], media_world.items["recording"])["files"]
    assert (video["role"], video["kind"], video["name"]) == ("recording", "video", f"{folder}/2-recording.webm")
    assert 7000 <= video["duration_ms"] <= 9000
    (scan,) = _by_id(case["received"], media_world.items["reply"])["files"]
    assert scan["media_id"] == str(media_world.files["scan passed on"]) and scan["role"] == "scan"

    document = html.unescape(members["index.html"].decode())
    for kind, name in (
        ("Picture", "1-picture-1.jpg"),
        ("Video recording", "2-recording.webm"),
        ("Scan of a handwritten page", "3-scan-1.jpg"),
    ):
        listed = rf"{kind}, \d+ (KB|MB|bytes)[^<]*: <a href=\"{folder}/{name}\">{folder}/{name}</a>"
        assert re.search(listed, document), name
    assert re.search(r"Video recording, \d+ KB, [7-9] seconds:", document)


def test_the_other_sides_export_holds_what_was_passed_on_and_all_of_his_own_scans(app: Flask, media_world: MediaWorld):
    world = media_world.case
    offline = world["Rupert Responsibleperson"]
    facilitator = actor_of(world.facilitator)
    with app.test_request_context():
        export = subject_access.facilitator_export(
            unit_of_work(), facilitator, world.case_id, offline.participant_id, verified=True
        )
        raw = archive(export)
    members = _zip(raw)
    folder = f"files/{world.code}"
    # Her letter's picture (passed on) and both replies' scans (his own, whether they passed on or
    # not); nothing of her recording, which still waits for review.
    assert set(members) - {"index.html", "data.json"} == {
        f"{folder}/1-picture-1.jpg",
        f"{folder}/2-scan-1.jpg",
        f"{folder}/2-scan-2.png",
        f"{folder}/3-scan-1.jpg",
    }
    expected = {
        "1-picture-1.jpg": "picture",
        "2-scan-1.jpg": "scan passed on",
        "2-scan-2.png": "scan kept back",
        "3-scan-1.jpg": "unsent scan",
    }
    for name, file in expected.items():
        assert members[f"{folder}/{name}"] == whole(app, facilitator, world, media_world.files[file]), name
    assert whole(app, facilitator, world, media_world.files["recording"]) not in raw
    data = members["data.json"].decode()
    assert str(media_world.items["recording"]) not in data and str(media_world.files["recording"]) not in data
    (received,) = json.loads(data)["cases"][0]["received"]
    assert [f["media_id"] for f in received["files"]] == [str(media_world.files["picture"])]


def test_nothing_of_a_passed_on_items_files_while_it_is_kept_for_her(app: Flask, media_world: MediaWorld):
    world = media_world.case
    harmed = world["Harriet Harmedperson"]
    with app.app_context():
        letters.ask_to_hold(unit_of_work(), actor_of(harmed.account), world.case_id, media_world.items["reply"])
        export = subject_access.own_export(unit_of_work(), actor_of(harmed.account))
    reply = next(item for item in export.cases[0].received if item.id == media_world.items["reply"])
    assert reply.copy is None and reply.files == ()
    with app.test_request_context():
        members = _zip(archive(export))
    assert not [name for name in members if "scan" in name]
    assert whole(app, actor_of(world.facilitator), world, media_world.files["scan passed on"]) not in b"".join(
        members.values()
    )


def test_a_file_is_read_a_batch_at_a_time_with_no_transaction_left_open(
    app: Flask, media_world: MediaWorld, monkeypatch: pytest.MonkeyPatch
):
    world = media_world.case
    harmed = world["Harriet Harmedperson"]
    monkeypatch.setattr(subject_access, "EXPORT_BATCH", 1)
    with app.test_request_context():
        uow = unit_of_work()
        export = subject_access.own_export(uow, actor_of(harmed.account))
        recording = next(i for i in export.cases[0].written if i.id == media_world.items["recording"]).files[0]
        begun: list[int] = []
        original = type(uow).__enter__

        def entering(self):  # type: ignore[no-untyped-def]
            begun.append(1)
            return original(self)

        monkeypatch.setattr(type(uow), "__enter__", entering)
        pieces = []
        for piece in subject_access.exported_file_chunks(uow, recording):
            assert not uow.active and not uow.session.in_transaction()  # nothing held while it is sent
            pieces.append(piece)
        monkeypatch.undo()
        with uow:
            chunk_count = uow.session.get(models.MediaFile, recording.media_id).chunk_count
        assert len(pieces) == chunk_count >= 3 and len(begun) == chunk_count  # one unit of work per batch
        assert all(len(piece) == 65536 for piece in pieces[:-1])
        assert b"".join(pieces) == whole(app, actor_of(harmed.account), world, recording.media_id)

        # The archive goes out in pieces no bigger than a chunk and its headers, never whole.
        stream = list(archive_stream(export))
        assert len(stream) > chunk_count and max(len(piece) for piece in stream) < 65536 + 4096
        assert _zip(b"".join(stream))[recording.name] == b"".join(pieces)


def test_an_exported_file_comes_only_from_an_export(app: Flask, media_world: MediaWorld):
    world = media_world.case
    harmed = world["Harriet Harmedperson"]
    with app.test_request_context():
        export = subject_access.own_export(unit_of_work(), actor_of(harmed.account))
    picture = export.cases[0].written[0].files[0]
    other = media_world.files["scan kept back"]
    with pytest.raises(TypeError):  # a view cannot name a file of its own choosing
        subject_access.ExportedFile(
            other, world.case_id, media_world.items["reply"], MediaRole.SCAN, picture.kind, "image/png", 2, 1, None, "x"
        )
    with pytest.raises(TypeError):  # nor change one it was given
        dataclasses.replace(picture, media_id=other)
    with pytest.raises(TypeError):
        dataclasses.replace(picture, name="../../outside.jpg")
    assert dataclasses.replace(picture) == picture


def test_a_file_erased_after_the_export_stops_the_archive_short(app: Flask, media_world: MediaWorld):
    world = media_world.case
    harmed = world["Harriet Harmedperson"]
    draft = _write(app, world, harmed, ItemKind.LETTER, ["A draft with a picture."])
    picture = _add(app, actor_of(harmed.account), world, draft, MediaRole.ATTACHMENT, media_samples.png_with_text())
    with app.test_request_context():
        uow = unit_of_work()
        export = subject_access.own_export(uow, actor_of(harmed.account))
        (file,) = next(i for i in export.cases[0].written if i.id == draft).files
        media.remove_file(uow, actor_of(harmed.account), world.case_id, picture)
        with pytest.raises(subject_access.ExportedFileGone):
            list(subject_access.exported_file_chunks(uow, file))
