"""Sense data (SPC-4 4.5): decoding and building, fixed (70h/71h) and descriptor
(72h/73h) formats. Pure functions: decoding returns a value and changes nothing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["Sense", "SenseKey", "build_fixed_sense", "decode_sense"]


class SenseKey(enum.IntEnum):
    """Sense keys (SPC-4 table 48)."""

    NO_SENSE = 0x0
    RECOVERED_ERROR = 0x1
    NOT_READY = 0x2
    MEDIUM_ERROR = 0x3
    HARDWARE_ERROR = 0x4
    ILLEGAL_REQUEST = 0x5
    UNIT_ATTENTION = 0x6
    DATA_PROTECT = 0x7
    BLANK_CHECK = 0x8
    VENDOR_SPECIFIC = 0x9
    COPY_ABORTED = 0xA
    ABORTED_COMMAND = 0xB
    VOLUME_OVERFLOW = 0xD
    MISCOMPARE = 0xE
    COMPLETED = 0xF


@dataclass(frozen=True, slots=True)
class Sense:
    """Decoded sense data.

    ``sks`` is the 3-byte sense-key-specific field when its SKSV bit is set (progress
    indication for NOT READY / NO SENSE, field pointer for ILLEGAL REQUEST), else None.
    ``progress`` is that field read as a progress fraction 0..65535 where it means one.
    """

    key: int
    asc: int
    ascq: int
    current: bool = True
    descriptor_format: bool = False
    valid: bool = False
    information: int | None = None
    command_specific: int | None = None
    sks: bytes | None = None
    fru: int = 0
    ili: bool = False
    eom: bool = False
    filemark: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.key <= 0xF:
            raise ValueError(f"sense key {self.key:#x} is not 4 bits")
        if not (0 <= self.asc <= 0xFF and 0 <= self.ascq <= 0xFF):
            raise ValueError("ASC and ASCQ are bytes")
        if self.sks is not None and len(self.sks) != 3:
            raise ValueError("the sense-key-specific field is 3 bytes")

    @property
    def triple(self) -> tuple[int, int, int]:
        """(key, ASC, ASCQ)."""
        return (self.key, self.asc, self.ascq)

    @property
    def progress(self) -> int | None:
        """Progress indication (0..65535) of a NOT READY / NO SENSE answer, if given."""
        if self.sks is None or self.key not in (SenseKey.NO_SENSE, SenseKey.NOT_READY):
            return None
        return int.from_bytes(self.sks[1:3], "big")

    def __str__(self) -> str:
        try:
            name = SenseKey(self.key).name
        except ValueError:  # pragma: no cover - 0xC and 0xE reserved/obsolete
            name = f"KEY_{self.key:X}"
        return f"{name} {self.key:X}/{self.asc:02X}/{self.ascq:02X}"


def decode_sense(data: bytes) -> Sense | None:
    """Decode sense bytes; None when ``data`` is empty or not sense data at all.

    Forgiving on read: a truncated fixed-format block yields what it holds (ASC/ASCQ
    read as 0 when absent), as drives may return short sense.
    """
    if len(data) < 1:
        return None
    code = data[0] & 0x7F
    if code in (0x70, 0x71):
        if len(data) < 3:
            return None
        valid = bool(data[0] & 0x80)
        add_len = data[7] if len(data) > 7 else 0
        end = min(len(data), 8 + add_len)
        block = bytes(data[:end]) + bytes(max(0, 18 - end))
        sksv = bool(block[15] & 0x80) and end >= 18
        return Sense(
            key=block[2] & 0x0F,
            asc=block[12],
            ascq=block[13],
            current=code == 0x70,
            descriptor_format=False,
            valid=valid,
            information=int.from_bytes(block[3:7], "big") if valid else None,
            command_specific=int.from_bytes(block[8:12], "big") if end >= 12 else None,
            sks=bytes([block[15] & 0x7F, block[16], block[17]]) if sksv else None,
            fru=block[14],
            ili=bool(block[2] & 0x20),
            eom=bool(block[2] & 0x40),
            filemark=bool(block[2] & 0x80),
        )
    if code in (0x72, 0x73):
        if len(data) < 4:
            return None
        add_len = data[7] if len(data) > 7 else 0
        end = min(len(data), 8 + add_len)
        information = None
        command_specific = None
        sks = None
        fru = 0
        valid = False
        pos = 8
        while pos + 2 <= end:
            dtype, dlen = data[pos], data[pos + 1]
            body = data[pos + 2 : pos + 2 + dlen]
            if dtype == 0x00 and len(body) >= 10:  # information
                valid = bool(body[0] & 0x80)
                information = int.from_bytes(body[2:10], "big")
            elif dtype == 0x01 and len(body) >= 10:  # command-specific information
                command_specific = int.from_bytes(body[2:10], "big")
            elif dtype == 0x02 and len(body) >= 5 and body[2] & 0x80:  # sense-key specific
                sks = bytes([body[2] & 0x7F, body[3], body[4]])
            elif dtype == 0x03 and len(body) >= 2:  # field replaceable unit
                fru = body[1]
            pos += 2 + dlen
        return Sense(
            key=data[1] & 0x0F,
            asc=data[2],
            ascq=data[3],
            current=code == 0x72,
            descriptor_format=True,
            valid=valid,
            information=information,
            command_specific=command_specific,
            sks=sks,
            fru=fru,
        )
    return None


def build_fixed_sense(
    key: int,
    asc: int,
    ascq: int,
    *,
    information: int | None = None,
    progress: int | None = None,
    field_pointer: tuple[bool, int, int | None] | None = None,
    current: bool = True,
) -> bytes:
    """Build 18 bytes of fixed-format sense data (the device side of :func:`decode_sense`).

    ``progress`` (0..65535) sets the progress indication; ``field_pointer`` is
    ``(in_cdb, byte, bit_or_None)`` for ILLEGAL REQUEST answers.
    """
    out = bytearray(18)
    out[0] = (0x70 if current else 0x71) | (0x80 if information is not None else 0)
    out[2] = key & 0x0F
    if information is not None:
        out[3:7] = (information & 0xFFFFFFFF).to_bytes(4, "big")
    out[7] = 10
    out[12] = asc
    out[13] = ascq
    if progress is not None:
        if not 0 <= progress <= 0xFFFF:
            raise ValueError("progress is 0..65535")
        out[15] = 0x80
        out[16:18] = progress.to_bytes(2, "big")
    elif field_pointer is not None:
        in_cdb, byte, bit = field_pointer
        out[15] = 0x80 | (0x40 if in_cdb else 0) | ((0x08 | (bit & 7)) if bit is not None else 0)
        out[16:18] = byte.to_bytes(2, "big")
    return bytes(out)
