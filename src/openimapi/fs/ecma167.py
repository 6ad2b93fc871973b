"""ECMA-167 3rd edition / OSTA UDF 2.60 on-disc records, with symmetric build and parse.

Clause numbers: "3/10.1" is part 3, clause 10.1 of ECMA-167; "UDF 2.2.4" is the OSTA
UDF 2.60 specification. Descriptors that carry a descriptor tag (3/7.2) are built with
their tag location, because the tag's checksum and CRC cover it.
"""

from __future__ import annotations

import binascii
import datetime as _dt
import struct
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "AD_LONG",
    "AD_INLINE",
    "FT_DIRECTORY",
    "FT_FILE",
    "FT_METADATA",
    "FT_METADATA_MIRROR",
    "FT_SYMLINK",
    "AnchorPointer",
    "FileEntry",
    "FileIdentifier",
    "FileSet",
    "ImplementationUseVolume",
    "LogicalVolume",
    "LogicalVolumeIntegrity",
    "Partition",
    "PrimaryVolume",
    "Tag",
    "Terminating",
    "UnallocatedSpace",
    "cs0",
    "dstring",
    "long_ad",
    "parse_cs0",
    "parse_dstring",
    "parse_long_ad",
    "regid",
    "timestamp",
    "vrs",
]

BLOCK = 2048
# descriptor tag identifiers (3/7.2.1, 4/7.2.1)
TAG_PVD, TAG_AVDP, TAG_VDP, TAG_IUVD, TAG_PD, TAG_LVD, TAG_USD, TAG_TD, TAG_LVID = 1, 2, 3, 4, 5, 6, 7, 8, 9
TAG_FSD, TAG_FID, TAG_AED, TAG_IE, TAG_TE, TAG_FE, TAG_EAHD, TAG_USE, TAG_SBD, TAG_PIE, TAG_EFE = range(256, 267)
# ICB file types (4/14.6.6)
FT_DIRECTORY, FT_FILE, FT_SYMLINK = 4, 5, 12
FT_METADATA, FT_METADATA_MIRROR, FT_METADATA_BITMAP = 250, 251, 252
# allocation descriptor types in the ICB tag flags (4/14.6.8)
AD_SHORT, AD_LONG, AD_INLINE = 0, 1, 3

OSTA_CS0 = b"\x00OSTA Compressed Unicode".ljust(64, b"\x00")


# ----- basic types -------------------------------------------------------------------------


def regid(identifier: bytes, suffix: bytes = b"", flags: int = 0) -> bytes:
    """1/7.4 entity identifier (32 bytes)."""
    return bytes((flags,)) + identifier[:23].ljust(23, b"\x00") + suffix[:8].ljust(8, b"\x00")


def udf_suffix(revision: int) -> bytes:
    """UDF 2.1.5.3 UDF identifier suffix: revision, OS class (Unix), OS id (Linux)."""
    return struct.pack("<HBB", revision, 4, 5)


def domain_suffix(revision: int) -> bytes:
    """UDF 2.1.5.3 domain identifier suffix: revision and (no) domain flags."""
    return struct.pack("<HB", revision, 0)


def cs0(text: str) -> bytes:
    """UDF 2.1.1 OSTA CS0: compression id 8 (Latin-1) or 16 (UTF-16BE) and the bytes."""
    try:
        return b"\x08" + text.encode("latin-1")
    except UnicodeEncodeError:
        return b"\x10" + text.encode("utf-16-be", "surrogatepass")


def parse_cs0(data: bytes) -> str:
    """Inverse of :func:`cs0`; forgiving: unknown compression ids read as Latin-1."""
    if not data:
        return ""
    if data[0] == 16:
        raw = data[1:]
        return raw[: len(raw) - len(raw) % 2].decode("utf-16-be", "replace")
    return data[1:].decode("latin-1")


def dstring(text: str, width: int) -> bytes:
    """1/7.2.12 dstring: CS0 bytes, zero padded, length in the last byte (empty = all zero)."""
    if not text:
        return bytes(width)
    raw = cs0(text)
    while len(raw) > width - 1:
        text = text[:-1]
        raw = cs0(text)
    return raw.ljust(width - 1, b"\x00") + bytes((len(raw),))


def parse_dstring(data: bytes) -> str:
    length = data[-1]
    return parse_cs0(data[: min(length, len(data) - 1)])


