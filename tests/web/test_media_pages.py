"""Files with items through the pages, as people use them: pictures with a letter and recorded
messages uploaded, reviewed only once opened, passed on without any metadata, served by ranges,
refused calmly when they are not what they claim or too big, and scanned replies filed by the
code on their printed reply sheet."""

from __future__ import annotations

import io
import re
import tempfile
import urllib.parse
import uuid
import zlib
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from portal.domain.actors import Actor
from portal.domain.enums import ConsentFormat, ItemState, MediaLimit, Role
from portal.domain.media import LIMIT_RANGES, Limits
from portal.media import codes
from portal.runtime import unit_of_work
from portal.services import media, reply_sheets
from portal.storage import models
from portal.web import uploads
from tests import media_samples
from tests.factories import CaseWorld, exchange_case
from tests.helpers import Browser, make_account, sign_in
from tests.integration.test_raw_bytes import _raw_postgres, _raw_sqlite
from tests.web.exchange_steps import decide, open_letter, release_now, start, write

FORMATS = (ConsentFormat.LETTERS, ConsentFormat.QUESTIONS, ConsentFormat.SHUTTLE, ConsentFormat.RECORDINGS)
TRANSCRIPT = "I wanted you to hear this from me. I am sorry for what I did to your home."
_MEDIA_LINK = re.compile(r'/cases/[0-9a-f-]+/files/([0-9a-f-]{36})"')


JFIF_HEADER = {"jfif", "jfif_version", "jfif_unit", "jfif_density"}  # the format itself, not about anyone


# --- Steps --------------------------------------------------------------------------------------


def _browser(app: Flask, account) -> Browser:
    browser = Browser(app.test_client())
    sign_in(app, browser, account)
    return browser


def _text(response) -> str:
    return unescape(response.get_data(as_text=True))


def upload(browser: Browser, case_id, item_id, role: str, *files: tuple[bytes, str]):
    """Open the writing page, then send its upload form with these files (bytes, the name a
    browser would send)."""
    browser.get(f"/cases/{case_id}/items/{item_id}/edit")
    payload = [(io.BytesIO(data), name) for data, name in files]
    return browser.post(f"/cases/{case_id}/items/{item_id}/files?role={role}", {"file": payload})


def file_ids(html: str) -> list[uuid.UUID]:
    return list(dict.fromkeys(uuid.UUID(found) for found in _MEDIA_LINK.findall(html)))


def jpeg_segments(data: bytes) -> set[int]:
    """The marker of every segment before the picture data: APP1 (EXIF, XMP), APP2 (ICC),
    COM (a comment) and the rest would each show here."""
    found, at = set(), 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        found.add(marker)
        if marker == 0xDA:  # the scan: picture data from here on
            break
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return found


def download(browser: Browser, case_id, media_id, **headers):
    return browser.client.get(f"/cases/{case_id}/files/{media_id}", headers=headers)


def review_and_release(app: Flask, world: CaseWorld, item_id) -> Browser:
    """The facilitator opens every file on the review page (as its player and pictures would),
    approves and passes it on."""
    facilitator = _browser(app, world.facilitator)
    page = facilitator.get(f"/cases/{world.case_id}/items/{item_id}/review").get_data(as_text=True)
    for media_id in file_ids(page):
        assert download(facilitator, world.case_id, media_id).status_code == 200
    assert decide(facilitator, world.case_id, item_id, "approve", checked="y").status_code == 302
    assert release_now(facilitator, world.case_id, item_id).status_code == 302
    return facilitator


def _count(app: Flask, model) -> int:
    with app.app_context():
        return unit_of_work().session.scalar(select(func.count()).select_from(model)) or 0


def _state(app: Flask, item_id) -> str:
    with app.app_context():
        return unit_of_work().session.get(models.Item, item_id).state


@pytest.fixture
def world(app: Flask) -> CaseWorld:
    return exchange_case(app, formats=FORMATS)


@pytest.fixture(scope="module")
def mp4_with_location() -> bytes:
    return media_samples.mp4_with_location()


# --- Pictures with a letter ----------------------------------------------------------------------------


