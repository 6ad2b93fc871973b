"""Reading a UDF session back into a tree (UDF 1.02 to 2.60, metadata partition included).

Hostile-disc rules as in :mod:`openimapi.fs.importer`: descriptor tags are checked
(checksum, CRC, identifier), every address is bounds-checked, file entries are visited
once (no loops), counts and sizes are capped; any violation raises
IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR.
"""

from __future__ import annotations

import stat
import struct
from collections.abc import Callable

from openimapi import errors
from openimapi.fs import ecma167 as u
from openimapi.fs.importer import MAX_DEPTH, MAX_DIR_BYTES, MAX_ITEMS, Disc, ImportedSource
from openimapi.fs.source import BytesSource
from openimapi.fs.tree import DirNode, FileNode, LinkNode, Node

__all__ = ["has_udf", "read_udf_tree"]

BLOCK = 2048


def _bad(message: str) -> errors.ImapiError:
    return errors.IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR(message)


def has_udf(disc: Disc, start: int) -> bool:
    """Whether the session at ``start`` has a UDF volume recognition sequence and anchor."""
    found = False
    for i in range(64):
        lba = start + 16 + i
        if lba >= disc.capacity:
            break
        ident = disc.read(lba, 1)[1:6]
        if ident in (b"NSR02", b"NSR03"):
            found = True
        elif ident not in (b"CD001", b"BEA01", b"TEA01", b"BOOT2", b"CDW02"):
            break
    return found and _anchor(disc, start) is not None


def _descriptor(data: bytes, want: tuple[int, ...] | None = None) -> u.Tag:
    try:
        tag = u.Tag.from_bytes(data)
    except ValueError as exc:
        raise _bad(str(exc)) from exc
    if want is not None and tag.identifier not in want:
        raise _bad(f"found descriptor {tag.identifier}, expected {want}")
    if not tag.verify(data):
        raise _bad(f"descriptor {tag.identifier} has a bad CRC")
    return tag


def _anchor(disc: Disc, start: int) -> u.AnchorPointer | None:
    for lba in (start + 256, disc.capacity - 1, disc.capacity - 257):
        if start <= lba < disc.capacity:
            data = disc.read(lba, 1)
            try:
                tag = u.Tag.from_bytes(data)
            except ValueError:
                continue
            if tag.identifier == u.TAG_AVDP and tag.verify(data):
                return u.AnchorPointer.from_bytes(data)
    return None


class _Volume:
    """Partitions and maps of a logical volume: turns (lbn, reference) into disc blocks."""

    def __init__(self, disc: Disc) -> None:
        self.disc = disc
        self.partitions: dict[int, tuple[int, int]] = {}  # partition number -> (start, length)
        self.maps: list[tuple[str, int]] = []  # per reference: ("physical"|"metadata", partition number)
        self.meta_extents: list[tuple[int, int, int]] = []  # (metadata lbn, physical block, blocks)

    def physical(self, lbn: int, ref: int, count: int = 1) -> int:
        if not 0 <= ref < len(self.maps):
            raise _bad(f"partition reference {ref} does not exist")
        kind, number = self.maps[ref]
        if number not in self.partitions:
            raise _bad(f"partition {number} has no descriptor")
        start, length = self.partitions[number]
        if kind == "metadata":
            for first, block, blocks in self.meta_extents:
                if first <= lbn and lbn + count <= first + blocks:
                    return block + (lbn - first)
            raise _bad(f"metadata block {lbn} is outside the metadata file")
        if lbn < 0 or lbn + count > length:
            raise _bad(f"block {lbn}+{count} lies outside partition {number}")
        return start + lbn

    def read(self, lbn: int, ref: int, count: int = 1) -> bytes:
        return self.disc.read(self.physical(lbn, ref, count), count)


