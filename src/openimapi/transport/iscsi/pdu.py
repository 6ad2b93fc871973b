"""iSCSI PDUs (RFC 7143 section 11) as bytes and frozen values; no socket here.

Every PDU starts with a 48-byte Basic Header Segment (BHS, 11.2.1): byte 0 carries the
immediate bit (0x40) and the opcode, byte 1 the final bit and opcode-specific flags,
byte 4 the total AHS length in 4-byte words, bytes 5-7 the data segment length, bytes
16-19 the Initiator Task Tag. The data segment is padded to a multiple of 4 bytes. We
never negotiate digests, so no header or data digest follows.

Builders (``*_pdu`` functions) return the BHS only; the caller sends the data segment
and its padding after it (:func:`pad`). :func:`parse_bhs` turns a received BHS into a
:class:`Header`, whose fields are named after RFC 7143 and read the same bytes whatever
the opcode; each opcode's meaning of those fields is documented next to it.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass

__all__ = [
    "BHS_LENGTH",
    "NO_TAG",
    "Header",
    "Opcode",
    "ProtocolViolation",
    "ResponseFlags",
    "data_out_pdu",
    "encode_lun",
    "login_pdu",
    "logout_pdu",
    "nop_out_pdu",
    "pad",
    "padded",
    "parse_bhs",
    "scsi_command_pdu",
    "task_management_pdu",
    "text_pdu",
]

BHS_LENGTH = 48
#: The reserved tag value 0xFFFFFFFF ("no task", RFC 7143 11.18/11.19).
NO_TAG = 0xFFFFFFFF
_IMMEDIATE = 0x40
_FINAL = 0x80


class ProtocolViolation(ValueError):
    """A target sent a PDU RFC 7143 does not allow (bad length, unknown opcode...)."""


class Opcode(enum.IntEnum):
    """PDU opcodes, RFC 7143 11.1.1 (initiator) and 11.1.2 (target)."""

    NOP_OUT = 0x00
    SCSI_COMMAND = 0x01
    TASK_MANAGEMENT = 0x02
    LOGIN_REQUEST = 0x03
    TEXT_REQUEST = 0x04
    DATA_OUT = 0x05
    LOGOUT_REQUEST = 0x06
    SNACK = 0x10
    NOP_IN = 0x20
    SCSI_RESPONSE = 0x21
    TASK_MANAGEMENT_RESPONSE = 0x22
    LOGIN_RESPONSE = 0x23
    TEXT_RESPONSE = 0x24
    DATA_IN = 0x25
    LOGOUT_RESPONSE = 0x26
    R2T = 0x31
    ASYNC_MESSAGE = 0x32
    REJECT = 0x3F


class ResponseFlags(enum.IntFlag):
    """Byte 1 of a SCSI Response (11.4.1) and a Data-In (11.7.1)."""

    STATUS = 0x01  # Data-In only: this PDU carries the status (S bit)
    UNDERFLOW = 0x02  # U: fewer bytes transferred than expected; residual is the shortfall
    OVERFLOW = 0x04  # O: the command wanted more than expected; residual is the excess
    BIDI_UNDERFLOW = 0x08
    BIDI_OVERFLOW = 0x10
    ACKNOWLEDGE = 0x40  # Data-In only (A bit, ERL >= 1)
    FINAL = 0x80


_TARGET_OPCODES = frozenset(
    {
        Opcode.NOP_IN,
        Opcode.SCSI_RESPONSE,
        Opcode.TASK_MANAGEMENT_RESPONSE,
        Opcode.LOGIN_RESPONSE,
        Opcode.TEXT_RESPONSE,
        Opcode.DATA_IN,
        Opcode.LOGOUT_RESPONSE,
        Opcode.R2T,
        Opcode.ASYNC_MESSAGE,
        Opcode.REJECT,
    }
)

# Bytes 0-7, 8-15 (LUN or opcode-specific), 16-19 ITT and seven 32-bit words 20-47.
_BHS = struct.Struct(">BBBBB3s8sIIIIIIII")


@dataclass(frozen=True, slots=True)
class Header:
    """A received Basic Header Segment.

    ``word20`` ... ``word44`` are the big-endian 32-bit words at those byte offsets;
    the properties name them per opcode (a Data-In's ``data_sn`` is ``word36``).
    """

    opcode: Opcode
    flags: int  # byte 1
    byte2: int
    byte3: int
    ahs_length: int  # bytes (the BHS field counts 4-byte words)
    data_length: int
    lun_field: bytes
    itt: int
    word20: int
    word24: int
    word28: int
    word32: int
    word36: int
    word40: int
    word44: int

    # -- names shared by most target PDUs -------------------------------------------------
    @property
    def final(self) -> bool:
        return bool(self.flags & _FINAL)

    @property
    def ttt(self) -> int:
        """Target Transfer Tag (Data-In, R2T, NOP-In, Text/Login Response)."""
        return self.word20

    @property
    def stat_sn(self) -> int:
        return self.word24

    @property
    def exp_cmd_sn(self) -> int:
        return self.word28

    @property
    def max_cmd_sn(self) -> int:
        return self.word32

    # -- SCSI Response (11.4) and Data-In (11.7) --------------------------------------------
    @property
    def response(self) -> int:
        """iSCSI service response of a SCSI Response (0 = command completed at target)."""
        return self.byte2

    @property
    def status(self) -> int:
        """SCSI status byte (SCSI Response, or a Data-In with the S bit)."""
        return self.byte3

    @property
    def data_sn(self) -> int:
        """DataSN of a Data-In, R2TSN of an R2T, ExpDataSN of a SCSI Response."""
        return self.word36

    @property
    def buffer_offset(self) -> int:
        """Buffer Offset of a Data-In or an R2T."""
        return self.word40

    @property
    def residual(self) -> int:
        """Residual Count of a SCSI Response or a Data-In."""
        return self.word44

    @property
    def desired_length(self) -> int:
        """Desired Data Transfer Length of an R2T."""
        return self.word44

    # -- Login Response (11.13) -------------------------------------------------------------
    @property
    def status_class(self) -> int:
        return self.word36 >> 24

    @property
    def status_detail(self) -> int:
        return (self.word36 >> 16) & 0xFF

    @property
    def tsih(self) -> int:
        return int.from_bytes(self.lun_field[6:8], "big")

    @property
    def current_stage(self) -> int:
        return (self.flags >> 2) & 0x3

    @property
    def next_stage(self) -> int:
        return self.flags & 0x3

    @property
    def transit(self) -> bool:
        return bool(self.flags & 0x80)

    @property
    def continues(self) -> bool:
        """C bit of a Login or Text Response: more text follows."""
        return bool(self.flags & 0x40)


def parse_bhs(bhs: bytes | bytearray | memoryview) -> Header:
    """Decode a 48-byte BHS received from a target.

    Raises:
        ProtocolViolation: wrong length, or an opcode a target must not send.
    """
    if len(bhs) != BHS_LENGTH:
        raise ProtocolViolation(f"a BHS is {BHS_LENGTH} bytes, got {len(bhs)}")
    (b0, b1, b2, b3, ahs, dlen, lun, itt, w20, w24, w28, w32, w36, w40, w44) = _BHS.unpack(bhs)
    code = b0 & 0x3F
    try:
        opcode = Opcode(code)
    except ValueError:
        raise ProtocolViolation(f"unknown iSCSI opcode 0x{code:02X} from the target") from None
    if opcode not in _TARGET_OPCODES:
        raise ProtocolViolation(f"the target sent an initiator opcode ({opcode.name})")
    return Header(
        opcode, b1, b2, b3, ahs * 4, int.from_bytes(dlen, "big"), lun, itt, w20, w24, w28, w32, w36, w40, w44
    )


def pad(length: int) -> int:
    """Bytes of padding after a data segment of ``length`` bytes (11.2.3)."""
    return -length & 3


def padded(data: bytes) -> bytes:
    """``data`` followed by its padding."""
    return data + bytes(pad(len(data)))


def encode_lun(lun: int) -> bytes:
    """The 8-byte LUN field (SAM-5 4.7): peripheral addressing below 256, flat above.

    Raises:
        ValueError: the LUN is not in 0..16383.
    """
    if 0 <= lun < 256:
        return bytes([0, lun]) + bytes(6)
    if 256 <= lun < 0x4000:
        return bytes([0x40 | (lun >> 8), lun & 0xFF]) + bytes(6)
    raise ValueError(f"LUN {lun} is outside 0..16383")


def _bhs(
    byte0: int,
    byte1: int,
    byte2: int,
    byte3: int,
    data_length: int,
    field8: bytes,
    itt: int,
    *words: int,
) -> bytes:
    if data_length >= 1 << 24:
        raise ValueError(f"a data segment holds at most 16 MiB - 1, not {data_length}")
    words7 = (*words, 0, 0, 0, 0, 0, 0, 0)[:7]
    return _BHS.pack(byte0, byte1, byte2, byte3, 0, data_length.to_bytes(3, "big"), field8, itt, *words7)


def scsi_command_pdu(
    *,
    lun: int,
    itt: int,
    cdb: bytes,
    read: bool,
    write: bool,
    expected_length: int,
    cmd_sn: int,
    exp_stat_sn: int,
    immediate_length: int,
    final: bool,
) -> bytes:
    """SCSI Command (11.3): simple task attribute, CDB of at most 16 bytes.

    ``final`` is clear when unsolicited Data-Out PDUs follow the immediate data.

    Raises:
        ValueError: the CDB is longer than 16 bytes (an AHS would be needed).
    """
    if len(cdb) > 16:
        raise ValueError("CDBs longer than 16 bytes need an AHS, which MMC never uses")
    flags = (_FINAL if final else 0) | (0x40 if read else 0) | (0x20 if write else 0) | 0x01
    header = bytearray(
        _bhs(0x01, flags, 0, 0, immediate_length, encode_lun(lun), itt, expected_length, cmd_sn, exp_stat_sn)
    )
    header[32 : 32 + len(cdb)] = cdb
    return bytes(header)


def data_out_pdu(
    *, lun: int, itt: int, ttt: int, exp_stat_sn: int, data_sn: int, offset: int, length: int, final: bool
) -> bytes:
    """SCSI Data-Out (11.7.1): ``ttt`` is NO_TAG for unsolicited data."""
    return _bhs(
        0x05, _FINAL if final else 0, 0, 0, length, encode_lun(lun), itt, ttt, 0, exp_stat_sn, 0, data_sn, offset
    )


def nop_out_pdu(*, itt: int, ttt: int, cmd_sn: int, exp_stat_sn: int, data_length: int = 0) -> bytes:
    """NOP-Out (11.18), always immediate: a ping (``itt`` valid, ``ttt`` NO_TAG) or the
    answer to a target's NOP-In (``itt`` NO_TAG, ``ttt`` copied from the NOP-In)."""
    return _bhs(0x40, _FINAL, 0, 0, data_length, bytes(8), itt, ttt, cmd_sn, exp_stat_sn)


def login_pdu(
    *,
    isid: bytes,
    tsih: int,
    itt: int,
    cid: int,
    cmd_sn: int,
    exp_stat_sn: int,
    current_stage: int,
    next_stage: int,
    transit: bool,
    data_length: int,
) -> bytes:
    """Login Request (11.12): version 0, stages 0 (security), 1 (operational), 3 (full feature)."""
    if len(isid) != 6:
        raise ValueError("an ISID is 6 bytes")
    flags = (_FINAL if transit else 0) | (current_stage << 2) | (next_stage if transit else 0)
    field8 = isid + tsih.to_bytes(2, "big")
    return _bhs(0x40 | 0x03, flags, 0, 0, data_length, field8, itt, cid << 16, cmd_sn, exp_stat_sn)


def text_pdu(*, itt: int, ttt: int, cmd_sn: int, exp_stat_sn: int, data_length: int) -> bytes:
    """Text Request (11.10), immediate, final."""
    return _bhs(0x40 | 0x04, _FINAL, 0, 0, data_length, bytes(8), itt, ttt, cmd_sn, exp_stat_sn)


def logout_pdu(*, itt: int, cmd_sn: int, exp_stat_sn: int, reason: int = 0) -> bytes:
    """Logout Request (11.14), immediate; reason 0 closes the session."""
    return _bhs(0x40 | 0x06, _FINAL | reason, 0, 0, 0, bytes(8), itt, 0, cmd_sn, exp_stat_sn)


def task_management_pdu(
    *, function: int, lun: int, itt: int, referenced_itt: int, cmd_sn: int, exp_stat_sn: int, ref_cmd_sn: int
) -> bytes:
    """Task Management Function Request (11.5), immediate; function 1 = ABORT TASK."""
    return _bhs(
        0x40 | 0x02,
        _FINAL | function,
        0,
        0,
        0,
        encode_lun(lun),
        itt,
        referenced_itt,
        cmd_sn,
        exp_stat_sn,
        ref_cmd_sn,
        0,
    )