def test_a_photo_with_a_letter_reaches_the_reader_without_any_metadata(app: Flask, world: CaseWorld) -> None:
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    response = harmed.get(f"/cases/{case}/items/{letter}/edit")
    assert response.headers["Permissions-Policy"].startswith("camera=(), microphone=()")  # only a recording's page
    assert "media-src 'self' blob:" in response.headers["Content-Security-Policy"]
    editing = _text(response)
    assert 'enctype="multipart/form-data"' in editing and 'name="file"' in editing and "multiple" in editing
    added = upload(harmed, case, letter, "attachment", (media_samples.jpeg_with_gps(), "IMG_2041.jpg"))
    assert added.status_code == 302 and added.location.endswith(f"/items/{letter}/edit")
    editing = _text(harmed.get(f"/cases/{case}/items/{letter}/edit"))
    assert "1 picture or page is added." in editing
    assert 'alt="Picture 1 of 1 with this letter"' in editing
    assert "Remove picture 1" in editing
    assert "IMG_2041" not in editing  # the name a browser sent is never kept
    write(harmed, case, letter, "Here is the garden now.", send=True)

    review_and_release(app, world, letter)
    responsible = _browser(app, world["responsible"].account)
    page = open_letter(responsible, case, letter)
    (picture,) = file_ids(page)
    assert 'alt="Picture 1 of 1 with this letter"' in page
    received = download(responsible, case, picture)
    assert received.status_code == 200
    assert received.headers["Content-Type"] == "image/jpeg"
    assert received.headers["Content-Disposition"] == 'inline; filename="picture.jpg"'
    assert received.headers["X-Content-Type-Options"] == "nosniff"
    assert received.headers["Cache-Control"] == "no-store"
    cleaned = Image.open(io.BytesIO(received.data))
    assert cleaned.format == "JPEG"
    assert not cleaned.getexif()
    assert set(cleaned.info) <= JFIF_HEADER, cleaned.info  # no EXIF, GPS, XMP, ICC profile, comment
    assert jpeg_segments(received.data) <= {0xE0, 0xDB, 0xC0, 0xC4, 0xDA}  # only JFIF, tables, frame, scan
    for marker in (media_samples.CAMERA_MAKE, media_samples.CAMERA_MODEL, media_samples.SECRET_COMMENT):
        assert marker.encode() not in received.data


# --- Recorded messages ------------------------------------------------------------------------------


def recording_sent(
    app: Flask, world: CaseWorld, data: bytes, name: str = "VID_0001.mp4"
) -> tuple[uuid.UUID, uuid.UUID]:
    """The person harmed records a message (a file from their phone), writes its transcript and
    sends it. Returns the item's and the recording's ids."""
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    item_id = start(harmed, case, "recording")
    editing = harmed.get(f"/cases/{case}/items/{item_id}/edit")
    assert editing.headers["Permissions-Policy"].startswith("camera=(self), microphone=(self)")
    page = _text(editing)
    assert 'accept="video/*,audio/*"' in page and "data-recorder hidden" in page and "Record here" in page
    assert "<video" not in page.split("data-recorder", 1)[0]  # no player before there is a recording
    assert upload(harmed, case, item_id, "recording", (data, name)).status_code == 302
    page = _text(harmed.get(f"/cases/{case}/items/{item_id}/edit"))
    assert "Your recording is added." in page
    (recording,) = file_ids(page)
    player = (
        f'<video class="media-player" controls preload="metadata" playsinline src="/cases/{case}/files/{recording}"'
    )
    assert player in page
    assert write(harmed, case, item_id, TRANSCRIPT, send=True).status_code == 302
    assert _state(app, item_id) == ItemState.SUBMITTED
    return item_id, recording


def test_a_recording_is_approved_only_once_opened_and_reaches_the_recipient_without_tags(
    app: Flask, world: CaseWorld, mp4_with_location: bytes, tmp_path: Path
) -> None:
    case = world.case_id
    item_id, recording = recording_sent(app, world, mp4_with_location)
    responsible = _browser(app, world["responsible"].account)
    assert download(responsible, case, recording).status_code == 404  # not theirs until passed on

    facilitator = _browser(app, world.facilitator)
    review = _text(facilitator.get(f"/cases/{case}/items/{item_id}/review"))
    assert "Not opened yet" in review and "Approving needs every file opened by you first" in review
    assert 'preload="none"' in review  # the page opening does not count as watching it
    refused = decide(facilitator, case, item_id, "approve", checked="y")
    assert refused.status_code == 400
    assert "Please open the file before you approve this: 1 file hasn't been opened by you yet." in _text(refused)
    assert _state(app, item_id) == ItemState.SUBMITTED

    assert download(facilitator, case, recording, Range="bytes=0-").status_code == 206  # the player's first ask
    assert "Opened" in _text(facilitator.get(f"/cases/{case}/items/{item_id}/review"))
    assert decide(facilitator, case, item_id, "approve", checked="y").status_code == 302
    assert release_now(facilitator, case, item_id).status_code == 302

    page = open_letter(responsible, case, item_id)
    assert TRANSCRIPT in page
    assert "<video" not in page and "<audio" not in page  # the words first; no face until chosen
    watch = f'href="/cases/{case}/items/{item_id}?play={recording}#player-{recording}"'
    assert watch in page and "Watch the video" in page
    playing = _text(responsible.get(f"/cases/{case}/items/{item_id}?play={recording}"))
    assert f'src="/cases/{case}/files/{recording}"' in playing and "<video" in playing
    track = re.search(r'<track kind="captions" src="([^"]+)" default srclang="en" label="([^"]+)">', playing)
    assert track and track.group(2) == "Captions from the written transcript"

    captions = responsible.client.get(track.group(1))
    assert captions.status_code == 200 and captions.mimetype == "text/vtt"
    vtt = captions.get_data(as_text=True)
    assert vtt.startswith("WEBVTT\n\nNOTE The timing of these captions is approximate")
    assert "I wanted you to hear this from me." in vtt and "I am sorry for what I did to your home." in vtt

    received = download(responsible, case, recording)
    assert received.status_code == 200 and received.headers["Content-Type"] == "video/mp4"
    assert received.headers["Content-Disposition"] == 'inline; filename="recording.mp4"'
    assert int(received.headers["Content-Length"]) == len(received.data)
    probe = media_samples.ffprobe_json(received.data, tmp_path)
    tags = {key.lower(): value for key, value in probe["format"].get("tags", {}).items()}
    for stream in probe["streams"]:
        tags |= {key.lower(): value for key, value in stream.get("tags", {}).items()}
    assert not [key for key in tags if "location" in key or key in ("title", "artist", "comment", "encoder")], tags
    for marker in media_samples.MARKERS:
        assert marker.encode() not in received.data
    assert sorted(stream["codec_type"] for stream in probe["streams"]) == ["audio", "video"]


