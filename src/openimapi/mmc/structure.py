"""READ DISC STRUCTURE (ADh, MMC-6 6.23): the request and the structures the recorder
layer needs: DVD physical format information (formats 00h and 10h), DVD-R/-RW
pre-recorded information (0Eh, where the media manufacturer id lives), DVD+R/+RW ADIP
information (11h), the layer boundary of dual-layer DVD+/-R (20h), BD disc information
(BD format 00h) and the structure list (FFh).

Every answer is the 4-byte header (data length, 2 reserved bytes) and the structure.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar

from openimapi.mmc._binfields import check_bool, check_uint, get_u, pad_to, put_u, require_length, reserved_zero
from openimapi.mmc.codec import MalformedData, check_cdb, register
from openimapi.mmc.command import DEFAULT_TIMEOUT, Command

__all__ = [
    "BOOK_TYPES",
    "BdDiscInformation",
    "BdDiscInformationUnit",
    "DvdAdipInformation",
    "DvdPhysicalFormat",
    "DvdPrerecordedInformation",
    "LayerBoundaryInformation",
    "ReadDiscStructure",
    "StructureListEntry",
    "StructureList",
    "StructureMediaType",
    "structure_data",
]

#: DVD book types (Disc Category, byte 0 bits 7-4 of the physical format).
BOOK_TYPES: dict[int, str] = {
    0x0: "DVD-ROM", 0x1: "DVD-RAM", 0x2: "DVD-R", 0x3: "DVD-RW", 0x9: "DVD+RW", 0xA: "DVD+R",
    0xD: "DVD+RW DL", 0xE: "DVD+R DL",
}


class StructureMediaType(enum.IntEnum):
    """Media Type field of the CDB (byte 1, bits 3-0)."""

    DVD = 0  # DVD and HD DVD
    BD = 1


def _header(body: bytes) -> bytes:
    return (len(body) + 2).to_bytes(2, "big") + bytes(2) + body


def _body(data: bytes, what: str) -> bytes:
    data = require_length(data, 4, what)
    return data[4 : min(len(data), get_u(data, 0, 2) + 2)]


def structure_data(data: bytes) -> bytes:
    """The structure bytes of any READ DISC STRUCTURE answer: after the 4-byte header, up to
    the length the header declares (or the end of a truncated answer).

    Raises:
        MalformedData: fewer than the 4 header bytes.
    """
    return _body(bytes(data), "disc structure")


def _ascii(raw: bytes) -> str:
    return raw.decode("latin-1").rstrip(" \x00")


def _fixed_ascii(name: str, text: str, size: int) -> bytes:
    raw = text.encode("latin-1") if text.isascii() else b""
    if len(raw) != len(text) or len(raw) > size:
        raise ValueError(f"{name} is at most {size} ASCII characters")
    return raw.ljust(size, b" ")


@register
@dataclass(frozen=True, slots=True)
class ReadDiscStructure:
    """READ DISC STRUCTURE CDB: media type, address, layer, format code, allocation
    length, AGID.

    Raises:
        ValueError: a field out of range.
    """

    OPCODE: ClassVar[int] = 0xAD
    NAME: ClassVar[str] = "READ DISC STRUCTURE"

    format: int = 0x00
    media_type: StructureMediaType | int = StructureMediaType.DVD
    address: int = 0
    layer: int = 0
    allocation_length: int = 2052
    agid: int = 0

    def __post_init__(self) -> None:
        check_uint("format", self.format, 8)
        check_uint("media_type", self.media_type, 4)
        if self.media_type in (0, 1):
            object.__setattr__(self, "media_type", StructureMediaType(self.media_type))
        check_uint("address", self.address, 32)
        check_uint("layer", self.layer, 8)
        check_uint("allocation_length", self.allocation_length, 16)
        check_uint("agid", self.agid, 2)

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        cdb = bytearray(12)
        cdb[0] = self.OPCODE
        cdb[1] = int(self.media_type)
        put_u(cdb, 2, 4, self.address)
        cdb[6], cdb[7] = self.layer, self.format
        put_u(cdb, 8, 2, self.allocation_length)
        cdb[10] = self.agid << 6
        return Command(bytes(cdb), data_in_length=self.allocation_length, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> ReadDiscStructure:
        """Parse the CDB strictly.

        Raises:
            InvalidCdbField: wrong opcode/length or a reserved bit set.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 12)
        reserved_zero(cdb, 1, 0xF0)
        reserved_zero(cdb, 10, 0x3F)
        return cls(cdb[7], cdb[1] & 0x0F, get_u(cdb, 2, 4), cdb[6], get_u(cdb, 8, 2), cdb[10] >> 6)


