"""The COM enumerator shape of IEnumDiscRecorders and IEnumDiscMasterFormats."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Generic, TypeVar

from openimapi import errors

__all__ = ["ListEnum"]

T = TypeVar("T")


class ListEnum(Generic[T]):
    """A snapshot list walked with next/skip/reset/clone (and Python iteration)."""

    def __init__(self, items: Sequence[T], position: int = 0) -> None:
        self._items = list(items)
        self._pos = position

    def next(self, count: int = 1) -> list[T]:
        """Up to ``count`` further items (fewer at the end: COM's S_FALSE).

        Raises:
            E_INVALIDARG: a negative count.
        """
        if count < 0:
            raise errors.E_INVALIDARG(f"count {count} is negative")
        out = self._items[self._pos : self._pos + count]
        self._pos += len(out)
        return out

    def skip(self, count: int) -> bool:
        """Skip ``count`` items; False when fewer were left (S_FALSE).

        Raises:
            E_INVALIDARG: a negative count.
        """
        if count < 0:
            raise errors.E_INVALIDARG(f"count {count} is negative")
        left = len(self._items) - self._pos
        self._pos += min(count, left)
        return count <= left

    def reset(self) -> None:
        """Back to the first item."""
        self._pos = 0

    def clone(self) -> ListEnum[T]:
        """An independent enumerator at the same position."""
        return type(self)(self._items, self._pos)

    def __iter__(self) -> Iterator[T]:
        while True:
            got = self.next(1)
            if not got:
                return
            yield got[0]

    def __len__(self) -> int:
        return len(self._items)