def test_captions_for_the_other_side_leave_out_what_the_review_removed(
    app: Flask, world: CaseWorld, mp4_with_location: bytes
) -> None:
    case = world.case_id
    item_id, recording = recording_sent(app, world, mp4_with_location)
    facilitator = _browser(app, world.facilitator)
    facilitator.get(f"/cases/{case}/items/{item_id}/review")
    download(facilitator, case, recording)
    removed = decide(facilitator, case, item_id, "approve", checked="y", passage=["to your home"], passage_reason=[""])
    assert removed.status_code == 302, _text(removed)[:2000]
    release = _text(facilitator.get(f"/cases/{case}/items/{item_id}/release"))
    track = re.search(r'<track kind="captions" src="([^"]+)"', release)
    assert track and "words=release" in track.group(1)
    answer = facilitator.client.get(track.group(1))
    assert answer.status_code == 200, (track.group(1), _text(answer)[-1500:])
    release_copy = answer.get_data(as_text=True)
    assert "to your home" not in release_copy and "I am sorry for what I did" in release_copy
    release_now(facilitator, case, item_id)
    responsible = _browser(app, world["responsible"].account)
    page = open_letter(responsible, case, item_id)
    assert "to your home" not in page
    playing = _text(responsible.get(f"/cases/{case}/items/{item_id}?play={recording}"))
    src = unescape(re.search(r'<track kind="captions" src="([^"]+)"', playing).group(1))
    assert "words=" not in src
    theirs = responsible.client.get(src).get_data(as_text=True)
    assert "to your home" not in theirs and "I am sorry for what I did" in theirs
    writer = _browser(app, world["harmed"].account)
    assert "to your home" in writer.client.get(src).get_data(as_text=True)  # the writer's own words, whole
    other = exchange_case(app, formats=FORMATS)
    stranger = _browser(app, other["responsible"].account)
    assert stranger.client.get(src).status_code == 404


# --- Serving by ranges -----------------------------------------------------------------------------------


def test_ranges_answer_206_with_the_right_bytes_and_416_outside_the_file(app: Flask, world: CaseWorld) -> None:
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    item_id = start(harmed, case, "recording")
    upload(harmed, case, item_id, "recording", (media_samples.webm_with_tags(), "clip.webm"))
    (recording,) = file_ids(_text(harmed.get(f"/cases/{case}/items/{item_id}/edit")))
    whole = download(harmed, case, recording)
    assert whole.status_code == 200 and whole.headers["Accept-Ranges"] == "bytes"
    assert whole.headers["Content-Type"] == "video/webm"
    data = whole.data
    size = len(data)
    assert size > 6000

    middle = download(harmed, case, recording, Range="bytes=100-5000")
    assert middle.status_code == 206
    assert middle.headers["Content-Range"] == f"bytes 100-5000/{size}"
    assert middle.data == data[100:5001]

    tail = download(harmed, case, recording, Range="bytes=-500")
    assert tail.status_code == 206
    assert tail.headers["Content-Range"] == f"bytes {size - 500}-{size - 1}/{size}"
    assert tail.data == data[-500:]

    rest = download(harmed, case, recording, Range="bytes=0-")
    assert rest.status_code == 206 and rest.headers["Content-Range"] == f"bytes 0-{size - 1}/{size}"
    assert rest.data == data

    outside = download(harmed, case, recording, Range=f"bytes={size + 10}-")
    assert outside.status_code == 416 and outside.headers["Content-Range"] == f"bytes */{size}"


def test_a_range_answer_is_capped_and_the_player_asks_for_the_rest(app: Flask, world: CaseWorld) -> None:
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    item_id = start(harmed, case, "recording")
    big = media_samples.mp4_moov_at_end(min_bytes=media.RANGE_CAP + 300_000, seconds=1)
    upload(harmed, case, item_id, "recording", (big, "long.mp4"))
    (recording,) = file_ids(_text(harmed.get(f"/cases/{case}/items/{item_id}/edit")))
    first = download(harmed, case, recording, Range="bytes=0-")
    size = int(first.headers["Content-Range"].rsplit("/", 1)[1])
    assert size > media.RANGE_CAP
    assert first.status_code == 206 and len(first.data) == media.RANGE_CAP
    assert first.headers["Content-Range"] == f"bytes 0-{media.RANGE_CAP - 1}/{size}"
    got = first.data
    while len(got) < size:  # as a player asks: from where the last answer ended
        more = download(harmed, case, recording, Range=f"bytes={len(got)}-")
        assert more.status_code == 206 and 0 < len(more.data) <= media.RANGE_CAP
        got += more.data
    assert got == download(harmed, case, recording).data  # the same bytes streamed whole


