"""Recording commands of MMC-6: WRITE(10), WRITE(12), VERIFY(10), SYNCHRONIZE CACHE,
CLOSE TRACK/SESSION, RESERVE TRACK and BLANK; FORMAT UNIT and its parameter list live in
:mod:`openimapi.mmc.formatunit` and are re-exported here.

Pure codecs in the shape of :mod:`openimapi.mmc.codec`. Commands that carry data out
(WRITE, VERIFY with BytChk, FORMAT UNIT) hold it in the request: ``from_cdb`` parses the
CDB alone (the data field stays empty), ``from_command`` parses CDB and data together,
which is what a device does. Block sizes are not part of a CDB: a request carries the
``block_size`` (2048 for data, 2352 for audio/raw, 2448 for raw with subchannel) so that
the data length is known.

Logical block addresses of WRITE and VERIFY are signed: on CD, track 1's pre-gap and a
disc-at-once write start at LBA -150 (MMC-6 4.2.3.5; cdrdao sends ``2a 00 ff ff ff 6a``).
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Self, cast

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
from openimapi.mmc.codec import MalformedData, check_cdb, register
from openimapi.mmc.command import DEFAULT_TIMEOUT, Command
from openimapi.mmc.formatunit import FormatDescriptor, FormatParameters, FormatType, FormatUnit

__all__ = [
    "BLOCK_SIZE_AUDIO",
    "BLOCK_SIZE_DATA",
    "BLOCK_SIZE_RAW_SUBCHANNEL",
    "Blank",
    "BlankingType",
    "CloseFunction",
    "CloseTrackSession",
    "FormatDescriptor",
    "FormatParameters",
    "FormatType",
    "FormatUnit",
    "ReserveTrack",
    "SynchronizeCache",
    "Verify10",
    "Write10",
    "Write12",
]

#: User data of a CD mode 1 / DVD / BD block.
BLOCK_SIZE_DATA = 2048
#: A CD-DA (audio) or raw CD block.
BLOCK_SIZE_AUDIO = 2352
#: A raw CD block followed by 96 bytes of P-W subchannel.
BLOCK_SIZE_RAW_SUBCHANNEL = 2448


def _check_block_size(block_size: object) -> None:
    check_int("block_size", block_size, 1, 0xFFFFFF)


def _check_data(name: str, data: bytes, blocks: int, block_size: int, required: bool) -> None:
    """The data of a transfer is either absent (CDB-only view) or exactly ``blocks`` blocks."""
    if not isinstance(data, bytes):
        raise ValueError(f"{name}: data must be bytes")
    if data and len(data) != blocks * block_size:
        raise ValueError(
            f"{name}: {len(data)} bytes of data for {blocks} blocks of {block_size} bytes "
            f"(expected {blocks * block_size})"
        )
    if required and blocks and not data:
        raise ValueError(f"{name}: the command transfers {blocks} blocks; give the data")


def _data_from_command(command: Command, opcode: int) -> bytes:
    if command.cdb[0] != opcode:
        raise MalformedData(f"command opcode {command.cdb[0]:#04x} is not {opcode:#04x}")
    return command.data_out


# --------------------------------------------------------------------------- WRITE(10)


class _BlockWrite:
    """What WRITE(10) and WRITE(12) share: a data-out phase of whole blocks, built on the
    host from data and parsed on the device from CDB plus data."""

    __slots__ = ()
    NAME: ClassVar[str]
    OPCODE: ClassVar[int]
    lba: int
    transfer_length: int
    data: bytes
    block_size: int

    if TYPE_CHECKING:

        def __init__(self, lba: int, transfer_length: int, data: bytes = b"", block_size: int = ...,
                     *, fua: bool = ...) -> None: ...

        def to_cdb(self) -> bytes: ...

        @classmethod
        def from_cdb(cls, cdb: bytes, *, block_size: int = ...) -> Self: ...

    @property
    def data_length(self) -> int:
        """Bytes the data-out phase carries: ``transfer_length * block_size``."""
        return self.transfer_length * self.block_size

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        """Build the command with its data out.

        Raises:
            ValueError: blocks to transfer but no data.
        """
        _check_data(self.NAME, self.data, self.transfer_length, self.block_size, True)
        return Command(cdb=self.to_cdb(), data_out=self.data, timeout=timeout, name=self.NAME)

    @classmethod
    def for_data(cls, lba: int, data: bytes, block_size: int = BLOCK_SIZE_DATA, *, fua: bool = False) -> Self:
        """The command writing ``data`` (whole blocks of ``block_size``) at ``lba``.

        Raises:
            ValueError: ``data`` is not a whole number of blocks, or a field out of range.
        """
        blocks, rest = divmod(len(data), block_size)
        if rest:
            raise ValueError(f"{len(data)} bytes is not a whole number of {block_size}-byte blocks")
        return cls(lba, blocks, bytes(data), block_size, fua=fua)

    @classmethod
    def from_command(cls, command: Command, *, block_size: int = BLOCK_SIZE_DATA) -> Self:
        """Parse CDB and data out, as a device receives them.

        Raises:
            InvalidCdbField: as ``from_cdb``.
            MalformedData: the data length does not match the transfer length.
        """
        head = cls.from_cdb(command.cdb, block_size=block_size)
        data = _data_from_command(command, cls.OPCODE)
        if len(data) != head.data_length:
            raise MalformedData(f"{cls.NAME}: {len(data)} bytes of data, CDB asks for {head.data_length}")
        return cast(Self, dataclasses.replace(cast(Any, head), data=data))




@register
@dataclass(frozen=True, slots=True)
class Write10(_BlockWrite):
    """WRITE (10), opcode 2Ah (MMC-6 6.44): write ``transfer_length`` blocks at ``lba``.

    CDB: byte 1 DPO (bit 4), FUA (bit 3), TSR (bit 2); bytes 2-5 LBA; bytes 7-8 transfer
    length in blocks. ``data`` is ``transfer_length * block_size`` bytes, or empty in the
    CDB-only view returned by :meth:`from_cdb`.

    Raises:
        ValueError: a field out of range or data of the wrong length.
    """

    OPCODE: ClassVar[int] = 0x2A
    NAME: ClassVar[str] = "WRITE(10)"

    lba: int
    transfer_length: int
    data: bytes = field(default=b"", repr=False)
    block_size: int = BLOCK_SIZE_DATA
    fua: bool = False
    dpo: bool = False
    tsr: bool = False

    def __post_init__(self) -> None:
        check_int("lba", self.lba, LBA_MIN, LBA_MAX)
        check_uint("transfer_length", self.transfer_length, 16)
        _check_block_size(self.block_size)
        object.__setattr__(self, "data", bytes(self.data))
        _check_data(self.NAME, self.data, self.transfer_length, self.block_size, False)
        for name in ("fua", "dpo", "tsr"):
            check_bool(name, getattr(self, name))

    def to_cdb(self) -> bytes:
        """The 10-byte CDB."""
        flags = self.dpo << 4 | self.fua << 3 | self.tsr << 2
        length = self.transfer_length.to_bytes(2, "big")
        return bytes((self.OPCODE, flags)) + put_s32(self.lba) + b"\x00" + length + b"\x00"

    @classmethod
    def from_cdb(cls, cdb: bytes, *, block_size: int = BLOCK_SIZE_DATA) -> Write10:
        """Parse the CDB (no data).

        Raises:
            InvalidCdbField: wrong opcode/length, or a reserved bit set.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 10)
        reserved_bits(cdb, 1, 0xE3)
        reserved_bytes(cdb, 6, 7)
        require_control_zero(cdb)
        return cls(
            lba=get_s32(cdb, 2),
            transfer_length=get_u(cdb, 7, 2),
            block_size=block_size,
            dpo=bool(cdb[1] & 0x10),
            fua=bool(cdb[1] & 0x08),
            tsr=bool(cdb[1] & 0x04),
        )


