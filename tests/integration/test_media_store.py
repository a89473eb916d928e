"""The three media stores keep sealed chunks and give them back, whole or by range, and nothing else.

The same tests run against each store: the database (media_chunks rows; run this file on SQLite
and on PostgreSQL), a folder, and an S3-compatible bucket. The bucket is moto's S3 server
(ThreadedMotoServer) on a free loopback port, spoken to over real HTTP by boto3: a real
S3-compatible server, not a mock of boto3, but not MinIO either. Each file carries a plaintext
marker, and each store's raw bytes are searched for it.
"""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer
from sqlalchemy import event, select, text

from portal.crypto.envelope import new_key
from portal.crypto.streams import CHUNK_SIZE, SEALED_CHUNK_SIZE, MediaSealer, chunk_count
from portal.domain.enums import ItemKind
from portal.runtime import unit_of_work
from portal.services import letters
from portal.storage import models
from portal.storage.db import EXTENSION_KEY, WriteOutsideUnitOfWork
from portal.storage.media_store import (
    FLUSH_EVERY,
    PART_SIZE,
    DatabaseStore,
    DirectoryStore,
    MediaNotFound,
    MediaStore,
    ObjectStore,
    store_from_config,
)
from tests.factories import actor_of, exchange_case

MARKER = b"PLAINTEXT-MARKER-" + uuid.uuid4().hex.upper().encode()
SIZE = 3_500_000  # 3.5 MB: 54 chunks, less than one multipart part
PART_CHUNKS = -(-PART_SIZE // SEALED_CHUNK_SIZE)  # sealed chunks in one multipart part (128)
LARGE = (PART_CHUNKS + 22) * CHUNK_SIZE  # two parts: a full one and a short last one
REGION = "eu-west-2"


class Boom(Exception):
    """Raised by a source of chunks that fails halfway."""


# --- moto's S3 server, once per module ---------------------------------------------------------


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_env(monkeypatch, tmp_path) -> None:
    """Dummy credentials where boto3 looks for them, and no real AWS configuration."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def s3(s3_endpoint, aws_env):
    """The test's own boto3 client, to make buckets and look inside them."""
    return boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION)


@pytest.fixture
def bucket(s3) -> str:
    name = f"media-{uuid.uuid4().hex[:16]}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return name


@pytest.fixture
def object_config(settings, s3_endpoint, bucket, aws_env) -> dict:
    return {
        **settings,
        "MEDIA_STORE": "object",
        "MEDIA_BUCKET": bucket,
        "MEDIA_S3_ENDPOINT": s3_endpoint,
        "MEDIA_S3_REGION": REGION,
    }


# --- Each store, with a way to see its raw bytes and what it has left behind -----------------


@dataclass
class Backend:
    store: MediaStore
    raw: Callable[[], bytes]  # every byte the store holds
    leftovers: Callable[[], list[str]]  # every blob, partial file, row or unfinished upload


def database_backend(store: MediaStore, uow) -> Backend:
    def raw() -> bytes:
        rows = uow.session.execute(text("SELECT sealed FROM media_chunks")).scalars()
        return b"".join(bytes(value) for value in rows)

    def leftovers() -> list[str]:
        with uow.session.no_autoflush:
            rows = uow.session.execute(select(models.MediaChunk.media_id, models.MediaChunk.position))
            return [f"{media_id}/{position}" for media_id, position in rows]

    return Backend(store, raw, leftovers)


def directory_backend(store: MediaStore, root: Path) -> Backend:
    def files() -> list[Path]:
        return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []

    return Backend(
        store,
        lambda: b"".join(p.read_bytes() for p in files()),
        lambda: [str(p.relative_to(root)) for p in files()],
    )


def object_backend(store: MediaStore, s3, bucket: str) -> Backend:
    def keys() -> list[str]:
        return [entry["Key"] for entry in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]

    def raw() -> bytes:
        return b"".join(s3.get_object(Bucket=bucket, Key=key)["Body"].read() for key in keys())

    def leftovers() -> list[str]:
        uploads = s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
        return keys() + [f"upload:{upload['Key']}" for upload in uploads]

    return Backend(store, raw, leftovers)


@pytest.fixture(params=["database", "directory", "object"])
def backend(request, settings, tmp_path, uow) -> Backend:
    """Each store as the app's config chooses it (store_from_config)."""
    if request.param == "database":
        store = store_from_config(settings)
        assert isinstance(store, DatabaseStore)
        return database_backend(store, uow)
    if request.param == "directory":
        root = tmp_path / "media"
        store = store_from_config({**settings, "MEDIA_STORE": "directory", "MEDIA_DIR": str(root)})
        assert isinstance(store, DirectoryStore)
        return directory_backend(store, root)
    store = store_from_config(request.getfixturevalue("object_config"))
    assert isinstance(store, ObjectStore)
    return object_backend(store, request.getfixturevalue("s3"), request.getfixturevalue("bucket"))


