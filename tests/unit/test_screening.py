"""Screening rules: each category in several formats, the traps it must not fall into, sensitive
terms, writer notes, and the CLI. Examples are written for these tests, not taken from the corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.cli.screen import screen_command
from portal.screening import CONCERN, IDENTIFYING, Finding, WriterNote, screen, writer_notes


def found(text: str, terms: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(category, exact text) of every finding, in order; also checks offsets match the text."""
    findings = screen(text, terms)
    for f in findings:
        assert text[f.start : f.end] == f.text
    return [(f.category, f.text) for f in findings]


def test_public_api_shapes() -> None:
    finding = Finding("phone", 3, 9, "012345")
    assert finding.to_dict() == {"category": "phone", "start": 3, "end": 9, "text": "012345"}
    assert {"phone", "email", "postcode", "address", "url", "social_handle", "vehicle_reg", "ni_number"} < IDENTIFYING
    assert {"prison_number", "bank", "date_of_birth", "sensitive_term"} < IDENTIFYING
    assert frozenset({"threat", "contact_request"}) == CONCERN
    assert screen("") == []


# --- identifying categories ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mum's mobile is 07700 900 431 now.", "07700 900 431"),
        ("Mum's mobile is 07700900431 now.", "07700900431"),
        ("From abroad it is +44 7700 900431, she says.", "+44 7700 900431"),
        ("Or +44 (0)7700 900431 from a landline.", "+44 (0)7700 900431"),
        ("The office is (01632) 960 218 in the mornings.", "(01632) 960 218"),
        ("The office is 020 7946 0321 in London.", "020 7946 0321"),
        ("Ring 0121-496-0555 for the shop.", "0121-496-0555"),
        ("Her Irish number was +353 85 123 4567.", "+353 85 123 4567"),
    ],
)
def test_phone_numbers_in_common_formats(text: str, expected: str) -> None:
    assert ("phone", expected) in found(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Write to sam.okoro_85@example.co.uk please.", "sam.okoro_85@example.co.uk"),
        ("It was J.Bloggs+news@mail.example.com.", "J.Bloggs+news@mail.example.com"),
        ("try sam (at) example (dot) com", "sam (at) example (dot) com"),
        ("try sam at gmail dot com", "sam at gmail dot com"),
    ],
)
def test_email_addresses_plain_and_spelled_out(text: str, expected: str) -> None:
    assert ("email", expected) in found(text)


def identifying(text: str) -> list[tuple[str, str]]:
    """The identifying findings only: an address or page the writer offers is also a contact
    request, tested with offered contact below."""
    return [(category, words) for category, words in found(text) if category in IDENTIFYING]