# --------------------------------------------------------------------------- WRITE(12)


@register
@dataclass(frozen=True, slots=True)
class Write12(_BlockWrite):
    """WRITE (12), opcode AAh (MMC-6 6.45): as WRITE(10) with a 4-byte transfer length and
    the Streaming bit (byte 10 bit 7) asking for stream recording (no defect management).

    Raises:
        ValueError: a field out of range or data of the wrong length.
    """

    OPCODE: ClassVar[int] = 0xAA
    NAME: ClassVar[str] = "WRITE(12)"

    lba: int
    transfer_length: int
    data: bytes = field(default=b"", repr=False)
    block_size: int = BLOCK_SIZE_DATA
    fua: bool = False
    dpo: bool = False
    streaming: bool = False

    def __post_init__(self) -> None:
        check_int("lba", self.lba, LBA_MIN, LBA_MAX)
        check_uint("transfer_length", self.transfer_length, 32)
        _check_block_size(self.block_size)
        object.__setattr__(self, "data", bytes(self.data))
        _check_data(self.NAME, self.data, self.transfer_length, self.block_size, False)
        for name in ("fua", "dpo", "streaming"):
            check_bool(name, getattr(self, name))

    def to_cdb(self) -> bytes:
        """The 12-byte CDB."""
        flags = self.dpo << 4 | self.fua << 3
        return (
            bytes((self.OPCODE, flags))
            + put_s32(self.lba)
            + self.transfer_length.to_bytes(4, "big")
            + bytes((self.streaming << 7, 0))
        )

    @classmethod
    def from_cdb(cls, cdb: bytes, *, block_size: int = BLOCK_SIZE_DATA) -> Write12:
        """Parse the CDB (no data).

        Raises:
            InvalidCdbField: wrong opcode/length, or a reserved bit set.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 12)
        reserved_bits(cdb, 1, 0xE7)
        reserved_bits(cdb, 10, 0x7F)
        require_control_zero(cdb)
        return cls(
            lba=get_s32(cdb, 2),
            transfer_length=get_u(cdb, 6, 4),
            block_size=block_size,
            dpo=bool(cdb[1] & 0x10),
            fua=bool(cdb[1] & 0x08),
            streaming=bool(cdb[10] & 0x80),
        )


# --------------------------------------------------------------------------- VERIFY(10)


@register
@dataclass(frozen=True, slots=True)
class Verify10:
    """VERIFY (10), opcode 2Fh (MMC-6 6.43): check ``verification_length`` blocks at ``lba``.

    With ``bytchk`` the host sends the blocks to compare (``data``); without it the drive
    checks the medium alone (no data phase). Byte 1: DPO (bit 4), BytChk (bit 1).

    Raises:
        ValueError: a field out of range, data without BytChk or of the wrong length.
    """

    OPCODE: ClassVar[int] = 0x2F
    NAME: ClassVar[str] = "VERIFY(10)"

    lba: int
    verification_length: int
    bytchk: bool = False
    data: bytes = field(default=b"", repr=False)
    block_size: int = BLOCK_SIZE_DATA
    dpo: bool = False

    def __post_init__(self) -> None:
        check_int("lba", self.lba, LBA_MIN, LBA_MAX)
        check_uint("verification_length", self.verification_length, 16)
        _check_block_size(self.block_size)
        check_bool("bytchk", self.bytchk)
        check_bool("dpo", self.dpo)
        object.__setattr__(self, "data", bytes(self.data))
        if self.data and not self.bytchk:
            raise ValueError("VERIFY(10): data is only sent with BytChk")
        _check_data(self.NAME, self.data, self.verification_length, self.block_size, False)

    def to_cdb(self) -> bytes:
        """The 10-byte CDB."""
        flags = self.dpo << 4 | self.bytchk << 1
        return (
            bytes((self.OPCODE, flags))
            + put_s32(self.lba)
            + b"\x00"
            + self.verification_length.to_bytes(2, "big")
            + b"\x00"
        )

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        """Build the command (with the data to compare when BytChk is set).

        Raises:
            ValueError: BytChk with blocks to compare but no data.
        """
        _check_data(self.NAME, self.data, self.verification_length, self.block_size, self.bytchk)
        return Command(cdb=self.to_cdb(), data_out=self.data, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes, *, block_size: int = BLOCK_SIZE_DATA) -> Verify10:
        """Parse the CDB (no data).

        Raises:
            InvalidCdbField: wrong opcode/length, or a reserved bit set.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 10)
        reserved_bits(cdb, 1, 0xED)
        reserved_bytes(cdb, 6, 7)
        require_control_zero(cdb)
        return cls(
            lba=get_s32(cdb, 2),
            verification_length=get_u(cdb, 7, 2),
            bytchk=bool(cdb[1] & 0x02),
            block_size=block_size,
            dpo=bool(cdb[1] & 0x10),
        )

    @classmethod
    def from_command(cls, command: Command, *, block_size: int = BLOCK_SIZE_DATA) -> Verify10:
        """Parse CDB and (with BytChk) the data to compare.

        Raises:
            InvalidCdbField: as :meth:`from_cdb`.
            MalformedData: data present without BytChk, or of the wrong length.
        """
        head = cls.from_cdb(command.cdb, block_size=block_size)
        data = _data_from_command(command, cls.OPCODE)
        expected = head.verification_length * block_size if head.bytchk else 0
        if len(data) != expected:
            raise MalformedData(f"{cls.NAME}: {len(data)} bytes of data, CDB asks for {expected}")
        return cls(head.lba, head.verification_length, head.bytchk, data, block_size, head.dpo)


