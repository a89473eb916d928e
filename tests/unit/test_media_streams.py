"""Chunked sealing of files: exact round trips, fixed chunk sizes, and every move refused."""

import os
import uuid

import pytest

from portal.crypto.envelope import TamperedCiphertext, new_key
from portal.crypto.streams import CHUNK_SIZE, SEALED_CHUNK_SIZE, MediaSealer, chunk_count, chunks_for_range


def sealer(**changes: object) -> MediaSealer:
    fields = {"case_id": CASE, "item_id": ITEM, "media_id": MEDIA, "key": KEY} | changes
    return MediaSealer(**fields)  # type: ignore[arg-type]


CASE, ITEM, MEDIA, KEY = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), new_key()


@pytest.mark.parametrize("size", [1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 17])
def test_round_trip_whatever_the_pieces(size: int) -> None:
    data = os.urandom(size)
    pieces = [data[i : i + 1000] for i in range(0, size, 1000)]
    sealed = list(sealer().seal_stream(pieces))
    assert len(sealed) == chunk_count(size)
    assert all(len(chunk) == SEALED_CHUNK_SIZE for chunk in sealed[:-1])
    assert b"".join(sealer().open_chunks(sealed, 0, len(sealed))) == data


def test_a_range_opens_from_its_own_chunks() -> None:
    data = os.urandom(5 * CHUNK_SIZE)
    sealed = list(sealer().seal_stream([data]))
    first, last = chunks_for_range(2 * CHUNK_SIZE + 5, 4 * CHUNK_SIZE - 1)
    assert (first, last) == (2, 3)
    opened = b"".join(sealer().open_chunks(sealed[first : last + 1], first, len(sealed)))
    assert opened == data[2 * CHUNK_SIZE : 4 * CHUNK_SIZE]


def test_a_file_cut_short_does_not_open() -> None:
    sealed = list(sealer().seal_stream([os.urandom(3 * CHUNK_SIZE)]))
    with pytest.raises(TamperedCiphertext):
        list(sealer().open_chunks(sealed[:2], 0, 2))


def test_chunks_swapped_do_not_open() -> None:
    sealed = list(sealer().seal_stream([os.urandom(3 * CHUNK_SIZE)]))
    with pytest.raises(TamperedCiphertext):
        list(sealer().open_chunks([sealed[1], sealed[0], sealed[2]], 0, 3))


@pytest.mark.parametrize("moved", [{"case_id": uuid.uuid4()}, {"item_id": uuid.uuid4()}, {"media_id": uuid.uuid4()}])
def test_a_file_moved_elsewhere_does_not_open(moved: dict[str, object]) -> None:
    sealed = list(sealer().seal_stream([b"a drawing"]))
    with pytest.raises(TamperedCiphertext):
        list(sealer(**moved).open_chunks(sealed, 0, 1))


def test_no_plaintext_in_the_sealed_chunks() -> None:
    marker = b"MARKER-7f3a" * 10_000
    assert not any(b"MARKER-7f3a" in chunk for chunk in sealer().seal_stream([marker]))
