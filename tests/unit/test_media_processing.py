"""Media processing: what leaves portal/media has no metadata, and no plaintext touched the disk.

Samples come from tests/media_samples.py, made once per module. The recordings' outputs are
written to tmp_path only here, in the test, to read them back with ffprobe.
"""

from __future__ import annotations

import io
import os
import re
import struct
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageFile, ImageOps
from werkzeug.formparser import parse_form_data

from portal.domain.enums import MediaKind, SourceType
from portal.domain.errors import DomainError
from portal.domain.problems import Problem
from portal.media import av, codes, documents, images, tools
from portal.media.refusals import MediaRefused
from portal.media.spool import CHUNK_SIZE, SEALED_SIZE, SealedSpool, SpoolTampered
from tests import media_samples as samples

MARKER = b"PLAINTEXT-MARKER-0042"


def spool_of(data: bytes) -> SealedSpool:
    spool = SealedSpool()
    spool.write(data)
    return spool


def sealed_file_bytes(spool: SealedSpool) -> bytes:
    """What lies on disk: the temp file read through its descriptor (it has no name)."""
    with open(f"/proc/self/fd/{spool._fd}", "rb") as raw:
        return raw.read()


def all_tags(report: dict[str, Any]) -> dict[str, str]:
    """Every tag of the format and of every stream, keys lower-cased."""
    tags = {key.lower(): str(value) for key, value in report["format"].get("tags", {}).items()}
    for stream in report["streams"]:
        tags.update(
            {f"stream{stream['index']}:{key.lower()}": str(value) for key, value in stream.get("tags", {}).items()}
        )
    return tags


def assert_no_identifying_tags(report: dict[str, Any]) -> None:
    tags = all_tags(report)
    text = " ".join(f"{key}={value}" for key, value in tags.items())
    for marker in samples.MARKERS:
        assert marker not in text
    for name in ("title", "artist", "comment", "location", "creation_time", "date"):
        assert not any(key.split(":")[-1].startswith(name) for key in tags), name
    # Our own muxer and encoder may name themselves ("Lavf", "Lavc libopus"), never with a
    # version: the source's "Lavf59.27.100" must go.
    for key, value in tags.items():
        if key.split(":")[-1] == "encoder":
            assert value in ("Lavf", "Lavc libopus", "Lavc libx264", "Lavc aac"), (key, value)


def streams_of(report: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [stream for stream in report["streams"] if stream["codec_type"] == kind]


# -- SealedSpool --------------------------------------------------------------------------------


def test_the_spool_file_holds_no_plaintext_and_reads_back_exactly(tmp_path: Path) -> None:
    data = (MARKER + os.urandom(5000)) * 60  # about 300 KB: several chunks, a short last one
    spool = SealedSpool(directory=tmp_path)
    for start in range(0, len(data), 7777):  # writes that straddle chunk boundaries
        spool.write(data[start : start + 7777])
    assert spool.size == len(data)
    assert spool.seek(0) == 0

    on_disk = sealed_file_bytes(spool)
    assert MARKER not in on_disk
    assert data[100:164] not in on_disk
    chunks = -(-len(data) // CHUNK_SIZE)
    assert len(on_disk) == (chunks - 1) * SEALED_SIZE + (len(data) - (chunks - 1) * CHUNK_SIZE) + 28
    assert os.listdir(tmp_path) == []  # no name on disk at all

    assert spool.read(10) == data[:10]
    assert spool.read(CHUNK_SIZE) == data[10 : 10 + CHUNK_SIZE]
    assert spool.read() == data[10 + CHUNK_SIZE :]
    assert spool.read() == b""
    spool.seek(-5, io.SEEK_END)
    assert spool.read() == data[-5:]
    spool.seek(CHUNK_SIZE - 3)
    assert spool.tell() == CHUNK_SIZE - 3
    assert spool.read(6) == data[CHUNK_SIZE - 3 : CHUNK_SIZE + 3]
    spool.close()


@pytest.mark.parametrize(
    ("offset", "length"),
    [(0, 1), (0, CHUNK_SIZE), (CHUNK_SIZE - 1, 2), (CHUNK_SIZE, CHUNK_SIZE), (12345, 3 * CHUNK_SIZE), (0, 10**9)],
)
def test_ranges_read_exactly_what_they_ask_for(offset: int, length: int) -> None:
    data = os.urandom(4 * CHUNK_SIZE + 17)
    with spool_of(data) as spool:
        pieces = list(spool.open_range(offset, length))
        assert b"".join(pieces) == data[offset : offset + length]
        assert all(len(piece) <= CHUNK_SIZE for piece in pieces)
        assert spool.read_range(offset, length) == data[offset : offset + length]
        assert spool.read_range(len(data), 10) == b""


def test_ranges_can_be_read_from_many_threads_at_once() -> None:
    data = os.urandom(6 * CHUNK_SIZE + 5)
    spans = [(start, 70_001) for start in range(0, len(data), 9_973)]
    with spool_of(data) as spool, ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda span: spool.read_range(*span), spans))
    assert results == [data[start : start + length] for start, length in spans]


