"""Rules for details that identify or locate a person.

Each rule is a format (what a postcode or a number plate looks like) or a phrasing (a date
*given as* a date of birth), never the words of a particular letter. Formats that ordinary
numbers share (an 8-digit run, a dd-mm-yy date, a lower-case plate) only count with a context
word nearby. Patterns run on the folded (lower-cased) letter unless capitals are the evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from portal.screening import welsh
from portal.screening.letter import Letter, NumberCluster, find_all, windows

Span = tuple[str, int, int]

# --- email ---------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![a-z0-9._%+-])[a-z0-9][a-z0-9._%+-]*@"
    r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}(?![a-z0-9-])"
)
# Written out to get past a filter: "jo.smith (at) gmail (dot) com", "jo at gmail dot com".
_SPELLED_EMAIL = re.compile(
    r"(?<![a-z0-9._%+-])[a-z0-9._%+-]+(?:[^\S\n]+dot[^\S\n]+[a-z0-9_%+-]+)*"
    r"[^\S\n]*(?:[\[(][^\S\n]*at[^\S\n]*[\])]|[^\S\n]at[^\S\n])"
    r"[^\S\n]*[a-z0-9-]+(?:[^\S\n]*(?:[\[(][^\S\n]*dot[^\S\n]*[\])]|[^\S\n]dot[^\S\n])[^\S\n]*"
    r"(?:com|net|org|uk|co|io|me|info))+(?![a-z0-9])"
)
# "jo.smith[at]btinternet.com": only the "@" spelled out.
_BRACKET_AT_EMAIL = re.compile(
    r"(?<![a-z0-9._%+-])[a-z0-9][a-z0-9._%+-]*[^\S\n]*[\[(][^\S\n]*at[^\S\n]*[\])][^\S\n]*"
    r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}(?![a-z0-9-])"
)
_EMAIL_LOCAL_MAX = 64
_EMAIL_DOMAIN_MAX = 255


def find_emails(letter: Letter) -> Iterator[Span]:
    folded = letter.folded
    for window in windows(find_all(folded, "@"), _EMAIL_LOCAL_MAX, _EMAIL_DOMAIN_MAX):
        for m in _EMAIL.finditer(folded, *window):
            yield "email", m.start(), m.end()
    for window in windows(find_all(folded, "dot"), 90, 30):
        for m in _SPELLED_EMAIL.finditer(folded, *window):
            yield "email", m.start(), m.end()
    for window in windows(sorted([*find_all(folded, "at]"), *find_all(folded, "at)")]), 70, 260):
        for m in _BRACKET_AT_EMAIL.finditer(folded, *window):
            yield "email", m.start(), m.end()


# --- url -----------------------------------------------------------------------------------

# Top-level domains that are not also everyday words, so "I did it.It was" is no web address.
_TLD = r"(?:com|org|net|edu|gov|info|biz|io|tv|gg|ly|xyz|uk|ie|eu|scot|wales|cymru|co|fm|app)"
_DOT_TLD = re.compile(r"\." + _TLD + r"(?![a-z0-9-])")
_URL = re.compile(
    r"(?<![a-z0-9@.-])(?:https?://[^\s<>\"]+|www\.[^\s<>\"]+"
    r"|(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+" + _TLD + r"(?![a-z0-9-])(?:[/?#][^\s<>\"]*)?)"
)
_TRAILING_PUNCTUATION = ".,;:!?)]}'\"\u201d"
_URL_REACH = (100, 300)  # characters before and after an anchor that one address can span


def find_urls(letter: Letter) -> Iterator[Span]:
    folded = letter.folded
    anchors = sorted(
        [*find_all(folded, "://"), *find_all(folded, "www."), *(m.start() for m in _DOT_TLD.finditer(folded))]
    )
    for window in windows(anchors, *_URL_REACH):
        for m in _URL.finditer(folded, *window):
            url = m.group().rstrip(_TRAILING_PUNCTUATION)
            yield "url", m.start(), m.start() + len(url)


# --- social handles ------------------------------------------------------------------------

_HANDLE = r"[a-z0-9_](?:[a-z0-9_.]{0,28}[a-z0-9_])?"
# "@jo_b99" but not the "@" of an email, "@ 3pm" or "@3pm".
_AT_HANDLE = re.compile(r"@(?!\d{1,2}(?::\d\d)?[^\S\n]?(?:am|pm)\b)(?!\d+\b)" + _HANDLE)
_DISCORD_TAG = re.compile(r"(?<![a-z0-9_#.])[a-z0-9_.]{2,32}#\d{4}(?![a-z0-9_])")
# Each platform's name starts with one of these; str.find jumps to them far faster than re.
_PLATFORM_STARTS = (
    "snap",
    "insta",
    "ig",
    "tik",
    "twitter",
    "discord",
    "facebook",
    "fb",
    "telegram",
    "kik",
    "threads",
    "youtube",
    "twitch",
    "xbox",
    "psn",
    "playstation",
    "steam",
    "reddit",
    "signal",
    "user",
    "gamertag",
    "handle",
)
_PLATFORM = (
    r"(?:snap(?:chat)?|insta(?:gram)?|ig|tik[^\S\n]?tok|twitter|discord|facebook|fb|telegram"
    r"|kik|threads|youtube|twitch|xbox|psn|playstation|steam|reddit|signal|user[^\S\n]?name"
    r"|gamertag|handle)"
)
# "my snap is kayla_x", "on insta as jay.b", "Snapchat: kayla_x", "snapchat - kayla_x".
_PLATFORM_WORD = re.compile(_PLATFORM + r"(?![a-z])")
_NAMED_HANDLE = re.compile(
    _PLATFORM + r"(?:\s+(?:name|handle|user[^\S\n]?name|id|tag|account))?"
    r"(?:\s*(?P<colon>[:=-])|\s+is|'s|\s+as|\s+i'm|\s+i\s+am)\s*@?(?P<handle>" + _HANDLE + ")"
)
_MY_OR_ON = re.compile(r"\b(?:my|on)\s+\Z")
# Later in a sentence that names a platform: "someone adds him on Snapchat. His new one is
# jc.gaming2011". Only a name with a digit, dot or underscore counts, never a plain word.
_LATER_HANDLE = re.compile(
    r"\b(?:one|account|name|username|handle|profile|page|tag)(?:\s+is|\s+was|'s|:)\s*@?"
    r"(?P<handle>[a-z0-9_](?:[a-z0-9_.]{0,28}[a-z0-9_]))(?![a-z0-9_@])"
)
_HANDLE_REACH = 160
# Words that follow "my insta is" without being a handle: "my insta is private now".
_NOT_A_HANDLE = frozenset(
    {
        "a",
        "an",
        "the",
        "not",
        "now",
        "still",
        "just",
        "also",
        "gone",
        "down",
        "private",
        "public",
        "deleted",
        "blocked",
        "closed",
        "locked",
        "banned",
        "same",
        "different",
        "new",
        "old",
        "and",
        "but",
        "so",
        "there",
        "here",
        "that",
        "this",
        "it",
        "my",
        "your",
        "his",
        "her",
        "their",
        "where",
        "what",
        "how",
        "why",
        "when",
        "full",
        "off",
        "on",
        "well",
        "too",
        "much",
        "often",
        "soon",
        "long",
        "usual",
        "before",
        "again",
        "though",
        "if",
        "or",
        "for",
        "to",
        "with",
    }
)


def find_social_handles(letter: Letter) -> Iterator[Span]:
    folded = letter.folded
    for at in find_all(folded, "@"):
        m = _AT_HANDLE.match(folded, at)
        if m and letter.starts_word(at):  # not the "@" inside an email address
            yield "social_handle", m.start(), m.end()
    for window in windows(find_all(folded, "#"), 33, 6):
        for m in _DISCORD_TAG.finditer(folded, *window):
            yield "social_handle", m.start(), m.end()
    for platform_start in _PLATFORM_STARTS:
        for i in find_all(folded, platform_start):
            if not letter.starts_word(i) or not _PLATFORM_WORD.match(folded, i):
                continue
            m = _NAMED_HANDLE.match(folded, i)
            # "Discord: wolf99" names a handle; "discord is fun" only does after "my" or "on".
            if (
                m
                and m.group("handle") not in _NOT_A_HANDLE
                and (m.group("colon") or _MY_OR_ON.search(folded, max(0, i - 8), i))
            ):
                yield "social_handle", m.start("handle"), m.end("handle")
            for later in _LATER_HANDLE.finditer(folded, i, min(len(folded), i + _HANDLE_REACH)):
                handle = later.group("handle")
                if any(c in handle for c in "._0123456789") and not handle.replace(".", "").isdigit():
                    yield "social_handle", later.start("handle"), later.end("handle")


# --- codes inside number clusters: postcode, NI number, prison number, number plate --------

# Postcode: area letters never use Q, V, X first or I, J, Z second; inward letters skip CIKMOV.
_POSTCODE = r"[a-pr-uwyz][a-hk-y]?\d[a-z\d]?[^\S\n]?\d[abd-hjlnp-uw-z]{2}"
# NI number: two prefix letters, three pairs of digits, A-D. Any prefix counts, even pairs HMRC
# never issues: a made-up or mistyped number is still worth a facilitator's look.
_NI_NUMBER = r"[a-z]{2}(?:[^\S\n]?-?[^\S\n]?\d{2}){3}[^\S\n]?-?[^\S\n]?[a-d]"
# Prison number: a letter, four digits, two letters; written apart ("A 1234 BC") it needs
# capitals or the word "number" or "prison" nearby, since "a 1000 to" is ordinary prose.
_PRISON_NUMBER = r"[a-z]\d{4}[a-z]{2}"
_SPACED_PRISON_NUMBER = r"[a-z](?:[^\S\n]+|[^\S\n]?-[^\S\n]?)\d{4}(?:[^\S\n]+|[^\S\n]?-[^\S\n]?)?[a-z]{2}"
# Current (AB12 CDE), prefix (A123 BCD) and suffix (ABC 123D) plates; no I or Q in the letters.
_PLATE = r"[a-hj-pr-y]{2}[^\S\n]?\d{2}[^\S\n]?[a-hj-pr-z]{3}"
_OLD_PLATE = r"[a-hj-np-y]\d{1,3}[^\S\n]?[a-hj-pr-y]{3}|[a-hj-pr-y]{3}[^\S\n]?\d{1,3}[a-hj-np-y]"
# Older dateless plates ("A 1", "ABC 123") look like anything, so they need a "reg" before them.
_DATELESS_PLATE = r"[a-z]{1,3}[^\S\n]?\d{1,4}|\d{1,4}[^\S\n]?[a-z]{1,3}"
_CODES = re.compile(
    rf"(?<![a-z0-9])(?:(?P<postcode>{_POSTCODE})|(?P<ni_number>{_NI_NUMBER})"
    rf"|(?P<prison_number>{_PRISON_NUMBER})|(?P<spaced_prison_number>{_SPACED_PRISON_NUMBER})"
    rf"|(?P<plate>{_PLATE})|(?P<old_plate>{_OLD_PLATE})|(?P<dateless_plate>{_DATELESS_PLATE}))"
    r"(?![a-z0-9])"
)
_PLATE_CONTEXT = re.compile(
    r"\b(?:reg(?:istration)?(?:\s+(?:number|no\.?|plate|mark))?|(?:number\s*)?plate)\b"
    r"\s*(?:is|was|:|-)?\s*\Z"
)
# A lower-case plate ("yx68 bnf") counts beside a word for a vehicle.
_VEHICLE_WORDS = re.compile(
    r"\b(?:car|van|transit|motor|vehicle|truck|lorry|pickup|taxi|cab|motorbike|bike|scooter|jeep|4x4"
    r"|hatchback|reg|plate|parked|parks|driving|drives|ford|vauxhall|volkswagen|vw|bmw|audi|mercedes|merc"
    r"|toyota|nissan|honda|kia|hyundai|peugeot|renault|citroen|fiat|skoda|seat|mini|volvo|mazda|astra|corsa"
    r"|fiesta|focus|golf|polo|clio|qashqai|sprinter|mondeo|civic|juke|yaris|micra)\b"
)
_PRISON_NUMBER_BEFORE = re.compile(r"\b(?:number|no\.?|nomis|hmp\s+\w+)\s*(?:is|was|:|-)?\s*\Z")
_ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})
_CODE_REACH = (6, 12)  # letters before a cluster ("AB 12") and after it ("56 C", "12 CDE")


def _after_plate_word(letter: Letter, start: int) -> bool:
    """Whether "reg", "registration" or "number plate" comes just before `start`."""
    window_start = max(0, start - 40)
    folded = letter.folded
    if folded.find("reg", window_start, start) < 0 and folded.find("plate", window_start, start) < 0:
        return False
    return _PLATE_CONTEXT.search(folded, window_start, start) is not None


def _could_hold_code(letter: Letter, cluster: NumberCluster) -> bool:
    """Codes have a letter against their digits (DE14, G7731PL, 123D) or six digits (an NI
    number), or follow "reg" (dateless plates). Most numbers in prose fail this cheap test."""
    folded = letter.folded
    return (
        folded[cluster.start - 1 : cluster.start].isalpha()
        or folded[cluster.end : cluster.end + 1].isalpha()
        or cluster.digits == 6
        or (cluster.digits == 4 and folded[max(0, cluster.start - 3) : cluster.start].strip(" -")[-1:].isalpha())
        or _after_plate_word(letter, cluster.start)
    )


def find_codes(letter: Letter) -> Iterator[Span]:
    text, folded = letter.text, letter.folded
    for cluster in letter.number_clusters:
        if not _could_hold_code(letter, cluster):
            continue
        window = (max(0, cluster.start - _CODE_REACH[0]), cluster.end + _CODE_REACH[1])
        for m in _CODES.finditer(folded, *window):
            kind, start, end = m.lastgroup, m.start(), m.end()
            capitals = text[start:end].isupper()
            if kind == "postcode":
                # "b4 2nd" in lower case is an ordinal; "SW1A 2ND" in capitals is a postcode.
                if capitals or text[end - 2 : end] not in _ORDINAL_SUFFIXES:
                    yield "postcode", start, end
            elif kind in ("ni_number", "prison_number"):
                yield kind, start, end
            elif kind == "spaced_prison_number":
                if capitals or _PRISON_NUMBER_BEFORE.search(folded, max(0, start - 30), start):
                    yield "prison_number", start, end
            elif kind == "plate":
                if (
                    capitals
                    or _after_plate_word(letter, start)
                    or _VEHICLE_WORDS.search(folded, max(0, start - 40), end + 40)
                ):
                    yield "vehicle_reg", start, end
            elif kind == "old_plate":  # "A650 and" is a road: these need capitals or "reg"
                if capitals or _after_plate_word(letter, start):
                    yield "vehicle_reg", start, end
            elif capitals and _after_plate_word(letter, start):
                yield "vehicle_reg", start, end


# --- address -------------------------------------------------------------------------------

# Full words, or abbreviations that may carry a dot ("Church St.").
_STREET_TYPE = (
    r"(?:Road|Street|Lane|Avenue|Close|Way|Drive|Court|Crescent|Place|Gardens|Terrace|Grove|Hill"
    r"|Park|Row|Walk|Square|Mews|Green|Rise|View|Vale|Wharf|Yard|Parade|Side|Bank|Brow|Chase"
    r"|Croft|Dale|End|Fields?|Gate|Heights|Meadows?|Mount|Quay|Ridge|Approach|Boulevard|Circus"
    r"|Embankment|Esplanade|Grange|Broadway|Causeway|Wynd|Cottages|Villas|Buildings|Passage"
    r"|Promenade|Hollow|Orchard|Paddock|Wood|Precinct|Estate"
    r"|(?:Rd|St|Ln|Ave|Cl|Dr|Ct|Cres|Pl|Gdns|Tce|Gr|Sq)\.?)"
)
# "at 3 Mrs Green", "on 3 May Hill": a time or a date before a name, not a house number.
_NOT_A_STREET_NAME = (
    r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Sir|Jan(?:uary)?|Feb(?:ruary)?|March|Apr(?:il)?|May|June?|July?"
    r"|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|Monday|Tuesday"
    r"|Wednesday|Thursday|Friday|Saturday|Sunday)"
)
# House numbers stay within three digits: "2019 Mark Wood" is a year and a name.
_ADDRESS = re.compile(
    r"\d{1,3}[A-Za-z]?(?:[^\S\n]*-[^\S\n]*\d{1,3}[A-Za-z]?)?,?[^\S\n]+"
    r"(?!" + _NOT_A_STREET_NAME + r"\b)"
    r"(?:[A-Z][A-Za-z'\u2019-]*[^\S\n]+){1,3}" + _STREET_TYPE + r"(?![\w'\u2019])"
)
# Welsh names the kind of street first: "12 Heol y Bryn", "3 Ffordd Caerdydd", "7 Lôn Goed".
_ADDRESS_CY = re.compile(
    r"\d{1,3}[A-Za-z]?(?:[^\S\n]*-[^\S\n]*\d{1,3}[A-Za-z]?)?,?[^\S\n]+"
    + welsh.STREET_TYPE
    + r"[^\S\n]+(?:(?:y|yr)[^\S\n]+)?[A-ZÂÊÎÔÛŴŶ][\w'\u2019-]*(?:[^\S\n]+(?:[A-ZÂÊÎÔÛŴŶ][\w'\u2019-]*|y|yr)){0,2}"
    r"(?![\w'\u2019])"
)
_NOT_BEFORE_HOUSE_NUMBER = frozenset("\u00a3$\u20ac.,/:-")  # £3 Park, 1.5, 12/3, 10:30
_FLAT_BEFORE = re.compile(r"\b(?:flat|apartment|apt\.?|unit|room|maisonette)[^\S\n]+\d{1,4}[a-z]?[^\S\n]*,?[^\S\n]*\Z")
_ADDRESS_REACH = 120


def find_addresses(letter: Letter) -> Iterator[Span]:
    text = letter.text
    for start, end in letter.digit_runs:
        if end - start > 3 or not letter.starts_word(start) or text[start - 1 : start] in _NOT_BEFORE_HOUSE_NUMBER:
            continue
        reach = start + _ADDRESS_REACH
        m = _ADDRESS.match(text, start, reach) or _ADDRESS_CY.match(text, start, reach)
        if m and letter.ends_word(m.end()):
            flat = _FLAT_BEFORE.search(letter.folded, max(0, start - 30), start)
            yield "address", flat.start() if flat else start, m.end()


# Addresses led by a building rather than a house number: "Flat 6, Rosemount Court, Albion
# Road", "the top floor flat at Marston House on Kiln Lane", "Calder House, Wrenfield Lane".
_BUILDING_WORDS = (
    "House",
    "Court",
    "Mansions",
    "Lodge",
    "Tower",
    "Heights",
    "Point",
    "Buildings",
    "Apartments",
    "Flats",
    "Villas",
    "Cottages",
    "Works",
    "Mill",
    "Hall",
    "Park",
    "Centre",
    "Chambers",
    "Wharf",
    "Quay",
    "Yard",
    "Block",
    "Residence",
    "Gardens",
    "Place",
    "Lofts",
    "Studios",
)
_BUILDING_TYPE = r"(?:" + "|".join(_BUILDING_WORDS) + r")s?"
_CAPITALISED = r"(?:[A-Z][A-Za-z'\u2019-]*[^\S\n]+){1,3}"
_BUILDING = _CAPITALISED + _BUILDING_TYPE
_THEN_STREET = r"(?:,?[^\S\n]+(?:(?:on|in|off)[^\S\n]+)?" + _CAPITALISED + _STREET_TYPE + r")"
_FLAT_WORD = r"(?i:flat|apartment|apt\.?|unit|maisonette|suite)"
_FLOOR = (
    r"(?i:(?:(?:top|ground|first|second|third|upper|lower|bottom)(?:[^\S\n]+|-)floor|basement|attic|top"
    r"|upstairs|downstairs)[^\S\n]+)"
)
_BUILDING_ADDRESS = re.compile(
    r"(?:" + _FLAT_WORD + r"[^\S\n]+\d{1,4}[A-Za-z]?,?[^\S\n]+" + _BUILDING + _THEN_STREET + "?"
    r"|"
    + _FLOOR
    + r"?"
    + _FLAT_WORD
    + r"[^\S\n]+(?i:at|in|of)[^\S\n]+(?:the[^\S\n]+)?"
    + _BUILDING
    + _THEN_STREET
    + "?"
    r"|" + _BUILDING + _THEN_STREET + r")(?![\w'\u2019])"
)
_BUILDING_REACH = (90, 110)


def find_building_addresses(letter: Letter) -> Iterator[Span]:
    text = letter.text
    hits = sorted(i for word in _BUILDING_WORDS for i in find_all(text, word) if letter.starts_word(i))
    for window in windows(hits, *_BUILDING_REACH):
        for m in _BUILDING_ADDRESS.finditer(text, *window):
            yield "address", m.start(), m.end()


# --- bank ----------------------------------------------------------------------------------

_BANK_NUMBERS = re.compile(
    r"(?<![\w/.-])(?:(?P<card>\d{4}(?:[^\S\n]?-?[^\S\n]?\d{4}){3})"
    r"|(?P<sort_code>(?P<day>\d{2})(?P<sep>[-\s])(?P<month>\d{2})(?P=sep)\d{2})"
    r"|(?P<account>\d{4}[^\S\n]?\d{4})|(?P<six>\d{6}))"
    r"(?![\w/-]|[.,]\d|[^\S\n]\d)"
)
_IBAN = re.compile(r"gb\d{2}[^\S\n]?[a-z]{4}(?:[^\S\n]?\d){14}(?!\d)")
_BANK_WORDS = re.compile(r"\b(?:sort[\s-]*code|account|acct|acc\b|a/c|bank|iban)")
_SORT_CODE_WORDS = re.compile(r"\bsort[\s-]*code")
_FEWEST_BANK_DIGITS = 6  # a sort code
_CONTEXT_BEFORE = 60
_CONTEXT_AFTER = 30


def _near(words: re.Pattern[str], letter: Letter, start: int, end: int) -> bool:
    return words.search(letter.folded, max(0, start - _CONTEXT_BEFORE), end + _CONTEXT_AFTER) is not None


def _could_be_date(day: str, month: str) -> bool:
    return 1 <= int(day) <= 31 and 1 <= int(month) <= 12


def find_bank_details(letter: Letter) -> Iterator[Span]:
    text = letter.text
    for cluster in letter.number_clusters:
        if cluster.digits < _FEWEST_BANK_DIGITS:
            continue
        for m in _BANK_NUMBERS.finditer(text, cluster.start, cluster.end + 3):
            kind, start, end = m.lastgroup, m.start(), m.end()
            if kind == "card":
                believable = True
            elif kind == "sort_code":
                # "40-12-76" can only be a sort code; "14-03-23" is usually a date and
                # "12 34 56" a list, so those need the words "sort code" or "account" nearby.
                if m.group("sep") == "-" and not _could_be_date(m.group("day"), m.group("month")):
                    believable = True
                else:
                    believable = _near(_SORT_CODE_WORDS if m.group("sep") == "-" else _BANK_WORDS, letter, start, end)
            elif kind == "account":
                believable = _near(_BANK_WORDS, letter, start, end)
            else:
                believable = _near(_SORT_CODE_WORDS, letter, start, end)
            if believable:
                yield "bank", start, end
    for gb in find_all(letter.folded, "gb"):
        iban = _IBAN.match(letter.folded, gb)
        if iban and letter.starts_word(gb):
            yield "bank", iban.start(), iban.end()


# --- date of birth -------------------------------------------------------------------------

_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b\.?|" + welsh.MONTHS + ")"
)
# A day said as a word: "the ninth of July", "twenty-first of May".
_DAY_WORD = (
    r"(?:(?:twenty|thirty)[\s-])?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
    r"|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth"
    r"|twentieth|thirtieth)"
)
_YEAR = r"(?:,?\s+(?:\d{4}|'\d{2}))?"  # "1987", or "'87"
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
    r"|\d{4}-\d{2}-\d{2}"
    r"|(?:\d{1,2}(?:st|nd|rd|th)?|"
    + _DAY_WORD
    + r")(?:\s+of)?\s+"
    + _MONTH
    + _YEAR
    + r"|"
    + _MONTH
    + r"\s+(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?"
    + _YEAR
    + r")(?![\w/])"
)
# "birthday" only as "my birthday is ...": "on my birthday, 14 March 2023" is usually the offence.
_DOB_TRIGGER = re.compile(
    r"date\s+of\s+birth|d\.?o\.?b\b\.?|birth\s*date|birthday(?='s|\s*(?:is|was|:))|born|" + welsh.BORN
)
# Every trigger contains one of these; str.find reaches them far faster than re.
_DOB_ANCHORS = ("birth", "born", "dob", "d.o.b", *welsh.BORN_ANCHORS)
_DOB_TRIGGER_REACH = 16  # "date of " before "birth"
_DOB_TRIGGER_AFTER = 13  # "birthday was" after "birth"
# Words allowed between the trigger and the date: "date of birth, which is the 3rd of ..."
_DOB_GAP = (
    r"(?:[\s:,=()\u2013\u2014-]|\b(?:is|was|on|the|of|as|being|it|it's|namely|given|listed|written|which|that|'s"
    r"|yw|ydy|oedd|ar|y|yr|ydi|fi|i|fe|hi|e|o)\b){0,10}"
)
_DATE_AFTER_TRIGGER = re.compile(_DOB_GAP + r"(?P<date>" + _DATE + ")")
# "born in 1979": the year of birth, which with a birthday elsewhere gives the whole date.
_YEAR_AFTER_BORN = re.compile(
    r"[^\S\n]+in[^\S\n]+(?P<date>(?:19|20)\d\d|'?\d\d)(?![\w/])(?![^\S\n]+(?:hours|days|weeks|months|minutes))"
)
# A birthday and the year of birth said apart in one sentence ("my birthday's the 19th of June,
# I was born in 88") are one date of birth: both parts go together.
_JOIN_GAP = 40
# "17/08/1958 (my date of birth)": the date just before the trigger.
_DATE_BEFORE_TRIGGER = re.compile(
    r"(?<![\w/.-])(?P<date>" + _DATE + r")[\s,(-]*(?:(?:which|that)\s+(?:is|was)\s+)?"
    r"(?:(?:my|his|her|their|your|our)\s+)?\Z"
)
_LOOK_BACK = 45
_LOOK_AHEAD = 60


def find_dates_of_birth(letter: Letter) -> Iterator[Span]:
    spans = sorted(_dates_of_birth(letter))
    for i, (category, start, end) in enumerate(spans):
        if i + 1 < len(spans):
            _, next_start, next_end = spans[i + 1]
            if 0 <= next_start - end <= _JOIN_GAP and letter.sentence_around(start, next_end) == letter.sentence_around(
                start, end
            ):
                spans[i + 1] = (category, start, max(end, next_end))
                continue
        yield category, start, end


def _dates_of_birth(letter: Letter) -> Iterator[Span]:
    folded = letter.folded
    if not letter.digit_runs:  # every date pattern has a digit
        return
    anchors = sorted(i for anchor in _DOB_ANCHORS for i in find_all(folded, anchor))
    for window in windows(anchors, _DOB_TRIGGER_REACH, _DOB_TRIGGER_AFTER):
        for trigger in _DOB_TRIGGER.finditer(folded, *window):
            start, end = trigger.span()
            if not letter.starts_word(start):  # "stubborn"
                continue
            if letter.has_digit(end, end + _LOOK_AHEAD):
                after = _DATE_AFTER_TRIGGER.match(folded, end)
                if after:
                    yield "date_of_birth", after.start("date"), after.end("date")
                elif folded.startswith("born", start):
                    year = _YEAR_AFTER_BORN.match(folded, end)
                    if year:
                        yield "date_of_birth", year.start("date"), year.end("date")
            if letter.has_digit(max(0, start - _LOOK_BACK), start):
                before = _DATE_BEFORE_TRIGGER.search(folded, max(0, start - _LOOK_BACK), start)
                if before:
                    yield "date_of_birth", before.start("date"), before.end("date")


DETECTORS = (
    find_emails,
    find_urls,
    find_social_handles,
    find_codes,
    find_addresses,
    find_building_addresses,
    find_bank_details,
    find_dates_of_birth,
)
