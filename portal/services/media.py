"""Files with items: adding one, removing one, opening one by ranges, and offline recipients.

Adding a file is done in three steps so that a minute of ffmpeg never holds a case's lock:
the domain is asked first (nothing is processed for someone who may not add it); the upload is
then processed (metadata removed) and sealed under the case's key into a temporary file of
ciphertext; finally one unit of work locks the case and the item, asks the domain again (the
item may have been sent meanwhile), writes the row and its sealed chunks, and audits it. A file
kept outside the database is written before that commit and deleted if the commit fails.

Every opening of a file (its first byte) is audited like a look at a letter; a facilitator
opening a file of an item that waits for review is what lets them approve it.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import IO

from sqlalchemy import delete, select

from portal.crypto import CaseVault
from portal.crypto.streams import CHUNK_SIZE, SEALED_CHUNK_SIZE, MediaSealer, chunks_for_range
from portal.domain import media as rules
from portal.domain.actors import Actor
from portal.domain.audit import AuditAction
from portal.domain.enums import ItemKind, ItemState, MediaKind, MediaRole, Role, SourceType
from portal.domain.errors import DomainError, NotAllowed
from portal.domain.items import Item
from portal.domain.media import Limits, MediaFile
from portal.domain.problems import Problem
from portal.media import av, documents, images
from portal.media.spool import SealedSpool
from portal.services import audit, casework, records, submissions
from portal.services.casework import CaseContext, CaseNotFound
from portal.services.item_changes import Change, changing, load_item, store
from portal.services.uow import UnitOfWork
from portal.storage import models
from portal.storage.media_store import MediaStore
from portal.storage.types import utcnow

SETTINGS_ROW = 1
MAX_PIXELS = 40_000_000  # a picture bigger than this is refused before it is decoded
HEAD_BYTES = 16
# ffmpeg's time for one recording: inside the app server's own timeout (deploy/gunicorn.conf.py).
PROCESSING_SECONDS = 75  # with probing and measuring (20 s each at most), under 120 s
RANGE_CAP = 2 * 1024 * 1024  # the most one range answer carries: the browser asks for the rest
OPENING_LASTS = timedelta(hours=1)  # ranges within this of an audited opening are the same viewing


# --- Limits ------------------------------------------------------------------------------------


def limits(uow: UnitOfWork) -> Limits:
    row = uow.session.get(models.ServiceSettings, SETTINGS_ROW)
    if row is None:
        return Limits()
    return Limits(row.recording_mb, row.recording_minutes, row.attachment_mb, row.attachments_per_item)


def set_limits(uow: UnitOfWork, actor: Actor, chosen: Limits) -> Limits:
    """A manager sets the service's limits on files (checked by `Limits` itself), audited."""
    if actor.role != Role.MANAGER:
        raise NotAllowed(Problem.SETTINGS_MANAGERS_ONLY)
    with uow:
        row = uow.session.get(models.ServiceSettings, SETTINGS_ROW, with_for_update=True)
        if row is None:
            row = models.ServiceSettings(id=SETTINGS_ROW)
            uow.session.add(row)
        row.recording_mb, row.recording_minutes = chosen.recording_mb, chosen.recording_minutes
        row.attachment_mb, row.attachments_per_item = chosen.attachment_mb, chosen.attachments_per_item
        row.updated_at, row.updated_by_id = utcnow(), actor.user_id
        audit.record(uow, AuditAction.SETTINGS_CHANGE, actor_id=actor.user_id, object_type="settings", object_id="1")
    return chosen


# --- Rows and domain values ------------------------------------------------------------------------


def file_from_row(row: models.MediaFile) -> MediaFile:
    return MediaFile(
        id=row.id,
        item_id=row.item_id,
        role=MediaRole(row.role),
        kind=MediaKind(row.kind),
        content_type=row.content_type,
        position=row.position,
        byte_size=row.byte_size,
        duration_ms=row.duration_ms,
        width=row.width,
        height=row.height,
        opened_by=frozenset(uuid.UUID(u) for u in row.opened_by or ()),
        passes_on=row.passes_on,
        shown_on_device_at=row.shown_on_device_at,
    )


def file_rows(uow: UnitOfWork, item_id: uuid.UUID) -> list[models.MediaFile]:
    """An item's files in order, by the (item_id, position) index."""
    return list(
        uow.session.scalars(
            select(models.MediaFile)
            .where(models.MediaFile.item_id == item_id)
            .order_by(models.MediaFile.position, models.MediaFile.created_at)
        )
    )


