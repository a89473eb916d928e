"""Captions for a recording, made from its written transcript.

A recording carries a transcript or summary, never timings: the cues are the transcript cut at
sentence ends, spread over the recording's length in proportion to how long each is. That is
only approximate (people pause, and a summary is shorter than what was said), so the file says
so; it still lets someone who cannot hear follow along, and it shows exactly the words the
viewer may read (the release copy, with anything removed, for the other side).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CUE_CHARS = 84  # about two lines of captions; a longer sentence is cut at a space
MIN_CUE_MS = 1000  # no cue flashes by in less than a second, however short the recording

_ENDS_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*$")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    text: str


def sentences(text: str) -> list[str]:
    """The transcript's sentences (and lines), each a whole run of words; long ones cut at spaces."""
    pieces: list[str] = []
    start = 0
    for gap in _WHITESPACE.finditer(text):
        if "\n" in gap.group() or _ENDS_SENTENCE.search(text, start, gap.start()):
            pieces.extend(_cut(text[start : gap.start()]))
            start = gap.end()
    pieces.extend(_cut(text[start:]))
    return pieces


def _cut(sentence: str) -> list[str]:
    """A sentence in runs of at most MAX_CUE_CHARS, cut between words (a single long word stays whole)."""
    runs: list[str] = []
    current = ""
    for word in sentence.split():
        if current and len(current) + 1 + len(word) > MAX_CUE_CHARS:
            runs.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        runs.append(current)
    return runs


def cues(text: str, duration_ms: int | None) -> list[Cue]:
    """The transcript as cues over `duration_ms`, each lasting in proportion to its length.

    With no known duration (or one too short for every cue to last a second) the cues last
    MIN_CUE_MS each, one after another."""
    pieces = sentences(text)
    if not pieces:
        return []
    total_chars = sum(len(piece) for piece in pieces)
    duration = duration_ms or 0
    if duration < MIN_CUE_MS * len(pieces):
        return [Cue(i * MIN_CUE_MS, (i + 1) * MIN_CUE_MS, piece) for i, piece in enumerate(pieces)]
    out: list[Cue] = []
    used_chars = 0
    start = 0
    for piece in pieces:
        used_chars += len(piece)
        end = round(duration * used_chars / total_chars)
        out.append(Cue(start, end, piece))
        start = end
    return out


def timestamp(ms: int) -> str:
    """WebVTT's hh:mm:ss.ttt."""
    hours, rest = divmod(max(0, ms), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def escape(text: str) -> str:
    """Cue text as WebVTT reads it: &, < and > escaped, so "-->" or a tag in the words stays words."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webvtt(text: str, duration_ms: int | None, note: str) -> str:
    """A whole WebVTT file: the header, a NOTE (which players never show), then the cues."""
    note_line = _WHITESPACE.sub(" ", note).replace("-->", "- ->").strip()
    blocks = ["WEBVTT", f"NOTE {note_line}"]
    for number, cue in enumerate(cues(text, duration_ms), start=1):
        blocks.append(f"{number}\n{timestamp(cue.start_ms)} --> {timestamp(cue.end_ms)}\n{escape(cue.text)}")
    return "\n\n".join(blocks) + "\n"
