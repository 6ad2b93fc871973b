"""Writes one ECMA-119 directory hierarchy: the ISO 9660 namespace (with optional Rock
Ridge) or the Joliet namespace. Phases: ``reserve`` (sizes and blocks), ``emit`` (bytes).
"""

from __future__ import annotations

import stat
from functools import lru_cache
from typing import Any

from openimapi import errors
from openimapi.fs import names as _names
from openimapi.fs.ecma119 import (
    BLOCK,
    FLAG_DIRECTORY,
    FLAG_HIDDEN,
    FLAG_MULTI_EXTENT,
    PathTableRecord,
    build_dir_record,
    dir_datetime,
)
from openimapi.fs.plan import Plan
from openimapi.fs.rockridge import (
    CE_SIZE,
    RRIP_ER,
    AlternateName,
    ContinuationArea,
    PosixAttributes,
    RockRidgeFlags,
    SharingProtocol,
    SymbolicLink,
    Timestamps,
    split_entries,
)
from openimapi.fs.tree import DirNode, FileNode, LinkNode, Node

__all__ = ["MAX_EXTENT", "NamespaceWriter"]

MAX_EXTENT = 0xFFFFF800  # largest multiple of 2048 below 4 GiB: one extent of a multi-extent file


@lru_cache(maxsize=4096)
def _rr_head(flags: int, mode: int, nlink: int, uid: int, gid: int) -> bytes:
    """RR and PX entries (the same for most items of a tree: cached)."""
    return RockRidgeFlags(flags).to_bytes() + PosixAttributes(mode, nlink, uid, gid).to_bytes()


@lru_cache(maxsize=4096)
def _tf(ctime: Any, mtime: Any, atime: Any) -> bytes:
    return Timestamps(ctime, mtime, atime).to_bytes()


class _Rec:
    """One directory record to write (a child, or '.'/'..')."""

    __slots__ = ("areas", "ident", "node", "su")

    def __init__(self, node: Node, ident: bytes, su: bytes, areas: list[bytes] | None) -> None:
        self.node = node
        self.ident = ident
        self.su = su
        self.areas = areas


class _Dir:
    __slots__ = ("block", "ident", "node", "number", "parent", "records", "size")

    def __init__(self, node: DirNode, ident: bytes, parent: int) -> None:
        self.node = node
        self.ident = ident
        self.parent = parent
        self.number = 0
        self.records: list[_Rec] = []
        self.size = 0
        self.block = 0


