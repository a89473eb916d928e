"""Threats and attempts to make contact outside the service, as families of phrasings.

Each rule starts at a fixed word (so re can jump between its occurrences in a long letter)
and may require words just before it: "regret" is only a threat after "you'll". A concern is
reported as the whole sentence around the phrasing, because the facilitator needs to read the
clause in context. Patterns run on the folded letter: lower case, plain apostrophes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from portal.screening import welsh
from portal.screening.letter import Letter, find_all

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
    sentence_needs: re.Pattern[str] | None = None  # words the sentence must also hold
    # The fixed letters each of the pattern's first words starts with: the pattern is then tried
    # only where str.find finds them, far quicker than re scanning for an alternation.
    anchors: tuple[str, ...] = ()
    # Words that, in the sentence or the next, make it no concern: "Would you ever meet me?
    # Possibly, with the facilitator present" is a meeting the service arranges.
    unless_near: re.Pattern[str] | None = None

    def _matches(self, folded: str) -> Iterator[re.Match[str]]:
        if not self.anchors:
            yield from self.pattern.finditer(folded)
            return
        end = -1
        for position in sorted({i for anchor in self.anchors for i in find_all(folded, anchor)}):
            if position < end:
                continue
            m = self.pattern.match(folded, position)
            if m:
                end = m.end()
                yield m

    def find(self, letter: Letter) -> Iterator[Span]:
        folded = letter.folded
        groups = self.pattern.groupindex
        for m in self._matches(folded):
            start = m.start()
            if not letter.starts_word(start) or ("veto" in groups and m.group("veto")):
                continue
            before = self.strong_before if "strong" in groups and m.group("strong") else self.before
            if before and not before.search(folded, max(0, start - _BEFORE_REACH), start):
                continue
            sentence = letter.sentence_around(start, m.end())
            if self.sentence_needs and not self.sentence_needs.search(folded, *sentence):
                continue
            if self.unless_near:
                next_end = letter.sentence_around(sentence[1] + 1, sentence[1] + 1)[1]
                if self.unless_near.search(folded, sentence[0], max(sentence[1], next_end)):
                    continue
            category = self.category or ("threat" if m.group("threat") else "contact_request")
            yield category, start, m.end()


def _rule(
    category: str | None,
    pattern: str,
    before: str | None = None,
    strong_before: str | None = None,
    *,
    sentence_needs: str | None = None,
    unless_near: str | None = None,
    anchors: tuple[str, ...] = (),
) -> Rule:
    def context(words: str | None) -> re.Pattern[str] | None:
        return re.compile(words + r"\Z") if words else None

    def compiled(words: str | None) -> re.Pattern[str] | None:
        return re.compile(words) if words else None

    return Rule(
        category,
        re.compile(pattern),
        context(before),
        context(strong_before),
        compiled(sentence_needs),
        anchors,
        compiled(unless_near),
    )


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
CHANNEL_VERB = r"(?:mail|reach|find|write\s+(?:back\s+)?to)"
PLATFORM = (
    r"(?:snap(?:chat)?|insta(?:gram)?|ig|tik\s?tok|twitter|x|facebook|fb|discord|whats\s?app|telegram|threads"
    r"|bluesky|signal|kik|youtube|twitch|xbox|psn|steam|reddit|here|there|it|that|this)"
)
CHANNEL = r"\s+(?:up\s+)?(?:on|at|via|directly|direct|back|any\s*time|whenever|privately|yourself|instead|there)\b"
# A meeting the service arranges: "with the facilitator present", "at the service's office".
ARRANGED = (
    rf"\b(?:with|through|via|at|by|and)\s+(?:the|our|my|your)\s+{SERVICE}"
    rf"|{SERVICE}(?:'s)?\s+(?:present|there|office|room|with\s+us)"
)
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
    # Veiled: others who could act, knowing someone's face, family, home or routine, watching.
    _rule(
        "threat",
        rf"(?:brothers?|cousins?|mates|friends|boys|lads|family|uncles?|people|crew|sons?|nephews?)"
        r"(?:\s+(?:still|all|both|already|now|do|does))?\s+"
        r"(?:know|knows|see|sees|watch|watches|clock|are\s+on|are\s+in|are\s+round|live\s+on|live\s+near)\s+"
        rf"(?:what\s+{YOU}\s+look\s+like|who\s+{YOU}\s+are|where\b|your\b|her\s+(?:road|street|house|kids|mum|car)"
        r"|his\s+(?:road|street|house|kids|mum|car)|everything\b|you\b)",
        r"\b(?:my|his|her|our|their)\s+(?:\w+\s+)?",
        anchors=(
            "brother",
            "cousin",
            "mates",
            "friends",
            "boys",
            "lads",
            "family",
            "uncle",
            "people",
            "crew",
            "son",
            "nephew",
        ),
    ),
    _rule("threat", r"see\s+everything\b", r"\b(?:they|we|people|someone|somebody)(?:'re|\s+are)?\s+(?:still\s+)?"),
    _rule(
        "threat",
        r"(?:know|heard|hear|noticed|notice)\s+(?:that\s+)?(?:you|she|he)(?:'ve|'re|'s|\s+have|\s+are|\s+has)?"
        r"(?:\s+(?:still|now|just|finally|recently))?\s+(?:gone\s+back\s+to|moved\s+(?:to|into|in\s+with|house|out\s+to)"
        r"|moved\b(?=\s*(?:[.!,;]|\Z|\n|now|again|recently|house|away|on\b|out\b))"
        r"|(?:started|back)\s+(?:at|working|work)|(?:work|do|go|walk|drive|live|finish|start|get)s?\s+"
        r"(?:at|to|on|near|past|by|round|every|most|mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?"
        r"|sundays?|nights|mornings|evenings|lates|earlies|shifts)\b|(?:working|staying|living)\s+(?:at|on|near|round|with))",
        r"\b(?:i|we|they|he|she|people|everyone|my\s+\w+)(?:'ve|\s+have)?\s+(?:still\s+|already\s+|just\s+|all\s+)?",
        anchors=("know", "hear", "notic"),
    ),
    _rule(
        "threat",
        r"(?:see|watch|clock|spot|pass|notice)\s+(?:your|her|his)\s+(?:two|kids|children|son|daughter|boy|girl|lad"
        r"|little\s+(?:one|ones)|mum|dad|wife|husband|partner|family|car|house|mum's|dad's)\b",
        r"\b(?:i|we|they|my\s+\w+)\s+(?:still\s+|often\s+|always\s+|sometimes\s+|usually\s+)?",
        anchors=("see", "watch", "clock", "spot", "pass", "notice"),
    ),
    _rule(
        "threat",
        r"(?:past|by)\s+(?:your|her|his|it|there)\b",
        r"\b(?:i|we|they|he|my\s+\w+)\s+(?:still\s+|often\s+|always\s+|sometimes\s+|usually\s+)?"
        r"(?:drive|drives|walk|walks|go|goes|come|comes|cycle|ride)\s+",
        anchors=("past", "by"),
    ),
    _rule(
        "threat",
        r"walk\s+past\s+(?:most|every|each)\s+(?:day|week|morning|night)",
        r"\b(?:i|we)\s+(?:still\s+)?",
    ),
    # Pressing the other person to drop out of the process.
    _rule(
        "threat",
        r"(?:better|best|easier|safer)\s+for\s+(?:everyone|everybody|you|all\s+of\s+us|all\s+concerned|us\s+all"
        r"|your\s+\w+)(?:,[^,.]{1,40},)?\s+if\s+(?:you|she|he)\s+(?:just\s+)?(?:stopped|dropped|pulled\s+out|walked\s+away|let\s+(?:it|this)"
        r"\s+go|left\s+it|gave\s+up|withdrew|backed\s+off|forgot\s+about)",
        anchors=("better", "best", "easier", "safer"),
    ),
    _rule(
        "threat",
        r"whether\s+(?:you|she|he)\s+(?:really\s+)?(?:want|wants)\s+to\s+(?:keep\s+(?:this|it)|carry\s+on|go\s+on"
        r"|continue|go\s+ahead|push\s+(?:this|it))",
        r"\bthink\s+(?:hard\s+|carefully\s+|long\s+and\s+hard\s+)?about\s+",
    ),
    _rule("threat", r"drop\s+(?:it|this|the\s+case|the\s+charges|all\s+this|out)\s+or\b"),
    _rule("threat", r"or\s+(?:you'll|she'll|he'll|they'll|you\s+will)\s+(?:find\s+out|see|be\s+sorry|regret\s+it)\b"),
    _rule(
        "threat",
        r"can't\s+control\s+what\s+(?:they|people|he|she|my\s+\w+|the\s+lads|others)\s+(?:say|do|might|will|would)\b",
    ),
    _rule(
        "threat",
        r"people\s+(?:round|around)\s+here\s+(?:are\s+)?(?:starting\s+to\s+|beginning\s+to\s+)?"
        r"(?:talk|talking|asking|saying\s+things)\s+about\s+(?:you|her|him)\b",
    ),
    _rule("threat", r"won't\s+be\s+(?:anything|much)\s+left\b"),
    _rule("threat", r"(?:nobody|no\s*one|no-one)\s+will\s+(?:need|have)\s+to\s+call\s+the\s+police\b", anchors=("no",)),
    _rule("threat", r"a\s+promise,?\s+not\s+a\s+threat\b", r"\b(?:that's|this\s+is)\s+"),
    _rule(
        "threat",
        r"(?:can't|cannot|won't|couldn't)\s+(?:answer|be\s+responsible|vouch)\s+for\s+(?:what|how|my|the\s+lads|them"
        r"|him|her|people|anyone|others)\b",
        anchors=("can't", "cannot", "won't", "couldn't"),
    ),
    _rule("threat", r"long\s+memor(?:y|ies)\b", r"\b(?:have|has|got|'ve|with)\s+(?:got\s+)?(?:very\s+|really\s+|)"),
    _rule(
        "threat",
        r"shame\s+if\s+(?:anything|something|you|your|she|he|they|it|things|people)\b",
        r"\b(?:be|it's|that's|'d\s+be)\s+a\s+(?:real\s+|terrible\s+|right\s+|great\s+|proper\s+)?",
    ),
    _rule(
        "threat",
        r"(?:hate|not\s+want|not\s+like)\s+for\s+(?:things|anything|it|you|this|her|him|them)\s+to\s+(?:get|go|turn|become)\b",
        r"\b(?:i'd|i\s+would|i\s+wouldn't|we'd|we\s+would|wouldn't)\s+",
        anchors=("hate", "not want", "not like"),
    ),
    _rule("threat", r"funny\s+(?:what|the\s+things)\s+(?:you|one|i|people)\s+(?:notice|see|pick\s+up|find\s+out|hear)"),
    _rule("threat", r"think\s+on\b(?=\s*(?:[.!,;]|\Z|\n|about|before))"),
    _rule("threat", r"don't\s+care\s+what\s+happens\s+to\s+me\b"),
    # Pressing the person harmed to take back what they said or to stop.
    _rule(
        "threat",
        r"(?:told|tell|say|said|admit|admitted)\s+(?:to\s+)?(?:them|the\s+police|the\s+court|the\s+judge|the\s+cops"
        r"|the\s+facilitator|probation|everyone|the\s+service)\s+(?:that\s+)?(?:you|she|he)\s+(?:just\s+)?(?:made\s+a\s+mistake"
        r"|got\s+it\s+wrong|were\s+wrong|was\s+wrong|weren't\s+sure|wasn't\s+sure|lied|made\s+it\s+up|imagined"
        r"|don't\s+want\s+to\s+(?:go\s+ahead|carry\s+on|continue|do\s+this|go\s+on)|want\s+to\s+stop"
        r"|changed\s+(?:your|her|his)\s+mind|misremembered)",
        anchors=("told", "tell", "say", "said", "admit"),
    ),
    _rule(
        "threat",
        r"drop\s+(?:this|the|it|all\s+this|all\s+of\s+this)\s+(?:whole\s+)?(?:thing|lot|case|business|matter|nonsense)\b",
        r"\b(?:should|could|just|better|need\s+to|have\s+to|must|want\s+you\s+to|time\s+to|i'd)\s+(?:just\s+)?",
    ),
    _rule(
        "threat",
        r"know\s+(?:that\s+)?(?:you're|you\s+are|she's|she\s+is|he's|he\s+is|they're|they\s+are)\s+(?:still\s+|now\s+)?"
        r"(?:at\s+(?!a\b|an\b|the\s+(?:moment|end|start|time)|peace|fault|risk|ease|least|times|first|last|heart)"
        r"|in\s+year\s+\d|in\s+the\s+year\s+(?:above|below))",
        r"\b(?:i|we|they|my\s+\w+|people|everyone)\s+(?:still\s+|already\s+|all\s+)?",
    ),
    _rule(
        "threat",
        r"(?:word|news|things|stuff)\s+(?:gets?|travels?|spreads?|can\s+get)\s+(?:a)?round\b",
        anchors=("word", "news", "things", "stuff"),
    ),
    _rule(
        "threat",
        r"(?:kids|people|folk|tongues)\s+(?:talk|wag)(?=\s*(?:[.!]|\Z|\n))",
        anchors=("kids", "people", "folk", "tongues"),
    ),
    # Knowing a family's places and times: "your mum's still on Elm Way", "same church as your nan",
    # "I know what time she finishes", "your lad still gets the 42 at ten to eight".
    _rule(
        "threat",
        r"(?:your|her|his)\s+(?:mum|mam|mother|dad|father|nan|nana|gran|granny|grandad|grandma|sister|brother|kids"
        r"|children|lad|son|daughter|girl|boy|wife|husband|partner|family)(?:'s|\s+is|\s+are)\s+still\s+"
        r"(?:on|at|in|living|up|down|round)\b",
        anchors=("your", "her", "his"),
    ),
    _rule(
        "threat",
        r"same\s+(?:church|mosque|temple|chapel|school|gym|pub|club|surgery|street|road|estate|bus|shop|work|college"
        r"|nursery|playgroup)\s+as\s+(?:your|her|his)\b",
    ),
    _rule(
        "threat",
        r"(?:what\s+time|when)\s+(?:you|she|he|your\s+\w+|her\s+\w+|his\s+\w+)\s+(?:finish|finishes|start|starts"
        r"|leave|leaves|get\s+home|gets\s+home|get\s+off|gets\s+off|clock\s+off|clocks\s+off|pick\s+up|picks\s+up)\b",
        r"\b(?:i|we|they|he|she|my\s+\w+)\s+(?:still\s+|already\s+|all\s+)?(?:know|knows|found\s+out|worked\s+out)\s+",
        anchors=("what time", "when"),
    ),
    _rule(
        "threat",
        r"(?:you|your\s+\w+|her\s+\w+|his\s+\w+)\s+still\s+(?:leave|leaves|get|gets|catch|catches|walk|walks"
        r"|take|takes|drive|drives|go|goes|finish|finishes)\b",
        sentence_needs=r"\b(?:at\s+(?:\d|ten|quarter|half|twenty|five|one|two|three|four|six|seven|eight|nine|eleven"
        r"|twelve)|o'clock|every\s+(?:day|morning|night|evening|week|monday|tuesday|wednesday|thursday|friday"
        r"|saturday|sunday)|the\s+\d+\b|same\s+time|bus)",
        anchors=("you", "her", "his"),
    ),
    _rule(
        "threat",
        r"(?:better|best|easier|safer)\s+for\s+(?:everyone|everybody|you|all\s+of\s+us|all\s+concerned|us\s+all"
        r"|your\s+\w+)(?:,[^,.]{1,40},)?\s+if\s+(?:you|she|he)\s+(?:just\s+)?(?:told|tell|said|let)\s+(?:the\s+)?\w+"
        r"\s+(?:that\s+)?(?:you|she|he)\s+(?:don't|didn't|doesn't|do\s+not|no\s+longer)\s+want",
        anchors=("better", "best", "easier", "safer"),
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
    r"|(?:put|kick|smash)\s+(?:every|all\s+(?:the|your)|your)\s+(?:windows?|doors?)"
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
    _rule("contact_request", rf"(?:add|follow)\s+me\s+(?:on|at)\s+{PLATFORM}\b", anchors=("add", "follow")),
    # another person's line: "ring her whenever you like", "she can ring his mum's landline"
    _rule(
        "contact_request",
        r"(?:ring|call|phone|text|message|contact|visit)\s+(?:her|him|them|his\s+\w+|her\s+\w+|my\s+\w+)"
        r"(?:'s\s+\w+)?\s+(?:directly|on\b|at\b|whenever|any\s*time|if\s+you|yourself)",
        anchors=("ring", "call", "phone", "text", "message", "contact", "visit"),
    ),
    _rule(
        "contact_request", r"hear\s+it\s+from\s+(?:him|her|me|them)\s+(?:directly|yourself|in\s+person|first\s*hand)"
    ),
    # settling it privately: "between ourselves over a pint", "no need for the facilitator"
    _rule(
        "contact_request",
        r"(?:between|among)\s+(?:us|ourselves|the\s+two\s+of\s+us|you\s+and\s+me)\b",
        sentence_needs=r"\b(?:sort|settle|manage|keep|talk|deal|work|agree|sorted|handle|chat)",
        anchors=("between", "among"),
    ),
    _rule("contact_request", r"over\s+a\s+(?:pint|drink|coffee|cuppa|brew|beer|bevvy|tea)\b"),
    _rule(
        "contact_request",
        r"(?:no\s+need|don't\s+need|do\s+not\s+need|no\s+point)\s+(?:for|to\s+(?:bring|involve|go\s+through|have|use"
        r"|wait\s+for|drag\s+in|ask))\s+(?:the|this|that|a|our|your|all\s+(?:this|these|the|that))\s+(?:\w+\s+)?"
        r"(?:facilitator|service|forms?|paperwork|middle\s*man|go-between|rj)",
        anchors=("no need", "don't need", "do not need", "no point"),
    ),
    _rule(
        "contact_request",
        rf"forget\s+(?:about\s+)?(?:the|this|that|all\s+(?:the|these|this))\s+(?:{SERVICE}|forms|paperwork)",
    ),
    _rule("contact_request", r"no\s+(?:forms|paperwork),?\s+no\s+\w+"),
    _rule(
        "contact_request",
        rf"without\s+(?:all\s+)?(?:the|these|this|those|any|a)\s+(?:forms|paperwork|middle\s*m[ae]n|go-betweens?"
        rf"|{SERVICE}s?|letters\s+going\s+through)\b(?!\s+(?:knowing|reading|seeing))",
        sentence_needs=r"\b(?:we|us|you\s+and\s+me|me|talk|meet|sort|chat|speak|just)\b",
    ),
    _rule(
        "contact_request",
        rf"(?:rather|prefer(?:red)?)\s+(?:not\s+(?:to\s+)?|if\s+(?:we|you)\s+didn't\s+)(?:put|send|go|write|pass)\s+"
        rf"(?:\w+\s+)?(?:through|via)\s+(?:the\s+|my\s+|your\s+|our\s+)?{SERVICE}",
        anchors=("rather", "prefer"),
    ),
    _rule(
        "contact_request",
        r"leave\s+(?:a|the)\s+(?:note|letter|message|number)\s+(?:with|at|behind|for\s+me)\b",
        sentence_needs=r"\b(?:you|u)\b",
    ),
    _rule("contact_request", r"just\s+turn\s+up\b", sentence_needs=r"\b(?:you|u|at|door|house|mine|my)\b"),
    _rule(
        "contact_request",
        r"(?:don't|no\s+need\s+to|do\s+not)\s+bother\s+(?:writing|going|sending|replying|answering)\s+(?:back\s+)?"
        r"(?:through|via)\s+(?:them|the|her|him|that)",
        anchors=("don't", "no need", "do not"),
    ),
    _rule(
        "contact_request",
        r"call\s+it\s+quits\b",
        sentence_needs=r"\b(?:between|ourselves|us|you\s+and\s+me|we\s+(?:can|could))\b",
    ),
    # meeting in person, outside the service
    _rule(
        "contact_request",
        r"to\s+my\s+face\b",
        sentence_needs=r"\b(?:if\s+you|come|knock|you\s+can|you\s+could|want)",
    ),
    _rule(
        "contact_request",
        r"face\s+to\s+face\b",
        sentence_needs=r"\b(?:you\s+know\s+where|come\s+(?:down|round|over|and)|pop|just\s+us|no\s+forms|my\s+place)",
    ),
    _rule("contact_request", r"you\s+know\s+where\s+(?:i\s+am|i\s+live|to\s+find\s+me|i'll\s+be|i\s+work)\b"),
    _rule(
        "contact_request",
        r"knock\s+on\b",
        r"\b(?:just|you\s+can|you\s+could|feel\s+free\s+to|come\s+and|come|do)\s+",
    ),
    _rule(
        "contact_request",
        r"pop\s+(?:round|over|in|by)\b",
        INVITE_OR_START,
    ),
    _rule(
        "contact_request",
        r"(?:social|ordinary|normal|private|family)\s+visits?\b|visiting\s+order\b",
        sentence_needs=r"\b(?:book|you\s+can|you\s+could|yourself|send\s+(?:you|me)|get\s+(?:you|me))",
        anchors=("social", "ordinary", "normal", "private", "family", "visiting order"),
    ),
    _rule(
        "contact_request",
        r"(?:i'm|i\s+am|i'll\s+be|we're|we\s+are|we'll\s+be|you'll\s+find\s+(?:me|us)|you\s+can\s+find\s+(?:me|us))\s+"
        r"(?:\w+\s+){0,2}(?:at|in|down|up|outside)\s+(?:the\s+)?[a-z']+",
        sentence_needs=r"\b(?:if\s+you\s+(?:ever\s+)?(?:want|fancy|like|wanna|need)|come\s+(?:down|along|by|and)"
        r"|no\s+forms|you(?:'d|\s+would|'re|\s+are)\s+(?:be\s+)?(?:more\s+than\s+|very\s+|always\s+)?welcome)",
        anchors=("i'm", "i am", "i'll be", "we're", "we are", "we'll be", "you'll find", "you can find"),
    ),
    _rule(
        "contact_request",
        r"(?:pass|give|slip|hand|send)\s+(?:you|u)\s+(?:a|my|the|her|his|their|our)\s+(?:\w+\s+)?(?:number|mobile"
        r"|message|note|details|address|email)\b",
        r"\b(?:i'll|i\s+will|she'll|he'll|they'll|she\s+will|he\s+will|they\s+will|can|could|will|to|i\s+can)\s+",
        anchors=("pass", "give", "slip", "hand", "send"),
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
    _rule("contact_request", r"meet\s+(?:me|up\s+with\s+me)\b", unless_near=ARRANGED),
    _rule("contact_request", r"let(?:'s|\s+us)\s+meet\b", unless_near=ARRANGED),
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
WELSH = (
    *(_rule("threat", pattern, before) for pattern, before in welsh.THREATS),
    *(_rule("contact_request", pattern, before) for pattern, before in welsh.CONTACT),
)
# Words of everyday Welsh that English letters do not use: a letter with none of them skips the
# Welsh rules, which are the dearest to run.
_WELSH_WORDS = (" yn ", " mae ", " ddim ", " gyda ", " dw i", "rydw", " chi ", " fy ", " ond ", " roedd")


def _reads_as_welsh(letter: Letter) -> bool:
    folded = letter.folded
    return sum(word in folded for word in _WELSH_WORDS) >= 2


# A way to reach someone, offered in a letter, is itself a contact attempt whatever the words
# around it, unless the sentence gives it to the service ("for the facilitator's use only").
# A phone, email or handle always reaches someone; an address or a web page only when the
# writer gives their own ("I'm staying at 7 Larch Grove", "my page is ..."), not the scene of
# the offence ("why did you pick our house at 23 Ferndale Avenue?").
REACH = frozenset({"phone", "email", "social_handle"})
OWN_PLACE = frozenset({"url", "address"})
_FOR_THE_SERVICE = re.compile(
    rf"\b(?:{SERVICE}|victim\s+support|samaritans|helpline|help\s+line|support\s+line|citizens\s+advice)"
)
_WRITERS_OWN = re.compile(
    r"\b(?:my|mine|i'm|i\s+am|i'll|i\s+will|i\s+live|i\s+stay|we're|we'll|we\s+live)\b(?!\s+(?:old|former|last|ex)\b)"
)
# A way that no longer works: "I deleted the account @x that I used to message you on".
_GONE = re.compile(r"\b(?:used\s+to|back\s+then|deleted|closed|shut\s+down|anymore|any\s+more|no\s+longer)\b")
_PAST = re.compile(r"\b(?:was|were)\b")


def offered_contact(letter: Letter, details: Iterable[Span]) -> Iterator[Span]:
    """A contact_request over the sentence of each way to reach someone."""
    seen: set[tuple[int, int]] = set()
    folded = letter.folded
    for category, start, end in details:
        if category not in REACH and category not in OWN_PLACE:
            continue
        sentence = letter.sentence_around(start, end)
        if sentence in seen or _FOR_THE_SERVICE.search(folded, *sentence) or _GONE.search(folded, *sentence):
            continue
        if category in OWN_PLACE and (not _WRITERS_OWN.search(folded, *sentence) or _PAST.search(folded, *sentence)):
            continue
        seen.add(sentence)
        yield ("contact_request", *sentence)


def find_concerns(letter: Letter) -> Iterator[Span]:
    """Yield threat and contact_request spans, each widened to its sentence."""
    rules = (*THREATS, WRITER_INTENTIONS, *CONTACT_REQUESTS, *(WELSH if _reads_as_welsh(letter) else ()))
    for rule in rules:
        for category, start, end in rule.find(letter):
            yield (category, *letter.sentence_around(start, end))
