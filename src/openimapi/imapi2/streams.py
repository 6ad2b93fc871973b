"""IMAPI2 stream helpers and block ranges.

``StreamZero`` (MsftStreamZero), ``StreamPseudoRandomBased`` (MsftStreamPrng001),
``StreamConcatenate`` and ``StreamInterleave`` are seekable, read-only binary file objects
(``io.RawIOBase``) with a ``size``, so they can be passed to ``DiscFormat2Data.write`` or any
other place a stream is taken. ``BlockRange``/``BlockRangeList`` describe the sectors of a
stream that changed (IBlockRange, IBlockRangeList).
"""

from __future__ import annotations

import abc
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from openimapi import errors
from openimapi.engine.source import Source, SourceError, open_source

__all__ = [
    "BlockRange",
    "BlockRangeList",
    "StreamConcatenate",
    "StreamInterleave",
    "StreamPseudoRandomBased",
    "StreamZero",
]


@dataclass(frozen=True, slots=True)
class BlockRange:
    """An inclusive range of sectors (IBlockRange).

    Raises:
        E_INVALIDARG: a negative LBA, or the end before the start.
    """

    start_lba: int
    end_lba: int

    def __post_init__(self) -> None:
        if self.start_lba < 0 or self.end_lba < self.start_lba:
            raise errors.E_INVALIDARG(f"bad block range {self.start_lba}..{self.end_lba}")


@dataclass(frozen=True, slots=True)
class BlockRangeList:
    """A list of block ranges (IBlockRangeList); ``block_ranges`` is the tuple of them."""

    block_ranges: tuple[BlockRange, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "block_ranges", tuple(self.block_ranges))

    def __iter__(self) -> Any:
        return iter(self.block_ranges)

    def __len__(self) -> int:
        return len(self.block_ranges)


class _ReadOnlyStream(io.RawIOBase):
    """Shared plumbing: a seekable read-only stream of ``size`` bytes served by ``_read_at``."""

    def __init__(self) -> None:
        super().__init__()
        self._size = 0
        self._pos = 0

    @property
    def size(self) -> int:
        """The stream's length in bytes (IStream::Stat cbSize)."""
        return self._size

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        target = base + offset
        if target < 0:
            raise ValueError("negative seek position")
        self._pos = target
        return target

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        n = max(0, min(len(view), self._size - self._pos))
        if n:
            view[:n] = self._read_at(self._pos, n)
            self._pos += n
        return n

    @abc.abstractmethod
    def _read_at(self, offset: int, n: int) -> bytes:
        """The ``n`` bytes at ``offset`` (the caller keeps within the size)."""


class StreamZero(_ReadOnlyStream):
    """Zero bytes of a settable size (MsftStreamZero)."""

    def __init__(self, size: int = 0) -> None:
        super().__init__()
        self.set_size(size)

    def set_size(self, size: int) -> None:
        """Set the length (IStream::SetSize).

        Raises:
            E_INVALIDARG: a negative size.
        """
        if size < 0:
            raise errors.E_INVALIDARG("a stream size is not negative")
        self._size = size

    def _read_at(self, offset: int, n: int) -> bytes:
        return bytes(n)


class StreamPseudoRandomBased(_ReadOnlyStream):
    """Reproducible pseudo-random bytes from a 32-bit seed (MsftStreamPrng001).

    Byte N depends only on the seed and N, so any offset can be read in any order.
    """

    _BLOCK = 1 << 16

    def __init__(self, size: int = 0, seed: int = 0) -> None:
        super().__init__()
        self._seed = 0
        self.seed = seed
        self.set_size(size)

    @property
    def seed(self) -> int:
        """The seed (ULONG)."""
        return self._seed

    @seed.setter
    def seed(self, value: int) -> None:
        if not 0 <= value <= 0xFFFFFFFF:
            raise errors.E_INVALIDARG("the seed is an unsigned 32-bit value")
        self._seed = value

    @property
    def extended_seed(self) -> list[int]:
        """Raises:
        E_NOTIMPL: as documented; only the 32-bit seed is supported.
        """
        raise errors.E_NOTIMPL("ExtendedSeed is not implemented (as documented)")

    @extended_seed.setter
    def extended_seed(self, values: Sequence[int]) -> None:
        raise errors.E_NOTIMPL("ExtendedSeed is not implemented (as documented)")

    def set_size(self, size: int) -> None:
        """Set the length (IStream::SetSize).

        Raises:
            E_INVALIDARG: a negative size.
        """
        if size < 0:
            raise errors.E_INVALIDARG("a stream size is not negative")
        self._size = size

    def _block(self, index: int) -> bytes:
        rng = np.random.Generator(np.random.PCG64([self._seed, index]))
        return rng.integers(0, 256, self._BLOCK, dtype=np.uint8).tobytes()

    def _read_at(self, offset: int, n: int) -> bytes:
        parts = []
        end = offset + n
        while offset < end:
            index, inner = divmod(offset, self._BLOCK)
            take = min(self._BLOCK - inner, end - offset)
            parts.append(self._block(index)[inner : inner + take])
            offset += take
        return b"".join(parts)


