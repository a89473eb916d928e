"""Restorative guidance: writing that can hurt the person reading even with no detail to remove.

Asking for forgiveness, excuses, minimising the harm, blaming the person harmed, and pressing
them to reply or meet. The writer gets a gentle note about each kind (portal.screening.notes);
the reviewer sees every place, to raise with the writer before anything is passed on. Blame and
minimising reaching the person harmed are harms in themselves, so leaving them in is a checked,
recorded choice (see the review service).

Matched on the folded letter (lower case, plain apostrophes, offsets unchanged). These are
families of phrasing, not examples: each pattern names a way of saying the thing.
"""

from __future__ import annotations

import re

from portal.screening import welsh
from portal.screening.findings import Finding
from portal.screening.letter import fold

GUIDANCE: frozenset[str] = frozenset({"forgiveness", "excuse", "minimising", "blame", "pressure"})
CHECK_BEFORE_RELEASE: frozenset[str] = frozenset({"blame", "minimising"})
"""Guidance a reviewer must confirm they have read before approving a copy that keeps it."""

_HURT = r"(?:hurt|injured|harmed|hurt\s+that\s+bad(?:ly)?|hurt\s+badly)"

PATTERNS: dict[str, re.Pattern[str]] = {
    "forgiveness": re.compile(
        r"\b(?:please\s+forgive|forgive\s+me|(?:can|could|will|would)\s+you\s+(?:ever\s+)?forgive"
        r"|hope\s+(?:that\s+)?(?:you|one\s+day\s+you)\s+(?:can|could|will|might)\s+(?:\w+\s+)?forgive"
        r"|(?:want|need|ask\s+for|hope\s+for|beg\s+for)\s+your\s+forgiveness"
        r"|you\s+(?:have|need|ought)\s+to\s+forgive)\b"
        rf"|{welsh.FORGIVENESS}",
    ),
    "excuse": re.compile(
        r"\b(?:i\s+was\s+(?:drunk|high|wasted|off\s+my\s+(?:head|face|nut)|out\s+of\s+it|stoned|pissed|hammered)"
        r"|i\s+only\s+did\s+it\s+(?:because|cos|cause|coz)"
        r"|it\s+(?:wasn't|was\s+not|isn't|is\s+not)\s+(?:really\s+|all\s+|totally\s+)?my\s+fault"
        r"|i\s+had\s+no\s+(?:choice|option)|i\s+couldn't\s+help\s+it"
        r"|the\s+(?:drink|drugs|alcohol|booze|weed)\s+made\s+me"
        r"|(?:my\s+mates|my\s+friends|they|he|she)\s+(?:made|pushed|talked)\s+me\s+(?:do|into)\s+it)\b"
        rf"|{welsh.EXCUSE}",
    ),
    "minimising": re.compile(
        r"\b(?:(?:it|that)(?:\s+was|\s+is|'s)\s+only\s+(?:a|an|some|money|stuff|things?|once|one|minor"
        r"|small|little|\u00a3|\d)"
        r"|(?:was|were|is|it's|that's|only|took|taking)\s+just\s+(?:a|an|some)\b"
        r"|(?:it|that)\s+(?:wasn't|was\s+not|isn't|is\s+not)\s+(?:that|so|very|really)\s+(?:bad|serious)"
        r"|(?:no\s*one|nobody|no-one)\s+(?:got|was|were)\s+(?:really\s+|actually\s+|badly\s+)?"
        + _HURT
        + r"|you\s+(?:weren't|were\s+not|wasn't|didn't\s+get)\s+(?:even\s+|really\s+|actually\s+|that\s+|badly\s+)*"
        + _HURT
        + r"|no\s+(?:real\s+)?harm\s+(?:done|was\s+done)"
        r"|(?:not|wasn't|isn't)\s+(?:a|such\s+a)\s+big\s+deal"
        r"|(?:the\s+)?insurance\s+(?:paid|covered|will\s+(?:pay|cover))"
        r"|you\s+got\s+(?:it|everything|all\s+of\s+it|your\s+\w+)\s+back)"
        rf"|{welsh.MINIMISING}",
    ),
    "blame": re.compile(
        r"\b(?:you\s+(?:shouldn't|should\s+not)\s+have"
        r"|you\s+made\s+me\s+(?!feel|scared|afraid|frightened|terrified|cry|ill|sick|anxious"
        r"|nervous|worried|sad|upset|so\b|too\b|very\b|lose\s+my\s+(?:job|home|sleep))"
        r"|if\s+you\s+(?:hadn't|had\s+not|didn't|did\s+not|weren't|were\s+not|wasn't)"
        r"|(?:it\s+was|it's)\s+(?:all\s+|partly\s+|half\s+)?your\s+(?:own\s+)?fault"
        r"|you\s+(?:asked\s+for\s+it|started\s+it|brought\s+it\s+on\s+yourself|provoked\s+me|were\s+asking\s+for\s+it)"
        r"|what\s+(?:did|do)\s+you\s+expect)\b"
        rf"|{welsh.BLAME}",
    ),
    "pressure": re.compile(
        r"\b(?:you\s+owe\s+me\s+(?:a|an|that|this)?\s*(?:reply|answer|letter|explanation|chance|meeting)"
        r"|you\s+(?:need|have|must|'ve\s+got|got)\s+to\s+(?:reply|write\s+back|answer|respond|meet|see\s+me|get\s+back)"
        r"|(?:i\s+expect|i\s+want|i\s+demand)\s+(?:a|an)\s+(?:reply|answer)\s+(?:by|within|straight|soon|this)"
        r"|(?:why|how\s+come)\s+(?:haven't|have\s+not|won't|wont|didn't)\s+you\s+(?:replied|written|answered|write|reply)"
        r"|(?:don't|do\s+not|dont)\s+ignore\s+(?:me|this|my\s+letter)"
        r"|(?:write|get)\s+back\s+to\s+me\s+(?:straight\s+away|asap|as\s+soon\s+as|or\s+else)"
        r"|(?:you|we)\s+(?:should|must)\s+meet\s+(?:me|face\s+to\s+face|in\s+person))\b"
        rf"|{welsh.PRESSURE}",
    ),
}


def find_guidance(text: str) -> list[Finding]:
    """Every place each kind of guidance applies, in the order they appear."""
    folded = fold(text)
    found = [
        Finding(kind, m.start(), m.end(), text[m.start() : m.end()])
        for kind, pattern in PATTERNS.items()
        for m in pattern.finditer(folded)
        if m.end() > m.start()
    ]
    found.sort(key=lambda f: (f.start, f.end, f.category))
    return found
