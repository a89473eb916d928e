"""Redactions: passages a facilitator removes before an item is passed on.

The recipient sees a marker (``REMOVED_MARKER``, worded by the web layer) where each passage
was. Passages are widened to whole words, so a fragment of a name can't slip through, and
overlapping or touching passages are merged, so each gap shows one marker. The same module
checks that no sensitive term of the writer's side survives in the copy that will be passed on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from portal.domain.errors import DomainError
from portal.domain.problems import Problem

# Where each removed passage was. A character no one can type (the web refuses control
# characters), so the web layer can say it in the reader's language: "[removed by your facilitator]".
REMOVED_MARKER = "\x00removed\x00"
# A reason is what the facilitator typed, or one of these codes (said in the reader's language).
SCREENING_REASON = "screening:"  # followed by the finding's category: "screening:phone"
FACILITATOR_REASON = "facilitator:removed"  # a passage removed with no reason typed
REASON_SEPARATOR = "; "  # between the reasons of passages merged into one


def screening_reason(category: str) -> str:
    return SCREENING_REASON + category


_APOSTROPHE = "['\u2019]"
# The words of a term may be split by spaces, a line break or hyphens: "Burton-upon-Trent".
_WORD_GAP = r"[\s\-]+"


@dataclass(frozen=True)
class Redaction:
    """Remove ``text[start:end]`` of one part of an item, for a reason the facilitator records.

    ``part`` is 0 for a letter or a shuttle note; for questions and answers it is the index
    of the question.
    """

    start: int
    end: int
    reason: str
    part: int = 0


def normalise(text: str, redactions: Iterable[Redaction]) -> tuple[Redaction, ...]:
    """Check the redactions of one text, widen them to whole words and merge overlaps."""
    widened = []
    for redaction in redactions:
        if not redaction.reason.strip():
            raise DomainError(Problem.REVIEW_REASON_NEEDED)
        if not 0 <= redaction.start < redaction.end <= len(text):
            raise DomainError(Problem.REVIEW_PASSAGE_OUTSIDE)
        start, end = redaction.start, redaction.end
        while _inside_word(text, start):
            start -= 1
        while _inside_word(text, end):
            end += 1
        widened.append(replace(redaction, start=start, end=end, reason=redaction.reason.strip()))
    merged: list[Redaction] = []
    for redaction in sorted(widened, key=lambda r: (r.start, r.end)):
        if merged and redaction.start <= merged[-1].end:
            last = merged[-1]
            reasons = last.reason.split(REASON_SEPARATOR)
            reason = (
                last.reason if redaction.reason in reasons else f"{last.reason}{REASON_SEPARATOR}{redaction.reason}"
            )
            merged[-1] = replace(last, end=max(last.end, redaction.end), reason=reason)
        else:
            merged.append(redaction)
    return tuple(merged)


def validate_redactions(parts: Sequence[str], redactions: Iterable[Redaction]) -> tuple[Redaction, ...]:
    """Normalise an item's redactions part by part, in reading order."""
    by_part: dict[int, list[Redaction]] = {}
    for redaction in redactions:
        if not 0 <= redaction.part < len(parts):
            raise DomainError(Problem.REVIEW_PASSAGE_OUTSIDE)
        by_part.setdefault(redaction.part, []).append(redaction)
    return tuple(r for part in sorted(by_part) for r in normalise(parts[part], by_part[part]))


def apply_redactions(text: str, redactions: Iterable[Redaction]) -> str:
    """The text with each passage replaced by the marker (all redactions are for this text)."""
    pieces: list[str] = []
    position = 0
    for redaction in normalise(text, redactions):
        pieces += [text[position : redaction.start], REMOVED_MARKER]
        position = redaction.end
    pieces.append(text[position:])
    return "".join(pieces)


def release_copy(parts: Sequence[str], redactions: Sequence[Redaction]) -> tuple[str, ...]:
    """What the other side sees: every part with its redactions applied."""
    return tuple(apply_redactions(text, [r for r in redactions if r.part == index]) for index, text in enumerate(parts))


def uncovered_terms(parts: Sequence[str], redactions: Sequence[Redaction], terms: Iterable[str]) -> tuple[str, ...]:
    """The sensitive terms that would still reach the other side: found and not wholly redacted.

    Matching ignores case and whole words only count ("Ann" is not in "Annual"), so the
    facilitator isn't asked to remove ordinary words.
    """
    found = []
    for term in terms:
        words = [w for w in re.split(_WORD_GAP, term.strip()) if w]
        if not words:
            continue
        escaped = (re.sub(_APOSTROPHE, _APOSTROPHE, re.escape(w)) for w in words)
        pattern = re.compile(rf"(?<!\w){_WORD_GAP.join(escaped)}(?!\w)", re.IGNORECASE)
        if any(
            not _covered(match, index, redactions)
            for index, text in enumerate(parts)
            for match in pattern.finditer(text)
        ):
            found.append(term.strip())
    return tuple(found)


# Copying from a page can change a passage's look but not its words: runs of spaces and line
# breaks, curly or straight quotes, dashes, and the three dots of an ellipsis.
_SAME_CHARACTER = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)


def _loosely(text: str) -> tuple[str, list[int]]:
    """The text as it is compared with a pasted passage, and where each of its characters came from."""
    out: list[str] = []
    origin: list[int] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            j = i
            while j < len(text) and text[j].isspace():
                j += 1
            out.append(" ")
            origin.append(i)
            i = j
            continue
        if char == "\u2026":  # an ellipsis character, compared as three dots
            out.extend("...")
            origin.extend((i, i, i))
        else:
            out.append(char.translate(_SAME_CHARACTER).casefold()[:1] or char)
            origin.append(i)
        i += 1
    return "".join(out), origin


def find_passage(parts: Sequence[str], passage: str) -> list[tuple[int, int, int]]:
    """Every place (part, start, end) a reviewer's copied passage is in the item: exactly, or else
    allowing for the differences copying brings (spacing, quotes, dashes, ellipses, capitals)."""
    wanted = passage.strip()
    if not wanted:
        return []
    places = []
    for index, part in enumerate(parts):
        start = part.find(wanted)
        while start >= 0:
            places.append((index, start, start + len(wanted)))
            start = part.find(wanted, start + len(wanted))
    if places:
        return places
    loose_wanted, _ = _loosely(wanted)
    for index, part in enumerate(parts):
        loose, origin = _loosely(part)
        start = loose.find(loose_wanted)
        while start >= 0:
            last = start + len(loose_wanted) - 1
            end = origin[last] + 1
            places.append((index, origin[start], end))
            start = loose.find(loose_wanted, start + len(loose_wanted))
    return places


def _inside_word(text: str, position: int) -> bool:
    return 0 < position < len(text) and text[position - 1].isalnum() and text[position].isalnum()


def _covered(match: re.Match[str], part: int, redactions: Sequence[Redaction]) -> bool:
    return any(r.part == part and r.start <= match.start() and match.end() <= r.end for r in redactions)