class NamespaceWriter:
    """The ISO 9660 (``joliet=False``) or Joliet (``joliet=True``) hierarchy of a plan."""

    def __init__(self, plan: Plan, joliet: bool) -> None:
        self.plan = plan
        self.joliet = joliet
        self.rock_ridge = plan.options.rock_ridge and not joliet
        self.level = plan.options.iso_level
        self.dirs: list[_Dir] = []
        self.path_table_size = 0
        self.l_table = self.m_table = 0
        self._areas: list[tuple[int, int, bytes]] = []  # (record area index -> pool block, offset, bytes)
        self._pool_blocks = 0
        self._pool_start = 0
        self._nlink: dict[Node, int] = {}

    # ----- names --------------------------------------------------------------------------

    def _names(self, d: DirNode) -> dict[Node, str]:
        if self.joliet:
            return _names.joliet_names(d)
        return _names.iso_names(d, self.level, links=self.rock_ridge)

    def _ident(self, name: str) -> bytes:
        return name.encode("utf-16-be") if self.joliet else name.encode("ascii")

    # ----- Rock Ridge ---------------------------------------------------------------------

    def _rr(self, node: Node, name: str | None, dot: str = "") -> list[bytes]:
        entries: list[bytes] = []
        if dot == "root":
            entries.append(SharingProtocol().to_bytes())
        flags = 0x01 | 0x80 | (0x08 if name is not None else 0) | (0x04 if isinstance(node, LinkNode) else 0)
        nlink = 1
        if isinstance(node, DirNode):
            nlink = self._nlink.get(node, 0)
            if not nlink:
                nlink = self._nlink[node] = 2 + sum(1 for c in node.children.values() if isinstance(c, DirNode))
        entries.append(_rr_head(flags, node.mode, nlink, node.uid, node.gid))
        entries.append(_tf(node.ctime, node.mtime, node.atime))
        if name is not None:
            entries.extend(e.to_bytes() for e in AlternateName.for_name(name))
        if isinstance(node, LinkNode):
            entries.extend(e.to_bytes() for e in SymbolicLink.for_target(node.target))
        if dot == "root":
            entries.append(RRIP_ER.to_bytes())
        return entries

    def _record(self, node: Node, ident: bytes, rr_name: str | None, dot: str = "") -> _Rec:
        if not self.rock_ridge:
            return _Rec(node, ident, b"", None)
        room = 255 - 33 - len(ident) - (1 - len(ident) % 2)
        room -= room % 2
        inline, areas = split_entries(self._rr(node, rr_name, dot), room)
        return _Rec(node, ident, inline, areas or None)

    # ----- phase 1: reserve ---------------------------------------------------------------

    def reserve(self) -> None:
        """Name, order and size every directory; take blocks for path tables and directories.

        Raises:
            IMAPI_E_TOO_MANY_DIRS: more than 65,535 directories (path table parent numbers).
            IMAPI_E_ISO9660_LEVELS: deeper than 8 levels with strict compliance.
        """
        plan = self.plan
        root = _Dir(plan.root, b"\x00", 1)
        queue = [root]
        head = 0
        while head < len(queue):
            d = queue[head]
            head += 1
            d.number = head
            if head > 0xFFFF:
                raise errors.IMAPI_E_TOO_MANY_DIRS("more than 65,535 directories in an ISO 9660/Joliet hierarchy")
            names = self._names(d.node)
            rr_names = _names.rr_names(d.node) if self.rock_ridge else {}
            children = sorted(((self._ident(n), c) for c, n in names.items()), key=self._key)
            parent_node = d.node.parent or d.node
            d.records.append(self._record(d.node, b"\x00", None, "root" if d is root else "dot"))
            d.records.append(self._record(parent_node, b"\x01", None, "dot"))
            for ident, child in children:
                rec = self._record(child, ident, rr_names.get(child))
                if isinstance(child, FileNode) and child.size > MAX_EXTENT:
                    if not self.joliet and self.level < 3:
                        raise errors.IMAPI_E_DATA_TOO_BIG(
                            f"{child.path} is {child.size} bytes: files of 4 GiB or more need ISO 9660 level 3")
                    d.records.extend(rec for _ in range(-(-child.size // MAX_EXTENT)))
                else:
                    d.records.append(rec)
                if isinstance(child, DirNode):
                    if self.plan.options.strict and not self.joliet and child.depth >= _names.ISO_MAX_DEPTH:
                        raise errors.IMAPI_E_ISO9660_LEVELS(f"{child.path} is deeper than 8 ISO 9660 levels")
                    queue.append(_Dir(child, ident, d.number))
            d.size = self._dir_size(d)
        self.dirs = queue
        self.path_table_size = sum(PathTableRecord.size_of(len(d.ident)) for d in queue)
        table_blocks = plan.blocks(self.path_table_size)
        self.l_table = plan.take(table_blocks)
        self.m_table = plan.take(table_blocks)
        for d in queue:
            d.block = plan.take(d.size // BLOCK)
        self._place_areas()

    @staticmethod
    def _key(item: tuple[bytes, Node]) -> tuple[bytes, bytes]:
        return _names.iso_sort_key(item[0])

    def _rec_len(self, rec: _Rec) -> int:
        n = len(rec.ident)
        length = 33 + n + (1 - n % 2) + len(rec.su) + (CE_SIZE if rec.areas else 0)
        return length + length % 2

    def _dir_size(self, d: _Dir) -> int:
        used = 0
        for rec in d.records:
            length = self._rec_len(rec)
            if used % BLOCK + length > BLOCK:
                used += BLOCK - used % BLOCK
            used += length
        return max(BLOCK, -(-used // BLOCK) * BLOCK)

    def _place_areas(self) -> None:
        """Pack the continuation areas of all records into a pool of whole blocks."""
        block = offset = 0
        any_area = False
        for d in self.dirs:
            for rec in d.records:
                if not rec.areas:
                    continue
                any_area = True
                for i, area in enumerate(rec.areas):
                    size = len(area) + (CE_SIZE if i < len(rec.areas) - 1 else 0)
                    if offset + size > BLOCK:
                        block, offset = block + 1, 0
                    self._areas.append((block, offset, area))
                    offset += size
        self._pool_blocks = block + 1 if any_area else 0
        self._pool_start = self.plan.take(self._pool_blocks)

    # ----- phase 2: emit ------------------------------------------------------------------

    def root_record(self) -> bytes:
        """The 34-byte root record of the volume descriptor (8.4.18)."""
        root = self.dirs[0]
        return build_dir_record(self.plan.lba(root.block), root.size, dir_datetime(root.node.mtime), FLAG_DIRECTORY,
                                b"\x00")

    def emit(self) -> None:
        """Build path tables, directories and continuation areas into the extent map."""
        plan = self.plan
        lba = plan.lba
        by_node = {d.node: d for d in self.dirs}
        l_parts, m_parts = [], []
        for d in self.dirs:
            ptr = PathTableRecord(lba(d.block), d.parent, d.ident)
            l_parts.append(ptr.to_bytes(False))
            m_parts.append(ptr.to_bytes(True))
        plan.put(self.l_table, b"".join(l_parts))
        plan.put(self.m_table, b"".join(m_parts))
        area_index = 0
        pool = bytearray(self._pool_blocks * BLOCK)
        for d in self.dirs:
            out = bytearray()
            parent = by_node[d.node.parent] if d.node.parent is not None else d
            pending_multi: dict[int, int] = {}
            for i, rec in enumerate(d.records):
                su = rec.su
                if rec.areas:
                    first = area_index
                    for j, area in enumerate(rec.areas):
                        blk, off, _ = self._areas[area_index]
                        data = area
                        if j < len(rec.areas) - 1:
                            nb, no, na = self._areas[area_index + 1]
                            nxt_len = len(na) + (CE_SIZE if j + 1 < len(rec.areas) - 1 else 0)
                            data += ContinuationArea(lba(self._pool_start + nb), no, nxt_len).to_bytes()
                        pool[blk * BLOCK + off : blk * BLOCK + off + len(data)] = data
                        area_index += 1
                    blk, off, a0 = self._areas[first]
                    su = su + ContinuationArea(lba(self._pool_start + blk), off,
                                               len(a0) + (CE_SIZE if len(rec.areas) > 1 else 0)).to_bytes()
                node = rec.node
                if i == 0:
                    data = build_dir_record(lba(d.block), d.size, dir_datetime(node.mtime), FLAG_DIRECTORY, b"\x00", su)
                elif i == 1:
                    data = build_dir_record(lba(parent.block), parent.size, dir_datetime(node.mtime), FLAG_DIRECTORY,
                                            b"\x01", su)
                else:
                    data = self._child_record(node, rec.ident, su, by_node, pending_multi)
                if len(out) % BLOCK + len(data) > BLOCK:
                    out += bytes(BLOCK - len(out) % BLOCK)
                out += data
            plan.put(d.block, bytes(out))
        if self._pool_blocks:
            plan.put(self._pool_start, bytes(pool))

    def _child_record(self, node: Node, ident: bytes, su: bytes, by_node: dict[DirNode, _Dir],
                      pending: dict[int, int]) -> bytes:
        flags = FLAG_HIDDEN if node.hidden else 0
        date = dir_datetime(node.mtime)
        if isinstance(node, DirNode):
            sub = by_node[node]
            return build_dir_record(self.plan.lba(sub.block), sub.size, date, flags | FLAG_DIRECTORY, ident, su)
        if isinstance(node, FileNode):
            start = self.plan.file_location.get(node, 0)
            size = node.size
            if size <= MAX_EXTENT:
                return build_dir_record(start, size, date, flags, ident, su)
            part = pending.get(id(node), 0)  # multi-extent file (6.5.1, 9.1.6 bit 7)
            pending[id(node)] = part + 1
            offset = part * MAX_EXTENT
            length = min(MAX_EXTENT, size - offset)
            last = offset + length >= size
            return build_dir_record(start + offset // BLOCK, length, date,
                                    flags | (0 if last else FLAG_MULTI_EXTENT), ident, su)
        if stat.S_ISLNK(node.mode):
            return build_dir_record(0, 0, date, flags, ident, su)
        raise errors.IMAPI_E_FSI_INTERNAL_ERROR(f"unexpected node {node!r}")  # pragma: no cover
