"""Reading a previous session back into a tree (ISO 9660 with Rock Ridge, Joliet).

The disc is hostile: every address is checked against the disc's size, every directory
extent is visited at most once (no loops), sizes and counts are capped, and any
inconsistency raises IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR instead of hanging.
Sectors are read through a :class:`SectorReader`, so a recorder, an .iso file or bytes
all work the same.
"""

from __future__ import annotations

import datetime as _dt
import stat
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from openimapi import errors
from openimapi.fs.ecma119 import (
    BLOCK,
    FLAG_DIRECTORY,
    FLAG_HIDDEN,
    FLAG_MULTI_EXTENT,
    JOLIET_ESCAPES,
    VD_PRIMARY,
    VD_SUPPLEMENTARY,
    VD_TERMINATOR,
    DirectoryRecord,
    MalformedRecord,
    VolumeDescriptor,
)
from openimapi.fs.rockridge import (
    AlternateName,
    ContinuationArea,
    PosixAttributes,
    SymbolicLink,
    Timestamps,
    parse_entries,
)
from openimapi.fs.source import Source
from openimapi.fs.tree import DirNode, FileNode, LinkNode, Node

__all__ = ["MAX_DIR_BYTES", "ImportedSource", "SectorReader", "find_volume_descriptors", "read_iso_tree"]

MAX_DIR_BYTES = 16 << 20  # one directory of more than 16 MiB is not a real disc
MAX_ITEMS = 5_000_000
MAX_DEPTH = 256
MAX_VDS = 64


@runtime_checkable
class SectorReader(Protocol):
    """What import needs from a disc: 2048-byte sectors by logical block address."""

    def read_sectors(self, lba: int, count: int) -> bytes: ...


def _bad(message: str) -> errors.ImapiError:
    return errors.IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR(message)


class Disc:
    """Checked access to a SectorReader: bounds, and read failures as IMAPI errors."""

    def __init__(self, reader: SectorReader, capacity: int) -> None:
        self.reader = reader
        self.capacity = capacity

    def read(self, lba: int, count: int) -> bytes:
        """Raises: IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR / IMAPI_E_IMPORT_READ_FAILURE."""
        if lba < 0 or count < 0 or lba + count > self.capacity:
            raise _bad(f"blocks {lba}..{lba + count - 1} lie outside the disc ({self.capacity} blocks)")
        try:
            data = bytes(self.reader.read_sectors(lba, count))
        except errors.ImapiError:
            raise
        except (OSError, ValueError) as exc:
            raise errors.IMAPI_E_IMPORT_READ_FAILURE(f"cannot read blocks {lba}+{count}: {exc}") from exc
        if len(data) != count * BLOCK:
            raise errors.IMAPI_E_IMPORT_READ_FAILURE(f"short read at block {lba}")
        return data


