"""Phone numbers, found by phonenumbers on short candidate runs only.

PhoneNumberMatcher over a whole 20 KB letter is slow and, at the leniency needed here, takes
any run of digits (ages, sums, dates) for a number. So only runs that look dialled (a leading
0, + or 00, or a bracketed area code) inside the letter's number clusters go to the matcher.
POSSIBLE leniency is needed because Ofcom's ranges reserved for fiction (07700 900xxx,
01632 960xxx), which examples and letters use, are not "valid" to phonenumbers, yet they are
still phone numbers and must be removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from portal.screening.letter import Letter, find_all

Span = tuple[str, int, int]

# Starts like a dialled number, then digits with light separators: "(0115) 496 0721".
_CANDIDATE = re.compile(r"(?:\+[^\S\n]?\d|\([^\S\n]?0|0)(?:[^\S\n]{0,2}[-.()]?[^\S\n]{0,2}\d){7,16}")
_UK = 44
# UK national significant numbers have 9 or 10 digits (10 or 11 with the leading 0).
_UK_DIGITS = (9, 10)
_REACH_BACK = 3  # "+44" or "( 0" just before a cluster's first digit
_FEWEST_DIGITS = 9  # a UK number has 10 or 11 digits with its 0; fewer are sums, dates, years


def find_phones(letter: Letter) -> Iterator[Span]:
    text = letter.text
    for cluster in letter.number_clusters:
        if cluster.digits < _FEWEST_DIGITS:
            continue
        for candidate in _CANDIDATE.finditer(text, max(0, cluster.start - _REACH_BACK), cluster.end):
            offset = candidate.start()
            if not letter.starts_word(offset):  # the "0" inside "2019" or "100"
                continue
            for match in PhoneNumberMatcher(candidate.group(), "GB", leniency=Leniency.POSSIBLE):
                number = match.number
                if number.country_code == _UK:
                    if len(str(number.national_number)) not in _UK_DIGITS:
                        continue
                elif not match.raw_string.lstrip("( ").startswith(("+", "00")):
                    continue
                if phonenumbers.is_possible_number(number):
                    yield "phone", offset + match.start, offset + match.end


# Said in words to get past a filter: "oh seven seven double oh, nine double oh, four one two".
_DIGIT_WORDS = {
    "oh": "0",
    "o": "0",
    "zero": "0",
    "nought": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "hundred": "00",
    "thousand": "000",
}
_REPEATS = {"double": 2, "treble": 3, "triple": 3}
_WORD = (
    r"(?:(?:double|treble|triple)[^\S\n]+)?"
    r"(?:oh|o|zero|nought|one|two|three|four|five|six|seven|eight|nine|hundred|thousand)"
)
_SPOKEN = re.compile(r"(?:(?:double|treble|triple)[^\S\n]+)?(?:oh|zero|nought)\b(?:[\s,.-]{1,3}" + _WORD + r"\b){8,}")
_TOKEN = re.compile(r"(?:(double|treble|triple)[^\S\n]+)?([a-z]+)")
_SPOKEN_STARTS = ("oh", "zero", "nought", "double")


def _spoken_digits(words: str) -> str:
    digits = []
    for repeat, word in _TOKEN.findall(words):
        if word in _DIGIT_WORDS:
            digits.append(_DIGIT_WORDS[word] * _REPEATS.get(repeat, 1))
    return "".join(digits)


def find_spoken_phones(letter: Letter) -> Iterator[Span]:
    folded = letter.folded
    for anchor in _SPOKEN_STARTS:
        for i in find_all(folded, anchor):
            if not letter.starts_word(i):
                continue
            m = _SPOKEN.match(folded, i)
            if m and len(_spoken_digits(m.group())) in (10, 11):
                yield "phone", m.start(), m.end()
