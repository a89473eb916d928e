"""Sample media files made on the fly, for any test that uploads or processes media.

Nothing binary is checked in: each function builds its file with Pillow, by hand (PDF, ELF,
PNG bombs) or with ffmpeg's lavfi test sources, and returns its bytes. The samples carry
the metadata a real phone or app would leave (GPS in EXIF, location and title tags, text
chunks, ID3 tags, cover art), marked with the constants below so a test can prove none of
it survives processing. Generating video takes a fraction of a second each; tests should
still build what they need once per module (a module-scoped fixture) and reuse it.

ffmpeg and ffprobe are needed for the audio and video samples (`/usr/bin`, installed by make).
"""

from __future__ import annotations

import io
import json
import math
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path
from typing import Any

import segno
from PIL import Image, ImageCms, ImageDraw, ImageFilter
from PIL.PngImagePlugin import PngInfo

# Markers planted in the samples' metadata; none may appear in a cleaned file.
SECRET_TITLE = "Secret title 4417"
SECRET_ARTIST = "Jane Witness 4417"
SECRET_COMMENT = "Taken outside 12 Acacia Avenue"
SECRET_LOCATION = "+51.5074-000.1278/"  # ISO 6709, as phones write it in MP4 and MOV
CAMERA_MAKE = "SampleCam 4417"
CAMERA_MODEL = "Model X-4417"
GPS_LATITUDE = (51.0, 30.0, 26.64)  # degrees, minutes, seconds: London
GPS_LONGITUDE = (0.0, 7.0, 39.96)
MARKERS = (SECRET_TITLE, SECRET_ARTIST, SECRET_COMMENT, SECRET_LOCATION, CAMERA_MAKE, CAMERA_MODEL)

# Colours of the JPEG's halves, so a test can tell which way up the cleaned picture is.
LEFT_COLOUR = (220, 30, 30)
RIGHT_COLOUR = (30, 30, 220)

MIB = 1024 * 1024
FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"
FFPROBE = shutil.which("ffprobe") or "/usr/bin/ffprobe"


# -- pictures -----------------------------------------------------------------------------------


