"""Captions from a transcript: cut at sentence ends, spread over the recording by length."""

from __future__ import annotations

from itertools import pairwise

from portal.domain.media_captions import MAX_CUE_CHARS, MIN_CUE_MS, Cue, cues, escape, sentences, timestamp, webvtt


def test_a_transcript_is_cut_at_sentence_ends_and_lines() -> None:
    text = 'I am sorry. I was wrong!  Did you know?\nI think of it "every day." Now I work.'
    assert sentences(text) == [
        "I am sorry.",
        "I was wrong!",
        "Did you know?",
        'I think of it "every day."',
        "Now I work.",
    ]


def test_a_number_or_an_abbreviation_without_a_space_after_its_dot_stays_whole() -> None:
    assert sentences("It cost 3.50 at the shop.See you.") == ["It cost 3.50 at the shop.See you."]


def test_a_long_sentence_is_cut_between_words_and_no_words_are_lost() -> None:
    sentence = " ".join(["word"] * 60) + "."
    pieces = sentences(sentence)
    assert len(pieces) > 1
    assert all(len(piece) <= MAX_CUE_CHARS for piece in pieces)
    assert " ".join(pieces) == sentence


def test_cues_share_the_duration_in_proportion_to_their_length_and_meet_end_to_end() -> None:
    first, second = "Short one.", "Thirty characters long, right."  # 10 and 30 characters
    assert (len(first), len(second)) == (10, 30)
    assert cues(f"{first} {second}", 4000) == [Cue(0, 1000, first), Cue(1000, 4000, second)]


def test_cues_cover_the_whole_recording_exactly() -> None:
    found = cues("One. Two two. Three three three. Four four four four.", 10_000)
    assert found[0].start_ms == 0 and found[-1].end_ms == 10_000
    assert all(a.end_ms == b.start_ms for a, b in pairwise(found))


def test_without_a_duration_each_cue_lasts_a_second() -> None:
    assert cues("One. Two.", None) == [Cue(0, MIN_CUE_MS, "One."), Cue(MIN_CUE_MS, 2 * MIN_CUE_MS, "Two.")]
    assert cues("One. Two. Three.", 1500)[-1].end_ms == 3 * MIN_CUE_MS  # too short for three cues


def test_an_empty_transcript_gives_no_cues() -> None:
    assert cues("  \n ", 3000) == []


def test_timestamps_are_webvtt_hours_minutes_seconds_and_millis() -> None:
    assert timestamp(0) == "00:00:00.000"
    assert timestamp(3_723_456) == "01:02:03.456"


def test_cue_text_cannot_end_a_cue_or_start_a_tag() -> None:
    assert escape("a --> b <c.x> & d") == "a --&gt; b &lt;c.x&gt; &amp; d"


def test_a_whole_file_has_its_header_a_note_and_numbered_cues() -> None:
    vtt = webvtt("Hello there. <b>Bye</b> --> now.", 4000, "Timing is approximate --> sorry.\nReally.")
    blocks = vtt.split("\n\n")
    assert blocks[0] == "WEBVTT"
    assert blocks[1] == "NOTE Timing is approximate - -> sorry. Really."
    assert blocks[2].splitlines()[0] == "1"
    assert blocks[2].splitlines()[1].startswith("00:00:00.000 --> ")
    assert blocks[3].splitlines()[2] == "&lt;b&gt;Bye&lt;/b&gt; --&gt; now."
    assert blocks[3].splitlines()[1].endswith(" --> 00:00:04.000")
    assert vtt.endswith("\n")
