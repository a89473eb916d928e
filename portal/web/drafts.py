"""Saving what someone is writing when they leave the site in a hurry (Esc, or "Leave this site")."""

from __future__ import annotations

import logging
import uuid

from wtforms import HiddenField

from portal.domain.errors import DomainError
from portal.runtime import unit_of_work
from portal.services import letters
from portal.services.casework import CaseNotFound
from portal.web.exchange_context import actor
from portal.web.forms import MAX_PART_LENGTH, PortalForm, TextListField

log = logging.getLogger(__name__)


class LeavingDraftForm(PortalForm):
    """The writing form's words, sent by the page's script as the person leaves (with its CSRF token)."""

    draft_case = HiddenField()
    draft_item = HiddenField()
    part = TextListField(max_length=MAX_PART_LENGTH, max_items=30)


def save_on_leaving() -> None:
    """Save the draft if one came with the leaving beacon; leaving goes on whatever happens here."""
    form = LeavingDraftForm()
    if not form.draft_item.data or not form.validate():
        return
    try:
        case_id, item_id = uuid.UUID(form.draft_case.data), uuid.UUID(form.draft_item.data)
        letters.save_draft(unit_of_work(), actor(), case_id, item_id, form.part.data)
    except (ValueError, DomainError, CaseNotFound) as problem:
        log.info("draft not saved on leaving: %s", type(problem).__name__)