@pytest.mark.parametrize("size", [0, 1, CHUNK_SIZE, 2 * CHUNK_SIZE, 2 * CHUNK_SIZE + 1])
def test_sizes_at_the_chunk_edges_read_back(size: int) -> None:
    data = os.urandom(size)
    with spool_of(data) as spool:
        assert spool.read() == data
        assert b"".join(spool.chunks()) == data


def test_a_changed_or_cut_spool_file_refuses_to_read() -> None:
    data = os.urandom(3 * CHUNK_SIZE)
    with spool_of(data) as spool:
        spool.finish()
        raw = bytearray(sealed_file_bytes(spool))
        raw[SEALED_SIZE + 40] ^= 1
        os.pwrite(spool._fd, bytes(raw), 0)
        with pytest.raises(SpoolTampered):
            spool.read_range(CHUNK_SIZE, 10)
        assert spool.read_range(0, 10) == data[:10]  # the untouched chunk still opens
    with spool_of(data) as spool:
        spool.finish()
        os.ftruncate(spool._fd, 2 * SEALED_SIZE)
        with pytest.raises(SpoolTampered):
            spool.read_range(2 * CHUNK_SIZE, 10)
    with spool_of(data) as spool:  # chunks swapped: each is bound to its place
        spool.finish()
        sealed = sealed_file_bytes(spool)
        os.pwrite(spool._fd, sealed[SEALED_SIZE : 2 * SEALED_SIZE] + sealed[:SEALED_SIZE], 0)
        with pytest.raises(SpoolTampered):
            spool.read_range(0, 10)


def test_writing_ends_at_the_first_read_and_close_deletes_the_file() -> None:
    spool = spool_of(b"abc")
    assert spool.read() == b"abc"
    with pytest.raises(ValueError):
        spool.write(b"more")
    descriptor = spool._fd
    spool.close()
    assert spool.closed
    with pytest.raises(OSError):
        os.fstat(descriptor)
    with pytest.raises(ValueError):
        spool.read()


def test_the_spool_serves_as_werkzeugs_stream_factory() -> None:
    """A multipart upload parsed with SealedSpool.stream_factory never lands in the clear."""
    content = MARKER * 40_000  # 840 KB, past werkzeug's in-memory threshold
    boundary = "----rxboundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="letter.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    _, _, files = parse_form_data(environ, stream_factory=SealedSpool.stream_factory)
    upload = files["file"]
    spool = upload.stream
    assert isinstance(spool, SealedSpool)
    assert MARKER not in sealed_file_bytes(spool)
    assert upload.read() == content
    spool.close()


# -- pictures -----------------------------------------------------------------------------------


