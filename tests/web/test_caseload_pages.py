"""The caseload pages: the case list's search, filters, sorting and overdue markers; "my week";
the service's promises; the workload view; and the notice of who stopped."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

from sqlalchemy import select, update

from portal.domain.audit import AuditAction
from portal.domain.enums import ParticipantRole, Role, Side, Stage
from portal.runtime import unit_of_work
from portal.services import casework
from portal.services.clock import today_in_uk
from portal.storage import models
from tests.factories import actor_of, add_person, exchange_case, new_case
from tests.helpers import Browser, counting, make_account, sign_in
from tests.integration.test_caseload import bulk_cases

CODE = re.compile(r">(RX-[A-Z0-9]+)</a></td>")


def _signed_in(app, account) -> Browser:
    browser = Browser(app.test_client())
    sign_in(app, browser, account)
    return browser


def _set(app, case_id: uuid.UUID, **values) -> None:
    with app.app_context():
        uow = unit_of_work()
        with uow:
            uow.session.execute(update(models.Case).where(models.Case.id == case_id).values(**values))


def _listed(browser: Browser) -> list[str]:
    return CODE.findall(browser.text())


def _queries(app, browser: Browser, path: str) -> int:
    browser.get(path)  # warm: the first request loads the keys
    with counting(app) as statements:
        assert browser.get(path).status_code == 200, browser.text()[:300]
    return len(statements)


def test_a_facilitator_with_2000_cases_finds_one_by_its_referral_reference_in_one_search(app):
    facilitator = make_account(app, Role.FACILITATOR)
    bulk_cases(app, facilitator.id, 2000)
    small = make_account(app, Role.FACILITATOR)
    bulk_cases(app, small.id, 3, code="RX-S")
    browser = _signed_in(app, facilitator)
    search = "/cases/?reference=cr+01234%2F26"
    many = _queries(app, browser, search)
    assert _listed(browser) == ["RX-B01234"]
    assert "1 case matches." in browser.text()
    assert 'value="cr 01234/26"' in browser.text()  # the search box keeps what was typed
    few = _queries(app, _signed_in(app, small), "/cases/?reference=cr+00001%2F26")
    assert many == few
    browser.get("/cases/?reference=CR%2F77777%2F26")
    assert _listed(browser) == [] and "No case matches." in browser.text()


def _with_facts(app, facilitator_id: uuid.UUID, ids: list[uuid.UUID]) -> None:
    """Facts for the due dates of these cases: a contact, a meeting held, a supervision, an item waiting."""
    today = today_in_uk()
    with app.app_context():
        uow = unit_of_work()
        with uow:  # facts for the due dates on many of them: contacts, meetings held, supervision, items
            for number, case_id in enumerate(ids):
                author = uuid.uuid4()
                uow.session.add(
                    models.Participant(
                        id=author,
                        case_id=case_id,
                        side="harmed",
                        role="principal",
                        taking_part="offline",
                        name_sealed=b"x",
                    )
                )
                uow.session.flush()  # the participant before the item they wrote
                uow.session.add(
                    models.Contact(
                        case_id=case_id,
                        method="phone",
                        purpose="general",
                        happened_on=today,
                        recorded_by_id=facilitator_id,
                        details_sealed=b"x",
                    )
                )
                uow.session.add(
                    models.Meeting(
                        case_id=case_id,
                        kind="conference",
                        mode="video",
                        status="held",
                        starts_at=models.utcnow(),
                        details_sealed=b"x",
                        held_on=today - timedelta(days=number * 5),
                        planned_by_id=facilitator_id,
                    )
                )
                uow.session.add(
                    models.CaseNote(case_id=case_id, kind="supervision", written_by_id=facilitator_id, body_sealed=b"x")
                )
                uow.session.add(
                    models.Item(
                        case_id=case_id,
                        kind="letter",
                        state="submitted",
                        author_id=author,
                        parts_sealed=b"x",
                        submitted_at=models.utcnow(),
                    )
                )


def test_the_case_list_costs_the_same_with_every_filter_for_three_cases_and_for_forty(app):
    facilitator = make_account(app, Role.FACILITATOR)
    _with_facts(app, facilitator.id, bulk_cases(app, facilitator.id, 3))
    browser = _signed_in(app, facilitator)
    paths = (
        "/cases/",
        "/cases/?overdue=y&sort=due",
        "/cases/?stage=assessment&risk=low&action=any&sort=referred",
        "/cases/?reference=CR%2F00002%2F26&overdue=y",
    )
    few = [_queries(app, browser, path) for path in paths]
    _with_facts(app, facilitator.id, bulk_cases(app, facilitator.id, 37, code="RX-M"))
    many = [_queries(app, browser, path) for path in paths]
    assert few == many
    browser.get("/cases/?overdue=y&sort=due")
    assert "Page 1 of 2" in browser.text()


def test_overdue_is_said_in_words_on_the_case_list(app):
    facilitator = make_account(app, Role.FACILITATOR)
    late, soon = new_case(app, facilitator=facilitator), new_case(app, facilitator=facilitator)
    today = today_in_uk()
    _set(app, late.case_id, referred_on=today - timedelta(days=8))  # first contact was due 3 days ago
    _set(app, soon.case_id, referred_on=today - timedelta(days=3))  # due in 2 days
    browser = _signed_in(app, facilitator)
    browser.get("/cases/")
    text = browser.text()
    assert '<strong class="emphasis">Overdue: first contact, 3 days</strong>' in text
    assert "Due in 2 days: first contact" in text
    browser.get("/cases/?overdue=y")
    assert _listed(browser) == [late.code]
    assert '<input checked class="checkbox__input" id="overdue"' in browser.text()  # the form shows the filter
    browser.get("/cases/?sort=due")
    assert _listed(browser) == [late.code, soon.code]


def test_filters_live_in_the_url_and_paging_keeps_them(app):
    facilitator = make_account(app, Role.FACILITATOR)
    bulk_cases(app, facilitator.id, 25)  # at the assessment stage
    referral = new_case(app, facilitator=facilitator)
    browser = _signed_in(app, facilitator)
    browser.get("/cases/?stage=assessment")
    assert "Page 1 of 2" in browser.text() and "25 cases match." in browser.text()
    assert referral.code not in _listed(browser)
    assert '<option selected value="assessment">' in browser.text()
    next_page = re.search(r'href="([^"]*page=2[^"]*)"', browser.text()).group(1).replace("&amp;", "&")
    assert "stage=assessment" in next_page
    browser.get(next_page)
    assert len(_listed(browser)) == 5 and referral.code not in _listed(browser)
    browser.get("/cases/?stage=referral")
    assert _listed(browser) == [referral.code]
    # A value no form offers, from an edited URL, is not applied; the list still shows.
    assert browser.get("/cases/?stage=nonsense&sort=sideways&action=everything").status_code == 200
    assert len(_listed(browser)) == 20
    refused = browser.get("/cases/?reference=%2F%2F")
    assert refused.status_code == 400
    assert "Enter the referral reference with its letters and numbers." in browser.text()


def test_the_notice_says_which_side_and_role_stopped_never_a_name(app):
    world = new_case(app)
    add_person(app, world, "Hannah Harmed", Side.HARMED)
    supporter = add_person(app, world, "Rhiannon Supporter", Side.RESPONSIBLE, ParticipantRole.SUPPORTER)
    with app.app_context():
        casework.withdraw(unit_of_work(), actor_of(supporter.account), world.case_id, supporter.participant_id)
    browser = _signed_in(app, world.facilitator)
    text = browser.get("/cases/").get_data(as_text=True)
    assert f"A supporter of the person responsible stopped taking part in {world.code}." in text
    assert "Rhiannon" not in text and "Hannah" not in text
    other = exchange_case(app)
    with app.app_context():
        casework.withdraw(
            unit_of_work(), actor_of(other["harmed"].account), other.case_id, other["harmed"].participant_id
        )
    text = _signed_in(app, other.facilitator).get("/cases/").get_data(as_text=True)
    assert f"The person harmed stopped taking part in {other.code}." in text


def test_my_week_lists_what_is_due_soonest_first_with_links(app):
    facilitator = make_account(app, Role.FACILITATOR)
    late, soon, later = (new_case(app, facilitator=facilitator) for _ in range(3))
    today = today_in_uk()
    for world in (late, soon, later):
        _set(app, world.case_id, referred_on=today - timedelta(days=60))
        with app.app_context():
            uow = unit_of_work()
            with uow:
                uow.session.add(
                    models.Contact(
                        case_id=world.case_id,
                        method="visit",
                        purpose="general",
                        happened_on=today,
                        recorded_by_id=facilitator.id,
                        details_sealed=b"x",
                    )
                )
    _set(app, late.case_id, next_step_on=today - timedelta(days=2))
    _set(app, soon.case_id, next_step_on=today + timedelta(days=3))
    _set(app, later.case_id, next_step_on=today + timedelta(days=10))
    browser = _signed_in(app, facilitator)
    assert browser.get("/my-week").status_code == 200
    text = browser.text()
    assert _listed(browser) == [late.code, soon.code]
    assert "Overdue: next step, 2 days" in text and "Due in 3 days: next step" in text
    assert f'href="/cases/{late.case_id}"' in text and later.code not in text
    manager = _signed_in(app, make_account(app, Role.MANAGER))
    assert manager.get("/my-week").status_code == 403


def test_a_manager_sets_the_services_promises_with_clear_messages(app):
    manager = make_account(app, Role.MANAGER)
    facilitator = make_account(app, Role.FACILITATOR)
    case = new_case(app, facilitator=facilitator)
    _set(app, case.case_id, referred_on=today_in_uk() - timedelta(days=8))
    browser = _signed_in(app, manager)
    browser.get("/service-settings")
    for name, value in (
        ("first_contact_days", 5),
        ("review_days", 5),
        ("follow_up_days", 7),
        ("supervision_weeks", 12),
    ):
        assert re.search(rf'id="{name}"[^>]*value="{value}"', browser.text()), name
    values = {"first_contact_days": "0", "review_days": "", "follow_up_days": "ten", "supervision_weeks": "13"}
    refused = browser.post("/service-settings", values)
    assert refused.status_code == 400
    text = browser.text()
    assert "Enter a whole number of days from 1 to 90." in text
    assert "Enter a whole number of days." in text
    assert "Enter a whole number of weeks from 1 to 12: the RJC practitioner code asks" in text
    assert "There is a problem" in text
    saved = browser.submit(
        "/service-settings",
        {"first_contact_days": "10", "review_days": "3", "follow_up_days": "14", "supervision_weeks": "6"},
    )
    assert saved.status_code == 302
    assert browser.repeat().status_code == 302  # a double click saves once
    with app.app_context():
        uow = unit_of_work()
        row = uow.session.get(models.ServiceSettings, 1)
        assert (row.first_contact_days, row.review_days, row.follow_up_days, row.supervision_weeks) == (10, 3, 14, 6)
        changes = uow.session.scalars(
            select(models.AuditEvent.actor_id).where(models.AuditEvent.action == AuditAction.SETTINGS_CHANGE.value)
        ).all()
        assert changes == [manager.id]
    # The case referred 8 days ago is no longer late for first contact: it is due in 2 days.
    listing = _signed_in(app, facilitator).get("/cases/").get_data(as_text=True)
    assert "Due in 2 days: first contact" in listing and "Overdue" not in listing
    assert _signed_in(app, facilitator).get("/service-settings").status_code == 403


def test_the_workload_view_counts_cases_per_facilitator_without_a_word_of_any_case(app):
    busy = make_account(app, Role.FACILITATOR, name="Bethan Busy")
    make_account(app, Role.FACILITATOR, name="Iolo Idle")
    late = new_case(app, facilitator=busy)
    _set(app, late.case_id, referred_on=today_in_uk() - timedelta(days=30))
    on_time = new_case(app, facilitator=busy)
    _set(app, on_time.case_id, referred_on=today_in_uk())
    closed = new_case(app, facilitator=busy)
    _set(app, closed.case_id, stage=Stage.CLOSED.value, referred_on=date(2020, 1, 1))
    browser = _signed_in(app, make_account(app, Role.MANAGER))
    assert browser.get("/workload").status_code == 200
    text = browser.text()
    busy_row = re.search(r"Bethan Busy</th>(.*?)</tr>", text, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", busy_row, re.S)
    assert cells[0] == "2" and "1 case overdue" in cells[1]
    idle_row = re.search(r"Iolo Idle</th>(.*?)</tr>", text, re.S).group(1)
    assert "None overdue" in idle_row
    assert late.code not in text and closed.code not in text and "RX-" not in text
    assert "CR/0001/26" not in text and "Burglary" not in text
    assert _signed_in(app, busy).get("/workload").status_code == 403


def test_the_case_list_links_to_the_caseload_pages_by_role(app):
    facilitator = _signed_in(app, make_account(app, Role.FACILITATOR))
    text = facilitator.get("/cases/").get_data(as_text=True)
    assert 'href="/my-week"' in text and 'href="/workload"' not in text
    manager = _signed_in(app, make_account(app, Role.MANAGER))
    text = manager.get("/cases/").get_data(as_text=True)
    assert 'href="/workload"' in text and 'href="/service-settings"' in text and 'href="/my-week"' not in text
