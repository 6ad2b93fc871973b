"""Mode pages and the MODE SENSE(10) / MODE SELECT(10) parameter list (SPC-4 7.5, MMC-6 7).

Pages with a layout here: 01h Read/Write Error Recovery, 05h Write Parameters, 1Ah Power
Condition and 2Ah MM Capabilities and Mechanical Status (MMC-3 6.3.11 layout, still what
drives return). Any other page, vendor pages and sub-pages included, is kept as a
generic :class:`ModePage` so that nothing a drive says is lost.

Every page is a frozen dataclass with ``to_bytes()`` and ``from_bytes()``. Reading is
forgiving: old drives return shorter pages (page 2Ah of an MMC-1 drive is 0x14 bytes long,
of an MMC-2 drive 0x18); missing fields read as zero and ``page_length`` keeps the length
the drive declared, so the page is written back exactly as long as it came. Bytes beyond
the layout known here (vendor bytes, longer revisions) are kept in ``trailing``.

A whole MODE SENSE(10) answer (or MODE SELECT(10) parameter list), header and pages, is
parsed by :class:`openimapi.mmc.modeparams.ModeParameters`.
"""

from __future__ import annotations

import abc
import enum
from dataclasses import dataclass
from typing import ClassVar, TypeAlias

from openimapi.mmc.codec import MalformedData

__all__ = [
    "CapabilitiesPage",
    "DataBlockType",
    "LoadingMechanism",
    "ModePage",
    "MultiSession",
    "PAGE_TYPES",
    "PageControl",
    "PowerConditionPage",
    "ReadWriteErrorRecoveryPage",
    "RotationControl",
    "SessionFormat",
    "WriteParametersPage",
    "WriteSpeedDescriptor",
    "WriteType",
    "AnyModePage",
    "parse_mode_page",
]


class PageControl(enum.IntEnum):
    """PC field of MODE SENSE (SPC-4 table 99): which values a page holds."""

    CURRENT = 0
    CHANGEABLE = 1
    DEFAULT = 2
    SAVED = 3


class WriteType(enum.IntEnum):
    """Write Type of page 05h (MMC-6 table 648)."""

    PACKET = 0  # packet / incremental
    TAO = 1
    SAO = 2  # session at once (DAO)
    RAW = 3
    LAYER_JUMP = 4


class MultiSession(enum.IntEnum):
    """Multi-session field of page 05h (MMC-6 table 649)."""

    NO_B0_NEXT_NOT_ALLOWED = 0
    B0_FFFFFF_NEXT_NOT_ALLOWED = 1
    NEXT_ALLOWED = 3


class DataBlockType(enum.IntEnum):
    """Data Block Type of page 05h (MMC-6 table 651), with the block size in the name."""

    RAW_2352 = 0
    RAW_PQ_2368 = 1
    RAW_PW_PACKED_2448 = 2
    RAW_PW_RAW_2448 = 3
    MODE1_2048 = 8
    MODE2_2336 = 9
    MODE2_FORM1_2048 = 10
    MODE2_FORM1_SUBHEADER_2056 = 11
    MODE2_FORM2_2324 = 12
    MODE2_MIXED_2332 = 13


class SessionFormat(enum.IntEnum):
    """Session Format of page 05h (MMC-6 table 652)."""

    CDDA_OR_CDROM = 0x00
    CDI = 0x10
    CDROM_XA = 0x20


class LoadingMechanism(enum.IntEnum):
    """Loading Mechanism Type of page 2Ah byte 6."""

    CADDY = 0
    TRAY = 1
    POPUP = 2
    CHANGER_INDIVIDUAL = 4
    CHANGER_MAGAZINE = 5


class RotationControl(enum.IntEnum):
    """Rotation control of page 2Ah and its write speed descriptors."""

    CLV = 0  # constant linear velocity (or CLV and non-pure CAV)
    CAV = 1


def _check_bits(name: str, value: int, bits: int) -> None:
    if not 0 <= value < (1 << bits):
        raise ValueError(f"{name} = {value} does not fit in {bits} bits")


def _flag(byte: int, bit: int) -> bool:
    return bool(byte >> bit & 1)


def _bits(**flags: tuple[bool, int]) -> int:
    out = 0
    for value, bit in flags.values():
        if value:
            out |= 1 << bit
    return out


