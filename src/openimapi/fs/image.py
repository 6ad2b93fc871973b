"""The virtual result image: an extent map and the random-access stream over it.

Laying out an image produces an :class:`ExtentMap`: sorted, non-overlapping runs of
blocks, each with a producer that makes its bytes on demand (metadata kept in memory,
blocks generated from a function, or a range of a source file). Gaps read as zeros.
:class:`ImageStream` reads any byte range by bisecting the map (O(log n)), so no
temporary image is ever written and memory stays proportional to the number of extents.
"""

from __future__ import annotations

import io
import os
import threading
from abc import ABC, abstractmethod
from bisect import bisect_right
from collections.abc import Callable
from typing import Any

from openimapi import errors
from openimapi.fs.source import Source

__all__ = ["BLOCK", "BlocksExtent", "ExtentMap", "FileExtent", "ImageStream", "MetaExtent", "Producer"]

BLOCK = 2048


class Producer(ABC):
    """Makes the bytes of one extent. ``read(offset, length)`` is relative to the extent."""

    __slots__ = ()

    @abstractmethod
    def read(self, offset: int, length: int) -> bytes:
        """Exactly ``length`` bytes from ``offset`` of the extent (zero padded at its end)."""

    def release(self) -> None:
        """Drop OS handles after the extent has been read."""
        return None


