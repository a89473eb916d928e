"""Self-referral rules: what a request needs, who triages, and a request decided only once."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from portal.domain import self_referral as rules
from portal.domain.actors import Actor
from portal.domain.enums import (
    Language,
    ParticipantRole,
    Role,
    SelfReferralCloseReason,
    SelfReferralStatus,
    Side,
)
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.problems import Problem
from portal.domain.self_referral import AskingFor, ContactWay, SelfReferralRequest

FACILITATOR = Actor(uuid.uuid4(), Role.FACILITATOR)


def request(**changes) -> SelfReferralRequest:
    values = {
        "side": Side.HARMED,
        "asking_for": AskingFor.MYSELF,
        "name": "Sam",
        "contact_way": ContactWay.PHONE,
        "may_leave_message": False,
        "phone": "+447911123456",
    }
    return SelfReferralRequest(**{**values, **changes})


def test_a_complete_request_has_no_problems():
    assert rules.problems(request()) == {}
    assert rules.check(request()) == request()


def test_a_name_is_needed_but_spaces_are_not_a_name():
    assert rules.problems(request(name="   ")) == {"name": Problem.SELF_REFERRAL_NAME_MISSING}


@pytest.mark.parametrize(
    ("way", "field", "problem"),
    [
        (ContactWay.PHONE, "phone", Problem.SELF_REFERRAL_PHONE_MISSING),
        (ContactWay.TEXT, "phone", Problem.SELF_REFERRAL_PHONE_MISSING),
        (ContactWay.EMAIL, "email", Problem.SELF_REFERRAL_EMAIL_MISSING),
        (ContactWay.LETTER, "address", Problem.SELF_REFERRAL_ADDRESS_MISSING),
        (ContactWay.TRUSTED_PERSON, "trusted_person", Problem.SELF_REFERRAL_TRUSTED_MISSING),
    ],
)
def test_each_way_of_contact_needs_its_own_detail(way, field, problem):
    assert rules.problems(request(contact_way=way, phone="")) == {field: problem}
    given = request(**{"contact_way": way, "phone": "", field: "something to reach them by"})
    assert rules.problems(given) == {}


def test_a_detail_for_another_way_does_not_count():
    """An email address is no use to someone who asked for a letter."""
    asked = request(contact_way=ContactWay.LETTER, phone="", email="sam@example.test")
    assert rules.problems(asked) == {"address": Problem.SELF_REFERRAL_ADDRESS_MISSING}


def test_asking_for_someone_else_needs_who_they_are_to_them():
    asked = request(asking_for=AskingFor.SOMEONE_ELSE)
    assert rules.problems(asked) == {"relationship": Problem.SELF_REFERRAL_RELATIONSHIP_MISSING}
    assert rules.problems(request(asking_for=AskingFor.SOMEONE_ELSE, relationship="her mother")) == {}


def test_every_problem_is_found_at_once_and_check_raises_the_first():
    asked = request(name="", asking_for=AskingFor.SOMEONE_ELSE, contact_way=ContactWay.EMAIL)
    assert set(rules.problems(asked)) == {"name", "relationship", "email"}
    with pytest.raises(DomainError) as refused:
        rules.check(asked)
    assert refused.value.problem is Problem.SELF_REFERRAL_NAME_MISSING


def test_the_details_round_trip_through_plain_json_values():
    asked = request(
        asking_for=AskingFor.SOMEONE_ELSE,
        relationship="his support worker",
        their_name="Alex",
        language=Language.CY,
        unsafe="He reads my post",
        what_happened="A break-in",
        reference="CR/123/26",
        safe_times="after 3pm",
    )
    details = asked.to_details()
    assert all(isinstance(value, str | bool) for value in details.values())
    assert details["side"] == "harmed" and details["contact_way"] == "phone" and details["language"] == "cy"
    assert SelfReferralRequest.from_details({**details, "closing_words": "ignored"}) == asked


# --- Triage ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN, Role.PARTICIPANT])
def test_only_facilitators_triage(role):
    someone = Actor(uuid.uuid4(), role)
    with pytest.raises(NotAllowed) as refused:
        rules.require_facilitator(someone)
    assert refused.value.problem is Problem.SELF_REFERRAL_FACILITATORS_ONLY
    with pytest.raises(NotAllowed):
        rules.decide_open(someone, SelfReferralStatus.NEW)
    with pytest.raises(NotAllowed):
        rules.decide_close(someone, SelfReferralStatus.NEW, SelfReferralCloseReason.DUPLICATE, "")
    assert not rules.may_read(someone, SelfReferralStatus.NEW, True)


def test_who_reads_a_request():
    assert rules.may_read(FACILITATOR, SelfReferralStatus.NEW, False)
    assert rules.may_read(FACILITATOR, SelfReferralStatus.CLOSED, False)
    # Once a case has it, the contact details are the case's: its facilitators only.
    assert not rules.may_read(FACILITATOR, SelfReferralStatus.OPENED, False)
    assert rules.may_read(FACILITATOR, SelfReferralStatus.OPENED, True)


def test_a_new_request_is_opened_or_closed():
    assert rules.decide_open(FACILITATOR, SelfReferralStatus.NEW) is SelfReferralStatus.OPENED
    closed = rules.decide_close(FACILITATOR, SelfReferralStatus.NEW, SelfReferralCloseReason.NO_RESPONSE, "")
    assert closed is SelfReferralStatus.CLOSED


@pytest.mark.parametrize(
    ("status", "problem"),
    [
        (SelfReferralStatus.OPENED, Problem.SELF_REFERRAL_ALREADY_OPENED),
        (SelfReferralStatus.CLOSED, Problem.SELF_REFERRAL_ALREADY_CLOSED),
    ],
)
def test_a_decided_request_is_never_decided_again(status, problem):
    for decide in (
        lambda: rules.decide_open(FACILITATOR, status),
        lambda: rules.decide_close(FACILITATOR, status, SelfReferralCloseReason.DUPLICATE, ""),
    ):
        with pytest.raises(DomainError) as refused:
            decide()
        assert refused.value.problem is problem


def test_closing_for_another_reason_says_which():
    with pytest.raises(DomainError) as refused:
        rules.decide_close(FACILITATOR, SelfReferralStatus.NEW, SelfReferralCloseReason.OTHER, "  ")
    assert refused.value.problem is Problem.SELF_REFERRAL_CLOSE_SAY_WHY
    said = rules.decide_close(FACILITATOR, SelfReferralStatus.NEW, SelfReferralCloseReason.OTHER, "Moved abroad")
    assert said is SelfReferralStatus.CLOSED


def test_the_person_who_asked_is_the_principal_or_a_proxy():
    me = rules.first_person(request(name="  Sam  ", side=Side.RESPONSIBLE))
    assert (me.side, me.role, me.name, me.relationship) == (Side.RESPONSIBLE, ParticipantRole.PRINCIPAL, "Sam", "")
    other = rules.first_person(request(asking_for=AskingFor.SOMEONE_ELSE, relationship=" her mother "))
    assert (other.role, other.relationship) == (ParticipantRole.PROXY, "her mother")


def test_waiting_is_never_negative():
    now = datetime(2026, 3, 3, 12, tzinfo=UTC)
    assert rules.waited(now - timedelta(days=2), now) == timedelta(days=2)
    assert rules.waited(now + timedelta(seconds=5), now) == timedelta(0)
