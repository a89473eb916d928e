"""The demo data: loaded once, only when asked, with cases at the interesting points."""

from collections import Counter

from sqlalchemy import select

from portal import create_app
from portal.domain.actors import Actor
from portal.domain.enums import DueKind, Role
from portal.runtime import unit_of_work
from portal.services import caseload
from portal.storage import models
from portal.storage.db import EXTENSION_KEY


def test_demo_data_has_every_interesting_point_and_loads_once(app):
    runner = app.test_cli_runner()
    assert "Demo data loaded" in runner.invoke(args=["demo", "load"]).output
    assert "already there" in runner.invoke(args=["demo", "load"]).output
    with app.app_context():
        session = unit_of_work().session
        states = Counter(session.scalars(select(models.Item.kind + ":" + models.Item.state)))
        stages = Counter(session.scalars(select(models.Case.stage)))
        withdrawn = session.scalars(
            select(models.Participant).where(models.Participant.withdrawn_at.is_not(None))
        ).all()
        released = session.scalars(select(models.Item).where(models.Item.state == "released")).one()
        assessed = Counter(session.scalars(select(models.Assessment.kind)))
        notes = session.scalars(select(models.CaseNote.kind)).all()
        meetings = Counter(session.scalars(select(models.Meeting.kind + ":" + models.Meeting.status)))
        follow_ups = session.scalars(select(models.Contact.id).where(models.Contact.purpose == "follow_up")).all()
        senior = session.scalars(select(models.User).where(models.User.senior.is_(True))).one()
        supervised = session.scalars(select(models.User).where(models.User.supervisor_id == senior.id)).all()
        photos = session.scalars(select(models.MediaFile.kind + ":" + models.MediaFile.content_type)).all()
    assert states["letter:submitted"] == 2  # waiting for review, one with a photo to open first
    assert photos == ["image:image/jpeg"]
    assert states["letter:released"] == 1 and released.redactions_sealed is not None  # passed on with a redaction
    assert states["shuttle_note:draft"] == 1  # waiting for confirmation
    assert states["letter:on_hold"] == 1  # held when someone stopped
    assert len(withdrawn) == 1 and stages["withdrawn"] == 1
    assert stages["exchange"] == 2 and stages["referral"] == 1
    # The casework record: assessments, notes, a planned conference, a conference nobody followed up.
    assert assessed["eligibility"] == 3 and assessed["risk"] == 3 and assessed["suitability"] == 6
    assert notes == ["note", "note"]
    assert meetings == {"conference:planned": 1, "preparation:held": 1, "conference:held": 1} and follow_ups == []
    assert len(supervised) == 1
    # On Sam's case list the follow-up after that meeting is overdue, and the filter finds it.
    with app.app_context():
        uow = unit_of_work()
        sam = uow.session.scalars(select(models.User).where(models.User.supervisor_id == senior.id)).one()
        overdue = caseload.case_list(uow, Actor(sam.id, Role.FACILITATOR), caseload.Filters(overdue=True))
    follow_ups_due = [row for row in overdue.entries if DueKind.FOLLOW_UP in {due.kind for due in row.overdue}]
    assert [row.stage.value for row in follow_ups_due] == ["exchange"]
    assert "intact" in runner.invoke(args=["audit", "verify"]).output


def test_demo_data_is_refused_under_production_settings(settings):
    app = create_app({**settings, "ENV": "production", "DEMO_ALLOWED": False})
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0 and "never loaded under production" in result.output
    with app.app_context():
        assert unit_of_work().session.scalars(select(models.User)).all() == []
    app.extensions[EXTENSION_KEY].kw["bind"].dispose()
