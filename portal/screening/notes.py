"""Gentle advice shown to the person writing a letter. It never stops them sending.

Notes cover identifying details (so the writer knows why their facilitator will edit the letter),
contact requests (so they know contact goes through the service) and restorative guidance
(asking for forgiveness, excuses, minimising, blaming). Two things are left out on purpose:
threats, because telling a writer which words were caught only teaches them to reword it (the
facilitator reads every flagged letter), and the case's sensitive terms, because a note on a
name or place would tell the writer which words the other party asked to keep private.
Each note is a kind (the web layer words it, in the writer's language) with the place it is
about. Letters in Welsh are read with Welsh phrasings too (portal.screening.welsh).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.screening import welsh
from portal.screening.findings import IDENTIFYING
from portal.screening.letter import fold
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

# Matched on the folded letter (lower case, plain apostrophes).
GUIDANCE: dict[str, re.Pattern[str]] = {
    "forgiveness": re.compile(
        r"\b(?:please\s+forgive|forgive\s+me|(?:can|could|will|would)\s+you\s+(?:ever\s+)?forgive"
        r"|hope\s+(?:that\s+)?(?:you|one\s+day\s+you)\s+(?:can|could|will|might)\s+(?:\w+\s+)?forgive"
        r"|(?:want|need|ask\s+for|hope\s+for|beg\s+for)\s+your\s+forgiveness)\b"
        rf"|{welsh.FORGIVENESS}",
    ),
    "excuse": re.compile(
        r"\b(?:i\s+was\s+(?:drunk|high|wasted|off\s+my\s+(?:head|face)|out\s+of\s+it|stoned)"
        r"|i\s+only\s+did\s+it\s+(?:because|cos|cause)"
        r"|it\s+(?:wasn't|was\s+not)\s+(?:really\s+)?my\s+fault"
        r"|i\s+had\s+no\s+choice|i\s+couldn't\s+help\s+it"
        r"|the\s+(?:drink|drugs|alcohol)\s+made\s+me)\b"
        rf"|{welsh.EXCUSE}",
    ),
    "minimising": re.compile(
        r"\b(?:(?:it|that)(?:\s+was|\s+is|'s)\s+only\s+(?:a|an|some|money|stuff|things?|once|one|minor"
        r"|small|little|\u00a3|\d)"
        r"|(?:was|were|is|it's|that's|only|took|taking)\s+just\s+(?:a|an|some)\b"
        r"|(?:it|that)\s+(?:wasn't|was\s+not|isn't|is\s+not)\s+(?:that|so|very|really)\s+bad"
        r"|(?:no\s*one|nobody|no-one)\s+(?:got|was|were)\s+(?:really\s+)?(?:hurt|injured|harmed)"
        r"|no\s+(?:real\s+)?harm\s+(?:done|was\s+done)"
        r"|(?:not|wasn't|isn't)\s+(?:a|such\s+a)\s+big\s+deal)"
        rf"|{welsh.MINIMISING}",
    ),
    "blame": re.compile(
        r"\b(?:you\s+(?:shouldn't|should\s+not)\s+have"
        r"|you\s+made\s+me\s+(?!feel|scared|afraid|frightened|terrified|cry|ill|sick|anxious"
        r"|nervous|worried|sad|upset|so\b|too\b|very\b|lose\s+my\s+(?:job|home|sleep))"
        r"|if\s+you\s+(?:hadn't|had\s+not|didn't|did\s+not)"
        r"|(?:it\s+was|it's)\s+(?:all\s+)?your\s+(?:own\s+)?fault"
        r"|you\s+(?:asked\s+for\s+it|started\s+it|brought\s+it\s+on\s+yourself|provoked\s+me))"
        rf"|{welsh.BLAME}",
    ),
}


def writer_notes(text: str) -> list[WriterNote]:
    """Advice for the writer, at most one note of each kind, in the order they appear."""
    notes: list[WriterNote] = []
    seen: set[str] = set()
    for finding in screen(text):
        if finding.category in NOTED_CATEGORIES and finding.category not in seen:
            seen.add(finding.category)
            quote = sentence_around(text, finding.start, finding.end)
            notes.append(WriterNote(finding.category, finding.start, finding.end, quote))
    folded = fold(text)
    for kind, pattern in GUIDANCE.items():
        m = pattern.search(folded)
        if m:  # folding keeps every offset, so the match points into the letter as written
            notes.append(WriterNote(kind, m.start(), m.end(), sentence_around(text, m.start(), m.end())))
    notes.sort(key=lambda n: (n.start, n.kind))
    return notes
