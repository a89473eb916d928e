"""One use case on one item, the same way every time.

Every use case is one unit of work: it locks the case row, then the item row (always in that
order), checks the form was not acted on already, asks the domain, stores the answer and
writes the audit event, and commits all of it together or nothing. Every look at an item's
words is audited in the same way.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from portal.domain.actors import Actor
from portal.domain.audit import AuditAction
from portal.domain.errors import Stale
from portal.domain.items import Item
from portal.domain.notifications import told_of_item_change
from portal.domain.permissions import ItemAction, allowed
from portal.services import audit, casework, outbox, records, submissions
from portal.services.casework import CaseContext, CaseNotFound
from portal.services.submissions import Previous
from portal.services.uow import UnitOfWork
from portal.storage import models
from portal.storage.types import utcnow


@dataclass
class Loaded:
    row: models.Item
    item: Item


def load_item(
    uow: UnitOfWork, context: CaseContext, item_id: uuid.UUID, *, with_text: bool = True, lock: bool = False
) -> Loaded:
    """An item of this case that the actor may see; anything else is "not found"."""
    row = uow.session.get(models.Item, item_id, with_for_update=True if lock else None)
    if row is None or row.case_id != context.row.id:
        raise CaseNotFound
    vault = records.vault_for(uow, context.row) if with_text else None
    item = records.item_from_row(vault, row)
    if not allowed(ItemAction.VIEW, item, context.case, context.actor):
        if lock and context.manages:
            # Its facilitator was deciding on it a moment ago: it has just been returned to its
            # writer, or its writer stopped. Say so, rather than that it does not exist.
            raise Stale(item.kind.value, item.state.value)
        raise CaseNotFound
    return Loaded(row, item)


@dataclass
class Change:
    """One use case on one item: its case and the item, both locked until the commit."""

    context: CaseContext
    loaded: Loaded
    repeated: Previous | None  # the same form was acted on already: do nothing again

    @property
    def item(self) -> Item:
        return self.loaded.item


@contextmanager
def changing(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, item_id: uuid.UUID, once: str | None, *, with_text: bool = True
) -> Iterator[Change]:
    with casework.changing(uow, actor, case_id) as context:
        repeated = submissions.previous(uow, once, actor.user_id)
        yield Change(context, load_item(uow, context, item_id, with_text=with_text, lock=True), repeated)


def store(uow: UnitOfWork, change: Change, after: Item, action: AuditAction, once: str | None) -> None:
    context = change.context
    records.write_item(records.vault_for(uow, context.row), change.loaded.row, change.item, after)
    context.row.updated_at = utcnow()
    submissions.remember(uow, once, context.actor.user_id, action.value, after.id)
    audit_item(uow, context, action, after)
    outbox.tell_many(uow, told_of_item_change(change.item, after, context.case), case_id=context.row.id)


def audit_item(uow: UnitOfWork, context: CaseContext, action: AuditAction, item: Item) -> None:
    audit.record(
        uow,
        action,
        actor_id=context.actor.user_id,
        case_id=context.row.id,
        object_type=item.kind.value,
        object_id=item.id,
    )
