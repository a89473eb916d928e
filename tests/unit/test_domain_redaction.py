"""Redactions: the marker, boundaries, overlaps, and the sensitive-term check."""

import pytest

from portal.domain.errors import DomainError
from portal.domain.problems import Problem
from portal.domain.redaction import (
    REMOVED_MARKER,
    Redaction,
    apply_redactions,
    normalise,
    release_copy,
    uncovered_terms,
    validate_redactions,
)
from tests.unit.refusals import refused

M = REMOVED_MARKER
TEXT = "Sam lives on Oak Road in Leeds"


def test_the_marker_is_a_character_no_one_can_type():
    """The web refuses control characters, so a letter can never fake a removal (or hide one)."""
    assert REMOVED_MARKER.startswith("\x00") and REMOVED_MARKER.endswith("\x00")


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([], TEXT),
        ([(0, 3)], f"{M} lives on Oak Road in Leeds"),  # at the very start
        ([(25, 30)], f"Sam lives on Oak Road in {M}"),  # at the very end
        ([(0, 30)], M),  # all of it
        ([(13, 21), (0, 3)], f"{M} lives on {M} in Leeds"),  # two, given out of order
        ([(13, 17), (15, 21)], f"Sam lives on {M} in Leeds"),  # overlapping: one marker
        ([(13, 16), (16, 21)], f"Sam lives on {M} in Leeds"),  # touching: one marker
        ([(13, 21), (14, 16)], f"Sam lives on {M} in Leeds"),  # one inside another
        ([(14, 15)], f"Sam lives on {M} Road in Leeds"),  # inside a word: the whole word goes
        ([(2, 5)], f"{M} on Oak Road in Leeds"),  # across words: both whole
    ],
)
def test_apply_redactions(spans, expected):
    assert apply_redactions(TEXT, [Redaction(s, e, "Identifies someone") for s, e in spans]) == expected


def test_merged_passages_keep_every_reason_once():
    merged = normalise(
        TEXT, [Redaction(13, 17, "A street"), Redaction(15, 21, "A street"), Redaction(16, 21, "Near home")]
    )
    assert merged == (Redaction(13, 21, "A street; Near home"),)


@pytest.mark.parametrize(
    ("start", "end"), [(-1, 3), (3, 3), (5, 2), (0, len(TEXT) + 1)], ids=["before", "empty", "reversed", "after"]
)
def test_a_passage_must_lie_inside_the_text(start, end):
    with refused(Problem.REVIEW_PASSAGE_OUTSIDE):
        normalise(TEXT, [Redaction(start, end, "x")])


@pytest.mark.parametrize("reason", ["", "   "])
def test_every_passage_needs_a_reason(reason):
    with refused(Problem.REVIEW_REASON_NEEDED):
        normalise(TEXT, [Redaction(0, 3, reason)])


def test_each_part_of_questions_is_redacted_on_its_own():
    questions = ("Why Leeds?", "Did you know Sam?")
    redactions = validate_redactions(questions, [Redaction(13, 16, "A name", part=1), Redaction(4, 9, "A place")])
    assert redactions == (Redaction(4, 9, "A place", part=0), Redaction(13, 16, "A name", part=1))
    assert release_copy(questions, redactions) == (f"Why {M}?", f"Did you know {M}?")
    with pytest.raises(DomainError):
        validate_redactions(questions, [Redaction(0, 1, "x", part=2)])


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("I saw SAM there.", ("Sam",)),  # any case
        ("Samuel was kind.", ()),  # whole words only
        ("It was the same.", ()),
        ("Sam's bike.", ("Sam",)),  # a possessive still counts
        ("Near Burton\nupon-Trent station.", ("Burton upon Trent",)),  # any gap between words
        ("At St Mary\u2019s school.", ("St Mary's",)),  # either apostrophe
        ("Nothing here.", ()),
    ],
)
def test_sensitive_terms_are_found(text, found):
    assert uncovered_terms((text,), (), ["Sam", "Burton upon Trent", "St Mary's", "  "]) == found


def test_a_term_counts_as_removed_only_when_wholly_redacted():
    text = "Ask Sam Jones."
    whole = normalise(text, [Redaction(4, 13, "A name")])
    assert uncovered_terms((text,), whole, ["Sam Jones"]) == ()
    for start, end in [(4, 7), (8, 13)]:  # the first name only, the surname only
        part = normalise(text, [Redaction(start, end, "A name")])
        assert uncovered_terms((text,), part, ["Sam Jones"]) == ("Sam Jones",)
    assert uncovered_terms(("Fine.", text), whole, ["Sam Jones"]) == ("Sam Jones",)  # redaction is for part 0
