"""Speeds: SET CD SPEED and SET STREAMING, and the unit conversions between the kB/s of
MMC, the "x" factors people use and the sectors per second of IMAPI.

MMC gives every speed in kB/s of 1000 bytes a second (MMC-6 6.38, 6.39). One "x" is the
nominal rate of the first drives of a family:

* CD: 75 sectors of 2352 bytes a second, 176,400 B/s = 176.4 kB/s (MMC speed tables use
  176 or 177 kB/s per x; 48x = 8467 kB/s). As user data of mode 1 that is 75 x 2048 =
  153,600 B/s, the "150 KiB/s" of CD-ROM.
* DVD: 1385 kB/s (11.08 Mbit/s).
* BD: 4495.5 kB/s (36 Mbit/s of user data), written 4496 kB/s in MMC tables.
* HD DVD: 4568 kB/s (36.55 Mbit/s).

IMAPI2 reports write speeds in sectors per second and defines one x as
IMAPI_SECTORS_PER_SECOND_AT_1X_CD (75), _DVD (680), _BD (2195) and _HD_DVD (4568)
(:data:`openimapi.enums.CONSTANTS`); the conversions here make 1x map exactly onto those
constants. (IMAPI's HD DVD constant is the kB/s figure, not 2048-byte sectors; it is kept
as IMAPI defines it.)
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar

from openimapi.enums import CONSTANTS
from openimapi.mmc._mmcbits import (
    check_bool,
    check_choice,
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
from openimapi.mmc.profiles import MediaFamily

__all__ = [
    "BYTES_PER_SECOND_AT_1X",
    "CD_DATA_BYTES_PER_SECOND_AT_1X",
    "KBPS_AT_1X",
    "MAX_SPEED",
    "PerformanceDescriptor",
    "RotationalControl",
    "SECTORS_PER_SECOND_AT_1X",
    "SetCdSpeed",
    "SetStreaming",
    "StreamingType",
    "kbps_from_factor",
    "kbps_from_sectors_per_second",
    "sectors_per_second_from_kbps",
    "speed_factor",
]

#: SET CD SPEED value asking for the highest speed the drive supports.
MAX_SPEED = 0xFFFF


#: Bytes a second at 1x.
BYTES_PER_SECOND_AT_1X: dict[MediaFamily, int] = {
    MediaFamily.CD: 176_400,
    MediaFamily.DVD: 1_385_000,
    MediaFamily.BD: 4_495_500,
    MediaFamily.HD_DVD: 4_568_000,
}
#: kB/s (1000 B/s, as MMC counts) at 1x.
KBPS_AT_1X: dict[MediaFamily, float] = {family: rate / 1000 for family, rate in BYTES_PER_SECOND_AT_1X.items()}
#: Mode 1 user data of a 1x CD: 75 sectors of 2048 bytes.
CD_DATA_BYTES_PER_SECOND_AT_1X = 75 * 2048


def _constant(name: str) -> int:
    value = CONSTANTS[name]
    assert isinstance(value, int)
    return value


#: IMAPI's IMAPI_SECTORS_PER_SECOND_AT_1X_* constants.
SECTORS_PER_SECOND_AT_1X: dict[MediaFamily, int] = {
    MediaFamily.CD: _constant("IMAPI_SECTORS_PER_SECOND_AT_1X_CD"),
    MediaFamily.DVD: _constant("IMAPI_SECTORS_PER_SECOND_AT_1X_DVD"),
    MediaFamily.BD: _constant("IMAPI_SECTORS_PER_SECOND_AT_1X_BD"),
    MediaFamily.HD_DVD: _constant("IMAPI_SECTORS_PER_SECOND_AT_1X_HD_DVD"),
}


def _one_x(family: MediaFamily) -> tuple[float, int]:
    """kB/s and IMAPI sectors/s at 1x of ``family``."""
    if family not in KBPS_AT_1X:
        raise ValueError(f"no 1x rate is defined for {family}")
    return KBPS_AT_1X[family], SECTORS_PER_SECOND_AT_1X[family]


def _check_rate(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"{name} must be a non-negative number, not {value!r}")


def speed_factor(kbps: float, family: MediaFamily) -> float:
    """The "x" factor of a speed in kB/s (8467 kB/s on CD is 48.0x).

    Raises:
        ValueError: a negative or non-numeric speed, or a family without a 1x rate.
    """
    _check_rate("kbps", kbps)
    return kbps / _one_x(family)[0]


def kbps_from_factor(factor: float, family: MediaFamily) -> int:
    """The speed in whole kB/s of an "x" factor (48x CD is 8467 kB/s; 16x DVD 22160).

    Raises:
        ValueError: a negative or non-numeric factor, or a family without a 1x rate.
    """
    _check_rate("factor", factor)
    return round(factor * _one_x(family)[0])


def sectors_per_second_from_kbps(kbps: float, family: MediaFamily) -> int:
    """IMAPI's sectors per second for a speed in kB/s: the x factor times
    IMAPI_SECTORS_PER_SECOND_AT_1X of the family (1385 kB/s on DVD is 680).

    Raises:
        ValueError: a negative or non-numeric speed, or a family without a 1x rate.
    """
    return round(speed_factor(kbps, family) * _one_x(family)[1])


def kbps_from_sectors_per_second(sectors_per_second: float, family: MediaFamily) -> int:
    """The speed in kB/s of IMAPI's sectors per second (the inverse of
    :func:`sectors_per_second_from_kbps`, to the nearest kB/s).

    Raises:
        ValueError: a negative or non-numeric rate, or a family without a 1x rate.
    """
    _check_rate("sectors_per_second", sectors_per_second)
    return kbps_from_factor(sectors_per_second / _one_x(family)[1], family)


# --------------------------------------------------------------------------- SET CD SPEED


class RotationalControl(enum.IntEnum):
    """Rotational Control of SET CD SPEED (byte 1 bits 1-0); 10b and 11b are reserved."""

    CLV = 0b00  #: CLV, or non-pure CAV
    PURE_CAV = 0b01


@register
@dataclass(frozen=True, slots=True)
class SetCdSpeed:
    """SET CD SPEED, opcode BBh (MMC-6 6.38): read and write speeds in kB/s (1000 bytes a
    second); :data:`MAX_SPEED` (FFFFh) asks for the highest speed. Bytes 2-3 read speed,
    bytes 4-5 write speed.

    Raises:
        ValueError: a speed out of range or a reserved rotational control.
    """

    OPCODE: ClassVar[int] = 0xBB
    NAME: ClassVar[str] = "SET CD SPEED"

    read_speed: int = MAX_SPEED
    write_speed: int = MAX_SPEED
    rotational_control: RotationalControl = RotationalControl.CLV

    def __post_init__(self) -> None:
        check_uint("read_speed", self.read_speed, 16)
        check_uint("write_speed", self.write_speed, 16)
        check_choice("rotational_control", self.rotational_control, frozenset((0, 1)))
        object.__setattr__(self, "rotational_control", RotationalControl(self.rotational_control))

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        """Build the command (no data phase)."""
        cdb = (
            bytes((self.OPCODE, int(self.rotational_control)))
            + self.read_speed.to_bytes(2, "big")
            + self.write_speed.to_bytes(2, "big")
            + bytes(6)
        )
        return Command(cdb=cdb, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> SetCdSpeed:
        """Parse the CDB.

        Raises:
            InvalidCdbField: wrong opcode/length, a reserved bit or rotational control.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 12)
        reserved_bits(cdb, 1, 0xFC)
        reserved_bytes(cdb, 6, 11)
        require_control_zero(cdb)
        if cdb[1] & 0x02:
            raise invalid(f"rotational control {cdb[1] & 0x03:02b}b is reserved", 1, 1)
        return cls(get_u(cdb, 2, 2), get_u(cdb, 4, 2), RotationalControl(cdb[1] & 0x03))


