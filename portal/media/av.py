"""Recordings re-muxed (or re-encoded) by ffmpeg with every tag dropped, plaintext kept off disk.

A phone's video carries where it was filmed (the QuickTime location tag), the phone's make
and model, the software that made it, a title or artist typed into an app, chapters and cover
art. ffmpeg copies the first video and first audio stream into a new container and nothing
else: `-map_metadata -1 -map_chapters -1`, bit-exact muxing (no "Lavf59..." version tag), and
the H.264 SEI messages that name the encoder are filtered out of the stream.

The upload lives in a SealedSpool, so ffmpeg is given the plaintext without a file: on its
standard input for containers that can be read front to back (WebM, Ogg, MP3, WAV), and for
MP4/MOV, whose index (moov) phones often write at the end, through a loopback HTTP server
that answers Range requests for one random path, so ffmpeg can seek. The output is read from
ffmpeg's standard output and handed on in 64 KiB pieces as it is produced.

ffmpeg's and ffprobe's messages go to /dev/null: they can quote tags and names.
"""

from __future__ import annotations

import contextlib
import json
import math
import secrets
import subprocess
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import IO, Any

from portal.domain.enums import MediaKind, SourceType
from portal.domain.problems import Problem
from portal.media import tools
from portal.media.refusals import MediaRefused, empty, unreadable
from portal.media.spool import CHUNK_SIZE, SealedSpool

# A recorder stopped at the limit runs a frame or two over; this much over is still taken.
GRACE_SECONDS = 0.5
PROBE_TIMEOUT_SECONDS = 20  # probing and measuring read the file once each, without decoding it
DEFAULT_TIMEOUT_SECONDS = 1800

# ffmpeg's demuxer for each source type: the input format is never guessed from content,
# so an upload cannot turn into a playlist (HLS, concat) that makes ffmpeg open other files.
_DEMUXER = {
    SourceType.WEBM: "matroska",
    SourceType.MP4: "mov",
    SourceType.OGG: "ogg",
    SourceType.MP3: "mp3",
    SourceType.WAV: "wav",
}
AV_SOURCES = frozenset(_DEMUXER)
# Containers whose index may be at the end: served over loopback HTTP so ffmpeg can seek.
_SEEKING = frozenset({SourceType.MP4})

_WEBM_VIDEO = frozenset({"vp8", "vp9", "av1"})
# Copied as they are: Opus keeps no tags in its codec header. Vorbis does (its comment header, which
# -map_metadata never reaches), so Vorbis is re-encoded to Opus.
_WEBM_AUDIO = frozenset({"opus"})
_MP4_FRAGMENTED = "+frag_keyframe+empty_moov+default_base_moof"
_NO_SEI = "filter_units=remove_types=6"  # H.264 SEI: x264's and others' encoder strings


@dataclass(frozen=True)
class Stream:
    """One stream ffprobe found (only what the plan needs)."""

    index: int
    codec: str
    width: int | None = None
    height: int | None = None
    rotated: bool = False  # a quarter turn in the display matrix: shown with width and height swapped


@dataclass(frozen=True)
class Probe:
    video: Stream | None
    audio: Stream | None


@dataclass
class CleanStream:
    """A recording ready to be sealed: what it is, and its clean bytes as ffmpeg makes them.

    `chunks()` runs ffmpeg once; it yields 64 KiB pieces (the last may be shorter) and raises
    MediaRefused (MEDIA_UNREADABLE) at the end if ffmpeg failed, so the caller must treat
    everything it sealed as void until the iterator has finished.
    """

    kind: MediaKind
    content_type: str
    duration_ms: int
    width: int | None
    height: int | None
    _command: list[str] = field(repr=False)
    _spool: SealedSpool = field(repr=False)
    _source: SourceType = field(repr=False)
    _timeout: float = field(repr=False, default=DEFAULT_TIMEOUT_SECONDS)
    _used: bool = field(repr=False, default=False)

    def chunks(self) -> Iterator[bytes]:
        if self._used:
            raise RuntimeError("a CleanStream's chunks can be read once")
        self._used = True
        return _output(self._spool, self._source, self._command, self._timeout)


