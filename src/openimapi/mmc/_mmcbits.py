"""Private helpers of the recording, reading and drive-control codecs: field validation
on construction and strict CDB/parameter-list checks on parsing. All multi-byte SCSI
fields are big-endian (SPC-4 3.5).
"""

from __future__ import annotations

from openimapi.mmc.codec import InvalidCdbField, MalformedData

__all__ = [
    "LBA_MAX",
    "LBA_MIN",
    "check_bool",
    "check_choice",
    "check_int",
    "check_uint",
    "get_s32",
    "get_u",
    "invalid",
    "put_s32",
    "require_control_zero",
    "require_length",
    "reserved_bits",
    "reserved_bytes",
]

LBA_MIN = -(1 << 31)
LBA_MAX = (1 << 31) - 1


def check_uint(name: str, value: object, bits: int) -> None:
    """Validate that ``value`` is an int fitting an unsigned field of ``bits`` bits.

    Raises:
        ValueError: not an int (a bool only for 1-bit fields), negative or too large.
    """
    if not isinstance(value, int) or (isinstance(value, bool) and bits > 1):
        raise ValueError(f"{name} must be an int, not {type(value).__name__}")
    if not 0 <= value < (1 << bits):
        raise ValueError(f"{name}={value} does not fit {bits} bits")


def check_int(name: str, value: object, low: int, high: int) -> None:
    """Validate that ``value`` is an int in ``low .. high``.

    Raises:
        ValueError: not an int or out of range.
    """
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{name} must be an int, not {type(value).__name__}")
    if not low <= value <= high:
        raise ValueError(f"{name}={value} is outside {low}..{high}")


def check_bool(name: str, value: object) -> None:
    """Validate a flag.

    Raises:
        ValueError: ``value`` is not a bool.
    """
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be a bool, not {type(value).__name__}")


def check_choice(name: str, value: object, allowed: frozenset[int] | range) -> None:
    """Validate a code against the values the standard defines.

    Raises:
        ValueError: not an int or not one of ``allowed``.
    """
    if not isinstance(value, int) or isinstance(value, bool) or value not in allowed:
        raise ValueError(f"{name}={value!r} is not a defined value")


def get_u(data: bytes, offset: int, size: int) -> int:
    """Unsigned big-endian integer of ``size`` bytes at ``offset``."""
    return int.from_bytes(data[offset : offset + size], "big")


def get_s32(data: bytes, offset: int) -> int:
    """Signed (two's complement) 4-byte LBA at ``offset`` (MMC allows negative CD LBAs)."""
    return int.from_bytes(data[offset : offset + 4], "big", signed=True)


def put_s32(value: int) -> bytes:
    """A signed LBA as 4 big-endian bytes."""
    return value.to_bytes(4, "big", signed=True)


def require_length(data: bytes, minimum: int, what: str) -> bytes:
    """Return ``bytes(data)``, checking it holds at least ``minimum`` bytes.

    Raises:
        MalformedData: shorter than ``minimum``.
    """
    data = bytes(data)
    if len(data) < minimum:
        raise MalformedData(f"{what}: need at least {minimum} bytes, got {len(data)}")
    return data


def reserved_bits(data: bytes, byte: int, mask: int, *, in_cdb: bool = True) -> None:
    """Check that the bits of ``mask`` in byte ``byte`` are zero.

    Raises:
        InvalidCdbField: a reserved bit is set (``byte``/``bit`` point at the highest one).
    """
    bad = data[byte] & mask
    if bad:
        bit = bad.bit_length() - 1
        where = "CDB" if in_cdb else "parameter list"
        raise InvalidCdbField(f"reserved bit {bit} of {where} byte {byte} is set", byte=byte, bit=bit, in_cdb=in_cdb)


def reserved_bytes(data: bytes, start: int, stop: int, *, in_cdb: bool = True) -> None:
    """Check that bytes ``start`` up to (not including) ``stop`` are all zero.

    Raises:
        InvalidCdbField: a reserved byte is not zero.
    """
    for index in range(start, stop):
        reserved_bits(data, index, 0xFF, in_cdb=in_cdb)


def require_control_zero(cdb: bytes) -> None:
    """The CONTROL byte (the last one): NACA, LINK and vendor bits are not supported.

    Raises:
        InvalidCdbField: a bit of the CONTROL byte is set.
    """
    last = len(cdb) - 1
    bad = cdb[last]
    if bad:
        bit = bad.bit_length() - 1
        raise InvalidCdbField(f"CONTROL byte bit {bit} is set (NACA/LINK unsupported)", byte=last, bit=bit)


def invalid(message: str, byte: int, bit: int | None = None, *, in_cdb: bool = True) -> InvalidCdbField:
    """An :class:`InvalidCdbField` for a defined-but-invalid value (not a reserved bit)."""
    return InvalidCdbField(message, byte=byte, bit=bit, in_cdb=in_cdb)
