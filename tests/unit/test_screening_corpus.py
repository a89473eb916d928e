"""The shared annotated corpus, scored in-process with the scorer's own logic (shared/screening/score.py)
so the figures here are the ones `score.py CORPUS project` reports."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from portal.screening import CONCERN, screen

SCREENING = Path(__file__).resolve().parents[3] / "shared" / "screening"
CORPUS = SCREENING / "corpus"


def load_scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("screening_score", SCREENING / "score.py")
    assert spec and spec.loader, f"cannot load the scorer from {SCREENING / 'score.py'}"
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    return scorer


@pytest.fixture(scope="module")
def scores() -> dict[str, float]:
    # A missing corpus is a failure, not a skip: these figures are the module's acceptance test.
    assert CORPUS.is_dir(), f"screening corpus not found at {CORPUS}"
    scorer = load_scorer()
    letters = scorer.load_corpus(str(CORPUS))
    assert letters, f"no letters in {CORPUS}"
    found = total = identifying_found = identifying_total = true_findings = false_findings = 0
    misses: list[tuple[str, str]] = []
    for letter in letters:
        text = letter["text"]
        gold = scorer.gold_spans(letter)
        findings = [(f.category, f.start, f.end) for f in screen(text, letter["terms"])]
        for span in gold:
            ok = scorer.covered(text, span, findings, span[0] in CONCERN)
            found += ok
            total += 1
            if span[0] not in CONCERN:
                identifying_found += ok
                identifying_total += 1
            if not ok:
                misses.append((span[0], text[span[1] : span[2]]))
        for category, start, end in findings:
            if any(start < gold_end and end > gold_start for _, gold_start, gold_end in gold):
                true_findings += 1
            else:
                false_findings += 1
                misses.append(("FALSE+" + category, text[start:end]))
    print("misses:", misses)
    return {
        "recall": found / total,
        "identifying_recall": identifying_found / identifying_total,
        "precision": true_findings / (true_findings + false_findings) if true_findings + false_findings else 1.0,
    }


def test_the_corpus_is_there() -> None:
    assert CORPUS.is_dir(), f"screening corpus not found at {CORPUS}"
    assert (SCREENING / "score.py").is_file(), f"scorer not found at {SCREENING / 'score.py'}"


def test_every_identifying_detail_is_fully_covered(scores: dict[str, float]) -> None:
    assert scores["identifying_recall"] == 1.0


def test_overall_recall(scores: dict[str, float]) -> None:
    assert scores["recall"] >= 0.95


def test_precision(scores: dict[str, float]) -> None:
    assert scores["precision"] >= 0.9
