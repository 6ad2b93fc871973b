"""Small big-endian field helpers shared by the disc, TOC, structure, performance and
feature codecs (private). All multi-byte SCSI fields are big-endian (SPC-4 3.5).
"""

from __future__ import annotations

from openimapi.mmc.codec import InvalidCdbField, MalformedData

__all__ = [
    "check_bool",
    "check_uint",
    "get_u",
    "pad_to",
    "put_u",
    "require_length",
    "reserved_zero",
]


def check_uint(name: str, value: int, bits: int) -> None:
    """Validate that ``value`` fits an unsigned field of ``bits`` bits.

    Raises:
        ValueError: negative, too large, or not an int (bool is refused for wide fields).
    """
    if not isinstance(value, int) or (isinstance(value, bool) and bits > 1):
        raise ValueError(f"{name} must be an int, not {type(value).__name__}")
    if not 0 <= value < (1 << bits):
        raise ValueError(f"{name}={value} does not fit {bits} bits")


def check_bool(name: str, value: object) -> None:
    """Validate a flag.

    Raises:
        ValueError: ``value`` is not a bool.
    """
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be a bool, not {type(value).__name__}")


def get_u(data: bytes, offset: int, size: int) -> int:
    """Unsigned big-endian integer of ``size`` bytes at ``offset``."""
    return int.from_bytes(data[offset : offset + size], "big")


def put_u(buf: bytearray, offset: int, size: int, value: int) -> None:
    """Store ``value`` big-endian in ``size`` bytes at ``offset``."""
    buf[offset : offset + size] = value.to_bytes(size, "big")


def pad_to(data: bytes, length: int) -> bytes:
    """``data`` extended with zero bytes to ``length`` (forgiving read of truncated answers)."""
    return data if len(data) >= length else data + bytes(length - len(data))


def require_length(data: bytes, minimum: int, what: str) -> bytes:
    """Return ``bytes(data)``, checking it holds at least ``minimum`` bytes.

    Raises:
        MalformedData: shorter than ``minimum``.
    """
    data = bytes(data)
    if len(data) < minimum:
        raise MalformedData(f"{what}: need at least {minimum} bytes, got {len(data)}")
    return data


def reserved_zero(cdb: bytes, byte: int, mask: int = 0xFF) -> None:
    """Check that the bits of ``mask`` in CDB byte ``byte`` are zero.

    Raises:
        InvalidCdbField: a reserved bit is set.
    """
    bad = cdb[byte] & mask
    if bad:
        bit = bad.bit_length() - 1
        raise InvalidCdbField(f"reserved bit {bit} of CDB byte {byte} is set", byte=byte, bit=bit)
