"""Sources of data to record: bytes-like objects, paths and binary file objects.

A :class:`Source` declares its size and reads sequentially from a start offset; it can be
repositioned when the underlying object can seek (so a source may be read twice, e.g. to
write only the sectors of its block ranges).
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from typing import Any

__all__ = ["Source", "SourceError", "open_source"]


class SourceError(ValueError):
    """The object cannot serve as a source: unreadable, size unknown, or a read failed."""


class Source:
    """A readable byte source of known ``size``.

    ``block_ranges`` is the sequence of inclusive ``(start_lba, end_lba)`` sector ranges the
    source says changed (IBlockRangeList), or None when the whole source is to be written.
    """

    def __init__(self, obj: Any, *, size: int, owned: bool, block_ranges: Sequence[tuple[int, int]] | None) -> None:
        self._obj = obj
        self.size = size
        self._owned = owned
        self.block_ranges = tuple(block_ranges) if block_ranges is not None else None
        self._view: memoryview | None = None
        if isinstance(obj, (bytes, bytearray, memoryview)):
            self._view = memoryview(obj).cast("B")
        self._pos = 0
        if self._view is None and self.seekable:
            obj.seek(0)  # IMAPI reads an image stream from its start

    @property
    def seekable(self) -> bool:
        if self._view is not None:
            return True
        try:
            return bool(self._obj.seekable())
        except (AttributeError, ValueError):
            return False

    def seek(self, offset: int) -> None:
        """Position the next read at byte ``offset`` of the source.

        Raises:
            SourceError: the source cannot seek, or the offset is outside it.
        """
        if not 0 <= offset <= self.size:
            raise SourceError(f"offset {offset} outside a source of {self.size} bytes")
        if self._view is None:
            if not self.seekable:
                raise SourceError("the source cannot seek")
            self._obj.seek(offset)
        self._pos = offset

    def read(self, n: int) -> bytes:
        """Read up to ``n`` bytes (fewer only at the end of the source).

        Raises:
            SourceError: the underlying read failed or the source ended before its size.
        """
        n = min(n, self.size - self._pos)
        if n <= 0:
            return b""
        if self._view is not None:
            data = bytes(self._view[self._pos : self._pos + n])
        else:
            try:
                data = self._read_exactly(n)
            except OSError as exc:
                raise SourceError(f"reading the source at byte {self._pos} failed: {exc}") from exc
        self._pos += len(data)
        return data

    def _read_exactly(self, n: int) -> bytes:
        chunk = self._obj.read(n)
        if chunk is None:
            chunk = b""
        data = bytes(chunk) if not isinstance(chunk, bytes) else chunk
        if len(data) == n:
            return data
        parts = [data]
        got = len(data)
        while got < n:
            more = self._obj.read(n - got)
            if not more:
                raise SourceError(f"the source ended at byte {self._pos + got}, before its size {self.size}")
            parts.append(bytes(more))
            got += len(more)
        return b"".join(parts)

    def close(self) -> None:
        """Close the file this source opened itself (never a caller's object)."""
        if self._owned:
            self._obj.close()


def _size_of(obj: Any) -> int:
    for attr in ("size", "stream_size"):
        value = getattr(obj, attr, None)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    try:
        fileno = obj.fileno()
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        fileno = None
    if fileno is not None:
        st = os.fstat(fileno)
        if st.st_size or os.path.isfile(f"/proc/self/fd/{fileno}"):
            return st.st_size
    try:
        if obj.seekable():
            here = obj.tell()
            end = obj.seek(0, io.SEEK_END)
            obj.seek(here)
            return int(end)
    except (AttributeError, OSError, ValueError):
        pass
    raise SourceError("the stream's size is unknown: pass a seekable file, bytes or a path")


def open_source(obj: Any) -> Source:
    """Wrap what the caller passed as a stream into a :class:`Source`.

    Accepts bytes-like objects, ``str``/``os.PathLike`` paths and binary file objects
    (``read`` plus ``seek``/``tell`` or a ``size`` attribute). A ``block_ranges`` attribute
    (an IBlockRangeList or a sequence of ranges) is carried along.

    Raises:
        SourceError: the object is none of these, or its size cannot be known.
    """
    ranges = _block_ranges_of(obj)
    if isinstance(obj, (bytes, bytearray, memoryview)):
        return Source(obj, size=memoryview(obj).nbytes, owned=False, block_ranges=ranges)
    if isinstance(obj, (str, os.PathLike)):
        try:
            f = open(obj, "rb")  # noqa: SIM115 - closed by Source.close
        except OSError as exc:
            raise SourceError(f"cannot open {os.fspath(obj)!r}: {exc.strerror}") from exc
        return Source(f, size=os.fstat(f.fileno()).st_size, owned=True, block_ranges=ranges)
    if not callable(getattr(obj, "read", None)):
        raise SourceError(f"a {type(obj).__name__} is not a stream: pass bytes, a path or a binary file object")
    if isinstance(obj, io.TextIOBase):
        raise SourceError("a text stream cannot be recorded: open the file in binary mode")
    return Source(obj, size=_size_of(obj), owned=False, block_ranges=ranges)


def _block_ranges_of(obj: Any) -> list[tuple[int, int]] | None:
    ranges = getattr(obj, "block_ranges", None)
    if ranges is None:
        return None
    inner = getattr(ranges, "block_ranges", ranges)  # a BlockRangeList or a plain sequence
    out: list[tuple[int, int]] = []
    for item in inner:
        if isinstance(item, tuple):
            start, end = item
        else:
            start, end = item.start_lba, item.end_lba
        out.append((int(start), int(end)))
    return out