def test_url_inside_an_email_is_not_reported_twice() -> None:
    assert identifying("Email jo@example.org.uk today.") == [("email", "jo@example.org.uk")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We live near NG7 2RD now.", "NG7 2RD"),
        ("It is sw1a 1aa, I think.", "sw1a 1aa"),
        ("Post it to M11AE please.", "M11AE"),
        ("Card from B33 8TH arrived.", "B33 8TH"),
    ],
)
def test_postcodes_in_any_case_with_or_without_the_space(text: str, expected: str) -> None:
    assert found(text) == [("postcode", expected)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I am staying at 14 Mill Lane with my aunt.", "14 Mill Lane"),
        ("She moved to Flat 3, 27 Queen's Road last year.", "Flat 3, 27 Queen's Road"),
        ("It was 8b Orchard Close, the one with the blue door.", "8b Orchard Close"),
        ("The unit at 2-4 Canal Wharf was broken into.", "2-4 Canal Wharf"),
        ("He lives at 61 St John's Terrace.", "61 St John's Terrace"),
    ],
)
def test_addresses_need_a_house_number_and_a_street_word(text: str, expected: str) -> None:
    assert identifying(text) == [("address", expected)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("See northgate-youth.org.uk for the project.", "northgate-youth.org.uk"),
        ("My page is facebook.com/dan.the.van, I have deleted it.", "facebook.com/dan.the.van"),
        ("Look at https://example.com/news?id=4 if you like.", "https://example.com/news?id=4"),
        ("The school, www.example.sch.uk, has a page.", "www.example.sch.uk"),
    ],
)
def test_urls_including_bare_domains(text: str, expected: str) -> None:
    assert identifying(text) == [("url", expected)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I was @danny_b_94 on there.", "@danny_b_94"),
        ("My Discord was wolfie#4412 back then.", "wolfie#4412"),
        ("my snap is kez_x99 but I never use it", "kez_x99"),
        ("Instagram: rosie.makes", "rosie.makes"),
        ("I'm on tiktok as jaydee.22 now", "jaydee.22"),
        ("snapchat - kez_x99", "kez_x99"),
    ],
)
def test_social_handles(text: str, expected: str) -> None:
    assert ("social_handle", expected) in found(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It was a white van, YK21 HBT, parked outside.", "YK21 HBT"),
        ("The car was LM64XYZ.", "LM64XYZ"),
        ("An old Escort, P471 RGN, was his.", "P471 RGN"),
        ("The Volvo was ABC 123D.", "ABC 123D"),
        ("the reg was lm64 xyz I think", "lm64 xyz"),
    ],
)
def test_vehicle_registrations_current_prefix_and_suffix(text: str, expected: str) -> None:
    assert found(text) == [("vehicle_reg", expected)]


@pytest.mark.parametrize("ni", ["JK 40 21 77 B", "JK402177B", "jk 40 21 77 b"])
def test_national_insurance_numbers(ni: str) -> None:
    assert found(f"They asked for {ni} on the form.") == [("ni_number", ni)]


@pytest.mark.parametrize("number", ["B4471KL", "b4471kl"])
def test_prison_numbers(number: str) -> None:
    assert found(f"Please put {number} on the envelope.") == [("prison_number", number)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The sort code is 40-47-84.", "40-47-84"),
        ("Sort code 30 12 99 and that was it.", "30 12 99"),
        ("sort code: 401276", "401276"),
        ("They took my account number, 31926605, too.", "31926605"),
        ("Account no. 3192 6605.", "3192 6605"),
        ("The card was 4929 1234 5678 9012.", "4929 1234 5678 9012"),
    ],
)
def test_bank_details(text: str, expected: str) -> None:
    assert found(text) == [("bank", expected)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I was born on 3 March 1990 in Leeds.", "3 March 1990"),
        ("DOB 03/03/1990 on the charge sheet.", "03/03/1990"),
        ("Her date of birth: 1st of May 1985.", "1st of May 1985"),
        ("His D.O.B. is 12.7.01 apparently.", "12.7.01"),
        ("They wrote 09/11/1979 (my date of birth) at the top.", "09/11/1979"),
        ("My birthday is 22nd June, if that helps.", "22nd June"),
    ],
)
def test_dates_given_as_a_date_of_birth(text: str, expected: str) -> None:
    assert found(text) == [("date_of_birth", expected)]


# --- false-positive traps ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I was 19 at the time and I am 23 now.",
        "I took £250 and later another 2,000 pounds, and £1,250.50 in all.",
        "I got 18 months and served two years of a 4 year licence.",
        "It happened on 14 March 2023 at about 10:30pm, on 14/03/2023 by the report.",
        "The bank wrote on 14-03-23 and again on 02-04-23.",
        "In 2019 I left school and in 2021 Mrs Hill gave me a job.",
        "There were 12 of us at number 7, and 3 Mr Park came at 3.",
        "Room 12, page 41, Year 10, 3 kids and 1,000 hours of community service.",
        "I was stubborn, born and raised in Hull.",
        "Call 999 or 111 if you need help; the number 0800 is free.",
        "It was 5-0 at half time and 2nd place.",
        "We did 3 Park Runs and 2 Duke of Edinburgh walks.",
    ],
)
def test_ordinary_numbers_dates_sums_and_ages_are_not_flagged(text: str) -> None:
    assert found(text) == []