# --------------------------------------------------------------------------- SET STREAMING


class StreamingType(enum.IntEnum):
    """Type field of SET STREAMING (CDB byte 8); other values are reserved."""

    PERFORMANCE = 0x00  #: a 28-byte performance descriptor
    DBI_CACHE_ZONE = 0x05  #: a DBI cache zone descriptor (kept raw)


@dataclass(frozen=True, slots=True)
class PerformanceDescriptor:
    """The 28-byte performance descriptor of SET STREAMING type 00h (MMC-6 6.39.3.1).

    Byte 0: WRC (bits 4-3; 0 default, 1 CAV), RDD (bit 2, restore drive defaults), Exact
    (bit 1), RA (bit 0, random access); bytes 4-7 start LBA, 8-11 end LBA, then read size
    (kB), read time (ms), write size (kB), write time (ms), 4 bytes each. The speed asked
    for is size/time: 22160 kB per 1000 ms is 16x DVD.

    Raises:
        ValueError: a field out of range or a reserved WRC.
    """

    end_lba: int
    read_size: int
    read_time: int
    write_size: int
    write_time: int
    start_lba: int = 0
    wrc: int = 0
    rdd: bool = False
    exact: bool = False
    ra: bool = False

    LENGTH: ClassVar[int] = 28

    def __post_init__(self) -> None:
        for name in ("end_lba", "read_size", "read_time", "write_size", "write_time", "start_lba"):
            check_uint(name, getattr(self, name), 32)
        check_choice("wrc", self.wrc, frozenset((0, 1)))
        for name in ("rdd", "exact", "ra"):
            check_bool(name, getattr(self, name))

    @classmethod
    def for_speeds(
        cls, end_lba: int, read_kbps: int, write_kbps: int, *, start_lba: int = 0, exact: bool = False
    ) -> PerformanceDescriptor:
        """A descriptor asking for ``read_kbps``/``write_kbps`` over ``start_lba..end_lba``
        (sizes in kB over 1000 ms).

        Raises:
            ValueError: a field out of range.
        """
        return cls(end_lba, read_kbps, 1000, write_kbps, 1000, start_lba, exact=exact)

    @property
    def read_kbps(self) -> float:
        """The read speed asked for, in kB/s (0 when the time is 0)."""
        return self.read_size * 1000 / self.read_time if self.read_time else 0.0

    @property
    def write_kbps(self) -> float:
        """The write speed asked for, in kB/s (0 when the time is 0)."""
        return self.write_size * 1000 / self.write_time if self.write_time else 0.0

    def to_bytes(self) -> bytes:
        """The 28 bytes."""
        head = bytes((self.wrc << 3 | self.rdd << 2 | self.exact << 1 | int(self.ra), 0, 0, 0))
        fields = (self.start_lba, self.end_lba, self.read_size, self.read_time, self.write_size, self.write_time)
        return head + b"".join(value.to_bytes(4, "big") for value in fields)

    @classmethod
    def from_bytes(cls, data: bytes) -> PerformanceDescriptor:
        """Decode a descriptor as the device receives it (strict).

        Raises:
            MalformedData: fewer than 28 bytes.
            InvalidCdbField: (``in_cdb=False``) a reserved bit or WRC value.
        """
        data = require_length(data, cls.LENGTH, "performance descriptor")
        reserved_bits(data, 0, 0xE0, in_cdb=False)
        reserved_bytes(data, 1, 4, in_cdb=False)
        wrc = (data[0] >> 3) & 0x03
        if wrc > 1:
            raise invalid(f"WRC {wrc:02b}b is reserved", 0, 4, in_cdb=False)
        start, end, read_size, read_time, write_size, write_time = (get_u(data, i, 4) for i in range(4, 28, 4))
        return cls(
            end,
            read_size,
            read_time,
            write_size,
            write_time,
            start,
            wrc,
            bool(data[0] & 0x04),
            bool(data[0] & 0x02),
            bool(data[0] & 0x01),
        )


