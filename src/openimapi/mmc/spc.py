"""SPC primary commands an MMC drive answers (SPC-4 6, MMC-6 6): TEST UNIT READY,
REQUEST SENSE, INQUIRY (standard data here, VPD pages 00h, 80h, 83h in :mod:`.vpd`), MODE SENSE(10),
MODE SELECT(10), START STOP UNIT and PREVENT ALLOW MEDIUM REMOVAL.

Each command is a request class (``to_command()`` / ``from_cdb()``) registered by opcode,
and where it moves data an answer or parameter class (``to_bytes()`` / ``from_bytes()``);
see :mod:`openimapi.mmc.codec`. The mode pages themselves live in
:mod:`openimapi.mmc.modepages`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar

from openimapi.mmc.codec import InvalidCdbField, MalformedData, check_cdb, register
from openimapi.mmc.command import DEFAULT_TIMEOUT, Command
from openimapi.mmc.modepages import PageControl
from openimapi.mmc.modeparams import ModeParameters
from openimapi.mmc.sense import Sense, decode_sense

__all__ = [
    "MMC_DEVICE_TYPE",
    "printable",
    "Inquiry",
    "InquiryData",
    "ModeSelect10",
    "ModeSense10",
    "PowerCondition",
    "PreventAllowMediumRemoval",
    "RequestSense",
    "SenseData",
    "StartStopUnit",
    "TestUnitReady",
    "encode_sense",
]

#: Peripheral device type of a CD/DVD/BD device (SPC-4 table 49: "MMC-6").
MMC_DEVICE_TYPE = 5


def _check_control(cdb: bytes) -> None:
    """The CONTROL byte (SAM-5 5.2): NACA and the obsolete LINK/FLAG bits are not supported
    by MMC devices; the vendor bits 7-6 are accepted.

    Raises:
        InvalidCdbField: NACA, FLAG or LINK is set.
    """
    if cdb[-1] & 0x07:
        raise InvalidCdbField("NACA/FLAG/LINK in the CONTROL byte are not supported", byte=len(cdb) - 1)


def _reserved(cdb: bytes, byte: int, mask: int = 0xFF) -> None:
    if cdb[byte] & mask:
        bit = (cdb[byte] & mask).bit_length() - 1
        raise InvalidCdbField(f"reserved bits set in CDB byte {byte}", byte=byte, bit=bit)


def _check_width(name: str, value: int, bits: int) -> None:
    if not 0 <= value < (1 << bits):
        raise ValueError(f"{name} = {value} does not fit in {bits} bits")


# ---------------------------------------------------------------------------------------
# TEST UNIT READY (00h), SPC-4 6.47


@register
@dataclass(frozen=True, slots=True)
class TestUnitReady:
    """TEST UNIT READY: no fields; the answer is the status (and sense) alone."""

    OPCODE: ClassVar[int] = 0x00
    NAME: ClassVar[str] = "TEST UNIT READY"
    __test__: ClassVar[bool] = False  # not a pytest test class, whatever its name says

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        return Command(cdb=bytes(6), timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> TestUnitReady:
        """Raises:
        InvalidCdbField: wrong opcode/length, or a reserved bit set.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 6)
        for i in range(1, 5):
            _reserved(cdb, i)
        _check_control(cdb)
        return cls()


# ---------------------------------------------------------------------------------------
# REQUEST SENSE (03h), SPC-4 6.39