# --------------------------------------------------------------------------- SYNCHRONIZE CACHE


@register
@dataclass(frozen=True, slots=True)
class SynchronizeCache:
    """SYNCHRONIZE CACHE (10), opcode 35h (MMC-6 6.42): write buffered data to the medium.

    Byte 1 bit 1 Immed; bytes 2-5 LBA; bytes 7-8 number of blocks (0: to the end). MMC
    drives flush the whole cache whatever the range says.

    Raises:
        ValueError: a field out of range.
    """

    OPCODE: ClassVar[int] = 0x35
    NAME: ClassVar[str] = "SYNCHRONIZE CACHE"

    immed: bool = False
    lba: int = 0
    blocks: int = 0

    def __post_init__(self) -> None:
        check_bool("immed", self.immed)
        check_uint("lba", self.lba, 32)
        check_uint("blocks", self.blocks, 16)

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        """Build the command (no data phase)."""
        cdb = (
            bytes((self.OPCODE, self.immed << 1))
            + self.lba.to_bytes(4, "big")
            + b"\x00"
            + self.blocks.to_bytes(2, "big")
            + b"\x00"
        )
        return Command(cdb=cdb, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> SynchronizeCache:
        """Parse the CDB.

        Raises:
            InvalidCdbField: wrong opcode/length, or a reserved bit set.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 10)
        reserved_bits(cdb, 1, 0xFD)
        reserved_bytes(cdb, 6, 7)
        require_control_zero(cdb)
        return cls(immed=bool(cdb[1] & 0x02), lba=get_u(cdb, 2, 4), blocks=get_u(cdb, 7, 2))


# --------------------------------------------------------------------------- CLOSE TRACK/SESSION


class CloseFunction(enum.IntEnum):
    """The Close Function field of CLOSE TRACK/SESSION (MMC-6 6.3, table 207 ff.); the
    meaning of some codes depends on the medium."""

    #: DVD+RW: stop background formatting quickly (no lead-out).
    QUICK_STOP_BACKGROUND_FORMAT = 0b000
    #: CD-R/RW, DVD-R/RW, DVD+R, HD DVD-R, BD-R: close the (logical) track.
    CLOSE_TRACK = 0b001
    #: Close the session (a border on DVD-R/RW); DVD+RW/MRW: stop background formatting.
    CLOSE_SESSION = 0b010
    #: DVD-RW: finalize the disc; DVD+RW: stop background formatting, compatible.
    FINALIZE_DVD_MINUS_RW = 0b011
    #: DVD+R DL: close the session with an extended lead-out.
    CLOSE_SESSION_EXTENDED_LEADOUT = 0b100
    #: DVD+R (DL): finalize with a minimal radius (30 mm) lead-out.
    FINALIZE_MINIMAL_RADIUS = 0b101
    #: DVD+R (DL), HD DVD-R, BD-R: finalize the disc.
    FINALIZE = 0b110


@register
@dataclass(frozen=True, slots=True)
class CloseTrackSession:
    """CLOSE TRACK/SESSION, opcode 5Bh (MMC-6 6.3).

    Byte 1 bit 0 Immed; byte 2 bits 2-0 Close Function (111b reserved); bytes 4-5 the
    logical track (or session) number.

    Raises:
        ValueError: a field out of range or an undefined close function.
    """

    OPCODE: ClassVar[int] = 0x5B
    NAME: ClassVar[str] = "CLOSE TRACK/SESSION"

    function: CloseFunction
    number: int = 0
    immed: bool = False

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "function", CloseFunction(self.function))
        except ValueError:
            raise ValueError(f"close function {self.function!r} is not defined") from None
        check_uint("number", self.number, 16)
        check_bool("immed", self.immed)

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        """Build the command (no data phase)."""
        cdb = bytes((self.OPCODE, int(self.immed), int(self.function), 0)) + self.number.to_bytes(2, "big") + bytes(4)
        return Command(cdb=cdb, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> CloseTrackSession:
        """Parse the CDB.

        Raises:
            InvalidCdbField: wrong opcode/length, a reserved bit, or close function 111b.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 10)
        reserved_bits(cdb, 1, 0xFE)
        reserved_bits(cdb, 2, 0xF8)
        reserved_bytes(cdb, 3, 4)
        reserved_bytes(cdb, 6, 9)
        require_control_zero(cdb)
        function = cdb[2] & 0x07
        if function not in CloseFunction._value2member_map_:
            raise invalid(f"close function {function:03b}b is reserved", 2, 2)
        return cls(function=CloseFunction(function), number=get_u(cdb, 4, 2), immed=bool(cdb[1] & 0x01))


