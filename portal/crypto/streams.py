"""Chunked sealing for files: a 200 MB recording is sealed and opened 64 KiB at a time.

Each chunk is an AES-256-GCM envelope of its own (portal.crypto.envelope) whose associated
data names the file, its item, its case, the chunk's index and whether it is the last one. So a
chunk moved to another place in the file, another file or another case no longer opens, and a
file cut short is found out: its new last chunk was sealed as "not the last".

Every sealed chunk but the last is exactly SEALED_CHUNK_SIZE bytes, so chunk i of a blob starts
at byte i * SEALED_CHUNK_SIZE and a range of the plaintext maps to a range of chunks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from uuid import UUID

from portal.crypto.envelope import NONCE_BYTES, Binding, seal, unseal

CHUNK_SIZE = 64 * 1024
OVERHEAD = 1 + NONCE_BYTES + 16  # version byte, nonce, tag
SEALED_CHUNK_SIZE = CHUNK_SIZE + OVERHEAD
TABLE = "media_files"


def chunk_count(byte_size: int) -> int:
    return max(1, -(-byte_size // CHUNK_SIZE))


def chunks_for_range(first_byte: int, last_byte: int) -> tuple[int, int]:
    """The chunk indexes holding plaintext bytes first_byte..last_byte (inclusive)."""
    return first_byte // CHUNK_SIZE, last_byte // CHUNK_SIZE


@dataclass(frozen=True)
class MediaSealer:
    """Seals and opens the chunks of one file of one item of one case."""

    case_id: UUID
    item_id: UUID
    media_id: UUID
    key: bytes

    def _binding(self, index: int, last: bool) -> Binding:
        field = f"chunk/{self.item_id}/{index}/{'last' if last else 'more'}"
        return Binding(TABLE, self.media_id, field, self.case_id)

    def seal_chunk(self, index: int, last: bool, data: bytes) -> bytes:
        return seal(self.key, data, self._binding(index, last))

    def open_chunk(self, index: int, last: bool, sealed: bytes) -> bytes:
        return unseal(self.key, sealed, self._binding(index, last))

    def seal_stream(self, pieces: Iterable[bytes]) -> Iterator[bytes]:
        """Cut whatever arrives into chunks and seal each as soon as the next one has begun (so the
        last is known); yields sealed chunks. Holds at most two chunks of plaintext at once."""
        buffer = bytearray()
        index = 0
        pending: bytes | None = None
        for piece in pieces:
            buffer += piece
            while len(buffer) >= CHUNK_SIZE:
                if pending is not None:
                    yield self.seal_chunk(index, False, pending)
                    index += 1
                pending = bytes(buffer[:CHUNK_SIZE])
                del buffer[:CHUNK_SIZE]
        if buffer:
            if pending is not None:
                yield self.seal_chunk(index, False, pending)
                index += 1
            pending = bytes(buffer)
        if pending is not None:
            yield self.seal_chunk(index, True, pending)

    def open_chunks(self, sealed: Iterable[bytes], first: int, count: int) -> Iterator[bytes]:
        """Open chunks first, first+1, ... of a file of `count` chunks, in order."""
        for index, chunk in enumerate(sealed, start=first):
            yield self.open_chunk(index, index == count - 1, chunk)