def files_of(uow: UnitOfWork, item_id: uuid.UUID) -> list[MediaFile]:
    return [file_from_row(row) for row in file_rows(uow, item_id)]


def visible(uow: UnitOfWork, context: CaseContext, item: Item) -> tuple[MediaFile, ...]:
    """The files of an item this viewer may open (the other side: only those that pass on)."""
    return rules.visible_files(item, context.case, context.actor, files_of(uow, item.id))


def head(spool: SealedSpool) -> bytes:
    """The first bytes of an upload: what it is comes from these alone."""
    return b"".join(spool.open_range(0, min(HEAD_BYTES, spool.size)))


# The file role each kind of item takes from its writer (scans come only through reply_sheets).
UPLOAD_ROLE_FOR = {ItemKind.RECORDING: MediaRole.RECORDING, ItemKind.LETTER: MediaRole.ATTACHMENT}


def upload_role(uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, item_id: uuid.UUID) -> MediaRole | None:
    """Which files this item takes, before an upload to it is read: from the item's own kind (never
    from the request), for someone who may see it; another case's item is "not found"."""
    context = casework.load(uow, actor, case_id)
    return UPLOAD_ROLE_FOR.get(load_item(uow, context, item_id, with_text=False).item.kind)


# --- Processing, before any lock ---------------------------------------------------------------------


@dataclass
class Processed:
    """One clean file, sealed under its case's key into a temporary file of ciphertext."""

    media_id: uuid.UUID
    kind: MediaKind
    content_type: str
    byte_size: int
    chunk_count: int
    sealed: IO[bytes]
    duration_ms: int | None = None
    width: int | None = None
    height: int | None = None

    def sealed_chunks(self) -> Iterator[bytes]:
        self.sealed.seek(0)
        for _ in range(self.chunk_count):
            yield self.sealed.read(SEALED_CHUNK_SIZE)

    def close(self) -> None:
        self.sealed.close()


def _seal_into_temp(
    sealer: MediaSealer, pieces: Iterator[bytes] | Sequence[bytes], limit_bytes: int, limit_mb: int
) -> tuple[IO[bytes], int, int]:
    """(temporary file of sealed chunks, plaintext size, chunk count): only ciphertext touches the
    disk. A clean file may be a little bigger than its upload (a new container, a transcoding),
    never much: past a quarter more than the limit it is refused."""
    sealed = tempfile.TemporaryFile()  # noqa: SIM115 - closed by Processed.close
    size = 0

    def counted() -> Iterator[bytes]:
        nonlocal size
        for piece in pieces:
            size += len(piece)
            if size > limit_bytes * 5 // 4:
                sealed.close()
                raise DomainError(Problem.MEDIA_TOO_BIG, limit_mb=limit_mb)
            yield piece

    count = 0
    for chunk in sealer.seal_stream(counted()):
        sealed.write(chunk)
        count += 1
    if size == 0:
        sealed.close()
        raise DomainError(Problem.MEDIA_EMPTY)
    return sealed, size, count


@dataclass(frozen=True)
class Sealing:
    """What processing needs from the case, read under no lock: its vault, the limits."""

    vault: CaseVault
    item_id: uuid.UUID
    limits: Limits
    pages_left: int

    def sealer(self, media_id: uuid.UUID) -> MediaSealer:
        return self.vault.media_sealer(self.item_id, media_id)

    def limit(self, role: MediaRole) -> tuple[int, int]:
        """The role's upload limit, in bytes and in the megabytes people are told."""
        mb = self.limits.recording_mb if role == MediaRole.RECORDING else self.limits.attachment_mb
        return self.limits.upload_bytes(role), mb


def _process(spool: SealedSpool, role: MediaRole, sealing: Sealing) -> list[Processed]:
    """The upload as clean files: identified by its bytes, refused past the limits, every bit of
    metadata removed; a PDF becomes one picture per page."""
    rules.check_size(role, spool.size, sealing.limits)
    source = rules.check_source(role, rules.identify(head(spool)))
    out: list[Processed] = []
    try:
        if source in rules.RECORDINGS:
            stream = av.clean_recording(spool, source, sealing.limits.recording_seconds, PROCESSING_SECONDS)
            media_id = uuid.uuid4()
            sealed, size, count = _seal_into_temp(sealing.sealer(media_id), stream.chunks(), *sealing.limit(role))
            out.append(
                Processed(
                    media_id,
                    stream.kind,
                    stream.content_type,
                    size,
                    count,
                    sealed,
                    stream.duration_ms,
                    stream.width,
                    stream.height,
                )
            )
            return out
        data = b"".join(spool.open_range(0, spool.size))
        pictures = (
            documents.pdf_pages(data, rules.PDF_PAGE_LIMIT)
            if source == SourceType.PDF
            else [images.clean_image(data, source, MAX_PIXELS)]
        )
        if len(pictures) > sealing.pages_left:
            raise DomainError(Problem.MEDIA_TOO_MANY, limit=sealing.limits.attachments_per_item)
        for picture in pictures:
            media_id = uuid.uuid4()
            sealed, size, count = _seal_into_temp(sealing.sealer(media_id), [picture.data], *sealing.limit(role))
            out.append(
                Processed(
                    media_id,
                    MediaKind.IMAGE,
                    picture.content_type,
                    size,
                    count,
                    sealed,
                    None,
                    picture.width,
                    picture.height,
                )
            )
        return out
    except BaseException:
        for processed in out:
            processed.close()
        raise


