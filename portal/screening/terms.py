"""The case's sensitive terms: names, places and workplaces the facilitator listed."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

from portal.screening.letter import Letter, fold

Span = tuple[str, int, int]

# Words of a term may be split by any run of spaces, a line break or a hyphen, whichever the
# facilitator typed: "Burton upon\nTrent", "Burton-upon-Trent", "Stoke on Trent".
_WORD_GAP = r"[\s-]+"
# Whole words only: "Ann" is not in "Annual", nor in "Ann-Marie" (a hyphenated name or place is
# another name or place). A possessive may follow: Hannah's, Hannahs', James'. It stays outside
# the span, so a redacted "[name]'s" still reads.
_WORD_END = r"(?=(?:'s|s'|')?(?!\w|-\w))"


def _word(word: str) -> str:
    """One word of a term; an apostrophe in it may be left out ("St Marys")."""
    return "'?".join(re.escape(part) for part in word.split("'"))


@lru_cache(maxsize=256)
def _compile(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One alternation for all terms, longest first so "Burton upon Trent" beats "Burton"."""
    wanted = sorted({fold(t).strip() for t in terms if t.strip()}, key=len, reverse=True)
    if not wanted:
        return None
    body = "|".join(_WORD_GAP.join(_word(word) for word in re.split(_WORD_GAP, term)) for term in wanted)
    return re.compile(f"(?:{body}){_WORD_END}")


def find_terms(letter: Letter, terms: Sequence[str]) -> Iterator[Span]:
    pattern = _compile(tuple(terms))
    if pattern is None:
        return
    folded = letter.folded
    for m in pattern.finditer(folded):
        start = m.start()
        joined = start >= 2 and folded[start - 1] == "-" and folded[start - 2].isalnum()
        if letter.starts_word(start) and not joined:
            yield "sensitive_term", start, m.end()
