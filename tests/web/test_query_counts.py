"""Lists cost the same number of queries whatever the number of rows they show."""

from portal.domain.enums import Role
from tests.factories import exchange_case, new_case
from tests.helpers import Browser, counting, make_account, sign_in
from tests.web.exchange_steps import start, write


def _queries(app, browser, path) -> int:
    browser.get(path)  # warm: the first request loads the keys
    with counting(app) as statements:
        assert browser.get(path).status_code == 200
    return len(statements)


def test_the_case_list_costs_the_same_for_two_cases_and_for_twenty_two(app):
    facilitator = make_account(app, Role.FACILITATOR)
    browser = Browser(app.test_client())
    for _ in range(2):
        new_case(app, facilitator=facilitator)
    sign_in(app, browser, facilitator)
    few = _queries(app, browser, "/cases/")
    for _ in range(20):
        new_case(app, facilitator=facilitator)
    many = _queries(app, browser, "/cases/")
    assert few == many
    assert browser.get("/cases/?page=2").status_code == 200
    assert "Page 2 of 2" in browser.text()


def test_the_review_queue_costs_the_same_for_one_item_and_for_many(app):
    world = exchange_case(app)
    harmed = Browser(app.test_client())
    sign_in(app, harmed, world["harmed"].account)

    def send_letter():
        letter = start(harmed, world.case_id, "letter")
        write(harmed, world.case_id, letter, "Something I need you to hear.", send=True)

    send_letter()
    facilitator = Browser(app.test_client())
    sign_in(app, facilitator, world.facilitator)
    few = _queries(app, facilitator, "/review")
    for _ in range(6):
        send_letter()
    many = _queries(app, facilitator, "/review")
    assert few == many
    assert facilitator.text().count(">Review</a>") == 7