class MetaExtent(Producer):
    """Bytes built in memory (descriptors, directories, path tables); zero padded."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, offset: int, length: int) -> bytes:
        chunk = self.data[offset : offset + length]
        return chunk if len(chunk) == length else chunk + bytes(length - len(chunk))


class BlocksExtent(Producer):
    """Blocks generated one at a time by ``make(index)`` (e.g. UDF file entries)."""

    __slots__ = ("_cache", "make")

    def __init__(self, make: Callable[[int], bytes]) -> None:
        self.make = make
        self._cache: tuple[int, bytes] = (-1, b"")

    def _block(self, index: int) -> bytes:
        if self._cache[0] != index:
            data = self.make(index)
            self._cache = (index, data + bytes(BLOCK - len(data)) if len(data) < BLOCK else data[:BLOCK])
        return self._cache[1]

    def read(self, offset: int, length: int) -> bytes:
        out = []
        while length > 0:
            index, within = divmod(offset, BLOCK)
            take = min(length, BLOCK - within)
            out.append(self._block(index)[within : within + take])
            offset += take
            length -= take
        return b"".join(out)


class FileExtent(Producer):
    """A range of a source (file data); zero padded to the end of its last block.

    ``patch`` optionally rewrites bytes of the source (El Torito boot info table).
    """

    __slots__ = ("length", "offset", "patch", "source")

    def __init__(self, source: Source, offset: int = 0, length: int | None = None,
                 patch: tuple[int, bytes] | None = None) -> None:
        self.source = source
        self.offset = offset
        self.length = source.size - offset if length is None else length
        self.patch = patch

    def read(self, offset: int, length: int) -> bytes:
        real = max(0, min(length, self.length - offset))
        data = self.source.read_at(self.offset + offset, real) if real else b""
        if self.patch is not None:
            at, new = self.patch
            lo, hi = max(at, offset), min(at + len(new), offset + real)
            if lo < hi:
                data = data[: lo - offset] + new[lo - at : hi - at] + data[hi - offset :]
        return data + bytes(length - len(data)) if len(data) < length else data

    def release(self) -> None:
        self.source.close()


class ExtentMap:
    """Sorted, non-overlapping (start block, block count, producer, description) runs."""

    __slots__ = ("_counts", "_descriptions", "_producers", "_sorted", "_starts", "total_blocks")

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._counts: list[int] = []
        self._producers: list[Producer] = []
        self._descriptions: list[str | None] = []
        self._sorted = True
        self.total_blocks = 0

    def add(self, start: int, count: int, producer: Producer, description: str | None = None) -> None:
        """Record an extent of ``count`` blocks at block ``start`` (relative to the image)."""
        if count <= 0:
            return
        if self._starts and start < self._starts[-1]:
            self._sorted = False
        self._starts.append(start)
        self._counts.append(count)
        self._producers.append(producer)
        self._descriptions.append(description)
        self.total_blocks = max(self.total_blocks, start + count)

    def finish(self, total_blocks: int) -> None:
        """Sort, check that extents do not overlap, and fix the image size.

        Raises:
            IMAPI_E_FSI_INTERNAL_ERROR: two extents overlap or one ends past the image.
        """
        if not self._sorted:
            order = sorted(range(len(self._starts)), key=self._starts.__getitem__)
            self._starts = [self._starts[i] for i in order]
            self._counts = [self._counts[i] for i in order]
            self._producers = [self._producers[i] for i in order]
            self._descriptions = [self._descriptions[i] for i in order]
            self._sorted = True
        end = 0
        for start, count in zip(self._starts, self._counts, strict=True):
            if start < end:
                raise errors.IMAPI_E_FSI_INTERNAL_ERROR(f"extents overlap at block {start}")
            end = start + count
        if end > total_blocks:
            raise errors.IMAPI_E_FSI_INTERNAL_ERROR(f"an extent ends at block {end}, past the image ({total_blocks})")
        self.total_blocks = total_blocks

    def __len__(self) -> int:
        return len(self._starts)

    def find(self, block: int) -> int:
        """Index of the extent holding ``block``, or -1 for a gap."""
        i = bisect_right(self._starts, block) - 1
        if i >= 0 and block < self._starts[i] + self._counts[i]:
            return i
        return -1

    def extent(self, index: int) -> tuple[int, int, Producer, str | None]:
        return self._starts[index], self._counts[index], self._producers[index], self._descriptions[index]

    def described(self) -> list[tuple[str, int, int]]:
        """(description, first block, block count) of every described extent, in block order."""
        return [(d, s, c) for s, c, d in zip(self._starts, self._counts, self._descriptions, strict=True)
                if d is not None]

    def read(self, pos: int, length: int) -> bytes:
        """Bytes [pos, pos+length) of the image, clipped at its end."""
        end = min(pos + length, self.total_blocks * BLOCK)
        out: list[bytes] = []
        i = bisect_right(self._starts, pos // BLOCK) - 1
        while pos < end:
            if i >= 0 and pos < (self._starts[i] + self._counts[i]) * BLOCK:
                ext_start = self._starts[i] * BLOCK
                ext_end = min(end, (self._starts[i] + self._counts[i]) * BLOCK)
                out.append(self._producers[i].read(pos - ext_start, ext_end - pos))
                if ext_end == (self._starts[i] + self._counts[i]) * BLOCK:
                    self._producers[i].release()
                pos = ext_end
            else:
                nxt = self._starts[i + 1] * BLOCK if i + 1 < len(self._starts) else end
                gap_end = min(end, nxt)
                out.append(bytes(gap_end - pos))
                pos = gap_end
            if i + 1 < len(self._starts) and pos >= self._starts[i + 1] * BLOCK:
                i += 1
        return b"".join(out)


class ImageStream(io.RawIOBase):
    """Random-access, read-only stream of the result image (IStream of IFileSystemImageResult).

    Reads assemble bytes on demand from the extent map. ``block_ranges`` is None (write
    everything) unless the image only changes parts of a rewritable disc.
    """

    def __init__(self, extents: ExtentMap, block_ranges: Any = None,
                 on_read: Callable[[int, int], None] | None = None) -> None:
        super().__init__()
        self._map = extents
        self._pos = 0
        self.block_ranges = block_ranges
        self._on_read = on_read

    @property
    def size(self) -> int:
        return self._map.total_blocks * BLOCK

    def __len__(self) -> int:
        return self.size

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Raises: ValueError for a negative position or an unknown whence."""
        if whence == io.SEEK_SET:
            pos = offset
        elif whence == io.SEEK_CUR:
            pos = self._pos + offset
        elif whence == io.SEEK_END:
            pos = self.size + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if pos < 0:
            raise ValueError("negative seek position")
        self._pos = pos
        return pos

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self._map.read(self._pos, len(view))
        view[: len(data)] = data
        if self._on_read is not None and data:
            self._on_read(self._pos, self._pos + len(data))
        self._pos += len(data)
        return len(data)

    def read_blocks(self, first: int, count: int) -> bytes:
        """Blocks [first, first+count) of the image (without moving the position)."""
        data = self._map.read(first * BLOCK, count * BLOCK)
        if self._on_read is not None and data:
            self._on_read(first * BLOCK, first * BLOCK + len(data))
        return data

    def write_to(self, out: Any, chunk: int = 1 << 20, progress: Callable[[int], None] | None = None) -> int:
        """Copy the whole image (from the start) into a writable binary file; returns bytes written.

        (Plain reads and writes: on the file systems measured, ``copy_file_range`` was slower
        than copying 1 MiB chunks through the page cache.)

        Raises:
            IMAPI_E_DATA_STREAM_INCONSISTENCY: a source changed size since it was added.
            OSError: writing failed.
        """
        written = 0
        total = self.size
        ahead = _Readahead(self._map)
        try:
            while written < total:
                ahead.advance(written // BLOCK)
                data = self._map.read(written, min(chunk, total - written))
                out.write(data)
                if self._on_read is not None:
                    self._on_read(written, written + len(data))
                written += len(data)
                if progress is not None:
                    progress(written)
        finally:
            ahead.stop()
        return written


class _Readahead:
    """Asks the kernel to read the next source files while the current ones are copied
    (``posix_fadvise(WILLNEED)`` from a helper thread), so that reading many small,
    uncached files overlaps with building and writing the image."""

    WINDOW = 8 << 20  # bytes of file data hinted ahead of the writer

    def __init__(self, extents: ExtentMap) -> None:
        self._map = extents
        self._target = 0
        self._stop = False
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        if hasattr(os, "posix_fadvise") and len(extents):
            self._thread = threading.Thread(target=self._run, name="openimapi-readahead", daemon=True)
            self._thread.start()

    def advance(self, block: int) -> None:
        with self._cond:
            self._target = block + self.WINDOW // BLOCK
            self._cond.notify()

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        index = 0
        count = len(self._map)
        while index < count:
            with self._cond:
                while not self._stop and self._map.extent(index)[0] > self._target:
                    self._cond.wait()
                if self._stop:
                    return
            producer = self._map.extent(index)[2]
            index += 1
            path = getattr(getattr(producer, "source", None), "path", None)
            if not isinstance(producer, FileExtent) or not isinstance(path, str):
                continue
            try:
                fd = os.open(path, os.O_RDONLY)
            except OSError:
                continue  # the writer reports unreadable files, by name
            try:
                os.posix_fadvise(fd, producer.offset, producer.length, os.POSIX_FADV_WILLNEED)
            except OSError:
                pass
            finally:
                os.close(fd)


