"""ECMA-119 (ISO 9660) on-disc records: one class per structure, symmetric build and parse.

Every record is a frozen, slotted dataclass with ``to_bytes()`` (strict: refuses values
the standard forbids) and ``from_bytes()`` (forgiving where real discs are known to be
sloppy, strict where a wrong value would make us read the wrong place). Clause numbers
are those of ECMA-119 4th edition (2019), which matches the 2nd edition numbering.

The same records serve Joliet: a Joliet volume is an ECMA-119 Supplementary Volume
Descriptor (8.5) whose identifiers are UCS-2 big endian.
"""

from __future__ import annotations

import datetime as _dt
import socket
import struct
import sys
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = [
    "BLOCK",
    "DirectoryRecord",
    "FLAG_ASSOCIATED",
    "FLAG_DIRECTORY",
    "FLAG_HIDDEN",
    "FLAG_MULTI_EXTENT",
    "MalformedRecord",
    "PathTableRecord",
    "VD_BOOT",
    "VD_PRIMARY",
    "VD_SUPPLEMENTARY",
    "VD_TERMINATOR",
    "BootRecord",
    "VolumeDescriptor",
    "VolumeDescriptorSetTerminator",
    "both16",
    "both32",
    "build_dir_record",
    "dec_datetime",
    "dir_datetime",
    "parse_both32",
    "parse_dec_datetime",
    "parse_dir_datetime",
]

BLOCK = 2048
STANDARD_ID = b"CD001"

VD_BOOT = 0
VD_PRIMARY = 1
VD_SUPPLEMENTARY = 2
VD_PARTITION = 3
VD_TERMINATOR = 255

# File flags (9.1.6)
FLAG_HIDDEN = 0x01  # "Existence": the user need not be told the file exists
FLAG_DIRECTORY = 0x02
FLAG_ASSOCIATED = 0x04
FLAG_MULTI_EXTENT = 0x80

# Joliet escape sequences (Joliet spec 1995, level 1/2/3 of UCS-2)
JOLIET_ESCAPES = (b"%/@", b"%/C", b"%/E")


class MalformedRecord(ValueError):
    """A record read from an image is too short or self-contradictory."""


# ----- numeric encodings (7.2, 7.3) -------------------------------------------------------


def both16(value: int) -> bytes:
    """7.2.3: 16-bit both-byte orders."""
    return value.to_bytes(2, "little") + value.to_bytes(2, "big")


def both32(value: int) -> bytes:
    """7.3.3: 32-bit both-byte orders."""
    return value.to_bytes(4, "little") + value.to_bytes(4, "big")


def parse_both32(data: bytes | memoryview, offset: int) -> int:
    """Read a 7.3.3 field, trusting the little-endian half (as every reader does)."""
    return int.from_bytes(data[offset : offset + 4], "little")


# ----- dates (8.4.26.1 and 9.1.5) ---------------------------------------------------------


def _utc(when: _dt.datetime) -> _dt.datetime:
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.UTC)
    return when.astimezone(_dt.UTC)


@lru_cache(maxsize=8192)
def dir_datetime(when: _dt.datetime | None) -> bytes:
    """9.1.5: the 7-byte recording date of a directory record (stored as UTC, offset 0).

    Raises:
        ValueError: a year outside 1900..2155, which the format cannot hold.
    """
    if when is None:
        return bytes(7)
    when = _utc(when)
    if not 1900 <= when.year <= 2155:
        raise ValueError(f"year {when.year} does not fit a directory record date")
    return bytes((when.year - 1900, when.month, when.day, when.hour, when.minute, when.second, 0))


def parse_dir_datetime(data: bytes | memoryview) -> _dt.datetime | None:
    """Inverse of :func:`dir_datetime`; None for an all-zero ("not specified") or bad date."""
    if len(data) < 7 or not any(data[:6]):
        return None
    offset = int.from_bytes(data[6:7], "little", signed=True)
    try:
        tz = _dt.timezone(_dt.timedelta(minutes=15 * offset))
        return _dt.datetime(1900 + data[0], data[1], data[2], data[3], data[4], data[5], tzinfo=tz)
    except ValueError:
        return None


def dec_datetime(when: _dt.datetime | None) -> bytes:
    """8.4.26.1: the 17-byte digit date of a volume descriptor; None = not specified.

    Raises:
        ValueError: a year beyond 9999.
    """
    if when is None:
        return b"0" * 16 + b"\x00"
    when = _utc(when)
    text = when.strftime("%Y%m%d%H%M%S") + f"{when.microsecond // 10000:02d}"
    if len(text) != 16:
        raise ValueError(f"date {when!r} does not fit a volume descriptor date")
    return text.encode("ascii") + b"\x00"


