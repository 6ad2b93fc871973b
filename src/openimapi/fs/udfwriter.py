"""Writes UDF 1.02 to 2.60 (ECMA-167 3rd edition) as a bridge: the UDF file entries point
at the same file extents as the ISO 9660 and Joliet records.

Layout (relative blocks): volume recognition sequence after the ISO 9660 descriptors,
main and reserve volume descriptor sequences (16 blocks each), the integrity sequence,
the anchor at block 256, then the partition from block 257: (UDF 2.50+: the metadata
file entries, then the metadata partition's extent, aligned to 32 blocks) the file set
descriptor, one file entry per item (generated lazily when read), the directories'
identifier blocks, then file data; the closing anchor is the last block.
"""

from __future__ import annotations

import stat
from collections import deque
from functools import lru_cache
from typing import Protocol

from openimapi.fs import ecma167 as u
from openimapi.fs.image import BLOCK, BlocksExtent, MetaExtent, Producer
from openimapi.fs.names import udf_names
from openimapi.fs.plan import Plan
from openimapi.fs.tree import DirNode, FileNode, LinkNode, Node

__all__ = ["UdfWriter"]

ANCHOR = 256
PARTITION_START = 257
ALIGN = 32  # metadata allocation/alignment unit (UDF 2.2.10): one BD ECC block
MAX_AD = 0x3FFFF800  # longest extent of one allocation descriptor that is a whole number of blocks
VDS_BLOCKS = 16


@lru_cache(maxsize=1024)
def permissions(mode: int) -> int:
    """4/14.9.5 permissions from POSIX mode bits (read, write, execute per class)."""
    out = 0
    for shift, (r, w, x) in ((10, (0o400, 0o200, 0o100)), (5, (0o40, 0o20, 0o10)), (0, (0o4, 0o2, 0o1))):
        out |= (4 if mode & r else 0) << shift | (2 if mode & w else 0) << shift | (1 if mode & x else 0) << shift
    return out


def path_components(target: str) -> bytes:
    """4/14.16.1 path components of a symbolic link target."""
    out = b""
    if target.startswith("/"):
        out += b"\x02\x00\x00\x00"
    for part in target.split("/"):
        if part in ("", "."):
            if part == ".":
                out += b"\x04\x00\x00\x00"
            continue
        if part == "..":
            out += b"\x03\x00\x00\x00"
            continue
        name = u.cs0(part)[:255]
        out += bytes((5, len(name))) + b"\x00\x00" + name
    return out


class _Descriptor(Protocol):
    def to_bytes(self, version: int, location: int) -> bytes: ...