def _sources(streams: Iterable[Any]) -> list[Source]:
    try:
        return [open_source(s) for s in streams]
    except SourceError as exc:
        raise errors.E_INVALIDARG(str(exc)) from exc


class StreamConcatenate(_ReadOnlyStream):
    """Streams read one after another (IStreamConcatenate)."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[Source] = []
        self._starts: list[int] = []

    def initialize(self, first: Any, second: Any) -> None:
        """Concatenate two streams.

        Raises:
            E_INVALIDARG: a stream is not readable or its size is unknown.
        """
        self.initialize2([first, second])

    def initialize2(self, streams: Sequence[Any]) -> None:
        """Concatenate a list of streams.

        Raises:
            E_INVALIDARG: the list is empty, or a stream is not readable or of unknown size.
        """
        if not streams:
            raise errors.E_INVALIDARG("no streams to concatenate")
        parts = _sources(streams)
        self._parts = parts
        self._starts = []
        total = 0
        for p in parts:
            self._starts.append(total)
            total += p.size
        self._size = total
        self._pos = 0

    def append(self, stream: Any) -> None:
        """Raises:
        E_NOTIMPL: as documented.
        """
        raise errors.E_NOTIMPL("IStreamConcatenate::Append is not implemented (as documented)")

    def append2(self, streams: Sequence[Any]) -> None:
        """Raises:
        E_NOTIMPL: as documented.
        """
        raise errors.E_NOTIMPL("IStreamConcatenate::Append2 is not implemented (as documented)")

    def _read_at(self, offset: int, n: int) -> bytes:
        out = []
        end = offset + n
        for start, part in zip(self._starts, self._parts, strict=True):
            stop = start + part.size
            if stop <= offset or start >= end:
                continue
            lo = max(offset, start)
            hi = min(end, stop)
            part.seek(lo - start)
            out.append(part.read(hi - lo))
        return b"".join(out)


class StreamInterleave(_ReadOnlyStream):
    """Streams interleaved in fixed-size pieces (IStreamInterleave): ``sizes[0]`` bytes of the
    first stream, then ``sizes[1]`` of the second, ..., then again from the first."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[Source] = []
        self._sizes: list[int] = []
        self._period = 0

    def initialize(
        self, streams: Sequence[Any], interleave_sizes: Sequence[int], stream_count: int | None = None
    ) -> None:
        """Set the streams and the size of each one's pieces.

        Raises:
            E_INVALIDARG: counts disagree, a size is not positive, a stream's length is not a
                multiple of its piece size, or the streams hold different numbers of pieces.
        """
        count = len(streams) if stream_count is None else stream_count
        if count < 1 or count != len(streams) or count != len(interleave_sizes):
            raise errors.E_INVALIDARG("streams, interleave sizes and count must agree")
        sizes = [int(s) for s in interleave_sizes]
        if any(s <= 0 for s in sizes):
            raise errors.E_INVALIDARG("interleave sizes must be positive")
        parts = _sources(streams)
        rounds = {p.size // s for p, s in zip(parts, sizes, strict=True)}
        if any(p.size % s for p, s in zip(parts, sizes, strict=True)) or len(rounds) != 1:
            raise errors.E_INVALIDARG("every stream must hold the same number of whole interleave pieces")
        self._parts, self._sizes = parts, sizes
        self._period = sum(sizes)
        self._size = sum(p.size for p in parts)
        self._pos = 0

    def _read_at(self, offset: int, n: int) -> bytes:
        out = []
        end = offset + n
        while offset < end:
            rnd, inner = divmod(offset, self._period)
            for part, size in zip(self._parts, self._sizes, strict=True):
                if inner < size:
                    take = min(size - inner, end - offset)
                    part.seek(rnd * size + inner)
                    out.append(part.read(take))
                    offset += take
                    break
                inner -= size
        return b"".join(out)
