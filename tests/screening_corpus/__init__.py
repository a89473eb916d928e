"""The project's own annotated letters, scored the way the shared benchmark scores a screener.

Each letter is a .txt file with a .json beside it: the case's sensitive terms, the spans a
reviewer must be shown (category and exact text), and the kinds of gentle note the writer
should get. Identifying spans count as found only when findings cover every letter and digit;
concerns when a concern finding overlaps them; a finding that overlaps no span is a false positive.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from portal.screening import CONCERN, screen

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Letter:
    name: str
    text: str
    terms: tuple[str, ...]
    spans: tuple[tuple[str, int, int], ...]  # category, start, end
    notes: frozenset[str] | None  # the writer's note kinds, where annotated


def letters(prefix: str = "") -> list[Letter]:
    found = []
    for path in sorted(HERE.glob(f"{prefix}*.txt")):
        text = path.read_text(encoding="utf-8")
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        spans = []
        for span in meta["spans"]:
            start = text.find(span["text"])
            assert start >= 0, f"{path.name}: annotation {span['text']!r} is not in the letter"
            while start >= 0:
                spans.append((span["category"], start, start + len(span["text"])))
                start = text.find(span["text"], start + 1)
        notes = frozenset(meta["notes"]) if "notes" in meta else None
        found.append(Letter(path.stem, text, tuple(meta.get("terms", [])), tuple(spans), notes))
    return found


@dataclass
class Score:
    found: int = 0
    total: int = 0
    identifying_found: int = 0
    identifying_total: int = 0
    true_findings: int = 0
    false_findings: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.total if self.total else 1.0

    @property
    def identifying_recall(self) -> float:
        return self.identifying_found / self.identifying_total if self.identifying_total else 1.0

    @property
    def precision(self) -> float:
        judged = self.true_findings + self.false_findings
        return self.true_findings / judged if judged else 1.0


def _covered(text: str, span: tuple[str, int, int], findings: list[tuple[str, int, int]]) -> bool:
    category, start, end = span
    if category in CONCERN:
        return any(f[0] in CONCERN and f[1] < end and f[2] > start for f in findings)
    needed = {i for i in range(start, end) if text[i].isalnum()}
    covered = {i for _c, s, e in findings for i in range(s, e)}
    return needed <= covered


def score(corpus: list[Letter]) -> tuple[Score, list[str]]:
    """The scores over these letters, and each miss or false finding, named."""
    result, misses = Score(), []
    for letter in corpus:
        findings = [(f.category, f.start, f.end) for f in screen(letter.text, letter.terms)]
        for span in letter.spans:
            ok = _covered(letter.text, span, findings)
            result.found += ok
            result.total += 1
            if span[0] not in CONCERN:
                result.identifying_found += ok
                result.identifying_total += 1
            if not ok:
                misses.append(f"{letter.name}: missed {span[0]} {letter.text[span[1] : span[2]]!r}")
        for category, start, end in findings:
            if any(start < gold_end and end > gold_start for _c, gold_start, gold_end in letter.spans):
                result.true_findings += 1
            else:
                result.false_findings += 1
                misses.append(f"{letter.name}: false {category} {letter.text[start:end]!r}")
    return result, misses