class UdfWriter:
    """The UDF part of a layout plan."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        opts = plan.options
        self.revision = opts.udf_revision
        self.metadata = self.revision >= 0x250
        self.version = 3 if self.revision >= 0x200 else 2
        self.nsr = b"NSR03" if self.version == 3 else b"NSR02"
        self.impl = u.regid(b"*openimapi", u.udf_suffix(self.revision))
        self.entries: list[Node] = []
        self.icb_block: dict[Node, int] = {}
        self.unique: dict[Node, int] = {}
        self.dir_data: dict[DirNode, tuple[int, list[tuple[str, Node]], int]] = {}
        self.vrs = self.main = self.reserve = self.lvid = 0
        self.part_start = PARTITION_START
        self.part_lba = 0  # absolute block where the partition starts (set in reserve_tree)
        self.meta_fe = self.mirror_fe = self.meta_start = self.meta_len = self.mirror_start = 0
        self.fsd = self.icb_start = 0
        self.anchor_tail = 0

    # ----- phase 1 ------------------------------------------------------------------------

    def reserve_descriptors(self) -> None:
        plan = self.plan
        plan.reserved.add(ANCHOR)
        self.vrs = plan.take(3)
        self.main = plan.take(VDS_BLOCKS)
        self.reserve = plan.take(VDS_BLOCKS)
        self.lvid = plan.take(2)

    def _meta_base(self) -> int:
        """Relative block that is block 0 of the partition holding file entries and directories."""
        if self.metadata:
            return self.meta_start
        return self.part_lba - self.plan.options.session_start

    def reserve_tree(self) -> None:
        plan = self.plan
        plan.take_at(PARTITION_START, 0)
        # A later session's partition starts at block 0, so that it covers the extents of
        # the files earlier sessions recorded (their file entries point there).
        self.part_lba = plan.lba(PARTITION_START) if plan.options.session_start == 0 else 0
        self.part_start = self.part_lba - plan.options.session_start
        if self.metadata:
            self.meta_fe = plan.take(1)
            self.mirror_fe = plan.take(1)
            rel = plan.next - self.part_start
            plan.take_at(self.part_start + -(-rel // ALIGN) * ALIGN, 0)
            self.meta_start = plan.next
        self.fsd = plan.take(2)  # file set descriptor + terminating descriptor
        order: list[DirNode] = []
        queue: deque[DirNode] = deque([plan.root])
        while queue:
            d = queue.popleft()
            order.append(d)
            names = udf_names(d)
            children = sorted(((n, c) for c, n in names.items()), key=lambda p: p[0])
            self.dir_data[d] = (0, children, 0)
            for _, child in children:
                if isinstance(child, DirNode):
                    queue.append(child)
        entries: list[Node] = []
        for d in order:
            entries.append(d)
            entries.extend(c for _, c in self.dir_data[d][1] if not isinstance(c, DirNode))
        self.entries = entries
        self.icb_start = plan.take(len(entries))
        for i, node in enumerate(entries):
            self.icb_block[node] = self.icb_start + i
            self.unique[node] = 0 if i == 0 else 15 + i
        for d in order:
            _, children, _ = self.dir_data[d]
            size = u.FileIdentifier.size_of("") + sum(u.FileIdentifier.size_of(n) for n, _ in children)
            self.dir_data[d] = (plan.take(plan.blocks(size)), children, size)
        if self.metadata:
            rel = plan.next - self.meta_start
            self.meta_len = -(-rel // ALIGN) * ALIGN
            plan.take_at(self.meta_start + self.meta_len, 0)
            if self.plan.options.redundant_udf_metadata:
                self.mirror_start = plan.take(self.meta_len)
            else:
                self.mirror_start = self.meta_start

    def reserve_tail(self) -> None:
        self.anchor_tail = self.plan.take(1)

    # ----- phase 2 ------------------------------------------------------------------------

    def _icb(self, node: Node) -> tuple[int, int]:
        return self.icb_block[node] - self._meta_base(), 1 if self.metadata else 0

    def _data_lbn(self, lba: int) -> int:
        return lba - self.part_lba

    def _file_entry(self, index: int) -> bytes:
        node = self.entries[index]
        location = self.icb_block[node] - self._meta_base()
        flags = 0
        if isinstance(node, DirNode):
            data_block, children, size = self.dir_data[node]
            ref = 1 if self.metadata else 0
            ads = u.long_ad(size, data_block - self._meta_base(), ref)
            links = 1 + sum(1 for _, c in children if isinstance(c, DirNode))
            fe = u.FileEntry(u.FT_DIRECTORY, node.uid, node.gid, permissions(node.mode), links, size,
                             self.plan.blocks(size), node.atime, node.mtime, node.ctime, self.unique[node],
                             self.impl, ads)
        elif isinstance(node, LinkNode):
            data = path_components(node.target)
            fe = u.FileEntry(u.FT_SYMLINK, node.uid, node.gid, permissions(0o777), 1, len(data), 0, node.atime,
                             node.mtime, node.ctime, self.unique[node], self.impl, data, u.AD_INLINE)
        else:
            assert isinstance(node, FileNode)
            size = node.size
            start = self._data_lbn(self.plan.file_location.get(node, self.part_lba))
            parts = []
            offset = 0
            while offset < size:
                length = min(MAX_AD, size - offset)
                parts.append(u.long_ad(length, start + offset // BLOCK, 0))
                offset += length
            mode = node.mode if stat.S_ISREG(node.mode) else stat.S_IFREG | 0o444
            fe = u.FileEntry(u.FT_FILE, node.uid, node.gid, permissions(mode), 1, size, self.plan.blocks(size),
                             node.atime, node.mtime, node.ctime, self.unique[node], self.impl, b"".join(parts),
                             flags=flags)
        return fe.to_bytes(self.version, location)

    def _fids(self, d: DirNode) -> bytes:
        data_block, children, size = self.dir_data[d]
        base = data_block - self._meta_base()
        out = bytearray()
        parent = d.parent or d
        out += u.FileIdentifier("", self._icb(parent), 0x0A, self.unique[parent]).to_bytes(self.version, base)
        for name, child in children:
            chars = (0x01 if child.hidden else 0) | (0x02 if isinstance(child, DirNode) else 0)
            loc = base + len(out) // BLOCK
            out += u.FileIdentifier(name, self._icb(child), chars, self.unique[child]).to_bytes(self.version, loc)
        assert len(out) == size
        return bytes(out)

    def emit(self, total: int) -> None:
        plan = self.plan
        opts = plan.options
        lba = plan.lba
        v = self.version
        for i, ident in enumerate((b"BEA01", self.nsr, b"TEA01")):
            plan.put(self.vrs + i, u.vrs(ident))
        part_len = self.anchor_tail - self.part_start
        name = opts.volume_name or "CDROM"
        created = opts.created
        for start in (self.main, self.reserve):
            seq: list[_Descriptor] = [
                u.PrimaryVolume(0, name, f"{int(created.timestamp()):08X}{name}"[:126], created, self.impl),
                u.ImplementationUseVolume(1, name, self.impl, self.revision),
                u.Partition(2, 0, b"+" + self.nsr, self.part_lba, part_len, self.impl),
                u.LogicalVolume(
                    3, name, self.revision, (self.fsd - self._meta_base(), 1 if self.metadata else 0),
                    (2 * BLOCK, lba(self.lvid)), self.impl,
                    (self.meta_fe - self.part_start, self.mirror_fe - self.part_start, ALIGN, ALIGN,
                     opts.redundant_udf_metadata) if self.metadata else None),
                u.UnallocatedSpace(4),
                u.Terminating(),
            ]
            plan.put(start, b"".join(d.to_bytes(v, lba(start + i)).ljust(BLOCK, b"\x00") for i, d in enumerate(seq)))
        files = sum(1 for n in self.entries if not isinstance(n, DirNode))
        dirs = len(self.entries) - files
        tables = ((0, part_len),) + (((0, self.meta_len),) if self.metadata else ())
        lvid = u.LogicalVolumeIntegrity(created, 16 + len(self.entries), tables, files, dirs, self.revision,
                                        self.impl)
        plan.put(self.lvid, lvid.to_bytes(v, lba(self.lvid)).ljust(BLOCK, b"\x00")
                 + u.Terminating().to_bytes(v, lba(self.lvid + 1)))
        anchor = u.AnchorPointer((VDS_BLOCKS * BLOCK, lba(self.main)), (VDS_BLOCKS * BLOCK, lba(self.reserve)))
        plan.put(ANCHOR, anchor.to_bytes(v, lba(ANCHOR)))
        plan.put(self.anchor_tail, anchor.to_bytes(v, lba(self.anchor_tail)))
        fsd_lbn = self.fsd - self._meta_base()
        fsd = u.FileSet(created, name, name, self._icb(plan.root), self.revision)
        plan.put(self.fsd, fsd.to_bytes(v, fsd_lbn).ljust(BLOCK, b"\x00") + u.Terminating().to_bytes(v, fsd_lbn + 1))
        plan.extents.add(self.icb_start, len(self.entries), BlocksExtent(self._file_entry))
        for d, (block, _, _) in self.dir_data.items():
            plan.put(block, self._fids(d))
        if self.metadata:
            self._emit_metadata_files()

    def _emit_metadata_files(self) -> None:
        plan = self.plan
        when = plan.options.created
        for block, file_type, start in ((self.meta_fe, u.FT_METADATA, self.meta_start),
                                        (self.mirror_fe, u.FT_METADATA_MIRROR, self.mirror_start)):
            ad = u.short_ad(self.meta_len * BLOCK, start - self.part_start)
            fe = u.FileEntry(file_type, 0, 0, 0, 1, self.meta_len * BLOCK, self.meta_len, when, when, when, 0,
                             self.impl, ad, u.AD_SHORT)
            plan.put(block, fe.to_bytes(self.version, block - self.part_start))
        if self.mirror_start != self.meta_start:
            src = self.meta_start
            extents = plan.extents
            for rel in range(self.meta_len):
                i = extents.find(src + rel)
                if i < 0:
                    continue
                start, count, producer, _ = extents.extent(i)
                if start == src + rel:
                    extents.add(self.mirror_start + rel, count, _Copy(producer))


class _Copy(MetaExtent):
    """The mirror of a metadata extent: the same bytes, produced by the same producer."""

    __slots__ = ("producer",)

    def __init__(self, producer: Producer) -> None:
        super().__init__(b"")
        self.producer = producer

    def read(self, offset: int, length: int) -> bytes:
        return self.producer.read(offset, length)
