"""Threats and attempts to make contact outside the service, as families of phrasings.

Each rule starts at a fixed word (so re can jump between its occurrences in a long letter)
and may require words just before it: "regret" is only a threat after "you'll". A concern is
reported as the whole sentence around the phrasing, because the facilitator needs to read the
clause in context. Patterns run on the folded letter: lower case, plain apostrophes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from portal.screening import welsh
from portal.screening.letter import Letter

Span = tuple[str, int, int]

_BEFORE_REACH = 60  # characters of context a rule may need before its first word


@dataclass(frozen=True)
class Rule:
    """A phrasing, and the words that must come right before it.

    When the pattern's group "strong" matched, `strong_before` applies instead of `before`
    ("ring me on" needs only a verb before "me"; a bare "ring me" needs "please" or the start
    of a sentence too). A match whose group "veto" matched is not a concern. A rule with no
    category takes it from whichever group named "threat" or "contact_request" matched.
    """

    category: str | None
    pattern: re.Pattern[str]
    before: re.Pattern[str] | None = None
    strong_before: re.Pattern[str] | None = None

    def find(self, letter: Letter) -> Iterator[Span]:
        folded = letter.folded
        groups = self.pattern.groupindex
        for m in self.pattern.finditer(folded):
            start = m.start()
            if not letter.starts_word(start) or ("veto" in groups and m.group("veto")):
                continue
            before = self.strong_before if "strong" in groups and m.group("strong") else self.before
            if before and not before.search(folded, max(0, start - _BEFORE_REACH), start):
                continue
            category = self.category or ("threat" if m.group("threat") else "contact_request")
            yield category, start, m.end()


def _rule(category: str | None, pattern: str, before: str | None = None, strong_before: str | None = None) -> Rule:
    def context(words: str | None) -> re.Pattern[str] | None:
        return re.compile(words + r"\Z") if words else None

    return Rule(category, re.compile(pattern), context(before), context(strong_before))


YOU = r"(?:you|u|ya)"
I_WILL = r"i(?:'ll|ll|\s+will|\s+shall|'m\s+(?:going\s+to|gonna)|\s+am\s+(?:going\s+to|gonna))"
YOU_WILL = r"you(?:'ll|\s+will|'re\s+(?:going\s+to|gonna)|\s+are\s+(?:going\s+to|gonna))"
ADVERB = r"(?:(?:really|soon|definitely|still|personally|eventually|come\s+and|come\s+round\s+and)\s+)?"
SERVICE = r"(?:facilitator|service|go-between|middle\s*man|probation(?:\s+officer)?)"
# An invitation or the start of a sentence: "you can ring me", "please text me", "Come to ..."
INVITE_OR_START = (
    r"(?:\A|[.!?][\"')\]]*\s+|\n\s*|\b(?:you|u)\s+(?:can|could|may|should|must|might)\s+|\bplease\s+"
    r"|\bfeel\s+free\s+to\s+|\bjust\s+|\bdo\s+|\bwhy\s+not\s+|\bwhy\s+don't\s+(?:you|u)\s+"
    r"|\bdon't\s+hesitate\s+to\s+|\b(?:you|u)'re\s+welcome\s+to\s+|\bif\s+(?:you|u)\s+(?:want|like|need)"
    r"(?:\s+to)?,?\s+)(?:(?:just|always|also|still|directly|then|so)\s+)?"
)
# Verbs that ask for contact by themselves ("please text me") ...
ASKING = (
    r"(?:ring|call|phone|text|txt|message|msg|e-?mail|dm|pm|inbox|whats\s?app|snap(?:chat)?"
    r"|facetime|contact|visit|get\s+in\s+touch\s+with|get\s+hold\s+of)"
)
# ... and ones that do with a channel or place after "me" ("find me on", "write to me at").
CHANNEL_VERB = r"(?:mail|reach|add|follow|find|write\s+(?:back\s+)?to)"
CHANNEL = r"\s+(?:up\s+)?(?:on|at|via|directly|back|any\s*time|whenever|privately|yourself|instead|there)\b"
VIA_SERVICE = rf"\s+(?:again\s+)?(?:through|via|with)\s+(?:the|my|your|our)\s+{SERVICE}"
NAME_CALLING = r"\s+(?:a|an|names|whatever)\b"  # "call me a monster" asks for nothing

THREATS = (
    # knowing where someone is: "I know where you live", "my mates know where your kids go"
    _rule(
        "threat",
        rf"where\s+(?:{YOU}|your\s+\w+(?:\s+\w+)?)\s+(?:live|lives|living|work|works|stay|stays|go|goes"
        r"|sleep|sleeps|drink|drinks|shop|shops|park|parks|hang\s+out|hangs\s+out)\b",
        r"\b(?:i|we|they|he|she|people|everyone|everybody|someone|somebody|mates|friends|lads|boys"
        r"|(?:my|our)\s+\w+)(?:\s+(?!not\b|never\b)\w+){0,2}"
        r"\s+(?:know|knows|found\s+out|worked\s+out|can\s+find\s+out)\s+",
    ),
    # warnings to be on guard
    _rule("threat", r"watch\s+(?:(?:your|ur|yer)\s+back|yourself)\b"),
    _rule("threat", r"watch\s+out\b", r"\bbe(?:tter|st)\s+"),
    _rule("threat", r"look(?:ing)?\s+over\s+(?:your|ur)\s+shoulder\b"),
    _rule("threat", r"sleep\s+with\s+one\s+eye\s+open\b"),
    _rule("threat", r"been\s+warned\b", rf"\b{YOU}(?:'ve|\s+have)\s+"),
    _rule("threat", r"warning\b", r"\b(?:consider\s+this|this\s+is)\s+(?:a|your|my)\s+(?:(?:last|final|only)\s+)?"),
    _rule("threat", r"would\s+be\s+a\s+shame\s+if\b"),
    # consequences: "you'll regret", "you'll pay for this", "you better hope"
    _rule(
        "threat",
        rf"{YOU_WILL}\s+{ADVERB}(?:regret|be\s+sorry\b(?!\s+to)|pay\s+for|get\s+what's\s+coming|get\s+yours"
        r"|get\s+what\s+you\s+deserve|get\s+hurt|wish\s+you\s+(?:had|never|hadn't)|be\s+next|never\s+be\s+safe)",
    ),
    _rule("threat", rf"what(?:'s|\s+is)\s+coming\s+(?:to|for)\s+{YOU}\b"),
    _rule(
        "threat",
        r"be(?:tter|st)\s+(?:hope|watch|keep|stay|not|be\s+careful|shut|pray|run|leave|move)\b",
        rf"\b{YOU}(?:'d|\s+had)?\s+",
    ),
    _rule("threat", rf"make\s+{YOU}\s+(?:pay|suffer|sorry|regret)\b"),
    _rule("threat", rf"make\s+sure\s+{YOU}\s+(?:never\s+forget|regret|pay|suffer|get\s+what)"),
    _rule(
        "threat",
        r"you(?:'re\s+not|\s+are\s+not|\s+aren't|'re\s+never|\s+are\s+never)\s+safe\b",
        r"(?:\A|[.!?,]\s+|\n\s*|\bnow\s+|\band\s+|\bso\s+)",
    ),
    _rule("threat", rf"won't\s+(?:see\s+(?:it|me)\s+coming|know\s+what\s+hit\s+{YOU})"),
    _rule(
        "threat",
        rf"happen\s+to\s+(?:{YOU}|your)\b",
        r"\bsomething\s+(?:bad\s+|nasty\s+|terrible\s+)?(?:might|could|will|would|is\s+going\s+to)\s+",
    ),
    _rule("threat", rf"com(?:e|ing)\s+(?:for|after)\s+{YOU}\b(?!'|\s+(?:left|had|went|did|were|was)\b)"),
    _rule("threat", r"wait\s+(?:till|until|til|'til)\s+i\s+(?:get\s+out|see\s+you|find\s+you|get\s+hold\s+of\s+you)"),
    _rule(
        "threat",
        r"dead(?:\s+(?:man|woman|meat))?\b(?!\s+(?:to\s+me|right|lucky|good|serious))",
        rf"\b{YOU}(?:'re|\s+are|\s+r)\s+(?:a\s+)?",
    ),
    _rule("threat", rf"with\s+{YOU}\b", r"(?:\bnot|n't)\s+(?:yet\s+)?(?:finished|done)\s+"),
    _rule("threat", r"this\s+(?:isn't|is\s+not|ain't)\s+over\b"),
    # silencing: "keep your mouth shut", "if you tell anyone"
    _rule("threat", r"keep\s+(?:your|ur)\s+(?:mouth|gob|trap)\s+shut\b"),
    _rule("threat", r"snitches\s+get\s+stitches\b"),
    _rule("threat", r"grass(?:es)?\s+get\b"),
    _rule(
        "threat",
        rf"if\s+{YOU}\s+(?:tell|talk\s+to|go\s+to|speak\s+to|grass|snitch)\s+(?:on\s+me|anyone|anybody"
        r"|the\s+police|the\s+cops|the\s+feds)\b",
    ),
)

# What the writer says they will do: a threat ("I'll find you", "I'll be waiting") or contact
# ("I'll come round", "I'll text you when I'm out"). One rule, so the letter's many "i"s are
# scanned once; the group that matched gives the category.
WRITER_INTENTIONS = _rule(
    None,
    rf"{I_WILL}\s+(?:(?P<threat>{ADVERB}(?:(?:find|hurt|kill|batter|smash|stab|deal\s+with|get\s+even\s+with"
    rf"|get\s+back\s+at|see\s+to)\s+(?:{YOU}\b|your\s+\w+)|(?:track|hunt)\s+{YOU}\s+down"
    rf"|sort\s+{YOU}\s+out|get\s+{YOU}\s+(?:back|for\s+(?:this|that|it|what))"
    r"|(?:burn|torch|smash|wreck|trash)\s+(?:your|ur)\s+\w+"
    r"|be\s+(?:outside|at|round|waiting\s+outside)\s+your\s+(?:house|home|work|door|place|flat|school)"
    r"|be\s+waiting\b(?!\s+(?:for|to|on|until)\s+(?:your|hear|a|an|the|my|news|see|read)\b)))"
    r"|(?P<contact_request>(?:come|pop|call|drop|swing)\s+(?:round|by|over)\b"
    rf"|come\s+(?:to\s+your|and\s+see\s+{YOU})\b"
    rf"|(?:text|call|ring|phone|message|email|dm|write\s+to|contact|add|find)\s+{YOU}\s+"
    r"(?:on|at|directly|privately|when|once|after|as\s+soon\s+as)\b))",
)

CONTACT_REQUESTS = (
    # "you can phone me on", "please text me", "Ring me.", "find me on", not "contact me via the service"
    _rule(
        "contact_request",
        rf"me\b(?:(?P<veto>{VIA_SERVICE}|{NAME_CALLING})|(?P<strong>{CHANNEL}))?",
        rf"{INVITE_OR_START}{ASKING}\s+",
        rf"\b(?:{ASKING}|{CHANNEL_VERB})\s+",
    ),
    _rule("contact_request", r"give\s+me\s+a\s+(?:ring|call|bell|text|buzz|message|shout)\b"),
    _rule("contact_request", r"drop\s+me\s+a\s+(?:line|message|text|dm|email)\b"),
    _rule("contact_request", r"send\s+me\s+a\s+(?:message|text|friend\s+request|dm|pm|email|snap)\b"),
    _rule("contact_request", r"hit\s+me\s+up\b"),
    _rule("contact_request", r"look\s+me\s+up\b"),
    _rule(
        "contact_request",
        r"send\s+(?:it|them|your\s+\w+|a\s+letter|letters)\s+(?:(?:straight|directly)\s+to\s+me\b"
        r"|(?:straight\s+|directly\s+)?to\s+my\s+(?:house|home|flat|address|work|mum's|dad's))",
    ),
    # meeting: "meet me at", "Come to the cafe", "come and see me", "I'll come round"
    _rule("contact_request", r"meet\s+(?:me|up\s+with\s+me)\b"),
    _rule("contact_request", r"let(?:'s|\s+us)\s+meet\b"),
    _rule("contact_request", r"just\s+(?:the\s+two\s+of\s+us|you\s+and\s+me|us\s+two)\b"),
    _rule("contact_request", r"only\s+(?:the\s+two\s+of\s+us|you\s+and\s+me|us\s+two)\b"),
    _rule(
        "contact_request",
        r"come\s+(?:(?P<strong>(?:and\s+)?(?:see|find|meet|visit)\s+me\b|(?:round|over|by)\s+(?:to\s+)?"
        r"(?:my|mine|our)\b)|(?:round|over|down(?:\s+to)?|to(?!\s+(?:terms|think|the\s+(?:meeting"
        r"|conference|session))))\b)",
        INVITE_OR_START,
    ),
    # giving a way in: "my number is", "here's my email"
    _rule(
        "contact_request",
        r"my\s+(?:(?:mobile|mob|phone|contact|home|work|landline|new|whatsapp|personal|private|direct|email)\s+)*"
        r"(?:number|no\.?|mobile|email|e-mail)(?:\s+is|'s)\b",
    ),
    _rule("contact_request", r"here(?:'s|\s+is)\s+my\s+(?:number|mobile|email|snap|insta|address)\b"),
    # leaving the service out: "I don't need the facilitator in the middle"
    _rule(
        "contact_request",
        rf"need\s+(?:the|a|our|my|your)\s+{SERVICE}\b",
        r"\b(?:don't|do\s+not|won't|doesn't)\s+(?:really\s+)?",
    ),
    _rule(
        "contact_request",
        rf"without\s+(?:the|our|my|your)\s+{SERVICE}\s+(?:knowing|reading|seeing|in\s+the\s+middle|involved"
        r"|finding\s+out)\b",
    ),
    _rule("contact_request", rf"tell\s+(?:the|our|your|my)\s+{SERVICE}\b", r"\b(?:don't|do\s+not|no\s+need\s+to)\s+"),
    _rule("contact_request", rf"cut\s+(?:out\s+(?:the|our|your)\s+{SERVICE}|(?:the|our|your)\s+{SERVICE}\s+out)\b"),
    _rule("contact_request", rf"leave\s+(?:out\s+(?:the|our|your)\s+{SERVICE}|(?:the|our|your)\s+{SERVICE}\s+out)\b"),
    _rule("contact_request", rf"bypass\s+(?:the|our|your)\s+{SERVICE}\b"),
    _rule("contact_request", rf"go\s+around\s+(?:the|our|your)\s+{SERVICE}\b"),
    _rule("contact_request", rf"get\s+round\s+(?:the|our|your)\s+{SERVICE}\b"),
)


# Letters written in Welsh (portal.screening.welsh).
WELSH = (_rule("threat", welsh.THREATS), _rule("contact_request", welsh.CONTACT))


def find_concerns(letter: Letter) -> Iterator[Span]:
    """Yield threat and contact_request spans, each widened to its sentence."""
    for rule in (*THREATS, WRITER_INTENTIONS, *CONTACT_REQUESTS, *WELSH):
        for category, start, end in rule.find(letter):
            yield (category, *letter.sentence_around(start, end))