def parse_dec_datetime(data: bytes | memoryview) -> _dt.datetime | None:
    """Inverse of :func:`dec_datetime`; None when not specified or not a date."""
    raw = bytes(data[:16])
    if len(raw) < 16 or raw == b"0" * 16 or not raw.isdigit():
        return None
    offset = int.from_bytes(bytes(data[16:17]) or b"\x00", "little", signed=True)
    try:
        tz = _dt.timezone(_dt.timedelta(minutes=15 * offset))
        return _dt.datetime(
            int(raw[0:4]), int(raw[4:6]), int(raw[6:8]), int(raw[8:10]), int(raw[10:12]), int(raw[12:14]),
            int(raw[14:16]) * 10000, tzinfo=tz,
        )
    except ValueError:
        return None


# ----- directory record (9.1) -------------------------------------------------------------

# The fixed 33 bytes in one pack: both-endian fields take the big-endian half byte-swapped
# (only on little-endian hosts; elsewhere the generic path below is used).
_HEAD = struct.Struct("<BBIIII7sBBBHHB")
_LE_HOST = sys.byteorder == "little"


_bswap32 = socket.htonl  # a byte swap on the little-endian hosts this fast path runs on


def build_dir_record(
    extent: int, size: int, date7: bytes, flags: int, ident: bytes, system_use: bytes = b"", volume_seq: int = 1
) -> bytes:
    """9.1: one directory record; the fast path :class:`DirectoryRecord` uses too.

    Raises:
        ValueError: the record would exceed 255 bytes or a field its width.
    """
    len_fi = len(ident)
    pad = b"\x00" if len_fi % 2 == 0 else b""
    length = 33 + len_fi + len(pad) + len(system_use)
    if length % 2:
        system_use += b"\x00"  # 9.1.13: the record length is even
        length += 1
    if length > 255 or len_fi == 0:
        raise ValueError(f"directory record of {length} bytes with a {len_fi}-byte identifier")
    if not 0 <= extent < 1 << 32 or not 0 <= size < 1 << 32:
        raise ValueError(f"extent {extent} or size {size} does not fit 32 bits")
    if _LE_HOST and volume_seq == 1:
        return b"".join((
            _HEAD.pack(length, 0, extent, _bswap32(extent), size, _bswap32(size), date7, flags, 0, 0, 1, 0x0100,
                       len_fi),
            ident, pad, system_use,
        ))
    return b"".join(
        (
            bytes((length, 0)),
            both32(extent),
            both32(size),
            date7,
            bytes((flags, 0, 0)),
            both16(volume_seq),
            bytes((len_fi,)),
            ident,
            pad,
            system_use,
        )
    )


@dataclass(frozen=True, slots=True)
class DirectoryRecord:
    """9.1 Format of a Directory Record.

    ``identifier`` is the raw file identifier (``b"\\x00"`` for "." and ``b"\\x01"`` for
    "..", 6.8.2.2); ``system_use`` holds the SUSP / Rock Ridge area (9.1.13).
    """

    extent: int
    size: int
    flags: int = 0
    identifier: bytes = b"\x00"
    recorded: bytes = bytes(7)
    system_use: bytes = b""
    ext_attr_length: int = 0
    volume_sequence: int = 1

    def __post_init__(self) -> None:
        if len(self.recorded) != 7:
            raise ValueError("a recording date is 7 bytes (9.1.5)")

    @property
    def is_directory(self) -> bool:
        return bool(self.flags & FLAG_DIRECTORY)

    def to_bytes(self) -> bytes:
        """Raises: ValueError when the record does not fit 255 bytes."""
        data = build_dir_record(
            self.extent, self.size, self.recorded, self.flags, self.identifier, self.system_use, self.volume_sequence
        )
        if self.ext_attr_length:
            data = data[:1] + bytes((self.ext_attr_length,)) + data[2:]
        return data

    @classmethod
    def from_bytes(cls, data: bytes | memoryview, offset: int = 0) -> DirectoryRecord:
        """Parse the record at ``offset``.

        Raises:
            MalformedRecord: the length byte is 0, too small, or runs past the data.
        """
        length = data[offset] if offset < len(data) else 0
        if length < 34 or offset + length > len(data):
            raise MalformedRecord(f"directory record length {length} at offset {offset}")
        rec = bytes(data[offset : offset + length])
        len_fi = rec[32]
        if 33 + len_fi > length:
            raise MalformedRecord(f"identifier of {len_fi} bytes overruns a {length}-byte record")
        su_start = 33 + len_fi + (0 if len_fi % 2 else 1)
        return cls(
            extent=parse_both32(rec, 2),
            size=parse_both32(rec, 10),
            recorded=rec[18:25],
            flags=rec[25],
            identifier=rec[33 : 33 + len_fi],
            system_use=rec[su_start:length] if su_start < length else b"",
            ext_attr_length=rec[1],
            volume_sequence=int.from_bytes(rec[28:30], "little"),
        )


