"""Self-referrals in the database: sealed at once under their own key (nothing the person wrote
is in the raw bytes), bound to their row, and a case opened from one in a single unit of work."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from portal.crypto import ReferralVault, TamperedCiphertext
from portal.domain.enums import (
    ParticipantRole,
    RiskLevel,
    Role,
    SelfReferralCloseReason,
    SelfReferralStatus,
    Side,
    TakingPart,
)
from portal.domain.errors import DomainError
from portal.domain.problems import Problem
from portal.domain.self_referral import AskingFor, ContactWay, SelfReferralRequest
from portal.runtime import unit_of_work
from portal.services import keys, self_referrals
from portal.services.casework import ParticipantDetails
from portal.services.navigation import navigation
from portal.storage import models
from tests.factories import actor_of
from tests.helpers import make_account
from tests.integration.test_raw_bytes import _raw_postgres, _raw_sqlite, phone_for


def asked(marker: str = "", **changes) -> SelfReferralRequest:
    values = {
        "side": Side.HARMED,
        "asking_for": AskingFor.SOMEONE_ELSE,
        "name": f"Name {marker}",
        "relationship": f"aunt {marker}",
        "their_name": f"Child {marker}",
        "contact_way": ContactWay.PHONE,
        "may_leave_message": False,
        "phone": phone_for(marker) if marker.startswith("ZQX") else "+447911123456",
        "email": f"{marker.lower()}@example.test",
        "address": f"1 {marker} Street",
        "trusted_person": f"Friend {marker}",
        "safe_times": f"After school {marker}",
        "unsafe": f"He reads my post {marker}",
        "what_happened": f"A burglary {marker}",
        "reference": f"CR/{marker}",
    }
    return SelfReferralRequest(**{**values, **changes})


def opening(person: ParticipantDetails | None = None) -> self_referrals.Opening:
    return self_referrals.Opening(
        reference="CR/1/26",
        offence_type="Burglary",
        offence_on=None,
        risk_level=RiskLevel.LOW,
        person=person
        or ParticipantDetails(Side.HARMED, ParticipantRole.PROXY, "Name", TakingPart.OFFLINE, relationship="aunt"),
    )


def _raw(app) -> bytes:
    url = app.config["DATABASE_URL"]
    return _raw_postgres(app) if url.startswith("postgresql") else _raw_sqlite(url)


def test_nothing_the_person_wrote_reaches_the_database(app):
    marker = "ZQX" + uuid.uuid4().hex[:10].upper()
    facilitator = actor_of(make_account(app, Role.FACILITATOR))
    with app.app_context():
        uow = unit_of_work()
        first = self_referrals.receive(uow, asked(marker))
        second = self_referrals.receive(uow, asked(marker, name=f"Other {marker}"))
        self_referrals.read(uow, facilitator, first)
        self_referrals.close(uow, facilitator, second, SelfReferralCloseReason.OTHER, f"Moved away {marker}")
    raw = _raw(app)
    assert len(raw) > 2_000  # the dump holds the requests: the search below is not over nothing
    phone = phone_for(marker)
    for needle in (marker, marker.lower(), marker.encode().hex(), marker.lower().encode().hex(), phone[1:]):
        assert needle.encode() not in raw, f"{needle} found in the raw database"


def test_a_request_is_sealed_under_its_own_key_and_bound_to_its_row(app):
    with app.app_context():
        uow = unit_of_work()
        first = self_referrals.receive(uow, asked("A"))
        second = self_referrals.receive(uow, asked("B"))
        rows = [uow.session.get(models.SelfReferral, i) for i in (first, second)]
        assert rows[0].data_key_id != rows[1].data_key_id
        assert {row.data_key.purpose for row in rows} == {keys.REFERRAL}
        vault = ReferralVault(rows[1].id, keys.unwrap(uow, rows[1].data_key))
        assert vault.open_self_referral(rows[1].details_sealed)["name"] == "Name B"
        # The first request's sealed words, copied onto the second's row, do not open there.
        with pytest.raises(TamperedCiphertext):
            vault.open_self_referral(rows[0].details_sealed)


def test_a_request_that_is_not_complete_is_never_stored(app):
    with app.app_context():
        uow = unit_of_work()
        with pytest.raises(DomainError) as refused:
            self_referrals.receive(uow, asked(contact_way=ContactWay.EMAIL, email=""))
        assert refused.value.problem is Problem.SELF_REFERRAL_EMAIL_MISSING
        assert uow.session.scalar(select(func.count(models.SelfReferral.id))) == 0


def test_opening_a_case_is_one_unit_of_work(app):
    """A person the case cannot take (a proxy with no relationship) leaves no case behind, and the
    request still waiting for a decision."""
    facilitator = actor_of(make_account(app, Role.FACILITATOR))
    with app.app_context():
        uow = unit_of_work()
        referral_id = self_referrals.receive(uow, asked())
        cases_before = uow.session.scalar(select(func.count(models.Case.id)))
        no_relationship = ParticipantDetails(Side.HARMED, ParticipantRole.PROXY, "Name", TakingPart.OFFLINE)
        with pytest.raises(DomainError) as refused:
            self_referrals.open_case(uow, facilitator, referral_id, opening(no_relationship), once="k1")
        assert refused.value.problem is Problem.PERSON_PROXY_NEEDS_RELATIONSHIP
        assert uow.session.scalar(select(func.count(models.Case.id))) == cases_before
        row = uow.session.get(models.SelfReferral, referral_id)
        assert (row.status, row.case_id) == (SelfReferralStatus.NEW, None)

        case_id = self_referrals.open_case(uow, facilitator, referral_id, opening(), once="k2")
        assert self_referrals.open_case(uow, facilitator, referral_id, opening(), once="k2") == case_id
        assert uow.session.scalar(select(func.count(models.Case.id))) == cases_before + 1
        with pytest.raises(DomainError) as again:
            self_referrals.open_case(uow, facilitator, referral_id, opening(), once="k3")
        assert again.value.problem is Problem.SELF_REFERRAL_ALREADY_OPENED
        with pytest.raises(DomainError) as closing:
            self_referrals.close(uow, facilitator, referral_id, SelfReferralCloseReason.DUPLICATE)
        assert closing.value.problem is Problem.SELF_REFERRAL_ALREADY_OPENED
        assert self_referrals.opened_from(uow, case_id) == referral_id


def test_the_same_public_form_twice_stores_one_request(app):
    with app.app_context():
        uow = unit_of_work()
        first = self_referrals.receive(uow, asked(), once="the-same-page")
        assert self_referrals.receive(uow, asked(), once="the-same-page") == first
        assert self_referrals.receive(uow, asked(), once="another-page") != first
        assert uow.session.scalar(select(func.count(models.SelfReferral.id))) == 2
        assert navigation(uow, actor_of(make_account(app, Role.FACILITATOR))).new_requests == 2
