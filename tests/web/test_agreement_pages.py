"""The agreement and satisfaction pages, through the Flask test client with real sign-ins."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select, text

from portal.domain.enums import Role, Side, Stage
from portal.runtime import unit_of_work
from portal.services import agreements, casework
from portal.services.clock import today_in_uk as today
from portal.storage import models
from tests.helpers import Account, Browser, make_account, sign_in
from tests.integration.test_agreements import AgreementCase, open_case_at

DRAFT = {
    "kind_1": "apology",
    "owner_1": "responsible",
    "due_on_1": "2030-03-10",
    "kind_2": "repair",
    "owner_2": "responsible",
    "details_2": "Repaint the fence",
    "due_on_2": "2030-04-01",
    "follow_up_on": "2030-06-15",
}


@dataclass(frozen=True)
class World:
    facilitator: Account
    harmed: Account
    manager: Account
    case: AgreementCase
    outsider: Account  # a participant of another case
    other_facilitator: Account  # that other case's facilitator

    def page(self, path: str = "") -> str:
        return f"/cases/{self.case.case_id}/agreement{path}"

    @property
    def satisfaction(self) -> str:
        return f"/cases/{self.case.case_id}/satisfaction"


@pytest.fixture
def world(app: Flask) -> World:
    facilitator, harmed = make_account(app, Role.FACILITATOR), make_account(app, Role.PARTICIPANT)
    other_facilitator, outsider = make_account(app, Role.FACILITATOR), make_account(app, Role.PARTICIPANT)
    manager = make_account(app, Role.MANAGER)
    with app.app_context():
        case = open_case_at(unit_of_work(), facilitator.id, harmed.id)
        open_case_at(unit_of_work(), other_facilitator.id, outsider.id)
    return World(facilitator, harmed, manager, case, outsider, other_facilitator)


def _english_date(value) -> str:
    return f"{value.day} {value:%B %Y}"


SATISFACTION_QUESTION_EN = "How do you feel about taking part? Choose from 1 (not happy at all) to 5 (very happy)."


def _signed_in(app: Flask, account: Account) -> Browser:
    browser = Browser(app.test_client())
    sign_in(app, browser, account)
    return browser


def _move(app: Flask, world: World, to: Stage) -> None:
    with app.app_context():
        casework.move(unit_of_work(), world.case.facilitator, world.case.case_id, to)


def _draft(app: Flask, world: World) -> Browser:
    facilitator = _signed_in(app, world.facilitator)
    assert facilitator.submit(world.page("/draft"), DRAFT).status_code == 302
    return facilitator


def _agree(browser: Browser, world: World, side: Side):
    return browser.submit(world.page("/agree"), {"side": side.value}, from_page=world.page())


def _stored_agreement(app: Flask, world: World):
    with app.app_context():
        uow = unit_of_work()
        return agreements.current(uow, casework.load(uow, world.case.facilitator, world.case.case_id))


def _unlabelled_controls(html: str) -> list[str]:
    """Every visible input, select and textarea needs a <label for> naming its id."""
    missing = []
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        if 'type="hidden"' in tag:
            continue
        control_id = re.search(r'\bid="([^"]+)"', tag)
        if control_id is None or f'for="{control_id.group(1)}"' not in html:
            missing.append(tag)
    return missing


# --- Drafting ---------------------------------------------------------------------------------------------


def test_a_facilitator_drafts_the_agreement_and_the_people_of_the_case_read_it(app, world):
    facilitator = _signed_in(app, world.facilitator)
    assert "Draft the agreement" in facilitator.get(world.page()).get_data(as_text=True)
    form = facilitator.get(world.page("/draft")).get_data(as_text=True)
    assert form.count("<legend") == 5 and "Apology" in form and "Repair the damage" in form and "No contact" in form
    response = facilitator.submit(world.page("/draft"), DRAFT)
    assert response.status_code == 302 and response.location.endswith(world.page())
    participant, manager = _signed_in(app, world.harmed), _signed_in(app, world.manager)
    assert manager.get(world.page()).status_code == 404  # managers see workload, never what was agreed
    pages = {}
    for who, browser in (("facilitator", facilitator), ("participant", participant)):
        page = browser.get(world.page())
        pages[who] = html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "Action 1: Apology" in html and "Action 2: Repair the damage" in html and "Action 3" not in html
        assert "Repaint the fence" in html and "The person responsible" in html
        assert "10 March 2030" in html and "15 June 2030" in html and "To do" in html
    assert (
        "Change the agreement" in pages["facilitator"]
        and "Record that the person harmed agrees" in pages["facilitator"]
    )
    assert "I agree to this agreement" in pages["participant"] and "Change the agreement" not in pages["participant"]
    assert "Mark action" not in pages["participant"] and "Record that" not in pages["participant"]


def test_only_the_facilitator_drafts(app, world):
    for account in (world.harmed, world.manager):
        browser = _signed_in(app, account)
        assert browser.get(world.page("/draft")).status_code == 404
        assert browser.submit(world.page("/draft"), DRAFT, from_page=world.page()).status_code == 404
    assert _stored_agreement(app, world) is None


def test_a_rule_that_stops_drafting_is_shown_and_nothing_typed_is_lost(app, world):
    _move(app, world, Stage.FOLLOW_UP)
    response = _signed_in(app, world.facilitator).submit(world.page("/draft"), DRAFT)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html and "An outcome agreement is drafted at the agreement stage." in html
    assert 'value="Repaint the fence"' in html and 'value="2030-04-01"' in html and 'value="2030-06-15"' in html
    assert _stored_agreement(app, world) is None


def test_an_unfinished_action_is_explained_and_blank_ones_are_ignored(app, world):
    facilitator = _signed_in(app, world.facilitator)
    response = facilitator.submit(world.page("/draft"), {"details_3": "Write a letter", "follow_up_on": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose what action 3 is." in html and "Choose who does action 3." in html
    assert "Enter the date action 3 is due by." in html and "Enter the follow-up date." in html
    assert '<a href="#kind_3">' in html and 'value="Write a letter"' in html and 'aria-invalid="true"' in html
    assert "action 1" not in html and "action 2" not in html
    nothing = facilitator.submit(world.page("/draft"), {"follow_up_on": "2030-06-15"})
    assert nothing.status_code == 400 and "Please add at least one action" in nothing.get_data(as_text=True)
    assert _stored_agreement(app, world) is None


# --- Agreeing --------------------------------------------------------------------------------------------------


def test_the_participant_agrees_for_their_side_and_the_facilitator_records_the_offline_side(app, world):
    facilitator = _draft(app, world)
    participant = _signed_in(app, world.harmed)
    refused = _agree(participant, world, Side.RESPONSIBLE)
    assert refused.status_code == 403
    assert "Only the person responsible, their proxy or the facilitator can agree" in refused.get_data(as_text=True)
    assert _agree(participant, world, Side.HARMED).status_code == 302
    html = participant.get(world.page()).get_data(as_text=True)
    assert f"The person harmed agreed on {_english_date(today())}." in html
    assert "The person responsible has not agreed yet." in html and "I agree to this agreement" not in html
    again = _agree(participant, world, Side.HARMED)
    assert again.status_code == 400 and "The person harmed has already agreed." in again.get_data(as_text=True)
    offered = facilitator.get(world.page()).get_data(as_text=True)
    assert "Record that the person responsible agrees" in offered and "Record that the person harmed" not in offered
    assert _agree(facilitator, world, Side.RESPONSIBLE).status_code == 302
    html = participant.get(world.page()).get_data(as_text=True)
    assert f"The person responsible agreed on {_english_date(today())}." in html
    assert "The facilitator recorded it." in html
    assert "Both sides have agreed to this." in html
    assert _stored_agreement(app, world).agreed_by_both


def test_a_made_up_side_is_refused(app, world):
    _draft(app, world)
    participant = _signed_in(app, world.harmed)
    response = participant.submit(world.page("/agree"), {"side": "everyone"}, from_page=world.page())
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Choose which side agrees." in html and "#side" not in html


# --- Tracking ---------------------------------------------------------------------------------------------------


def test_actions_are_marked_done_once_both_sides_agree(app, world):
    facilitator = _draft(app, world)
    done = world.page("/actions/1/done")
    early = facilitator.submit(done, {"done_on": "2025-01-01"}, from_page=world.page())
    assert early.status_code == 400 and "Both sides must agree before actions are tracked." in early.get_data(
        as_text=True
    )
    _agree(_signed_in(app, world.harmed), world, Side.HARMED)
    _agree(facilitator, world, Side.RESPONSIBLE)
    page = facilitator.get(world.page()).get_data(as_text=True)
    assert 'for="done-on-0"' in page and 'for="done-on-1"' in page and f'value="{today().isoformat()}"' in page
    future = facilitator.submit(done, {"done_on": "2999-01-01"}, from_page=world.page())
    html = future.get_data(as_text=True)
    assert future.status_code == 400 and "The date it was done can&#39;t be in the future." in html
    assert '<a href="#done-on-1">' in html and 'value="2999-01-01"' in html
    assert facilitator.submit(done, {"done_on": "2025-01-01"}, from_page=world.page()).status_code == 302
    html = _signed_in(app, world.harmed).get(world.page()).get_data(as_text=True)
    assert "Done on 1 January 2025" in html and "To do" in html
    missing = facilitator.submit(world.page("/actions/7/done"), {"done_on": "2025-01-01"}, from_page=world.page())
    assert missing.status_code == 400 and "There is no such action" in missing.get_data(as_text=True)
    participant = _signed_in(app, world.harmed)
    assert participant.submit(done, {"done_on": "2025-01-01"}, from_page=world.page()).status_code == 404


def test_drafting_again_starts_from_the_agreement_and_clears_both_sides_agreement(app, world):
    facilitator = _draft(app, world)
    participant = _signed_in(app, world.harmed)
    _agree(participant, world, Side.HARMED)
    _agree(facilitator, world, Side.RESPONSIBLE)
    form = facilitator.get(world.page("/draft")).get_data(as_text=True)
    assert "Change the outcome agreement" in form and "both sides need to agree" in form
    assert 'value="Repaint the fence"' in form and 'value="2030-06-15"' in form
    assert re.search(r'<option selected value="repair">|<option value="repair" selected>', form)
    changed = {**DRAFT, "details_2": "Repaint the fence and the gate"}
    assert facilitator.submit(world.page("/draft"), changed).status_code == 302
    html = participant.get(world.page()).get_data(as_text=True)
    assert "Repaint the fence and the gate" in html
    assert "The person harmed has not agreed yet." in html and "The person responsible has not agreed yet." in html
    assert "I agree to this agreement" in html and "It starts once both sides agree to it." in html


# --- Satisfaction ---------------------------------------------------------------------------------------------


def test_a_participant_answers_the_satisfaction_question_once(app, world):
    participant = _signed_in(app, world.harmed)
    waiting = participant.get(world.satisfaction).get_data(as_text=True)
    assert "We will ask you this when your case is coming to an end." in waiting and 'type="radio"' not in waiting
    _move(app, world, Stage.FOLLOW_UP)
    html = participant.get(world.satisfaction).get_data(as_text=True)
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>" + re.escape(SATISFACTION_QUESTION_EN) + "</legend>", html)
    assert html.count('type="radio"') == 5 and "1 (not happy at all)" in html and "5 (very happy)" in html
    comment = "It helped to hear he was sorry."
    for bad in ({"score": "7", "comment": comment}, {"comment": comment}):
        response = participant.submit(world.satisfaction, bad)
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and "Please choose a number from 1 to 5." in html
        assert "It helped to hear he was sorry.</textarea>" in html
    assert participant.submit(world.satisfaction, {"score": "4", "comment": comment}).status_code == 302
    assert "Thank you. You have answered this question." in participant.get(world.satisfaction).get_data(as_text=True)
    with app.app_context():
        raw = unit_of_work().session.execute(text("SELECT score, comment_sealed FROM satisfaction_answers")).one()
    assert raw[0] == 4 and comment.encode() not in bytes(raw[1]) and b"sorry" not in bytes(raw[1])
    again = participant.submit(world.satisfaction, {"score": "5"})
    assert again.status_code == 400 and "already been answered" in again.get_data(as_text=True)


def test_the_facilitator_sees_the_answers_and_records_one_for_someone_offline(app, world):
    _move(app, world, Stage.FOLLOW_UP)
    facilitator = _signed_in(app, world.facilitator)
    html = facilitator.get(world.satisfaction).get_data(as_text=True)
    assert "Nobody has answered yet." in html
    assert f'value="{world.case.responsible}"' in html and "Robin Responsible (the person responsible)" in html
    assert f'value="{world.case.harmed}"' not in html  # she answers for herself in the portal
    refused = facilitator.submit(world.satisfaction, {"participant": str(world.case.harmed), "score": "3"})
    assert refused.status_code == 400
    recorded = {"participant": str(world.case.responsible), "score": "2", "comment": "Said it was hard"}
    assert facilitator.submit(world.satisfaction, recorded).status_code == 302
    html = facilitator.get(world.satisfaction).get_data(as_text=True)
    assert "Robin Responsible (the person responsible)" in html and "Said it was hard" in html
    assert "Recorded by the facilitator" in html
    manager = _signed_in(app, world.manager)  # the report counts the answers; the words stay with the case
    assert manager.get(world.satisfaction).status_code == 404
    assert "Said it was hard" not in manager.get("/reports").get_data(as_text=True)
    with app.app_context():
        row = unit_of_work().session.scalars(select(models.SatisfactionAnswer)).one()
    assert (row.participant_id, row.by_facilitator, row.recorded_by_id) == (
        world.case.responsible,
        True,
        world.facilitator.id,
    )


# --- Who may see what -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["outsider", "other_facilitator"])
def test_someone_from_another_case_gets_404_on_every_route(app, world, who):
    _draft(app, world)
    browser = _signed_in(app, getattr(world, who))
    for path in (world.page(), world.page("/draft"), world.satisfaction):
        assert browser.get(path).status_code == 404, path
    posts = {
        world.page("/draft"): DRAFT,
        world.page("/agree"): {"side": "harmed"},
        world.page("/actions/0/done"): {"done_on": "2025-01-01"},
        world.satisfaction: {"score": "3"},
    }
    for path, data in posts.items():
        assert browser.submit(path, data, from_page=world.page()).status_code == 404, path
    assert _stored_agreement(app, world).agreed == ()


def test_the_pages_are_labelled_and_free_of_inline_script_and_style(app, world):
    facilitator = _draft(app, world)
    _agree(_signed_in(app, world.harmed), world, Side.HARMED)
    _agree(facilitator, world, Side.RESPONSIBLE)
    _move(app, world, Stage.FOLLOW_UP)
    pages = [
        facilitator.get(world.page()),
        facilitator.get(world.satisfaction),
        facilitator.submit(world.page("/draft"), {"kind_1": "apology"}),  # with errors shown
        facilitator.get(world.page("/draft")),
        _signed_in(app, world.harmed).get(world.satisfaction),
    ]
    for page in pages:
        html = page.get_data(as_text=True)
        assert _unlabelled_controls(html) == [], page.request.path
        assert "style=" not in html and "<style" not in html and "<script>" not in html, page.request.path
    assert 'class="error-summary"' in pages[2].get_data(as_text=True)