class ImportedSource(Source):
    """File data already on the disc: written again only as a reference to its extent."""

    __slots__ = ("disc", "disc_location")

    def __init__(self, disc: Disc, location: int, size: int, description: str) -> None:
        super().__init__(size, True, description)
        self.disc = disc
        self.disc_location = location

    def read_at(self, offset: int, length: int) -> bytes:
        length = max(0, min(length, self.size - offset))
        if length == 0:
            return b""
        first = self.disc_location + offset // BLOCK
        skip = offset % BLOCK
        count = -(-(skip + length) // BLOCK)
        return self.disc.read(first, count)[skip : skip + length]


def find_volume_descriptors(disc: Disc, start: int) -> list[tuple[int, bytes]]:
    """(type, block) of each ECMA-119 volume descriptor of the session at ``start``."""
    found: list[tuple[int, bytes]] = []
    for i in range(MAX_VDS):
        lba = start + 16 + i
        if lba >= disc.capacity:
            break
        block = disc.read(lba, 1)
        if block[1:6] != b"CD001":
            break
        found.append((block[0], block))
        if block[0] == VD_TERMINATOR:
            break
    return found


def _pick_vd(vds: list[tuple[int, bytes]], joliet: bool) -> VolumeDescriptor | None:
    for vd_type, block in vds:
        try:
            if joliet and vd_type == VD_SUPPLEMENTARY and block[88:91] in JOLIET_ESCAPES:
                return VolumeDescriptor.from_bytes(block)
            if not joliet and vd_type == VD_PRIMARY:
                return VolumeDescriptor.from_bytes(block)
        except MalformedRecord as exc:
            raise _bad(f"bad volume descriptor: {exc}") from exc
    return None


def _date(rec: DirectoryRecord) -> _dt.datetime:
    from openimapi.fs.ecma119 import parse_dir_datetime

    when = parse_dir_datetime(rec.recorded)
    return when.astimezone(_dt.UTC) if when is not None else _dt.datetime(1980, 1, 1, tzinfo=_dt.UTC)


def read_iso_tree(disc: Disc, start: int, joliet: bool,
                  progress: Callable[[str, int, int], None] | None = None) -> tuple[DirNode, str]:
    """Read the ISO 9660 (with Rock Ridge when present) or Joliet tree of a session.

    Returns the root node and the volume name.

    Raises:
        IMAPI_E_FILE_SYSTEM_NOT_FOUND: the session has no such volume descriptor.
        IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR: the structures are damaged or hostile.
        IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED: interleaved or fragmented multi-extent files.
    """
    vd = _pick_vd(find_volume_descriptors(disc, start), joliet)
    if vd is None:
        raise errors.IMAPI_E_FILE_SYSTEM_NOT_FOUND("no Joliet volume" if joliet else "no ISO 9660 volume")
    root = DirNode("")
    root.mtime = root.ctime = root.atime = _date(vd.root)
    visited: set[int] = set()
    count = 0
    rock_ridge: bool | None = None
    stack: list[tuple[DirNode, int, int, int]] = [(root, vd.root.extent, vd.root.size, 0)]
    while stack:
        node, extent, size, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _bad("directory hierarchy deeper than 256 levels")
        if extent in visited:
            raise _bad(f"directory at block {extent} is reached twice (a loop)")
        visited.add(extent)
        if size > MAX_DIR_BYTES or size == 0:
            raise _bad(f"directory of {size} bytes at block {extent}")
        data = disc.read(extent, -(-size // BLOCK))[:size]
        records = _records(data, extent)
        if not records:
            raise _bad(f"directory at block {extent} has no '.' record")
        if rock_ridge is None:
            rock_ridge = not joliet and any(e.__class__.__name__ == "SharingProtocol"
                                            for e in parse_entries(records[0].system_use))
        pending: list[DirectoryRecord] = []
        for rec in records[2:] if len(records) >= 2 else []:
            pending.append(rec)
            if rec.flags & FLAG_MULTI_EXTENT:
                continue
            count += 1
            if count > MAX_ITEMS:
                raise _bad("more than 5 million items")
            child = _make_node(disc, pending, joliet, bool(rock_ridge))
            pending = []
            if child is None:
                continue
            if child.name in node.children:
                continue  # duplicate names on a damaged disc: the first one wins
            node.attach(child)
            if isinstance(child, DirNode):
                stack.append((child, rec.extent, rec.size, depth + 1))
            if progress is not None:
                progress(child.path, count, 0)
        if pending:
            raise _bad(f"multi-extent file without a final extent in the directory at block {extent}")
    return root, vd.volume_id


def _records(data: bytes, extent: int) -> list[DirectoryRecord]:
    out: list[DirectoryRecord] = []
    pos = 0
    while pos < len(data):
        length = data[pos]
        if length == 0:
            pos = (pos // BLOCK + 1) * BLOCK  # 6.8.1.1: records never cross a block; rest is padding
            continue
        try:
            out.append(DirectoryRecord.from_bytes(data, pos))
        except MalformedRecord as exc:
            raise _bad(f"directory at block {extent}: {exc}") from exc
        pos += length
    return out


def _make_node(disc: Disc, recs: list[DirectoryRecord], joliet: bool, rock_ridge: bool) -> Node | None:
    rec = recs[-1]
    ident = rec.identifier
    if ident in (b"\x00", b"\x01"):
        return None
    if joliet:
        name = ident[: len(ident) - len(ident) % 2].decode("utf-16-be", "replace")
    else:
        name = ident.decode("ascii", "replace")
    if not rec.flags & FLAG_DIRECTORY and name.endswith(";1"):
        name = name[:-2]
    if not rec.flags & FLAG_DIRECTORY and not joliet and name.endswith("."):
        name = name[:-1]
    entries = _rr_entries(disc, recs[0]) if rock_ridge else []
    nm = b"".join(e.name for e in entries if isinstance(e, AlternateName) and not e.flags & 0x06)
    if nm:
        name = nm.decode("utf-8", "replace")
    if not name or "/" in name or "\\" in name or "\x00" in name or name in (".", ".."):
        raise _bad(f"invalid name {ident!r} on the disc")
    links = [e for e in entries if isinstance(e, SymbolicLink)]
    when = _date(rec)
    node: Node
    if rec.flags & FLAG_DIRECTORY:
        node = DirNode(name, when=when)
    elif links:
        node = LinkNode(name, SymbolicLink.target_of(links), when=when)
    else:
        location = recs[0].extent
        size = 0
        for i, part in enumerate(recs):
            if part.extent != location + size // BLOCK or (i < len(recs) - 1 and part.size % BLOCK):
                raise errors.IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED(f"{name!r}: fragmented multi-extent file")
            size += part.size
        if size and location + -(-size // BLOCK) > disc.capacity:
            raise _bad(f"{name!r} extends past the end of the disc")
        node = FileNode(name, ImportedSource(disc, location, size, name), when=when)
    node.hidden = bool(rec.flags & FLAG_HIDDEN)
    for e in entries:
        if isinstance(e, PosixAttributes):
            kind = stat.S_IFMT(node.mode)
            node.mode = kind | stat.S_IMODE(e.mode)
            node.uid, node.gid = e.uid, e.gid
        elif isinstance(e, Timestamps):
            node.ctime = e.created or node.ctime
            node.mtime = e.modified or node.mtime
            node.atime = e.accessed or node.atime
    return node


def _rr_entries(disc: Disc, rec: DirectoryRecord) -> list[object]:
    entries = parse_entries(rec.system_use)
    hops = 0
    while True:
        ce = next((e for e in entries if isinstance(e, ContinuationArea)), None)
        if ce is None:
            return entries
        hops += 1
        if hops > 32 or ce.offset + ce.length > BLOCK * 4 or ce.length == 0:
            raise _bad("Rock Ridge continuation chain is too long or too big")
        entries = [e for e in entries if e is not ce]
        area = disc.read(ce.block, -(-(ce.offset + ce.length) // BLOCK))[ce.offset : ce.offset + ce.length]
        entries.extend(parse_entries(area))