# --- Refusals ---------------------------------------------------------------------------------------------


def test_a_program_named_as_a_picture_is_refused_and_nothing_is_kept(app: Flask, world: CaseWorld) -> None:
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    refused = upload(harmed, case, letter, "attachment", (media_samples.elf_named_png(), "photo.png"))
    assert refused.status_code == 302
    page = _text(harmed.get(f"/cases/{case}/items/{letter}/edit"))
    assert "This file isn't a picture or document we can take." in page
    assert _count(app, models.MediaFile) == 0 and _count(app, models.MediaChunk) == 0


def test_a_multipart_post_anywhere_else_is_still_refused(app: Flask, world: CaseWorld) -> None:
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    harmed.get(f"/cases/{case}/items/{letter}/edit")
    fields = {"csrf_token": harmed.csrf_token(), "part": "Words", "action": "save"}
    sent = harmed.client.post(
        f"/cases/{case}/items/{letter}/edit",
        data={**fields, "file": (io.BytesIO(media_samples.jpeg_with_gps()), "a.jpg")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 400
    assert "Some of what you sent could not be read" in _text(sent)


def test_control_bytes_in_an_upload_forms_other_fields_are_refused(app: Flask, world: CaseWorld) -> None:
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    harmed.get(f"/cases/{case}/items/{letter}/edit")
    sent = harmed.post(
        f"/cases/{case}/items/{letter}/files?role=attachment",
        {"once": "key\x00", "file": (io.BytesIO(media_samples.jpeg_with_gps()), "a.jpg")},
    )
    assert sent.status_code == 400 and "Some of what you sent could not be read" in _text(sent)
    assert _count(app, models.MediaFile) == 0


def test_an_upload_form_without_its_csrf_token_adds_nothing(app: Flask, world: CaseWorld) -> None:
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    sent = harmed.client.post(
        f"/cases/{case}/items/{letter}/files?role=attachment",
        data={"file": (io.BytesIO(media_samples.jpeg_with_gps()), "a.jpg")},
    )
    assert sent.status_code == 400
    assert _count(app, models.MediaFile) == 0


def test_nobody_signed_out_gets_an_upload_read(app: Flask, world: CaseWorld) -> None:
    client = app.test_client()
    sent = client.post(
        f"/cases/{world.case_id}/items/{uuid.uuid4()}/files?role=attachment",
        data={"file": (io.BytesIO(b"x" * 100), "a.jpg")},
    )
    assert sent.status_code == 302 and sent.location.endswith("/sign-in")


def test_a_manager_sets_the_limits_and_a_recording_over_them_is_refused(app: Flask, world: CaseWorld) -> None:
    manager = _browser(app, make_account(app, Role.MANAGER))
    settings = _text(manager.get("/service-settings"))
    assert "Recordings and pictures" in settings and 'value="200"' in settings
    refused = manager.submit(
        "/service-settings/media",
        {"recording_mb": "5000", "recording_minutes": "10", "attachment_mb": "10", "attachments_per_item": "5"},
        from_page="/service-settings",
    )
    assert refused.status_code == 400
    minimum, maximum = LIMIT_RANGES[MediaLimit.RECORDING_MB]
    assert f"The largest recording must be between {minimum} and {maximum}." in _text(refused)
    saved = manager.submit(
        "/service-settings/media",
        {"recording_mb": "1", "recording_minutes": "1", "attachment_mb": "10", "attachments_per_item": "5"},
        from_page="/service-settings",
    )
    assert saved.status_code == 302
    assert "The limits on recordings and pictures are saved." in _text(manager.get("/service-settings"))

    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    item_id = start(harmed, case, "recording")
    page = _text(harmed.get(f"/cases/{case}/items/{item_id}/edit"))
    assert "Up to 1 MB and 1 minute." in page
    too_big = media_samples.mp4_moov_at_end(min_bytes=3 * 1024 * 1024)
    refused = upload(harmed, case, item_id, "recording", (too_big, "long.mp4"))
    assert refused.status_code == 302 and refused.location.endswith(f"/items/{item_id}/edit")
    sentence = "This file is too big. The largest that can be added is 1 MB."
    assert sentence in _text(harmed.get(f"/cases/{case}/items/{item_id}/edit"))
    assert _count(app, models.MediaFile) == 0

    # Within the body's allowance (a letter's pictures at once) but over one file's own limit:
    # read, then refused by the service with the same words.
    letter = start(harmed, case, "letter")
    eleven_mb = b"\xff\xd8\xff" + bytes(11 * 1024 * 1024)
    assert upload(harmed, case, letter, "attachment", (eleven_mb, "a.jpg")).status_code == 302
    sentence = "This file is too big. The largest that can be added is 10 MB."
    assert sentence in _text(harmed.get(f"/cases/{case}/items/{letter}/edit"))
    assert _count(app, models.MediaFile) == 0


def test_a_body_sent_without_its_length_is_refused_once_it_passes_the_limit(app: Flask, world: CaseWorld) -> None:
    """A streamed (chunked) upload states no length: its file is dropped once it passes its
    limit, and refused with the words that say how big a file may be."""
    manager = make_account(app, Role.MANAGER)
    with app.app_context():
        media.set_limits(unit_of_work(), Actor(manager.id, Role.MANAGER), Limits(recording_mb=1))
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    item_id = start(harmed, case, "recording")
    harmed.get(f"/cases/{case}/items/{item_id}/edit")
    url = f"/cases/{case}/items/{item_id}/files?role=recording"
    fields = {"csrf_token": harmed.csrf_token(), **harmed.hidden_fields(url)}
    boundary, body = encode_multipart(
        MultiDict({**fields, "file": FileStorage(io.BytesIO(bytes(3 * 1024 * 1024)), "big.webm")})
    )
    sent = harmed.client.post(
        url,
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert sent.status_code == 302 and sent.location.endswith(f"/items/{item_id}/edit")
    assert "The largest that can be added is 1 MB." in _text(harmed.get(sent.location))
    assert _count(app, models.MediaFile) == 0


# --- Who may get a file ------------------------------------------------------------------------------


def test_a_file_is_not_found_for_anyone_who_may_not_open_it(app: Flask, world: CaseWorld) -> None:
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    upload(harmed, case, letter, "attachment", (media_samples.jpeg_with_gps(), "a.jpg"))
    (picture,) = file_ids(_text(harmed.get(f"/cases/{case}/items/{letter}/edit")))
    assert download(harmed, case, picture).status_code == 200

    responsible = _browser(app, world["responsible"].account)
    assert download(responsible, case, picture).status_code == 404  # a draft: not theirs
    assert responsible.client.get(f"/cases/{case}/files/{picture}/captions.vtt?item={letter}").status_code == 404

    other = exchange_case(app, formats=FORMATS)
    assert download(_browser(app, other.facilitator), case, picture).status_code == 404  # not their case
    assert download(_browser(app, other.facilitator), other.case_id, picture).status_code == 404
    assert download(_browser(app, other["harmed"].account), other.case_id, picture).status_code == 404
    assert download(harmed, other.case_id, picture).status_code == 404  # the file under another case's id
    manager = _browser(app, make_account(app, Role.MANAGER))
    assert download(manager, case, picture).status_code in (403, 404)
    assert download(harmed, case, uuid.uuid4()).status_code == 404


def test_the_writer_removes_a_picture_from_their_draft(app: Flask, world: CaseWorld) -> None:
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    upload(
        harmed,
        case,
        letter,
        "attachment",
        (media_samples.jpeg_with_gps(), "a.jpg"),
        (media_samples.png_with_text(), "b.png"),
    )
    page = _text(harmed.get(f"/cases/{case}/items/{letter}/edit"))
    assert "2 pictures or pages are added." in page
    first, second = file_ids(page)
    assert 'alt="Picture 2 of 2 with this letter"' in page
    # The button belongs to the writing form: the words typed so far go with it, and are kept.
    assert f'form="writing-form" formaction="/cases/{case}/files/{first}/remove"' in page
    words = "Two pictures, then one."
    removed = harmed.post(f"/cases/{case}/files/{first}/remove", {"item": str(letter), "page": "edit", "part": [words]})
    assert removed.status_code == 302 and removed.location.endswith(f"/items/{letter}/edit")
    page = _text(harmed.get(f"/cases/{case}/items/{letter}/edit"))
    assert "The file is removed." in page and file_ids(page) == [second] and words in page
    assert download(harmed, case, first).status_code == 404
    with app.app_context():
        assert (
            unit_of_work().session.scalar(
                select(func.count()).select_from(models.MediaChunk).where(models.MediaChunk.media_id == first)
            )
            == 0
        )


def test_stopping_holds_a_sent_recording_and_its_file_stays_with_the_facilitator(app: Flask, world: CaseWorld) -> None:
    case = world.case_id
    item_id, recording = recording_sent(app, world, media_samples.webm_like_browser(1))
    facilitator = _browser(app, world.facilitator)
    facilitator.get(f"/cases/{case}/items/{item_id}/review")
    assert download(facilitator, case, recording).status_code == 200
    assert decide(facilitator, case, item_id, "approve", checked="y").status_code == 302
    assert _state(app, item_id) == ItemState.APPROVED

    harmed = _browser(app, world["harmed"].account)
    harmed.submit(f"/cases/{case}/stop", {})
    assert _state(app, item_id) in (ItemState.ON_HOLD, ItemState.WITHDRAWN)
    held = _state(app, item_id)
    release_now(facilitator, case, item_id)  # trying to pass it on anyway changes nothing
    assert _state(app, item_id) == held
    responsible = _browser(app, world["responsible"].account)
    assert download(responsible, case, recording).status_code == 404
    assert responsible.client.get(f"/cases/{case}/items/{item_id}").status_code == 404


def test_the_database_holds_no_plaintext_of_an_uploaded_picture(app: Flask, world: CaseWorld) -> None:
    marker = b"PLAINTEXT-MARKER-" + uuid.uuid4().hex[:8].upper().encode() + b"-"
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    picture = png_of_raw_rows(marker * 40, rows=30)
    assert marker * 3 in picture  # the upload itself carries the marker in the clear
    upload(harmed, case, letter, "attachment", (picture, "marker.png"))
    (media_id,) = file_ids(_text(harmed.get(f"/cases/{case}/items/{letter}/edit")))
    # What is stored is the cleaned copy (re-encoded, so the marker is no longer in it as text):
    # no run of its own bytes may be in the database either.
    clean = download(harmed, case, media_id).data
    windows = [clean[at : at + 24] for at in range(33, len(clean) - 24, 24)]  # past the PNG's fixed header
    assert len(windows) >= 5
    with app.app_context():
        sealed = [bytes(chunk) for chunk in unit_of_work().session.scalars(select(models.MediaChunk.sealed))]
    assert sealed and all(marker not in chunk for chunk in sealed)
    assert all(window not in chunk for window in windows for chunk in sealed)
    url = app.config["DATABASE_URL"]
    raw = _raw_postgres(app) if url.startswith("postgresql") else _raw_sqlite(url)
    assert marker not in raw and marker.hex().encode() not in raw
    for window in windows:
        assert window not in raw and window.hex().encode() not in raw


def test_an_upload_never_reaches_the_disk_in_the_clear(
    app: Flask, world: CaseWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every temporary file made while an upload is received and processed (the spool, and any
    a plain form parser would have made) is kept here to be read: none holds the upload's bytes."""
    made: list[Path] = []

    def kept(*args: object, **kwargs: object):
        kwargs["dir"] = tmp_path
        handle = tempfile.NamedTemporaryFile(*args, delete=False, **kwargs)  # noqa: SIM115
        made.append(Path(handle.name))
        return handle

    monkeypatch.setattr(tempfile, "TemporaryFile", kept)
    marker = b"ON-DISK-MARKER-" + uuid.uuid4().hex[:8].upper().encode() + b"-"
    picture = png_of_raw_rows(marker * 40, rows=800)  # well over werkzeug's 500 KB kept in memory
    assert len(picture) > 700_000
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    assert upload(harmed, case, letter, "attachment", (picture, "marker.png")).status_code == 302
    assert made  # the upload was spooled to a file
    for path in made:
        assert marker not in path.read_bytes(), path
    assert len(file_ids(_text(harmed.get(f"/cases/{case}/items/{letter}/edit")))) == 1


def png_of_raw_rows(row: bytes, rows: int) -> bytes:
    """A greyscale PNG whose pixel rows are `row`'s bytes, stored uncompressed (level 0), so the
    marker sits in the file as plain text."""
    raw = b"".join(b"\x00" + row for _ in range(rows))  # filter byte 0, then the row
    header = len(row).to_bytes(4, "big") + rows.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 0)) + chunk(b"IEND", b"")


# --- The prison bridge: printed reply sheets and their scans ------------------------------------------


def qr_from_svg_data_uri(uri: str) -> bytes:
    """The QR code of a segno SVG (rows of horizontal strokes) drawn as a PNG, as a printer and a
    camera would give it back."""
    svg = urllib.parse.unquote(uri.split(",", 1)[1])
    size = int(re.search(r"width='(\d+)'", svg).group(1)) // 5  # scale 5
    path = re.search(r"class='qrline'[^>]* d='([^']+)'", svg).group(1)
    picture = Image.new("L", (size, size), 255)
    x = y = 0.0
    for command, numbers in re.findall(r"([MmHh])([-\d.\s]+)", path):
        values = [float(v) for v in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            length = values[0] if command == "h" else values[0] - x
            for dx in range(int(length)):
                picture.putpixel((int(x) + dx, int(y - 0.5)), 0)
            x += length
    out = io.BytesIO()
    picture.resize((size * 8, size * 8), Image.Resampling.NEAREST).save(out, "PNG")
    return out.getvalue()


def test_a_printed_letter_carries_a_reply_sheet_whose_scan_files_a_reply(app: Flask) -> None:
    world = exchange_case(app, formats=FORMATS, responsible_offline=True)
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    write(harmed, case, letter, "I would like to know why it was our house.", send=True)
    facilitator = review_and_release(app, world, letter)

    printed = facilitator.get(f"/cases/{case}/items/{letter}/print").get_data(as_text=True)
    assert "Reply sheet" in printed and f"Case: {world.code}" in printed
    assert "upload it under 'File a scanned reply'." in unescape(printed)
    uri = re.search(r'<img class="reply-sheet__code" src="(data:image/svg\+xml[^"]+)"', printed).group(1)
    code = reply_sheets.reply_code(world.code, letter)
    assert codes.read_codes(qr_from_svg_data_uri(unescape(uri))) == [code]

    assert "File a scanned reply" in _text(facilitator.get("/cases/"))
    form = _text(facilitator.get("/scans"))
    assert 'enctype="multipart/form-data"' in form and 'name="file"' in form
    filed = facilitator.post("/scans", {"file": (io.BytesIO(media_samples.reply_sheet_photo(code)), "IMG_9.jpg")})
    assert filed.status_code == 302, _text(filed)[:3000]
    match = re.search(r"/cases/([0-9a-f-]+)/items/([0-9a-f-]+)/edit$", filed.location)
    assert match and uuid.UUID(match.group(1)) == case
    draft = uuid.UUID(match.group(2))
    url, fields = facilitator.last_post  # a double click, or a retry: the same form, the same file
    again = facilitator.client.post(
        url, data={**fields, "file": (io.BytesIO(media_samples.reply_sheet_photo(code)), "IMG_9.jpg")}
    )
    assert again.status_code == 302 and again.location == filed.location
    with app.app_context():
        row = unit_of_work().session.get(models.Item, draft)
        assert (row.state, row.author_id, row.kind) == ("draft", world["responsible"].participant_id, "letter")
        assert len(media.files_of(unit_of_work(), draft)) == 1
    editing = _text(facilitator.get(filed.location))
    assert "The scan is filed with their reply." in editing
    assert 'alt="Scan of the handwritten reply, picture 1 of 1"' in editing
    (scan,) = file_ids(editing)
    assert "Pass this scan on with the reply" in editing
    assert download(facilitator, case, scan).headers["Content-Type"] == "image/jpeg"

    # Transcribed, reviewed and passed on without the scan: the person harmed never gets it.
    write(facilitator, case, draft, "Because the door was open. I am sorry.", send=True)
    review_and_release(app, world, draft)
    assert "Because the door was open" in open_letter(harmed, case, draft)
    assert file_ids(_text(harmed.get(f"/cases/{case}/items/{draft}"))) == []
    assert download(harmed, case, scan).status_code == 404


def test_a_scan_passes_on_only_when_the_facilitator_chooses(app: Flask) -> None:
    world = exchange_case(app, formats=FORMATS, responsible_offline=True)
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    write(harmed, case, letter, "Can you tell me what happened?", send=True)
    facilitator = review_and_release(app, world, letter)
    code = reply_sheets.reply_code(world.code, letter)
    facilitator.get("/scans")
    filed = facilitator.post("/scans", {"file": (io.BytesIO(media_samples.reply_sheet_photo(code)), "a.jpg")})
    draft = uuid.UUID(filed.location.rsplit("/", 2)[-2])
    (scan,) = file_ids(_text(facilitator.get(filed.location)))
    chosen = facilitator.post(f"/cases/{case}/files/{scan}/pass-on", {"passes_on": "y"})
    assert chosen.status_code == 302 and chosen.location.endswith(f"/items/{draft}/edit")
    editing = _text(facilitator.get(chosen.location))
    assert "The scan will be passed on with the reply." in editing
    assert re.search(rf'id="passes-on-{scan}" name="passes_on" value="y" checked', editing)
    write(facilitator, case, draft, "I was in a bad place then.", send=True)
    review_and_release(app, world, draft)
    open_letter(harmed, case, draft)
    assert download(harmed, case, scan).status_code == 200


def test_a_reply_sheet_of_another_facilitators_case_is_refused(app: Flask) -> None:
    world = exchange_case(app, formats=FORMATS, responsible_offline=True)
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, world.case_id, "letter")
    write(harmed, world.case_id, letter, "A question for you.", send=True)
    review_and_release(app, world, letter)

    other = exchange_case(app, formats=FORMATS)
    stranger = _browser(app, other.facilitator)
    stranger.get("/scans")
    photo = media_samples.reply_sheet_photo(reply_sheets.reply_code(world.code, letter))
    refused = stranger.post("/scans", {"file": (io.BytesIO(photo), "a.jpg")})
    assert refused.status_code == 400
    assert "This reply sheet doesn't belong to a letter in one of your cases that has been passed on." in _text(refused)
    assert _count(app, models.MediaFile) == 0

    nothing = stranger.post("/scans", {"file": (io.BytesIO(media_samples.jpeg_with_gps()), "a.jpg")})
    assert "No reply sheet code was found on this scan." in _text(nothing)


def test_a_facilitator_records_an_offline_recipient_watched_it_on_a_service_device(app: Flask) -> None:
    world = exchange_case(app, formats=FORMATS, responsible_offline=True)
    case = world.case_id
    item_id, recording = recording_sent(app, world, media_samples.webm_like_browser(1))
    facilitator = review_and_release(app, world, item_id)
    page = _text(facilitator.get(f"/cases/{case}/items/{item_id}"))
    assert "They watched it with me on a service device" in page
    shown = facilitator.post(f"/cases/{case}/files/{recording}/shown", {})
    assert shown.status_code == 302 and shown.location.endswith(f"/items/{item_id}")
    page = _text(facilitator.get(shown.location))
    assert "Recorded: they watched or heard it with you on a service device." in page
    assert "They watched or heard it with you on a service device on" in page
    with app.app_context():
        row = unit_of_work().session.get(models.MediaFile, recording)
        assert row.shown_on_device_at is not None and row.shown_by_id == world.facilitator.id


def test_words_typed_before_adding_a_picture_are_kept(app: Flask, world: CaseWorld) -> None:
    """On the writing page the file controls belong to the writing form: adding a picture sends
    the words typed so far with it, and they are saved first, so nothing typed is lost."""
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    editing = _text(harmed.get(f"/cases/{case}/items/{letter}/edit"))
    assert 'id="writing-form"' in editing and 'form="writing-form" formaction="' in editing
    payload = [(io.BytesIO(media_samples.png_with_text()), "drawing.png")]
    words = "This is the drawing my son made for you."
    added = harmed.post(f"/cases/{case}/items/{letter}/files?role=attachment", {"file": payload, "part": [words]})
    assert added.status_code == 302
    editing = _text(harmed.get(f"/cases/{case}/items/{letter}/edit"))
    assert words in editing and "1 picture or page is added." in editing
    refused = harmed.post(
        f"/cases/{case}/items/{letter}/files?role=attachment",
        {"file": [(io.BytesIO(media_samples.elf_named_png()), "x.png")], "part": [words + " And a second line."]},
    )
    assert refused.status_code == 302
    editing = _text(harmed.get(f"/cases/{case}/items/{letter}/edit"))
    assert words + " And a second line." in editing  # the file was refused, the words were kept


def test_saving_or_sending_with_a_file_chosen_but_not_added_keeps_the_words_and_says_so(
    app: Flask, world: CaseWorld
) -> None:
    """Without JavaScript a chosen file is sent only by its own button; Save or Send would leave
    it behind, so the page says so and keeps the words (nothing is sent without the file)."""
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    harmed.get(f"/cases/{case}/items/{letter}/edit")
    words = "Here is a photo of the mended gate."
    page = harmed.post(f"/cases/{case}/items/{letter}/edit", {"part": [words], "action": "submit", "file": "gate.jpg"})
    assert page.status_code == 400
    text = unescape(_text(page))
    assert "You chose a file, but it is not added yet." in text and words in text
    assert _state(app, letter) == "draft"


def test_what_an_upload_may_weigh_comes_from_the_item_and_another_cases_item_is_not_found(
    app: Flask, world: CaseWorld
) -> None:
    manager = _browser(app, make_account(app, Role.MANAGER))
    manager.submit(
        "/service-settings/media",
        {"recording_mb": "100", "recording_minutes": "10", "attachment_mb": "1", "attachments_per_item": "1"},
        from_page="/service-settings",
    )
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    three_mb = b"\xff\xd8\xff" + bytes(3 * 1024 * 1024)
    # Asking for a recording's allowance on a letter changes nothing: the letter's limit holds.
    refused = upload(harmed, case, letter, "recording", (three_mb, "a.jpg"))
    assert refused.status_code == 302
    assert "The largest that can be added is 1 MB." in _text(harmed.get(f"/cases/{case}/items/{letter}/edit"))
    other = exchange_case(app, formats=FORMATS)
    elsewhere = _browser(app, other["harmed"].account)
    own = start(elsewhere, other.case_id, "letter")
    elsewhere.get(f"/cases/{other.case_id}/items/{own}/edit")
    assert (
        elsewhere.post(f"/cases/{case}/items/{letter}/files", {"file": [(io.BytesIO(b"x" * 10), "a.jpg")]}).status_code
        == 404
    )
    assert _count(app, models.MediaFile) == 0


def test_words_sent_with_a_file_too_big_are_kept_and_a_body_past_the_proxys_ceiling_is_refused_unread(
    app: Flask, world: CaseWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager = make_account(app, Role.MANAGER)
    with app.app_context():
        media.set_limits(unit_of_work(), Actor(manager.id, Role.MANAGER), Limits(attachment_mb=1))
    case = world.case_id
    harmed = _browser(app, world["harmed"].account)
    letter = start(harmed, case, "letter")
    harmed.get(f"/cases/{case}/items/{letter}/edit")
    words = "The garden gate, as it is now."
    three_mb = (io.BytesIO(b"\xff\xd8\xff" + bytes(3 * 1024 * 1024)), "gate.jpg")
    sent = harmed.post(f"/cases/{case}/items/{letter}/files", {"file": [three_mb], "part": [words]})
    assert sent.status_code == 302
    page = _text(harmed.get(sent.location))
    assert "The largest that can be added is 1 MB." in page and words in page
    assert _count(app, models.MediaFile) == 0
    monkeypatch.setattr(uploads, "BODY_CEILING", 2 * 1024 * 1024)  # as if past what nginx takes
    harmed.get(f"/cases/{case}/items/{letter}/edit")
    again = (io.BytesIO(b"\xff\xd8\xff" + bytes(3 * 1024 * 1024)), "gate.jpg")
    refused = harmed.post(f"/cases/{case}/items/{letter}/files", {"file": [again], "part": [words + "!"]})
    assert refused.status_code == 303  # refused by its stated length, before a byte is read
    assert "The largest that can be added is 1 MB." in _text(harmed.get(refused.location))