class _Page(abc.ABC):
    """Shared mechanics of the pages with a known layout (page_0 format, SPF = 0).

    A subclass gives ``PAGE_CODE``, ``_layout()`` (the bytes after the 2-byte header in the
    layout known here) and ``_parse(body)`` (fields from a body zero-padded to that size).
    """

    __slots__ = ()
    PAGE_CODE: ClassVar[int]
    NAME: ClassVar[str]
    ps: bool
    page_length: int | None
    trailing: bytes

    @abc.abstractmethod
    def _layout(self) -> bytes:
        """The page body after the 2-byte header, in the layout known here."""

    @property
    def code(self) -> int:
        return self.PAGE_CODE

    @property
    def subpage(self) -> int | None:
        return None

    def _finish(self) -> None:
        object.__setattr__(self, "trailing", bytes(self.trailing))
        natural = len(self._layout()) + len(self.trailing)
        if self.page_length is None:
            object.__setattr__(self, "page_length", natural)
        assert self.page_length is not None
        if not 0 <= self.page_length <= 0xFF:
            raise ValueError(f"page length {self.page_length} is not a byte")
        if self.trailing and self.page_length < natural:
            raise ValueError("trailing bytes need a page length covering them")

    def to_bytes(self) -> bytes:
        """The page as it appears in a MODE SENSE answer or MODE SELECT list."""
        length = self.page_length if self.page_length is not None else 0
        body = (self._layout() + self.trailing)[:length]
        body += bytes(length - len(body))
        return bytes([(0x80 if self.ps else 0) | self.PAGE_CODE, length]) + body

    @classmethod
    def _split(cls, data: bytes, natural: int) -> tuple[bool, int, bytes, bytes]:
        """(ps, declared length, body padded to ``natural``, trailing) of a raw page.

        Raises:
            MalformedData: fewer than 2 bytes, wrong page code, or the SPF bit set.
        """
        data = bytes(data)
        if len(data) < 2:
            raise MalformedData(f"mode page {cls.PAGE_CODE:02X}h: {len(data)} bytes, need at least 2")
        if data[0] & 0x3F != cls.PAGE_CODE or data[0] & 0x40:
            raise MalformedData(f"not mode page {cls.PAGE_CODE:02X}h (byte 0 = {data[0]:#04x})")
        declared = data[1]
        body = data[2 : 2 + declared]
        padded = body[:natural] + bytes(max(0, natural - len(body)))
        return bool(data[0] & 0x80), declared, padded, body[natural:]


@dataclass(frozen=True, slots=True)
class ReadWriteErrorRecoveryPage(_Page):
    """Page 01h, Read/Write Error Recovery (MMC-6 7.3; SBC names for byte 2).

    Raises:
        ValueError: a field does not fit its width.
    """

    PAGE_CODE: ClassVar[int] = 0x01
    NAME: ClassVar[str] = "Read/Write Error Recovery"
    _NATURAL: ClassVar[int] = 0x0A

    awre: bool = False
    arre: bool = False
    tb: bool = False
    rc: bool = False
    eer: bool = False
    per: bool = False
    dte: bool = False
    dcr: bool = False
    read_retry_count: int = 0
    emcdr: int = 0
    write_retry_count: int = 0
    recovery_time_limit: int = 0
    ps: bool = False
    page_length: int | None = None
    trailing: bytes = b""

    def __post_init__(self) -> None:
        _check_bits("read_retry_count", self.read_retry_count, 8)
        _check_bits("emcdr", self.emcdr, 2)
        _check_bits("write_retry_count", self.write_retry_count, 8)
        _check_bits("recovery_time_limit", self.recovery_time_limit, 16)
        self._finish()

    def _layout(self) -> bytes:
        out = bytearray(self._NATURAL)
        out[0] = _bits(
            a=(self.awre, 7), b=(self.arre, 6), c=(self.tb, 5), d=(self.rc, 4),
            e=(self.eer, 3), f=(self.per, 2), g=(self.dte, 1), h=(self.dcr, 0),
        )  # fmt: skip
        out[1] = self.read_retry_count
        out[5] = self.emcdr
        out[6] = self.write_retry_count
        out[8:10] = self.recovery_time_limit.to_bytes(2, "big")
        return bytes(out)

    @classmethod
    def from_bytes(cls, data: bytes) -> ReadWriteErrorRecoveryPage:
        """Parse page 01h, forgiving of a short page (6-byte SFF-8020 form).

        Raises:
            MalformedData: not page 01h, or fewer than 2 bytes.
        """
        ps, declared, b, trailing = cls._split(data, cls._NATURAL)
        return cls(
            awre=_flag(b[0], 7), arre=_flag(b[0], 6), tb=_flag(b[0], 5), rc=_flag(b[0], 4),
            eer=_flag(b[0], 3), per=_flag(b[0], 2), dte=_flag(b[0], 1), dcr=_flag(b[0], 0),
            read_retry_count=b[1],
            emcdr=b[5] & 0x03,
            write_retry_count=b[6],
            recovery_time_limit=int.from_bytes(b[8:10], "big"),
            ps=ps,
            page_length=declared,
            trailing=trailing,
        )  # fmt: skip


