"""Reading commands of MMC-6: READ(10), READ(12) and READ CD, with the per-sector byte
count of READ CD's field selection so the length of its answer is known.

The answer of these commands is sector data, returned as plain ``bytes``; the request
knows how long it is (:attr:`Read10.data_length`, :attr:`ReadCd.data_length`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar

from openimapi.mmc._mmcbits import (
    LBA_MAX,
    LBA_MIN,
    check_bool,
    check_int,
    check_uint,
    get_s32,
    get_u,
    invalid,
    put_s32,
    require_control_zero,
    reserved_bits,
    reserved_bytes,
)
from openimapi.mmc.codec import check_cdb, register
from openimapi.mmc.command import DEFAULT_TIMEOUT, Command
from openimapi.mmc.write import BLOCK_SIZE_DATA

__all__ = [
    "C2ErrorField",
    "HeaderCodes",
    "Read10",
    "Read12",
    "ReadCd",
    "SectorType",
    "SubchannelSelection",
    "read_cd_sector_size",
]


# --------------------------------------------------------------------------- READ(10) / READ(12)


@register
@dataclass(frozen=True, slots=True)
class Read10:
    """READ (10), opcode 28h (MMC-6 6.16): read ``transfer_length`` blocks at ``lba``.

    Byte 1: DPO (bit 4), FUA (bit 3); bytes 2-5 LBA (signed: CD pre-gap LBAs are
    negative); bytes 7-8 transfer length. The answer is ``transfer_length * block_size``
    bytes.

    Raises:
        ValueError: a field out of range.
    """

    OPCODE: ClassVar[int] = 0x28
    NAME: ClassVar[str] = "READ(10)"

    lba: int
    transfer_length: int
    block_size: int = BLOCK_SIZE_DATA
    fua: bool = False
    dpo: bool = False

    def __post_init__(self) -> None:
        check_int("lba", self.lba, LBA_MIN, LBA_MAX)
        check_uint("transfer_length", self.transfer_length, 16)
        check_int("block_size", self.block_size, 1, 0xFFFFFF)
        check_bool("fua", self.fua)
        check_bool("dpo", self.dpo)

    @property
    def data_length(self) -> int:
        """Bytes of the answer."""
        return self.transfer_length * self.block_size

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        """Build the command, data in of :attr:`data_length` bytes."""
        cdb = (
            bytes((self.OPCODE, self.dpo << 4 | self.fua << 3))
            + put_s32(self.lba)
            + b"\x00"
            + self.transfer_length.to_bytes(2, "big")
            + b"\x00"
        )
        return Command(cdb=cdb, data_in_length=self.data_length, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes, *, block_size: int = BLOCK_SIZE_DATA) -> Read10:
        """Parse the CDB.

        Raises:
            InvalidCdbField: wrong opcode/length, or a reserved bit set.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 10)
        reserved_bits(cdb, 1, 0xE7)
        reserved_bytes(cdb, 6, 7)
        require_control_zero(cdb)
        return cls(get_s32(cdb, 2), get_u(cdb, 7, 2), block_size, bool(cdb[1] & 0x08), bool(cdb[1] & 0x10))


