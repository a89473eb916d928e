"""Screening reads Welsh letters too: identifying details, threats, contact outside the
service, and the restorative guidance for the writer, scored on the project's Welsh letters."""

from __future__ import annotations

import pytest

from portal.screening import writer_notes
from tests.screening_corpus import letters, score

WELSH = letters("cy_")


def test_there_are_welsh_letters_of_every_kind():
    assert len(WELSH) >= 8
    categories = {span[0] for letter in WELSH for span in letter.spans}
    assert {"threat", "contact_request", "phone", "address", "postcode", "date_of_birth"} <= categories
    assert any(not letter.spans for letter in WELSH)  # and clean ones, full of dates, ages and money


def test_every_identifying_detail_in_the_welsh_letters_is_covered_and_nothing_else_is_flagged():
    result, misses = score(WELSH)
    assert result.identifying_recall == 1.0, misses
    assert result.recall == 1.0, misses
    assert result.precision == 1.0, misses


@pytest.mark.parametrize("letter", [letter for letter in WELSH if letter.notes is not None], ids=lambda x: x.name)
def test_the_writer_gets_the_notes_a_welsh_letter_calls_for(letter):
    assert {note.kind for note in writer_notes(letter.text)} == letter.notes