# --- sensitive terms -----------------------------------------------------------------------


def test_terms_match_case_insensitively_with_possessives() -> None:
    text = "Hannah's coat, the Hannahs' car, HANNAH herself and hannah."
    assert found(text, ("Hannah",)) == [("sensitive_term", "Hannah")] * 2 + [
        ("sensitive_term", "HANNAH"),
        ("sensitive_term", "hannah"),
    ]


def test_terms_match_whole_words_only() -> None:
    assert found("The Annual report and Joanne and Ann-Marie.", ("Ann",)) == []
    assert found("Ann and Ann's mum.", ("Ann",)) == [("sensitive_term", "Ann"), ("sensitive_term", "Ann")]


def test_multi_word_terms_tolerate_flexible_whitespace_and_hyphens() -> None:
    text = "From Burton upon\nTrent, or Burton-upon-Trent, or Burton  upon Trent."
    assert [t for _, t in found(text, ("Burton upon Trent",))] == [
        "Burton upon\nTrent",
        "Burton-upon-Trent",
        "Burton  upon Trent",
    ]


def test_longest_term_wins_and_terms_merge_into_one_finding() -> None:
    assert found("He works at Greenfield Primary School.", ("Greenfield", "Greenfield Primary School")) == [
        ("sensitive_term", "Greenfield Primary School")
    ]


def test_a_term_may_drop_its_apostrophe_in_the_letter() -> None:
    assert found("near st marys church", ("St Mary's Church",)) == [("sensitive_term", "st marys church")]


def test_blank_terms_are_ignored() -> None:
    assert found("Nothing here.", ("", "   ")) == []


# --- concerns ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "I know where you live.",
        "My brother knows where your kids go to school.",
        "Watch your back.",
        "You'll regret ever talking to them.",
        "You better hope I never see you again.",
        "I'll be waiting for you when I get out.",
        "I'm coming for you.",
        "I will find you.",
        "You'll pay for what you said in court.",
        "Keep your mouth shut about the rest.",
        "If you tell the police anything else, things will go badly.",
        "This isn't over.",
        "Something bad might happen to your family.",
    ],
)
def test_threats_are_flagged_as_their_sentence(sentence: str) -> None:
    text = f"I have thought about it. {sentence} That is all."
    assert found(text) == [("threat", sentence)]


@pytest.mark.parametrize(
    "sentence",
    [
        "You can ring me any time.",
        "Please text me.",
        "Message me on Facebook.",
        "Add me on snap.",
        "Come to the chip shop on Friday at six.",
        "Meet me at the station.",
        "Come and see me when I am out.",
        "Write to me at my mum's house.",
        "Find me on Instagram.",
        "I'll come round to yours next week.",
        "I don't need the facilitator reading everything.",
    ],
)
def test_contact_requests_are_flagged_as_their_sentence(sentence: str) -> None:
    text = f"Thank you for your letter. {sentence} Take care."
    assert found(text) == [("contact_request", sentence)]


@pytest.mark.parametrize(
    "text",
    [
        "I regret what I did every single day.",
        "I will find a way to pay you back.",
        "I'll be waiting for your reply through the service.",
        "I would like to meet you with the facilitator there.",
        "I have come to understand what I took from you.",
        "People at school call me names now.",
        "You can contact me again through the facilitator.",
        "I know you are angry, and I know where I went wrong.",
        "You are safe from me, I promise.",
        "I'm sorry. I will never come near you.",
    ],
)
def test_remorseful_and_ordinary_sentences_are_not_concerns(text: str) -> None:
    assert found(text) == []


