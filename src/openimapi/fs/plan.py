"""The layout plan shared by the file system writers: block allocator, extent map, options.

Writers work in phases (libisofs habit): ``reserve`` takes blocks from the allocator so
that every location is known, then ``emit`` builds the metadata bytes and adds them to
the extent map. Block numbers held by the plan are relative to the start of the image;
``plan.lba(rel)`` gives the address a reader sees (plus the session start block).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from openimapi import errors
from openimapi.fs.image import BLOCK, ExtentMap, MetaExtent
from openimapi.fs.source import Source
from openimapi.fs.tree import DirNode, FileNode

__all__ = ["BootEntry", "Options", "Plan"]


@dataclass(frozen=True, slots=True)
class BootEntry:
    """One El Torito entry resolved from a BootOptions object."""

    source: Source
    platform: int
    emulation: int
    manufacturer: str
    load_segment: int = 0
    system_type: int = 0
    boot_info_table: bool = False
    sector_count: int | None = None


@dataclass(frozen=True, slots=True)
class Options:
    """What to write: file systems, levels, revision, names, session placement."""

    iso9660: bool = True
    joliet: bool = True
    udf: bool = False
    iso_level: int = 2
    udf_revision: int = 0x102
    volume_name: str = ""
    rock_ridge: bool = False
    strict: bool = False
    session_start: int = 0
    created: _dt.datetime = field(default_factory=lambda: _dt.datetime.now(_dt.UTC).replace(microsecond=0))
    boot: tuple[BootEntry, ...] = ()
    redundant_udf_metadata: bool = False
    previous_volume_blocks: int = 0


class Plan:
    """Allocator plus extent map for one layout run."""

    def __init__(self, root: DirNode, options: Options) -> None:
        self.root = root
        self.options = options
        self.extents = ExtentMap()
        self.next = 0
        self.reserved: set[int] = set()
        self.file_location: dict[FileNode, int] = {}

    def lba(self, rel: int) -> int:
        """The logical block address readers see for a relative block."""
        return self.options.session_start + rel

    def take(self, count: int) -> int:
        """Reserve ``count`` contiguous blocks (count 0 returns the next free block).

        Blocks marked reserved (UDF anchor points) are never handed out.
        """
        start = self.next
        if count and self.reserved and start <= max(self.reserved):
            while any(start <= r < start + count for r in self.reserved):
                start = max(r for r in self.reserved if start <= r < start + count) + 1
        self.next = max(self.next, start + count)
        return start

    def take_at(self, start: int, count: int) -> int:
        """Reserve a fixed range (system area, volume descriptors, anchors)."""
        self.next = max(self.next, start + count)
        return start

    def put(self, rel: int, data: bytes, description: str | None = None) -> int:
        """Add metadata bytes at relative block ``rel``; returns its block count.

        Raises:
            IMAPI_E_FSI_INTERNAL_ERROR: a layout bug (negative or misplaced block).
        """
        if rel < 0:
            raise errors.IMAPI_E_FSI_INTERNAL_ERROR(f"metadata placed at block {rel}")
        count = -(-len(data) // BLOCK)
        self.extents.add(rel, count, MetaExtent(data), description)
        return count

    @staticmethod
    def blocks(size: int) -> int:
        return -(-size // BLOCK)