# --- Files ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """An item of a case, which a media_files row needs."""

    case_id: uuid.UUID
    item_id: uuid.UUID
    added_by: uuid.UUID


def new_place(app) -> Place:
    world = exchange_case(app)
    with app.app_context():
        item = letters.start(unit_of_work(), actor_of(world["harmed"].account), world.case_id, ItemKind.LETTER, None)
    return Place(world.case_id, item, world.facilitator.id)


@pytest.fixture
def place(app) -> Place:
    return new_place(app)


@dataclass(frozen=True)
class File:
    place: Place
    media_id: uuid.UUID
    sealer: MediaSealer
    plaintext: bytes

    @property
    def count(self) -> int:
        return chunk_count(len(self.plaintext))

    def sealed(self) -> Iterator[bytes]:
        """Sealed as the service seals: from pieces of any size, as they come."""
        return self.sealer.seal_stream(self.plaintext[i : i + 50_000] for i in range(0, len(self.plaintext), 50_000))

    def plain(self, first: int, last: int) -> bytes:
        return self.plaintext[first * CHUNK_SIZE : (last + 1) * CHUNK_SIZE]


def new_file(place: Place, size: int = SIZE) -> File:
    data = bytearray(os.urandom(size))
    for offset in (0, CHUNK_SIZE - 7, size // 2, size - len(MARKER)):  # one across a chunk boundary
        data[offset : offset + len(MARKER)] = MARKER
    media_id = uuid.uuid4()
    return File(place, media_id, MediaSealer(place.case_id, place.item_id, media_id, new_key()), bytes(data))


def put(uow, store: MediaStore, file: File, chunks: Iterable[bytes] | None = None) -> int:
    """As the service does: the media_files row first, then the chunks, in one unit of work."""
    with uow:
        uow.session.add(
            models.MediaFile(
                id=file.media_id,
                case_id=file.place.case_id,
                item_id=file.place.item_id,
                role="attachment",
                kind="video",
                content_type="video/webm",
                position=1,
                byte_size=len(file.plaintext),
                chunk_size=CHUNK_SIZE,
                chunk_count=file.count,
                store=store.name,
                opened_by=[],
                added_by_id=file.place.added_by,
            )
        )
        uow.session.flush()
        return store.put(uow.session, file.media_id, file.place.case_id, file.sealed() if chunks is None else chunks)


def read(uow, store: MediaStore, file: File, first: int, last: int) -> bytes:
    with uow:
        sealed = store.chunks(uow.session, file.media_id, file.place.case_id, first, last)
        return b"".join(file.sealer.open_chunks(sealed, first, file.count))


def failing_after(chunks: Iterator[bytes], count: int, on_failure: Callable[[], None]) -> Iterator[bytes]:
    for index, sealed in enumerate(chunks):
        if index == count:
            on_failure()
            raise Boom
        yield sealed


# --- Every store ------------------------------------------------------------------------------


class TestEveryStore:
    def test_a_file_comes_back_whole_and_by_ranges(self, backend, uow, place):
        file = new_file(place)
        assert put(uow, backend.store, file) == file.count == 54
        last = file.count - 1

        assert read(uow, backend.store, file, 0, last) == file.plaintext
        for first, end in ((0, 0), (27, 27), (20, 23), (last, last), (last - 2, last)):
            assert read(uow, backend.store, file, first, end) == file.plain(first, end), (first, end)
        assert len(file.plain(last, last)) == SIZE - last * CHUNK_SIZE  # the short last chunk

    def test_a_chunk_it_does_not_hold_is_not_found(self, backend, uow, place):
        file = new_file(place)
        put(uow, backend.store, file)
        with uow:
            for first, last in ((0, file.count), (file.count, file.count + 3)):
                with pytest.raises(MediaNotFound):
                    list(backend.store.chunks(uow.session, file.media_id, place.case_id, first, last))
            with pytest.raises(MediaNotFound):
                list(backend.store.chunks(uow.session, uuid.uuid4(), place.case_id, 0, 0))

    def test_delete_removes_the_file(self, backend, uow, place):
        kept, deleted = new_file(place, 200_000), new_file(place)
        put(uow, backend.store, kept)
        put(uow, backend.store, deleted)
        with uow:
            backend.store.delete(uow.session, deleted.media_id, place.case_id)
        with uow, pytest.raises(MediaNotFound):
            list(backend.store.chunks(uow.session, deleted.media_id, place.case_id, 0, 0))
        assert not [name for name in backend.leftovers() if str(deleted.media_id) in name]
        assert read(uow, backend.store, kept, 0, kept.count - 1) == kept.plaintext
        with uow:  # twice is harmless: a service cleaning up after a failure may not know
            backend.store.delete(uow.session, deleted.media_id, place.case_id)

    def test_delete_case_removes_only_that_cases_files(self, backend, uow, app, place):
        other = new_place(app)
        gone = [new_file(place), new_file(place, 100_000)]
        kept = new_file(other, 300_000)
        for file in (*gone, kept):
            put(uow, backend.store, file)

        with uow:
            backend.store.delete_case(uow.session, place.case_id)

        for file in gone:
            with uow, pytest.raises(MediaNotFound):
                list(backend.store.chunks(uow.session, file.media_id, place.case_id, 0, 0))
        assert backend.leftovers()
        assert all(str(kept.media_id) in name for name in backend.leftovers())
        assert read(uow, backend.store, kept, 0, kept.count - 1) == kept.plaintext

    def test_the_raw_store_holds_no_plaintext(self, backend, uow, app, place):
        files = [new_file(place), new_file(new_place(app), 70_000)]
        sealed_bytes = 0
        for file in files:
            put(uow, backend.store, file)
            sealed_bytes += len(file.plaintext) + 29 * file.count
            assert file.plaintext.count(MARKER) == 4

        raw = backend.raw()
        assert len(raw) == sealed_bytes  # the dump holds every sealed byte, so the search means something
        assert MARKER not in raw
        assert files[0].plaintext[1000:1032] not in raw

    def test_a_put_that_fails_midway_leaves_nothing_behind(self, backend, uow, place):
        file = new_file(place, (PART_CHUNKS + 20) * CHUNK_SIZE)
        seen_midway: list[str] = []

        with pytest.raises(Boom):
            put(
                uow,
                backend.store,
                file,
                failing_after(file.sealed(), PART_CHUNKS + 10, lambda: seen_midway.extend(backend.leftovers())),
            )

        assert seen_midway, "nothing had been written before the failure: the test proves nothing"
        assert backend.leftovers() == []

    def test_chunks_of_the_wrong_sizes_are_refused(self, backend, uow, place):
        file = new_file(place)
        sealed = list(file.sealed())
        with pytest.raises(ValueError, match="only the last"):
            put(uow, backend.store, file, iter([sealed[0], sealed[-1], sealed[1]]))
        assert backend.leftovers() == []


# --- The database store -----------------------------------------------------------------------


def test_the_database_store_flushes_as_it_goes_and_keeps_no_chunks_in_the_session(uow, place):
    store = DatabaseStore()
    file = new_file(place)
    in_session: list[int] = []
    in_database: list[int] = []

    def watched() -> Iterator[bytes]:
        for sealed in file.sealed():
            in_session.append(sum(isinstance(entry, models.MediaChunk) for entry in uow.session))
            with uow.session.no_autoflush:
                in_database.append(len(database_backend(store, uow).leftovers()))
            yield sealed

    assert put(uow, store, file, watched()) == 54
    assert max(in_session) <= FLUSH_EVERY
    assert in_database[40] >= FLUSH_EVERY  # written before the last chunk arrived
    assert not [entry for entry in uow.session if isinstance(entry, models.MediaChunk)]


def test_the_database_store_reads_only_the_range(app, uow, place):
    store = DatabaseStore()
    file = new_file(place)
    put(uow, store, file)
    engine = app.extensions[EXTENSION_KEY].kw["bind"]
    statements: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert read(uow, store, file, 30, 32) == file.plain(30, 32)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    (statement, parameters), *_ = [s for s in statements if "media_chunks" in s[0]]
    assert "BETWEEN" in statement
    assert 30 in _values(parameters)
    assert 32 in _values(parameters)


def test_the_database_store_deletes_only_inside_a_unit_of_work(uow, place):
    """Its chunks go in the use case's transaction; a stray DELETE outside one is a bug."""
    store = DatabaseStore()
    file = new_file(place, 100_000)
    put(uow, store, file)
    with pytest.raises(WriteOutsideUnitOfWork):
        store.delete(uow.session, file.media_id, place.case_id)
    with pytest.raises(WriteOutsideUnitOfWork):
        store.delete_case(uow.session, place.case_id)
    uow.rollback()
    assert read(uow, store, file, 0, file.count - 1) == file.plaintext


def _values(parameters: object) -> list[object]:
    if isinstance(parameters, dict):
        return list(parameters.values())
    return list(parameters)  # type: ignore[call-overload]


# --- The directory store ----------------------------------------------------------------------


def test_the_directory_store_keeps_private_files_and_no_partial(uow, place, tmp_path):
    root = tmp_path / "media"
    store = DirectoryStore(root, create=True)
    file = new_file(place)
    put(uow, store, file)
    folder = root / str(place.case_id)
    assert [p.name for p in folder.iterdir()] == [f"{file.media_id}.sealed"]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / f"{file.media_id}.sealed").stat().st_mode) == 0o600
    assert (folder / f"{file.media_id}.sealed").stat().st_size == len(file.plaintext) + 29 * file.count