@lru_cache(maxsize=8192)
def timestamp(when: _dt.datetime | None) -> bytes:
    """1/7.3 timestamp (12 bytes), type 1 (local time) at UTC offset 0."""
    if when is None:
        return bytes(12)
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.UTC)
    when = when.astimezone(_dt.UTC)
    micro = when.microsecond
    return struct.pack("<HhBBBBBBBB", (1 << 12) | 0, when.year, when.month, when.day, when.hour, when.minute,
                       when.second, micro // 10000, (micro // 100) % 100, micro % 100)


def parse_timestamp(data: bytes) -> _dt.datetime | None:
    tz_type, year, month, day, hour, minute, second, cs, hus, us = struct.unpack("<HhBBBBBBBB", data[:12])
    offset = tz_type & 0x0FFF
    if offset & 0x800:
        offset -= 0x1000
    if offset == -2047:
        offset = 0
    try:
        return _dt.datetime(year, month, day, hour, minute, second, cs * 10000 + hus * 100 + us,
                            tzinfo=_dt.timezone(_dt.timedelta(minutes=offset)))
    except ValueError:
        return None


def extent_ad(length: int, location: int) -> bytes:
    """3/7.1 extent_ad."""
    return struct.pack("<II", length, location)


def long_ad(length: int, lbn: int, partition: int, impl_use: bytes = b"") -> bytes:
    """4/14.14.2 long_ad (16 bytes); ``length`` may carry the extent type in its top bits."""
    return struct.pack("<IIH", length, lbn, partition) + impl_use[:6].ljust(6, b"\x00")


def parse_long_ad(data: bytes) -> tuple[int, int, int, bytes]:
    """(length with type bits, lbn, partition, impl use)."""
    length, lbn, part = struct.unpack_from("<IIH", data)
    return length, lbn, part, bytes(data[10:16])


def short_ad(length: int, position: int) -> bytes:
    """4/14.14.1 short_ad."""
    return struct.pack("<II", length, position)


def vrs(identifier: bytes) -> bytes:
    """2/9.1 volume structure descriptor: BEA01, NSR02/NSR03 or TEA01."""
    return b"\x00" + identifier + b"\x01" + bytes(BLOCK - 7)


# ----- descriptor tag (3/7.2) --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tag:
    """3/7.2 descriptor tag: identifier, version, serial, CRC'd length, location."""

    identifier: int
    version: int
    serial: int
    crc: int
    crc_length: int
    location: int

    @staticmethod
    def seal(identifier: int, version: int, location: int, body: bytes, serial: int = 1) -> bytes:
        """The tag followed by ``body`` (the descriptor after its tag), checksum and CRC set."""
        crc = binascii.crc_hqx(body, 0)
        head = bytearray(struct.pack("<HHBBHHHI", identifier, version, 0, 0, serial, crc, len(body), location))
        head[4] = (sum(head[0:4]) + sum(head[5:16])) & 0xFF
        return bytes(head) + body

    @classmethod
    def from_bytes(cls, data: bytes) -> Tag:
        """Raises: ValueError for a bad checksum (the CRC is checked by :meth:`verify`)."""
        if len(data) < 16:
            raise ValueError("descriptor tag truncated")
        ident, version, checksum, _, serial, crc, crc_len, location = struct.unpack_from("<HHBBHHHI", data)
        if (sum(data[0:4]) + sum(data[5:16])) & 0xFF != checksum:
            raise ValueError(f"descriptor tag checksum wrong (tag {ident})")
        return cls(ident, version, serial, crc, crc_len, location)

    def verify(self, data: bytes) -> bool:
        """Whether the CRC matches the bytes after the tag."""
        body = data[16 : 16 + self.crc_length]
        return len(body) == self.crc_length and binascii.crc_hqx(body, 0) == self.crc


# ----- volume descriptors (part 3) ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnchorPointer:
    """3/10.2 Anchor Volume Descriptor Pointer: main and reserve VDS extents."""

    main: tuple[int, int]
    reserve: tuple[int, int]

    def to_bytes(self, version: int, location: int) -> bytes:
        body = extent_ad(*self.main) + extent_ad(*self.reserve) + bytes(480)
        return Tag.seal(TAG_AVDP, version, location, body)

    @classmethod
    def from_bytes(cls, data: bytes) -> AnchorPointer:
        main = struct.unpack_from("<II", data, 16)
        reserve = struct.unpack_from("<II", data, 24)
        return cls((main[0], main[1]), (reserve[0], reserve[1]))


@dataclass(frozen=True, slots=True)
class PrimaryVolume:
    """3/10.1 Primary Volume Descriptor."""

    sequence: int
    volume_id: str
    volume_set_id: str
    recorded: _dt.datetime
    implementation: bytes

    def to_bytes(self, version: int, location: int) -> bytes:
        body = b"".join((
            struct.pack("<II", self.sequence, 0), dstring(self.volume_id, 32),
            struct.pack("<HHHHII", 1, 1, 2, 3, 1, 1), dstring(self.volume_set_id, 128),
            OSTA_CS0, OSTA_CS0, extent_ad(0, 0), extent_ad(0, 0), regid(b""), timestamp(self.recorded),
            self.implementation, bytes(64), struct.pack("<IH", 0, 0), bytes(22),
        ))
        return Tag.seal(TAG_PVD, version, location, body)

    @classmethod
    def from_bytes(cls, data: bytes) -> PrimaryVolume:
        return cls(struct.unpack_from("<I", data, 16)[0], parse_dstring(data[24:56]),
                   parse_dstring(data[72:200]), parse_timestamp(data[376:388]) or _dt.datetime(1980, 1, 1),
                   bytes(data[388:420]))


@dataclass(frozen=True, slots=True)
class ImplementationUseVolume:
    """3/10.4 Implementation Use Volume Descriptor with UDF 2.2.7 LV Info."""

    sequence: int
    volume_id: str
    implementation: bytes
    revision: int

    def to_bytes(self, version: int, location: int) -> bytes:
        use = OSTA_CS0 + dstring(self.volume_id, 128) + bytes(36 * 3) + self.implementation + bytes(128)
        body = struct.pack("<I", self.sequence) + regid(b"*UDF LV Info", udf_suffix(self.revision)) + use
        return Tag.seal(TAG_IUVD, version, location, body)


@dataclass(frozen=True, slots=True)
class Partition:
    """3/10.5 Partition Descriptor (read-only access, no space sets)."""

    sequence: int
    number: int
    contents: bytes  # b"+NSR02" or b"+NSR03"
    start: int
    length: int
    implementation: bytes
    access_type: int = 1

    def to_bytes(self, version: int, location: int) -> bytes:
        body = b"".join((
            struct.pack("<IHH", self.sequence, 1, self.number), regid(self.contents), bytes(128),
            struct.pack("<III", self.access_type, self.start, self.length), self.implementation, bytes(128),
            bytes(156),
        ))
        return Tag.seal(TAG_PD, version, location, body)

    @classmethod
    def from_bytes(cls, data: bytes) -> Partition:
        seq, _flags, number = struct.unpack_from("<IHH", data, 16)
        access, start, length = struct.unpack_from("<III", data, 184)
        return cls(seq, number, bytes(data[25:48]).rstrip(b"\x00"), start, length, bytes(data[196:228]), access)


@dataclass(frozen=True, slots=True)
class LogicalVolume:
    """3/10.6 Logical Volume Descriptor with type 1 and (UDF 2.50+) metadata partition maps.

    ``metadata`` = (metadata file lbn, mirror lbn, allocation unit, alignment unit,
    duplicate flag) adds the UDF 2.2.10 metadata partition map.
    """

    sequence: int
    volume_id: str
    revision: int
    fsd: tuple[int, int]  # (lbn, partition reference) of the File Set Descriptor
    integrity: tuple[int, int]  # (length, location) of the integrity sequence
    implementation: bytes
    metadata: tuple[int, int, int, int, bool] | None = None

    def maps(self) -> bytes:
        out = struct.pack("<BBHH", 1, 6, 1, 0)
        if self.metadata is not None:
            meta, mirror, unit, align, dup = self.metadata
            out += (struct.pack("<BBH", 2, 64, 0) + regid(b"*UDF Metadata Partition", udf_suffix(self.revision))
                    + struct.pack("<HHIIIIHB", 1, 0, meta, mirror, 0xFFFFFFFF, unit, align, 1 if dup else 0)
                    + bytes(5))
        return out

    def to_bytes(self, version: int, location: int) -> bytes:
        maps = self.maps()
        body = b"".join((
            struct.pack("<I", self.sequence), OSTA_CS0, dstring(self.volume_id, 128), struct.pack("<I", BLOCK),
            regid(b"*OSTA UDF Compliant", domain_suffix(self.revision)),
            long_ad(BLOCK, self.fsd[0], self.fsd[1]),
            struct.pack("<II", len(maps), 2 if self.metadata else 1), self.implementation, bytes(128),
            extent_ad(*self.integrity), maps,
        ))
        return Tag.seal(TAG_LVD, version, location, body)

    @classmethod
    def from_bytes(cls, data: bytes) -> LogicalVolume:
        _, lbn, part, _ = parse_long_ad(data[248:264])
        integ = struct.unpack_from("<II", data, 432)
        return cls(struct.unpack_from("<I", data, 16)[0], parse_dstring(data[84:212]),
                   struct.unpack_from("<H", data, 240)[0], (lbn, part), (integ[0], integ[1]), bytes(data[272:304]))


@dataclass(frozen=True, slots=True)
class UnallocatedSpace:
    """3/10.8 Unallocated Space Descriptor (no free extents: the medium is read-only)."""

    sequence: int

    def to_bytes(self, version: int, location: int) -> bytes:
        return Tag.seal(TAG_USD, version, location, struct.pack("<II", self.sequence, 0))


@dataclass(frozen=True, slots=True)
class Terminating:
    """3/10.9 Terminating Descriptor."""

    def to_bytes(self, version: int, location: int) -> bytes:
        return Tag.seal(TAG_TD, version, location, bytes(496))


@dataclass(frozen=True, slots=True)
class LogicalVolumeIntegrity:
    """3/10.10 Logical Volume Integrity Descriptor (closed) with UDF 2.2.6.4 implementation use."""

    recorded: _dt.datetime
    next_unique_id: int
    partitions: tuple[tuple[int, int], ...]  # (free blocks, size) per partition
    files: int
    directories: int
    revision: int
    implementation: bytes

    def to_bytes(self, version: int, location: int) -> bytes:
        n = len(self.partitions)
        min_read = 0x250 if self.revision >= 0x250 else self.revision
        impl = self.implementation + struct.pack("<IIHHH", self.files, self.directories, min_read,
                                                 self.revision, self.revision)
        body = b"".join((
            timestamp(self.recorded), struct.pack("<I", 1), extent_ad(0, 0),
            struct.pack("<Q", self.next_unique_id), bytes(24), struct.pack("<II", n, len(impl)),
            b"".join(struct.pack("<I", free) for free, _ in self.partitions),
            b"".join(struct.pack("<I", size) for _, size in self.partitions), impl,
        ))
        return Tag.seal(TAG_LVID, version, location, body)


# ----- file set and files (part 4) ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileSet:
    """4/14.1 File Set Descriptor."""

    recorded: _dt.datetime
    volume_id: str
    file_set_id: str
    root: tuple[int, int]  # (lbn, partition reference) of the root directory's file entry
    revision: int

    def to_bytes(self, version: int, location: int) -> bytes:
        body = b"".join((
            timestamp(self.recorded), struct.pack("<HHIIII", 3, 3, 1, 1, 0, 0), OSTA_CS0,
            dstring(self.volume_id, 128), OSTA_CS0, dstring(self.file_set_id, 32), bytes(32), bytes(32),
            long_ad(BLOCK, self.root[0], self.root[1]), regid(b"*OSTA UDF Compliant", domain_suffix(self.revision)),
            bytes(16), bytes(16), bytes(32),
        ))
        return Tag.seal(TAG_FSD, version, location, body)

    @classmethod
    def from_bytes(cls, data: bytes) -> FileSet:
        _, lbn, part, _ = parse_long_ad(data[400:416])
        return cls(parse_timestamp(data[16:28]) or _dt.datetime(1980, 1, 1), parse_dstring(data[112:240]),
                   parse_dstring(data[304:336]), (lbn, part), struct.unpack_from("<H", data, 440)[0])


@dataclass(frozen=True, slots=True)
class FileIdentifier:
    """4/14.4 File Identifier Descriptor (one directory entry)."""

    name: str
    icb: tuple[int, int]  # (lbn, partition reference) of the item's file entry
    characteristics: int = 0  # 1 hidden, 2 directory, 4 deleted, 8 parent
    unique_id: int = 0

    def to_bytes(self, version: int, location: int) -> bytes:
        ident = cs0(self.name) if self.name else b""
        impl = struct.pack("<HI", 0, self.unique_id & 0xFFFFFFFF)  # UDF 2.3.4.3 ADImpUse
        body = (struct.pack("<HBB", 1, self.characteristics, len(ident))
                + long_ad(BLOCK, self.icb[0], self.icb[1], impl) + struct.pack("<H", 0) + ident)
        body += bytes(-(16 + len(body)) % 4)
        return Tag.seal(TAG_FID, version, location, body)

    @staticmethod
    def size_of(name: str) -> int:
        n = len(cs0(name)) if name else 0
        return 38 + n + (-(38 + n) % 4)

    @classmethod
    def from_bytes(cls, data: bytes, offset: int = 0) -> tuple[FileIdentifier, int]:
        """(descriptor, its length in bytes). Raises: ValueError on a truncated record."""
        if offset + 38 > len(data):
            raise ValueError("file identifier truncated")
        _, chars, l_fi = struct.unpack_from("<HBB", data, offset + 16)
        _, lbn, part, impl = parse_long_ad(data[offset + 20 : offset + 36])
        l_iu = struct.unpack_from("<H", data, offset + 36)[0]
        start = offset + 38 + l_iu
        if start + l_fi > len(data):
            raise ValueError("file identifier name truncated")
        name = parse_cs0(bytes(data[start : start + l_fi]))
        size = 38 + l_iu + l_fi
        size += -size % 4
        uid = struct.unpack_from("<I", impl, 2)[0]
        return cls(name, (lbn, part), chars, uid), size


_FE_HEAD = struct.Struct("<IHHHBB6sHIIIHBBIQQ")  # ICB tag (4/14.6) .. logical blocks recorded
_FE_MID = struct.pack("<I", 1) + bytes(16)  # checkpoint, extended attribute ICB
_FE_TAIL = struct.Struct("<QII")  # unique id, L_EA, L_AD


@dataclass(frozen=True, slots=True)
class FileEntry:
    """4/14.9 File Entry with long_ad (or embedded) allocation descriptors."""

    file_type: int
    uid: int
    gid: int
    permissions: int
    links: int
    size: int
    blocks: int
    atime: _dt.datetime
    mtime: _dt.datetime
    ctime: _dt.datetime
    unique_id: int
    implementation: bytes
    allocations: bytes  # concatenated long_ads, or the embedded data
    ad_type: int = AD_LONG
    flags: int = 0

    def to_bytes(self, version: int, location: int) -> bytes:
        body = b"".join((
            _FE_HEAD.pack(0, 4, 0, 1, 0, self.file_type, b"", self.ad_type | self.flags, self.uid, self.gid,
                          self.permissions, self.links, 0, 0, 0, self.size, self.blocks),
            timestamp(self.atime), timestamp(self.mtime), timestamp(self.ctime), _FE_MID, self.implementation,
            _FE_TAIL.pack(self.unique_id, 0, len(self.allocations)), self.allocations,
        ))
        return Tag.seal(TAG_FE, version, location, body)

    @classmethod
    def from_bytes(cls, data: bytes) -> FileEntry:
        """Raises: ValueError for a descriptor that is not a (extended) file entry."""
        tag = Tag.from_bytes(data)
        if tag.identifier not in (TAG_FE, TAG_EFE):
            raise ValueError(f"descriptor {tag.identifier} is not a file entry")
        file_type = data[27]
        flags = struct.unpack_from("<H", data, 34)[0]
        uid, gid, perms, links = struct.unpack_from("<IIIH", data, 36)
        size, blocks = struct.unpack_from("<QQ", data, 56)
        if tag.identifier == TAG_EFE:
            blocks = struct.unpack_from("<Q", data, 72)[0]
        if tag.identifier == TAG_FE:
            times = (data[72:84], data[84:96], data[96:108])
            unique_id, l_ea, l_ad = struct.unpack_from("<QII", data, 160)
            base = 176
        else:
            times = (data[80:92], data[92:104], data[104:116])
            unique_id, l_ea, l_ad = struct.unpack_from("<QII", data, 200)
            base = 216
        if base + l_ea + l_ad > len(data):
            raise ValueError("file entry allocation descriptors overrun the block")
        epoch = _dt.datetime(1980, 1, 1, tzinfo=_dt.UTC)
        at, mt, ct = (parse_timestamp(t) or epoch for t in times)
        return cls(file_type, uid, gid, perms, links, size, blocks, at, mt, ct, unique_id, b"",
                   bytes(data[base + l_ea : base + l_ea + l_ad]), flags & 7, flags & ~7)