# Veiled pressure and knowing a person's places, family and times: the kinds a letter uses to
# frighten without the textbook words.
VEILED_THREATS = [
    "I hear you've moved.",
    "Your mum's still on Elm Way I see.",
    "It would be a real shame if anything happened to the shop.",
    "My brother knows what time she finishes.",
    "Think on.",
    "People round here have long memories.",
    "It would be better for everyone, your mum included, if you told the facilitator you don't want to carry on.",
    "She goes to the same church as your nan.",
    "I'd hate for things to get awkward.",
    "You still leave the house at ten to seven.",
    "Your lad still gets the 42 every morning.",
    "Funny what you notice.",
    "I can't answer for what my cousins do.",
    "If you just told them you made a mistake about the knife, all of this could be over.",
    "You should drop this whole thing now.",
    "I know he's at St Wilfrid's.",
    "Word gets around.",
    "Kids talk.",
]
OUTSIDE_THE_SERVICE = [
    "We could talk without the forms.",
    "I'd rather not put this through probation.",
    "Leave a note with my sister if you like.",
    "Just turn up at the door.",
    "Don't bother writing back through them.",
    "We can call it quits between us.",
    "Message me direct.",
    "We're in the Red Lion most Fridays, you'd be welcome to come.",
    "My cousin still goes in yours on a Saturday, she'll pass you a number.",
    "Pop in the shop whenever.",
]


@pytest.mark.parametrize("sentence", VEILED_THREATS)
def test_veiled_threats_are_flagged(sentence: str) -> None:
    text = f"I have thought about it. {sentence} That is all."
    assert found(text) == [("threat", sentence)]


@pytest.mark.parametrize("sentence", OUTSIDE_THE_SERVICE)
def test_quieter_ways_round_the_service_are_flagged(sentence: str) -> None:
    text = f"Thank you for your letter. {sentence} Take care."
    assert found(text) == [("contact_request", sentence)]


@pytest.mark.parametrize(
    "text",
    [
        "I called it quits with drink.",
        "I had to think on my feet.",
        "It is a shame if you feel that way.",
        "I still take the bus at eight every day.",
        "I moved.",
        "She still goes to work at nine.",
        "I know you're at a loss about why I did it.",
        "People talk about it at work and I hate it.",
        "Would you ever meet me? Possibly, with the facilitator present, next year.",
        "I'd like to meet you one day at the service's office.",
    ],
)
def test_near_misses_of_the_veiled_kinds_are_not_concerns(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "offered"),
    [
        ("When I'm out I'll be staying at 14 Mill Lane.", True),
        ("My page is facebook.com/dan.the.van if you want to look.", True),
        ("Why did you pick our house at 23 Ferndale Avenue?", False),
        ("He lives at 61 St John's Terrace.", False),
        ("My old address was 8 Orchard Close.", False),
        ("Email jo@example.org.uk today.", True),
        ("I deleted the account @ryan.k.music that I used to message you.", False),
        ("You can ring the facilitator on 01632 960 000.", False),
    ],
)
def test_a_way_to_reach_the_writer_is_a_contact_request(text: str, offered: bool) -> None:
    """Phones, emails and handles reach someone; an address or page only when it is the writer's."""
    assert (("contact_request", text) in found(text)) is offered


def test_a_birthday_and_year_said_apart_are_one_date_of_birth() -> None:
    text = "I'm 36, my birthday's the 19th of June, I was born in 88, so I'd just turned 35."
    assert ("date_of_birth", "19th of June, I was born in 88") in found(text)


def test_an_email_with_only_the_at_spelled_out() -> None:
    assert ("email", "robert.hale[at]btinternet.com") in found("It is robert.hale[at]btinternet.com now.")


def test_a_handle_named_later_in_the_sentence_after_its_platform() -> None:
    text = "Someone keeps adding him on Snapchat. His new one is jc.gaming2011 and it has to stop."
    assert ("social_handle", "jc.gaming2011") in found(text)
    assert [c for c, _ in found("I'm on tiktok as well, like everyone.")] == []


def test_overlapping_findings_of_one_category_merge() -> None:
    text = "Watch your back, I know where you live."
    assert found(text) == [("threat", text)]


