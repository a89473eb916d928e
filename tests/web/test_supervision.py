"""Least privilege around the casework: an admin names seniors and supervisors; a supervisor
reads a supervisee's cases (every read audited) and records supervision, but never acts."""

from __future__ import annotations

from sqlalchemy import select

from portal.domain.enums import Role
from portal.runtime import unit_of_work
from portal.storage import models
from tests.factories import approved_letter, exchange_case
from tests.helpers import Browser, make_account, sign_in

LETTER = "I think about that night often."


def signed_in(app, account) -> Browser:
    browser = Browser(app.test_client())
    sign_in(app, browser, account)
    return browser


def audit_actions(app, actor_id) -> list[str]:
    with app.app_context():
        return list(
            unit_of_work().session.scalars(
                select(models.AuditEvent.action)
                .where(models.AuditEvent.actor_id == actor_id)
                .order_by(models.AuditEvent.id)
            )
        )


def name_supervisor(app, world, supervisor) -> None:
    """Through the admin's staff page: make them senior, then name them."""
    admin = signed_in(app, make_account(app, Role.ADMIN))
    assert (
        admin.submit(f"/admin/staff/{supervisor.id}/senior", {"senior": "yes"}, from_page="/admin/staff").status_code
        == 302
    )
    admin.submit(
        f"/admin/staff/{world.facilitator.id}/supervisor", {"supervisor": str(supervisor.id)}, from_page="/admin/staff"
    )
    with app.app_context():
        stored = unit_of_work().session.get(models.User, world.facilitator.id)
        assert stored.supervisor_id == supervisor.id
        assert unit_of_work().session.get(models.User, supervisor.id).senior


def test_a_supervisor_reads_a_supervisees_case_and_each_read_is_audited(app):
    world = exchange_case(app)
    letter = approved_letter(app, world, LETTER)
    supervisor = make_account(app, Role.FACILITATOR, name="Sue Pervisor")
    reader = signed_in(app, supervisor)
    assert reader.get(f"/cases/{world.case_id}").status_code == 404  # not yet named
    name_supervisor(app, world, supervisor)

    listing = reader.get("/supervision").get_data(as_text=True)
    assert world.code in listing and "Not yet" in listing
    page = reader.get(f"/cases/{world.case_id}")
    assert page.status_code == 200 and "Record this supervision" in page.get_data(as_text=True)
    assert LETTER in reader.get(f"/cases/{world.case_id}/items/{letter}").get_data(as_text=True)
    assert reader.get(f"/cases/{world.case_id}/assessments/").status_code == 200
    reads = [a for a in audit_actions(app, supervisor.id) if a == "case.supervision-read"]
    assert len(reads) == 3  # one for each page read

    reader.submit(
        f"/cases/{world.case_id}/supervision",
        {"notes": "Discussed the risk plan and the next letter."},
        from_page=f"/cases/{world.case_id}",
    )
    with app.app_context():
        notes = list(
            unit_of_work().session.scalars(select(models.CaseNote).where(models.CaseNote.case_id == world.case_id))
        )
        assert [(n.kind, n.written_by_id) for n in notes] == [("supervision", supervisor.id)]
        assert b"risk plan" not in notes[0].body_sealed
    assert "note.supervision" in audit_actions(app, supervisor.id)
    assert "Not yet" not in reader.get("/supervision").get_data(as_text=True)


def test_a_supervisor_never_acts_on_the_case(app):
    world = exchange_case(app)
    supervisor = make_account(app, Role.FACILITATOR)
    name_supervisor(app, world, supervisor)
    reader = signed_in(app, supervisor)
    reader.get(f"/cases/{world.case_id}")
    reader.post(f"/cases/{world.case_id}/stage", {"stage": "paused"})
    with app.app_context():
        assert unit_of_work().session.get(models.Case, world.case_id).stage == "exchange"
    assert "Only a facilitator assigned to this case" in reader.get(f"/cases/{world.case_id}").get_data(as_text=True)


def test_the_assigned_facilitator_cannot_record_their_own_supervision(app):
    world = exchange_case(app)
    facilitator = signed_in(app, world.facilitator)
    refused = facilitator.submit(
        f"/cases/{world.case_id}/supervision", {"notes": "I supervised myself."}, from_page=f"/cases/{world.case_id}"
    )
    assert refused.status_code == 400
    assert "Only the named supervisor of one of this case" in refused.get_data(as_text=True)
    with app.app_context():
        assert unit_of_work().session.scalars(select(models.CaseNote.id)).first() is None


def test_an_admin_cannot_name_a_supervisor_who_is_not_senior(app):
    world = exchange_case(app)
    junior = make_account(app, Role.FACILITATOR)
    admin = signed_in(app, make_account(app, Role.ADMIN))
    admin.submit(
        f"/admin/staff/{world.facilitator.id}/supervisor", {"supervisor": str(junior.id)}, from_page="/admin/staff"
    )
    assert "must be an active senior facilitator" in admin.get("/admin/staff").get_data(as_text=True)
    with app.app_context():
        assert unit_of_work().session.get(models.User, world.facilitator.id).supervisor_id is None


def test_a_refused_write_by_a_supervisor_still_audits_the_page_it_draws(app):
    world = exchange_case(app)
    supervisor = make_account(app, Role.FACILITATOR)
    name_supervisor(app, world, supervisor)
    reader = signed_in(app, supervisor)
    reader.get(f"/cases/{world.case_id}/notes")
    before = audit_actions(app, supervisor.id).count("case.supervision-read")
    refused = reader.post(f"/cases/{world.case_id}/notes", {"body": "A supervisor may not add this."})
    assert refused.status_code in (400, 403)  # the note is refused; the notes page is drawn again
    assert audit_actions(app, supervisor.id).count("case.supervision-read") == before + 1
    with app.app_context():
        assert unit_of_work().session.scalars(select(models.CaseNote.id)).first() is None


def test_no_longer_senior_is_no_longer_anyones_supervisor(app):
    world = exchange_case(app)
    supervisor = make_account(app, Role.FACILITATOR)
    name_supervisor(app, world, supervisor)
    reader = signed_in(app, supervisor)
    assert reader.get(f"/cases/{world.case_id}").status_code == 200
    admin_account = make_account(app, Role.ADMIN)
    admin = signed_in(app, admin_account)
    admin.submit(f"/admin/staff/{supervisor.id}/senior", {"senior": "no"}, from_page="/admin/staff")
    with app.app_context():
        assert unit_of_work().session.get(models.User, world.facilitator.id).supervisor_id is None
    assert reader.get(f"/cases/{world.case_id}").status_code == 404
    assert audit_actions(app, admin_account.id)[-2:] == ["account.senior", "account.supervisor"]


def test_a_supervision_record_that_cannot_be_saved_keeps_every_word(app):
    world = exchange_case(app)
    supervisor = make_account(app, Role.FACILITATOR)
    name_supervisor(app, world, supervisor)
    reader = signed_in(app, supervisor)
    too_long = "We talked about the next letter. " * 300  # over the 8,000 characters a record may have
    response = reader.submit(
        f"/cases/{world.case_id}/supervision", {"notes": too_long}, from_page=f"/cases/{world.case_id}"
    )
    assert response.status_code == 400
    assert "We talked about the next letter." in response.get_data(as_text=True)
    with app.app_context():
        assert unit_of_work().session.scalars(select(models.CaseNote.id)).first() is None
