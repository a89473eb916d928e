"""At a seeded size, the case list, the review queue, a case's history, its page of items and a
participant's inbox find their rows by an index: PostgreSQL's plan for every query they run has
no sequential scan of items or the audit trail, the two tables that grow with the service."""

from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import event, select, text

from portal.cli import seeding
from portal.domain.actors import Actor
from portal.domain.enums import Role
from portal.runtime import unit_of_work
from portal.services import caseload, casework, letters, reviewing
from portal.storage import models
from portal.storage.db import EXTENSION_KEY

pytestmark = pytest.mark.skipif(
    not os.environ.get("PORTAL_TEST_DATABASE_URL"), reason="query plans are PostgreSQL's (make test-postgres)"
)
GROWING = {"items", "audit_events"}


def _scans(plan: dict) -> list[tuple[str, str]]:
    found = [(plan["Node Type"], plan.get("Relation Name", ""))]
    for child in plan.get("Plans", []):
        found.extend(_scans(child))
    return found


def test_lists_and_history_use_indexes_not_sequential_scans(app):
    with app.app_context():
        seeding.seed(unit_of_work(), seeding.Plan(cases=400, items=16_000, audit_events=80_000, big_case_items=2_000))
    engine = app.extensions[EXTENSION_KEY].kw["bind"]
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    captured: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    with app.app_context():
        uow = unit_of_work()
        users = dict(uow.session.execute(select(models.User.id, models.User.role)).all())
        manager = next(user for user, role in users.items() if role == Role.MANAGER.value)
        busy = uow.session.scalars(
            select(models.CaseFacilitator.user_id)
            .group_by(models.CaseFacilitator.user_id)
            .order_by(text("count(*) desc"))
            .limit(1)
        ).one()
        big = uow.session.scalars(
            select(models.Item.case_id).group_by(models.Item.case_id).order_by(text("count(*) desc")).limit(1)
        ).one()
        keeper = uow.session.scalars(
            select(models.CaseFacilitator.user_id).where(models.CaseFacilitator.case_id == big)
        ).first()
        reader = uow.session.scalars(
            select(models.Participant.user_id).where(
                models.Participant.case_id == big, models.Participant.user_id.is_not(None)
            )
        ).first()
        uow.rollback()
        event.listen(engine, "before_cursor_execute", capture)
        try:
            for actor in (Actor(busy, Role.FACILITATOR), Actor(manager, Role.MANAGER)):
                caseload.case_list(uow, actor)
                caseload.case_list(uow, actor, caseload.Filters(overdue=True, sort=caseload.Sort.DUE))
                reviewing.review_queue(uow, actor)
            facilitator = Actor(keeper, Role.FACILITATOR)
            casework.timeline(uow, facilitator, big)
            letters.case_items(uow, casework.load(uow, facilitator, big))
            letters.inbox(uow, Actor(reader, Role.PARTICIPANT), big)
        finally:
            event.remove(engine, "before_cursor_execute", capture)
            uow.rollback()
    touching = [(s, p) for s, p in captured if any(f" {table}" in s for table in GROWING)]
    assert len(touching) >= 10
    pages = 0
    with engine.connect() as connection:
        for statement, parameters in touching:
            plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar()
            plan = json.loads(plan) if isinstance(plan, str) else plan
            scans = _scans(plan[0]["Plan"])
            assert not [s for s in scans if s[0] == "Seq Scan" and s[1] in GROWING], (statement, scans)
            if "ORDER BY items.created_at DESC" in statement and "author_id IN" not in statement:
                # A page of a case's items (or of one writer's) is read in order from its index.
                assert not [node for node, _ in scans if "Sort" in node], (statement, scans)
                pages += 1
    assert pages == 2  # the case's page of items, and what the reader wrote