def _check_text(name: str, value: str | None, length: int, alphabet: str) -> None:
    if value is None:
        return
    if len(value) != length or any(ch not in alphabet for ch in value):
        raise ValueError(f"{name} must be {length} characters of {alphabet!r}, got {value!r}")


_DIGITS = "0123456789"
_ISRC_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True, slots=True)
class WriteParametersPage(_Page):
    """Page 05h, Write Parameters (MMC-6 7.5).

    ``mcn`` (13 digits) and ``isrc`` (12 characters) are None when their valid bit (MCVAL,
    TCVAL) is clear. Integer fields take the enums of this module (:class:`WriteType`,
    :class:`MultiSession`, :class:`DataBlockType`, :class:`SessionFormat`) or any value
    that fits the field, so a page of changeable-value masks is representable too.

    Raises:
        ValueError: a field does not fit its width, or the MCN/ISRC is malformed.
    """

    PAGE_CODE: ClassVar[int] = 0x05
    NAME: ClassVar[str] = "Write Parameters"
    _NATURAL: ClassVar[int] = 0x32

    write_type: int = WriteType.TAO
    test_write: bool = False
    ls_v: bool = False
    bufe: bool = False
    multi_session: int = MultiSession.NO_B0_NEXT_NOT_ALLOWED
    fp: bool = False
    copy: bool = False
    track_mode: int = 4
    data_block_type: int = DataBlockType.MODE1_2048
    link_size: int = 0
    host_application_code: int = 0
    session_format: int = SessionFormat.CDDA_OR_CDROM
    packet_size: int = 0
    audio_pause_length: int = 150
    mcn: str | None = None
    isrc: str | None = None
    subheader: bytes = bytes(4)
    ps: bool = False
    page_length: int | None = None
    trailing: bytes = b""

    def __post_init__(self) -> None:
        _check_bits("write_type", self.write_type, 4)
        _check_bits("multi_session", self.multi_session, 2)
        _check_bits("track_mode", self.track_mode, 4)
        _check_bits("data_block_type", self.data_block_type, 4)
        _check_bits("link_size", self.link_size, 8)
        _check_bits("host_application_code", self.host_application_code, 6)
        _check_bits("session_format", self.session_format, 8)
        _check_bits("packet_size", self.packet_size, 32)
        _check_bits("audio_pause_length", self.audio_pause_length, 16)
        _check_text("mcn", self.mcn, 13, _DIGITS)
        _check_text("isrc", self.isrc, 12, _ISRC_CHARS)
        object.__setattr__(self, "subheader", bytes(self.subheader))
        if len(self.subheader) != 4:
            raise ValueError("the subheader is 4 bytes")
        self._finish()

    def _layout(self) -> bytes:
        out = bytearray(self._NATURAL)
        out[0] = _bits(b=(self.bufe, 6), l=(self.ls_v, 5), t=(self.test_write, 4)) | self.write_type
        out[1] = self.multi_session << 6 | _bits(f=(self.fp, 5), c=(self.copy, 4)) | self.track_mode
        out[2] = self.data_block_type
        out[3] = self.link_size
        out[5] = self.host_application_code
        out[6] = self.session_format
        out[8:12] = self.packet_size.to_bytes(4, "big")
        out[12:14] = self.audio_pause_length.to_bytes(2, "big")
        if self.mcn is not None:  # bytes 16..31 of the page
            out[14] = 0x80
            out[15:28] = self.mcn.encode("ascii")
        if self.isrc is not None:  # bytes 32..47 of the page
            out[30] = 0x80
            out[31:43] = self.isrc.encode("ascii")
        out[46:50] = self.subheader
        return bytes(out)

    @classmethod
    def from_bytes(cls, data: bytes) -> WriteParametersPage:
        """Parse page 05h, forgiving of a short page.

        Raises:
            MalformedData: not page 05h, too short, or an MCN/ISRC that is not text.
        """
        ps, declared, b, trailing = cls._split(data, cls._NATURAL)
        try:
            mcn = b[15:28].decode("ascii") if b[14] & 0x80 else None
            isrc = b[31:43].decode("ascii") if b[30] & 0x80 else None
            return cls(
                write_type=b[0] & 0x0F,
                test_write=_flag(b[0], 4),
                ls_v=_flag(b[0], 5),
                bufe=_flag(b[0], 6),
                multi_session=b[1] >> 6,
                fp=_flag(b[1], 5),
                copy=_flag(b[1], 4),
                track_mode=b[1] & 0x0F,
                data_block_type=b[2] & 0x0F,
                link_size=b[3],
                host_application_code=b[5] & 0x3F,
                session_format=b[6],
                packet_size=int.from_bytes(b[8:12], "big"),
                audio_pause_length=int.from_bytes(b[12:14], "big"),
                mcn=mcn,
                isrc=isrc,
                subheader=b[46:50],
                ps=ps,
                page_length=declared,
                trailing=trailing,
            )
        except (UnicodeDecodeError, ValueError) as exc:
            raise MalformedData(f"page 05h: {exc}") from None


