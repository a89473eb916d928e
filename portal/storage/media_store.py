"""Where the sealed chunks of media files live: the database, a folder, or an S3-compatible bucket.

A store only ever sees ciphertext (portal.crypto.streams seals every chunk before it arrives),
so none of them needs to be trusted with a person's words or pictures. Every sealed chunk but
the last is exactly SEALED_CHUNK_SIZE bytes, so chunk i of a blob starts at byte
i * SEALED_CHUNK_SIZE: a player asking for a few seconds of a recording reads a few chunks,
never the whole file. `put` streams: a 200 MB recording never sits in memory or in the session.

A file is always read from the store its media_files row names (`store_named`), so a service
can move to another store for new files without losing the old ones.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.config import MEDIA_STORES, ConfigError
from portal.crypto.streams import SEALED_CHUNK_SIZE
from portal.storage.db import UNIT_DEPTH, WriteOutsideUnitOfWork
from portal.storage.models import MediaChunk, MediaFile

# DatabaseStore: chunks flushed (and let go of) this many at a time, about 2 MiB.
FLUSH_EVERY = 32
# ObjectStore: S3 refuses a multipart part under 5 MiB (except the last); parts are cut at 8 MiB.
MIN_PART_SIZE = 5 * 1024 * 1024
PART_SIZE = 8 * 1024 * 1024
CONTENT_TYPE = "application/octet-stream"  # ciphertext, whatever the file is


class MediaNotFound(LookupError):
    """The store holds no such file, or fewer chunks than were asked for. The message names only
    internal ids."""


class MediaStore(Protocol):
    name: str  # "database" | "directory" | "object" (stored in media_files.store)

    def put(self, session: Session, media_id: UUID, case_id: UUID, sealed_chunks: Iterable[bytes]) -> int:
        """Write the sealed chunks in order; return how many. Streams: never joins them in memory."""
        ...

    def chunks(self, session: Session, media_id: UUID, case_id: UUID, first: int, last: int) -> Iterator[bytes]:
        """Sealed chunks first..last inclusive, in order (ranges read only what they need)."""
        ...

    def delete(self, session: Session, media_id: UUID, case_id: UUID) -> None: ...

    def delete_case(self, session: Session, case_id: UUID) -> None:
        """Everything of one case (retention)."""
        ...


def checked_chunks(sealed_chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Pass the chunks on, refusing any that would break the offset arithmetic: only the last may
    be shorter than SEALED_CHUNK_SIZE, none may be empty or longer, and a file has at least one.
    Looks one chunk ahead, so a short chunk is refused before it is written."""
    previous: bytes | None = None
    for sealed in sealed_chunks:
        if not sealed or len(sealed) > SEALED_CHUNK_SIZE:
            raise ValueError("a sealed chunk must hold 1 to SEALED_CHUNK_SIZE bytes")
        if previous is not None:
            if len(previous) != SEALED_CHUNK_SIZE:
                raise ValueError("only the last sealed chunk may be shorter than SEALED_CHUNK_SIZE")
            yield previous
        previous = sealed
    if previous is None:
        raise ValueError("a file has at least one sealed chunk")
    yield previous


def _check_range(first: int, last: int) -> None:
    if first < 0 or last < first:
        raise ValueError("a chunk range is first..last with 0 <= first <= last")


def _id(value: UUID) -> str:
    """The canonical text of an id: what goes into a path or a key is never anything else."""
    return str(UUID(str(value)))


def _missing(media_id: UUID, store: str) -> MediaNotFound:
    return MediaNotFound(f"media {_id(media_id)} is not (wholly) in the {store} store")


# --- The database ------------------------------------------------------------------------------