def clean_recording(
    spool: SealedSpool,
    source: SourceType,
    max_seconds: float,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
) -> CleanStream:
    """Probe a recording, refuse what the portal does not keep, and plan its clean copy.

    Refused: no audio or video stream, or nothing ffprobe can read (MEDIA_UNREADABLE); longer
    than max_seconds (MEDIA_TOO_LONG with limit_minutes); an empty upload (MEDIA_EMPTY);
    ffmpeg or ffprobe not installed (MEDIA_TOOLS_MISSING). The duration is measured from the
    packets themselves, not taken from the container's header, which a recorder may leave
    out and a crafted file may lie in.
    """
    if source not in _DEMUXER:
        raise ValueError("clean_recording takes audio and video sources only")
    ffmpeg, ffprobe = tools.program("ffmpeg"), tools.program("ffprobe")
    spool.finish()
    if spool.size == 0:
        raise empty()
    found = probe(spool, source, ffprobe)
    seconds = measure(spool, source, ffprobe, found, max_seconds)
    if seconds > max_seconds + GRACE_SECONDS:
        raise too_long(max_seconds)
    kind, content_type, output_args = plan(found)
    # -t caps the output at what was measured, and lets the WebM muxer write the duration up front.
    cap = f"{math.ceil(seconds * 1000) / 1000:.3f}"
    maps = [arg for stream in (found.video, found.audio) if stream is not None for arg in ("-map", f"0:{stream.index}")]
    command = [
        ffmpeg,
        *_input_args(source),
        *maps,
        "-map_metadata",
        "-1",
        "-map_chapters",
        "-1",
        "-fflags",
        "+bitexact",
        "-flags:v",
        "+bitexact",
        "-flags:a",
        "+bitexact",
        *output_args,
        "-t",
        cap,
        "pipe:1",
    ]
    width = height = None
    if found.video is not None:
        width, height = found.video.width, found.video.height
        if found.video.rotated:
            width, height = height, width
    return CleanStream(
        kind=kind,
        content_type=content_type,
        duration_ms=round(seconds * 1000),
        width=width,
        height=height,
        _command=command,
        _spool=spool,
        _source=source,
        _timeout=timeout_seconds,
    )


def too_long(max_seconds: float) -> MediaRefused:
    minutes = max_seconds / 60
    limit: float = int(minutes) if minutes == int(minutes) else round(minutes, 1)
    return MediaRefused(Problem.MEDIA_TOO_LONG, "too-long", limit_minutes=limit)


def probe(spool: SealedSpool, source: SourceType, ffprobe: str) -> Probe:
    """The first video stream (cover art is not video) and the first audio stream."""
    command = [ffprobe, *_input_args(source), "-show_streams", "-print_format", "json"]
    with _running(spool, source, command, PROBE_TIMEOUT_SECONDS) as process:
        assert process.stdout is not None
        report = process.stdout.read()
        code = process.wait()
    if code != 0:
        raise unreadable("probe-failed")
    try:
        video, audio = _first_streams(json.loads(report).get("streams", []))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise unreadable("probe-failed") from None
    if video is None and audio is None:
        raise unreadable("no-audio-or-video")
    return Probe(video=video, audio=audio)


def _first_streams(streams: list[dict[str, Any]]) -> tuple[Stream | None, Stream | None]:
    video = audio = None
    for entry in streams:
        kind = entry.get("codec_type")
        if kind == "video" and video is None and not entry.get("disposition", {}).get("attached_pic"):
            rotation = 0
            for side in entry.get("side_data_list", []):
                if isinstance(side.get("rotation"), int | float):
                    rotation = int(side["rotation"])
            video = Stream(
                index=int(entry["index"]),
                codec=str(entry.get("codec_name", "")),
                width=_int_or_none(entry.get("width")),
                height=_int_or_none(entry.get("height")),
                rotated=abs(rotation) % 180 == 90,
            )
        elif kind == "audio" and audio is None:
            audio = Stream(index=int(entry["index"]), codec=str(entry.get("codec_name", "")))
    return video, audio


