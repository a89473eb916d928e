"""Restorative guidance: the kinds of writing a reviewer raises with the writer, found wherever
they are (the writer's notes give the first of each kind; the review screen shows every one)."""

from __future__ import annotations

import pytest

from portal.screening.guidance import CHECK_BEFORE_RELEASE, find_guidance


def _kinds(text: str) -> list[str]:
    return [found.category for found in find_guidance(text)]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("If you hadn't been walking on your own so late it wouldn't have happened.", "blame"),
        ("It was only a bag… you weren't really hurt.", "minimising"),
        ("You weren't even hurt that badly.", "minimising"),
        ("The insurance paid for all of it anyway.", "minimising"),
        ("You got your phone back the next day.", "minimising"),
        ("What did you expect, leaving the door open?", "blame"),
        ("You were asking for it that night.", "blame"),
        ("My mates talked me into it.", "excuse"),
        ("I was off my nut on pills.", "excuse"),
        ("You owe me a reply after everything.", "pressure"),
        ("You need to write back this time.", "pressure"),
        ("Why haven't you replied to my last letter?", "pressure"),
        ("Don't ignore this.", "pressure"),
        ("You have to forgive me one day.", "forgiveness"),
        ("Mae’n rhaid i chi ateb y tro hwn.", "pressure"),
        ("Mae arnoch chi ateb i mi.", "pressure"),
        ("Peidiwch â’m hanwybyddu.", "pressure"),
    ],
)
def test_each_kind_of_guidance_is_found_in_its_different_phrasings(text: str, kind: str) -> None:
    assert kind in _kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "You don't have to reply to this letter.",
        "Does dim rhaid i chi ateb y llythyr hwn.",
        "I was so scared that night and I still am.",
        "It hurt my family more than I knew.",
        "I know it was my fault and nobody else's.",
        "I would welcome a reply if you ever want to write, but only if you want to.",
    ],
)
def test_a_caring_letter_is_not_taken_for_guidance(text: str) -> None:
    assert _kinds(text) == []


def test_every_place_is_found_not_only_the_first() -> None:
    text = "It was only a bag. And it was only once. If you hadn't shouted I would have gone."
    found = find_guidance(text)
    assert [(f.category, f.text) for f in found] == [
        ("minimising", "It was only a"),
        ("minimising", "it was only once"),
        ("blame", "If you hadn't"),
    ]
    assert all(text[f.start : f.end] == f.text for f in found)


def test_blame_and_minimising_need_the_reviewers_check_before_release() -> None:
    assert frozenset({"blame", "minimising"}) == CHECK_BEFORE_RELEASE