@dataclass(frozen=True, slots=True)
class PowerConditionPage(_Page):
    """Page 1Ah, Power Condition (SPC-3 7.4.12, MMC-6 7.6). Timers count 100 ms units.

    Raises:
        ValueError: a timer does not fit 32 bits.
    """

    PAGE_CODE: ClassVar[int] = 0x1A
    NAME: ClassVar[str] = "Power Condition"
    _NATURAL: ClassVar[int] = 0x0A

    idle: bool = False
    standby: bool = False
    idle_timer: int = 0
    standby_timer: int = 0
    ps: bool = False
    page_length: int | None = None
    trailing: bytes = b""

    def __post_init__(self) -> None:
        _check_bits("idle_timer", self.idle_timer, 32)
        _check_bits("standby_timer", self.standby_timer, 32)
        self._finish()

    def _layout(self) -> bytes:
        out = bytearray(self._NATURAL)
        out[1] = _bits(i=(self.idle, 1), s=(self.standby, 0))
        out[2:6] = self.idle_timer.to_bytes(4, "big")
        out[6:10] = self.standby_timer.to_bytes(4, "big")
        return bytes(out)

    @classmethod
    def from_bytes(cls, data: bytes) -> PowerConditionPage:
        """Parse page 1Ah; the SPC-4 extension (length 26h) is kept in ``trailing``.

        Raises:
            MalformedData: not page 1Ah (or a sub-page of it), or fewer than 2 bytes.
        """
        ps, declared, b, trailing = cls._split(data, cls._NATURAL)
        return cls(
            idle=_flag(b[1], 1),
            standby=_flag(b[1], 0),
            idle_timer=int.from_bytes(b[2:6], "big"),
            standby_timer=int.from_bytes(b[6:10], "big"),
            ps=ps,
            page_length=declared,
            trailing=trailing,
        )


@dataclass(frozen=True, slots=True)
class WriteSpeedDescriptor:
    """One Logical Unit Write Speed Performance Descriptor of page 2Ah (kB/s, 1000 B/s).

    Raises:
        ValueError: a field does not fit its width.
    """

    write_speed: int
    rotation_control: int = RotationControl.CLV

    def __post_init__(self) -> None:
        _check_bits("write_speed", self.write_speed, 16)
        _check_bits("rotation_control", self.rotation_control, 3)

    def to_bytes(self) -> bytes:
        return bytes([0, self.rotation_control]) + self.write_speed.to_bytes(2, "big")

    @classmethod
    def from_bytes(cls, data: bytes) -> WriteSpeedDescriptor:
        """Parse 4 bytes.

        Raises:
            MalformedData: fewer than 4 bytes.
        """
        if len(data) < 4:
            raise MalformedData("a write speed descriptor is 4 bytes")
        return cls(write_speed=int.from_bytes(data[2:4], "big"), rotation_control=data[1] & 0x07)