# ----- path table record (9.4) ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PathTableRecord:
    """9.4 Format of a Path Table Record (type L little endian, type M big endian)."""

    extent: int
    parent: int
    identifier: bytes = b"\x00"
    ext_attr_length: int = 0

    def to_bytes(self, big_endian: bool = False) -> bytes:
        """Raises: ValueError for a parent number beyond 16 bits or an empty identifier."""
        if not 1 <= self.parent <= 0xFFFF or not self.identifier:
            raise ValueError(f"path table parent {self.parent} / identifier {self.identifier!r}")
        order = ">" if big_endian else "<"
        head = struct.pack(order + "BBIH", len(self.identifier), self.ext_attr_length, self.extent, self.parent)
        pad = b"\x00" if len(self.identifier) % 2 else b""
        return head + self.identifier + pad

    @classmethod
    def from_bytes(cls, data: bytes | memoryview, offset: int = 0, big_endian: bool = False) -> PathTableRecord:
        """Raises: MalformedRecord when the record runs past the data."""
        if offset + 8 > len(data):
            raise MalformedRecord("path table record truncated")
        order = ">" if big_endian else "<"
        len_di, ear, extent, parent = struct.unpack_from(order + "BBIH", data, offset)
        if len_di == 0 or offset + 8 + len_di > len(data):
            raise MalformedRecord(f"path table identifier of {len_di} bytes")
        return cls(extent, parent, bytes(data[offset + 8 : offset + 8 + len_di]), ear)

    @staticmethod
    def size_of(identifier_length: int) -> int:
        return 8 + identifier_length + (identifier_length % 2)


# ----- volume descriptors (8.4, 8.5, 8.2, 8.3) --------------------------------------------


def _field(text: bytes, width: int) -> bytes:
    if len(text) > width:
        raise ValueError(f"{text!r} is longer than its {width}-byte field")
    return text + b" " * (width - len(text))


