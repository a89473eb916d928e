"""The logs an operator reads: one JSON event per request, and nothing in them an attacker could mine.

A whole journey (an invitation joined by its link, sign-ins with a second step, a letter
written, sent, reviewed, released and read, a reset link used, sign-out) runs with logging set
up exactly as the app servers set it up (`configure_logging`, INFO), and every line it writes
is searched for each name, email, password, token and sentence of the letter involved.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select

from portal.domain.enums import ConsentFormat, ParticipantRole, RiskLevel, Role, Side, Stage
from portal.observability.logs import configure_logging
from portal.runtime import unit_of_work
from portal.services import demo
from portal.storage.models import Participant, User
from portal.web.access import public
from tests.factories import ROUTE_TO, actor_of, add_person, move_to, new_case
from tests.helpers import Browser, make_account, sign_in
from tests.web.exchange_steps import decide, open_letter, release_now, start, write

FACILITATOR_NAME = "Ffion Marchbanks"
FACILITATOR_EMAIL = "ffion.marchbanks@service.example"
HARMED_NAME = "Morwenna Quillfeather"
RESPONSIBLE_NAME = "Tobias Wrenlow"
SUPPORTER_NAME = "Gwilym Ashcombe"
SUPPORTER_EMAIL = "gwilym.ashcombe@family.example"
SENSITIVE_TERM = "Quillfeather Close"
LETTER = (
    "Since the night you came into our kitchen I check the back door four times.",
    "My daughter sleeps with the landing light on and asks whether you will come back.",
)
NEW_PASSWORD = "a different long passphrase for the reset"
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
GIVEN_ID = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Everything logged, formatted as the app servers format it (restored afterwards)."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    stream = io.StringIO()
    configure_logging(logging.INFO, stream)
    try:
        yield stream
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved_handlers:
            root.addHandler(handler)
        root.setLevel(saved_level)


def _events(stream: io.StringIO) -> list[dict]:
    lines = stream.getvalue().splitlines()
    assert lines, "nothing was logged"
    return [json.loads(line) for line in lines]  # every line is one JSON object


def _session_tokens(app) -> set[str]:
    with app.app_context():
        return set(unit_of_work().session.scalars(select(User.session_token)))


def test_a_whole_journey_logs_routes_and_ids_but_no_name_email_token_or_letter(app, log_lines):
    facilitator = make_account(app, Role.FACILITATOR, name=FACILITATOR_NAME, email=FACILITATOR_EMAIL)
    world = new_case(app, facilitator=facilitator)
    formats = (ConsentFormat.LETTERS, ConsentFormat.QUESTIONS)
    harmed = add_person(app, world, HARMED_NAME, Side.HARMED, terms=(SENSITIVE_TERM,), consents=formats)
    responsible = add_person(app, world, RESPONSIBLE_NAME, Side.RESPONSIBLE, consents=formats)
    supporter = add_person(app, world, SUPPORTER_NAME, Side.HARMED, ParticipantRole.SUPPORTER, offline=True)
    with app.app_context():
        demo.assess_ready(unit_of_work(), actor_of(facilitator), world.case_id, RiskLevel.LOW, date(2026, 9, 20))
    move_to(app, world, *ROUTE_TO[Stage.EXCHANGE])
    case = world.case_id
    tokens = _session_tokens(app)

    # The facilitator invites the supporter, who joins by the link.
    staff = Browser(app.test_client())
    sign_in(app, staff, facilitator)
    tokens |= _session_tokens(app)
    with app.app_context(), unit_of_work() as uow:
        uow.session.get(Participant, supporter.participant_id).taking_part = "portal"
    invite = staff.submit(
        f"/cases/{case}/participants/{supporter.participant_id}/invite", {"email": SUPPORTER_EMAIL, "delivery": "link"}
    ).get_data(as_text=True)
    join_path = re.search(r"<code>https?://[^/]+(/join/[^<]+)</code>", invite).group(1)
    invitation_token = join_path.rsplit("/", 1)[1]
    joining = Browser(app.test_client())
    assert joining.submit(join_path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302

    # The person harmed writes and sends a letter; the facilitator approves and releases it.
    writer = Browser(app.test_client())
    sign_in(app, writer, harmed.account)
    tokens |= _session_tokens(app)
    letter = start(writer, case, "letter")
    write(writer, case, letter, "\n\n".join(LETTER))
    assert write(writer, case, letter, "\n\n".join(LETTER), send=True).status_code == 302
    review = staff.get(f"/cases/{case}/items/{letter}/review", headers={"X-Request-ID": GIVEN_ID})
    assert review.status_code == 200 and LETTER[0] in review.get_data(as_text=True)
    assert review.headers["X-Request-ID"] == GIVEN_ID
    decide(staff, case, letter, "approve")
    release_now(staff, case, letter)

    # The person responsible reads it; later the facilitator makes them a link to choose a new password.
    reader = Browser(app.test_client())
    sign_in(app, reader, responsible.account)
    tokens |= _session_tokens(app)
    assert LETTER[1] in open_letter(reader, case, letter)
    reset_page = staff.submit(
        f"/cases/{case}/participants/{responsible.participant_id}/reset-link", from_page=f"/cases/{case}"
    ).get_data(as_text=True)
    reset_path = re.search(r"<code>https?://[^/<]+(/reset-password/[^<]+)</code>", reset_page).group(1)
    reset_token = reset_path.rsplit("/", 1)[1]
    assert (
        Browser(app.test_client()).submit(reset_path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code
        == 302
    )
    staff.submit("/sign-out", from_page="/cases/")
    tokens |= _session_tokens(app)
    cookies = {
        cookie.value for client in (staff, writer, reader, joining) for cookie in client.client._cookies.values()
    }

    text = log_lines.getvalue()
    events = _events(log_lines)
    forbidden = {
        FACILITATOR_NAME,
        FACILITATOR_EMAIL,
        HARMED_NAME,
        RESPONSIBLE_NAME,
        SUPPORTER_NAME,
        SUPPORTER_EMAIL,
        SENSITIVE_TERM,
        harmed.account.email,
        responsible.account.email,
        facilitator.password,
        NEW_PASSWORD,
        invitation_token,
        reset_token,
        world.code,
        str(case),  # the URL's ids: the route template stands in their place
        str(letter),
        *LETTER,
        *(sentence.split(" ", 3)[-1][:30] for sentence in LETTER),  # a fragment, too
        *tokens,
        *(cookie for cookie in cookies if len(cookie) > 16),
    }
    names = (FACILITATOR_NAME, HARMED_NAME, RESPONSIBLE_NAME, SUPPORTER_NAME)
    forbidden |= {part for name in names for part in name.split()}  # a first or last name alone, too
    for value in forbidden:
        assert value and value not in text, f"the logs hold {value!r}"
    assert not EMAIL_PATTERN.search(text), EMAIL_PATTERN.search(text)

    requests = [event for event in events if event.get("event") == "request"]
    assert len(requests) > 30
    for event in requests:
        assert set(event) >= {"ts", "level", "request_id", "method", "route", "status", "duration_ms", "user_id"}
        assert re.fullmatch(r"[0-9a-f]{32}", event["request_id"]) or event["request_id"] == GIVEN_ID
        assert isinstance(event["duration_ms"], float | int) and event["duration_ms"] >= 0
    routes = {event["route"] for event in requests}
    assert "/join/<token>" in routes and "/reset-password/<token>" in routes
    assert "/cases/<uuid:case_id>/items/<uuid:item_id>/review" in routes
    (given,) = [event for event in requests if event["request_id"] == GIVEN_ID]
    assert given["route"] == "/cases/<uuid:case_id>/items/<uuid:item_id>/review" and given["status"] == 200
    assert given["user_id"] == str(facilitator.id)  # the internal id, never a name or an email
    assert len({event["request_id"] for event in requests}) == len(requests)  # one id per request


def test_a_request_id_that_is_not_one_is_replaced_and_every_answer_carries_its_own(app, log_lines):
    client = app.test_client()
    for bad in ("a b", "x" * 65, "someone@example.test", "short", "../../etc"):
        answer = client.get("/sign-in", headers={"X-Request-ID": bad})
        assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-ID"]), bad
    first, second = client.get("/sign-in"), client.get("/sign-in")
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    assert client.get("/no/such/page/with-a-token-in-it").headers["X-Request-ID"]
    events = [event for event in _events(log_lines) if event.get("event") == "request"]
    assert [event["route"] for event in events] == ["/sign-in"] * 7 + [None]
    assert "with-a-token-in-it" not in log_lines.getvalue() and "someone@" not in log_lines.getvalue()
    assert events[-1]["status"] == 404 and events[-1]["user_id"] is None


def test_an_unexpected_error_is_logged_by_type_and_frames_never_its_message(app, log_lines):
    @app.get("/explode")
    @public
    def explode():
        raise ValueError(f"while handling a letter: {LETTER[0]}")

    answer = app.test_client().get("/explode", headers={"X-Request-ID": GIVEN_ID})
    assert answer.status_code == 500
    events = _events(log_lines)
    assert LETTER[0] not in log_lines.getvalue()
    (failure,) = [event for event in events if event.get("exc_type")]
    assert failure["exc_type"] == "builtins.ValueError" and failure["request_id"] == GIVEN_ID
    assert any("in explode" in frame for frame in failure["stack"])
    (request_event,) = [event for event in events if event.get("event") == "request"]
    assert request_event["status"] == 500 and request_event["level"] == "warning"


def test_a_metric_that_cannot_be_recorded_never_turns_a_page_into_an_error(app, log_lines, monkeypatch):
    def broken(*_args: object) -> None:
        raise OSError("the metrics folder is gone")

    monkeypatch.setattr("portal.web.request_log.observe_request", broken)
    assert app.test_client().get("/sign-in").status_code == 200
    events = _events(log_lines)
    assert [event["msg"] for event in events if event["level"] == "warning"] == [
        "request not counted in the metrics: OSError"
    ]
    assert [event["route"] for event in events if event.get("event") == "request"] == ["/sign-in"]
