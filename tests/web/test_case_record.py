"""The casework record's pages: case notes, the contact log and follow-up, meetings; through the
Flask test client with real sign-ins, as the case's facilitators (and everyone else) would use them."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.crypto import CaseVault
from portal.domain.enums import ConsentFormat, NoteKind, ParticipantRole, Role, Side, Stage
from portal.runtime import unit_of_work
from portal.services import case_record, casenotes, casework, records
from portal.services.clock import today_in_uk as _today
from portal.storage import models
from tests.factories import CaseWorld, actor_of, add_person, exchange_case, give_consent, move_to, new_case
from tests.helpers import Account, Browser, make_account, sign_in

FORMATS = (ConsentFormat.LETTERS, ConsentFormat.MEETING)


@dataclass
class World:
    case: CaseWorld
    co: Account  # a second facilitator assigned to the case
    other: CaseWorld  # another case, with its own facilitator

    @property
    def id(self) -> uuid.UUID:
        return self.case.case_id

    def path(self, rest: str) -> str:
        return f"/cases/{self.case.case_id}/{rest}"

    def person(self, name: str) -> str:
        return str(self.case[name].participant_id)


@pytest.fixture
def world(app: Flask) -> World:
    case = exchange_case(app, formats=FORMATS)
    add_person(app, case, "harmed supporter", Side.HARMED, ParticipantRole.SUPPORTER, relationship="her sister")
    add_person(
        app, case, "responsible supporter", Side.RESPONSIBLE, ParticipantRole.SUPPORTER, relationship="his mentor"
    )
    co = make_account(app, Role.FACILITATOR, name="Cora Cofacilitator")
    with app.app_context():
        casework.assign_facilitator(unit_of_work(), actor_of(case.facilitator), case.case_id, co.email)
    return World(case, co, new_case(app))


def signed_in(app: Flask, account: Account) -> Browser:
    browser = Browser(app.test_client())
    sign_in(app, browser, account)
    return browser


def audit_count(app: Flask, case_id: uuid.UUID, action: str) -> int:
    with app.app_context():
        where = (models.AuditEvent.case_id == case_id, models.AuditEvent.action == action)
        return unit_of_work().session.scalar(select(func.count(models.AuditEvent.id)).where(*where)) or 0


def case_row(app: Flask, case_id: uuid.UUID) -> models.Case:
    with app.app_context():
        return unit_of_work().session.get(models.Case, case_id)


# --- Who sees the record ------------------------------------------------------------------------------


def _record_pages(world: World, meeting_id: uuid.UUID) -> list[str]:
    return [
        world.path("notes"),
        world.path("contacts"),
        world.path("contacts/new"),
        world.path("meetings"),
        world.path("meetings/preparation/new"),
        world.path("meetings/conference/new"),
        world.path(f"meetings/{meeting_id}"),
        world.path(f"meetings/{meeting_id}/change"),
    ]


def _a_meeting(app: Flask, world: World) -> uuid.UUID:
    from portal.domain.enums import MeetingKind, MeetingMode
    from portal.domain.meetings import MeetingPlan
    from portal.services import meetings

    plan = MeetingPlan(
        MeetingKind.PREPARATION,
        MeetingMode.PHONE,
        datetime.now(UTC) + timedelta(days=3),
        (world.case.facilitator.id,),
        participant_id=world.case["harmed"].participant_id,
    )
    with app.app_context():
        return meetings.plan(unit_of_work(), actor_of(world.case.facilitator), world.id, plan)


def test_the_record_is_for_the_cases_facilitators_and_nobody_else(app, world):
    meeting_id = _a_meeting(app, world)
    facilitator = signed_in(app, world.case.facilitator)
    for page in _record_pages(world, meeting_id):
        assert facilitator.get(page).status_code == 200, page
    for account in (
        make_account(app, Role.MANAGER),  # managers see workload, not words
        world.case["harmed"].account,  # a participant of this very case
        world.other.facilitator,  # a facilitator of another case
    ):
        browser = signed_in(app, account)
        for page in _record_pages(world, meeting_id):
            assert browser.get(page).status_code == 404, (account.role, page)


def test_another_cases_meeting_is_not_found_and_its_forms_change_nothing(app, world):
    meeting_id = _a_meeting(app, world)
    other = signed_in(app, world.other.facilitator)
    other_case = f"/cases/{world.other.case_id}"
    assert other.get(f"{other_case}/meetings/{meeting_id}").status_code == 404
    other.get(f"{other_case}/notes")
    assert other.post(f"{other_case}/meetings/{meeting_id}/cancel").status_code == 404
    assert other.post(f"/cases/{world.id}/notes", {"body": "Not mine"}).status_code == 404
    assert audit_count(app, world.id, "note.add") == 0
    assert audit_count(app, world.id, "meeting.cancel") == 0


def test_a_participant_cannot_post_to_the_record(app, world):
    harmed = signed_in(app, world.case["harmed"].account)
    harmed.get("/account/")
    assert harmed.post(world.path("notes"), {"body": "Let me in"}).status_code == 404
    assert audit_count(app, world.id, "note.add") == 0


# --- Case notes -----------------------------------------------------------------------------------------


def test_notes_are_added_newest_first_with_who_and_when_and_sealed(app, world):
    facilitator = signed_in(app, world.case.facilitator)
    response = facilitator.submit(world.path("notes"), {"body": "First call: she wants letters first."})
    assert response.status_code == 302 and response.location.endswith(world.path("notes"))
    facilitator.submit(world.path("notes"), {"body": "Correction: she is open to a meeting."})
    page = facilitator.get(world.path("notes")).get_data(as_text=True)
    assert page.index("Correction: she is open to a meeting.") < page.index("First call: she wants letters first.")
    assert page.count("Case note: Test Person, ") == 2 and "(UK time)" in page
    assert audit_count(app, world.id, "note.add") == 2
    with app.app_context():
        stored = unit_of_work().session.scalars(select(models.CaseNote.body_sealed)).all()
    assert stored and all(b"Correction" not in body and b"First call" not in body for body in stored)


def test_a_note_posted_twice_is_added_once(app, world):
    facilitator = signed_in(app, world.case.facilitator)
    facilitator.submit(world.path("notes"), {"body": "Only once, please."})
    assert facilitator.repeat().status_code == 302
    assert facilitator.get(world.path("notes")).get_data(as_text=True).count("Only once, please.") == 1
    assert audit_count(app, world.id, "note.add") == 1


def test_an_empty_note_is_refused_with_its_message_and_nothing_is_stored(app, world):
    facilitator = signed_in(app, world.case.facilitator)
    response = facilitator.submit(world.path("notes"), {"body": "   "})
    assert response.status_code == 400
    assert "Write the note before saving it." in facilitator.text() or "Please write the note" in facilitator.text()
    assert audit_count(app, world.id, "note.add") == 0


def test_notes_have_no_edit_and_a_closed_case_takes_none(app, world):
    facilitator = signed_in(app, world.case.facilitator)
    facilitator.submit(world.path("notes"), {"body": "Before closing."})
    page = facilitator.text()
    assert "Edit" not in page and "Delete" not in page
    move_to(app, world.case, Stage.CLOSED)
    assert facilitator.submit(world.path("notes"), {"body": "After closing."}).status_code == 400
    assert "This case is closed." in facilitator.text()


def test_supervision_notes_are_listed_and_labelled_as_supervision(app, world):
    with app.app_context():
        uow = unit_of_work()
        with uow:
            row = uow.session.get(models.Case, world.id)
            note_id = uuid.uuid4()
            vault: CaseVault = records.vault_for(uow, row)
            uow.session.add(
                models.CaseNote(
                    id=note_id,
                    case_id=world.id,
                    kind=NoteKind.SUPERVISION.value,
                    written_by_id=world.co.id,
                    body_sealed=vault.seal_case_note(note_id, "Reviewed the risk plan together."),
                )
            )
    page = signed_in(app, world.case.facilitator).get(world.path("notes")).get_data(as_text=True)
    assert "Supervision: Cora Cofacilitator, " in page and "Reviewed the risk plan together." in page


# --- The contact log --------------------------------------------------------------------------------------


def _contact(world: World, **fields: str) -> dict[str, str]:
    return {
        "person": world.person("harmed"),
        "method": "phone",
        "purpose": "general",
        "happened_on": _today().isoformat(),
        "how_it_went": "She was glad to hear from us.",
        **fields,
    }


def test_a_contact_is_logged_and_sets_the_cases_next_step(app, world):
    facilitator = signed_in(app, world.case.facilitator)
    next_week = (_today() + timedelta(days=7)).isoformat()
    response = facilitator.submit(
        world.path("contacts/new"),
        _contact(world, next_step="Visit her at home to prepare", next_step_on=next_week),
    )
    assert response.status_code == 302 and response.location.endswith(world.path("contacts"))
    assert case_row(app, world.id).next_step_on == _today() + timedelta(days=7)
    page = facilitator.get(world.path("contacts")).get_data(as_text=True)
    assert "Phone call" in page and "She was glad to hear from us." in page and "Visit her at home to prepare" in page
    assert "harmed (the person harmed, principal)" in page
    # Someone who is not a person of the case, in words; it sets no next step, so the case has none.
    facilitator.submit(
        world.path("contacts/new"),
        _contact(world, person="other", someone_else="Prison offender manager", method="email"),
    )
    assert case_row(app, world.id).next_step_on is None
    page = facilitator.get(world.path("contacts")).get_data(as_text=True)
    assert "Prison offender manager" in page and "Email" in page
    assert audit_count(app, world.id, "contact.record") == 2


def test_a_contact_in_the_future_or_without_who_is_refused(app, world):
    facilitator = signed_in(app, world.case.facilitator)
    tomorrow = (_today() + timedelta(days=1)).isoformat()
    assert facilitator.submit(world.path("contacts/new"), _contact(world, happened_on=tomorrow)).status_code == 400
    assert "The date of the contact can&#39;t be in the future." in facilitator.text()
    assert facilitator.submit(world.path("contacts/new"), _contact(world, person="other")).status_code == 400
    assert "Please say who the contact was with" in facilitator.text()
    assert "She was glad to hear from us." in facilitator.text()  # what was typed is kept
    assert audit_count(app, world.id, "contact.record") == 0


def test_a_follow_up_needs_how_they_feel(app, world):
    facilitator = signed_in(app, world.case.facilitator)
    assert facilitator.submit(world.path("contacts/new"), _contact(world, purpose="follow_up")).status_code == 400
    assert "Please choose how they feel now" in facilitator.text()
    assert facilitator.submit(world.path("contacts/new"), _contact(world, feeling="better")).status_code == 400
    assert "recorded for follow-up contacts only" in facilitator.text()


def test_the_log_shows_twenty_a_page_newest_first_opening_only_that_page(app, world, monkeypatch):
    facilitator = world.case.facilitator
    with app.app_context():
        for n in range(25):
            contact = casenotes.Contact(
                casenotes.ContactMethod.PHONE,
                casenotes.ContactPurpose.GENERAL,
                _today() - timedelta(days=25 - n),
                f"Call number {n:02d}.",
                world.case["responsible"].participant_id,
            )
            casenotes.record_contact(unit_of_work(), actor_of(facilitator), world.id, contact)
    opened: list[uuid.UUID] = []
    real_open = CaseVault.open_contact
    monkeypatch.setattr(
        CaseVault, "open_contact", lambda self, cid, sealed: opened.append(cid) or real_open(self, cid, sealed)
    )
    browser = signed_in(app, facilitator)
    page = browser.get(world.path("contacts")).get_data(as_text=True)
    assert len(opened) == 20  # no follow-up contacts, so nothing else is opened
    shown = re.findall(r"Call number (\d\d)\.", page)
    assert shown == [f"{n:02d}" for n in range(24, 4, -1)]
    assert "Page 1 of 2" in page
    page = browser.get(world.path("contacts?page=2")).get_data(as_text=True)
    assert re.findall(r"Call number (\d\d)\.", page) == ["04", "03", "02", "01", "00"]
    assert browser.get(world.path("contacts?page=99")).status_code == 200 and "Page 2 of 2" in browser.text()


def test_follow_up_shows_for_each_principal_whether_contacted_and_how_they_felt(app, world):
    facilitator = signed_in(app, world.case.facilitator)
    page = facilitator.get(world.path("contacts")).get_data(as_text=True)
    assert page.count("Not yet") == 2  # the two principals; supporters speak for no side
    earlier = (_today() - timedelta(days=2)).isoformat()
    follow_up = _contact(world, purpose="follow_up", feeling="worse", happened_on=earlier, feeling_words="Shaky.")
    facilitator.submit(world.path("contacts/new"), follow_up)
    facilitator.submit(world.path("contacts/new"), _contact(world, purpose="follow_up", feeling="better"))
    page = facilitator.get(world.path("contacts")).get_data(as_text=True)
    summary = page[page.index('id="follow-up"') : page.index('id="log"')]
    assert summary.count("Not yet") == 1 and "Better" in summary and "Worse" not in summary
    assert "Shaky." in page[page.index('id="log"') :]
    with app.app_context():
        assert case_record.followed_up(unit_of_work(), world.id) == {world.case["harmed"].participant_id}


# --- Meetings --------------------------------------------------------------------------------------------


def _conference(world: World, **fields: object) -> dict[str, object]:
    return {
        "starts_at": "2030-07-01T14:30",  # British Summer Time: 13:30 UTC
        "mode": "in_person",
        "venue": "The community centre, back room",
        "facilitator_1": str(world.case.facilitator.id),
        "facilitator_2": str(world.co.id),
        "attendees": [world.person(n) for n in ("harmed", "harmed supporter", "responsible", "responsible supporter")],
        "safety_plan": "Arrive ten minutes apart. A quiet room for each side.",
        **fields,
    }


def _meeting_id(response) -> uuid.UUID:
    return uuid.UUID(response.location.rstrip("/").rsplit("/", 1)[-1])


def test_a_preparation_meeting_is_planned_in_uk_time_and_held(app, world):
    facilitator = signed_in(app, world.case.facilitator)
    form = {
        "person": world.person("responsible"),
        "starts_at": "2030-01-15T10:00",  # Greenwich Mean Time: the same in UTC
        "mode": "video",
        "venue": "",
        "facilitator_1": str(world.case.facilitator.id),
    }
    response = facilitator.submit(world.path("meetings/preparation/new"), form)
    assert response.status_code == 302, facilitator.text()
    meeting_id = _meeting_id(response)
    with app.app_context():
        row = unit_of_work().session.get(models.Meeting, meeting_id)
        assert row.starts_at == datetime(2030, 1, 15, 10, 0, tzinfo=UTC)
        assert row.attendee_ids == [world.person("responsible")] and row.status == "planned"
    page = facilitator.get(world.path(f"meetings/{meeting_id}")).get_data(as_text=True)
    assert "15 January 2030, 10:00" in page and "By video" in page and "responsible" in page
    response = facilitator.post(
        world.path(f"meetings/{meeting_id}/held"), {"held_on": _today().isoformat(), "what_happened": "He is ready."}
    )
    assert response.status_code == 302
    page = facilitator.get(world.path(f"meetings/{meeting_id}")).get_data(as_text=True)
    assert "Held" in page and "He is ready." in page and "Record it as held" not in page
    assert audit_count(app, world.id, "meeting.plan") == 1 and audit_count(app, world.id, "meeting.held") == 1


def test_a_conference_needs_two_facilitators_a_safety_plan_and_both_sides(app, world):
    facilitator = signed_in(app, world.case.facilitator)
    path = world.path("meetings/conference/new")
    assert facilitator.submit(path, _conference(world, facilitator_2="")).status_code == 400
    assert "A conference needs two different facilitators assigned to this case." in facilitator.text()
    assert "The community centre, back room" in facilitator.text()  # what was typed is kept
    assert facilitator.submit(path, _conference(world, safety_plan="")).status_code == 400
    assert "Write the safety plan for the conference." in facilitator.text()
    supporters_only = [world.person("harmed"), world.person("responsible supporter")]
    assert facilitator.submit(path, _conference(world, attendees=supporters_only)).status_code == 400
    assert "The person responsible, or their proxy, must be at the conference." in facilitator.text()
    assert facilitator.submit(path, _conference(world, venue="")).status_code == 400
    assert "Please say where the meeting will be." in facilitator.text()
    assert audit_count(app, world.id, "meeting.plan") == 0


def test_a_conference_needs_both_sides_consent_to_a_meeting(app, world):
    give_consent(app, world.case, world.case["responsible"], ConsentFormat.MEETING, given=False)
    facilitator = signed_in(app, world.case.facilitator)
    assert facilitator.submit(world.path("meetings/conference/new"), _conference(world)).status_code == 400
    assert "The person responsible hasn&#39;t consented to a meeting." in facilitator.text()


def test_a_meeting_is_changed_then_cancelled_and_a_paused_case_only_cancels(app, world):
    facilitator = signed_in(app, world.case.facilitator)
    response = facilitator.submit(world.path("meetings/conference/new"), _conference(world))
    assert response.status_code == 302, facilitator.text()
    meeting_id = _meeting_id(response)
    with app.app_context():
        assert unit_of_work().session.get(models.Meeting, meeting_id).starts_at == datetime(
            2030, 7, 1, 13, 30, tzinfo=UTC
        )
    change = world.path(f"meetings/{meeting_id}/change")
    drawn = facilitator.get(change).get_data(as_text=True)
    assert 'value="2030-07-01T14:30"' in drawn and "The community centre, back room" in drawn
    response = facilitator.post(
        change, _conference(world, mode="video", venue="A secure video link", starts_at="2030-07-02T09:15")
    )
    assert response.status_code == 302, facilitator.text()
    page = facilitator.get(world.path(f"meetings/{meeting_id}")).get_data(as_text=True)
    assert "2 July 2030, 09:15" in page and "By video" in page and "A secure video link" in page
    # Paused: no change, no holding; cancelling still works.
    move_to(app, world.case, Stage.PAUSED)
    response = facilitator.post(change, _conference(world))
    assert response.status_code == 400 and "A planned meeting can be cancelled." in facilitator.text()
    facilitator.get(world.path(f"meetings/{meeting_id}"))
    assert facilitator.post(world.path(f"meetings/{meeting_id}/cancel")).status_code == 302
    page = facilitator.get(world.path(f"meetings/{meeting_id}")).get_data(as_text=True)
    assert "Cancelled" in page and "Cancel this meeting" not in page
    assert [audit_count(app, world.id, a) for a in ("meeting.plan", "meeting.change", "meeting.cancel")] == [1, 1, 1]


def test_the_case_page_shows_the_record_with_counts_and_the_next_meeting(app, world):
    facilitator = signed_in(app, world.case.facilitator)
    page = facilitator.get(f"/cases/{world.id}").get_data(as_text=True)
    assert "Case notes (0)" in page and "No meeting is planned." in page
    facilitator.submit(world.path("notes"), {"body": "A note."})
    facilitator.submit(world.path("meetings/conference/new"), _conference(world))
    page = facilitator.get(f"/cases/{world.id}").get_data(as_text=True)
    assert "Case notes (1)" in page and "Contact log (0)" in page and "Meetings (1)" in page
    assert "Next meeting: Conference, 1 July 2030, 14:30 (UK time), In person." in page


# --- The journey --------------------------------------------------------------------------------------------

DRAFT = {
    "kind_1": "apology",
    "owner_1": "responsible",
    "due_on_1": "2031-03-10",
    "follow_up_on": "2031-06-15",
}


def test_a_conference_with_supporters_leads_to_the_agreement_and_follow_up_to_closing(app, world):
    facilitator = signed_in(app, world.case.facilitator)
    response = facilitator.submit(
        world.path("meetings/conference/new"), _conference(world, starts_at="2030-07-01T14:30")
    )
    assert response.status_code == 302, facilitator.text()
    meeting = world.path(f"meetings/{_meeting_id(response)}")
    page = facilitator.get(meeting).get_data(as_text=True)
    for name in ("harmed", "harmed supporter", "responsible", "responsible supporter", "Cora Cofacilitator"):
        assert name in page
    assert "Not agreed yet" in page

    # Held: the ground rules agreed on the day.
    held = {"held_on": _today().isoformat(), "what_happened": "He apologised; she asked her questions."}
    assert facilitator.post(f"{meeting}/held", held).status_code == 400
    assert "Tick that they were agreed." in facilitator.text()
    assert facilitator.post(f"{meeting}/held", {**held, "ground_rules_agreed": "y"}).status_code == 302
    page = facilitator.get(meeting).get_data(as_text=True)
    assert "He apologised; she asked her questions." in page
    draft_link = f'href="/cases/{world.id}/agreement/draft"'
    assert draft_link in page

    # The outcome agreement, drafted from the conference's link.
    move_to(app, world.case, Stage.AGREEMENT)
    assert facilitator.get(f"/cases/{world.id}/agreement/draft").status_code == 200
    assert facilitator.post(f"/cases/{world.id}/agreement/draft", DRAFT).status_code == 302
    page = facilitator.get(meeting).get_data(as_text=True)
    assert draft_link not in page and f'href="/cases/{world.id}/agreement"' in page

    # Follow-up contacts with each principal, then closing.
    move_to(app, world.case, Stage.FOLLOW_UP)
    for name, feeling in (("harmed", "better"), ("responsible", "same")):
        response = facilitator.submit(
            world.path("contacts/new"),
            _contact(world, person=world.person(name), method="visit", purpose="follow_up", feeling=feeling),
        )
        assert response.status_code == 302, facilitator.text()
    page = facilitator.get(world.path("contacts")).get_data(as_text=True)
    summary = page[page.index('id="follow-up"') : page.index('id="log"')]
    assert "Not yet" not in summary and "Better" in summary and "About the same" in summary
    facilitator.get(f"/cases/{world.id}")
    facilitator.post(f"/cases/{world.id}/stage", {"stage": "closed", "confirmed": "yes"})
    assert case_row(app, world.id).stage == "closed"
    assert audit_count(app, world.id, "meeting.held") == 1 and audit_count(app, world.id, "contact.record") == 2