def _ucs2_field(text: str, width: int) -> bytes:
    raw = text.encode("utf-16-be")[: width - width % 2]
    raw = raw[: len(raw) - len(raw) % 2]
    return raw + b"\x00 " * ((width - len(raw)) // 2) + b" " * ((width - len(raw)) % 2)


@dataclass(frozen=True, slots=True)
class VolumeDescriptor:
    """8.4 Primary (type 1) and 8.5 Supplementary (type 2, Joliet) Volume Descriptor.

    Text fields are given as Python strings; a Joliet descriptor (``escapes`` non-empty)
    stores them as UCS-2 big endian, a primary one as ASCII a-/d-characters.
    """

    vd_type: int
    volume_id: str
    space_size: int
    path_table_size: int
    l_path_table: int
    m_path_table: int
    root: DirectoryRecord
    created: _dt.datetime | None = None
    modified: _dt.datetime | None = None
    effective: _dt.datetime | None = None
    system_id: str = "LINUX"
    volume_set_id: str = ""
    publisher_id: str = ""
    preparer_id: str = ""
    application_id: str = "OPENIMAPI"
    escapes: bytes = b""
    volume_flags: int = 0
    file_structure_version: int = 1
    application_use: bytes = field(default=b"", repr=False)

    def __post_init__(self) -> None:
        if self.vd_type not in (VD_PRIMARY, VD_SUPPLEMENTARY):
            raise ValueError(f"volume descriptor type {self.vd_type} is not 1 or 2")
        if len(self.application_use) > 512:
            raise ValueError("application use is 512 bytes at most (8.4.32)")

    @property
    def joliet(self) -> bool:
        return self.vd_type == VD_SUPPLEMENTARY and self.escapes in JOLIET_ESCAPES

    def _text(self, text: str, width: int) -> bytes:
        if self.joliet:
            return _ucs2_field(text, width)
        return _field(text.encode("ascii", "replace"), width)

    def to_bytes(self) -> bytes:
        """Raises: ValueError for a text field that does not fit or a non-34-byte root."""
        root = self.root.to_bytes()
        if len(root) != 34:
            raise ValueError("the root directory record is 34 bytes (8.4.18)")
        out = bytearray(BLOCK)
        out[0] = self.vd_type
        out[1:6] = STANDARD_ID
        out[6] = 1
        out[7] = self.volume_flags
        out[8:40] = self._text(self.system_id, 32)
        out[40:72] = self._text(self.volume_id, 32)
        out[80:88] = both32(self.space_size)
        out[88:120] = self.escapes.ljust(32, b"\x00")
        out[120:124] = both16(1)
        out[124:128] = both16(1)
        out[128:132] = both16(BLOCK)
        out[132:140] = both32(self.path_table_size)
        out[140:144] = self.l_path_table.to_bytes(4, "little")
        out[148:152] = self.m_path_table.to_bytes(4, "big")
        out[156:190] = root
        out[190:318] = self._text(self.volume_set_id, 128)
        out[318:446] = self._text(self.publisher_id, 128)
        out[446:574] = self._text(self.preparer_id, 128)
        out[574:702] = self._text(self.application_id, 128)
        out[702:813] = self._text("", 37) + self._text("", 37) + self._text("", 37)
        out[813:830] = dec_datetime(self.created)
        out[830:847] = dec_datetime(self.modified)
        out[847:864] = dec_datetime(None)
        out[864:881] = dec_datetime(self.effective)
        out[881] = self.file_structure_version
        out[883 : 883 + len(self.application_use)] = self.application_use
        return bytes(out)

    @classmethod
    def from_bytes(cls, data: bytes | memoryview) -> VolumeDescriptor:
        """Raises: MalformedRecord for a block that is not a type 1/2 descriptor."""
        if len(data) < BLOCK or bytes(data[1:6]) != STANDARD_ID or data[0] not in (VD_PRIMARY, VD_SUPPLEMENTARY):
            raise MalformedRecord("not a primary or supplementary volume descriptor")
        escapes = bytes(data[88:120]).rstrip(b"\x00")
        joliet = data[0] == VD_SUPPLEMENTARY and escapes[:3] in JOLIET_ESCAPES

        def text(a: int, b: int) -> str:
            raw = bytes(data[a:b])
            if joliet:
                return raw[: len(raw) - len(raw) % 2].decode("utf-16-be", "replace").rstrip(" \x00")
            return raw.decode("ascii", "replace").rstrip(" \x00")

        return cls(
            vd_type=data[0],
            volume_id=text(40, 72),
            space_size=parse_both32(data, 80),
            path_table_size=parse_both32(data, 132),
            l_path_table=int.from_bytes(data[140:144], "little"),
            m_path_table=int.from_bytes(data[148:152], "big"),
            root=DirectoryRecord.from_bytes(data, 156),
            created=parse_dec_datetime(data[813:830]),
            modified=parse_dec_datetime(data[830:847]),
            effective=parse_dec_datetime(data[864:881]),
            system_id=text(8, 40),
            volume_set_id=text(190, 318),
            publisher_id=text(318, 446),
            preparer_id=text(446, 574),
            application_id=text(574, 702),
            escapes=escapes[:3] if joliet else escapes,
            volume_flags=data[7],
            file_structure_version=data[881],
            application_use=bytes(data[883:1395]).rstrip(b"\x00"),
        )


@dataclass(frozen=True, slots=True)
class BootRecord:
    """8.2 Boot Record, as El Torito uses it: points at the boot catalog (El Torito 2.0)."""

    catalog_block: int
    system_id: bytes = b"EL TORITO SPECIFICATION"

    def to_bytes(self) -> bytes:
        out = bytearray(BLOCK)
        out[0] = VD_BOOT
        out[1:6] = STANDARD_ID
        out[6] = 1
        out[7 : 7 + len(self.system_id)] = self.system_id
        out[71:75] = self.catalog_block.to_bytes(4, "little")
        return bytes(out)

    @classmethod
    def from_bytes(cls, data: bytes | memoryview) -> BootRecord:
        """Raises: MalformedRecord when the block is not a boot record."""
        if len(data) < BLOCK or data[0] != VD_BOOT or bytes(data[1:6]) != STANDARD_ID:
            raise MalformedRecord("not a boot record")
        return cls(int.from_bytes(data[71:75], "little"), bytes(data[7:39]).rstrip(b"\x00"))


@dataclass(frozen=True, slots=True)
class VolumeDescriptorSetTerminator:
    """8.3 Volume Descriptor Set Terminator."""

    def to_bytes(self) -> bytes:
        return bytes((VD_TERMINATOR,)) + STANDARD_ID + b"\x01" + bytes(BLOCK - 7)

    @classmethod
    def from_bytes(cls, data: bytes | memoryview) -> VolumeDescriptorSetTerminator:
        """Raises: MalformedRecord when the block is not a terminator."""
        if len(data) < 7 or data[0] != VD_TERMINATOR or bytes(data[1:6]) != STANDARD_ID:
            raise MalformedRecord("not a volume descriptor set terminator")
        return cls()