def test_the_directory_store_writes_a_partial_file_as_chunks_arrive(uow, place, tmp_path):
    root = tmp_path / "media"
    store = DirectoryStore(root, create=True)
    file = new_file(place)
    partial = root / str(place.case_id) / f"{file.media_id}.partial"
    sizes: list[int] = []

    def watched() -> Iterator[bytes]:
        for sealed in file.sealed():
            sizes.append(partial.stat().st_size if partial.exists() else -1)
            yield sealed

    put(uow, store, file, watched())
    assert sizes[40] >= 39 * SEALED_CHUNK_SIZE
    assert not partial.exists()


def test_a_directory_store_without_its_folder_writes_nowhere(uow, place, tmp_path):
    """In production (create=False) a missing folder is a mount that failed: nothing is made."""
    root = tmp_path / "not-mounted"
    with pytest.raises(FileNotFoundError):
        put(uow, DirectoryStore(root), new_file(place, 1000))
    assert not root.exists()


# --- The object store ---------------------------------------------------------------------------


def test_a_small_file_is_one_put_and_a_large_one_a_multipart_upload(uow, place, s3, bucket):
    store = ObjectStore(bucket, s3)  # a client of the test's own
    small, large = new_file(place), new_file(place, LARGE)
    put(uow, store, small)
    assert put(uow, store, large) == PART_CHUNKS + 22

    def head(file: File) -> dict:
        return s3.head_object(Bucket=bucket, Key=f"{place.case_id}/{file.media_id}.sealed")

    assert "-" not in head(small)["ETag"]
    assert head(large)["ETag"].strip('"').endswith("-2")  # two parts
    assert head(large)["ContentLength"] == len(large.plaintext) + 29 * large.count
    assert read(uow, store, large, 0, large.count - 1) == large.plaintext
    across = (PART_CHUNKS - 2, PART_CHUNKS + 2)  # a range across the parts' boundary
    assert read(uow, store, large, *across) == large.plain(*across)