@register
@dataclass(frozen=True, slots=True)
class RequestSense:
    """REQUEST SENSE: ``desc`` asks for descriptor-format sense.

    Raises:
        ValueError: allocation length not a byte.
    """

    OPCODE: ClassVar[int] = 0x03
    NAME: ClassVar[str] = "REQUEST SENSE"

    allocation_length: int = 252
    desc: bool = False

    def __post_init__(self) -> None:
        _check_width("allocation_length", self.allocation_length, 8)

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        cdb = bytes([self.OPCODE, 1 if self.desc else 0, 0, 0, self.allocation_length, 0])
        return Command(cdb=cdb, data_in_length=self.allocation_length, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> RequestSense:
        """Raises:
        InvalidCdbField: wrong opcode/length, or a reserved bit set.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 6)
        _reserved(cdb, 1, 0xFE)
        _reserved(cdb, 2)
        _reserved(cdb, 3)
        _check_control(cdb)
        return cls(allocation_length=cdb[4], desc=bool(cdb[1] & 1))


def encode_sense(sense: Sense) -> bytes:
    """Sense bytes for a decoded :class:`Sense`, in its own format (fixed 18 bytes, or
    descriptor format with the information, command-specific, sense-key-specific and FRU
    descriptors it carries). The inverse of :func:`openimapi.mmc.sense.decode_sense`.
    """
    sks = None if sense.sks is None else bytes([sense.sks[0] | 0x80]) + sense.sks[1:]
    if not sense.descriptor_format:
        out = bytearray(18)
        out[0] = (0x70 if sense.current else 0x71) | (0x80 if sense.valid else 0)
        out[2] = (sense.key & 0x0F) | (0x80 if sense.filemark else 0) | (0x40 if sense.eom else 0)
        out[2] |= 0x20 if sense.ili else 0
        out[3:7] = ((sense.information or 0) & 0xFFFFFFFF).to_bytes(4, "big")
        out[7] = 10
        out[8:12] = ((sense.command_specific or 0) & 0xFFFFFFFF).to_bytes(4, "big")
        out[12], out[13], out[14] = sense.asc, sense.ascq, sense.fru
        if sks is not None:
            out[15:18] = sks
        return bytes(out)
    descriptors = b""
    if sense.information is not None:
        descriptors += bytes([0x00, 0x0A, 0x80 if sense.valid else 0, 0])
        descriptors += (sense.information & (2**64 - 1)).to_bytes(8, "big")
    if sense.command_specific is not None:
        descriptors += bytes([0x01, 0x0A, 0, 0]) + (sense.command_specific & (2**64 - 1)).to_bytes(8, "big")
    if sks is not None:
        descriptors += bytes([0x02, 0x06, 0, 0]) + sks + b"\x00"
    if sense.fru:
        descriptors += bytes([0x03, 0x02, 0, sense.fru])
    head = bytes([0x72 if sense.current else 0x73, sense.key & 0x0F, sense.asc, sense.ascq, 0, 0, 0])
    return head + bytes([len(descriptors)]) + descriptors


@dataclass(frozen=True, slots=True)
class SenseData:
    """The answer of REQUEST SENSE (and the autosense of a CHECK CONDITION): sense data."""

    sense: Sense

    def to_bytes(self) -> bytes:
        return encode_sense(self.sense)

    @classmethod
    def from_bytes(cls, data: bytes) -> SenseData:
        """Decode fixed or descriptor sense (truncated blocks read as far as they go).

        Raises:
            MalformedData: not sense data (unknown response code, or too short).
        """
        sense = decode_sense(bytes(data))
        if sense is None:
            raise MalformedData("not sense data (response code must be 70h-73h)")
        return cls(sense)


# ---------------------------------------------------------------------------------------
# INQUIRY (12h), SPC-4 6.6


@register
@dataclass(frozen=True, slots=True)
class Inquiry:
    """INQUIRY: standard data (``evpd=False``, page 0) or a VPD page.

    Raises:
        ValueError: allocation length not 16 bits, page code not a byte, or a page code
            without EVPD.
    """

    OPCODE: ClassVar[int] = 0x12
    NAME: ClassVar[str] = "INQUIRY"

    allocation_length: int = 96
    evpd: bool = False
    page_code: int = 0

    def __post_init__(self) -> None:
        _check_width("allocation_length", self.allocation_length, 16)
        _check_width("page_code", self.page_code, 8)
        if self.page_code and not self.evpd:
            raise ValueError("a page code needs EVPD")

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        cdb = bytes([self.OPCODE, 1 if self.evpd else 0, self.page_code])
        cdb += self.allocation_length.to_bytes(2, "big") + b"\x00"
        return Command(cdb=cdb, data_in_length=self.allocation_length, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> Inquiry:
        """Raises:
        InvalidCdbField: wrong opcode/length, CMDDT or a reserved bit set, or a page
            code without EVPD (SPC-4 6.6.1).
        """
        cdb = check_cdb(cdb, cls.OPCODE, 6)
        _reserved(cdb, 1, 0xFE)
        _check_control(cdb)
        evpd = bool(cdb[1] & 1)
        if cdb[2] and not evpd:
            raise InvalidCdbField("PAGE CODE set without EVPD", byte=2)
        return cls(allocation_length=int.from_bytes(cdb[3:5], "big"), evpd=evpd, page_code=cdb[2])


def _ascii_field(value: str, length: int, name: str) -> bytes:
    raw = value.encode("ascii")
    if len(raw) > length or any(not 0x20 <= ch < 0x7F for ch in raw):
        raise ValueError(f"{name} must be at most {length} printable ASCII characters: {value!r}")
    return raw.ljust(length, b" ")


@dataclass(frozen=True, slots=True)
class InquiryData:
    """Standard INQUIRY data (SPC-4 6.6.2), as an MMC drive returns it.

    ``vendor``, ``product`` and ``revision`` are kept without their space padding.
    ``additional_length`` is byte 4 as the device reports it (total length - 5); None
    computes it from the fields. ``vendor_specific`` is bytes 36..55 (up to 20 bytes),
    ``version_descriptors`` the 16-bit codes of bytes 58..73, and ``trailing`` any bytes
    after those.

    Raises:
        ValueError: a field does not fit its width, or an identification string is not
            printable ASCII of its length.
    """

    vendor: str = ""
    product: str = ""
    revision: str = ""
    peripheral_device_type: int = MMC_DEVICE_TYPE
    peripheral_qualifier: int = 0
    rmb: bool = True
    version: int = 0
    normaca: bool = False
    hisup: bool = False
    response_data_format: int = 2
    additional_length: int | None = None
    sccs: bool = False
    acc: bool = False
    tpgs: int = 0
    third_party_copy: bool = False
    protect: bool = False
    encserv: bool = False
    multip: bool = False
    mchngr: bool = False
    addr16: bool = False
    wbus16: bool = False
    sync: bool = False
    cmdque: bool = False
    vendor_specific: bytes = b""
    version_descriptors: tuple[int, ...] = ()
    trailing: bytes = b""

    def __post_init__(self) -> None:
        _check_width("peripheral_device_type", self.peripheral_device_type, 5)
        _check_width("peripheral_qualifier", self.peripheral_qualifier, 3)
        _check_width("version", self.version, 8)
        _check_width("response_data_format", self.response_data_format, 4)
        _check_width("tpgs", self.tpgs, 2)
        _ascii_field(self.vendor, 8, "vendor")
        _ascii_field(self.product, 16, "product")
        _ascii_field(self.revision, 4, "revision")
        object.__setattr__(self, "vendor_specific", bytes(self.vendor_specific))
        object.__setattr__(self, "version_descriptors", tuple(self.version_descriptors))
        object.__setattr__(self, "trailing", bytes(self.trailing))
        if len(self.vendor_specific) > 20:
            raise ValueError("vendor_specific is bytes 36..55: at most 20 bytes")
        if len(self.version_descriptors) > 8:
            raise ValueError("at most 8 version descriptors")
        for code in self.version_descriptors:
            _check_width("version descriptor", code, 16)
        if (self.version_descriptors or self.trailing) and len(self.vendor_specific) != 20:
            raise ValueError("version descriptors and trailing bytes follow a full vendor-specific field")
        if self.trailing and len(self.version_descriptors) != 8:
            raise ValueError("trailing bytes follow all 8 version descriptors")
        if self.additional_length is None:
            object.__setattr__(self, "additional_length", len(self._body()) - 5)
        assert self.additional_length is not None
        _check_width("additional_length", self.additional_length, 8)

    def _body(self) -> bytes:
        out = bytearray(36)
        out[0] = self.peripheral_qualifier << 5 | self.peripheral_device_type
        out[1] = 0x80 if self.rmb else 0
        out[2] = self.version
        out[3] = (0x20 if self.normaca else 0) | (0x10 if self.hisup else 0) | self.response_data_format
        out[5] = (
            (0x80 if self.sccs else 0)
            | (0x40 if self.acc else 0)
            | self.tpgs << 4
            | (0x08 if self.third_party_copy else 0)
            | (0x01 if self.protect else 0)
        )
        out[6] = (
            (0x40 if self.encserv else 0)
            | (0x10 if self.multip else 0)
            | (0x08 if self.mchngr else 0)
            | (0x01 if self.addr16 else 0)
        )
        out[7] = (0x20 if self.wbus16 else 0) | (0x10 if self.sync else 0) | (0x02 if self.cmdque else 0)
        out[8:16] = _ascii_field(self.vendor, 8, "vendor")
        out[16:32] = _ascii_field(self.product, 16, "product")
        out[32:36] = _ascii_field(self.revision, 4, "revision")
        out += self.vendor_specific
        if self.version_descriptors:
            out += bytes(2)  # bytes 56-57: clocking, QAS, IUS (parallel SCSI only)
            out += b"".join(code.to_bytes(2, "big") for code in self.version_descriptors)
        out += self.trailing
        return bytes(out)

    @property
    def identity(self) -> str:
        """``"VENDOR PRODUCT REVISION"`` as tools print it."""
        return " ".join(part for part in (self.vendor, self.product, self.revision) if part)

    def to_bytes(self) -> bytes:
        """The INQUIRY answer (36 bytes at least)."""
        out = bytearray(self._body())
        out[4] = self.additional_length if self.additional_length is not None else len(out) - 5
        return bytes(out)

    @classmethod
    def from_bytes(cls, data: bytes) -> InquiryData:
        """Parse standard INQUIRY data; an answer cut before byte 36 (allocation length)
        reads the missing identification as blank.

        Raises:
            MalformedData: fewer than 5 bytes.
        """
        data = bytes(data)
        if len(data) < 5:
            raise MalformedData(f"standard INQUIRY data needs at least 5 bytes, got {len(data)}")
        b = data[:36].ljust(36, b"\x00")
        extra = data[36:]
        vendor_specific = extra[:20]
        descriptors: tuple[int, ...] = ()
        trailing = b""
        if len(extra) > 20 and len(vendor_specific) == 20:
            codes = extra[22:38]
            descriptors = tuple(int.from_bytes(codes[i : i + 2], "big") for i in range(0, len(codes) - 1, 2))
            # a code of 0 marks an unused slot only at the end; keep the slots the data has
            trailing = extra[38:] if len(descriptors) == 8 else b""
        try:
            return cls(
                vendor=printable(b[8:16]),
                product=printable(b[16:32]),
                revision=printable(b[32:36]),
                peripheral_device_type=b[0] & 0x1F,
                peripheral_qualifier=b[0] >> 5,
                rmb=bool(b[1] & 0x80),
                version=b[2],
                normaca=bool(b[3] & 0x20),
                hisup=bool(b[3] & 0x10),
                response_data_format=b[3] & 0x0F,
                additional_length=b[4],
                sccs=bool(b[5] & 0x80),
                acc=bool(b[5] & 0x40),
                tpgs=b[5] >> 4 & 0x03,
                third_party_copy=bool(b[5] & 0x08),
                protect=bool(b[5] & 0x01),
                encserv=bool(b[6] & 0x40),
                multip=bool(b[6] & 0x10),
                mchngr=bool(b[6] & 0x08),
                addr16=bool(b[6] & 0x01),
                wbus16=bool(b[7] & 0x20),
                sync=bool(b[7] & 0x10),
                cmdque=bool(b[7] & 0x02),
                vendor_specific=vendor_specific,
                version_descriptors=descriptors,
                trailing=trailing,
            )
        except ValueError as exc:
            raise MalformedData(f"standard INQUIRY data: {exc}") from None


def printable(raw: bytes) -> str:
    """An identification field: NULs and other control bytes (seen on cheap drives) read as
    spaces, then the padding is stripped."""
    return "".join(chr(ch) if 0x20 <= ch < 0x7F else " " for ch in raw).rstrip(" ")


# ---------------------------------------------------------------------------------------
# MODE SENSE(10) (5Ah) and MODE SELECT(10) (55h), SPC-4 6.14 and 6.12


@register
@dataclass(frozen=True, slots=True)
class ModeSense10:
    """MODE SENSE(10). ``page_code`` 3Fh with ``subpage_code`` 0 asks for all pages;
    ``page_control`` picks current, changeable, default or saved values. The answer is
    :class:`openimapi.mmc.modepages.ModeParameters`.

    Raises:
        ValueError: a field does not fit its width.
    """

    OPCODE: ClassVar[int] = 0x5A
    NAME: ClassVar[str] = "MODE SENSE(10)"

    page_code: int
    allocation_length: int = 0xFFFF
    page_control: int = PageControl.CURRENT
    subpage_code: int = 0
    dbd: bool = True
    llbaa: bool = False

    def __post_init__(self) -> None:
        _check_width("page_code", self.page_code, 6)
        _check_width("page_control", self.page_control, 2)
        _check_width("subpage_code", self.subpage_code, 8)
        _check_width("allocation_length", self.allocation_length, 16)

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        cdb = bytearray(10)
        cdb[0] = self.OPCODE
        cdb[1] = (0x10 if self.llbaa else 0) | (0x08 if self.dbd else 0)
        cdb[2] = self.page_control << 6 | self.page_code
        cdb[3] = self.subpage_code
        cdb[7:9] = self.allocation_length.to_bytes(2, "big")
        return Command(cdb=bytes(cdb), data_in_length=self.allocation_length, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> ModeSense10:
        """Raises:
        InvalidCdbField: wrong opcode/length, or a reserved bit set.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 10)
        _reserved(cdb, 1, 0xE7)
        for i in (4, 5, 6):
            _reserved(cdb, i)
        _check_control(cdb)
        return cls(
            page_code=cdb[2] & 0x3F,
            allocation_length=int.from_bytes(cdb[7:9], "big"),
            page_control=cdb[2] >> 6,
            subpage_code=cdb[3],
            dbd=bool(cdb[1] & 0x08),
            llbaa=bool(cdb[1] & 0x10),
        )