def _sealing(uow: UnitOfWork, context: CaseContext, item: Item, role: MediaRole) -> Sealing:
    rules.check_upload(item, context.case, context.actor, role)
    chosen = limits(uow)
    files = files_of(uow, item.id)
    pages_left = 1 if role == MediaRole.RECORDING else chosen.pages_left(files, role)
    rules.check_count(files, role, chosen)
    return Sealing(records.vault_for(uow, context.row), item.id, chosen, pages_left)


# --- Adding and removing ---------------------------------------------------------------------------


def _store_all(
    uow: UnitOfWork, change: Change, role: MediaRole, processed: Sequence[Processed], store: MediaStore
) -> tuple[uuid.UUID, ...]:
    """Inside the unit of work: the rows and their chunks, after the domain's second look. The
    audit events come last: the first one takes the audit chain's lock, which nobody should wait
    on while a file's chunks are written."""
    context, item = change.context, change.item
    rules.check_upload(item, context.case, context.actor, role)
    rows = file_rows(uow, item.id)
    files = [file_from_row(row) for row in rows]
    replaced = rules.replaced_by_new(files, role)
    for old in replaced:
        _discard(uow, next(row for row in rows if row.id == old.id))
        files.remove(old)
    rules.check_count(files, role, limits(uow), adding=len(processed))
    position = max((f.position for f in files), default=0)
    for entry in processed:
        position += 1
        uow.session.add(
            models.MediaFile(
                id=entry.media_id,
                case_id=context.row.id,
                item_id=item.id,
                role=role.value,
                kind=entry.kind.value,
                content_type=entry.content_type,
                position=position,
                byte_size=entry.byte_size,
                chunk_size=CHUNK_SIZE,
                chunk_count=entry.chunk_count,
                duration_ms=entry.duration_ms,
                width=entry.width,
                height=entry.height,
                store=store.name,
                opened_by=[],
                passes_on=role != MediaRole.SCAN,
                added_by_id=context.actor.user_id,
            )
        )
        uow.session.flush()
        if store.name != "database":  # kept only if this unit of work commits
            uow.after_rollback(_deleter(uow, store, entry.media_id, context.row.id))
        store.put(uow.session, entry.media_id, context.row.id, entry.sealed_chunks())
    change.loaded.row.updated_at = utcnow()  # a new version: a page drawn before it is stale
    context.row.updated_at = utcnow()
    events = [(AuditAction.MEDIA_REMOVE, old.id) for old in replaced]
    events += [(AuditAction.MEDIA_ADD, entry.media_id) for entry in processed]
    for action, media_id in events:
        audit.record(
            uow,
            action,
            actor_id=context.actor.user_id,
            case_id=context.row.id,
            object_type="media",
            object_id=str(media_id),
        )
    return tuple(entry.media_id for entry in processed)


def add_file(
    uow: UnitOfWork,
    actor: Actor,
    case_id: uuid.UUID,
    item_id: uuid.UUID,
    role: MediaRole,
    spool: SealedSpool,
    *,
    once: str | None = None,
) -> tuple[uuid.UUID, ...]:
    """Add a recording, pictures (a PDF gives one per page) or a scan to an item its writer is
    writing; a new recording replaces the old one. Returns the new files' ids."""
    with uow:
        context = casework.load(uow, actor, case_id)
        sealing = _sealing(uow, context, load_item(uow, context, item_id, with_text=False).item, role)
    processed = _process(spool, role, sealing)
    store = uow.media_stores.current  # where new files go; each row names its own store
    try:
        with changing(uow, actor, case_id, item_id, once, with_text=False) as change:
            if change.repeated is not None:
                return ()
            added = _store_all(uow, change, role, processed, store)
            submissions.remember(uow, once, actor.user_id, AuditAction.MEDIA_ADD.value, item_id)
            return added
    finally:
        for entry in processed:
            entry.close()