def test_the_object_store_streams_parts_while_chunks_arrive(uow, place, s3, bucket):
    store = ObjectStore(bucket, s3)
    file = new_file(place, LARGE)
    uploads: list[int] = []

    def watched() -> Iterator[bytes]:
        for sealed in file.sealed():
            uploads.append(len(s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])))
            yield sealed

    put(uow, store, file, watched())
    assert uploads[PART_CHUNKS + 5] == 1  # the first part went up before the last chunk was sealed
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_an_object_range_is_one_ranged_get(uow, place, object_config):
    store = store_from_config(object_config)
    assert isinstance(store, ObjectStore)
    file = new_file(place)
    put(uow, store, file)
    ranges: list[bytes] = []
    store.client.meta.events.register(
        "before-send.s3.GetObject", lambda request, **_: ranges.append(request.headers["Range"])
    )
    assert read(uow, store, file, 3, 5) == file.plain(3, 5)
    assert read(uow, store, file, file.count - 1, file.count - 1) == file.plain(file.count - 1, file.count - 1)
    last = file.count - 1
    assert [bytes(value).decode() for value in ranges] == [
        f"bytes={3 * SEALED_CHUNK_SIZE}-{6 * SEALED_CHUNK_SIZE - 1}",
        f"bytes={last * SEALED_CHUNK_SIZE}-{(last + 1) * SEALED_CHUNK_SIZE - 1}",
    ]


def test_delete_case_also_abandons_unfinished_uploads(uow, place, s3, bucket, object_config):
    store = store_from_config(object_config)
    other = uuid.uuid4()
    s3.create_multipart_upload(Bucket=bucket, Key=f"{place.case_id}/{uuid.uuid4()}.sealed")
    s3.create_multipart_upload(Bucket=bucket, Key=f"{other}/{uuid.uuid4()}.sealed")
    with uow:
        store.delete_case(uow.session, place.case_id)
    uploads = s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
    assert [upload["Key"].split("/")[0] for upload in uploads] == [str(other)]
