"""Files with items: what each item may carry, who may add or see one, and what review needs.

- A recording item carries exactly one recording (audio or video) and a written transcript or
  summary (its words), and is sent only with both; recording again replaces the recording.
- A letter may carry pictures and pages of a document, up to the service's limit.
- A scan is a photographed handwritten reply, filed by a facilitator for a writer taking part
  offline; it is for the reviewer, and goes to the other side only if the facilitator chooses.
- Files change only while the item is with its writer (a draft, or returned), by its writer.
- A reviewer approves (or approves with removals) only after opening every file of the item:
  nobody passes on a face, a voice or a picture they have not seen or heard.
- The other side sees only the files that pass on, and only once the item is released.
- What a file is comes from its first bytes, never its name or the type the browser stated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from portal.domain.actors import Actor
from portal.domain.enums import ItemKind, ItemState, MediaKind, MediaLimit, MediaRole, Role, SourceType, TakingPart
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.permissions import STATES_FOR, ItemAction, ItemRelation, allowed, item_relation, require
from portal.domain.problems import Problem

if TYPE_CHECKING:
    from portal.domain.cases import Case, Participant
    from portal.domain.items import Item

MB = 1024 * 1024
PDF_PAGE_LIMIT = 10

PICTURES = frozenset({SourceType.JPEG, SourceType.PNG, SourceType.GIF, SourceType.WEBP})
DOCUMENTS = frozenset({SourceType.PDF})
RECORDINGS = frozenset({SourceType.WEBM, SourceType.MP4, SourceType.OGG, SourceType.MP3, SourceType.WAV})

# What each role takes, and which items take each role.
SOURCES_FOR_ROLE = {
    MediaRole.RECORDING: RECORDINGS,
    MediaRole.ATTACHMENT: PICTURES | DOCUMENTS,
    MediaRole.SCAN: PICTURES | DOCUMENTS,
}
KINDS_FOR_ROLE = {
    MediaRole.RECORDING: frozenset({ItemKind.RECORDING}),
    MediaRole.ATTACHMENT: frozenset({ItemKind.LETTER}),
    MediaRole.SCAN: frozenset({ItemKind.LETTER, ItemKind.ANSWERS, ItemKind.SHUTTLE_NOTE}),
}

# The items a facilitator may decide on: opening a file then counts for review.
IN_REVIEW = STATES_FOR[ItemAction.REVIEW]


def identify(head: bytes) -> SourceType | None:
    """What a file is, from its first bytes (at least 16 of them); None for anything else."""
    if head.startswith(b"\xff\xd8\xff"):
        return SourceType.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return SourceType.PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return SourceType.GIF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return SourceType.WEBP
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return SourceType.WAV
    if head.startswith(b"%PDF-"):
        return SourceType.PDF
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return SourceType.WEBM
    if head[4:8] == b"ftyp":
        return SourceType.MP4
    if head.startswith(b"OggS"):
        return SourceType.OGG
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE6 in (0xE2, 0xE4, 0xE6)):
        return SourceType.MP3  # an ID3 tag, or an MPEG audio frame (layer bits set, so never AAC)
    return None


# What a service may choose for each limit (the defaults are Limits' own). The largest upload
# (one recording, or the pictures of one letter sent at once) stays within what the proxy takes
# (deploy/nginx: 210 MB), so a too-big file always gets the portal's own page.
LIMIT_RANGES = {
    MediaLimit.RECORDING_MB: (1, 200),
    MediaLimit.RECORDING_MINUTES: (1, 60),
    MediaLimit.ATTACHMENT_MB: (1, 20),
    MediaLimit.ATTACHMENTS_PER_ITEM: (1, PDF_PAGE_LIMIT),
}


@dataclass(frozen=True)
class Limits:
    """The service's limits (ServiceSettings), in the units people are told them in."""

    recording_mb: int = 200
    recording_minutes: int = 10
    attachment_mb: int = 10
    attachments_per_item: int = 5

    def __post_init__(self) -> None:
        for limit, (minimum, maximum) in LIMIT_RANGES.items():
            if not minimum <= getattr(self, limit.value) <= maximum:
                raise DomainError(Problem.MEDIA_LIMIT_RANGE, limit=limit, minimum=minimum, maximum=maximum)

    @property
    def recording_seconds(self) -> int:
        return self.recording_minutes * 60

    def upload_bytes(self, role: MediaRole) -> int:
        return (self.recording_mb if role == MediaRole.RECORDING else self.attachment_mb) * MB

    def pages_left(self, files: Sequence[MediaFile], role: MediaRole) -> int:
        """How many more pictures or pages this item may take (a PDF counts each page)."""
        used = sum(1 for f in files if f.role == role)
        return min(PDF_PAGE_LIMIT, self.attachments_per_item - used)


