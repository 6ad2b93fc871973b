"""GET PERFORMANCE (ACh, MMC-6 6.8): type 00h (performance: nominal descriptors or the
exception list) and type 03h (write speed descriptors). Speeds are in kB/s (1000 bytes a
second), as MMC gives them: 1x CD = 176.4, 1x DVD = 1385, 1x BD = 4495.5.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar

from openimapi.mmc._binfields import check_bool, check_uint, get_u, put_u, require_length, reserved_zero
from openimapi.mmc.codec import check_cdb, register
from openimapi.mmc.command import DEFAULT_TIMEOUT, Command

__all__ = [
    "ExceptionDescriptor",
    "GetPerformance",
    "Performance",
    "NominalPerformance",
    "PerformanceType",
    "SpeedDescriptor",
    "WriteSpeeds",
]


class PerformanceType(enum.IntEnum):
    """The Type field of GET PERFORMANCE (the ones decoded here)."""

    PERFORMANCE = 0x00
    UNUSABLE_AREA = 0x01
    DEFECT_STATUS = 0x02
    WRITE_SPEED = 0x03
    DBI = 0x04
    DBI_CACHE_ZONE = 0x05


@register
@dataclass(frozen=True, slots=True)
class GetPerformance:
    """GET PERFORMANCE CDB: data type (for type 00h: tolerance bits 4-3, Write bit 2,
    Except bits 1-0), starting LBA, maximum number of descriptors, type.

    The allocation length is the 8-byte header plus ``max_descriptors`` descriptors
    (16 bytes; 6 for the exception list).

    Raises:
        ValueError: a field out of range.
    """

    OPCODE: ClassVar[int] = 0xAC
    NAME: ClassVar[str] = "GET PERFORMANCE"

    type: PerformanceType | int = PerformanceType.WRITE_SPEED
    data_type: int = 0
    starting_lba: int = 0
    max_descriptors: int = 32

    def __post_init__(self) -> None:
        check_uint("type", self.type, 8)
        if self.type in tuple(PerformanceType):
            object.__setattr__(self, "type", PerformanceType(self.type))
        check_uint("data_type", self.data_type, 5)
        check_uint("starting_lba", self.starting_lba, 32)
        check_uint("max_descriptors", self.max_descriptors, 16)

    @classmethod
    def performance(
        cls, *, write: bool = False, tolerance: int = 2, exceptions: int = 0, starting_lba: int = 0,
        max_descriptors: int = 32,
    ) -> GetPerformance:
        """A type 00h request (tolerance 2 = 10%, as MMC requires; exceptions 0 = nominal).

        Raises:
            ValueError: a field out of range.
        """
        check_uint("tolerance", tolerance, 2)
        check_uint("exceptions", exceptions, 2)
        data_type = tolerance << 3 | int(write) << 2 | exceptions
        return cls(PerformanceType.PERFORMANCE, data_type, starting_lba, max_descriptors)

    @property
    def descriptor_size(self) -> int:
        return 6 if self.type == PerformanceType.PERFORMANCE and self.data_type & 3 else 16

    @property
    def allocation_length(self) -> int:
        return 8 + self.max_descriptors * self.descriptor_size

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        cdb = bytearray(12)
        cdb[0] = self.OPCODE
        cdb[1] = self.data_type
        put_u(cdb, 2, 4, self.starting_lba)
        put_u(cdb, 8, 2, self.max_descriptors)
        cdb[10] = int(self.type)
        return Command(bytes(cdb), data_in_length=self.allocation_length, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> GetPerformance:
        """Parse the CDB strictly.

        Raises:
            InvalidCdbField: wrong opcode/length or a reserved bit set.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 12)
        reserved_zero(cdb, 1, 0xE0)
        reserved_zero(cdb, 6)
        reserved_zero(cdb, 7)
        return cls(cdb[10], cdb[1] & 0x1F, get_u(cdb, 2, 4), get_u(cdb, 8, 2))


@dataclass(frozen=True, slots=True)
class NominalPerformance:
    """Nominal performance over an LBA range (kB/s at its start and end)."""

    start_lba: int
    start_performance: int
    end_lba: int
    end_performance: int

    def __post_init__(self) -> None:
        for name in ("start_lba", "start_performance", "end_lba", "end_performance"):
            check_uint(name, getattr(self, name), 32)

    def to_bytes(self) -> bytes:
        return b"".join(v.to_bytes(4, "big") for v in (self.start_lba, self.start_performance, self.end_lba,
                                                        self.end_performance))


@dataclass(frozen=True, slots=True)
class ExceptionDescriptor:
    """An exception: the LBA where a seek or delay occurs and its expected time (in
    tenths of a millisecond)."""

    lba: int
    time: int

    def __post_init__(self) -> None:
        check_uint("lba", self.lba, 32)
        check_uint("time", self.time, 16)

    def to_bytes(self) -> bytes:
        return self.lba.to_bytes(4, "big") + self.time.to_bytes(2, "big")