def _deleter(uow: UnitOfWork, store: MediaStore, media_id: uuid.UUID, case_id: uuid.UUID) -> Callable[[], None]:
    return lambda: store.delete(uow.session, media_id, case_id)


def _discard(uow: UnitOfWork, row: models.MediaFile) -> None:
    """A file's row and chunks, in this unit of work; a copy in a folder or bucket only once it
    commits (before, a rollback would leave the row pointing at nothing)."""
    store = uow.media_stores.named(row.store)
    media_id, case_id = row.id, row.case_id
    if store.name == "database":
        store.delete(uow.session, media_id, case_id)
    else:
        uow.after_commit(_deleter(uow, store, media_id, case_id))
    uow.session.delete(row)


def remove_file(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, media_id: uuid.UUID, *, once: str | None = None
) -> uuid.UUID:
    """The writer takes a file off their draft; it is deleted at once. Returns its item's id."""
    with uow:
        row = _file_row(uow, case_id, media_id)
        item_id = row.item_id
    with changing(uow, actor, case_id, item_id, once, with_text=False) as change:
        if change.repeated is None:
            rules.check_remove(change.item, change.context.case, change.context.actor)
            _discard(uow, _file_row(uow, case_id, media_id))
            change.loaded.row.updated_at = utcnow()
            casework.record_event(uow, change.context, AuditAction.MEDIA_REMOVE, "media", media_id, once)
    return item_id


def delete_case_files(uow: UnitOfWork, case_id: uuid.UUID) -> None:
    """Inside the unit of work that deletes a case at the end of its retention: every file, from
    every store that holds one (its data key goes too, so a copy left anywhere is unreadable)."""
    names = set(uow.session.scalars(select(models.MediaFile.store).where(models.MediaFile.case_id == case_id)))
    for name in sorted(names):
        _discard_case(uow, uow.media_stores.named(name), case_id)
    uow.session.execute(delete(models.MediaFile).where(models.MediaFile.case_id == case_id))


def _discard_case(uow: UnitOfWork, store: MediaStore, case_id: uuid.UUID) -> None:
    if store.name == "database":
        store.delete_case(uow.session, case_id)
    else:
        uow.after_commit(lambda: store.delete_case(uow.session, case_id))


def erase_files(uow: UnitOfWork, item_id: uuid.UUID) -> None:
    """Inside a unit of work that erases an item's words: its files go too, from every store."""
    for row in file_rows(uow, item_id):
        _discard(uow, row)


def _file_row(uow: UnitOfWork, case_id: uuid.UUID, media_id: uuid.UUID) -> models.MediaFile:
    row = uow.session.get(models.MediaFile, media_id)
    if row is None or row.case_id != case_id:
        raise CaseNotFound
    return row


# --- Opening ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Opening:
    """Bytes first..last (inclusive) of a file of `size` bytes, opened for this viewer."""

    content_type: str
    kind: MediaKind
    size: int
    first: int
    last: int
    data: bytes


def open_file(
    uow: UnitOfWork,
    actor: Actor,
    case_id: uuid.UUID,
    media_id: uuid.UUID,
    first: int = 0,
    last: int | None = None,
    *,
    cap: int = RANGE_CAP,
) -> Opening:
    """A range of a file this viewer may open (at most `cap` bytes: a player asks for the rest).
    Anything they may not open is "not found". Opening from the first byte is audited, and a
    facilitator reviewing the item is recorded as having opened it."""
    with uow:
        context = casework.load(uow, actor, case_id)
        row = _file_row(uow, case_id, media_id)
        item = load_item(uow, context, row.item_id, with_text=False).item
        file = file_from_row(row)
        if file not in rules.visible_files(item, context.case, context.actor, [file]):
            raise CaseNotFound
        if first >= row.byte_size or (last is not None and last < first):
            raise RangeNotSatisfiable(row.byte_size)
        last = min(row.byte_size - 1, first + cap - 1, row.byte_size - 1 if last is None else last)
        data = _read(uow, context, row, first, last)
        # Audited after the read (the first event takes the audit chain's lock): a player asks for
        # many ranges of one file, and each viewing is recorded once, from wherever it starts.
        if first == 0 or not _opened_lately(uow, actor, media_id):
            seen = rules.opened(item, context.case, context.actor, file)
            if seen != file:
                locked = uow.session.get(models.MediaFile, media_id, with_for_update=True, populate_existing=True)
                assert locked is not None
                locked.opened_by = sorted({*locked.opened_by, str(actor.user_id)})
            audit.record(
                uow,
                AuditAction.MEDIA_OPEN,
                actor_id=actor.user_id,
                case_id=case_id,
                object_type="media",
                object_id=str(media_id),
            )
        return Opening(row.content_type, file.kind, row.byte_size, first, last, data)


