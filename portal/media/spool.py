"""An upload spooled to a temp file that never holds its plaintext.

A browser's upload can be hundreds of megabytes, too big to keep in memory, yet a plain temp
file would leave a person's recording readable on the server's disk (and in its backups and
swap of the file system) until it is overwritten. SealedSpool seals what is written in 64 KiB
chunks with AES-256-GCM under a random key that only this object holds: once the object is
gone the file (already unlinked where the platform allows) is noise.

Layout of the temp file: chunk i (plaintext bytes i*CHUNK_SIZE ...) sealed as nonce (12) +
ciphertext + tag (16), starting at byte i * SEALED_SIZE. Only the last chunk may be shorter.
The associated data binds each chunk to its index and to whether it is the last, so chunks
cannot be swapped or the file cut short without the read failing.
"""

from __future__ import annotations

import io
import os
import struct
import tempfile
import threading
from collections.abc import Iterator
from typing import IO, Any, cast

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

CHUNK_SIZE = 65536
NONCE_BYTES = 12
TAG_BYTES = 16
SEALED_SIZE = CHUNK_SIZE + NONCE_BYTES + TAG_BYTES


class SpoolTampered(Exception):
    """A chunk of the spool failed to open: the temp file was changed under us."""


class SealedSpool(io.RawIOBase):
    """Write an upload once, then read it back in order or by ranges; plaintext stays in memory.

    Writing: `write(data)` any number of times. The first `seek`, `read` or `open_range`
    ends writing (werkzeug seeks to 0 once the part is received). Reading: `read(n)`,
    `seek`, `tell`, or `open_range(offset, length)`, which is safe from several threads at
    once (the loopback range server answers ffmpeg's requests on threads).
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None, *, limit: int | None = None) -> None:
        super().__init__()
        # Past `limit` bytes the rest of the upload is dropped unread (only counted), so the other
        # fields of its form are still read and kept while the file itself is refused.
        self._limit = limit
        self.over_limit = False
        self._aead = AESGCM(AESGCM.generate_key(bit_length=256))
        # TemporaryFile has no name on Linux (O_TMPFILE) or is unlinked at once elsewhere.
        self._file: IO[bytes] = tempfile.TemporaryFile(dir=directory)  # noqa: SIM115 - closed by close()
        self._fd = self._file.fileno()
        self._pending = bytearray()  # plaintext not yet sealed: at most one chunk, in memory only
        self._sealed_chunks = 0
        self._size = 0
        self._writing = True
        self._position = 0
        self._cache: tuple[int, bytes] | None = None  # the last chunk read() opened
        self._lock = threading.RLock()  # finishing may race with the first ranged reads

    @classmethod
    def stream_factory(
        cls,
        total_content_length: int | None = None,
        content_type: str | None = None,
        filename: str | None = None,
        content_length: int | None = None,
        *,
        limit: int | None = None,
    ) -> IO[bytes]:
        """werkzeug's stream_factory signature: a file part goes to a SealedSpool (of at most
        `limit` bytes kept).

        Typed as werkzeug wants it; the object is a SealedSpool (isinstance to get it back).
        The stated type and file name are deliberately dropped: neither is ever kept.
        """
        return cast(IO[bytes], cls(limit=limit))

    # -- io.RawIOBase -------------------------------------------------------------------------

    def readable(self) -> bool:
        return not self.closed

    def writable(self) -> bool:
        return not self.closed and self._writing

    def seekable(self) -> bool:
        return not self.closed

    @property
    def size(self) -> int:
        """How many plaintext bytes were written."""
        return self._size

    def write(self, data: Any) -> int:
        self._check_open()
        if not self._writing:
            raise ValueError("the spool was already read; it takes no more writes")
        view = memoryview(data).cast("B")
        if self.over_limit or (self._limit is not None and self._size + len(view) > self._limit):
            self.over_limit = True
            self._pending.clear()
            return len(view)
        self._pending += view
        self._size += len(view)
        # Keep the newest full chunk back: only at the end is it known whether it is the last.
        while len(self._pending) > CHUNK_SIZE:
            self._seal_at(self._sealed_chunks, bytes(self._pending[:CHUNK_SIZE]), last=False)
            del self._pending[:CHUNK_SIZE]
        return len(view)

    def finish(self) -> None:
        """End writing: seal what is still in memory as the last chunk."""
        self._check_open()
        with self._lock:
            if self._writing:
                self._seal_at(self._sealed_chunks, bytes(self._pending), last=True)
                self._pending = bytearray()
                self._writing = False

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.finish()
        if whence == io.SEEK_SET:
            target = offset
        elif whence == io.SEEK_CUR:
            target = self._position + offset
        elif whence == io.SEEK_END:
            target = self._size + offset
        else:
            raise ValueError("whence must be SEEK_SET, SEEK_CUR or SEEK_END")
        if target < 0:
            raise ValueError("negative seek position")
        self._position = target
        return target

    def tell(self) -> int:
        self._check_open()
        return self._size if self._writing else self._position

    def read(self, size: int | None = -1) -> bytes:
        self.finish()
        if size is None or size < 0:
            size = max(0, self._size - self._position)
        end = min(self._size, self._position + size)
        parts: list[bytes] = []
        while self._position < end:
            index, within = divmod(self._position, CHUNK_SIZE)
            if self._cache is None or self._cache[0] != index:
                self._cache = (index, self._open_chunk(index))
            piece = self._cache[1][within : within + (end - self._position)]
            parts.append(piece)
            self._position += len(piece)
        return b"".join(parts)

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)

    def readall(self) -> bytes:
        return self.read(-1)

    def close(self) -> None:
        """Delete the temp file and forget the key."""
        if not self.closed:
            self._file.close()
            self._pending = bytearray()
            self._cache = None
        super().close()

    # -- ranges -------------------------------------------------------------------------------

    def open_range(self, offset: int, length: int) -> Iterator[bytes]:
        """Yield the plaintext bytes offset .. offset+length-1 (cut at the end), in pieces.

        Positional reads and no shared state: several ranges may be read at once.
        """
        self.finish()
        if offset < 0 or length < 0:
            raise ValueError("offset and length must not be negative")
        end = min(self._size, offset + length)
        position = offset
        while position < end:
            index, within = divmod(position, CHUNK_SIZE)
            chunk = self._open_chunk(index)
            piece = chunk[within : within + (end - position)]
            yield piece
            position += len(piece)

    def read_range(self, offset: int, length: int) -> bytes:
        """open_range joined: for what is read whole anyway (a magic-byte head, a picture)."""
        return b"".join(self.open_range(offset, length))

    def chunks(self) -> Iterator[bytes]:
        """The whole plaintext in order, one 64 KiB chunk at a time (for piping to a program)."""
        return self.open_range(0, self._size)

    # -- sealing ------------------------------------------------------------------------------

    def _chunk_count(self) -> int:
        return max(1, -(-self._size // CHUNK_SIZE))

    @staticmethod
    def _associated_data(index: int, last: bool) -> bytes:
        return b"rx/spool|" + struct.pack(">Q?", index, last)

    def _seal_at(self, index: int, plaintext: bytes, last: bool) -> None:
        nonce = os.urandom(NONCE_BYTES)
        sealed = nonce + self._aead.encrypt(nonce, plaintext, self._associated_data(index, last))
        with self._lock:
            os.pwrite(self._fd, sealed, index * SEALED_SIZE)
        self._sealed_chunks = index + 1

    def _open_chunk(self, index: int) -> bytes:
        self._check_open()
        count = self._chunk_count()
        if not 0 <= index < count:
            raise IndexError("chunk index out of range")
        last = index == count - 1
        expected = CHUNK_SIZE if not last else self._size - index * CHUNK_SIZE
        sealed = os.pread(self._fd, SEALED_SIZE, index * SEALED_SIZE)
        if len(sealed) != expected + NONCE_BYTES + TAG_BYTES:
            raise SpoolTampered(f"spool chunk {index}")
        nonce, body = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
        try:
            plain = self._aead.decrypt(nonce, body, self._associated_data(index, last))
        except InvalidTag:
            raise SpoolTampered(f"spool chunk {index}") from None
        return plain

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on a closed spool")