def test_findings_are_sorted_by_start() -> None:
    text = "Email jo@example.com or ring 07700 900431. Meet me at 4 Dale Road."
    starts = [f.start for f in screen(text)]
    assert starts == sorted(starts)
    assert {c for c, _ in found(text)} == {"email", "phone", "contact_request", "address"}


# --- held-out style letters ----------------------------------------------------------------

# Short letters of the corpus's kind, written for these tests, with every span that matters.
HELD_OUT: list[tuple[str, tuple[str, ...], list[tuple[str, str]]]] = [
    (
        "Dear Mrs Okafor,\n\nI am sorry for what I did to your shop on Carlton Street. I was 17 "
        "and I got a 12 month referral order. I have paid back £40 of the £300 so far.",
        ("Okafor", "Carlton Street"),
        [("sensitive_term", "Okafor"), ("sensitive_term", "Carlton Street")],
    ),
    (
        "When I get out in May I will be at my nan's, 7 Larch Grove, WS3 2PL. I won't go near Aldridge.",
        ("Aldridge",),
        [
            ("contact_request", "When I get out in May I will be at my nan's, 7 Larch Grove, WS3 2PL."),
            ("address", "7 Larch Grove"),
            ("postcode", "WS3 2PL"),
            ("sensitive_term", "Aldridge"),
        ],
    ),
    (
        "You took my moped, reg WR68 KLP, from outside work. If you want to explain, text me on 07700 900 861.",
        (),
        [
            ("vehicle_reg", "WR68 KLP"),
            ("contact_request", "If you want to explain, text me on 07700 900 861."),
            ("phone", "07700 900 861"),
        ],
    ),
    (
        "I heard what you told the court. Everyone round here knows where you live. Think about that.",
        (),
        [("threat", "Everyone round here knows where you live.")],
    ),
    (
        "The fraud team said my sort code 20-32-06 and account 55779911 were used, and my date of "
        "birth, 2 February 1961, was on the forms.",
        (),
        [("bank", "20-32-06"), ("bank", "55779911"), ("date_of_birth", "2 February 1961")],
    ),
    (
        "My prison number is C3382TW and I am on the education wing. Our group's site is "
        "newleaf-learning.org.uk if you want to see what we do.",
        (),
        [("prison_number", "C3382TW"), ("url", "newleaf-learning.org.uk")],
    ),
    (
        "I deleted the account @ryan.k.music that I used to message you. My NI number, "
        "PT 55 10 92 D, is on the probation forms, not that it matters.",
        (),
        [("social_handle", "@ryan.k.music"), ("ni_number", "PT 55 10 92 D")],
    ),
    (
        "Your brother Kyle can email me at kyle.dad@example.com, we don't need the facilitator for this.",
        ("Kyle",),
        [
            (
                "contact_request",
                "Your brother Kyle can email me at kyle.dad@example.com, we don't need the facilitator for this.",
            ),
            ("sensitive_term", "Kyle"),
            ("sensitive_term", "kyle"),
            ("email", "kyle.dad@example.com"),
        ],
    ),
    (
        "I think about the night of 3 June 2022 at 11:15pm all the time. I was 24. I got 3 years. "
        "I will pay the £1,500 back at £60 a month.",
        (),
        [],
    ),
    (
        "Why did you pick our house at 23 Ferndale Avenue? Did you know my daughter Maisie was upstairs?",
        ("Maisie",),
        [("address", "23 Ferndale Avenue"), ("sensitive_term", "Maisie")],
    ),
    (
        "My new number is 01632 960 772. Keep your mouth shut about the rest or you'll regret it.",
        (),
        [
            ("contact_request", "My new number is 01632 960 772."),
            ("phone", "01632 960 772"),
            ("threat", "Keep your mouth shut about the rest or you'll regret it."),
        ],
    ),
    (
        "If you want to talk properly, meet me outside the leisure centre on Sunday. Don't tell anyone.",
        (),
        [("contact_request", "If you want to talk properly, meet me outside the leisure centre on Sunday.")],
    ),
]


