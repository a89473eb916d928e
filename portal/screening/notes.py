"""Gentle advice shown to the person writing a letter. It never stops them sending.

Notes cover identifying details (so the writer knows why their facilitator will edit the letter),
contact requests (so they know contact goes through the service) and restorative guidance
(asking for forgiveness, excuses, minimising, blaming). Two things are left out on purpose:
threats, because telling a writer which words were caught only teaches them to reword it (the
facilitator reads every flagged letter), and the case's sensitive terms, because a note on a
name or place would tell the writer which words the other party asked to keep private.
Messages never quote the letter back: the note sits beside the text it is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.screening.findings import IDENTIFYING
from portal.screening.letter import fold
from portal.screening.screener import screen


@dataclass(frozen=True)
class WriterNote:
    """One piece of advice; start/end point at the first place it applies, if there is one."""

    kind: str
    message: str
    start: int | None
    end: int | None


_PASSED_ON = "Your facilitator will take it out before your letter is passed on."

FINDING_MESSAGES: dict[str, str] = {
    "phone": "This looks like a phone number. Your facilitator will remove contact details "
    "before your letter is passed on.",
    "email": "This looks like an email address. Your facilitator will remove contact details "
    "before your letter is passed on.",
    "postcode": "This looks like a postcode. It could show where someone lives. " + _PASSED_ON,
    "address": "This looks like a home address. It could show where someone lives. " + _PASSED_ON,
    "url": "This looks like a website address. " + _PASSED_ON,
    "social_handle": "This looks like a name someone uses online. " + _PASSED_ON,
    "vehicle_reg": "This looks like a car number plate. " + _PASSED_ON,
    "ni_number": "This looks like a National Insurance number. It is private, so you do not "
    "need to share it. " + _PASSED_ON,
    "prison_number": "This looks like a prison number. " + _PASSED_ON,
    "bank": "This looks like bank details. Please keep these private. " + _PASSED_ON,
    "date_of_birth": "This looks like a date of birth. " + _PASSED_ON,
    "contact_request": "It looks like you are asking to be in touch another way. To keep "
    "everyone safe, all contact goes through your facilitator. They can talk with you about "
    "what is possible.",
}

# Finding categories that get a note: identifying details except the case's own sensitive terms
# (see above), and contact requests.
NOTED_CATEGORIES = (IDENTIFYING - {"sensitive_term"}) | {"contact_request"}

# Matched on the folded letter (lower case, plain apostrophes).
GUIDANCE: dict[str, tuple[re.Pattern[str], str]] = {
    "forgiveness": (
        re.compile(
            r"\b(?:please\s+forgive|forgive\s+me|(?:can|could|will|would)\s+you\s+(?:ever\s+)?forgive"
            r"|hope\s+(?:that\s+)?(?:you|one\s+day\s+you)\s+(?:can|could|will|might)\s+(?:\w+\s+)?forgive"
            r"|(?:want|need|ask\s+for|hope\s+for|beg\s+for)\s+your\s+forgiveness)\b",
        ),
        "Asking to be forgiven can feel like pressure to the person reading. You could say "
        "sorry without asking for anything back. They can decide how they feel in their own time.",
    ),
    "excuse": (
        re.compile(
            r"\b(?:i\s+was\s+(?:drunk|high|wasted|off\s+my\s+(?:head|face)|out\s+of\s+it|stoned)"
            r"|i\s+only\s+did\s+it\s+(?:because|cos|cause)"
            r"|it\s+(?:wasn't|was\s+not)\s+(?:really\s+)?my\s+fault"
            r"|i\s+had\s+no\s+choice|i\s+couldn't\s+help\s+it"
            r"|the\s+(?:drink|drugs|alcohol)\s+made\s+me)\b",
        ),
        "It can help to explain what was going on for you, but try not to make it sound like "
        "an excuse. The person reading may want to hear that you know it was your choice.",
    ),
    "minimising": (
        re.compile(
            r"\b(?:(?:it|that)(?:\s+was|\s+is|'s)\s+only\s+(?:a|an|some|money|stuff|things?|once|one|minor"
            r"|small|little|\u00a3|\d)"
            r"|(?:was|were|is|it's|that's|only|took|taking)\s+just\s+(?:a|an|some)\b"
            r"|(?:it|that)\s+(?:wasn't|was\s+not|isn't|is\s+not)\s+(?:that|so|very|really)\s+bad"
            r"|(?:no\s*one|nobody|no-one)\s+(?:got|was|were)\s+(?:really\s+)?(?:hurt|injured|harmed)"
            r"|no\s+(?:real\s+)?harm\s+(?:done|was\s+done)"
            r"|(?:not|wasn't|isn't)\s+(?:a|such\s+a)\s+big\s+deal)",
        ),
        "Saying it was small or did not matter much can hurt the person reading. What happened "
        "mattered to them. You could write about what it was like for them instead.",
    ),
    "blame": (
        re.compile(
            r"\b(?:you\s+(?:shouldn't|should\s+not)\s+have"
            r"|you\s+made\s+me\s+(?!feel|scared|afraid|frightened|terrified|cry|ill|sick|anxious"
            r"|nervous|worried|sad|upset|so\b|too\b|very\b|lose\s+my\s+(?:job|home|sleep))"
            r"|if\s+you\s+(?:hadn't|had\s+not|didn't|did\s+not)"
            r"|(?:it\s+was|it's)\s+(?:all\s+)?your\s+(?:own\s+)?fault"
            r"|you\s+(?:asked\s+for\s+it|started\s+it|brought\s+it\s+on\s+yourself|provoked\s+me))",
        ),
        "This part might sound like you are blaming the person reading. If you are writing "
        "about something you did, it can help to keep the focus on your own part in it.",
    ),
}


def writer_notes(text: str) -> list[WriterNote]:
    """Advice for the writer, at most one note of each kind, in the order they appear."""
    notes: list[WriterNote] = []
    seen: set[str] = set()
    for finding in screen(text):
        if finding.category in NOTED_CATEGORIES and finding.category not in seen:
            seen.add(finding.category)
            notes.append(WriterNote(finding.category, FINDING_MESSAGES[finding.category], finding.start, finding.end))
    folded = fold(text)
    for kind, (pattern, message) in GUIDANCE.items():
        m = pattern.search(folded)
        if m:
            notes.append(WriterNote(kind, message, m.start(), m.end()))
    notes.sort(key=lambda n: (n.start or 0, n.kind))
    return notes
