"""The project's whole annotated corpus (English and Welsh, from both sides, with clean letters
full of look-alikes), scored the way the shared benchmark scores a screener. Sixty of the
English letters were written blind by someone who had not read the rules, and are kept here so
that the kinds they taught the screener stay learnt."""

from __future__ import annotations

from portal.screening import CONCERN, IDENTIFYING
from tests.screening_corpus import letters, score

CORPUS = letters()


def test_the_corpus_is_broad() -> None:
    assert len(CORPUS) >= 100
    categories = {span[0] for letter in CORPUS for span in letter.spans}
    assert categories >= IDENTIFYING | CONCERN  # every category screening reports
    assert sum(not letter.spans for letter in CORPUS) >= 20  # clean letters, where any flag is false
    written_by = {letter.name.split("_")[1] for letter in CORPUS if letter.name.startswith(("en_", "ho_"))}
    assert {"hp", "pr", "harmed", "responsible", "proxy"} <= written_by


def test_every_identifying_detail_is_covered_and_nothing_else_is_flagged() -> None:
    result, misses = score(CORPUS)
    assert result.identifying_recall == 1.0, misses
    assert result.recall == 1.0, misses
    assert result.precision == 1.0, misses