def measure(spool: SealedSpool, source: SourceType, ffprobe: str, found: Probe, max_seconds: float) -> float:
    """Seconds from the first packet to the end of the last one, over the streams kept.

    Read as ffprobe lists the packets; once past the limit it stops, so a three-hour file
    is refused after reading just past the limit.
    """
    kept = {stream.index for stream in (found.video, found.audio) if stream is not None}
    command = [
        ffprobe,
        *_input_args(source),
        "-show_entries",
        "packet=stream_index,pts_time,duration_time",
        "-print_format",
        "csv=p=0",
    ]
    first = math.inf
    end = -math.inf
    with _running(spool, source, command, PROBE_TIMEOUT_SECONDS) as process:
        assert process.stdout is not None
        for line in process.stdout:
            fields = line.decode("ascii", "replace").strip().split(",")
            if len(fields) < 3 or not fields[0].isdigit() or int(fields[0]) not in kept:
                continue
            pts, duration = _float_or_none(fields[1]), _float_or_none(fields[2]) or 0.0
            if pts is None:
                continue
            first, end = min(first, pts), max(end, pts + duration)
            if end - first > max_seconds + GRACE_SECONDS:
                raise too_long(max_seconds)
        code = process.wait()
    if code != 0 or end < first:
        raise unreadable("no-timestamps")
    return end - first


def plan(found: Probe) -> tuple[MediaKind, str, list[str]]:
    """Which container and codecs: copy what browsers play, re-encode only what they do not."""
    if found.video is None:
        assert found.audio is not None
        audio = ["-c:a", "copy"] if found.audio.codec == "opus" else ["-c:a", "libopus", "-b:a", "64k"]
        return MediaKind.AUDIO, "audio/webm", [*audio, "-f", "webm"]
    if found.video.codec in _WEBM_VIDEO:
        video = ["-c:v", "copy"]
        audio = []
        if found.audio is not None:
            audio = ["-c:a", "copy"] if found.audio.codec in _WEBM_AUDIO else ["-c:a", "libopus", "-b:a", "96k"]
        return MediaKind.VIDEO, "video/webm", [*video, *audio, "-f", "webm"]
    if found.video.codec == "h264":
        video = ["-c:v", "copy", "-bsf:v", _NO_SEI]
    else:
        # HEVC, MPEG-4 part 2 and the rest: H.264 that every browser plays (even dimensions for 4:2:0).
        video = [
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-crf",
            "23",
            "-pix_fmt",
            "yuv420p",
            "-vf",
            # At most 1280 pixels on the longer side, and even dimensions for 4:2:0.
            "scale='min(1280,iw)':'min(1280,ih)':force_original_aspect_ratio=decrease:force_divisible_by=2",
            "-maxrate",
            "2500k",
            "-bufsize",
            "5000k",
            "-threads",
            "2",
            "-bsf:v",
            _NO_SEI,
        ]
    audio = []
    if found.audio is not None:
        audio = ["-c:a", "copy"] if found.audio.codec == "aac" else ["-c:a", "aac", "-b:a", "128k"]
    return MediaKind.VIDEO, "video/mp4", [*video, *audio, "-movflags", _MP4_FRAGMENTED, "-f", "mp4"]


# -- running ffmpeg and ffprobe on a spool ------------------------------------------------------


def _input_args(source: SourceType) -> list[str]:
    """Everything before the input URL; the URL itself is filled in by _running."""
    whitelist = "http,tcp" if source in _SEEKING else "pipe"
    return ["-hide_banner", "-v", "error", "-protocol_whitelist", whitelist, "-f", _DEMUXER[source], "-i", _URL]


_URL = "\x00input\x00"  # placeholder replaced by pipe:0 or the loopback URL