@dataclass(frozen=True)
class MediaFile:
    id: UUID
    item_id: UUID
    role: MediaRole
    kind: MediaKind
    content_type: str
    position: int
    byte_size: int
    duration_ms: int | None = None
    width: int | None = None
    height: int | None = None
    opened_by: frozenset[UUID] = frozenset()  # facilitators who opened it while it waited for review
    passes_on: bool = True
    shown_on_device_at: datetime | None = None


def check_upload(item: Item, case: Case, actor: Actor, role: MediaRole) -> None:
    """Before anything is read or processed: may this actor add a file of this role to this item now?"""
    if item.kind not in KINDS_FOR_ROLE[role]:
        raise DomainError(Problem.MEDIA_NOT_HERE, kind=item.kind, role=role)
    relation = _require_editable(item, case, actor)
    if role == MediaRole.SCAN:
        author = case.participant(item.author_id)
        if relation != ItemRelation.ASSIGNED_FACILITATOR or author.taking_part != TakingPart.OFFLINE:
            raise NotAllowed(Problem.MEDIA_NOT_HERE, kind=item.kind, role=role)


def check_count(files: Sequence[MediaFile], role: MediaRole, limits: Limits, adding: int = 1) -> None:
    """Pictures and pages: at most the service's number per item (a recording replaces the last)."""
    if role == MediaRole.RECORDING:
        return
    if adding > limits.pages_left(files, role):
        raise DomainError(Problem.MEDIA_TOO_MANY, limit=min(limits.attachments_per_item, PDF_PAGE_LIMIT))


def check_source(role: MediaRole, source: SourceType | None) -> SourceType:
    """The upload's type (from its bytes) is one this role takes."""
    if source is None or source not in SOURCES_FOR_ROLE[role]:
        raise DomainError(Problem.MEDIA_UNKNOWN_TYPE, role=role)
    return source


def check_size(role: MediaRole, size: int, limits: Limits) -> None:
    if size <= 0:
        raise DomainError(Problem.MEDIA_EMPTY)
    if size > limits.upload_bytes(role):
        mb = limits.recording_mb if role == MediaRole.RECORDING else limits.attachment_mb
        raise DomainError(Problem.MEDIA_TOO_BIG, limit_mb=mb)


def replaced_by_new(files: Sequence[MediaFile], role: MediaRole) -> tuple[MediaFile, ...]:
    """Recording again replaces the item's recording; pictures and scans add up."""
    return tuple(f for f in files if f.role == MediaRole.RECORDING) if role == MediaRole.RECORDING else ()


def check_remove(item: Item, case: Case, actor: Actor) -> None:
    _require_editable(item, case, actor)


def require_complete(item: Item, files: Sequence[MediaFile]) -> None:
    """A recording item goes for review only with its recording and its transcript or summary."""
    if item.kind != ItemKind.RECORDING:
        return
    if not any(f.role == MediaRole.RECORDING for f in files):
        raise DomainError(Problem.MEDIA_RECORDING_NEEDED)
    if not item.parts or not item.parts[0].strip():
        raise DomainError(Problem.MEDIA_TRANSCRIPT_NEEDED)


def require_opened(actor: Actor, files: Sequence[MediaFile]) -> None:
    """Approving needs every file of the item opened by this reviewer first."""
    unopened = sum(1 for f in files if actor.user_id not in f.opened_by)
    if unopened:
        raise DomainError(Problem.MEDIA_OPEN_FIRST, count=unopened)


def visible_files(item: Item, case: Case, actor: Actor, files: Sequence[MediaFile]) -> tuple[MediaFile, ...]:
    """The files this viewer may open: all of them for the writer's side and the facilitators,
    only those that pass on for the other side (who see the item only once it is released, and
    the recipient only once they have chosen to open it)."""
    if not allowed(ItemAction.VIEW, item, case, actor):
        return ()
    relation = item_relation(item, case, actor)
    if relation == ItemRelation.RECIPIENT and item.opened_at is None:
        return ()  # they choose when they are ready: nothing is opened before they open it
    if relation in (ItemRelation.RECIPIENT, ItemRelation.RECIPIENT_SUPPORTER):
        return tuple(f for f in files if f.passes_on)
    return tuple(files)


def opened(item: Item, case: Case, actor: Actor, file: MediaFile) -> MediaFile:
    """A facilitator opening a file of an item that waits for review: it now counts as seen."""
    relation = item_relation(item, case, actor)
    if relation == ItemRelation.ASSIGNED_FACILITATOR and item.state in IN_REVIEW:
        return replace(file, opened_by=file.opened_by | {actor.user_id})
    return file