class DatabaseStore:
    """Chunks as media_chunks rows, written in the same transaction as their media_files row: the
    simplest choice for a small service, with nothing else to back up."""

    name = "database"

    def put(self, session: Session, media_id: UUID, case_id: UUID, sealed_chunks: Iterable[bytes]) -> int:
        batch: list[MediaChunk] = []
        count = 0
        for position, sealed in enumerate(checked_chunks(sealed_chunks)):
            chunk = MediaChunk(media_id=media_id, position=position, sealed=sealed)
            session.add(chunk)
            batch.append(chunk)
            count += 1
            if len(batch) >= FLUSH_EVERY:
                self._flush(session, batch)
        self._flush(session, batch)
        return count

    @staticmethod
    def _flush(session: Session, batch: list[MediaChunk]) -> None:
        """Send the batch to the database and let the session forget it, so a long file's chunks
        never pile up in the identity map (the rows stay in the open transaction)."""
        if not batch:
            return
        session.flush()
        for chunk in batch:
            session.expunge(chunk)
        batch.clear()

    def chunks(self, session: Session, media_id: UUID, case_id: UUID, first: int, last: int) -> Iterator[bytes]:
        _check_range(first, last)
        statement = (
            select(MediaChunk.position, MediaChunk.sealed)
            .where(MediaChunk.media_id == media_id, MediaChunk.position.between(first, last))
            .order_by(MediaChunk.position)
        )
        # Rows, not entities: nothing enters the identity map. A few rows at a time from the cursor.
        result = session.execute(statement, execution_options={"yield_per": 8})
        rows = iter(result)
        head = next(rows, None)
        if head is None or head.position != first:
            result.close()
            raise _missing(media_id, self.name)
        return self._read(result, head, rows, media_id, first, last)

    def _read(
        self, result: Any, head: Any, rows: Iterator[Any], media_id: UUID, first: int, last: int
    ) -> Iterator[bytes]:
        try:
            yield bytes(head.sealed)
            expected = first + 1
            for row in rows:
                if row.position != expected:
                    raise _missing(media_id, self.name)
                yield bytes(row.sealed)
                expected += 1
            if expected != last + 1:
                raise _missing(media_id, self.name)
        finally:
            result.close()

    def delete(self, session: Session, media_id: UUID, case_id: UUID) -> None:
        _inside_unit_of_work(session)
        session.execute(
            delete(MediaChunk).where(MediaChunk.media_id == media_id),
            execution_options={"synchronize_session": False},
        )

    def delete_case(self, session: Session, case_id: UUID) -> None:
        _inside_unit_of_work(session)
        files = select(MediaFile.id).where(MediaFile.case_id == case_id)
        session.execute(
            delete(MediaChunk).where(MediaChunk.media_id.in_(files)),
            execution_options={"synchronize_session": False},
        )


def _inside_unit_of_work(session: Session) -> None:
    """A DELETE statement is not a flush, so the session's own guard would let it through.
    (Chunks a rolled-back unit of work wrote are gone with it: there is nothing to clean up after.)"""
    if not session.info.get(UNIT_DEPTH):
        raise WriteOutsideUnitOfWork("media chunks are deleted only inside a unit of work")


# --- A folder ----------------------------------------------------------------------------------


class DirectoryStore:
    """One blob per file at root/<case_id>/<media_id>.sealed (folders 0700, files 0600), for a
    service with a disk it backs up. A blob appears whole or not at all: it is written to
    <media_id>.partial, synced, and renamed over."""

    name = "directory"

    def __init__(self, root: Path, *, create: bool = False):
        # create: make the root if it is missing (development). In production a missing root is a
        # mount that failed; writing beside it would put files on the wrong disk.
        self.root = Path(root)
        self.create = create

    def _folder(self, case_id: UUID) -> Path:
        return self.root / _id(case_id)

    def _path(self, media_id: UUID, case_id: UUID) -> Path:
        return self._folder(case_id) / f"{_id(media_id)}.sealed"

    def put(self, session: Session, media_id: UUID, case_id: UUID, sealed_chunks: Iterable[bytes]) -> int:
        if self.create:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder = self._folder(case_id)
        folder.mkdir(mode=0o700, exist_ok=True)
        target = self._path(media_id, case_id)
        partial = folder / f"{_id(media_id)}.partial"
        count = 0
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                os.fchmod(handle.fileno(), 0o600)  # a partial left by a crash may have had another mode
                for sealed in checked_chunks(sealed_chunks):
                    handle.write(sealed)
                    count += 1
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, target)
        except BaseException:
            with suppress(OSError):
                partial.unlink(missing_ok=True)
            raise
        _sync_folder(folder)
        return count

    def chunks(self, session: Session, media_id: UUID, case_id: UUID, first: int, last: int) -> Iterator[bytes]:
        _check_range(first, last)
        try:
            handle = open(self._path(media_id, case_id), "rb")  # noqa: SIM115 (closed by _read)
        except FileNotFoundError:
            raise _missing(media_id, self.name) from None
        try:
            if os.fstat(handle.fileno()).st_size <= last * SEALED_CHUNK_SIZE:
                raise _missing(media_id, self.name)
            handle.seek(first * SEALED_CHUNK_SIZE)
        except BaseException:
            handle.close()
            raise
        return self._read(handle, first, last)

    @staticmethod
    def _read(handle: Any, first: int, last: int) -> Iterator[bytes]:
        with handle:
            for _index in range(first, last + 1):
                yield handle.read(SEALED_CHUNK_SIZE)  # the last chunk: whatever is left

    def delete(self, session: Session, media_id: UUID, case_id: UUID) -> None:
        folder = self._folder(case_id)
        for path in (self._path(media_id, case_id), folder / f"{_id(media_id)}.partial"):
            path.unlink(missing_ok=True)

    def delete_case(self, session: Session, case_id: UUID) -> None:
        folder = self._folder(case_id)
        if folder.exists():
            shutil.rmtree(folder)
            _sync_folder(self.root)


