"""Gentle advice shown to the person writing a letter. It never stops them sending.

Notes cover identifying details (so the writer knows why their facilitator will edit the letter),
contact requests (so they know contact goes through the service) and restorative guidance
(asking for forgiveness, excuses, minimising, blaming, pressing for a reply: see
portal.screening.guidance). Two things are left out on purpose:
threats, because telling a writer which words were caught only teaches them to reword it (the
facilitator reads every flagged letter), and the case's sensitive terms, because a note on a
name or place would tell the writer which words the other party asked to keep private.
Each note is a kind (the web layer words it, in the writer's language) with the place it is
about. Letters in Welsh are read with Welsh phrasings too (portal.screening.welsh).
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.screening.findings import IDENTIFYING
from portal.screening.guidance import find_guidance
from portal.screening.screener import screen


@dataclass(frozen=True)
class WriterNote:
    """One piece of advice, by kind (the web layer words it); start/end point at the first place
    it applies, and quote is the sentence there, so the writer can find what the note is about."""

    kind: str
    start: int
    end: int
    quote: str


SENTENCE_ENDS = ".!?\n"
LONGEST_QUOTE = 200


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end], cut down around it when the sentence is very long."""
    left = max(text.rfind(mark, 0, start) for mark in SENTENCE_ENDS) + 1
    ends = [found for found in (text.find(mark, end) for mark in SENTENCE_ENDS) if found >= 0]
    right = min(ends) + 1 if ends else len(text)
    if right - left > LONGEST_QUOTE:
        margin = max(0, (LONGEST_QUOTE - (end - start)) // 2)
        cut_left, cut_right = max(left, start - margin), min(right, end + margin)
        quoted = text[cut_left:cut_right].strip()
        return ("…" if cut_left > left else "") + quoted + ("…" if cut_right < right else "")
    return text[left:right].strip()


# Finding categories that get a note: identifying details except the case's own sensitive terms
# (see above), and contact requests.
NOTED_CATEGORIES = (IDENTIFYING - {"sensitive_term"}) | {"contact_request"}


def writer_notes(text: str) -> list[WriterNote]:
    """Advice for the writer, at most one note of each kind, in the order they appear."""
    notes: list[WriterNote] = []
    seen: set[str] = set()
    for finding in screen(text):
        if finding.category in NOTED_CATEGORIES and finding.category not in seen:
            seen.add(finding.category)
            quote = sentence_around(text, finding.start, finding.end)
            notes.append(WriterNote(finding.category, finding.start, finding.end, quote))
    for found in find_guidance(text):
        if found.category not in seen:
            seen.add(found.category)
            quote = sentence_around(text, found.start, found.end)
            notes.append(WriterNote(found.category, found.start, found.end, quote))
    notes.sort(key=lambda n: (n.start, n.kind))
    return notes
