"""FORMAT UNIT (MMC-6 6.5) and its parameter list: the format list header and one format
descriptor. Re-exported by :mod:`openimapi.mmc.write`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar

from openimapi.mmc._mmcbits import (
    check_bool,
    check_uint,
    get_u,
    invalid,
    require_control_zero,
    require_length,
    reserved_bits,
    reserved_bytes,
)
from openimapi.mmc.codec import MalformedData, check_cdb, register
from openimapi.mmc.command import DEFAULT_TIMEOUT, Command

__all__ = ["FormatDescriptor", "FormatParameters", "FormatType", "FormatUnit"]


def _data_from_command(command: Command, opcode: int) -> bytes:
    if command.cdb[0] != opcode:
        raise MalformedData(f"command opcode {command.cdb[0]:#04x} is not {opcode:#04x}")
    return command.data_out


# --------------------------------------------------------------------------- FORMAT UNIT


class FormatType(enum.IntEnum):
    """Format Type of a FORMAT UNIT descriptor (MMC-6 6.5.4); the field is 6 bits and
    :class:`FormatDescriptor` accepts any value, these are the named ones."""

    FULL = 0x00  #: full format (DVD-RAM, DVD+RW, BD-RE re-format: block length in the parameter)
    SPARE_AREA_EXPANSION = 0x01
    ZONE_REFORMAT = 0x04
    ZONE_FORMAT = 0x05
    CD_DVD_RW_FULL = 0x10  #: CD-RW/DVD-RW full format (packet size in the parameter)
    CD_DVD_RW_GROW_SESSION = 0x11
    CD_DVD_RW_ADD_SESSION = 0x12
    DVD_RW_QUICK_GROW_LAST_SESSION = 0x13
    DVD_RW_QUICK_ADD_SESSION = 0x14
    DVD_RW_QUICK = 0x15  #: DVD-RW quick format to restricted overwrite
    MRW_FULL = 0x24  #: Mount Rainier full format
    DVD_PLUS_RW_BASIC = 0x26  #: DVD+RW basic format (background formatting)
    BD_RE_FULL_WITH_SPARE = 0x30
    BD_RE_FULL_WITHOUT_SPARE = 0x31
    BD_R_WITH_SPARE = 0x32  #: BD-R: format with spare areas (SRM+POW)


@dataclass(frozen=True, slots=True)
class FormatDescriptor:
    """The 8-byte format descriptor of the FORMAT UNIT parameter list (MMC-6 6.5.3.2).

    Bytes 0-3 number of blocks; byte 4 Format Type (bits 7-2) and Format Sub-type (bits
    1-0, BD); bytes 5-7 the type-dependent parameter (block length, packet size, track or
    session number...).

    Raises:
        ValueError: a field out of range.
    """

    number_of_blocks: int
    format_type: int = FormatType.FULL
    format_subtype: int = 0
    type_parameter: int = 0

    def __post_init__(self) -> None:
        check_uint("number_of_blocks", self.number_of_blocks, 32)
        check_uint("format_type", self.format_type, 6)
        check_uint("format_subtype", self.format_subtype, 2)
        check_uint("type_parameter", self.type_parameter, 24)

    def to_bytes(self) -> bytes:
        """The 8 bytes."""
        return (
            self.number_of_blocks.to_bytes(4, "big")
            + bytes((self.format_type << 2 | self.format_subtype,))
            + self.type_parameter.to_bytes(3, "big")
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> FormatDescriptor:
        """Decode 8 bytes.

        Raises:
            MalformedData: fewer than 8 bytes.
        """
        data = require_length(data, 8, "format descriptor")
        return cls(get_u(data, 0, 4), data[4] >> 2, data[4] & 0x03, get_u(data, 5, 3))


@dataclass(frozen=True, slots=True)
class FormatParameters:
    """FORMAT UNIT parameter list: the 4-byte format list header and one descriptor
    (MMC-6 6.5.3).

    Header byte 1: FOV (bit 7), DCRT (bit 5), Try-Out (bit 2), Immed (bit 1), VS (bit 0);
    bits 6, 4, 3 are reserved in MMC. Bytes 2-3: Format Descriptor Length, always 8.

    Raises:
        ValueError: a field of the wrong type.
    """

    descriptor: FormatDescriptor
    immed: bool = False
    fov: bool = False
    dcrt: bool = False
    try_out: bool = False
    vendor_specific: bool = False

    LENGTH: ClassVar[int] = 12

    def __post_init__(self) -> None:
        if not isinstance(self.descriptor, FormatDescriptor):
            raise ValueError("descriptor must be a FormatDescriptor")
        for name in ("immed", "fov", "dcrt", "try_out", "vendor_specific"):
            check_bool(name, getattr(self, name))

    def to_bytes(self) -> bytes:
        """The 12-byte parameter list."""
        flags = self.fov << 7 | self.dcrt << 5 | self.try_out << 2 | self.immed << 1 | int(self.vendor_specific)
        return bytes((0, flags, 0, 8)) + self.descriptor.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> FormatParameters:
        """Decode a parameter list as the device receives it (strict).

        Raises:
            MalformedData: shorter than 12 bytes.
            InvalidCdbField: (``in_cdb=False``) a reserved bit or a descriptor length not 8.
        """
        data = require_length(data, cls.LENGTH, "FORMAT UNIT parameter list")
        reserved_bytes(data, 0, 1, in_cdb=False)
        reserved_bits(data, 1, 0x58, in_cdb=False)
        if get_u(data, 2, 2) != 8:
            raise invalid(f"format descriptor length {get_u(data, 2, 2)} is not 8", 2, in_cdb=False)
        flags = data[1]
        return cls(
            descriptor=FormatDescriptor.from_bytes(data[4:12]),
            immed=bool(flags & 0x02),
            fov=bool(flags & 0x80),
            dcrt=bool(flags & 0x20),
            try_out=bool(flags & 0x04),
            vendor_specific=bool(flags & 0x01),
        )


@register
@dataclass(frozen=True, slots=True)
class FormatUnit:
    """FORMAT UNIT, opcode 04h (MMC-6 6.5).

    Byte 1: FmtData (bit 4), CmpList (bit 3), Format Code (bits 2-0, always 001b).
    With FmtData the host sends :class:`FormatParameters`; :meth:`from_cdb` leaves
    ``parameters`` empty, :meth:`from_command` decodes them.

    Raises:
        ValueError: parameters without FmtData.
    """

    OPCODE: ClassVar[int] = 0x04
    NAME: ClassVar[str] = "FORMAT UNIT"
    FORMAT_CODE: ClassVar[int] = 0b001

    parameters: FormatParameters | None = None
    fmt_data: bool = True
    cmp_list: bool = False

    def __post_init__(self) -> None:
        check_bool("fmt_data", self.fmt_data)
        check_bool("cmp_list", self.cmp_list)
        if self.parameters is not None:
            if not isinstance(self.parameters, FormatParameters):
                raise ValueError("parameters must be FormatParameters")
            if not self.fmt_data:
                raise ValueError("FORMAT UNIT parameters need FmtData")

    def to_cdb(self) -> bytes:
        """The 6-byte CDB."""
        return bytes((self.OPCODE, self.fmt_data << 4 | self.cmp_list << 3 | self.FORMAT_CODE, 0, 0, 0, 0))

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        """Build the command with its parameter list.

        Raises:
            ValueError: FmtData set but no parameters.
        """
        if self.fmt_data and self.parameters is None:
            raise ValueError("FORMAT UNIT with FmtData needs its parameters")
        data = self.parameters.to_bytes() if self.parameters is not None else b""
        return Command(cdb=self.to_cdb(), data_out=data, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> FormatUnit:
        """Parse the CDB (no parameter list).

        Raises:
            InvalidCdbField: wrong opcode/length, a reserved bit, or a format code not 001b.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 6)
        reserved_bits(cdb, 1, 0xE0)
        reserved_bytes(cdb, 2, 5)
        require_control_zero(cdb)
        if cdb[1] & 0x07 != cls.FORMAT_CODE:
            raise invalid(f"format code {cdb[1] & 0x07:03b}b is not 001b", 1, 2)
        return cls(fmt_data=bool(cdb[1] & 0x10), cmp_list=bool(cdb[1] & 0x08))

    @classmethod
    def from_command(cls, command: Command) -> FormatUnit:
        """Parse CDB and parameter list.

        Raises:
            InvalidCdbField: as :meth:`from_cdb` and :meth:`FormatParameters.from_bytes`.
            MalformedData: a parameter list missing, short, or sent without FmtData.
        """
        head = cls.from_cdb(command.cdb)
        data = _data_from_command(command, cls.OPCODE)
        if not head.fmt_data:
            if data:
                raise MalformedData("FORMAT UNIT without FmtData carries no parameter list")
            return head
        if len(data) != FormatParameters.LENGTH:
            raise MalformedData(f"FORMAT UNIT parameter list is {len(data)} bytes, not {FormatParameters.LENGTH}")
        parameters = FormatParameters.from_bytes(data)
        return cls(parameters=parameters, fmt_data=True, cmp_list=head.cmp_list)
