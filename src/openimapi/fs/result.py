"""IFileSystemImageResult(2), IProgressItem(s), IEnumProgressItems, and block ranges."""

from __future__ import annotations

import hashlib
import time
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from openimapi import errors
from openimapi.fs.image import BLOCK, ExtentMap, ImageStream
from openimapi.fs.layout import Layout

__all__ = ["EnumProgressItems", "FileSystemImageResult", "ProgressItem", "ProgressItems"]


@dataclass(frozen=True, slots=True)
class ProgressItem:
    """IProgressItem: a described run of blocks of the result image (usually a file)."""

    description: str
    first_block: int
    last_block: int

    def __post_init__(self) -> None:
        if self.last_block < self.first_block:
            raise ValueError("last_block before first_block")

    @property
    def block_count(self) -> int:
        """Number of blocks (BlockCount)."""
        return self.last_block - self.first_block + 1


class EnumProgressItems:
    """IEnumProgressItems: COM-style enumerator, also a Python iterator."""

    __slots__ = ("_items", "_pos")

    def __init__(self, items: list[ProgressItem], pos: int = 0) -> None:
        self._items = items
        self._pos = pos

    def next(self, celt: int = 1) -> list[ProgressItem]:
        """Up to ``celt`` further items (Next).

        Raises:
            E_INVALIDARG: negative count.
        """
        if celt < 0:
            raise errors.E_INVALIDARG("celt must not be negative")
        out = self._items[self._pos : self._pos + celt]
        self._pos += len(out)
        return out

    def skip(self, celt: int) -> bool:
        """Skip items (Skip); False (S_FALSE) when fewer were left."""
        left = len(self._items) - self._pos
        self._pos += min(celt, left)
        return celt <= left

    def reset(self) -> None:
        """Rewind (Reset)."""
        self._pos = 0

    def clone(self) -> EnumProgressItems:
        """Copy with the same position (Clone)."""
        return EnumProgressItems(self._items, self._pos)

    def __iter__(self) -> EnumProgressItems:
        return self

    def __next__(self) -> ProgressItem:
        got = self.next(1)
        if not got:
            raise StopIteration
        return got[0]


class ProgressItems:
    """IProgressItems: maps blocks of the result image back to the files they hold."""

    __slots__ = ("_by_desc", "_firsts", "_items")

    def __init__(self, items: list[ProgressItem]) -> None:
        self._items = sorted(items, key=lambda p: p.first_block)
        self._firsts = [p.first_block for p in self._items]
        self._by_desc: dict[str, ProgressItem] | None = None

    def __iter__(self) -> Iterator[ProgressItem]:
        """Snapshot of the items (_NewEnum)."""
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def item(self, index: int) -> ProgressItem:
        """The item at a zero-based index (Item).

        Raises:
            E_INVALIDARG: out of range.
        """
        if not isinstance(index, int) or not 0 <= index < len(self._items):
            raise errors.E_INVALIDARG(f"no progress item at index {index!r}")
        return self._items[index]

    @property
    def count(self) -> int:
        """Number of items (Count)."""
        return len(self._items)

    def progress_item_from_block(self, block: int) -> ProgressItem:
        """The item whose blocks contain ``block`` (ProgressItemFromBlock).

        Raises:
            E_INVALIDARG: no item holds that block.
        """
        i = bisect_right(self._firsts, block) - 1
        if i >= 0 and block <= self._items[i].last_block:
            return self._items[i]
        raise errors.E_INVALIDARG(f"no progress item holds block {block}")

    def progress_item_from_description(self, description: str) -> ProgressItem:
        """The item with that description (ProgressItemFromDescription).

        Raises:
            E_FAIL: description is None; E_INVALIDARG: no such item.
        """
        if description is None:
            raise errors.E_FAIL("description must not be None")
        if self._by_desc is None:
            self._by_desc = {p.description: p for p in self._items}
        found = self._by_desc.get(description)
        if found is None:
            raise errors.E_INVALIDARG(f"no progress item {description!r}")
        return found

    @property
    def enum_progress_items(self) -> EnumProgressItems:
        """An IEnumProgressItems over the items (EnumProgressItems)."""
        return EnumProgressItems(list(self._items))


UPDATE_INTERVAL = 0.5
"""Seconds between DFileSystemImageEvents.Update events while the result image is read."""


class _ReadProgress:
    """Turns reads of the result image into throttled Update(current file, copied, total)
    events: the first read, then at most one every UPDATE_INTERVAL seconds, and the read
    that reaches the end of the image.
    """

    __slots__ = ("_extents", "_fire", "_last")

    def __init__(self, extents: ExtentMap, fire: Callable[[str, int, int], None]) -> None:
        self._extents = extents
        self._fire = fire
        self._last = -1e9

    def __call__(self, start: int, end: int) -> None:
        total = self._extents.total_blocks
        now = time.monotonic()
        if now - self._last < UPDATE_INTERVAL and end < total * BLOCK:
            return
        self._last = now
        i = self._extents.find((end - 1) // BLOCK)
        current = (self._extents.extent(i)[3] or "") if i >= 0 else ""
        self._fire(current, min(total, -(-end // BLOCK)), total)


class FileSystemImageResult:
    """IFileSystemImageResult / IFileSystemImageResult2: the virtual image and its facts."""

    def __init__(self, layout: Layout, session_start: int, volume_name: str, modified: Any = None,
                 update: Callable[[str, int, int], None] | None = None) -> None:
        self._layout = layout
        self._update = update
        self._session_start = session_start
        self._volume_name = volume_name
        self._modified = modified
        self._progress: ProgressItems | None = None
        self._disc_id: str | None = None

    @property
    def image_stream(self) -> ImageStream:
        """A new random-access stream over the image, positioned at 0 (ImageStream).

        Reading it fires DFileSystemImageEvents.Update on the image's sinks (current file,
        copied blocks = end of the last read, total blocks) at least every UPDATE_INTERVAL
        seconds while reads go on, and once when a read reaches the end.
        """
        hook = None if self._update is None else _ReadProgress(self._layout.extents, self._update)
        return ImageStream(self._layout.extents, self._modified, hook)

    @property
    def progress_items(self) -> ProgressItems:
        """Blocks of the image mapped to the files they hold (ProgressItems)."""
        if self._progress is None:
            base = self._session_start
            self._progress = ProgressItems([
                ProgressItem(desc, base + first, base + first + count - 1)
                for desc, first, count in self._layout.extents.described()
            ])
        return self._progress

    @property
    def total_blocks(self) -> int:
        """Number of 2048-byte blocks in the image (TotalBlocks)."""
        return self._layout.total_blocks

    @property
    def block_size(self) -> int:
        """Block size in bytes, 2048 (BlockSize)."""
        return BLOCK

    @property
    def disc_id(self) -> str:
        """An identifier of the image: a digest of its volume descriptors (DiscId)."""
        if self._disc_id is None:
            head = self._layout.extents.read(16 * BLOCK, 8 * BLOCK)
            digest = hashlib.sha1(head + self._volume_name.encode("utf-8")).hexdigest().upper()
            self._disc_id = f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
        return self._disc_id

    @property
    def modified_blocks(self) -> Any:
        """The block ranges that must be written, an IMAPI2 BlockRangeList (ModifiedBlocks,
        IFileSystemImageResult2). For a fresh image this is the whole image, from the
        session start block.
        """
        if self._modified is not None:
            return self._modified
        from openimapi.imapi2.streams import BlockRange, BlockRangeList  # the IMAPI2 types, loaded on use

        start = self._session_start
        return BlockRangeList((BlockRange(start, start + self._layout.total_blocks - 1),))