@register
@dataclass(frozen=True, slots=True)
class ModeSelect10:
    """MODE SELECT(10). ``data`` is the parameter list sent (build it with
    :meth:`for_parameters` or ``ModeParameters.to_select_bytes()``); parsed from a CDB
    alone, ``data`` is empty and ``parameter_list_length`` says how much will follow.

    Raises:
        ValueError: ``parameter_list_length`` disagrees with ``data``, or exceeds 16 bits.
    """

    OPCODE: ClassVar[int] = 0x55
    NAME: ClassVar[str] = "MODE SELECT(10)"

    data: bytes = b""
    pf: bool = True
    sp: bool = False
    parameter_list_length: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", bytes(self.data))
        if self.parameter_list_length is None:
            object.__setattr__(self, "parameter_list_length", len(self.data))
        assert self.parameter_list_length is not None
        _check_width("parameter_list_length", self.parameter_list_length, 16)
        if self.data and len(self.data) != self.parameter_list_length:
            raise ValueError("parameter_list_length disagrees with the data sent")

    @classmethod
    def for_parameters(cls, parameters: ModeParameters, *, sp: bool = False) -> ModeSelect10:
        """MODE SELECT(10) of ``parameters`` (PF set: the pages follow SPC/MMC).

        Raises:
            ValueError: a page has its PS bit set.
        """
        return cls(data=parameters.to_select_bytes(), sp=sp)

    @property
    def parameters(self) -> ModeParameters:
        """The parameter list decoded.

        Raises:
            MalformedData: the data is not a mode parameter list.
        """
        return ModeParameters.from_bytes(self.data, select=True)

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        cdb = bytearray(10)
        cdb[0] = self.OPCODE
        cdb[1] = (0x10 if self.pf else 0) | (0x01 if self.sp else 0)
        cdb[7:9] = (self.parameter_list_length or 0).to_bytes(2, "big")
        return Command(cdb=bytes(cdb), data_out=self.data, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes, data: bytes = b"") -> ModeSelect10:
        """Parse the CDB (and, on the device side, the parameter list received).

        Raises:
            InvalidCdbField: wrong opcode/length, or a reserved bit set.
            ValueError: ``data`` is not as long as the CDB says.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 10)
        _reserved(cdb, 1, 0xEE)
        for i in range(2, 7):
            _reserved(cdb, i)
        _check_control(cdb)
        return cls(
            data=data,
            pf=bool(cdb[1] & 0x10),
            sp=bool(cdb[1] & 0x01),
            parameter_list_length=int.from_bytes(cdb[7:9], "big"),
        )


# ---------------------------------------------------------------------------------------
# START STOP UNIT (1Bh), MMC-6 6.40 / SBC-3 5.25


class PowerCondition(enum.IntEnum):
    """POWER CONDITION field of START STOP UNIT (MMC-6 table 596)."""

    START_VALID = 0  # process the START and LOEJ bits
    ACTIVE = 1
    IDLE = 2
    STANDBY = 3
    SLEEP = 5
    LU_CONTROL = 7
    FORCE_IDLE_0 = 0xA
    FORCE_STANDBY_0 = 0xB


@register
@dataclass(frozen=True, slots=True)
class StartStopUnit:
    """START STOP UNIT: spin up (``start``), stop, eject (``loej`` without ``start``),
    load (``loej`` with ``start``), or change the power condition.

    Raises:
        ValueError: a field does not fit its width.
    """

    OPCODE: ClassVar[int] = 0x1B
    NAME: ClassVar[str] = "START STOP UNIT"

    start: bool = True
    loej: bool = False
    immed: bool = False
    power_condition: int = PowerCondition.START_VALID
    format_layer: bool = False

    def __post_init__(self) -> None:
        _check_width("power_condition", self.power_condition, 4)

    @classmethod
    def eject(cls, immed: bool = False) -> StartStopUnit:
        return cls(start=False, loej=True, immed=immed)

    @classmethod
    def load(cls, immed: bool = False) -> StartStopUnit:
        return cls(start=True, loej=True, immed=immed)

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        byte4 = (
            self.power_condition << 4
            | (0x04 if self.format_layer else 0)
            | (0x02 if self.loej else 0)
            | (0x01 if self.start else 0)
        )
        cdb = bytes([self.OPCODE, 1 if self.immed else 0, 0, 0, byte4, 0])
        return Command(cdb=cdb, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> StartStopUnit:
        """Raises:
        InvalidCdbField: wrong opcode/length, or a reserved bit set.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 6)
        _reserved(cdb, 1, 0xFE)
        _reserved(cdb, 2)
        _reserved(cdb, 3)
        _reserved(cdb, 4, 0x08)
        _check_control(cdb)
        return cls(
            start=bool(cdb[4] & 0x01),
            loej=bool(cdb[4] & 0x02),
            immed=bool(cdb[1] & 0x01),
            power_condition=cdb[4] >> 4,
            format_layer=bool(cdb[4] & 0x04),
        )


# ---------------------------------------------------------------------------------------
# PREVENT ALLOW MEDIUM REMOVAL (1Eh), MMC-6 6.12


@register
@dataclass(frozen=True, slots=True)
class PreventAllowMediumRemoval:
    """PREVENT ALLOW MEDIUM REMOVAL: ``prevent`` locks the tray; ``persistent`` sets the
    persistent prevent state (MMC-6 table 314)."""

    OPCODE: ClassVar[int] = 0x1E
    NAME: ClassVar[str] = "PREVENT ALLOW MEDIUM REMOVAL"

    prevent: bool = True
    persistent: bool = False

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        byte4 = (0x02 if self.persistent else 0) | (0x01 if self.prevent else 0)
        return Command(cdb=bytes([self.OPCODE, 0, 0, 0, byte4, 0]), timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> PreventAllowMediumRemoval:
        """Raises:
        InvalidCdbField: wrong opcode/length, or a reserved bit set.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 6)
        for i in (1, 2, 3):
            _reserved(cdb, i)
        _reserved(cdb, 4, 0xFC)
        _check_control(cdb)
        return cls(prevent=bool(cdb[4] & 0x01), persistent=bool(cdb[4] & 0x02))
