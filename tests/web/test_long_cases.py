"""A case with many items costs what its page shows: the case page and the inbox show a page of
items at a time, newest first, with links to the older ones, and never open sealed words."""

from __future__ import annotations

from portal.domain.enums import ItemKind
from portal.runtime import unit_of_work
from portal.services import letters
from portal.services.casework import PAGE_SIZE
from tests.factories import actor_of, exchange_case
from tests.helpers import Browser, counting, sign_in

MORE = PAGE_SIZE + 3


def _letters(app, world, person: str, count: int) -> None:
    """Letters sent for review, one after another (a writer has one draft at a time)."""
    with app.app_context():
        uow, writer = unit_of_work(), actor_of(world[person].account)
        for number in range(count):
            item_id = letters.start(uow, writer, world.case_id, ItemKind.LETTER, None)
            letters.send(uow, writer, world.case_id, item_id, [f"Letter number {number}."])


def test_the_case_page_shows_a_page_of_items_newest_first(app):
    world = exchange_case(app)
    _letters(app, world, "harmed", MORE)
    browser = Browser(app.test_client())
    sign_in(app, browser, world.facilitator)
    first = browser.get(f"/cases/{world.case_id}").get_data(as_text=True)
    assert first.count('data-label="What"') == PAGE_SIZE
    assert f"{MORE} items, newest first." in first and "Page 1 of 2" in first
    assert f'href="/cases/{world.case_id}?page=2"' in first
    second = browser.get(f"/cases/{world.case_id}?page=2").get_data(as_text=True)
    assert second.count('data-label="What"') == 3
    assert browser.get(f"/cases/{world.case_id}?page=99").status_code == 200  # the last page instead


def test_the_inbox_shows_a_page_of_what_someone_wrote_with_older_ones_a_link_away(app):
    world = exchange_case(app)
    _letters(app, world, "harmed", MORE)
    browser = Browser(app.test_client())
    sign_in(app, browser, world["harmed"].account)
    first = browser.get(f"/cases/{world.case_id}/inbox").get_data(as_text=True)
    assert first.count('class="inbox__entry"') == PAGE_SIZE
    assert f"/cases/{world.case_id}/inbox?written=2" in first
    second = browser.get(f"/cases/{world.case_id}/inbox?written=2").get_data(as_text=True)
    assert second.count('class="inbox__entry"') == 3


def test_a_list_of_items_never_loads_their_sealed_words(app):
    """Neither the case page's list nor the inbox's two select a sealed column of an item."""
    world = exchange_case(app)
    _letters(app, world, "harmed", 3)
    for person, page in (
        (world.facilitator, f"/cases/{world.case_id}"),
        (world["harmed"].account, f"/cases/{world.case_id}/inbox"),
    ):
        browser = Browser(app.test_client())
        sign_in(app, browser, person)
        browser.get(page)
        with counting(app) as statements:
            assert browser.get(page).status_code == 200
        item_queries = [s for s in statements if "FROM items" in s]
        assert len(item_queries) >= 2 and not any("_sealed" in s for s in item_queries), page


def test_a_page_number_that_is_not_a_number_shows_the_first_page(app):
    world = exchange_case(app)
    _letters(app, world, "harmed", MORE)
    browser = Browser(app.test_client())
    sign_in(app, browser, world["harmed"].account)
    for asked in ("abc", "-4", "0", "99999999999"):
        page = browser.get(f"/cases/{world.case_id}/inbox?written={asked}")
        assert page.status_code == 200, asked
        shown = page.get_data(as_text=True).count('class="inbox__entry"')
        assert shown == (3 if asked == "99999999999" else PAGE_SIZE), asked  # too far: the last page