@pytest.mark.parametrize(("text", "terms", "expected"), HELD_OUT)
def test_held_out_style_letters(text: str, terms: tuple[str, ...], expected: list[tuple[str, str]]) -> None:
    assert found(text, terms) == expected


# --- writer notes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Please forgive me for what I did.", "forgiveness"),
        ("I hope one day you can forgive me.", "forgiveness"),
        ("I was drunk and did not think.", "excuse"),
        ("It wasn't my fault that the door was open.", "excuse"),
        ("I only did it because my mate dared me.", "excuse"),
        ("It was only a phone, and no one got hurt.", "minimising"),
        ("It wasn't that bad in the end.", "minimising"),
        ("You shouldn't have left it there.", "blame"),
        ("You made me do it by shouting.", "blame"),
        ("If you hadn't shouted I would have gone.", "blame"),
    ],
)
def test_restorative_notes(text: str, kind: str) -> None:
    notes = writer_notes(text)
    assert [n.kind for n in notes] == [kind]
    note = notes[0]
    assert note.start < note.end and note.quote == text  # each example is one sentence


def test_one_note_per_identifying_category_not_per_finding() -> None:
    text = "Ring 07700 900431 or 07700 900432, or mum on 0121 496 0001."
    notes = [n for n in writer_notes(text) if n.kind == "phone"]
    assert notes == [WriterNote("phone", 5, 17, "Ring 07700 900431 or 07700 900432, or mum on 0121 496 0001.")]


def test_a_note_quotes_the_sentence_it_is_about() -> None:
    text = "I think about that night.\nIt was only a bag, you weren't really hurt! I am trying to change."
    [note] = writer_notes(text)
    assert (note.kind, note.quote) == ("minimising", "It was only a bag, you weren't really hurt!")


def test_a_long_sentence_is_quoted_around_the_place_the_note_is_about() -> None:
    text = "I keep thinking " + "and thinking " * 40 + "that it was only a bag " + "and more " * 40 + "in the end."
    [note] = writer_notes(text)
    assert note.quote.startswith("…") and note.quote.endswith("…") and "it was only a bag" in note.quote
    assert len(note.quote) <= 202


def test_notes_for_identifying_details_and_contact_requests() -> None:
    text = "Text me on 07700 900431. I live at 4 Dale Road, DN4 5RT. My email is sam@example.com."
    kinds = [n.kind for n in writer_notes(text)]
    assert kinds == ["contact_request", "phone", "address", "postcode", "email"]


def test_no_note_on_threats_or_sensitive_terms() -> None:
    """Telling a writer which words were caught would teach them to reword a threat, or show
    them which names the other party asked to keep private."""
    assert writer_notes("I know where you live, Hannah.") == []


def test_no_note_on_a_clean_letter() -> None:
    text = (
        "I have read your letter many times. I understand now how frightened you were, and that it "
        "was my choice to do what I did. I am working in the kitchen here and I go to a group on "
        "Tuesdays. I am sorry."
    )
    assert writer_notes(text) == []
    assert screen(text) == []


# --- CLI -----------------------------------------------------------------------------------


def test_cli_prints_findings_as_json(tmp_path: Path) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_bytes("Dear Leon,\r\nring me on 07700 900431 \u2019cos I miss you.".encode())
    result = CliRunner().invoke(screen_command, [str(letter), "--term", "Leon"])
    assert result.exit_code == 0, result.output
    findings = json.loads(result.output)
    text = letter.read_bytes().decode()
    assert [(f["category"], text[f["start"] : f["end"]]) for f in findings] == [
        ("sensitive_term", "Leon"),
        ("contact_request", "ring me on 07700 900431 \u2019cos I miss you."),
        ("phone", "07700 900431"),
    ]
    assert all(f["text"] == text[f["start"] : f["end"]] for f in findings)
