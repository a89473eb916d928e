"""Run every rule over a letter and tidy the result into sorted, non-overlapping findings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from portal.screening.concern import find_concerns, offered_contact
from portal.screening.findings import Finding
from portal.screening.identifying import DETECTORS
from portal.screening.letter import Letter
from portal.screening.phones import find_phones, find_spoken_phones
from portal.screening.terms import find_terms

Span = tuple[str, int, int]


def _raw_spans(letter: Letter, terms: Sequence[str]) -> Iterable[Span]:
    details = [*find_phones(letter), *find_spoken_phones(letter)]
    for detect in DETECTORS:
        details += detect(letter)
    yield from details
    yield from offered_contact(letter, details)
    yield from find_terms(letter, terms)
    yield from find_concerns(letter)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join overlapping spans so one detail is reported (and redacted) once."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _inside(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in others)


def screen(text: str, terms: Sequence[str] = ()) -> list[Finding]:
    """Find identifying details and concerns in a letter, sorted by where they start.

    terms are the case's sensitive terms, matched case-insensitively as whole words.
    """
    by_category: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for category, start, end in _raw_spans(Letter(text), terms):
        if start < end:
            by_category[category].append((start, end))
    merged = {category: _merge(spans) for category, spans in by_category.items()}
    # The domain of an email address is not a separate web address.
    emails = merged.get("email", [])
    if emails and "url" in merged:
        merged["url"] = [span for span in merged["url"] if not _inside(span, emails)]
    findings = [
        Finding(category, start, end, text[start:end]) for category, spans in merged.items() for start, end in spans
    ]
    findings.sort(key=lambda f: (f.start, f.end, f.category))
    return findings
