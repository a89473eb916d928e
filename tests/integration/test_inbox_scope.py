"""The inbox fetches only the items its scope names, a page at a time; what it shows must be
exactly what the domain's inbox rule gives over every item of the case, for every participant,
whatever state each item is in and whoever wrote it."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta

from portal.domain import inbox as inbox_rules
from portal.domain.enums import ItemKind, ItemState, ParticipantRole, Side
from portal.runtime import unit_of_work
from portal.services import casework, letters, records
from portal.services.casework import PAGE_SIZE
from portal.storage import models
from portal.storage.types import utcnow
from tests.factories import actor_of, add_person, exchange_case


def _every_state_from_everyone(app, world) -> None:
    """One item in each state written by each of the case's four participants."""
    authors = [world[name].participant_id for name in ("harmed", "responsible", "harmed friend", "responsible mum")]
    with app.app_context():
        uow = unit_of_work()
        harmed = actor_of(world["harmed"].account)
        first = letters.start(uow, harmed, world.case_id, ItemKind.LETTER, None)
        with uow:
            row = uow.session.get(models.Item, first)
            template = records.item_from_row(None, row)
            vault = records.vault_for(uow, uow.session.get(models.Case, world.case_id))
            at = utcnow()
            for number, (author, state) in enumerate((a, s) for a in authors for s in ItemState):
                item = dataclasses.replace(template, id=uuid.uuid4(), author_id=author, state=state)
                new = records.new_item_row(vault, item)
                new.created_at = at + timedelta(seconds=number)
                uow.session.add(new)


def _pages(entries_of) -> list[inbox_rules.InboxEntry]:
    """Every page of one list; each page full but the last, and the total what was listed."""
    page, seen = 1, []
    while True:
        listed = entries_of(page)
        seen.extend(listed.entries)
        if page >= listed.pages:
            assert listed.total == len(seen)
            return seen
        assert len(listed.entries) == PAGE_SIZE
        page += 1


def test_every_participant_sees_in_pages_exactly_what_the_inbox_rule_gives(app):
    world = exchange_case(app)
    add_person(app, world, "harmed friend", Side.HARMED, ParticipantRole.SUPPORTER, may_write=True)
    add_person(app, world, "responsible mum", Side.RESPONSIBLE, ParticipantRole.SUPPORTER, may_write=True)
    _every_state_from_everyone(app, world)
    for name in ("harmed", "responsible", "harmed friend", "responsible mum"):
        actor = actor_of(world[name].account)
        with app.app_context():
            uow = unit_of_work()
            context = casework.load(uow, actor, world.case_id)
            rows = sorted(
                uow.session.query(models.Item).filter_by(case_id=world.case_id),
                key=lambda row: (row.created_at, row.id),
            )
            expected = inbox_rules.inbox(
                context.case, [records.item_from_row(None, row) for row in reversed(rows)], actor
            )
            received = _pages(
                lambda page, uow=uow, actor=actor: letters.inbox(uow, actor, world.case_id, received_page=page).received
            )
            mine = _pages(
                lambda page, uow=uow, actor=actor: letters.inbox(uow, actor, world.case_id, mine_page=page).mine
            )
        assert [e for e in expected if e.received] == received, name
        assert [e for e in expected if not e.received] == mine, name
        assert len(mine) == len(ItemState) + (1 if name == "harmed" else 0)
        assert {e.can_view for e in received} == {True, False}  # released, and kept for them
        assert len(received) == 2 * 2  # two senders on the other side, two passed-on states each
