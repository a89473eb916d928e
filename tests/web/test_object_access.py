"""Every route that takes a case, item or participant id answers 404 to a participant of another case."""

import uuid

import pytest

from portal.domain.enums import Role
from portal.runtime import unit_of_work
from portal.storage import models
from tests.factories import exchange_case
from tests.helpers import Browser, make_account, sign_in
from tests.web.exchange_steps import decide, release_now, start, write

OBJECT_ARGUMENTS = {"case_id", "item_id", "participant_id"}


@pytest.fixture
def other_case_world(app):
    """Case A with a released letter; an outsider who takes part in case B only."""
    world = exchange_case(app)
    harmed = Browser(app.test_client())
    sign_in(app, harmed, world["harmed"].account)
    letter = start(harmed, world.case_id, "letter")
    write(harmed, world.case_id, letter, "A letter that belongs to case A.", send=True)
    facilitator = Browser(app.test_client())
    sign_in(app, facilitator, world.facilitator)
    decide(facilitator, world.case_id, letter, "approve")
    release_now(facilitator, world.case_id, letter)
    outsider_world = exchange_case(app)
    return world, letter, outsider_world


def _object_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.arguments & OBJECT_ARGUMENTS:
            yield rule


def test_a_participant_of_another_case_gets_404_everywhere(app, other_case_world):
    world, letter, outsider_world = other_case_world
    outsider = Browser(app.test_client())
    sign_in(app, outsider, outsider_world["harmed"].account)
    values = {
        "case_id": world.case_id,
        "item_id": letter,
        "participant_id": world["harmed"].participant_id,
        "index": 0,
        "code": "cy",
        # Records of the casework under case A's id: any id, since the case itself is not theirs.
        "assessment_id": uuid.uuid4(),
        "meeting_id": uuid.uuid4(),
        "media_id": uuid.uuid4(),  # a file under case A's id: any id, as above
    }
    outsider.get(f"/cases/{outsider_world.case_id}/inbox")
    token = outsider.csrf_token()
    checked = []
    with app.test_request_context():
        urls = [
            (rule, app.url_map.bind("portal.test").build(rule.endpoint, {a: values[a] for a in rule.arguments}))
            for rule in _object_routes(app)
        ]
    for rule, url in urls:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token, "kind": "letter", "format": "letters", "given": "yes", "stage": "closed"}
            response = outsider.client.open(url, method=method, data=data if method == "POST" else None)
            assert response.status_code == 404, (method, rule.rule, response.status_code)
            assert b"A letter that belongs to case A" not in response.data
            checked.append((method, rule.rule))
    assert len(checked) >= 25
    with app.app_context():
        stored = unit_of_work().session.get(models.Case, world.case_id)
        assert stored.stage == "exchange"  # nothing was changed on the way


def test_a_facilitator_not_assigned_to_a_case_gets_404(app, other_case_world):
    world, letter, _outsider = other_case_world
    stranger = Browser(app.test_client())
    sign_in(app, stranger, make_account(app, Role.FACILITATOR))
    for path in (
        f"/cases/{world.case_id}",
        f"/cases/{world.case_id}/items/{letter}",
        f"/cases/{world.case_id}/items/{letter}/review",
    ):
        assert stranger.get(path).status_code == 404, path


def test_an_item_id_from_one_case_does_not_open_under_another(app, other_case_world):
    _world, letter, outsider_world = other_case_world
    reader = Browser(app.test_client())
    sign_in(app, reader, outsider_world["responsible"].account)
    assert reader.get(f"/cases/{outsider_world.case_id}/items/{letter}").status_code == 404


def test_a_manager_sees_workload_but_no_case_words_and_cannot_act(app, other_case_world):
    world, letter, _outsider = other_case_world
    manager = Browser(app.test_client())
    sign_in(app, manager, make_account(app, Role.MANAGER))
    assert world.code in manager.get("/cases/").get_data(as_text=True)  # the case is in their lists
    for path in (
        f"/cases/{world.case_id}",
        f"/cases/{world.case_id}/items/{letter}",
        f"/cases/{world.case_id}/items/{letter}/review",
        f"/cases/{world.case_id}/items/{letter}/print",
        f"/cases/{world.case_id}/agreement",
    ):
        response = manager.get(path)
        assert response.status_code == 404, path
        assert "A letter that belongs to case A" not in response.get_data(as_text=True)
    manager.get("/cases/")
    harmed = world["harmed"].participant_id
    for path, data in (
        (f"/cases/{world.case_id}/stage", {"stage": "closed"}),
        (f"/cases/{world.case_id}/assessments/risk", {"overall": "high"}),
        (f"/cases/{world.case_id}/participants/{harmed}/withdraw", {}),
        (f"/cases/{world.case_id}/items/{letter}/take-back", {}),
        (f"/cases/{world.case_id}/items/new", {"kind": "letter", "author": str(harmed)}),
    ):
        response = manager.client.post(path, data={"csrf_token": manager.csrf_token(), **data})
        assert response.status_code == 404, path
    with app.app_context():
        stored = unit_of_work().session.get(models.Case, world.case_id)
        assert (stored.stage, stored.risk_level) == ("exchange", "low")
