"""A letter prepared once for all the rules, so each rule can skip straight to the few places
it could apply instead of scanning 20 KB of prose again.

Speed matters because letters are screened on every save. Python's re is quick when a pattern
starts with a fixed word (it jumps between occurrences) and slow when every position has to be
tried, so rules here start from a word, an "@", or one of the letter's runs of digits.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import NamedTuple

# Curly apostrophes and odd hyphens fold to plain ones, so rules spell "you'll" once.
_FOLD = (("\u2019", "'"), ("\u2018", "'"), ("\u2010", "-"), ("\u2011", "-"))
_DIGITS = re.compile(r"\d+")
# A sentence ends at . ! ? (with closing quotes or brackets) before a space, or at a line break.
_SENTENCE_END = re.compile(r"[.!?]+[\"'\u2019\u201d)\]]*(?=\s)|\n")
# Digit runs this close together ("07700 900 112", "AB 12 34 56 C") belong to one number.
_CLUSTER_GAP = 3


def fold(text: str) -> str:
    """Lower-case text with plain apostrophes, keeping every offset the same as in `text`."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters ("İ") lower-case to two
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    for variant, plain in _FOLD:  # str.replace is far quicker than str.translate here
        if variant in lowered:
            lowered = lowered.replace(variant, plain)
    return lowered


def find_all(haystack: str, needle: str) -> Iterator[int]:
    """Every index of `needle`, found at C speed by str.find."""
    i = haystack.find(needle)
    while i >= 0:
        yield i
        i = haystack.find(needle, i + 1)


def windows(positions: Iterable[int], before: int, after: int) -> Iterator[tuple[int, int]]:
    """[position - before, position + after) around each sorted position, overlapping ones
    merged, so a rule scans each stretch of the letter once however many anchors it holds."""
    current: tuple[int, int] | None = None
    for position in positions:
        start, end = max(0, position - before), position + after
        if current and start <= current[1]:
            current = (current[0], end)
        else:
            if current:
                yield current
            current = (start, end)
    if current:
        yield current


class NumberCluster(NamedTuple):
    """Nearby digit runs taken together, e.g. "07700 900 112" or "AB 12 34 56 C"'s digits."""

    start: int
    end: int
    digits: int  # how many, so a rule can skip clusters too short for what it looks for


class Letter:
    """The text of a letter, its folded twin, and lazily computed landmarks."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = fold(text)

    def starts_word(self, i: int) -> bool:
        return i == 0 or not (self.text[i - 1].isalnum() or self.text[i - 1] == "_")

    def ends_word(self, i: int) -> bool:
        return i >= len(self.text) or not (self.text[i].isalnum() or self.text[i] == "_")

    @cached_property
    def digit_runs(self) -> list[tuple[int, int]]:
        return [m.span() for m in _DIGITS.finditer(self.text)]

    @cached_property
    def number_clusters(self) -> list[NumberCluster]:
        """Nearby digit runs: the only places most identifying numbers can be."""
        clusters: list[NumberCluster] = []
        for start, end in self.digit_runs:
            if clusters and start - clusters[-1].end <= _CLUSTER_GAP:
                last = clusters[-1]
                clusters[-1] = NumberCluster(last.start, end, last.digits + end - start)
            else:
                clusters.append(NumberCluster(start, end, end - start))
        return clusters

    def has_digit(self, start: int, end: int) -> bool:
        """Whether text[start:end] holds a digit: a quick test before trying a date pattern."""
        runs = self.digit_runs
        i = bisect.bisect_right(runs, (start, start))
        before = i > 0 and runs[i - 1][1] > start
        return before or (i < len(runs) and runs[i][0] < end)

    @cached_property
    def _sentence_ends(self) -> list[int]:
        return [m.end() for m in _SENTENCE_END.finditer(self.text)]

    def sentence_around(self, start: int, end: int) -> tuple[int, int]:
        """The sentence holding text[start:end], without its surrounding spaces."""
        ends = self._sentence_ends
        i = bisect.bisect_right(ends, start)
        sentence_start = ends[i - 1] if i else 0
        j = bisect.bisect_left(ends, end)
        sentence_end = ends[j] if j < len(ends) else len(self.text)
        text = self.text
        while sentence_start < start and text[sentence_start].isspace():
            sentence_start += 1
        while sentence_end > end and text[sentence_end - 1].isspace():
            sentence_end -= 1
        return sentence_start, sentence_end