class _running:
    """Run one program on the spool's plaintext (stdin pipe or loopback range server).

    On leaving, the program is killed if still running, the feeder is joined and the server
    shut down: nothing outlives the call.
    """

    def __init__(self, spool: SealedSpool, source: SourceType, command: Sequence[str], timeout: float) -> None:
        self._spool = spool
        self._seeking = source in _SEEKING
        self._command = list(command)
        self._timeout = timeout
        self._server: _RangeServer | None = None
        self._feeder: threading.Thread | None = None
        self._watchdog: threading.Timer | None = None
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> subprocess.Popen[bytes]:
        if self._seeking:
            self._server = _RangeServer(self._spool)
            url = self._server.url
        else:
            url = "pipe:0"
        command = [url if part == _URL else part for part in self._command]
        try:
            self._process = subprocess.Popen(  # noqa: S603 - our own argument list, no shell
                command,
                stdin=subprocess.DEVNULL if self._seeking else subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            self._stop_server()
            raise MediaRefused(Problem.MEDIA_TOOLS_MISSING, "tools-missing") from None
        if not self._seeking:
            assert self._process.stdin is not None
            self._feeder = threading.Thread(target=_feed, args=(self._spool, self._process.stdin), daemon=True)
            self._feeder.start()
        self._watchdog = threading.Timer(self._timeout, self._process.kill)
        self._watchdog.daemon = True
        self._watchdog.start()
        return self._process

    def __exit__(self, *exc_info: object) -> None:
        process = self._process
        if process is not None:
            if process.poll() is None:
                process.kill()
            process.wait()
            if process.stdout is not None:
                process.stdout.close()
        if self._watchdog is not None:
            self._watchdog.cancel()
        if self._feeder is not None:
            self._feeder.join()
        self._stop_server()

    def _stop_server(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None


def _feed(spool: SealedSpool, stdin: IO[bytes]) -> None:
    """Write the plaintext to the program's stdin; a program that stops reading ends it."""
    try:
        for piece in spool.chunks():
            stdin.write(piece)
    except (BrokenPipeError, ConnectionResetError, ValueError, OSError):
        pass
    finally:
        with contextlib.suppress(OSError):
            stdin.close()


def _output(spool: SealedSpool, source: SourceType, command: list[str], timeout: float) -> Iterator[bytes]:
    produced = 0
    with _running(spool, source, command, timeout) as process:
        assert process.stdout is not None
        while True:
            block = process.stdout.read(CHUNK_SIZE)  # a buffered read: full 64 KiB unless at the end
            if not block:
                break
            produced += len(block)
            yield block
        code = process.wait()
    if code != 0 or produced == 0:
        raise unreadable("ffmpeg-failed")


# -- the loopback range server ------------------------------------------------------------------


class _RangeServer:
    """Serves one spool at one random path on 127.0.0.1, with Range support, until closed.

    It lives for one ffmpeg or ffprobe run. The path is 256 random bits, so another local
    process that finds the port cannot fetch the upload; nothing is logged.
    """

    def __init__(self, spool: SealedSpool) -> None:
        path = "/" + secrets.token_urlsafe(32)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(spool, path))
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.url = f"http://{host!s}:{port}{path}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


def _handler_for(spool: SealedSpool, path: str) -> Callable[..., BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "rx"
        sys_version = ""
        timeout = 60

        def log_message(self, format: str, *args: Any) -> None:
            """Silent: even a path is nobody's business."""

        def do_HEAD(self) -> None:
            self._answer(with_body=False)

        def do_GET(self) -> None:
            self._answer(with_body=True)

        def _answer(self, with_body: bool) -> None:
            if not secrets.compare_digest(self.path.encode(), path.encode()):
                self.send_error(HTTPStatus.NOT_FOUND)
                return
            size = spool.size
            wanted = self.headers.get("Range")
            span = _parse_range(wanted, size) if wanted else (0, size - 1)
            if span is None:
                self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            start, last = span
            length = max(0, last - start + 1)
            self.send_response(HTTPStatus.PARTIAL_CONTENT if wanted else HTTPStatus.OK)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(length))
            if wanted:
                self.send_header("Content-Range", f"bytes {start}-{last}/{size}")
            self.end_headers()
            if not with_body:
                return
            try:
                for piece in spool.open_range(start, length):
                    self.wfile.write(piece)
            except (BrokenPipeError, ConnectionResetError, TimeoutError):
                pass  # ffmpeg seeks by dropping the connection and asking again

    return Handler


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    """One "bytes=a-b", "bytes=a-" or "bytes=-n" range, clipped to the file; None if unsatisfiable."""
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, _, last = spec.strip().partition("-")
    try:
        if first == "":
            suffix = int(last)
            if suffix <= 0:
                return None
            return max(0, size - suffix), size - 1
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError:
        return None
    if start < 0 or start >= size or end < start:
        return None
    return start, min(end, size - 1)


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _float_or_none(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None
