"""The manager's report counts what happened and shows no content."""

from portal.domain.enums import Role
from tests.factories import exchange_case
from tests.helpers import Browser, make_account, sign_in
from tests.web.exchange_steps import decide, release_now, start, write

LETTERS = "Letters"


def test_the_report_counts_cases_and_items_without_content(app):
    world = exchange_case(app)
    harmed = Browser(app.test_client())
    sign_in(app, harmed, world["harmed"].account)
    letter = start(harmed, world.case_id, "letter")
    write(harmed, world.case_id, letter, "Words that must stay out of reports.", send=True)
    facilitator = Browser(app.test_client())
    sign_in(app, facilitator, world.facilitator)
    decide(facilitator, world.case_id, letter, "approve")
    release_now(facilitator, world.case_id, letter)

    manager = Browser(app.test_client())
    sign_in(app, manager, make_account(app, Role.MANAGER))
    page = manager.get("/reports").get_data(as_text=True)  # this quarter so far: the letter went today
    assert f'<td data-label="Kind">{LETTERS}</td><td data-label="Number">1</td>' in page
    assert "0.0 days" not in page and "less than an hour. (1 item)" in page, page[page.find("Median time from") :][:200]
    assert "Words that must stay out" not in page and "CR/0001/26" not in page


def test_only_managers_see_the_report(app):
    for role in (Role.FACILITATOR, Role.ADMIN, Role.PARTICIPANT):
        browser = Browser(app.test_client())
        sign_in(app, browser, make_account(app, role))
        assert browser.get("/reports").status_code == 403