@dataclass(frozen=True, slots=True)
class DvdPhysicalFormat:
    """DVD physical format information, formats 00h (and 10h, from the lead-in of
    DVD-R/-RW), 2048 bytes (ECMA-267 / MMC-6 table 431).

    ``layers`` is the number of layers (1 or 2; the field holds layers - 1); addresses
    are physical sector numbers (the data area of a single-layer disc starts at 030000h).
    ``media_specific`` is bytes 17..2047.

    Raises:
        ValueError: a field out of range.
    """

    book_type: int = 0
    part_version: int = 0
    disc_size: int = 0
    max_rate: int = 0x0F
    layers: int = 1
    track_path: bool = False
    layer_type: int = 1
    linear_density: int = 0
    track_density: int = 0
    data_start: int = 0x030000
    data_end: int = 0
    layer0_end: int = 0
    bca: bool = False
    media_specific: bytes = bytes(2031)

    def __post_init__(self) -> None:
        object.__setattr__(self, "media_specific", bytes(self.media_specific))
        for name in ("book_type", "part_version", "disc_size", "max_rate", "layer_type", "linear_density",
                     "track_density"):
            check_uint(name, getattr(self, name), 4)
        if not 1 <= self.layers <= 4:
            raise ValueError("layers is 1..4")
        check_bool("track_path", self.track_path)
        check_bool("bca", self.bca)
        for name in ("data_start", "data_end", "layer0_end"):
            check_uint(name, getattr(self, name), 24)
        if len(self.media_specific) != 2031:
            raise ValueError("media_specific is bytes 17..2047 (2031 bytes)")

    @property
    def book_name(self) -> str:
        return BOOK_TYPES.get(self.book_type, f"book type {self.book_type:X}h")

    @property
    def data_blocks(self) -> int:
        """Sectors of the data area, ``data_end - data_start + 1`` (0 when end < start)."""
        return max(0, self.data_end - self.data_start + 1)

    def to_bytes(self) -> bytes:
        body = bytearray(2048)
        body[0] = self.book_type << 4 | self.part_version
        body[1] = self.disc_size << 4 | self.max_rate
        body[2] = (self.layers - 1) << 5 | int(self.track_path) << 4 | self.layer_type
        body[3] = self.linear_density << 4 | self.track_density
        put_u(body, 5, 3, self.data_start)
        put_u(body, 9, 3, self.data_end)
        put_u(body, 13, 3, self.layer0_end)
        body[16] = int(self.bca) << 7
        body[17:] = self.media_specific
        return _header(bytes(body))

    @classmethod
    def from_bytes(cls, data: bytes) -> DvdPhysicalFormat:
        """Decode; a structure cut short reads the missing bytes as zero.

        Raises:
            MalformedData: fewer than 8 bytes (header and the first 4 structure bytes).
        """
        body = pad_to(_body(require_length(data, 8, "DVD physical format"), "DVD physical format"), 2048)
        return cls(
            book_type=body[0] >> 4, part_version=body[0] & 15, disc_size=body[1] >> 4, max_rate=body[1] & 15,
            layers=(body[2] >> 5 & 3) + 1, track_path=bool(body[2] & 0x10), layer_type=body[2] & 15,
            linear_density=body[3] >> 4, track_density=body[3] & 15, data_start=get_u(body, 5, 3),
            data_end=get_u(body, 9, 3), layer0_end=get_u(body, 13, 3), bca=bool(body[16] & 0x80),
            media_specific=body[17:2048],
        )