@dataclass(frozen=True, slots=True)
class Performance:
    """Type 00h answer: header (Write, Except) and nominal or exception descriptors.

    Raises:
        ValueError: descriptors of the wrong kind for ``exceptions``.
    """

    descriptors: tuple[NominalPerformance | ExceptionDescriptor, ...] = ()
    write: bool = False
    exceptions: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "descriptors", tuple(self.descriptors))
        check_bool("write", self.write)
        check_bool("exceptions", self.exceptions)
        kind = ExceptionDescriptor if self.exceptions else NominalPerformance
        if not all(isinstance(d, kind) for d in self.descriptors):
            raise ValueError(f"an answer with exceptions={self.exceptions} holds {kind.__name__}s")

    def to_bytes(self) -> bytes:
        body = b"".join(d.to_bytes() for d in self.descriptors)
        flags = int(self.write) << 1 | int(self.exceptions)
        return (len(body) + 4).to_bytes(4, "big") + bytes((flags, 0, 0, 0)) + body

    @classmethod
    def from_bytes(cls, data: bytes) -> Performance:
        """Decode; descriptors cut off by the allocation length are dropped.

        Raises:
            MalformedData: fewer than the 8 header bytes.
        """
        data = require_length(data, 8, "performance header")
        end = min(len(data), get_u(data, 0, 4) + 4)
        exceptions = bool(data[4] & 1)
        descriptors: tuple[NominalPerformance | ExceptionDescriptor, ...]
        if exceptions:
            descriptors = tuple(ExceptionDescriptor(get_u(data, o, 4), get_u(data, o + 4, 2))
                                for o in range(8, end - 5, 6))
        else:
            descriptors = tuple(
                NominalPerformance(get_u(data, o, 4), get_u(data, o + 4, 4), get_u(data, o + 8, 4),
                                      get_u(data, o + 12, 4))
                for o in range(8, end - 15, 16)
            )
        return cls(descriptors, bool(data[4] & 2), exceptions)


@dataclass(frozen=True, slots=True)
class SpeedDescriptor:
    """A write speed descriptor (type 03h): WRC (rotation control: 0 default/CLV,
    1 CAV), RDD, Exact, MRW, end LBA, read and write speed in kB/s.

    Raises:
        ValueError: a field out of range.
    """

    end_lba: int
    read_speed: int
    write_speed: int
    wrc: int = 0
    rdd: bool = False
    exact: bool = False
    mrw: bool = False

    def __post_init__(self) -> None:
        for name in ("end_lba", "read_speed", "write_speed"):
            check_uint(name, getattr(self, name), 32)
        check_uint("wrc", self.wrc, 2)
        for name in ("rdd", "exact", "mrw"):
            check_bool(name, getattr(self, name))

    @property
    def flags(self) -> int:
        """Byte 0 as the drive sends it."""
        return self.wrc << 3 | int(self.rdd) << 2 | int(self.exact) << 1 | int(self.mrw)

    def to_bytes(self) -> bytes:
        return (bytes((self.flags, 0, 0, 0)) + self.end_lba.to_bytes(4, "big") + self.read_speed.to_bytes(4, "big")
                + self.write_speed.to_bytes(4, "big"))

    @classmethod
    def from_flags(cls, flags: int, end_lba: int, read_speed: int, write_speed: int) -> SpeedDescriptor:
        """A descriptor from byte 0 as sent and the three numbers.

        Raises:
            ValueError: a value out of range.
        """
        check_uint("flags", flags, 8)
        return cls(end_lba, read_speed, write_speed, flags >> 3 & 3, bool(flags & 4), bool(flags & 2),
                   bool(flags & 1))


@dataclass(frozen=True, slots=True)
class WriteSpeeds:
    """Type 03h answer: the write speed descriptors, fastest first as drives send them."""

    descriptors: tuple[SpeedDescriptor, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "descriptors", tuple(self.descriptors))

    def to_bytes(self) -> bytes:
        body = b"".join(d.to_bytes() for d in self.descriptors)
        return (len(body) + 4).to_bytes(4, "big") + bytes(4) + body

    @classmethod
    def from_bytes(cls, data: bytes) -> WriteSpeeds:
        """Decode; descriptors cut off by the allocation length are dropped.

        Raises:
            MalformedData: fewer than the 8 header bytes.
        """
        data = require_length(data, 8, "write speed header")
        end = min(len(data), get_u(data, 0, 4) + 4)
        return cls(tuple(
            SpeedDescriptor.from_flags(data[o], get_u(data, o + 4, 4), get_u(data, o + 8, 4), get_u(data, o + 12, 4))
            for o in range(8, end - 15, 16)
        ))