def _opened_lately(uow: UnitOfWork, actor: Actor, media_id: uuid.UUID) -> bool:
    """Whether this person opened this file in the last hour (by the audit trail's object index)."""
    since = utcnow() - OPENING_LASTS
    return (
        uow.session.scalar(
            select(models.AuditEvent.id)
            .where(
                models.AuditEvent.object_id == str(media_id),
                models.AuditEvent.actor_id == actor.user_id,
                models.AuditEvent.action == AuditAction.MEDIA_OPEN.value,
                models.AuditEvent.occurred_at >= since,
            )
            .limit(1)
        )
        is not None
    )


class RangeNotSatisfiable(Exception):
    """A range outside the file (HTTP 416); carries the file's size for the answer."""

    def __init__(self, size: int):
        super().__init__(f"range-not-satisfiable:{size}")
        self.size = size


def _read(uow: UnitOfWork, context: CaseContext, row: models.MediaFile, first: int, last: int) -> bytes:
    first_chunk, last_chunk = chunks_for_range(first, last)
    sealer = records.vault_for(uow, context.row).media_sealer(row.item_id, row.id)
    sealed = uow.media_stores.named(row.store).chunks(uow.session, row.id, row.case_id, first_chunk, last_chunk)
    plain = b"".join(sealer.open_chunks(sealed, first_chunk, row.chunk_count))
    offset = first - first_chunk * CHUNK_SIZE
    return plain[offset : offset + last - first + 1]


# --- Offline recipients and the choice to pass a scan on ------------------------------------


def record_shown_on_device(
    uow: UnitOfWork, actor: Actor, case_id: uuid.UUID, media_id: uuid.UUID, *, once: str | None = None
) -> uuid.UUID:
    """A recipient taking part offline watched or heard a recording on a service device."""
    with uow:
        item_id = _file_row(uow, case_id, media_id).item_id
    with changing(uow, actor, case_id, item_id, once, with_text=False) as change:
        if change.repeated is None:
            row = _file_row(uow, case_id, media_id)
            after = rules.shown_on_device(
                change.item, change.context.case, change.context.actor, file_from_row(row), utcnow()
            )
            row.shown_on_device_at, row.shown_by_id = after.shown_on_device_at, actor.user_id
            casework.record_event(uow, change.context, AuditAction.MEDIA_SHOWN_ON_DEVICE, "media", media_id, once)
    return item_id


def choose_scan_passes_on(
    uow: UnitOfWork,
    actor: Actor,
    case_id: uuid.UUID,
    media_id: uuid.UUID,
    passes_on: bool,
    *,
    once: str | None = None,
) -> uuid.UUID:
    """The facilitator chooses whether a scanned reply goes with its item. What the other side
    would get changes, so approvals so far lapse and it waits for review again."""
    with uow:
        item_id = _file_row(uow, case_id, media_id).item_id
    with changing(uow, actor, case_id, item_id, once, with_text=False) as change:
        if change.repeated is None:
            row = _file_row(uow, case_id, media_id)
            after = rules.pass_on_scan(
                change.item, change.context.case, change.context.actor, file_from_row(row), passes_on
            )
            if after.passes_on != row.passes_on:
                row.passes_on = after.passes_on
                item = change.item
                if item.state in rules.IN_REVIEW and item.approved_by:
                    lapsed = replace(item, approved_by=(), state=ItemState.SUBMITTED, release_at=None)
                    store(uow, change, lapsed, AuditAction.ITEM_REVIEW_CHANGE, None)
                change.loaded.row.updated_at = utcnow()
                casework.record_event(uow, change.context, AuditAction.MEDIA_SCAN_CHOICE, "media", media_id, once)
    return item_id


def require_opened(uow: UnitOfWork, actor: Actor, item_id: uuid.UUID) -> None:
    """For the review: every file of the item opened by this reviewer."""
    rules.require_opened(actor, files_of(uow, item_id))


def require_complete(uow: UnitOfWork, item: Item) -> None:
    """For sending: a recording item has its recording (the transcript is the domain's check too)."""
    rules.require_complete(item, files_of(uow, item.id))