@dataclass(frozen=True, slots=True)
class DvdPrerecordedInformation:
    """Format 0Eh on DVD-R/-RW: five 8-byte pre-pit fields (field id, then 7 bytes).
    The media manufacturer id is bytes 1-6 of field 3 followed by bytes 1-6 of field 4.

    ``fields`` holds the 7 data bytes of fields 1..5 as they are; :meth:`build` places a
    manufacturer id.

    Raises:
        ValueError: not five 7-byte fields.
    """

    fields: tuple[bytes, bytes, bytes, bytes, bytes] = (bytes(7),) * 5

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", tuple(bytes(f) for f in self.fields))
        if len(self.fields) != 5 or any(len(f) != 7 for f in self.fields):
            raise ValueError("pre-recorded information is five fields of 7 data bytes")

    @classmethod
    def build(cls, manufacturer_id: str, last_recordable_address: int = 0) -> DvdPrerecordedInformation:
        """Fields with a manufacturer id (up to 12 characters) and, in field 1, the last
        address of the data recordable area.

        Raises:
            ValueError: the id is longer than 12 ASCII characters, or the address than 24 bits.
        """
        raw = _fixed_ascii("manufacturer_id", manufacturer_id, 12)
        check_uint("last_recordable_address", last_recordable_address, 24)
        field1 = bytes(2) + last_recordable_address.to_bytes(3, "big") + bytes(2)
        return cls((field1, bytes(7), raw[:6] + b"\0", raw[6:] + b"\0", bytes(7)))

    @property
    def manufacturer_id(self) -> str:
        """Bytes 1-6 of field 3 and of field 4, trailing padding removed."""
        return _ascii(self.fields[2][:6] + self.fields[3][:6])

    @property
    def last_recordable_address(self) -> int:
        return get_u(self.fields[0], 2, 3)

    def to_bytes(self) -> bytes:
        return _header(b"".join(bytes((i + 1,)) + f for i, f in enumerate(self.fields)))

    @classmethod
    def from_bytes(cls, data: bytes) -> DvdPrerecordedInformation:
        """Decode; missing fields read as zero.

        Raises:
            MalformedData: fewer than 4 bytes.
        """
        body = pad_to(_body(data, "pre-recorded information"), 40)
        fields = tuple(body[8 * i + 1 : 8 * i + 8] for i in range(5))
        return cls((fields[0], fields[1], fields[2], fields[3], fields[4]))


@dataclass(frozen=True, slots=True)
class DvdAdipInformation:
    """Format 11h on DVD+R/+RW: the 256-byte ADIP information. Byte 0 is the disc
    category and version, bytes 19-26 the manufacturer id, 27-29 the media type id and
    byte 30 the product revision; the rest is kept in ``data``.

    Raises:
        ValueError: ``data`` is not 256 bytes.
    """

    data: bytes = bytes(256)

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", bytes(self.data))
        if len(self.data) != 256:
            raise ValueError("ADIP information is 256 bytes")

    @classmethod
    def build(
        cls, manufacturer_id: str, media_type_id: str, product_revision: int = 0, book_type: int = 0xA, version: int = 0
    ) -> DvdAdipInformation:
        """ADIP bytes with the identification fields set.

        Raises:
            ValueError: an id too long or a number out of range.
        """
        check_uint("product_revision", product_revision, 8)
        check_uint("book_type", book_type, 4)
        check_uint("version", version, 4)
        body = bytearray(256)
        body[0] = book_type << 4 | version
        body[19:27] = _fixed_ascii("manufacturer_id", manufacturer_id, 8)
        body[27:30] = _fixed_ascii("media_type_id", media_type_id, 3)
        body[30] = product_revision
        return cls(bytes(body))

    @property
    def book_type(self) -> int:
        return self.data[0] >> 4

    @property
    def manufacturer_id(self) -> str:
        return _ascii(self.data[19:27])

    @property
    def media_type_id(self) -> str:
        return _ascii(self.data[27:30])

    @property
    def product_revision(self) -> int:
        return self.data[30]

    @property
    def media_id(self) -> str:
        """``MANUFACTURER/TYPE``, as recording tools print it."""
        return f"{self.manufacturer_id}/{self.media_type_id}"

    def to_bytes(self) -> bytes:
        return _header(self.data)

    @classmethod
    def from_bytes(cls, data: bytes) -> DvdAdipInformation:
        """Decode; a short structure is padded with zeros.

        Raises:
            MalformedData: fewer than 4 bytes.
        """
        return cls(pad_to(_body(data, "ADIP information"), 256)[:256])