@register
@dataclass(frozen=True, slots=True)
class Read12:
    """READ (12), opcode A8h (MMC-6 6.17): READ(10) with a 4-byte transfer length and the
    Streaming bit (byte 10 bit 7).

    Raises:
        ValueError: a field out of range.
    """

    OPCODE: ClassVar[int] = 0xA8
    NAME: ClassVar[str] = "READ(12)"

    lba: int
    transfer_length: int
    block_size: int = BLOCK_SIZE_DATA
    fua: bool = False
    dpo: bool = False
    streaming: bool = False

    def __post_init__(self) -> None:
        check_int("lba", self.lba, LBA_MIN, LBA_MAX)
        check_uint("transfer_length", self.transfer_length, 32)
        check_int("block_size", self.block_size, 1, 0xFFFFFF)
        for name in ("fua", "dpo", "streaming"):
            check_bool(name, getattr(self, name))

    @property
    def data_length(self) -> int:
        """Bytes of the answer."""
        return self.transfer_length * self.block_size

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        """Build the command, data in of :attr:`data_length` bytes."""
        cdb = (
            bytes((self.OPCODE, self.dpo << 4 | self.fua << 3))
            + put_s32(self.lba)
            + self.transfer_length.to_bytes(4, "big")
            + bytes((self.streaming << 7, 0))
        )
        return Command(cdb=cdb, data_in_length=self.data_length, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes, *, block_size: int = BLOCK_SIZE_DATA) -> Read12:
        """Parse the CDB.

        Raises:
            InvalidCdbField: wrong opcode/length, or a reserved bit set.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 12)
        reserved_bits(cdb, 1, 0xE7)
        reserved_bits(cdb, 10, 0x7F)
        require_control_zero(cdb)
        return cls(
            get_s32(cdb, 2),
            get_u(cdb, 6, 4),
            block_size,
            bool(cdb[1] & 0x08),
            bool(cdb[1] & 0x10),
            bool(cdb[10] & 0x80),
        )


# --------------------------------------------------------------------------- READ CD


class SectorType(enum.IntEnum):
    """Expected Sector Type of READ CD (MMC-6 6.19, table 345); 110b and 111b are reserved."""

    ANY = 0b000
    CD_DA = 0b001
    MODE1 = 0b010
    MODE2_FORMLESS = 0b011
    MODE2_FORM1 = 0b100
    MODE2_FORM2 = 0b101


class HeaderCodes(enum.IntEnum):
    """Header Codes of READ CD byte 9 bits 6-5."""

    NONE = 0b00
    HEADER = 0b01  #: the 4-byte header
    SUBHEADER = 0b10  #: the 8-byte mode 2 sub-header
    ALL = 0b11  #: header and sub-header


class C2ErrorField(enum.IntEnum):
    """C2 Error Information of READ CD byte 9 bits 2-1 (11b is reserved)."""

    NONE = 0b00
    C2_ERROR_BITS = 0b01  #: 294 bytes, one bit per byte of the 2352-byte sector
    C2_AND_BLOCK_ERROR = 0b10  #: 296 bytes: the 294 C2 bytes, a block error byte and a pad byte


class SubchannelSelection(enum.IntEnum):
    """Sub-channel Data Selection of READ CD byte 10 bits 2-0 (other codes reserved)."""

    NONE = 0b000
    RAW_PW = 0b001  #: 96 bytes of raw, interleaved P-W
    Q = 0b010  #: 16 bytes of formatted Q
    RW = 0b100  #: 96 bytes of de-interleaved, error-corrected R-W


#: Bytes of each part of a sector, in sector order: sync, header, sub-header, user data,
#: EDC/ECC (MMC-6 table 349 "Number of Bytes Returned based on Data Selection Field").
#: Mode 2 form 2's 4 spare (EDC) bytes count as user data there, as MMC counts them.
_LAYOUT: dict[SectorType, tuple[int, int, int, int, int]] = {
    SectorType.MODE1: (12, 4, 0, 2048, 288),
    SectorType.MODE2_FORMLESS: (12, 4, 0, 2336, 0),
    SectorType.MODE2_FORM1: (12, 4, 8, 2048, 280),
    SectorType.MODE2_FORM2: (12, 4, 8, 2328, 0),
}
_C2_BYTES = {C2ErrorField.NONE: 0, C2ErrorField.C2_ERROR_BITS: 294, C2ErrorField.C2_AND_BLOCK_ERROR: 296}
_SUB_BYTES = {
    SubchannelSelection.NONE: 0,
    SubchannelSelection.RAW_PW: 96,
    SubchannelSelection.Q: 16,
    SubchannelSelection.RW: 96,
}
_CONCRETE = (
    SectorType.CD_DA,
    SectorType.MODE1,
    SectorType.MODE2_FORMLESS,
    SectorType.MODE2_FORM1,
    SectorType.MODE2_FORM2,
)


def read_cd_sector_size(
    sector_type: SectorType,
    *,
    sync: bool = False,
    header_codes: HeaderCodes = HeaderCodes.NONE,
    user_data: bool = True,
    edc_ecc: bool = False,
    c2: C2ErrorField = C2ErrorField.NONE,
    subchannel: SubchannelSelection = SubchannelSelection.NONE,
) -> int:
    """Bytes READ CD returns per sector of ``sector_type`` for a field selection.

    A CD-DA sector returns its 2352 bytes whenever any main-channel field is selected.
    For data sectors the selected parts must be contiguous in the sector (MMC-6 table 349
    marks the other combinations illegal: sync without the header, EDC/ECC without the
    user data, or header and user data of a mode 2 form 1 sector without its sub-header).
    C2 and subchannel bytes follow.

    Raises:
        ValueError: ``sector_type`` is ANY (the size depends on the sector read), or the
            combination is illegal for this sector type.
    """
    sector_type = SectorType(sector_type)
    header_codes = HeaderCodes(header_codes)
    extra = _C2_BYTES[C2ErrorField(c2)] + _SUB_BYTES[SubchannelSelection(subchannel)]
    if sector_type is SectorType.ANY:
        raise ValueError("the byte count of sector type ANY depends on the sector read")
    main_selected = sync or header_codes is not HeaderCodes.NONE or user_data or edc_ecc
    if sector_type is SectorType.CD_DA:
        return (2352 if main_selected else 0) + extra
    if sync and header_codes in (HeaderCodes.NONE, HeaderCodes.SUBHEADER):
        raise ValueError("READ CD: sync without the header is an illegal field selection")
    if edc_ecc and not user_data:
        raise ValueError("READ CD: EDC/ECC without the user data is an illegal field selection")
    sizes = _LAYOUT[sector_type]
    wanted = (
        sync,
        header_codes in (HeaderCodes.HEADER, HeaderCodes.ALL),
        header_codes in (HeaderCodes.SUBHEADER, HeaderCodes.ALL),
        user_data,
        edc_ecc,
    )
    parts = [(want, size) for want, size in zip(wanted, sizes, strict=True) if size]
    chosen = [index for index, (want, _) in enumerate(parts) if want]
    if chosen and chosen[-1] - chosen[0] + 1 != len(chosen):
        raise ValueError(f"READ CD: the selected fields of a {sector_type.name} sector are not contiguous")
    return sum(size for want, size in parts if want) + extra


@register
@dataclass(frozen=True, slots=True)
class ReadCd:
    """READ CD, opcode BEh (MMC-6 6.19): read CD sectors with a choice of fields.

    Byte 1: Expected Sector Type (bits 4-2), DAP (bit 1); bytes 2-5 starting LBA; bytes
    6-8 transfer length in blocks; byte 9: SYNC (7), Header Codes (6-5), User Data (4),
    EDC & ECC (3), C2 Error Information (2-1); byte 10: Sub-channel Selection (2-0).

    The answer is ``transfer_length`` times :meth:`sector_size` bytes. When the expected
    type is ANY and the selection gives different sizes for different sector types, set
    ``block_size`` (not part of the CDB) to the size you expect.

    Raises:
        ValueError: a field out of range or undefined.
    """

    OPCODE: ClassVar[int] = 0xBE
    NAME: ClassVar[str] = "READ CD"

    lba: int
    transfer_length: int
    sector_type: SectorType = SectorType.ANY
    sync: bool = False
    header_codes: HeaderCodes = HeaderCodes.NONE
    user_data: bool = True
    edc_ecc: bool = False
    c2: C2ErrorField = C2ErrorField.NONE
    subchannel: SubchannelSelection = SubchannelSelection.NONE
    dap: bool = False
    block_size: int | None = None

    def __post_init__(self) -> None:
        check_int("lba", self.lba, LBA_MIN, LBA_MAX)
        check_uint("transfer_length", self.transfer_length, 24)
        for name, kind in (
            ("sector_type", SectorType),
            ("header_codes", HeaderCodes),
            ("c2", C2ErrorField),
            ("subchannel", SubchannelSelection),
        ):
            value = getattr(self, name)
            try:
                object.__setattr__(self, name, kind(value))
            except ValueError:
                raise ValueError(f"{name}={value!r} is not defined") from None
        for name in ("sync", "user_data", "edc_ecc", "dap"):
            check_bool(name, getattr(self, name))
        if self.block_size is not None:
            check_int("block_size", self.block_size, 0, 0xFFFFFF)

    def _selection(self, sector_type: SectorType) -> int:
        return read_cd_sector_size(
            sector_type,
            sync=self.sync,
            header_codes=self.header_codes,
            user_data=self.user_data,
            edc_ecc=self.edc_ecc,
            c2=self.c2,
            subchannel=self.subchannel,
        )

    def sector_size(self, actual: SectorType | None = None) -> int:
        """Bytes returned per sector: for ``actual`` if given, else for the expected type;
        for ANY, ``block_size`` or the size every sector type agrees on.

        Raises:
            ValueError: the selection is illegal for the sector type, or ANY is ambiguous.
        """
        if actual is not None and actual is not SectorType.ANY:
            return self._selection(actual)
        if self.sector_type is not SectorType.ANY:
            return self._selection(self.sector_type)
        if self.block_size is not None:
            return self.block_size
        sizes = set()
        for kind in _CONCRETE:
            try:
                sizes.add(self._selection(kind))
            except ValueError:
                continue
        if len(sizes) != 1:
            raise ValueError(f"READ CD of any sector type: sizes {sorted(sizes)} differ; set block_size")
        return sizes.pop()

    @property
    def data_length(self) -> int:
        """Bytes of the answer.

        Raises:
            ValueError: as :meth:`sector_size`.
        """
        return self.transfer_length * self.sector_size()

    def to_cdb(self) -> bytes:
        """The 12-byte CDB."""
        byte9 = self.sync << 7 | self.header_codes << 5 | self.user_data << 4 | self.edc_ecc << 3 | self.c2 << 1
        return (
            bytes((self.OPCODE, self.sector_type << 2 | self.dap << 1))
            + put_s32(self.lba)
            + self.transfer_length.to_bytes(3, "big")
            + bytes((byte9, int(self.subchannel), 0))
        )

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        """Build the command, data in of :attr:`data_length` bytes.

        Raises:
            ValueError: as :meth:`sector_size`.
        """
        return Command(cdb=self.to_cdb(), data_in_length=self.data_length, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes, *, block_size: int | None = None) -> ReadCd:
        """Parse the CDB. Field combinations illegal for some sector type are accepted here;
        :meth:`sector_size` refuses them for the sector actually read.

        Raises:
            InvalidCdbField: wrong opcode/length, a reserved bit, or a reserved code.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 12)
        reserved_bits(cdb, 1, 0xE1)
        reserved_bits(cdb, 9, 0x01)
        reserved_bits(cdb, 10, 0xF8)
        require_control_zero(cdb)
        kind = (cdb[1] >> 2) & 0x07
        if kind not in SectorType._value2member_map_:
            raise invalid(f"expected sector type {kind:03b}b is reserved", 1, 4)
        c2 = (cdb[9] >> 1) & 0x03
        if c2 not in C2ErrorField._value2member_map_:
            raise invalid("C2 error information 11b is reserved", 9, 2)
        sub = cdb[10] & 0x07
        if sub not in SubchannelSelection._value2member_map_:
            raise invalid(f"sub-channel selection {sub:03b}b is reserved", 10, 2)
        return cls(
            lba=get_s32(cdb, 2),
            transfer_length=get_u(cdb, 6, 3),
            sector_type=SectorType(kind),
            sync=bool(cdb[9] & 0x80),
            header_codes=HeaderCodes((cdb[9] >> 5) & 0x03),
            user_data=bool(cdb[9] & 0x10),
            edc_ecc=bool(cdb[9] & 0x08),
            c2=C2ErrorField(c2),
            subchannel=SubchannelSelection(sub),
            dap=bool(cdb[1] & 0x02),
            block_size=block_size,
        )