_CAP_BITS: tuple[tuple[str, int, int], ...] = (
    # (field, byte offset in the page body (page byte - 2), bit)
    ("cd_r_read", 0, 0),
    ("cd_rw_read", 0, 1),
    ("method2", 0, 2),
    ("dvd_rom_read", 0, 3),
    ("dvd_r_read", 0, 4),
    ("dvd_ram_read", 0, 5),
    ("cd_r_write", 1, 0),
    ("cd_rw_write", 1, 1),
    ("test_write", 1, 2),
    ("dvd_r_write", 1, 4),
    ("dvd_ram_write", 1, 5),
    ("audio_play", 2, 0),
    ("composite", 2, 1),
    ("digital_port_1", 2, 2),
    ("digital_port_2", 2, 3),
    ("mode2_form1", 2, 4),
    ("mode2_form2", 2, 5),
    ("multi_session", 2, 6),
    ("buf", 2, 7),
    ("cdda_commands", 3, 0),
    ("cdda_stream_accurate", 3, 1),
    ("rw_supported", 3, 2),
    ("rw_deinterleaved", 3, 3),
    ("c2_pointers", 3, 4),
    ("isrc", 3, 5),
    ("upc", 3, 6),
    ("read_bar_code", 3, 7),
    ("lock", 4, 0),
    ("lock_state", 4, 1),
    ("prevent_jumper", 4, 2),
    ("eject", 4, 3),
    ("separate_volume_levels", 5, 0),
    ("separate_channel_mute", 5, 1),
    ("changer_disc_present", 5, 2),
    ("software_slot_selection", 5, 3),
    ("side_change", 5, 4),
    ("rw_in_lead_in", 5, 5),
    ("bckf", 15, 1),
    ("rck", 15, 2),
    ("lsbf", 15, 3),
)