def jpeg_segments(data: bytes) -> list[int]:
    """The JPEG's marker segments up to the scan (APP1 = EXIF/XMP, APP2 = ICC, COM = comment)."""
    markers, offset = [], 2
    assert data[:2] == b"\xff\xd8"
    while offset < len(data):
        marker = data[offset + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            return markers
        (length,) = struct.unpack(">H", data[offset + 2 : offset + 4])
        offset += 2 + length
    return markers


def grey(picture: Image.Image, point: tuple[int, int]) -> int:
    value = picture.convert("L").getpixel(point)
    assert isinstance(value, int | float)
    return int(value)


def png_chunks(data: bytes) -> list[bytes]:
    kinds, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kinds.append(data[offset + 4 : offset + 8])
        offset += 12 + length
    return kinds


def test_a_cleaned_jpeg_has_no_metadata_at_all_and_stands_upright() -> None:
    original = samples.jpeg_with_gps(width=120, height=80, orientation=6)
    before = Image.open(io.BytesIO(original))
    assert before.getexif().get_ifd(0x8825)  # the sample really carries GPS, XMP, ICC and a comment
    assert {"exif", "xmp", "icc_profile", "comment"} <= set(before.info)

    clean = images.clean_image(original, SourceType.JPEG, max_pixels=1_000_000)

    assert clean.content_type == "image/jpeg"
    after = Image.open(io.BytesIO(clean.data))
    assert after.format == "JPEG"
    assert not after.getexif()
    assert set(after.info) <= {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi"}
    assert not set(jpeg_segments(clean.data)) & {0xE1, 0xE2, 0xED, 0xFE}  # no APP1, APP2, APP13, COM
    for marker in (*samples.MARKERS, "GPS", "xmpmeta", "Exif"):
        assert marker.encode() not in clean.data
    # Orientation 6 applied to the pixels: shown 80 x 120, the red half on top, blue below.
    assert (clean.width, clean.height) == (after.width, after.height) == (80, 120)
    upright = ImageOps.exif_transpose(before)
    for point in [(40, 10), (40, 110)]:
        expected = upright.getpixel(point)
        got = after.getpixel(point)
        assert isinstance(expected, tuple) and isinstance(got, tuple)
        assert all(abs(a - b) < 24 for a, b in zip(got, expected, strict=True))
    assert after.getpixel((40, 10))[0] > 180  # type: ignore[index]
    assert after.getpixel((40, 110))[2] > 180  # type: ignore[index]


def test_webp_becomes_jpeg_without_its_exif() -> None:
    source = Image.open(io.BytesIO(samples.jpeg_with_gps()))
    webp = io.BytesIO()
    source.save(webp, "WEBP", exif=source.info["exif"], icc_profile=source.info["icc_profile"])
    clean = images.clean_image(webp.getvalue(), SourceType.WEBP)
    after = Image.open(io.BytesIO(clean.data))
    assert (after.format, clean.content_type) == ("JPEG", "image/jpeg")
    assert not after.getexif()
    assert samples.CAMERA_MAKE.encode() not in clean.data


def test_png_text_chunks_exif_and_profile_are_gone() -> None:
    original = samples.png_with_text()
    before = Image.open(io.BytesIO(original))
    assert {"Author", "Comment", "Description", "icc_profile", "exif"} <= set(before.info)

    clean = images.clean_image(original, SourceType.PNG)

    after = Image.open(io.BytesIO(clean.data))
    assert (after.format, clean.content_type, after.mode) == ("PNG", "image/png", "RGBA")
    assert after.info == {}
    assert not after.getexif()
    assert set(png_chunks(clean.data)) <= {b"IHDR", b"IDAT", b"IEND"}
    assert after.getpixel((5, 5)) == (10, 200, 10, 128)  # the pixels, transparency included, survive
    for marker in samples.MARKERS:
        assert marker.encode() not in clean.data


def test_a_gif_keeps_its_first_frame_only_as_a_png() -> None:
    clean = images.clean_image(samples.gif_two_frames(), SourceType.GIF)
    after = Image.open(io.BytesIO(clean.data))
    assert after.format == "PNG"
    assert getattr(after, "n_frames", 1) == 1
    assert after.convert("RGB").getpixel((8, 8)) == (255, 0, 0)
    assert samples.SECRET_COMMENT.encode() not in clean.data


def test_a_decompression_bomb_is_refused_before_it_is_decoded(monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = samples.png_decompression_bomb(side=20_000)
    assert len(bomb) < 100_000  # 400 megapixels in under 100 KB
    decoded: list[object] = []
    real_load = ImageFile.ImageFile.load

    def spy(self: ImageFile.ImageFile) -> Any:
        decoded.append(self)
        return real_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    with pytest.raises(MediaRefused) as refused:
        images.clean_image(bomb, SourceType.PNG, max_pixels=50_000_000)
    assert refused.value.problem == Problem.MEDIA_UNREADABLE
    assert refused.value.reason == "too-many-pixels"
    assert decoded == []
    # The limit is the caller's: an ordinary picture over a small limit is refused the same way.
    with pytest.raises(MediaRefused) as small:
        images.clean_image(samples.jpeg_with_gps(), SourceType.JPEG, max_pixels=1000)
    assert small.value.reason == "too-many-pixels"


def test_an_executable_named_png_is_refused_as_a_picture() -> None:
    elf = samples.elf_named_png()
    assert elf.startswith(b"\x7fELF")
    for source in (SourceType.PNG, SourceType.JPEG, SourceType.GIF, SourceType.WEBP):
        with pytest.raises(MediaRefused) as refused:
            images.clean_image(elf, source)
        assert refused.value.problem == Problem.MEDIA_UNREADABLE
        assert str(refused.value) == Problem.MEDIA_UNREADABLE.value


def test_a_picture_is_read_only_as_the_format_its_bytes_were_identified_as() -> None:
    with pytest.raises(MediaRefused):
        images.clean_image(samples.png_with_text(), SourceType.JPEG)
    with pytest.raises(MediaRefused) as nothing:
        images.clean_image(b"", SourceType.PNG)
    assert nothing.value.problem == Problem.MEDIA_EMPTY
    with pytest.raises(ValueError):
        images.clean_image(samples.pdf_with_pages(1), SourceType.PDF)


# -- PDFs ---------------------------------------------------------------------------------------


def test_pdf_pages_renders_each_page_as_a_clean_png() -> None:
    pages = documents.pdf_pages(samples.pdf_with_pages(3), max_pages=5)
    assert len(pages) == 3
    for page in pages:
        picture = Image.open(io.BytesIO(page.data))
        assert (picture.format, page.content_type) == ("PNG", "image/png")
        assert (page.width, page.height) == picture.size
        assert 1200 <= page.width <= documents.MAX_WIDTH_PX  # A4 at about 150 dpi
        assert picture.info == {}
        assert set(png_chunks(page.data)) <= {b"IHDR", b"IDAT", b"IEND"}
        assert samples.SECRET_ARTIST.encode() not in page.data
        # The black box drawn on the page (72-272 pt across, 142-242 pt down) is there; the corner is white.
        assert grey(picture, (int(100 * 150 / 72), int(200 * 150 / 72))) < 40
        assert grey(picture, (page.width - 20, page.height - 20)) > 240


def test_a_wide_page_is_drawn_at_most_1700_pixels_wide() -> None:
    wide = samples.pdf_with_pages(1).replace(b"/MediaBox [0 0 595 842]", b"/MediaBox [0 0 1684 1191]")
    (page,) = documents.pdf_pages(wide, max_pages=1)
    assert page.width == documents.MAX_WIDTH_PX


@pytest.mark.parametrize(
    "make",
    [
        samples.pdf_with_javascript,
        samples.pdf_with_escaped_javascript,
        samples.pdf_with_javascript_in_object_stream,
        samples.pdf_with_javascript_behind_a_fake_stream,
        samples.pdf_with_form,
        samples.pdf_with_attachment,
    ],
)
def test_pdfs_with_scripts_forms_or_files_are_refused(make: Any) -> None:
    with pytest.raises(MediaRefused) as refused:
        documents.pdf_pages(make(), max_pages=5)
    assert refused.value.problem == Problem.MEDIA_UNREADABLE
    assert refused.value.reason == "pdf-active-content"


def test_pdfiums_own_counts_refuse_what_the_name_scan_was_told_to_miss(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "active_content", lambda data: None)
    for make in (samples.pdf_with_form, samples.pdf_with_attachment):
        with pytest.raises(MediaRefused) as refused:
            documents.pdf_pages(make(), max_pages=5)
        assert refused.value.reason == "pdf-active-content"


def test_words_that_look_like_pdf_names_do_not_refuse_it() -> None:
    assert len(documents.pdf_pages(samples.pdf_mentioning_javascript(), max_pages=1)) == 1


def test_an_encrypted_pdf_is_refused_because_it_cannot_be_checked() -> None:
    with pytest.raises(MediaRefused) as refused:
        documents.pdf_pages(samples.pdf_encrypted(), max_pages=1)
    assert (refused.value.problem, refused.value.reason) == (Problem.MEDIA_UNREADABLE, "pdf-encrypted")


def test_too_many_pages_is_refused_with_the_limit() -> None:
    with pytest.raises(MediaRefused) as refused:
        documents.pdf_pages(samples.pdf_with_pages(4), max_pages=3)
    assert refused.value.problem == Problem.MEDIA_PDF_TOO_MANY_PAGES
    assert refused.value.params == {"limit": 3}


def test_a_broken_pdf_is_unreadable() -> None:
    with pytest.raises(MediaRefused) as refused:
        documents.pdf_pages(samples.pdf_with_pages(2)[:300], max_pages=3)
    assert refused.value.problem == Problem.MEDIA_UNREADABLE
    with pytest.raises(MediaRefused) as nothing:
        documents.pdf_pages(b"", max_pages=3)
    assert nothing.value.problem == Problem.MEDIA_EMPTY


# -- reply-sheet codes --------------------------------------------------------------------------


def test_read_codes_finds_the_code_in_a_turned_photo_of_the_page() -> None:
    text = "RX-7Q4K-2231/0b8e5a6c"
    assert codes.read_codes(samples.reply_sheet_photo(text)) == [text]


def test_read_codes_finds_nothing_on_a_page_without_a_code_and_refuses_a_non_picture() -> None:
    assert codes.read_codes(images.clean_image(samples.jpeg_with_gps(), SourceType.JPEG).data) == []
    with pytest.raises(MediaRefused):
        codes.read_codes(samples.elf_named_png())


# -- tools --------------------------------------------------------------------------------------


def test_tools_missing_names_what_is_not_on_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert tools.missing() == []
    monkeypatch.setenv("PATH", str(tmp_path))
    assert tools.missing() == ["ffmpeg", "ffprobe"]
    with pytest.raises(MediaRefused) as refused:
        av.clean_recording(spool_of(b"x" * 100), SourceType.WEBM, max_seconds=60)
    assert refused.value.problem == Problem.MEDIA_TOOLS_MISSING


# -- recordings ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mp4_sample() -> bytes:
    return samples.mp4_with_location(seconds=2)


@pytest.fixture(scope="module")
def webm_sample() -> bytes:
    return samples.webm_with_tags(seconds=2)


@pytest.fixture(scope="module")
def big_mp4_sample() -> bytes:
    return samples.mp4_moov_at_end(min_bytes=8 * samples.MIB)


def clean(data: bytes, source: SourceType, max_seconds: float = 60) -> tuple[av.CleanStream, bytes]:
    with spool_of(data) as spool:
        stream = av.clean_recording(spool, source, max_seconds)
        pieces = list(stream.chunks())
    assert pieces
    assert all(len(piece) == CHUNK_SIZE for piece in pieces[:-1])  # handed on as 64 KiB pieces
    return stream, b"".join(pieces)


def test_an_mp4_loses_its_location_title_and_encoder_tags(mp4_sample: bytes, tmp_path: Path) -> None:
    before = samples.ffprobe_json(mp4_sample, tmp_path)
    assert samples.SECRET_LOCATION in all_tags(before).values()  # the sample really has them

    stream, output = clean(mp4_sample, SourceType.MP4)

    assert (stream.kind, stream.content_type) == (MediaKind.VIDEO, "video/mp4")
    assert (stream.width, stream.height) == (320, 240)
    assert abs(stream.duration_ms - 2000) < 100
    report = samples.ffprobe_json(output, tmp_path)
    assert_no_identifying_tags(report)
    assert [s["codec_name"] for s in streams_of(report, "video")] == ["h264"]
    assert [s["codec_name"] for s in streams_of(report, "audio")] == ["aac"]
    assert len(report["streams"]) == 2
    assert abs(float(report["format"]["duration"]) - 2.0) < 0.1
    assert b"x264 - core" not in output  # the encoder's SEI message was filtered out of the stream
    for marker in samples.MARKERS:
        assert marker.encode() not in output
    assert b"moof" in output[:4096]  # fragmented: playable as it streams


def test_a_webm_loses_its_tags_and_keeps_its_streams_and_duration(webm_sample: bytes, tmp_path: Path) -> None:
    before = all_tags(samples.ffprobe_json(webm_sample, tmp_path))
    assert samples.SECRET_TITLE in before.values()

    stream, output = clean(webm_sample, SourceType.WEBM)

    assert (stream.kind, stream.content_type) == (MediaKind.VIDEO, "video/webm")
    assert abs(stream.duration_ms - 2000) < 100
    report = samples.ffprobe_json(output, tmp_path)
    assert_no_identifying_tags(report)
    assert [s["codec_name"] for s in streams_of(report, "video")] == ["vp8"]
    assert [s["codec_name"] for s in streams_of(report, "audio")] == ["opus"]
    assert len(report["streams"]) == 2
    assert abs(float(report["format"]["duration"]) - 2.0) < 0.1  # written up front, though streamed
    for marker in samples.MARKERS:
        assert marker.encode() not in output


def test_vorbis_audio_is_re_encoded_so_its_own_comment_header_goes(tmp_path: Path) -> None:
    vorbis = samples.webm_vorbis_with_comment()
    assert samples.SECRET_LOCATION.encode() in vorbis  # inside the codec's setup data
    stream, output = clean(vorbis, SourceType.WEBM)
    assert stream.content_type == "video/webm" and samples.SECRET_LOCATION.encode() not in output
    assert [s["codec_name"] for s in streams_of(samples.ffprobe_json(output, tmp_path), "audio")] == ["opus"]


def test_a_browser_recording_without_a_duration_is_measured_from_its_packets(tmp_path: Path) -> None:
    recorded = samples.webm_like_browser(seconds=2)
    assert "duration" not in samples.ffprobe_json(recorded, tmp_path)["format"]
    stream, output = clean(recorded, SourceType.WEBM)
    assert abs(stream.duration_ms - 2000) < 100
    assert abs(float(samples.ffprobe_json(output, tmp_path)["format"]["duration"]) - 2.0) < 0.1


def test_an_mp3_becomes_opus_in_webm_without_its_id3_tags_or_cover(tmp_path: Path) -> None:
    mp3 = samples.mp3_with_tags(seconds=2)
    assert streams_of(samples.ffprobe_json(mp3, tmp_path), "video")  # the cover picture
    stream, output = clean(mp3, SourceType.MP3)
    assert (stream.kind, stream.content_type, stream.width, stream.height) == (
        MediaKind.AUDIO,
        "audio/webm",
        None,
        None,
    )
    report = samples.ffprobe_json(output, tmp_path)
    assert_no_identifying_tags(report)
    assert [s["codec_name"] for s in report["streams"]] == ["opus"]
    assert abs(stream.duration_ms - 2000) < 150
    assert abs(float(report["format"]["duration"]) - 2.0) < 0.15


def test_codecs_browsers_do_not_play_are_re_encoded_to_h264_and_aac(tmp_path: Path) -> None:
    stream, output = clean(samples.mp4_mpeg4_part2(seconds=1), SourceType.MP4)
    assert stream.content_type == "video/mp4"
    report = samples.ffprobe_json(output, tmp_path)
    assert [s["codec_name"] for s in report["streams"]] == ["h264", "aac"]
    assert (report["streams"][0]["width"], report["streams"][0]["height"]) == (160, 120)  # made even
    assert_no_identifying_tags(report)
    assert b"x264 - core" not in output  # no encoder banner (SEI) in the H.264 stream
    assert b"Lavc5" not in output  # no versioned encoder string in the AAC stream (bit-exact)


def test_a_portrait_video_reports_its_shown_size_and_keeps_its_turn(tmp_path: Path) -> None:
    stream, output = clean(samples.mp4_portrait(seconds=1), SourceType.MP4)
    assert (stream.width, stream.height) == (240, 320)
    (video,) = streams_of(samples.ffprobe_json(output, tmp_path), "video")
    assert [side.get("rotation") for side in video.get("side_data_list", [])] == [90]


def test_h264_recorded_by_chrome_in_matroska_goes_to_mp4_with_aac(tmp_path: Path) -> None:
    stream, output = clean(samples.matroska_h264_like_chrome(seconds=1), SourceType.WEBM)
    assert (stream.kind, stream.content_type) == (MediaKind.VIDEO, "video/mp4")
    report = samples.ffprobe_json(output, tmp_path)
    assert [s["codec_name"] for s in report["streams"]] == ["h264", "aac"]
    assert_no_identifying_tags(report)
    assert abs(stream.duration_ms - 1000) < 100


def test_an_mp4_with_its_index_at_the_end_is_read_through_the_range_server(
    big_mp4_sample: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    boxes = [kind for kind, _, _ in samples.top_level_boxes(big_mp4_sample)]
    assert boxes.index("moov") > boxes.index("mdat")
    assert len(big_mp4_sample) >= 8 * samples.MIB
    # Why a pipe will not do: ffmpeg finds the index only after the media and cannot go back, so
    # it copies nothing (and still exits 0).
    copy = ["-c", "copy", "-movflags", "+frag_keyframe+empty_moov", "-f", "mp4", "pipe:1"]
    piped = subprocess.run(
        [samples.FFMPEG, "-v", "error", "-f", "mov", "-i", "pipe:0", *copy],
        input=big_mp4_sample,
        capture_output=True,
    )
    assert len(piped.stdout) < 10_000

    asked: list[tuple[int, int]] = []
    real_open_range = SealedSpool.open_range

    def spy(self: SealedSpool, offset: int, length: int) -> Iterator[bytes]:
        asked.append((offset, length))
        return real_open_range(self, offset, length)

    monkeypatch.setattr(SealedSpool, "open_range", spy)
    stream, output = clean(big_mp4_sample, SourceType.MP4)

    moov_at = next(offset for kind, offset, _ in samples.top_level_boxes(big_mp4_sample) if kind == "moov")
    assert any(offset >= moov_at - 1 for offset, _ in asked)  # ffmpeg seeked to the index over HTTP
    assert abs(stream.duration_ms - 3000) < 100
    report = samples.ffprobe_json(output, tmp_path)
    assert [s["codec_type"] for s in report["streams"]] == ["video", "audio"]
    assert abs(float(report["format"]["duration"]) - 3.0) < 0.1
    assert_no_identifying_tags(report)
    assert len(output) > 0.9 * len(big_mp4_sample)  # all the frames, copied


def test_ffmpeg_reads_only_pipes_or_the_loopback_server_and_writes_only_stdout(
    mp4_sample: bytes, webm_sample: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands: list[list[str]] = []
    real_popen = subprocess.Popen

    def recording_popen(command: list[str], *args: Any, **kwargs: Any) -> Any:
        commands.append(list(command))
        return real_popen(command, *args, **kwargs)

    monkeypatch.setattr(av.subprocess, "Popen", recording_popen)
    clean(mp4_sample, SourceType.MP4)
    clean(webm_sample, SourceType.WEBM)

    assert len(commands) == 6  # probe, measure, convert, for each
    for command in commands:
        source = command[command.index("-i") + 1]
        assert source == "pipe:0" or re.fullmatch(r"http://127\.0\.0\.1:\d+/[A-Za-z0-9_-]{43}", source), source
        assert command[command.index("-f") + 1] in ("mov", "matroska")  # the demuxer is never guessed
        assert "-protocol_whitelist" in command
    converts = [command for command in commands if Path(command[0]).name == "ffmpeg"]
    assert len(converts) == 2
    for command in converts:
        assert command[-1] == "pipe:1"
        joined = " ".join(command)
        assert "-map_metadata -1" in joined and "-map_chapters -1" in joined and "+bitexact" in joined
    mp4_urls = {command[command.index("-i") + 1] for command in commands if "mov" in command}
    assert len(mp4_urls) == 3  # a fresh random path for every run


def test_a_recording_over_the_limit_is_refused_as_too_long(mp4_sample: bytes, webm_sample: bytes) -> None:
    for data, source in ((mp4_sample, SourceType.MP4), (webm_sample, SourceType.WEBM)):
        with spool_of(data) as spool, pytest.raises(MediaRefused) as refused:
            av.clean_recording(spool, source, max_seconds=1)
        assert refused.value.problem == Problem.MEDIA_TOO_LONG
        assert "limit_minutes" in refused.value.params
    assert av.too_long(600).params == {"limit_minutes": 10}
    # Just at the limit is taken (a recorder stopped at the limit runs a frame over).
    with spool_of(webm_sample) as spool:
        assert av.clean_recording(spool, SourceType.WEBM, max_seconds=2).duration_ms > 1900


def test_a_damaged_recording_is_unreadable_and_the_refusal_quotes_nothing(webm_sample: bytes) -> None:
    damaged = webm_sample[:200] + os.urandom(2000)
    for data, source in (
        (damaged, SourceType.WEBM),
        (os.urandom(5000), SourceType.MP4),
        (b"\x00" * 900, SourceType.MP3),
    ):
        with spool_of(data) as spool, pytest.raises(DomainError) as refused:
            av.clean_recording(spool, source, max_seconds=60)
        assert refused.value.problem == Problem.MEDIA_UNREADABLE
        assert str(refused.value) == Problem.MEDIA_UNREADABLE.value
        assert samples.SECRET_TITLE not in repr(refused.value)
    with spool_of(b"") as spool, pytest.raises(DomainError) as nothing:
        av.clean_recording(spool, SourceType.WEBM, max_seconds=60)
    assert nothing.value.problem == Problem.MEDIA_EMPTY


def test_abandoning_the_output_stops_ffmpeg_and_the_server(
    big_mp4_sample: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def recording_popen(*args: Any, **kwargs: Any) -> Any:
        process = real_popen(*args, **kwargs)
        started.append(process)
        return process

    monkeypatch.setattr(av.subprocess, "Popen", recording_popen)
    threads_before = set(threading.enumerate())
    with SealedSpool() as spool:
        spool.write(big_mp4_sample)
        chunks = av.clean_recording(spool, SourceType.MP4, max_seconds=60).chunks()
        assert len(next(chunks)) == CHUNK_SIZE
        converting = started[-1]
        assert converting.poll() is None  # ffmpeg is mid-file
        chunks.close()  # type: ignore[attr-defined]
        assert converting.poll() is not None  # killed and reaped
    assert all(process.poll() is not None for process in started)
    deadline = time.monotonic() + 5
    while set(threading.enumerate()) - threads_before and time.monotonic() < deadline:
        time.sleep(0.02)  # a handler thread may still be unwinding from its broken connection
    assert not set(threading.enumerate()) - threads_before  # no server, feeder or watchdog left


def test_the_range_server_answers_only_its_path_and_honours_ranges() -> None:
    data = os.urandom(3 * CHUNK_SIZE + 11)
    with spool_of(data) as spool:
        spool.finish()
        server = av._RangeServer(spool)
        try:
            request = urllib.request.Request(server.url, headers={"Range": "bytes=70000-70099"})  # noqa: S310
            with urllib.request.urlopen(request) as answer:  # noqa: S310 - our loopback server
                assert answer.status == 206
                assert answer.headers["Content-Range"] == f"bytes 70000-70099/{len(data)}"
                assert answer.read() == data[70000:70100]
            with urllib.request.urlopen(server.url) as answer:  # noqa: S310
                assert answer.read() == data
            wrong = server.url.rsplit("/", 1)[0] + "/guess"
            with pytest.raises(urllib.error.HTTPError) as missing:
                urllib.request.urlopen(wrong)  # noqa: S310
            assert missing.value.code == 404
        finally:
            server.close()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-", (0, 99)),
        ("bytes=10-19", (10, 19)),
        ("bytes=90-500", (90, 99)),
        ("bytes=-10", (90, 99)),
        ("bytes=100-", None),
        ("bytes=5-2", None),
        ("bytes=0-1,5-6", None),
        ("items=0-1", None),
        ("bytes=x-", None),
    ],
)
def test_range_headers_are_parsed_strictly(header: str, expected: tuple[int, int] | None) -> None:
    assert av._parse_range(header, 100) == expected


def test_a_spool_past_its_limit_drops_the_rest_and_says_so() -> None:
    spool = SealedSpool(limit=100_000)
    spool.write(b"a" * 90_000)
    assert not spool.over_limit
    spool.write(b"b" * 20_000)
    spool.write(b"c" * 5)
    assert spool.over_limit and spool.size == 90_000  # nothing past the limit was kept
    spool.close()
