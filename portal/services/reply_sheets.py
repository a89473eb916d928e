"""The prison bridge: a printed release carries a reply sheet whose QR code names its case and
item; a photo or scan of the handwritten reply is read for that code and filed as a scan on the
reply's draft, which opens for the facilitator to transcribe beside it.

The code is not a secret: only an assigned facilitator of that case can file under it, and any
other code gets the same answer whether its case exists or not.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from portal.domain import media as rules
from portal.domain.actors import Actor
from portal.domain.audit import AuditAction
from portal.domain.enums import ItemKind, ItemState, MediaRole, Role, SourceType
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.items import Item
from portal.domain.media import ReplyCode
from portal.domain.problems import Problem
from portal.media import codes, documents
from portal.media.spool import SealedSpool
from portal.services import casework, letters, media, submissions
from portal.services.casework import CaseContext, CaseNotFound
from portal.services.item_changes import audit_item, load_item
from portal.services.uow import UnitOfWork
from portal.storage import models


def reply_code(case_code: str, item_id: uuid.UUID) -> str:
    """What the reply sheet of a printed item carries as its QR code."""
    return ReplyCode(case_code, item_id).text()


@dataclass(frozen=True)
class FiledScan:
    case_id: uuid.UUID
    item_id: uuid.UUID  # the reply's draft, for the facilitator to transcribe


def file_scan(uow: UnitOfWork, actor: Actor, spool: SealedSpool, *, once: str | None = None) -> FiledScan:
    """The prison bridge: a photographed or scanned reply sheet is read for its code, filed as a
    scan on the reply's draft (started for the offline recipient, or the one they already have),
    and the draft opened for the facilitator to transcribe beside it. The same form sent twice
    files it once."""
    if actor.role != Role.FACILITATOR:
        raise NotAllowed(Problem.CASE_NOT_FACILITATOR)
    with uow:
        repeated = submissions.previous(uow, once, actor.user_id)
        filed = uow.session.get(models.Item, uuid.UUID(repeated.result)) if repeated and repeated.result else None
        if filed is not None:
            return FiledScan(filed.case_id, filed.id)
    with uow:
        rules.check_size(MediaRole.SCAN, spool.size, media.limits(uow))
    source = rules.check_source(MediaRole.SCAN, rules.identify(media.head(spool)))
    data = b"".join(spool.open_range(0, spool.size))
    first_page = documents.pdf_pages(data, rules.PDF_PAGE_LIMIT)[0].data if source == SourceType.PDF else data
    code = rules.parse_reply_code(codes.read_codes(first_page))
    case_id, replying_to = _reply_target(uow, actor, code)
    # One unit of work: the draft started (or resumed), the scan on it, and the filing audited.
    # A picture is processed in a moment, so here it is done under the case's lock.
    with casework.changing(uow, actor, case_id) as context:
        reply_item = load_item(uow, context, replying_to, with_text=False).item
        if reply_item.state != ItemState.RELEASED:
            raise DomainError(Problem.MEDIA_REPLY_SHEET_ELSEWHERE)
        draft_id = _reply_draft(uow, actor, context, reply_item)
        media.add_file(uow, actor, case_id, draft_id, MediaRole.SCAN, spool)
        audit_item(uow, context, AuditAction.MEDIA_SCAN_FILED, load_item(uow, context, draft_id, with_text=False).item)
        submissions.remember(uow, once, actor.user_id, AuditAction.MEDIA_SCAN_FILED.value, draft_id)
    return FiledScan(case_id, draft_id)


def _reply_target(uow: UnitOfWork, actor: Actor, code: ReplyCode) -> tuple[uuid.UUID, uuid.UUID]:
    """The case and item a code names, if this facilitator's; otherwise the same answer whether
    the case exists or not."""
    with uow:
        case_id = uow.session.scalar(select(models.Case.id).where(models.Case.code == code.case_code))
        if case_id is None:
            raise DomainError(Problem.MEDIA_REPLY_SHEET_ELSEWHERE)
        try:
            context = casework.load(uow, actor, case_id)
            load_item(uow, context, code.item_id, with_text=False)
        except CaseNotFound:
            raise DomainError(Problem.MEDIA_REPLY_SHEET_ELSEWHERE) from None
        if not context.manages:
            raise DomainError(Problem.MEDIA_REPLY_SHEET_ELSEWHERE)
        return case_id, code.item_id


def _reply_draft(uow: UnitOfWork, actor: Actor, context: CaseContext, replying_to: Item) -> uuid.UUID:
    """The offline recipient's reply draft (answers to questions, else a letter), started or resumed."""
    recipients = rules.offline_recipients(context.case, replying_to)
    if not recipients:
        raise DomainError(Problem.MEDIA_NOT_OFFLINE)
    kind = rules.reply_kind(replying_to)
    answers_to = replying_to.id if kind == ItemKind.ANSWERS else None
    return letters.start(uow, actor, context.row.id, kind, recipients[0].id, answers_to)