@dataclass(frozen=True, slots=True)
class CapabilitiesPage(_Page):
    """Page 2Ah, MM Capabilities and Mechanical Status (MMC-3 6.3.11, kept by MMC-5 as
    the legacy capabilities page). Speeds in kB/s (1000 bytes per second), buffer size in
    KiB. ``current_write_speed`` is the obsolete field of bytes 20-21 (MMC-2),
    ``current_write_speed_selected`` the one of bytes 28-29 (MMC-3).

    Raises:
        ValueError: a field does not fit its width, or more than 0xFFFF descriptors.
    """

    PAGE_CODE: ClassVar[int] = 0x2A
    NAME: ClassVar[str] = "MM Capabilities and Mechanical Status"
    _FIXED: ClassVar[int] = 30

    cd_r_read: bool = False
    cd_rw_read: bool = False
    method2: bool = False
    dvd_rom_read: bool = False
    dvd_r_read: bool = False
    dvd_ram_read: bool = False
    cd_r_write: bool = False
    cd_rw_write: bool = False
    test_write: bool = False
    dvd_r_write: bool = False
    dvd_ram_write: bool = False
    audio_play: bool = False
    composite: bool = False
    digital_port_1: bool = False
    digital_port_2: bool = False
    mode2_form1: bool = False
    mode2_form2: bool = False
    multi_session: bool = False
    buf: bool = False
    cdda_commands: bool = False
    cdda_stream_accurate: bool = False
    rw_supported: bool = False
    rw_deinterleaved: bool = False
    c2_pointers: bool = False
    isrc: bool = False
    upc: bool = False
    read_bar_code: bool = False
    lock: bool = False
    lock_state: bool = False
    prevent_jumper: bool = False
    eject: bool = False
    loading_mechanism: int = LoadingMechanism.TRAY
    separate_volume_levels: bool = False
    separate_channel_mute: bool = False
    changer_disc_present: bool = False
    software_slot_selection: bool = False
    side_change: bool = False
    rw_in_lead_in: bool = False
    max_read_speed: int = 0
    volume_levels: int = 0
    buffer_size: int = 0
    current_read_speed: int = 0
    digital_length: int = 0
    bckf: bool = False
    rck: bool = False
    lsbf: bool = False
    max_write_speed: int = 0
    current_write_speed: int = 0
    copy_management_revision: int = 0
    rotation_control_selected: int = RotationControl.CLV
    current_write_speed_selected: int = 0
    write_speed_descriptors: tuple[WriteSpeedDescriptor, ...] = ()
    ps: bool = False
    page_length: int | None = None
    trailing: bytes = b""

    def __post_init__(self) -> None:
        _check_bits("loading_mechanism", self.loading_mechanism, 3)
        _check_bits("digital_length", self.digital_length, 2)
        _check_bits("rotation_control_selected", self.rotation_control_selected, 2)
        for name in (
            "max_read_speed",
            "volume_levels",
            "buffer_size",
            "current_read_speed",
            "max_write_speed",
            "current_write_speed",
            "copy_management_revision",
            "current_write_speed_selected",
        ):
            _check_bits(name, getattr(self, name), 16)
        object.__setattr__(self, "write_speed_descriptors", tuple(self.write_speed_descriptors))
        if len(self.write_speed_descriptors) > 56:  # 30 + 4n must fit the 1-byte page length
            raise ValueError("at most 56 write speed descriptors fit page 2Ah")
        self._finish()

    @property
    def write_speeds(self) -> tuple[int, ...]:
        """The write speeds of the descriptors, kB/s, in the drive's order."""
        return tuple(d.write_speed for d in self.write_speed_descriptors)

    def _layout(self) -> bytes:
        out = bytearray(self._FIXED)
        for name, offset, bit in _CAP_BITS:
            if getattr(self, name):
                out[offset] |= 1 << bit
        out[4] |= self.loading_mechanism << 5
        out[15] |= self.digital_length << 4
        out[6:8] = self.max_read_speed.to_bytes(2, "big")
        out[8:10] = self.volume_levels.to_bytes(2, "big")
        out[10:12] = self.buffer_size.to_bytes(2, "big")
        out[12:14] = self.current_read_speed.to_bytes(2, "big")
        out[16:18] = self.max_write_speed.to_bytes(2, "big")
        out[18:20] = self.current_write_speed.to_bytes(2, "big")
        out[20:22] = self.copy_management_revision.to_bytes(2, "big")
        out[25] = self.rotation_control_selected
        out[26:28] = self.current_write_speed_selected.to_bytes(2, "big")
        out[28:30] = len(self.write_speed_descriptors).to_bytes(2, "big")
        return bytes(out) + b"".join(d.to_bytes() for d in self.write_speed_descriptors)

    @classmethod
    def from_bytes(cls, data: bytes) -> CapabilitiesPage:
        """Parse page 2Ah of any MMC revision (0x12, 0x14, 0x18 or 0x1C+ bytes long).

        Only the descriptors the page actually holds are read, even when the count field
        promises more (truncated answers).

        Raises:
            MalformedData: not page 2Ah, or fewer than 2 bytes.
        """
        ps, declared, b, rest = cls._split(data, cls._FIXED)
        count = int.from_bytes(b[28:30], "big")
        fit = min(count, len(rest) // 4)
        descriptors = tuple(WriteSpeedDescriptor.from_bytes(rest[4 * i : 4 * i + 4]) for i in range(fit))
        flags = {name: _flag(b[offset], bit) for name, offset, bit in _CAP_BITS}
        return cls(
            **flags,
            loading_mechanism=b[4] >> 5,
            digital_length=b[15] >> 4 & 0x03,
            max_read_speed=int.from_bytes(b[6:8], "big"),
            volume_levels=int.from_bytes(b[8:10], "big"),
            buffer_size=int.from_bytes(b[10:12], "big"),
            current_read_speed=int.from_bytes(b[12:14], "big"),
            max_write_speed=int.from_bytes(b[16:18], "big"),
            current_write_speed=int.from_bytes(b[18:20], "big"),
            copy_management_revision=int.from_bytes(b[20:22], "big"),
            rotation_control_selected=b[25] & 0x03,
            current_write_speed_selected=int.from_bytes(b[26:28], "big"),
            write_speed_descriptors=descriptors,
            ps=ps,
            page_length=declared,
            trailing=rest[4 * fit :],
        )


@dataclass(frozen=True, slots=True)
class ModePage:
    """Any mode page kept as bytes: vendor pages, sub-pages, pages without a layout here.

    ``data`` is the page body after its header (2 bytes, or 4 for a sub-page when
    ``subpage`` is not None). ``page_length`` is the length the page declares; it may
    exceed ``len(data)`` when the answer was truncated, and ``to_bytes()`` then gives
    back exactly the truncated bytes.

    Raises:
        ValueError: code not 6 bits, subpage not a byte, or a length that does not fit.
    """

    code: int
    data: bytes = b""
    ps: bool = False
    subpage: int | None = None
    page_length: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", bytes(self.data))
        _check_bits("page code", self.code, 6)
        if self.subpage is not None:
            _check_bits("subpage", self.subpage, 8)
        if self.page_length is None:
            object.__setattr__(self, "page_length", len(self.data))
        assert self.page_length is not None
        _check_bits("page length", self.page_length, 8 if self.subpage is None else 16)
        if self.page_length < len(self.data):
            raise ValueError("page data longer than the page length")

    @property
    def name(self) -> str:
        return f"mode page {self.code:02X}h" + (f"/{self.subpage:02X}h" if self.subpage is not None else "")

    def to_bytes(self) -> bytes:
        """The page with its header."""
        length = self.page_length if self.page_length is not None else len(self.data)
        byte0 = (0x80 if self.ps else 0) | self.code
        if self.subpage is None:
            return bytes([byte0, length]) + self.data
        return bytes([byte0 | 0x40, self.subpage]) + length.to_bytes(2, "big") + self.data

    @classmethod
    def from_bytes(cls, data: bytes) -> ModePage:
        """Parse any page; a truncated page keeps what is there.

        Raises:
            MalformedData: shorter than its header.
        """
        data = bytes(data)
        if len(data) < 2 or (data[0] & 0x40 and len(data) < 4):
            raise MalformedData("mode page shorter than its header")
        ps = bool(data[0] & 0x80)
        if data[0] & 0x40:
            length = int.from_bytes(data[2:4], "big")
            return cls(data[0] & 0x3F, data[4 : 4 + length], ps, data[1], length)
        return cls(data[0] & 0x3F, data[2 : 2 + data[1]], ps, None, data[1])


AnyModePage: TypeAlias = (
    ReadWriteErrorRecoveryPage | WriteParametersPage | PowerConditionPage | CapabilitiesPage | ModePage
)

#: page code -> class, for the pages with a layout here (page_0 format only).
_KnownPage: TypeAlias = ReadWriteErrorRecoveryPage | WriteParametersPage | PowerConditionPage | CapabilitiesPage
PAGE_TYPES: dict[int, type[_KnownPage]] = {
    cls.PAGE_CODE: cls
    for cls in (ReadWriteErrorRecoveryPage, WriteParametersPage, PowerConditionPage, CapabilitiesPage)
}


def parse_mode_page(data: bytes, offset: int = 0) -> tuple[AnyModePage, int]:
    """Parse one page at ``offset``; return it and the offset just after it.

    A page with a layout here becomes its class, any other page a :class:`ModePage`. A
    page cut short by the end of ``data`` is parsed from what is there.

    Raises:
        MalformedData: fewer than 2 bytes left at ``offset``.
    """
    data = bytes(data)
    if offset + 2 > len(data):
        raise MalformedData(f"no mode page header at offset {offset}")
    byte0 = data[offset]
    if byte0 & 0x40:
        if offset + 4 > len(data):
            raise MalformedData(f"sub-page header cut short at offset {offset}")
        end = offset + 4 + int.from_bytes(data[offset + 2 : offset + 4], "big")
        return ModePage.from_bytes(data[offset:end]), end
    end = offset + 2 + data[offset + 1]
    cls = PAGE_TYPES.get(byte0 & 0x3F)
    chunk = data[offset:end]
    page: AnyModePage = cls.from_bytes(chunk) if cls is not None else ModePage.from_bytes(chunk)
    return page, end