# --------------------------------------------------------------------------- RESERVE TRACK


@register
@dataclass(frozen=True, slots=True)
class ReserveTrack:
    """RESERVE TRACK, opcode 53h (MMC-6 6.37): reserve the invisible track.

    Give exactly one of ``size`` (blocks; ARSV=0, CDB bytes 5-8) or ``lba`` (ARSV=1, the
    logical block address the reservation ends before; CDB bytes 2-5).

    Raises:
        ValueError: neither or both given, or out of range.
    """

    OPCODE: ClassVar[int] = 0x53
    NAME: ClassVar[str] = "RESERVE TRACK"

    size: int | None = None
    lba: int | None = None

    def __post_init__(self) -> None:
        if (self.size is None) == (self.lba is None):
            raise ValueError("RESERVE TRACK takes exactly one of size or lba")
        if self.size is not None:
            check_uint("size", self.size, 32)
        if self.lba is not None:
            check_uint("lba", self.lba, 32)

    @property
    def arsv(self) -> bool:
        """Address Reservation bit (byte 1 bit 0): the reservation is given as an LBA."""
        return self.lba is not None

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        """Build the command (no data phase)."""
        if self.lba is not None:
            param = self.lba.to_bytes(4, "big") + bytes(3)
        else:
            assert self.size is not None
            param = bytes(3) + self.size.to_bytes(4, "big")
        cdb = bytes((self.OPCODE, int(self.arsv))) + param + b"\x00"
        return Command(cdb=cdb, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> ReserveTrack:
        """Parse the CDB.

        Raises:
            InvalidCdbField: wrong opcode/length, or a reserved bit set.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 10)
        reserved_bits(cdb, 1, 0xFE)
        require_control_zero(cdb)
        if cdb[1] & 0x01:
            reserved_bytes(cdb, 6, 9)
            return cls(lba=get_u(cdb, 2, 4))
        reserved_bytes(cdb, 2, 5)
        return cls(size=get_u(cdb, 5, 4))


# --------------------------------------------------------------------------- BLANK


class BlankingType(enum.IntEnum):
    """Blanking Type of BLANK (MMC-6 6.2, table 205)."""

    DISC = 0b000  #: blank the whole disc
    MINIMAL = 0b001  #: minimally blank: PMA, TOC and the pre-gap of track 1
    TRACK = 0b010  #: blank the track given by number
    UNRESERVE_TRACK = 0b011  #: unreserve the last, reserved but unwritten track
    TRACK_TAIL = 0b100  #: blank from the given LBA to the end of its track
    UNCLOSE_LAST_SESSION = 0b101  #: reopen the last complete session
    SESSION = 0b110  #: blank the last session


@register
@dataclass(frozen=True, slots=True)
class Blank:
    """BLANK, opcode A1h (MMC-6 6.2): erase a rewritable CD or DVD-RW.

    Byte 1: Immed (bit 4), Blanking Type (bits 2-0, 111b reserved); bytes 2-5 start
    address (TRACK_TAIL) or track number (TRACK).

    Raises:
        ValueError: a field out of range or an undefined blanking type.
    """

    OPCODE: ClassVar[int] = 0xA1
    NAME: ClassVar[str] = "BLANK"

    blanking_type: BlankingType = BlankingType.DISC
    immed: bool = False
    address: int = 0

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "blanking_type", BlankingType(self.blanking_type))
        except ValueError:
            raise ValueError(f"blanking type {self.blanking_type!r} is not defined") from None
        check_bool("immed", self.immed)
        check_uint("address", self.address, 32)

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        """Build the command (no data phase)."""
        cdb = bytes((self.OPCODE, self.immed << 4 | self.blanking_type)) + self.address.to_bytes(4, "big") + bytes(6)
        return Command(cdb=cdb, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> Blank:
        """Parse the CDB.

        Raises:
            InvalidCdbField: wrong opcode/length, a reserved bit, or blanking type 111b.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 12)
        reserved_bits(cdb, 1, 0xE8)
        reserved_bytes(cdb, 6, 11)
        require_control_zero(cdb)
        kind = cdb[1] & 0x07
        if kind not in BlankingType._value2member_map_:
            raise invalid(f"blanking type {kind:03b}b is reserved", 1, 2)
        return cls(blanking_type=BlankingType(kind), immed=bool(cdb[1] & 0x10), address=get_u(cdb, 2, 4))