def jpeg_with_gps(width: int = 120, height: int = 80, orientation: int = 6) -> bytes:
    """A phone-like JPEG: GPS and camera make/model in EXIF, an EXIF orientation, XMP, an ICC
    profile and a comment. Stored `width` x `height`, left half red, right half blue; with
    orientation 6 (the default) it is shown turned a quarter clockwise, `height` x `width`,
    red on top."""
    picture = Image.new("RGB", (width, height), RIGHT_COLOUR)
    ImageDraw.Draw(picture).rectangle((0, 0, width // 2 - 1, height - 1), fill=LEFT_COLOUR)
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = CAMERA_MAKE  # Make
    exif[0x0110] = CAMERA_MODEL  # Model
    exif[0x0132] = "2024:05:01 14:03:22"  # DateTime
    gps = exif.get_ifd(0x8825)  # GPSInfo
    gps[1] = "N"
    gps[2] = GPS_LATITUDE
    gps[3] = "W"
    gps[4] = GPS_LONGITUDE
    xmp = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="{SECRET_ARTIST}"/>'
        "</rdf:RDF></x:xmpmeta>"
    ).encode()
    out = io.BytesIO()
    picture.save(
        out,
        "JPEG",
        quality=90,
        exif=exif.tobytes(),
        xmp=xmp,
        icc_profile=_srgb_profile(),
        comment=SECRET_COMMENT.encode(),
    )
    return out.getvalue()


def png_with_text() -> bytes:
    """A PNG with tEXt, zTXt and iTXt chunks (author, comment, description), EXIF and an ICC
    profile; 40 x 30, half transparent."""
    picture = Image.new("RGBA", (40, 30), (10, 200, 10, 128))
    info = PngInfo()
    info.add_text("Author", SECRET_ARTIST)
    info.add_text("Comment", SECRET_COMMENT, zip=True)
    info.add_itxt("Description", SECRET_TITLE, lang="en", tkey="Description")
    exif = Image.Exif()
    exif[0x010F] = CAMERA_MAKE
    out = io.BytesIO()
    picture.save(out, "PNG", pnginfo=info, exif=exif.tobytes(), icc_profile=_srgb_profile())
    return out.getvalue()


def png_decompression_bomb(side: int = 20_000) -> bytes:
    """A real decompression bomb: a `side` x `side` black 1-bit PNG (400 megapixels by default)
    that is only tens of kilobytes, built scanline by scanline without holding the image."""
    row = b"\x00" * (1 + -(-side // 8))  # filter byte + packed bits
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", body) + _png_chunk(b"IEND", b"")


def gif_two_frames() -> bytes:
    """An animated GIF: a red frame then a blue one, with a comment. Only the first is kept."""
    first = Image.new("RGB", (16, 16), (255, 0, 0))
    second = Image.new("RGB", (16, 16), (0, 0, 255))
    out = io.BytesIO()
    first.save(out, "GIF", save_all=True, append_images=[second], duration=100, loop=0, comment=SECRET_COMMENT)
    return out.getvalue()


def elf_named_png() -> bytes:
    """What an upload called "photo.png" carries when it is really a Linux executable: a valid
    ELF64 header, one program header and a few instructions. Its name says picture; its bytes do
    not."""
    code = b"\x48\x31\xff\xb8\x3c\x00\x00\x00\x0f\x05"  # xor rdi,rdi; mov eax,60; syscall (exit 0)
    entry = 0x400000 + 64 + 56
    header = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    header += struct.pack("<HHIQQQIHHHHHH", 2, 0x3E, 1, entry, 64, 0, 0, 64, 56, 1, 0, 0, 0)
    size = 64 + 56 + len(code)
    program = struct.pack("<IIQQQQQQ", 1, 5, 0, 0x400000, 0x400000, size, size, 0x1000)
    return header + program + code


def reply_sheet_photo(text: str) -> bytes:
    """A phone photo of a printed reply sheet: the QR code for `text` on an A4 page with
    handwriting-like lines, the page turned 12 degrees on a dark table, scaled, a little blurred,
    saved as JPEG."""
    code = Image.open(io.BytesIO(_qr_png(text))).convert("L")
    code = code.resize((300, 300), Image.Resampling.NEAREST)
    page = Image.new("L", (1240, 1754), 246)
    draw = ImageDraw.Draw(page)
    page.paste(code, (880, 60))
    for line in range(18):
        y = 460 + line * 62
        for x in range(90, 1150, 46):
            wobble = int(9 * math.sin(x / 37 + line))
            draw.line((x, y + wobble, x + 30, y - wobble), fill=60, width=3)
    photo = page.rotate(12, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=70)
    table = Image.new("L", (photo.width + 200, photo.height + 200), 70)
    table.paste(photo, (100, 100))
    scaled = table.resize((table.width * 3 // 4, table.height * 3 // 4), Image.Resampling.BILINEAR)
    blurred = scaled.filter(ImageFilter.GaussianBlur(1.2)).convert("RGB")
    out = io.BytesIO()
    blurred.save(out, "JPEG", quality=85)
    return out.getvalue()


# -- PDFs ---------------------------------------------------------------------------------------


def pdf_with_pages(n: int, text: str = "Page {number}") -> bytes:
    """A plain PDF of `n` A4 pages, each with a black box and its text in Helvetica, and an
    /Info dictionary naming an author. `text` may hold {number}."""
    return _pdf(n, text=text)


def pdf_with_javascript() -> bytes:
    """A one-page PDF that runs JavaScript when opened (/OpenAction /S /JavaScript /JS)."""
    return _pdf(1, catalog_extra=b"/OpenAction << /S /JavaScript /JS (app.alert\\('hello'\\)) >>")


def pdf_with_escaped_javascript() -> bytes:
    """The same script with its names written in #xx escapes (/J#61vaScript, /J#53)."""
    return _pdf(1, catalog_extra=b"/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>")


def pdf_with_javascript_in_object_stream() -> bytes:
    """A PDF whose script sits in a Flate-compressed object stream, invisible to a byte search."""
    hidden = b"99 0 << /S /JavaScript /JS (app.alert\\(1\\)) >>"
    packed = zlib.compress(hidden)
    stream = (
        f"<< /Type /ObjStm /N 1 /First 5 /Filter /FlateDecode /Length {len(packed)} >>\nstream\n".encode()
        + packed
        + b"\nendstream"
    )
    return _pdf(1, extra_objects=[stream])


def pdf_with_javascript_behind_a_fake_stream() -> bytes:
    """A script that a byte search mistaking strings for syntax would skip: strings that read
    ">> stream" and "endstream" around it. A reader sees an ordinary /OpenAction script."""
    return _pdf(
        1,
        catalog_extra=b"/Xa (>> stream\n) /OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> /Xb (endstream)",
    )


def pdf_mentioning_javascript() -> bytes:
    """A harmless PDF whose strings say /JavaScript and /AcroForm (a catalog string, the page's
    text): words, not names, so it must be taken."""
    return _pdf(1, text="About /JavaScript and /AcroForm", catalog_extra=b"/Lang (/JavaScript /JS /AcroForm)")


def pdf_encrypted() -> bytes:
    """A PDF whose trailer names an /Encrypt dictionary (standard security handler)."""
    return _pdf(
        1,
        trailer_extra=b"/Encrypt << /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >> /ID [<01> <01>]",
    )


def pdf_with_form() -> bytes:
    """A PDF with an interactive form (/AcroForm with one text field)."""
    return _pdf(1, catalog_extra=b"/AcroForm << /Fields [] /NeedAppearances true >>")


def pdf_with_attachment() -> bytes:
    """A PDF carrying an embedded file (/Names /EmbeddedFiles)."""
    payload = b"hidden attachment"
    return _pdf(
        1,
        catalog_extra=b"/Names << /EmbeddedFiles << /Names [(notes.txt) {spec} 0 R] >> >>",
        extra_objects=[
            b"<< /Type /Filespec /F (notes.txt) /EF << /F {file} 0 R >> >>",
            f"<< /Type /EmbeddedFile /Length {len(payload)} >>\nstream\n".encode() + payload + b"\nendstream",
        ],
        link_extra=True,
    )


# -- recordings (ffmpeg's lavfi test sources) ---------------------------------------------------


def mp4_with_location(seconds: float = 2) -> bytes:
    """A phone-like MP4 (H.264 + AAC, 320x240, 25 fps) with location, title, artist, comment and
    creation time tags and the encoder tag ffmpeg writes; moov at the end, as ffmpeg leaves it."""
    return _ffmpeg(
        ".mp4",
        _lavfi_video(seconds, "testsrc=size=320x240:rate=25"),
        _lavfi_audio(seconds),
        ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", *_tags()],
    )


def mp4_moov_at_end(min_bytes: int = 8 * MIB, seconds: float = 3) -> bytes:
    """An MP4 of at least `min_bytes` whose index (moov) follows its media data, as a phone
    writes it: reading it front to back through a pipe fails, so it must be read with seeks.
    Noise makes it big quickly."""
    data = _ffmpeg(
        ".mp4",
        _lavfi_video(seconds, "testsrc=size=640x360:rate=25", "noise=alls=80:allf=t+u"),
        _lavfi_audio(seconds),
        ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "16", "-c:a", "aac", *_tags()],
    )
    if len(data) < min_bytes:
        raise AssertionError(f"sample came out at {len(data)} bytes, under {min_bytes}")
    return data


def webm_vorbis_with_comment(seconds: float = 1) -> bytes:
    """VP8 with Vorbis audio whose own comment header (inside the codec's setup data, where
    -map_metadata never reaches) holds a location: the portal must re-encode the audio."""
    return _ffmpeg(
        ".webm",
        _lavfi_video(seconds, "testsrc=size=160x120:rate=10"),
        _lavfi_audio(seconds),
        ["-c:v", "libvpx", "-c:a", "libvorbis", "-metadata:s:a:0", f"GPS={SECRET_LOCATION}"],
    )


def mp4_mpeg4_part2(seconds: float = 1) -> bytes:
    """An MP4 with MPEG-4 part 2 video and MP3 audio: codecs browsers do not play, so the
    portal must re-encode (H.264 + AAC). 161x121: odd sizes, as some cameras make."""
    return _ffmpeg(
        ".mp4",
        _lavfi_video(seconds, "testsrc=size=161x121:rate=25"),
        _lavfi_audio(seconds),
        ["-c:v", "mpeg4", "-c:a", "libmp3lame", *_tags()],
    )


def mp4_portrait(seconds: float = 1) -> bytes:
    """A portrait phone video: pictures stored 320x240 with a display matrix turning them a
    quarter (rotation 90), so it is shown 240 wide and 320 high."""
    landscape = mp4_with_location(seconds)
    with tempfile.TemporaryDirectory() as directory:
        source, turned = Path(directory) / "in.mp4", Path(directory) / "out.mp4"
        source.write_bytes(landscape)
        turn = ["-c", "copy", "-metadata:s:v", "rotate=90", str(turned)]
        subprocess.run(
            [FFMPEG, "-nostdin", "-v", "error", "-i", str(source), *turn],
            check=True,
            capture_output=True,
        )
        return turned.read_bytes()


def matroska_h264_like_chrome(seconds: float = 1) -> bytes:
    """What Chrome's MediaRecorder gives for "video/webm;codecs=h264": H.264 and Opus in
    Matroska, written as a stream (no duration, no cues). Identified as WebM by its bytes."""
    inputs = [*_lavfi_video(seconds, "testsrc=size=320x240:rate=25"), *_lavfi_audio(seconds)]
    codecs = ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "libopus"]
    command = [FFMPEG, "-nostdin", "-v", "error", *inputs, *codecs, *_tags(), "-f", "matroska", "-"]
    return subprocess.run(command, check=True, capture_output=True).stdout


def webm_with_tags(seconds: float = 2) -> bytes:
    """A WebM (VP8 + Opus, 320x240) with title, artist, location and comment tags."""
    return _ffmpeg(
        ".webm",
        _lavfi_video(seconds, "testsrc=size=320x240:rate=25"),
        _lavfi_audio(seconds),
        ["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k", "-c:a", "libopus", *_tags()],
    )


def webm_like_browser(seconds: float = 2, video: bool = True) -> bytes:
    """WebM as a browser's MediaRecorder makes it: written as a stream, so with no duration in
    its header and no cues. `video=False` gives an audio-only (Opus) recording."""
    inputs = [*(_lavfi_video(seconds, "testsrc=size=320x240:rate=25") if video else []), *_lavfi_audio(seconds)]
    codecs = ["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8"] if video else []
    command = [FFMPEG, "-nostdin", "-v", "error", *inputs, *codecs, "-c:a", "libopus", *_tags(), "-f", "webm", "-"]
    return subprocess.run(command, check=True, capture_output=True).stdout


def mp3_with_tags(seconds: float = 2) -> bytes:
    """An MP3 with ID3v2 title, artist and comment and a cover picture (an attached picture)."""
    return _ffmpeg(
        ".mp3",
        _lavfi_audio(seconds),
        ["-f", "lavfi", "-i", "color=c=red:s=32x32:d=0.04"],
        [
            "-map",
            "0:a",
            "-map",
            "1:v",
            "-c:a",
            "libmp3lame",
            "-c:v",
            "mjpeg",
            "-disposition:v",
            "attached_pic",
            "-id3v2_version",
            "3",
            *_tags(location=False),
        ],
    )


def ffprobe_json(data: bytes, directory: Path) -> dict[str, Any]:
    """ffprobe's -show_format -show_streams report of a file, written to `directory` first (tests
    only: the portal never writes a recording to disk)."""
    path = directory / f"probe-{len(list(directory.iterdir()))}.bin"
    path.write_bytes(data)
    report = subprocess.run(
        [FFPROBE, "-v", "error", "-show_format", "-show_streams", "-print_format", "json", str(path)],
        check=True,
        capture_output=True,
    )
    result: dict[str, Any] = json.loads(report.stdout)
    return result


def top_level_boxes(data: bytes) -> list[tuple[str, int, int]]:
    """The ISO media file's top-level boxes as (type, offset, size), to see where moov is."""
    boxes = []
    offset = 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if size == 1:
            size = struct.unpack(">Q", data[offset + 8 : offset + 16])[0]
        elif size == 0:
            size = len(data) - offset
        boxes.append((kind.decode("latin-1"), offset, size))
        offset += size
    return boxes


# -- helpers ------------------------------------------------------------------------------------


def _srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _qr_png(text: str) -> bytes:
    out = io.BytesIO()
    segno.make_qr(text, error="m").save(out, kind="png", scale=10, border=4)
    return out.getvalue()


def _pdf(
    pages: int,
    text: str = "Page {number}",
    catalog_extra: bytes = b"",
    extra_objects: list[bytes] | None = None,
    link_extra: bool = False,
    trailer_extra: bytes = b"",
) -> bytes:
    """A PDF written by hand (objects, xref table, trailer), so a test controls every byte."""
    extra_objects = extra_objects or []
    page_ids = [4 + 2 * index for index in range(pages)]
    first_extra = 4 + 2 * pages
    if link_extra:  # the attachment's filespec and file: fill in their object numbers
        catalog_extra = catalog_extra.replace(b"{spec}", str(first_extra).encode())
        extra_objects = [extra_objects[0].replace(b"{file}", str(first_extra + 1).encode()), *extra_objects[1:]]
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % page for page in page_ids) + b"] /Count %d >>" % pages,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for index, page in enumerate(page_ids):
        words = text.format(number=index + 1).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        content = f"0 0 0 rg 72 600 200 100 re f BT /F1 36 Tf 72 720 Td ({words}) Tj ET".encode()
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % (page + 1)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objects.extend(extra_objects)
    info_id = len(objects) + 1
    objects.append(f"<< /Author ({SECRET_ARTIST}) /Title ({SECRET_TITLE}) /Producer (SampleWriter 4417) >>".encode())
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        info_id,
        trailer_extra,
        xref,
    )
    return bytes(out)


def _lavfi_video(seconds: float, source: str, filters: str = "") -> list[str]:
    graph = f"{source}:duration={seconds}" + (f",{filters}" if filters else "")
    return ["-f", "lavfi", "-i", graph]


def _lavfi_audio(seconds: float) -> list[str]:
    return ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]


def _tags(location: bool = True) -> list[str]:
    tags = [
        "-metadata",
        f"title={SECRET_TITLE}",
        "-metadata",
        f"artist={SECRET_ARTIST}",
        "-metadata",
        f"comment={SECRET_COMMENT}",
        "-metadata",
        "creation_time=2024-05-01T14:03:22Z",
    ]
    if location:
        tags += ["-metadata", f"location={SECRET_LOCATION}"]
    return tags


def _ffmpeg(suffix: str, first: list[str], second: list[str], output: list[str]) -> bytes:
    """Run ffmpeg into a temp file (MP4 needs a seekable output to put moov at the end)."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"sample{suffix}"
        subprocess.run(
            [FFMPEG, "-nostdin", "-v", "error", *first, *second, *output, str(path)],
            check=True,
            capture_output=True,
        )
        return path.read_bytes()