def _sync_folder(folder: Path) -> None:
    """A rename or removal is durable only once its folder is synced."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- An S3-compatible bucket -------------------------------------------------------------------


class ObjectStore:
    """One object per file, key "<case_id>/<media_id>.sealed", in an S3-compatible bucket (AWS S3,
    MinIO, Ceph, ...). Written by multipart upload as the chunks arrive, read by ranged GETs.

    The boto3 client is made on first use, not at import or construction (so the app starts
    without reaching the endpoint); tests pass their own. Credentials come from boto3's usual
    places (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, an instance role), never from our config.
    """

    name = "object"

    def __init__(
        self,
        bucket: str,
        client: Any = None,
        *,
        endpoint: str | None = None,
        region: str | None = None,
        part_size: int = PART_SIZE,
    ):
        if not bucket:
            raise ConfigError("PORTAL_MEDIA_BUCKET is not set (required for the object store)")
        if part_size < MIN_PART_SIZE:
            raise ValueError("S3 parts are at least 5 MiB")
        self.bucket = bucket
        self.endpoint = endpoint
        self.region = region
        self.part_size = part_size
        self._client = client
        self._lock = threading.Lock()

    @property
    def client(self) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._make_client()
        return self._client

    def _make_client(self) -> Any:
        import boto3  # type: ignore[import-untyped]  # imported here: most services never need it
        from botocore.config import Config  # type: ignore[import-untyped]

        config = Config(
            # Checksums only where S3 demands them: S3-compatible stores differ on the newer
            # ones, and every chunk carries its own AES-GCM tag anyway.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            # A store at its own address (MinIO, Ceph) is reached by path, not by bucket subdomain.
            s3={"addressing_style": "path"} if self.endpoint else None,
            retries={"max_attempts": 5, "mode": "standard"},
            connect_timeout=5,
            read_timeout=60,
        )
        # A session of its own: boto3's default session is not safe to share between threads.
        session = boto3.session.Session()
        return session.client("s3", endpoint_url=self.endpoint, region_name=self.region, config=config)

    def _key(self, media_id: UUID, case_id: UUID) -> str:
        return f"{_id(case_id)}/{_id(media_id)}.sealed"

    def put(self, session: Session, media_id: UUID, case_id: UUID, sealed_chunks: Iterable[bytes]) -> int:
        client, key = self.client, self._key(media_id, case_id)
        buffer = bytearray()
        count = 0
        upload_id: str | None = None
        parts: list[dict[str, Any]] = []
        try:
            for sealed in checked_chunks(sealed_chunks):
                buffer += sealed
                count += 1
                if len(buffer) >= self.part_size:
                    if upload_id is None:
                        started = client.create_multipart_upload(Bucket=self.bucket, Key=key, ContentType=CONTENT_TYPE)
                        upload_id = started["UploadId"]
                    parts.append(self._upload_part(key, upload_id, len(parts) + 1, buffer))
                    buffer.clear()
            if upload_id is None:  # under one part: a single PUT
                client.put_object(Bucket=self.bucket, Key=key, Body=bytes(buffer), ContentType=CONTENT_TYPE)
                return count
            if buffer:
                parts.append(self._upload_part(key, upload_id, len(parts) + 1, buffer))
            client.complete_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
            )
        except BaseException:
            if upload_id is not None:  # or the parts stay in the bucket, unseen and billed
                with suppress(Exception):
                    client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            raise
        return count

    def _upload_part(self, key: str, upload_id: str, number: int, data: bytearray) -> dict[str, Any]:
        answer = self.client.upload_part(
            Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=bytes(data)
        )
        return {"PartNumber": number, "ETag": answer["ETag"]}

    def chunks(self, session: Session, media_id: UUID, case_id: UUID, first: int, last: int) -> Iterator[bytes]:
        _check_range(first, last)
        from botocore.exceptions import ClientError  # type: ignore[import-untyped]

        start, end = first * SEALED_CHUNK_SIZE, (last + 1) * SEALED_CHUNK_SIZE - 1
        try:
            answer = self.client.get_object(
                Bucket=self.bucket, Key=self._key(media_id, case_id), Range=f"bytes={start}-{end}"
            )
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code in ("NoSuchKey", "InvalidRange", "404") or status in (404, 416):
                raise _missing(media_id, self.name) from None
            raise
        body = answer["Body"]
        total = _total_size(answer.get("ContentRange"))
        if total is not None and total <= last * SEALED_CHUNK_SIZE:
            body.close()
            raise _missing(media_id, self.name)
        return self._read(body, media_id, first, last)

    def _read(self, body: Any, media_id: UUID, first: int, last: int) -> Iterator[bytes]:
        """Cut the response into sealed chunks as it arrives: at most one chunk and one network
        read in memory."""
        expected = last - first + 1
        given = 0
        buffer = bytearray()
        try:
            for piece in body.iter_chunks(SEALED_CHUNK_SIZE):
                buffer += piece
                while len(buffer) >= SEALED_CHUNK_SIZE and given < expected:
                    yield bytes(buffer[:SEALED_CHUNK_SIZE])
                    del buffer[:SEALED_CHUNK_SIZE]
                    given += 1
            if buffer and given < expected:
                yield bytes(buffer)
                given += 1
            if given != expected:
                raise _missing(media_id, self.name)
        finally:
            body.close()

    def delete(self, session: Session, media_id: UUID, case_id: UUID) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(media_id, case_id))

    def delete_case(self, session: Session, case_id: UUID) -> None:
        """Every object under the case's prefix, and any upload to it left unfinished."""
        client, prefix = self.client, f"{_id(case_id)}/"
        keys: list[str] = []
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            keys.extend(entry["Key"] for entry in page.get("Contents", []))
        for start in range(0, len(keys), 1000):  # DeleteObjects takes at most 1000 keys
            batch = [{"Key": key} for key in keys[start : start + 1000]]
            answer = client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
            if answer.get("Errors"):
                raise RuntimeError(f"the object store kept {len(answer['Errors'])} objects of a case being deleted")
        for page in client.get_paginator("list_multipart_uploads").paginate(Bucket=self.bucket, Prefix=prefix):
            for upload in page.get("Uploads", []):
                client.abort_multipart_upload(Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"])


def _total_size(content_range: str | None) -> int | None:
    """The object's size from "bytes a-b/total" (None when the store did not say)."""
    if not content_range or "/" not in content_range:
        return None
    total = content_range.rsplit("/", 1)[1]
    return int(total) if total.isdigit() else None


# --- Choosing a store --------------------------------------------------------------------------


def store_from_config(config: Mapping[str, object]) -> MediaStore:
    """The store new files go to (PORTAL_MEDIA_STORE, the database by default)."""
    return store_named(str(config.get("MEDIA_STORE") or "database"), config)


def store_named(name: str, config: Mapping[str, object]) -> MediaStore:
    """The store a media_files row names: a file is always read from where it was written."""
    if name == "database":
        return DatabaseStore()
    if name == "directory":
        folder = config.get("MEDIA_DIR")
        if not folder:
            raise ConfigError("PORTAL_MEDIA_DIR is not set (required for the directory store)")
        return DirectoryStore(Path(str(folder)), create=config.get("ENV") != "production")
    if name == "object":
        bucket = config.get("MEDIA_BUCKET")
        endpoint, region = config.get("MEDIA_S3_ENDPOINT"), config.get("MEDIA_S3_REGION")
        return ObjectStore(
            str(bucket or ""),
            endpoint=str(endpoint) if endpoint else None,
            region=str(region) if region else None,
        )
    raise ConfigError(f"PORTAL_MEDIA_STORE must be one of {', '.join(MEDIA_STORES)}, not {name!r}")


class MediaStores:
    """The stores of one app: where new files go (`current`), and each store by the name a row
    keeps, made once and reused (an object store's client with its connection pool)."""

    def __init__(self, config: Mapping[str, object]):
        self._config = config
        self._made: dict[str, MediaStore] = {}
        self._lock = threading.Lock()

    @property
    def current(self) -> MediaStore:
        return self.named(str(self._config.get("MEDIA_STORE") or "database"))

    def named(self, name: str) -> MediaStore:
        with self._lock:
            if name not in self._made:
                self._made[name] = store_named(name, self._config)
            return self._made[name]