@register
@dataclass(frozen=True, slots=True)
class SetStreaming:
    """SET STREAMING, opcode B6h (MMC-6 6.39): byte 8 Type, bytes 9-10 parameter list
    length. Build it with :meth:`for_descriptor`; :meth:`from_cdb` leaves ``parameters``
    empty, :meth:`from_command` decodes a performance descriptor (type 00h) or keeps the
    raw bytes (type 05h).

    Raises:
        ValueError: a field out of range, or parameters that do not fit the type/length.
    """

    OPCODE: ClassVar[int] = 0xB6
    NAME: ClassVar[str] = "SET STREAMING"

    parameter_list_length: int = PerformanceDescriptor.LENGTH
    streaming_type: StreamingType = StreamingType.PERFORMANCE
    parameters: PerformanceDescriptor | bytes | None = None

    def __post_init__(self) -> None:
        check_uint("parameter_list_length", self.parameter_list_length, 16)
        try:
            object.__setattr__(self, "streaming_type", StreamingType(self.streaming_type))
        except ValueError:
            raise ValueError(f"streaming type {self.streaming_type!r} is reserved") from None
        if isinstance(self.parameters, PerformanceDescriptor):
            if self.streaming_type is not StreamingType.PERFORMANCE:
                raise ValueError("a performance descriptor goes with type PERFORMANCE")
            if self.parameter_list_length != PerformanceDescriptor.LENGTH:
                raise ValueError("a performance descriptor is 28 bytes")
        elif isinstance(self.parameters, bytes | bytearray):
            object.__setattr__(self, "parameters", bytes(self.parameters))
            if self.streaming_type is StreamingType.PERFORMANCE:
                raise ValueError("type PERFORMANCE takes a PerformanceDescriptor")
            if len(self.parameters) != self.parameter_list_length:
                raise ValueError(f"{len(self.parameters)} parameter bytes, length {self.parameter_list_length}")
        elif self.parameters is not None:
            raise ValueError("parameters must be a PerformanceDescriptor or bytes")

    @classmethod
    def for_descriptor(cls, descriptor: PerformanceDescriptor) -> SetStreaming:
        """The command sending a performance descriptor."""
        return cls(PerformanceDescriptor.LENGTH, StreamingType.PERFORMANCE, descriptor)

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        """Build the command with its parameter list.

        Raises:
            ValueError: a parameter list length without parameters.
        """
        if self.parameters is None:
            if self.parameter_list_length:
                raise ValueError("SET STREAMING needs its parameters")
            data = b""
        elif isinstance(self.parameters, PerformanceDescriptor):
            data = self.parameters.to_bytes()
        else:
            data = self.parameters
        return Command(cdb=self.to_cdb(), data_out=data, timeout=timeout, name=self.NAME)

    def to_cdb(self) -> bytes:
        """The 12-byte CDB."""
        return (
            bytes((self.OPCODE,))
            + bytes(7)
            + bytes((int(self.streaming_type),))
            + self.parameter_list_length.to_bytes(2, "big")
            + b"\x00"
        )

    @classmethod
    def from_cdb(cls, cdb: bytes) -> SetStreaming:
        """Parse the CDB (no parameters).

        Raises:
            InvalidCdbField: wrong opcode/length, a reserved bit or type.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 12)
        reserved_bytes(cdb, 1, 8)
        require_control_zero(cdb)
        if cdb[8] not in StreamingType._value2member_map_:
            raise invalid(f"streaming type {cdb[8]:#04x} is reserved", 8)
        return cls(get_u(cdb, 9, 2), StreamingType(cdb[8]))

    @classmethod
    def from_command(cls, command: Command) -> SetStreaming:
        """Parse CDB and parameter list.

        Raises:
            InvalidCdbField: as :meth:`from_cdb` and :meth:`PerformanceDescriptor.from_bytes`.
            MalformedData: a parameter list of the wrong length.
        """
        head = cls.from_cdb(command.cdb)
        data = command.data_out
        if len(data) != head.parameter_list_length:
            raise MalformedData(f"{len(data)} bytes of parameters, CDB says {head.parameter_list_length}")
        if not data:
            return head
        if head.streaming_type is StreamingType.PERFORMANCE:
            if len(data) != PerformanceDescriptor.LENGTH:
                raise MalformedData(f"a performance descriptor is 28 bytes, not {len(data)}")
            return cls(head.parameter_list_length, head.streaming_type, PerformanceDescriptor.from_bytes(data))
        return cls(head.parameter_list_length, head.streaming_type, data)
