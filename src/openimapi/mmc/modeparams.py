"""The MODE SENSE(10) answer / MODE SELECT(10) parameter list as a whole (SPC-4 7.5.5,
7.5.6): the mode parameter header(10), block descriptors and the mode pages of
:mod:`openimapi.mmc.modepages`.

Block descriptors are not supposed to come back from an MMC drive (MODE SENSE is sent
with DBD) but some drives return them anyway, so they are read, kept and skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from openimapi.mmc.codec import MalformedData
from openimapi.mmc.modepages import AnyModePage, parse_mode_page

__all__ = ["BlockDescriptor", "ModeParameterHeader10", "ModeParameters"]


def _check_bits(name: str, value: int, bits: int) -> None:
    if not 0 <= value < (1 << bits):
        raise ValueError(f"{name} = {value} does not fit in {bits} bits")


@dataclass(frozen=True, slots=True)
class ModeParameterHeader10:
    """The 8-byte mode parameter header of MODE SENSE(10) / MODE SELECT(10) (SPC-4 7.5.5).

    ``mode_data_length`` counts the bytes after itself, as the device reports it (the full
    length, even when the answer was cut at the allocation length). ``device_specific``
    holds WP (bit 7) and DPOFUA (bit 4) for MMC devices.

    Raises:
        ValueError: a field does not fit its width.
    """

    mode_data_length: int = 6
    medium_type: int = 0
    device_specific: int = 0
    long_lba: bool = False
    block_descriptor_length: int = 0

    LENGTH: ClassVar[int] = 8

    def __post_init__(self) -> None:
        _check_bits("mode_data_length", self.mode_data_length, 16)
        _check_bits("medium_type", self.medium_type, 8)
        _check_bits("device_specific", self.device_specific, 8)
        _check_bits("block_descriptor_length", self.block_descriptor_length, 16)

    @property
    def write_protected(self) -> bool:
        return bool(self.device_specific & 0x80)

    def to_bytes(self) -> bytes:
        return (
            self.mode_data_length.to_bytes(2, "big")
            + bytes([self.medium_type, self.device_specific, 1 if self.long_lba else 0, 0])
            + self.block_descriptor_length.to_bytes(2, "big")
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> ModeParameterHeader10:
        """Parse the first 8 bytes of ``data``.

        Raises:
            MalformedData: fewer than 8 bytes.
        """
        if len(data) < cls.LENGTH:
            raise MalformedData(f"mode parameter header(10) is 8 bytes, got {len(data)}")
        return cls(
            mode_data_length=int.from_bytes(data[0:2], "big"),
            medium_type=data[2],
            device_specific=data[3],
            long_lba=bool(data[4] & 0x01),
            block_descriptor_length=int.from_bytes(data[6:8], "big"),
        )


@dataclass(frozen=True, slots=True)
class BlockDescriptor:
    """A mode parameter block descriptor: the general short format (8 bytes, SPC-4 7.5.6.1)
    or the long LBA format (16 bytes, SPC-4 7.5.6.3).

    Raises:
        ValueError: a field does not fit its width.
    """

    density_code: int = 0
    number_of_blocks: int = 0
    block_length: int = 2048
    long_lba: bool = False

    def __post_init__(self) -> None:
        _check_bits("density_code", self.density_code, 8)
        _check_bits("number_of_blocks", self.number_of_blocks, 64 if self.long_lba else 24)
        _check_bits("block_length", self.block_length, 32 if self.long_lba else 24)

    @property
    def size(self) -> int:
        return 16 if self.long_lba else 8

    def to_bytes(self) -> bytes:
        if self.long_lba:
            return (
                self.number_of_blocks.to_bytes(8, "big")
                + bytes([self.density_code, 0, 0, 0])
                + self.block_length.to_bytes(4, "big")
            )
        return (
            bytes([self.density_code])
            + self.number_of_blocks.to_bytes(3, "big")
            + b"\x00"
            + self.block_length.to_bytes(3, "big")
        )

    @classmethod
    def from_bytes(cls, data: bytes, long_lba: bool = False) -> BlockDescriptor:
        """Parse one descriptor.

        Raises:
            MalformedData: too short for its format.
        """
        size = 16 if long_lba else 8
        if len(data) < size:
            raise MalformedData(f"block descriptor is {size} bytes, got {len(data)}")
        if long_lba:
            return cls(data[8], int.from_bytes(data[0:8], "big"), int.from_bytes(data[12:16], "big"), True)
        return cls(data[0], int.from_bytes(data[1:4], "big"), int.from_bytes(data[5:8], "big"), False)


@dataclass(frozen=True, slots=True)
class ModeParameters:
    """A whole MODE SENSE(10) answer, or a MODE SELECT(10) parameter list: the header,
    the block descriptors and the pages.

    Built with only ``pages`` (and optionally the other fields), the header's lengths are
    computed. Parsed from a device answer, ``header`` keeps what the device reported.

    Raises:
        ValueError: block descriptors of mixed formats, or of the other format than
            ``header.long_lba``.
    """

    pages: tuple[AnyModePage, ...] = ()
    block_descriptors: tuple[BlockDescriptor, ...] = ()
    medium_type: int = 0
    device_specific: int = 0
    header: ModeParameterHeader10 | None = field(default=None)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pages", tuple(self.pages))
        object.__setattr__(self, "block_descriptors", tuple(self.block_descriptors))
        if self.header is None:
            long_lba = any(d.long_lba for d in self.block_descriptors)
            bdl = sum(d.size for d in self.block_descriptors)
            length = 6 + bdl + sum(len(p.to_bytes()) for p in self.pages)
            header = ModeParameterHeader10(
                length, self.medium_type, self.device_specific, long_lba, bdl
            )
            object.__setattr__(self, "header", header)
        elif (self.header.medium_type, self.header.device_specific) != (self.medium_type, self.device_specific):
            raise ValueError("medium_type/device_specific disagree with the header")
        assert self.header is not None
        if any(d.long_lba != self.header.long_lba for d in self.block_descriptors):
            raise ValueError("block descriptor format disagrees with the header's LONGLBA bit")

    def page(self, code: int, subpage: int | None = None) -> AnyModePage | None:
        """The first page with that code (and sub-page), or None."""
        for p in self.pages:
            if p.code == code and p.subpage == subpage:
                return p
        return None

    def to_bytes(self) -> bytes:
        """The MODE SENSE(10) answer: header, descriptors, pages."""
        assert self.header is not None
        return (
            self.header.to_bytes()
            + b"".join(d.to_bytes() for d in self.block_descriptors)
            + b"".join(p.to_bytes() for p in self.pages)
        )

    def to_select_bytes(self) -> bytes:
        """The MODE SELECT(10) parameter list: mode data length reserved (0), PS bits clear.

        Raises:
            ValueError: a page has its PS bit set (MODE SELECT reserves it, SPC-4 7.5.7).
        """
        if any(p.ps for p in self.pages):
            raise ValueError("the PS bit is reserved in a MODE SELECT parameter list")
        data = self.to_bytes()
        return b"\x00\x00" + data[2:]

    @classmethod
    def from_bytes(cls, data: bytes, *, select: bool = False) -> ModeParameters:
        """Parse a MODE SENSE(10) answer (``select=False``: the mode data length bounds the
        pages, an answer cut at the allocation length is read as far as it goes) or a
        MODE SELECT(10) parameter list (``select=True``: the list runs to its end).

        Raises:
            MalformedData: shorter than the header.
        """
        data = bytes(data)
        header = ModeParameterHeader10.from_bytes(data)
        end = len(data) if select else min(len(data), 2 + header.mode_data_length)
        size = 16 if header.long_lba else 8
        bd_end = min(end, 8 + header.block_descriptor_length)
        descriptors = tuple(
            BlockDescriptor.from_bytes(data[pos : pos + size], header.long_lba)
            for pos in range(8, bd_end - size + 1, size)
        )
        pages: list[AnyModePage] = []
        pos = 8 + header.block_descriptor_length
        while pos + 2 <= end:
            if data[pos] & 0x40 and pos + 4 > end:
                break  # a sub-page header cut by the allocation length: nothing to read
            page, pos = parse_mode_page(data[:end], pos)
            pages.append(page)
        return cls(
            pages=tuple(pages),
            block_descriptors=descriptors,
            medium_type=header.medium_type,
            device_specific=header.device_specific,
            header=None if select else header,
        )