def shown_on_device(item: Item, case: Case, actor: Actor, file: MediaFile, at: datetime) -> MediaFile:
    """The facilitator records that a recipient taking part offline watched or heard it on a
    service device during a visit (their way of opening it)."""
    relation = item_relation(item, case, actor)
    if relation != ItemRelation.ASSIGNED_FACILITATOR:
        raise NotAllowed(Problem.CASE_NOT_FACILITATOR)
    if item.state != ItemState.RELEASED or not file.passes_on:
        raise DomainError(Problem.ITEM_NOT_NOW, action=ItemAction.OPEN, kind=item.kind, state=item.state)
    if not offline_recipients(case, item):
        raise DomainError(Problem.MEDIA_NOT_OFFLINE)
    return replace(file, shown_on_device_at=file.shown_on_device_at or at)


def offline_recipients(case: Case, item: Item) -> tuple[Participant, ...]:
    """The people of the other side still taking part without the portal: who a printed copy,
    a service device or a reply sheet is for."""
    side = case.participant(item.author_id).side
    return tuple(
        p for p in case.participants if p.side == side.other and p.taking_part == TakingPart.OFFLINE and not p.withdrawn
    )


@dataclass(frozen=True)
class FileChoices:
    """What a page may offer this viewer for an item's files (the web layer only draws them)."""

    may_add: bool  # the writer, while it is a draft or returned, of an item that takes files
    reviewing: bool  # an assigned facilitator, while it waits for a decision
    may_record_shown: bool  # released, with a recipient taking part offline
    may_choose_scans: bool  # an assigned facilitator, before it is passed on


def choices(item: Item, case: Case, actor: Actor) -> FileChoices:
    relation = item_relation(item, case, actor)
    facilitator = relation == ItemRelation.ASSIGNED_FACILITATOR
    try:
        _require_editable(item, case, actor)
        editable = any(item.kind in kinds for role, kinds in KINDS_FOR_ROLE.items() if role != MediaRole.SCAN)
    except DomainError:
        editable = False
    return FileChoices(
        may_add=editable,
        reviewing=facilitator and item.state in IN_REVIEW,
        may_record_shown=facilitator and item.state == ItemState.RELEASED and bool(offline_recipients(case, item)),
        may_choose_scans=facilitator and item.state in {ItemState.DRAFT, ItemState.RETURNED, *IN_REVIEW},
    )


def pass_on_scan(item: Item, case: Case, actor: Actor, file: MediaFile, passes_on: bool) -> MediaFile:
    """The facilitator chooses whether a scanned reply goes to the other side with its item;
    changing it counts as a change to the item (approvals so far lapse, see the service)."""
    if file.role != MediaRole.SCAN:
        raise DomainError(Problem.MEDIA_NOT_HERE, kind=item.kind, role=file.role)
    if item_relation(item, case, actor) != ItemRelation.ASSIGNED_FACILITATOR:
        raise NotAllowed(Problem.CASE_NOT_FACILITATOR)
    if item.state not in {ItemState.DRAFT, ItemState.RETURNED, *IN_REVIEW}:
        raise DomainError(Problem.MEDIA_NOT_EDITABLE, kind=item.kind, state=item.state)
    return replace(file, passes_on=passes_on)


def _require_editable(item: Item, case: Case, actor: Actor) -> ItemRelation:
    if actor.role not in (Role.PARTICIPANT, Role.FACILITATOR):
        raise NotAllowed(Problem.ITEM_NOT_YOURS, action=ItemAction.EDIT, kind=item.kind)
    if item.state not in (ItemState.DRAFT, ItemState.RETURNED):
        raise DomainError(Problem.MEDIA_NOT_EDITABLE, kind=item.kind, state=item.state)
    return require(ItemAction.EDIT, item, case, actor)


# --- The prison bridge: a printed reply sheet carries a code that files its scan -------------------

_REPLY_CODE = re.compile(r"RX-REPLY/([A-Z0-9-]{4,16})/([0-9a-f]{32})")


@dataclass(frozen=True)
class ReplyCode:
    """What a reply sheet's QR code says: the case's code and the item it replies to. Not a
    secret: only a facilitator of that case can file a scan under it."""

    case_code: str
    item_id: UUID

    def text(self) -> str:
        return f"RX-REPLY/{self.case_code}/{self.item_id.hex}"


def parse_reply_code(texts: Sequence[str]) -> ReplyCode:
    """The first reply code among what was read from a scan."""
    for text in texts:
        found = _REPLY_CODE.search(text)
        if found:
            return ReplyCode(found.group(1), UUID(hex=found.group(2)))
    raise DomainError(Problem.MEDIA_NOT_A_REPLY_SHEET)


def reply_kind(replying_to: Item) -> ItemKind:
    """A reply to questions is answers; to anything else, a letter."""
    return ItemKind.ANSWERS if replying_to.kind == ItemKind.QUESTION_SET else ItemKind.LETTER
