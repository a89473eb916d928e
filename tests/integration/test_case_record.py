"""The casework record through its services: sealed at rest, acted on once, and cheap to ask."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from portal.domain.casenotes import Contact
from portal.domain.enums import (
    ConsentFormat,
    ContactMethod,
    ContactPurpose,
    Feeling,
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    Role,
    Stage,
)
from portal.domain.errors import DomainError
from portal.domain.meetings import MeetingPlan
from portal.domain.problems import Problem
from portal.runtime import unit_of_work
from portal.services import case_record, casenotes, casework, clock, meetings
from portal.services.casework import CaseNotFound
from portal.storage import models
from portal.storage.db import EXTENSION_KEY
from tests.factories import actor_of, exchange_case, move_to, new_case
from tests.helpers import make_account
from tests.integration.test_raw_bytes import _raw_postgres, _raw_sqlite

TODAY = clock.today_in_uk()


def _conference_world(app):
    world = exchange_case(app, formats=(ConsentFormat.LETTERS, ConsentFormat.MEETING))
    co = make_account(app, Role.FACILITATOR)
    with app.app_context():
        casework.assign_facilitator(unit_of_work(), actor_of(world.facilitator), world.case_id, co.email)
    return world, co


def _conference(world, co, **changes) -> MeetingPlan:
    plan = dict(
        kind=MeetingKind.CONFERENCE,
        mode=MeetingMode.IN_PERSON,
        starts_at=datetime.now(UTC) + timedelta(days=10),
        facilitator_ids=(world.facilitator.id, co.id),
        attendee_ids=(world["harmed"].participant_id, world["responsible"].participant_id),
        venue="The community centre",
        safety_plan="Separate waiting rooms.",
    )
    return MeetingPlan(**{**plan, **changes})


def test_no_words_of_the_record_reach_the_database_or_the_logs(app, caplog):
    marker = "ZQR" + uuid.uuid4().hex[:10].upper()
    world, co = _conference_world(app)
    with caplog.at_level(logging.DEBUG), app.app_context():
        uow, facilitator = unit_of_work(), actor_of(world.facilitator)
        casenotes.add_note(uow, facilitator, world.case_id, f"Note {marker}")
        casenotes.record_contact(
            uow,
            facilitator,
            world.case_id,
            Contact(
                ContactMethod.EMAIL,
                ContactPurpose.GENERAL,
                TODAY,
                f"Went {marker}",
                with_whom=f"Offender manager {marker}",
                next_step=f"Next {marker}",
                next_step_on=TODAY,
            ),
        )
        casenotes.record_contact(
            uow,
            facilitator,
            world.case_id,
            Contact(
                ContactMethod.PHONE,
                ContactPurpose.FOLLOW_UP,
                TODAY,
                "Fine.",
                world["harmed"].participant_id,
                feeling=Feeling.BETTER,
                feeling_words=f"Feels {marker}",
            ),
        )
        plan = _conference(world, co, venue=f"Venue {marker}", safety_plan=f"Safety {marker}")
        meeting_id = meetings.plan(uow, facilitator, world.case_id, plan)
        meetings.hold(
            uow, facilitator, world.case_id, meeting_id, TODAY, f"Happened {marker}", ground_rules_agreed=True
        )
        # Read back, so the reads are covered by the log check too.
        context = casenotes.reading(uow, facilitator, world.case_id)
        assert casenotes.notes(uow, context).entries[0].body == f"Note {marker}"
        assert meetings.meeting(uow, context, meeting_id).meeting.plan.venue == f"Venue {marker}"
    url = app.config["DATABASE_URL"]
    raw = _raw_postgres(app) if url.startswith("postgresql") else _raw_sqlite(url)
    for needle in (marker, marker.lower(), marker.encode().hex(), marker.lower().encode().hex()):
        assert needle.encode() not in raw, f"{needle} found in the raw database"
    assert marker not in caplog.text


def test_the_same_form_acts_once_and_answers_with_the_first_result(app):
    world = exchange_case(app)
    with app.app_context():
        uow, facilitator = unit_of_work(), actor_of(world.facilitator)
        first = casenotes.add_note(uow, facilitator, world.case_id, "Once", once="key-1")
        assert casenotes.add_note(uow, facilitator, world.case_id, "Once", once="key-1") == first
        contact = Contact(
            ContactMethod.VISIT, ContactPurpose.PREPARATION, TODAY, "Prepared.", world["harmed"].participant_id
        )
        made = casenotes.record_contact(uow, facilitator, world.case_id, contact, once="key-2")
        assert casenotes.record_contact(uow, facilitator, world.case_id, contact, once="key-2") == made
        assert len(uow.session.scalars(select(models.CaseNote.id)).all()) == 1
        assert len(uow.session.scalars(select(models.Contact.id)).all()) == 1


def test_the_cases_next_step_is_the_one_the_latest_contact_set(app):
    world = exchange_case(app)
    with app.app_context():
        uow, facilitator = unit_of_work(), actor_of(world.facilitator)
        person = world["harmed"].participant_id
        recent = Contact(
            ContactMethod.PHONE,
            ContactPurpose.GENERAL,
            TODAY,
            "Call.",
            person,
            next_step="Visit",
            next_step_on=TODAY + timedelta(days=3),
        )
        casenotes.record_contact(uow, facilitator, world.case_id, recent)
        assert uow.session.get(models.Case, world.case_id).next_step_on == TODAY + timedelta(days=3)
        # Recorded later about an earlier day: the visit's next step still stands.
        earlier = Contact(
            ContactMethod.LETTER_SENT, ContactPurpose.GENERAL, TODAY - timedelta(days=5), "Letter.", person
        )
        casenotes.record_contact(uow, facilitator, world.case_id, earlier)
        uow.session.expire_all()
        assert uow.session.get(models.Case, world.case_id).next_step_on == TODAY + timedelta(days=3)
        # A later contact that sets no next step ends it.
        today_again = Contact(ContactMethod.VISIT, ContactPurpose.GENERAL, TODAY, "Visited.", person)
        casenotes.record_contact(uow, facilitator, world.case_id, today_again)
        uow.session.expire_all()
        assert uow.session.get(models.Case, world.case_id).next_step_on is None


def test_followed_up_is_one_query(app):
    world = exchange_case(app, stage=Stage.AGREEMENT)
    move_to(app, world, Stage.FOLLOW_UP)
    engine = app.extensions[EXTENSION_KEY].kw["bind"]
    with app.app_context():
        uow, facilitator = unit_of_work(), actor_of(world.facilitator)
        harmed = world["harmed"].participant_id
        for feeling in (Feeling.WORSE, Feeling.BETTER):
            follow_up = Contact(ContactMethod.PHONE, ContactPurpose.FOLLOW_UP, TODAY, "Call.", harmed, feeling=feeling)
            casenotes.record_contact(uow, facilitator, world.case_id, follow_up)
        general = Contact(
            ContactMethod.PHONE, ContactPurpose.GENERAL, TODAY, "Call.", world["responsible"].participant_id
        )
        casenotes.record_contact(uow, facilitator, world.case_id, general)
        uow.session.rollback()
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert case_record.followed_up(uow, world.case_id) == frozenset({harmed})
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


def test_a_meeting_of_another_case_is_not_found(app):
    world, co = _conference_world(app)
    other = new_case(app)
    with app.app_context():
        uow = unit_of_work()
        meeting_id = meetings.plan(uow, actor_of(world.facilitator), world.case_id, _conference(world, co))
        with pytest.raises(CaseNotFound):
            meetings.cancel(uow, actor_of(other.facilitator), other.case_id, meeting_id)
        with pytest.raises(CaseNotFound):
            meetings.meeting(uow, casenotes.reading(uow, actor_of(other.facilitator), other.case_id), meeting_id)
        assert uow.session.get(models.Meeting, meeting_id).status == MeetingStatus.PLANNED.value


def test_a_held_meeting_cannot_then_be_cancelled(app):
    world, co = _conference_world(app)
    with app.app_context():
        uow, facilitator = unit_of_work(), actor_of(world.facilitator)
        meeting_id = meetings.plan(uow, facilitator, world.case_id, _conference(world, co, ground_rules_agreed=True))
        meetings.hold(uow, facilitator, world.case_id, meeting_id, TODAY, "They met.")
        with pytest.raises(DomainError) as refused:
            meetings.cancel(uow, actor_of(co), world.case_id, meeting_id)
        assert refused.value.problem == Problem.MEETING_NOT_PLANNED
        row = uow.session.get(models.Meeting, meeting_id)
        assert row.status == MeetingStatus.HELD.value and row.held_on == TODAY and row.ground_rules_agreed
