"""Reading commands of MMC-6: READ(10), READ(12) and READ CD, with the per-sector byte
count of READ CD's field selection so the length of its answer is known.

The answer of these commands is sector data, returned as plain ``bytes``; the request
knows how long it is (:attr:`Read10.data_length`, :attr:`ReadCd.data_length`).
"""

from __future__ import annotations

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
    put_s32,
    require_control_zero,
    reserved_bits,
    reserved_bytes,
)
from openimapi.mmc.codec import check_cdb, register
from openimapi.mmc.command import DEFAULT_TIMEOUT, Command
from openimapi.mmc.write import BLOCK_SIZE_DATA

__all__ = [
    "Read10",
    "Read12",
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
