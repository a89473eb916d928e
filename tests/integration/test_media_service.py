"""Files with items through the real use cases: processed without metadata, sealed, never
approved unseen, held with their item when its writer stops, and gone when it is destroyed."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import func, select

from portal.domain.actors import Actor
from portal.domain.enums import ConsentFormat, ItemKind, ItemState, MediaKind, MediaRole, ReviewDecision, Role, Stage
from portal.domain.errors import DomainError
from portal.domain.media import Limits
from portal.domain.problems import Problem
from portal.domain.subject_access import Placeholders
from portal.media.spool import SealedSpool
from portal.runtime import unit_of_work
from portal.services import casework, letters, media, rectification, reviewing
from portal.services.casework import CaseNotFound
from portal.storage import models
from tests import media_samples
from tests.factories import CaseWorld, actor_of, exchange_case, follow_up, move_to
from tests.helpers import make_account
from tests.integration.test_raw_bytes import _raw_postgres, _raw_sqlite

FORMATS = (ConsentFormat.LETTERS, ConsentFormat.QUESTIONS, ConsentFormat.SHUTTLE, ConsentFormat.RECORDINGS)


def spool_of(data: bytes) -> SealedSpool:
    spool = SealedSpool()
    spool.write(data)
    spool.finish()
    return spool


def add(
    app: Flask, who: Actor, world: CaseWorld, item_id: uuid.UUID, role: MediaRole, data: bytes
) -> tuple[uuid.UUID, ...]:
    with app.app_context():
        return media.add_file(unit_of_work(), who, world.case_id, item_id, role, spool_of(data))


def whole(app: Flask, who: Actor, world: CaseWorld, media_id: uuid.UUID) -> bytes:
    """The whole file as this person may open it, range by range as a player would ask."""
    out = b""
    with app.app_context():
        while True:
            opening = media.open_file(unit_of_work(), who, world.case_id, media_id, len(out), cap=300_000)
            out += opening.data
            if opening.last == opening.size - 1:
                return out


@pytest.fixture
def world(app: Flask) -> CaseWorld:
    return exchange_case(app, formats=FORMATS)


def recording_draft(app: Flask, world: CaseWorld, transcript: str = "I wanted you to hear it from me.") -> uuid.UUID:
    harmed = actor_of(world["harmed"].account)
    with app.app_context():
        uow = unit_of_work()
        item_id = letters.start(uow, harmed, world.case_id, ItemKind.RECORDING, None)
        letters.save_draft(uow, harmed, world.case_id, item_id, [transcript])
    return item_id


def test_a_picture_goes_with_a_letter_without_any_metadata(app: Flask, world: CaseWorld) -> None:
    harmed = actor_of(world["harmed"].account)
    with app.app_context():
        letter = letters.start(unit_of_work(), harmed, world.case_id, ItemKind.LETTER, None)
    (picture,) = add(app, harmed, world, letter, MediaRole.ATTACHMENT, media_samples.jpeg_with_gps())
    cleaned = Image.open(io.BytesIO(whole(app, harmed, world, picture)))
    assert cleaned.format == "JPEG"
    assert not cleaned.getexif() and not {"exif", "xmp", "icc_profile", "comment"} & set(cleaned.info)
    with app.app_context():
        row = unit_of_work().session.get(models.MediaFile, picture)
        assert (row.kind, row.role, row.content_type, row.store) == ("image", "attachment", "image/jpeg", "database")
        assert (row.width, row.height) == cleaned.size


def test_a_pdf_becomes_one_picture_per_page_and_the_limit_counts_pages(app: Flask, world: CaseWorld) -> None:
    harmed = actor_of(world["harmed"].account)
    with app.app_context():
        letter = letters.start(unit_of_work(), harmed, world.case_id, ItemKind.LETTER, None)
    pages = add(app, harmed, world, letter, MediaRole.ATTACHMENT, media_samples.pdf_with_pages(3))
    assert len(pages) == 3
    with pytest.raises(DomainError) as refused:
        add(app, harmed, world, letter, MediaRole.ATTACHMENT, media_samples.pdf_with_pages(3))
    assert refused.value.problem == Problem.MEDIA_TOO_MANY
    with pytest.raises(DomainError) as refused:
        add(app, harmed, world, letter, MediaRole.ATTACHMENT, media_samples.pdf_with_javascript())
    assert refused.value.problem == Problem.MEDIA_UNREADABLE
    with app.app_context():
        assert len(media.files_of(unit_of_work(), letter)) == 3


def test_a_program_named_as_a_picture_is_refused_and_nothing_is_kept(app: Flask, world: CaseWorld) -> None:
    harmed = actor_of(world["harmed"].account)
    with app.app_context():
        letter = letters.start(unit_of_work(), harmed, world.case_id, ItemKind.LETTER, None)
    with pytest.raises(DomainError) as refused:
        add(app, harmed, world, letter, MediaRole.ATTACHMENT, media_samples.elf_named_png())
    assert refused.value.problem == Problem.MEDIA_UNKNOWN_TYPE
    with app.app_context():
        session = unit_of_work().session
        assert session.scalar(select(func.count()).select_from(models.MediaFile)) == 0
        assert session.scalar(select(func.count()).select_from(models.MediaChunk)) == 0


def test_a_recording_loses_its_location_and_is_approved_only_once_opened(
    app: Flask, world: CaseWorld, tmp_path: Path
) -> None:
    harmed, facilitator = actor_of(world["harmed"].account), actor_of(world.facilitator)
    responsible = actor_of(world["responsible"].account)
    item_id = recording_draft(app, world)
    with app.app_context():
        with pytest.raises(DomainError) as refused:
            letters.submit(unit_of_work(), harmed, world.case_id, item_id)
        assert refused.value.problem == Problem.MEDIA_RECORDING_NEEDED
    (recording,) = add(app, harmed, world, item_id, MediaRole.RECORDING, media_samples.mp4_with_location())
    with app.app_context():
        uow = unit_of_work()
        letters.submit(uow, harmed, world.case_id, item_id)
        seen = letters.read(uow, facilitator, world.case_id, item_id).version
        approve = reviewing.ReviewRequest(ReviewDecision.APPROVE, seen, checked=True)
        with pytest.raises(DomainError) as refused:
            reviewing.review(uow, facilitator, world.case_id, item_id, approve)
        assert refused.value.problem == Problem.MEDIA_OPEN_FIRST
        with pytest.raises(CaseNotFound):  # not theirs until it is passed on
            media.open_file(uow, responsible, world.case_id, recording)
    whole(app, facilitator, world, recording)
    with app.app_context():
        uow = unit_of_work()
        reviewing.review(uow, facilitator, world.case_id, item_id, approve)
        seen = letters.read(uow, facilitator, world.case_id, item_id).version
        reviewing.release(uow, facilitator, world.case_id, item_id, None, seen=seen)
        with pytest.raises(CaseNotFound):  # passed on, but nothing opens before they choose to open it
            media.open_file(uow, responsible, world.case_id, recording)
        letters.open_item(uow, responsible, world.case_id, item_id, tell_writer=False)
    received = whole(app, responsible, world, recording)
    probe = media_samples.ffprobe_json(received, tmp_path)
    tags = {key.lower() for key in probe["format"].get("tags", {})}
    tags |= {key.lower() for stream in probe["streams"] for key in stream.get("tags", {})}
    assert not {tag for tag in tags if "location" in tag or tag in ("title", "artist", "comment", "encoder")}
    assert sorted(stream["codec_type"] for stream in probe["streams"]) == ["audio", "video"]
    with app.app_context():
        row = unit_of_work().session.get(models.MediaFile, recording)
        assert row.kind == MediaKind.VIDEO.value and row.duration_ms and 1500 <= row.duration_ms <= 2600


def test_recording_again_replaces_the_recording(app: Flask, world: CaseWorld) -> None:
    harmed = actor_of(world["harmed"].account)
    item_id = recording_draft(app, world)
    (first,) = add(app, harmed, world, item_id, MediaRole.RECORDING, media_samples.webm_like_browser(1))
    (second,) = add(app, harmed, world, item_id, MediaRole.RECORDING, media_samples.mp3_with_tags(1))
    with app.app_context():
        files = media.files_of(unit_of_work(), item_id)
        assert [f.id for f in files] == [second] and files[0].kind == MediaKind.AUDIO
        assert unit_of_work().session.scalar(select(func.count()).where(models.MediaChunk.media_id == first)) == 0


def test_a_recording_over_the_services_limits_is_refused(app: Flask, world: CaseWorld) -> None:
    harmed = actor_of(world["harmed"].account)
    manager = actor_of(make_account(app, Role.MANAGER))
    with app.app_context():
        media.set_limits(unit_of_work(), manager, Limits(recording_mb=1, recording_minutes=1))
    item_id = recording_draft(app, world)
    with pytest.raises(DomainError) as refused:
        add(app, harmed, world, item_id, MediaRole.RECORDING, media_samples.mp4_moov_at_end(min_bytes=2 * 1024 * 1024))
    assert refused.value.problem == Problem.MEDIA_TOO_BIG and refused.value.params == {"limit_mb": 1}


def test_a_writer_who_stops_takes_their_recording_with_them(app: Flask, world: CaseWorld) -> None:
    harmed, facilitator = actor_of(world["harmed"].account), actor_of(world.facilitator)
    responsible = actor_of(world["responsible"].account)
    item_id = recording_draft(app, world)
    (recording,) = add(app, harmed, world, item_id, MediaRole.RECORDING, media_samples.webm_like_browser(1))
    with app.app_context():
        uow = unit_of_work()
        letters.submit(uow, harmed, world.case_id, item_id)
        assert media.open_file(uow, facilitator, world.case_id, recording).size > 0
        casework.withdraw(uow, harmed, world.case_id, world["harmed"].participant_id)
        row = uow.session.get(models.Item, item_id)
        assert row.state in (ItemState.WITHDRAWN.value, ItemState.ON_HOLD.value)
        with pytest.raises(CaseNotFound):
            media.open_file(uow, responsible, world.case_id, recording)


def test_a_destroyed_item_loses_its_files(app: Flask, world: CaseWorld) -> None:
    harmed, facilitator = actor_of(world["harmed"].account), actor_of(world.facilitator)
    responsible = actor_of(world["responsible"].account)
    with app.app_context():
        letter = letters.start(unit_of_work(), harmed, world.case_id, ItemKind.LETTER, None)
        letters.save_draft(unit_of_work(), harmed, world.case_id, letter, ["Here is the window, mended."])
    (picture,) = add(app, harmed, world, letter, MediaRole.ATTACHMENT, media_samples.png_with_text())
    with app.app_context():
        uow = unit_of_work()
        letters.submit(uow, harmed, world.case_id, letter)
        media.open_file(uow, facilitator, world.case_id, picture)
        seen = letters.read(uow, facilitator, world.case_id, letter).version
        reviewing.review(
            uow, facilitator, world.case_id, letter, reviewing.ReviewRequest(ReviewDecision.APPROVE, seen, checked=True)
        )
        seen = letters.read(uow, facilitator, world.case_id, letter).version
        reviewing.release(uow, facilitator, world.case_id, letter, None, seen=seen)
        letters.open_item(uow, responsible, world.case_id, letter, tell_writer=False)
        assert media.open_file(uow, responsible, world.case_id, picture).size > 0
        letters.ask_to_destroy(uow, responsible, world.case_id, letter)
        assert media.files_of(uow, letter) == []
        assert uow.session.scalar(select(func.count()).select_from(models.MediaChunk)) == 0


def test_files_change_only_while_the_item_is_with_its_writer(app: Flask, world: CaseWorld) -> None:
    harmed = actor_of(world["harmed"].account)
    item_id = recording_draft(app, world)
    (recording,) = add(app, harmed, world, item_id, MediaRole.RECORDING, media_samples.webm_like_browser(1))
    with app.app_context():
        letters.submit(unit_of_work(), harmed, world.case_id, item_id)
        with pytest.raises(DomainError) as refused:
            media.remove_file(unit_of_work(), harmed, world.case_id, recording)
        assert refused.value.problem == Problem.MEDIA_NOT_EDITABLE
    with pytest.raises(DomainError):
        add(app, harmed, world, item_id, MediaRole.RECORDING, media_samples.webm_like_browser(1))


def test_another_cases_file_is_not_found(app: Flask, world: CaseWorld) -> None:
    harmed = actor_of(world["harmed"].account)
    other = exchange_case(app, formats=FORMATS)
    item_id = recording_draft(app, world)
    (recording,) = add(app, harmed, world, item_id, MediaRole.RECORDING, media_samples.webm_like_browser(1))
    with app.app_context(), pytest.raises(CaseNotFound):
        media.open_file(unit_of_work(), actor_of(other.facilitator), other.case_id, recording)
    with app.app_context(), pytest.raises(CaseNotFound):
        media.open_file(unit_of_work(), actor_of(other.facilitator), world.case_id, recording)


def test_the_database_holds_no_plaintext_of_a_file(app: Flask, world: CaseWorld) -> None:
    """No run of the stored file's own bytes (what a reader gets) is anywhere in the raw database."""
    harmed = actor_of(world["harmed"].account)
    with app.app_context():
        letter = letters.start(unit_of_work(), harmed, world.case_id, ItemKind.LETTER, None)
    (picture_id,) = add(app, harmed, world, letter, MediaRole.ATTACHMENT, media_samples.jpeg_with_gps(640, 480))
    clean = whole(app, harmed, world, picture_id)
    windows = [clean[at : at + 24] for at in range(200, len(clean) - 24, max(1, len(clean) // 12))]
    assert len(windows) >= 10
    url = app.config["DATABASE_URL"]
    raw = _raw_postgres(app) if url.startswith("postgresql") else _raw_sqlite(url)
    for window in windows:
        assert window not in raw and window.hex().encode() not in raw  # bytea is hex text on PostgreSQL


def test_each_viewing_is_audited_once_from_wherever_it_starts(app: Flask, world: CaseWorld) -> None:
    harmed = actor_of(world["harmed"].account)
    item_id = recording_draft(app, world)
    (recording,) = add(app, harmed, world, item_id, MediaRole.RECORDING, media_samples.webm_like_browser(2))

    def openings() -> int:
        with app.app_context():
            return len(
                unit_of_work()
                .session.scalars(
                    select(models.AuditEvent).where(
                        models.AuditEvent.action == "media.open", models.AuditEvent.object_id == str(recording)
                    )
                )
                .all()
            )

    with app.app_context():
        media.open_file(unit_of_work(), harmed, world.case_id, recording, 1)  # skipping byte 0 is still an opening
    assert openings() == 1
    with app.app_context():
        media.open_file(unit_of_work(), harmed, world.case_id, recording, 5000)  # the same viewing
    assert openings() == 1
    with app.app_context():
        media.open_file(unit_of_work(), harmed, world.case_id, recording, 0)  # played from the start again
    assert openings() == 2


def test_erasing_a_persons_words_takes_their_files_from_every_item(app: Flask, world: CaseWorld) -> None:
    harmed, facilitator = actor_of(world["harmed"].account), actor_of(world.facilitator)
    with app.app_context():
        letter = letters.start(unit_of_work(), harmed, world.case_id, ItemKind.LETTER, None)
    add(app, harmed, world, letter, MediaRole.ATTACHMENT, media_samples.png_with_text())  # a picture, no words
    move_to(app, world, Stage.AGREEMENT, Stage.FOLLOW_UP)
    follow_up(app, world)
    move_to(app, world, Stage.CLOSED)
    with app.app_context():
        uow = unit_of_work()
        rectification.erase(
            uow,
            facilitator,
            world.case_id,
            world["harmed"].participant_id,
            "She asked in writing.",
            words=True,
            confirmed=True,
            placeholders=Placeholders("Erased on request", "erased on request"),
        )
        assert media.files_of(uow, letter) == []
        assert uow.session.scalar(select(func.count()).select_from(models.MediaChunk)) == 0


def test_a_clean_file_much_bigger_than_the_limit_is_refused(app: Flask, world: CaseWorld) -> None:
    """A picture squeezed hard fits the limit, but its clean copy (redrawn at a normal quality)
    would not: the limit holds for what is kept, not only for what arrived."""
    harmed = actor_of(world["harmed"].account)
    with app.app_context():
        media.set_limits(unit_of_work(), actor_of(make_account(app, Role.MANAGER)), Limits(attachment_mb=1))
        letter = letters.start(unit_of_work(), harmed, world.case_id, ItemKind.LETTER, None)
    noise = Image.effect_noise((2000, 2000), 120).convert("RGB")
    squeezed = io.BytesIO()
    noise.save(squeezed, "JPEG", quality=6)
    assert len(squeezed.getvalue()) < 1024 * 1024
    with pytest.raises(DomainError) as refused:
        add(app, harmed, world, letter, MediaRole.ATTACHMENT, squeezed.getvalue())
    assert refused.value.problem == Problem.MEDIA_TOO_BIG and refused.value.params == {"limit_mb": 1}