@dataclass(frozen=True, slots=True)
class LayerBoundaryInformation:
    """Format 20h on DVD+R DL and DVD-R DL: the L0 data zone capacity in sectors and the
    InitStatus bit (set once the capacity has been fixed, e.g. by SEND DISC STRUCTURE).

    Raises:
        ValueError: a field out of range.
    """

    l0_capacity: int
    init_status: bool = False

    def __post_init__(self) -> None:
        check_uint("l0_capacity", self.l0_capacity, 32)
        check_bool("init_status", self.init_status)

    def to_bytes(self) -> bytes:
        return _header(bytes((int(self.init_status) << 7, 0, 0, 0)) + self.l0_capacity.to_bytes(4, "big"))

    @classmethod
    def from_bytes(cls, data: bytes) -> LayerBoundaryInformation:
        """Decode the 12-byte answer.

        Raises:
            MalformedData: fewer than 12 bytes.
        """
        data = require_length(data, 12, "layer boundary information")
        return cls(get_u(data, 8, 4), bool(data[4] & 0x80))


@dataclass(frozen=True, slots=True)
class BdDiscInformationUnit:
    """One disc information (DI) unit of a BD's PIC zone (Blu-ray Disc Part 1; MMC-6
    BD format 00h): 64 bytes on BD-ROM, 112 on BD-R/RE.

    Header: "DI" (or "EB", emergency brake), DI format, units per DI block, sequence
    number, bytes in use; body: disc type id ("BDO", "BDR", "BDW"), disc size/class/
    version, format-dependent contents; BD-R/RE trailer: manufacturer id (6), media
    type id (3), time stamp (2), product revision (1).

    Raises:
        ValueError: ``data`` is not 64 or 112 bytes.
    """

    data: bytes

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", bytes(self.data))
        if len(self.data) not in (64, 112):
            raise ValueError("a DI unit is 64 (BD-ROM) or 112 (BD-R/RE) bytes")

    @classmethod
    def build(
        cls, disc_type_id: str = "BDR", *, disc_size: int = 0, disc_class: int = 0, version: int = 1,
        layers: int = 1, channel_bit_length: int = 1, sequence: int = 0, units_per_block: int = 1,
        di_format: int = 1, manufacturer_id: str = "", media_type_id: str = "", product_revision: int = 0,
        format_dependent: bytes = b"",
    ) -> BdDiscInformationUnit:
        """A DI unit from its fields (112 bytes unless the type is "BDO").

        Raises:
            ValueError: a field out of range.
        """
        size = 64 if disc_type_id == "BDO" else 112
        for name, value, bits in (("disc_size", disc_size, 2), ("disc_class", disc_class, 2), ("version", version, 4),
                                  ("layers", layers, 4), ("channel_bit_length", channel_bit_length, 4),
                                  ("sequence", sequence, 8), ("units_per_block", units_per_block, 8),
                                  ("di_format", di_format, 8), ("product_revision", product_revision, 8)):
            check_uint(name, value, bits)
        buf = bytearray(size)
        buf[0:2] = b"DI"
        buf[2], buf[3], buf[5], buf[6] = di_format, units_per_block, sequence, size
        buf[8:11] = _fixed_ascii("disc_type_id", disc_type_id, 3)
        buf[11] = disc_size << 6 | disc_class << 4 | version
        if len(format_dependent) > (size if size == 64 else 100) - 12:
            raise ValueError("format-dependent contents too long")
        buf[12 : 12 + len(format_dependent)] = format_dependent
        buf[12] = (buf[12] & 0x0F) | layers << 4
        buf[13] = (buf[13] & 0xF0) | channel_bit_length
        if size == 112:
            buf[100:106] = _fixed_ascii("manufacturer_id", manufacturer_id, 6)
            buf[106:109] = _fixed_ascii("media_type_id", media_type_id, 3)
            buf[111] = product_revision
        return cls(bytes(buf))

    @property
    def identifier(self) -> str:
        return self.data[0:2].decode("latin-1")

    @property
    def di_format(self) -> int:
        return self.data[2]

    @property
    def sequence(self) -> int:
        return self.data[5]

    @property
    def disc_type_id(self) -> str:
        return self.data[8:11].decode("latin-1")

    @property
    def disc_size(self) -> int:
        """0 = 120 mm, 1 = 80 mm."""
        return self.data[11] >> 6

    @property
    def disc_class(self) -> int:
        return self.data[11] >> 4 & 3

    @property
    def version(self) -> int:
        return self.data[11] & 15

    @property
    def layers(self) -> int:
        return self.data[12] >> 4

    @property
    def channel_bit_length(self) -> int:
        """1 = 74.5 nm (25 GB a layer), 2 = 69.0 nm (27 GB), 3 = 64.8 nm (29 GB)."""
        return self.data[13] & 15

    @property
    def manufacturer_id(self) -> str:
        return _ascii(self.data[100:106]) if len(self.data) == 112 else ""

    @property
    def media_type_id(self) -> str:
        return _ascii(self.data[106:109]) if len(self.data) == 112 else ""

    @property
    def product_revision(self) -> int:
        return self.data[111] if len(self.data) == 112 else 0

    @property
    def media_id(self) -> str:
        """``MANUFACTURER/TYPE``, as recording tools print it."""
        return f"{self.manufacturer_id}/{self.media_type_id}"


