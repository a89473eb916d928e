"""Assessments through the pages a facilitator uses: recorded, sealed, required before the
exchange, and a flagged risk signed off by a senior facilitator."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, text, update

from portal.domain.enums import ConsentFormat, Role, Side, Stage
from portal.runtime import unit_of_work
from portal.storage import models
from tests.factories import ROUTE_TO, add_person, move_to, new_case
from tests.helpers import Browser, make_account, sign_in

TODAY = date.today().isoformat()
REASONS = "Hannah spoke for an hour about the night of the burglary and what she needs"
FORMATS = (ConsentFormat.LETTERS,)


def prepared_case(app):
    world = new_case(app)
    add_person(app, world, "Hannah Harmed", Side.HARMED, consents=FORMATS)
    add_person(app, world, "Robin Responsible", Side.RESPONSIBLE, consents=FORMATS)
    move_to(app, world, *ROUTE_TO[Stage.PREPARATION])
    return world


def staff(app, account) -> Browser:
    browser = Browser(app.test_client())
    sign_in(app, browser, account)
    return browser


def eligibility(browser, case_id, proceedings="concluded", **changes):
    form = {
        "assessed_on": TODAY,
        "identifiable_harmed": "y",
        "identifiable_responsible": "y",
        "admits_responsibility": "y",
        "proceedings": proceedings,
        "outcome": "suitable",
        "reasons": REASONS,
    } | changes
    return browser.submit(f"/cases/{case_id}/assessments/eligibility", form)


def suitability(browser, case_id, participant_id):
    form = {
        "assessed_on": TODAY,
        "motivation": "Wants to be heard",
        "capacity": "Understands what it means",
        "needs": ["literacy"],
        "needs_detail": "Letters read aloud at each visit",
        "outcome": "suitable",
        "reasons": "Ready to take part",
    }
    return browser.submit(f"/cases/{case_id}/assessments/suitability/{participant_id}", form)


def risk(browser, world, flags=(), overall="low"):
    form = {"assessed_on": TODAY, "overall": overall, "outcome": "suitable", "reasons": "Manageable with care"}
    for person in world.people.values():
        form[f"level_{person.participant_id.hex}"] = "low"
    form["level_staff"] = "low"
    form["flags"] = list(flags)
    return browser.submit(f"/cases/{world.case_id}/assessments/risk", form)


def start_exchange(browser, case_id):
    return browser.submit(f"/cases/{case_id}/stage", {"stage": "exchange"}, from_page=f"/cases/{case_id}")


def stage_of(app, case_id) -> str:
    with app.app_context():
        return unit_of_work().session.get(models.Case, case_id).stage


def test_the_exchange_waits_for_eligibility_suitability_and_risk_and_then_starts(app):
    world = prepared_case(app)
    browser = staff(app, world.facilitator)
    page = browser.get(f"/cases/{world.case_id}").get_data(as_text=True)
    assert "assessed as eligible yet" in page
    start_exchange(browser, world.case_id)
    assert stage_of(app, world.case_id) == "preparation"

    assert eligibility(browser, world.case_id).status_code == 302
    for name in ("Hannah Harmed", "Robin Responsible"):
        assert suitability(browser, world.case_id, world[name].participant_id).status_code == 302
    start_exchange(browser, world.case_id)
    assert stage_of(app, world.case_id) == "preparation"  # the risks are not assessed yet

    assert risk(browser, world).status_code == 302
    listing = browser.get(f"/cases/{world.case_id}/assessments/").get_data(as_text=True)
    assert "allow the exchange to start" in listing and REASONS in listing
    start_exchange(browser, world.case_id)
    assert stage_of(app, world.case_id) == "exchange"


def test_open_court_proceedings_keep_the_case_in_preparation(app):
    world = prepared_case(app)
    browser = staff(app, world.facilitator)
    eligibility(browser, world.case_id, proceedings="open")
    for name in ("Hannah Harmed", "Robin Responsible"):
        suitability(browser, world.case_id, world[name].participant_id)
    risk(browser, world)
    start_exchange(browser, world.case_id)
    assert stage_of(app, world.case_id) == "preparation"
    assert "Court proceedings are still open" in browser.get(f"/cases/{world.case_id}").get_data(as_text=True)
    # Reassessed once they conclude: the history keeps both.
    eligibility(browser, world.case_id, proceedings="concluded")
    start_exchange(browser, world.case_id)
    assert stage_of(app, world.case_id) == "exchange"
    with app.app_context():
        kinds = unit_of_work().session.scalars(
            select(models.Assessment.kind).where(models.Assessment.case_id == world.case_id)
        )
        assert sorted(kinds) == ["eligibility", "eligibility", "risk", "suitability", "suitability"]


def test_a_domestic_abuse_flag_needs_a_senior_facilitators_sign_off(app):
    world = prepared_case(app)
    browser = staff(app, world.facilitator)
    eligibility(browser, world.case_id)
    for name in ("Hannah Harmed", "Robin Responsible"):
        suitability(browser, world.case_id, world[name].participant_id)
    assert risk(browser, world, flags=["domestic_abuse"], overall="high").status_code == 302
    start_exchange(browser, world.case_id)
    assert stage_of(app, world.case_id) == "preparation"
    with app.app_context():
        assessment_id = unit_of_work().session.scalar(
            select(models.Assessment.id).where(models.Assessment.kind == "risk")
        )
    sign = f"/cases/{world.case_id}/assessments/{assessment_id}/sign-off"
    # The assessor cannot sign their own, senior or not.
    with app.app_context(), unit_of_work() as uow:
        uow.session.execute(update(models.User).where(models.User.id == world.facilitator.id).values(senior=True))
    browser.submit(sign, from_page=f"/cases/{world.case_id}/assessments/")
    assert "Another senior facilitator must sign off" in browser.get(f"/cases/{world.case_id}/assessments/").get_data(
        as_text=True
    )
    # A colleague on the case who is not senior cannot either; a senior one can.
    colleague = make_account(app, Role.FACILITATOR)
    with app.app_context(), unit_of_work() as uow:
        uow.session.add(models.CaseFacilitator(case_id=world.case_id, user_id=colleague.id))
    other = staff(app, colleague)
    other.submit(sign, from_page=f"/cases/{world.case_id}/assessments/")
    assert "Only a senior facilitator" in other.get(f"/cases/{world.case_id}/assessments/").get_data(as_text=True)
    with app.app_context(), unit_of_work() as uow:
        uow.session.execute(update(models.User).where(models.User.id == colleague.id).values(senior=True))
    other.submit(sign, from_page=f"/cases/{world.case_id}/assessments/")
    with app.app_context():
        row = unit_of_work().session.get(models.Assessment, assessment_id)
        assert row.signed_off_by_id == colleague.id
        audited = unit_of_work().session.scalars(
            select(models.AuditEvent.action).where(models.AuditEvent.object_id == str(assessment_id))
        )
        assert "assessment.sign-off" in list(audited)
    start_exchange(browser, world.case_id)
    assert stage_of(app, world.case_id) == "exchange"
    with app.app_context():
        assert unit_of_work().session.get(models.Case, world.case_id).risk_level == "high"  # two reviewers


def test_a_refused_assessment_keeps_what_was_typed(app):
    world = prepared_case(app)
    browser = staff(app, world.facilitator)
    response = eligibility(browser, world.case_id, admits_responsibility="")  # eligible without an admission
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "admission of responsibility" in page and REASONS in page
    response = eligibility(browser, world.case_id, reasons="")
    assert response.status_code == 400 and "Write the reasons for the outcome." in response.get_data(as_text=True)


def test_the_words_of_an_assessment_are_sealed(app):
    world = prepared_case(app)
    eligibility(staff(app, world.facilitator), world.case_id)
    with app.app_context():
        raw = unit_of_work().session.execute(text("SELECT details_sealed FROM assessments")).scalars().all()
    assert raw and all(b"Hannah spoke" not in bytes(value) for value in raw)


def test_participants_managers_and_other_facilitators_cannot_open_the_assessments(app):
    world = prepared_case(app)
    other_world = prepared_case(app)
    paths = [
        f"/cases/{world.case_id}/assessments/",
        f"/cases/{world.case_id}/assessments/eligibility",
        f"/cases/{world.case_id}/assessments/risk",
        f"/cases/{world.case_id}/assessments/suitability/{world['Hannah Harmed'].participant_id}",
    ]
    for account in (world["Hannah Harmed"].account, make_account(app, Role.MANAGER), other_world.facilitator):
        browser = staff(app, account)
        for path in paths:
            assert browser.get(path).status_code == 404, (account.role, path)
    # Another case's person, on this case's page, is not found either.
    own = staff(app, world.facilitator)
    stranger = other_world["Hannah Harmed"].participant_id
    assert own.get(f"/cases/{world.case_id}/assessments/suitability/{stranger}").status_code == 404


def test_a_flag_found_during_the_exchange_pauses_the_case_until_a_senior_signs_it_off(app):
    world = prepared_case(app)
    browser = staff(app, world.facilitator)
    eligibility(browser, world.case_id)
    for name in ("Hannah Harmed", "Robin Responsible"):
        suitability(browser, world.case_id, world[name].participant_id)
    risk(browser, world)
    start_exchange(browser, world.case_id)
    assert stage_of(app, world.case_id) == "exchange"
    risk(browser, world, flags=["stalking"], overall="high")
    assert stage_of(app, world.case_id) == "paused"
    assert "The case is paused" in browser.get(f"/cases/{world.case_id}/assessments/").get_data(as_text=True)
    resume = browser.submit(f"/cases/{world.case_id}/stage", {"stage": "exchange"}, from_page=f"/cases/{world.case_id}")
    assert resume.status_code == 302 and stage_of(app, world.case_id) == "paused"
    senior = make_account(app, Role.FACILITATOR)
    with app.app_context(), unit_of_work() as uow:
        uow.session.execute(update(models.User).where(models.User.id == senior.id).values(senior=True))
        uow.session.add(models.CaseFacilitator(case_id=world.case_id, user_id=senior.id))
        flagged = uow.session.scalars(
            select(models.Assessment.id)
            .where(models.Assessment.kind == "risk")
            .order_by(models.Assessment.recorded_at.desc())
        ).first()
    staff(app, senior).submit(
        f"/cases/{world.case_id}/assessments/{flagged}/sign-off", from_page=f"/cases/{world.case_id}/assessments/"
    )
    browser.submit(f"/cases/{world.case_id}/stage", {"stage": "exchange"}, from_page=f"/cases/{world.case_id}")
    assert stage_of(app, world.case_id) == "exchange"