def _volume(disc: Disc, start: int) -> tuple[_Volume, tuple[int, int], str]:
    anchor = _anchor(disc, start)
    if anchor is None:
        raise errors.IMAPI_E_FILE_SYSTEM_NOT_FOUND("no UDF anchor volume descriptor pointer")
    vol = _Volume(disc)
    lvd: bytes | None = None
    for length, location in (anchor.main, anchor.reserve):
        count = min(length // BLOCK, 64)
        try:
            blocks = disc.read(location, count)
        except errors.ImapiError:
            continue
        for i in range(count):
            data = blocks[i * BLOCK : (i + 1) * BLOCK]
            tag = _descriptor(data)
            if tag.identifier == u.TAG_PD:
                pd = u.Partition.from_bytes(data)
                vol.partitions[pd.number] = (pd.start, pd.length)
            elif tag.identifier == u.TAG_LVD:
                lvd = data
            elif tag.identifier == u.TAG_TD:
                break
        if lvd is not None and vol.partitions:
            break
    if lvd is None or not vol.partitions:
        raise _bad("no logical volume or partition descriptor")
    lv = u.LogicalVolume.from_bytes(lvd)
    _, n_maps = struct.unpack_from("<II", lvd, 264)
    pos = 440
    meta_file: tuple[int, int] | None = None
    for _ in range(min(n_maps, 8)):
        if pos + 2 > len(lvd):
            raise _bad("partition maps overrun the logical volume descriptor")
        kind, length = lvd[pos], lvd[pos + 1]
        if kind == 1:
            vol.maps.append(("physical", struct.unpack_from("<H", lvd, pos + 4)[0]))
        elif kind == 2 and lvd[pos + 5 : pos + 28].rstrip(b"\x00") == b"*UDF Metadata Partition":
            number, location = struct.unpack_from("<HI", lvd, pos + 38)
            vol.maps.append(("metadata", number))
            meta_file = (number, location)
        else:
            raise errors.IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED(f"UDF partition map type {kind} (virtual/sparable)")
        pos += max(length, 2)
    if meta_file is not None:
        number, location = meta_file
        ref = next(i for i, m in enumerate(vol.maps) if m == ("physical", number))
        fe = _file_entry(vol.read(location, ref))
        lbn = 0
        for length, position, _ in _short_ads(fe.allocations):
            count = -(-length // BLOCK)
            vol.meta_extents.append((lbn, vol.physical(position, ref, count), count))
            lbn += count
    return vol, lv.fsd, lv.volume_id


def _file_entry(data: bytes) -> u.FileEntry:
    _descriptor(data, (u.TAG_FE, u.TAG_EFE))
    try:
        return u.FileEntry.from_bytes(data)
    except ValueError as exc:
        raise _bad(str(exc)) from exc


def _short_ads(raw: bytes) -> list[tuple[int, int, int]]:
    out = []
    for i in range(0, len(raw) - len(raw) % 8, 8):
        length, position = struct.unpack_from("<II", raw, i)
        if length & 0x3FFFFFFF == 0:
            break
        out.append((length & 0x3FFFFFFF, position, length >> 30))
    return out


def _extents(fe: u.FileEntry, own_ref: int) -> list[tuple[int, int, int, int]]:
    """(byte length, lbn, partition reference, extent type) of a file entry's data."""
    if fe.ad_type == u.AD_SHORT:
        return [(n, p, own_ref, t) for n, p, t in _short_ads(fe.allocations)]
    if fe.ad_type == u.AD_LONG:
        out = []
        raw = fe.allocations
        for i in range(0, len(raw) - len(raw) % 16, 16):
            length, lbn, ref, _ = u.parse_long_ad(raw[i : i + 16])
            if length & 0x3FFFFFFF == 0:
                break
            out.append((length & 0x3FFFFFFF, lbn, ref, length >> 30))
        return out
    raise errors.IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED(f"allocation descriptor type {fe.ad_type}")


def _data(vol: _Volume, fe: u.FileEntry, ref: int, limit: int) -> bytes:
    if fe.ad_type == u.AD_INLINE:
        return fe.allocations[: fe.size]
    if fe.size > limit:
        raise _bad(f"a directory or link of {fe.size} bytes")
    out = b""
    for length, lbn, part, kind in _extents(fe, ref):
        if kind == 3:
            raise errors.IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED("allocation extent continuation")
        out += vol.read(lbn, part, -(-length // BLOCK))[:length] if kind == 0 else bytes(length)
        if len(out) > limit:
            raise _bad("directory data larger than its file entry says")
    return out[: fe.size]


def _components(data: bytes) -> str:
    parts: list[str] = []
    absolute = False
    pos = 0
    while pos + 4 <= len(data):
        kind, length = data[pos], data[pos + 1]
        name = data[pos + 4 : pos + 4 + length]
        pos += 4 + length
        if kind in (1, 2):
            absolute = True
        elif kind == 3:
            parts.append("..")
        elif kind == 4:
            parts.append(".")
        elif kind == 5:
            parts.append(u.parse_cs0(name))
    return ("/" if absolute else "") + "/".join(parts)


def read_udf_tree(disc: Disc, start: int, progress: Callable[[str, int, int], None] | None = None) -> tuple[
        DirNode, str]:
    """Read the UDF tree of the session at ``start``; returns the root and the volume name.

    Raises:
        IMAPI_E_FILE_SYSTEM_NOT_FOUND, IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR,
        IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED (virtual or sparable partitions,
        fragmented files).
    """
    vol, (fsd_lbn, fsd_ref), name = _volume(disc, start)
    fsd_data = vol.read(fsd_lbn, fsd_ref)
    _descriptor(fsd_data, (u.TAG_FSD,))
    fsd = u.FileSet.from_bytes(fsd_data)
    root = DirNode("")
    seen: set[int] = set()
    count = 0
    stack: list[tuple[DirNode, int, int, int]] = [(root, fsd.root[0], fsd.root[1], 0)]
    while stack:
        node, lbn, ref, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _bad("UDF hierarchy deeper than 256 levels")
        block = vol.physical(lbn, ref)
        if block in seen:
            raise _bad(f"directory file entry at block {block} is reached twice (a loop)")
        seen.add(block)
        fe = _file_entry(disc.read(block, 1))
        if fe.file_type != u.FT_DIRECTORY:
            raise _bad(f"block {block} should hold a directory")
        _attributes(node, fe)
        data = _data(vol, fe, ref, MAX_DIR_BYTES)
        pos = 0
        while pos < len(data):
            _descriptor(data[pos : pos + 16 + 512], (u.TAG_FID,))
            try:
                fid, size = u.FileIdentifier.from_bytes(data, pos)
            except ValueError as exc:
                raise _bad(f"directory at block {block}: {exc}") from exc
            pos += size
            if fid.characteristics & 0x0C:  # parent entry or deleted
                continue
            count += 1
            if count > MAX_ITEMS:
                raise _bad("more than 5 million items")
            if not fid.name or "/" in fid.name or "\x00" in fid.name or fid.name in (".", ".."):
                raise _bad(f"invalid UDF name {fid.name!r}")
            if fid.name in node.children:
                continue
            child_block = vol.physical(*fid.icb)
            child: Node
            if fid.characteristics & 0x02:
                sub = DirNode(fid.name)
                sub.hidden = bool(fid.characteristics & 0x01)
                node.attach(sub)
                stack.append((sub, fid.icb[0], fid.icb[1], depth + 1))
                child = sub
            else:
                if child_block in seen:
                    raise _bad(f"file entry at block {child_block} is shared (hard links are not imported)")
                seen.add(child_block)
                child_fe = _file_entry(disc.read(child_block, 1))
                child = _file(vol, child_fe, fid.icb[1], fid.name, disc)
                child.hidden = bool(fid.characteristics & 0x01)
                _attributes(child, child_fe)
                node.attach(child)
            if progress is not None:
                progress(child.path, count, 0)
    return root, name


def _attributes(node: Node, fe: u.FileEntry) -> None:
    node.atime, node.mtime, node.ctime = fe.atime, fe.mtime, fe.ctime
    mode = 0
    for shift, (r, w, x) in ((10, (0o400, 0o200, 0o100)), (5, (0o40, 0o20, 0o10)), (0, (0o4, 0o2, 0o1))):
        bits = fe.permissions >> shift
        mode |= (r if bits & 4 else 0) | (w if bits & 2 else 0) | (x if bits & 1 else 0)
    node.mode = stat.S_IFMT(node.mode) | mode
    node.uid, node.gid = fe.uid, fe.gid


def _file(vol: _Volume, fe: u.FileEntry, ref: int, name: str, disc: Disc) -> Node:
    if fe.file_type == u.FT_SYMLINK:
        return LinkNode(name, _components(_data(vol, fe, ref, 65536)))
    if fe.file_type != u.FT_FILE:
        raise errors.IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED(f"{name!r}: UDF file type {fe.file_type}")
    if fe.ad_type == u.AD_INLINE:
        return FileNode(name, BytesSource(fe.allocations[: fe.size], name))
    location = -1
    total = 0
    for length, lbn, part, kind in _extents(fe, ref):
        if kind != 0:
            raise errors.IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED(f"{name!r}: sparse or unrecorded extent")
        blocks = -(-length // BLOCK)
        block = vol.physical(lbn, part, blocks)
        if location < 0:
            location = block
        elif block != location + total // BLOCK or total % BLOCK:
            raise errors.IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED(f"{name!r}: fragmented file")
        total += length
    if total < fe.size:
        raise _bad(f"{name!r}: {fe.size} bytes but extents for {total}")
    if fe.size == 0:
        return FileNode(name, BytesSource(b"", name))
    return FileNode(name, ImportedSource(disc, location, fe.size, name))