@dataclass(frozen=True, slots=True)
class BdDiscInformation:
    """BD format 00h answer: the DI units read from the PIC zone, then whatever else the
    drive returned (emergency brake data, padding) kept raw in ``trailer``.

    Raises:
        ValueError: a structure too large for the 16-bit length.
    """

    units: tuple[BdDiscInformationUnit, ...] = ()
    trailer: bytes = b""

    def __post_init__(self) -> None:
        object.__setattr__(self, "units", tuple(self.units))
        object.__setattr__(self, "trailer", bytes(self.trailer))
        if sum(len(u.data) for u in self.units) + len(self.trailer) + 2 > 0xFFFF:
            raise ValueError("BD disc information too long")

    def to_bytes(self) -> bytes:
        return _header(b"".join(u.data for u in self.units) + self.trailer)

    @classmethod
    def from_bytes(cls, data: bytes) -> BdDiscInformation:
        """Decode the DI units (each says its own length in byte 6, 64 or 112).

        Raises:
            MalformedData: fewer than 4 bytes.
        """
        body = _body(data, "BD disc information")
        units: list[BdDiscInformationUnit] = []
        offset = 0
        while body[offset : offset + 2] == b"DI":
            size = 64 if body[offset + 8 : offset + 11] == b"BDO" else 112
            if len(body) < offset + size:
                break
            units.append(BdDiscInformationUnit(body[offset : offset + size]))
            offset += size
        return cls(tuple(units), body[offset:])


@dataclass(frozen=True, slots=True)
class StructureListEntry:
    """One entry of the format FFh list: format code, SDS/RDS and structure length."""

    format: int
    sds: bool = False
    rds: bool = True
    length: int = 0

    def __post_init__(self) -> None:
        check_uint("format", self.format, 8)
        check_bool("sds", self.sds)
        check_bool("rds", self.rds)
        check_uint("length", self.length, 16)


@dataclass(frozen=True, slots=True)
class StructureList:
    """Format FFh answer: the structures the drive can return for the medium."""

    entries: tuple[StructureListEntry, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "entries", tuple(self.entries))

    def to_bytes(self) -> bytes:
        return _header(b"".join(
            bytes((e.format, int(e.sds) << 7 | int(e.rds) << 6)) + e.length.to_bytes(2, "big") for e in self.entries
        ))

    @classmethod
    def from_bytes(cls, data: bytes) -> StructureList:
        """Decode; an entry cut off is dropped.

        Raises:
            MalformedData: fewer than 4 bytes.
        """
        body = _body(data, "structure list")
        try:
            return cls(tuple(
                StructureListEntry(body[i], bool(body[i + 1] & 0x80), bool(body[i + 1] & 0x40), get_u(body, i + 2, 2))
                for i in range(0, len(body) - 3, 4)
            ))
        except ValueError as exc:  # pragma: no cover - every byte pattern is valid
            raise MalformedData(str(exc)) from exc
