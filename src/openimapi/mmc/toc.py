"""READ TOC/PMA/ATIP (43h, MMC-6 6.26): formats 0 (formatted TOC), 1 (multi-session
information), 2 (full/raw TOC), 4 (ATIP) and 5 (CD-TEXT packs, kept raw).

Addresses are kept as LBAs in every decoded value; ``msf=True`` only chooses how format
0 and 1 answers put them on the wire (``00 M S F`` instead of a signed LBA), which the
answer itself does not say, so it is given to ``from_bytes``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar

from openimapi.mmc._binfields import check_bool, check_uint, get_u, put_u, require_length, reserved_zero
from openimapi.mmc.codec import InvalidCdbField, MalformedData, check_cdb, register
from openimapi.mmc.command import DEFAULT_TIMEOUT, Command
from openimapi.mmc.msf import Msf, lba_to_msf, msf_to_lba

__all__ = [
    "LEAD_OUT_TRACK",
    "Atip",
    "CdTextPacks",
    "FullToc",
    "RawTocEntry",
    "ReadToc",
    "SessionInfo",
    "Toc",
    "TocEntry",
    "TocFormat",
    "cd_text_crc",
]

#: Track number of the lead-out in a formatted TOC.
LEAD_OUT_TRACK = 0xAA


class TocFormat(enum.IntEnum):
    """The Format field of READ TOC/PMA/ATIP."""

    TOC = 0
    SESSION_INFO = 1
    FULL_TOC = 2
    PMA = 3
    ATIP = 4
    CD_TEXT = 5


@register
@dataclass(frozen=True, slots=True)
class ReadToc:
    """READ TOC/PMA/ATIP CDB: MSF bit, format, track/session number, allocation length.

    ``from_cdb`` also reads the format from bits 7-6 of the control byte, where SFF-8020
    hosts put it, when byte 2 holds format 0.

    Raises:
        ValueError: a field out of range (formats above 5 are reserved).
    """

    OPCODE: ClassVar[int] = 0x43
    NAME: ClassVar[str] = "READ TOC/PMA/ATIP"

    format: TocFormat | int = TocFormat.TOC
    msf: bool = False
    track_session: int = 0
    allocation_length: int = 0xFFFE

    def __post_init__(self) -> None:
        if self.format not in range(6):
            raise ValueError(f"READ TOC format {self.format} is reserved")
        object.__setattr__(self, "format", TocFormat(self.format))
        check_bool("msf", self.msf)
        check_uint("track_session", self.track_session, 8)
        check_uint("allocation_length", self.allocation_length, 16)

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        cdb = bytearray(10)
        cdb[0] = self.OPCODE
        cdb[1] = int(self.msf) << 1
        cdb[2] = int(self.format)
        cdb[6] = self.track_session
        put_u(cdb, 7, 2, self.allocation_length)
        return Command(bytes(cdb), data_in_length=self.allocation_length, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> ReadToc:
        """Parse the CDB strictly.

        Raises:
            InvalidCdbField: wrong opcode/length, reserved bits, or a reserved format.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 10)
        reserved_zero(cdb, 1, 0xFD)
        reserved_zero(cdb, 2, 0xF0)
        for byte in (3, 4, 5):
            reserved_zero(cdb, byte)
        fmt = cdb[2] & 0x0F or cdb[9] >> 6
        if fmt > 5:
            raise InvalidCdbField(f"READ TOC format {fmt} is reserved", byte=2, bit=3)
        return cls(fmt, bool(cdb[1] & 2), cdb[6], get_u(cdb, 7, 2))


def _put_address(buf: bytearray, offset: int, lba: int, msf: bool) -> None:
    if msf:
        buf[offset : offset + 4] = b"\0" + lba_to_msf(lba).to_bytes()
    else:
        put_u(buf, offset, 4, lba & 0xFFFFFFFF)


def _get_address(data: bytes, offset: int, msf: bool) -> int:
    if msf:
        return msf_to_lba((data[offset + 1], data[offset + 2], data[offset + 3]))
    value = get_u(data, offset, 4)
    return value - (1 << 32) if value >= 1 << 31 else value


def _check_lba(lba: int, msf: bool) -> None:
    if msf:
        lba_to_msf(lba)
    elif not -(1 << 31) <= lba < 1 << 31:
        raise ValueError(f"address {lba} does not fit 32 bits")


@dataclass(frozen=True, slots=True)
class TocEntry:
    """A track descriptor of a formatted TOC: track (AAh = lead-out), ADR, CONTROL and
    the start address as an LBA.

    Raises:
        ValueError: a field out of range.
    """

    track: int
    address: int
    adr: int = 1
    control: int = 4

    def __post_init__(self) -> None:
        check_uint("track", self.track, 8)
        check_uint("adr", self.adr, 4)
        check_uint("control", self.control, 4)
        _check_lba(self.address, False)

    @property
    def is_data(self) -> bool:
        """CONTROL bit 2: a data track (else audio)."""
        return bool(self.control & 4)


@dataclass(frozen=True, slots=True)
class Toc:
    """Format 0 answer: first and last track numbers and the track descriptors (the
    lead-out last).

    Raises:
        ValueError: a field out of range, or an address without an MSF form when ``msf``.
    """

    first_track: int
    last_track: int
    entries: tuple[TocEntry, ...] = ()
    msf: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "entries", tuple(self.entries))
        check_uint("first_track", self.first_track, 8)
        check_uint("last_track", self.last_track, 8)
        check_bool("msf", self.msf)
        if len(self.entries) * 8 + 2 > 0xFFFF:
            raise ValueError("too many TOC entries")
        for entry in self.entries:
            _check_lba(entry.address, self.msf)

    @property
    def lead_out(self) -> int | None:
        """Start LBA of the lead-out (track AAh), or None."""
        for entry in self.entries:
            if entry.track == LEAD_OUT_TRACK:
                return entry.address
        return None

    @property
    def tracks(self) -> tuple[TocEntry, ...]:
        """The descriptors of real tracks (lead-out excluded)."""
        return tuple(e for e in self.entries if e.track != LEAD_OUT_TRACK)

    def to_bytes(self) -> bytes:
        buf = bytearray(4 + 8 * len(self.entries))
        put_u(buf, 0, 2, len(buf) - 2)
        buf[2], buf[3] = self.first_track, self.last_track
        for i, entry in enumerate(self.entries):
            o = 4 + 8 * i
            buf[o + 1] = entry.adr << 4 | entry.control
            buf[o + 2] = entry.track
            _put_address(buf, o + 4, entry.address, self.msf)
        return bytes(buf)

    @classmethod
    def from_bytes(cls, data: bytes, msf: bool = False) -> Toc:
        """Decode; descriptors cut off by the allocation length are dropped.

        Raises:
            MalformedData: fewer than 4 bytes, or an invalid MSF address.
        """
        data = require_length(data, 4, "TOC")
        end = min(len(data), get_u(data, 0, 2) + 2)
        try:
            entries = tuple(
                TocEntry(data[o + 2], _get_address(data, o + 4, msf), data[o + 1] >> 4, data[o + 1] & 0x0F)
                for o in range(4, end - 7, 8)
            )
            return cls(data[2], data[3], entries, msf)
        except ValueError as exc:
            raise MalformedData(f"TOC: {exc}") from exc


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """Format 1 answer: first and last complete session numbers, and the first track of
    the last complete session with its ADR, CONTROL and start address (LBA).

    Raises:
        ValueError: a field out of range.
    """

    first_session: int = 1
    last_session: int = 1
    first_track_last_session: int = 1
    start_address: int = 0
    adr: int = 1
    control: int = 4
    msf: bool = False

    def __post_init__(self) -> None:
        for name in ("first_session", "last_session", "first_track_last_session"):
            check_uint(name, getattr(self, name), 8)
        check_uint("adr", self.adr, 4)
        check_uint("control", self.control, 4)
        check_bool("msf", self.msf)
        _check_lba(self.start_address, self.msf)

    def to_bytes(self) -> bytes:
        buf = bytearray(12)
        put_u(buf, 0, 2, 10)
        buf[2], buf[3] = self.first_session, self.last_session
        buf[5] = self.adr << 4 | self.control
        buf[6] = self.first_track_last_session
        _put_address(buf, 8, self.start_address, self.msf)
        return bytes(buf)

    @classmethod
    def from_bytes(cls, data: bytes, msf: bool = False) -> SessionInfo:
        """Decode the 12-byte answer.

        Raises:
            MalformedData: fewer than 12 bytes, or an invalid MSF address.
        """
        data = require_length(data, 12, "session information")
        try:
            return cls(data[2], data[3], data[6], _get_address(data, 8, msf), data[5] >> 4, data[5] & 0x0F, msf)
        except ValueError as exc:
            raise MalformedData(f"session information: {exc}") from exc


@dataclass(frozen=True, slots=True)
class RawTocEntry:
    """An 11-byte descriptor of the full TOC (Q sub-channel of the lead-in), values in
    binary: session, ADR, CONTROL, TNO, POINT, MIN/SEC/FRAME, ZERO, PMIN/PSEC/PFRAME.

    POINT 01h-63h: track start at PMIN:PSEC:PFRAME; A0h: PMIN first track, PSEC disc type;
    A1h: PMIN last track; A2h: lead-out start; B0h (ADR 5): next possible program area
    start in MIN:SEC:FRAME, number of mode-5 pointers in ZERO, maximum lead-out start in
    PMIN:PSEC:PFRAME; C0h (ADR 5): MIN = ATIP writing power byte, PMIN:PSEC:PFRAME = start
    of the first lead-in.

    Raises:
        ValueError: a field out of range.
    """

    session: int
    point: int
    adr: int = 1
    control: int = 4
    tno: int = 0
    min: int = 0
    sec: int = 0
    frame: int = 0
    zero: int = 0
    pmin: int = 0
    psec: int = 0
    pframe: int = 0

    def __post_init__(self) -> None:
        for name in ("session", "point", "tno", "min", "sec", "frame", "zero", "pmin", "psec", "pframe"):
            check_uint(name, getattr(self, name), 8)
        check_uint("adr", self.adr, 4)
        check_uint("control", self.control, 4)

    @property
    def p_lba(self) -> int:
        """PMIN:PSEC:PFRAME as an LBA.

        Raises:
            ValueError: the three bytes are not a valid time.
        """
        return msf_to_lba((self.pmin, self.psec, self.pframe))

    def to_bytes(self) -> bytes:
        return bytes((self.session, self.adr << 4 | self.control, self.tno, self.point, self.min, self.sec,
                      self.frame, self.zero, self.pmin, self.psec, self.pframe))

    @classmethod
    def point_time(cls, session: int, point: int, lba: int, adr: int = 1, control: int = 4) -> RawTocEntry:
        """A descriptor whose PMIN:PSEC:PFRAME is ``lba`` (track starts, A2h).

        Raises:
            ValueError: ``lba`` has no MSF form, or a field is out of range.
        """
        t = lba_to_msf(lba)
        return cls(session, point, adr, control, pmin=t.minute, psec=t.second, pframe=t.frame)


@dataclass(frozen=True, slots=True)
class FullToc:
    """Format 2 answer: first and last complete session and the raw descriptors.

    Raises:
        ValueError: a field out of range.
    """

    first_session: int
    last_session: int
    entries: tuple[RawTocEntry, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "entries", tuple(self.entries))
        check_uint("first_session", self.first_session, 8)
        check_uint("last_session", self.last_session, 8)
        if 2 + 11 * len(self.entries) > 0xFFFF:
            raise ValueError("too many full TOC entries")

    @classmethod
    def from_toc(cls, toc: Toc, session: int = 1, disc_type: int = 0x00) -> FullToc:
        """The raw TOC of a single-session disc from its formatted TOC: A0h (first track,
        disc type 00h CD-DA/CD-ROM, 10h CD-I, 20h CD-ROM XA), A1h (last track), A2h (lead-out),
        then one descriptor per track, as drives list them.

        Raises:
            ValueError: the TOC has no tracks or no lead-out, or a field is out of range.
        """
        tracks, lead_out = toc.tracks, toc.lead_out
        if not tracks or lead_out is None:
            raise ValueError("a full TOC needs tracks and a lead-out")
        first, last = tracks[0], tracks[-1]
        entries = [
            RawTocEntry(session, 0xA0, first.adr, first.control, pmin=toc.first_track, psec=disc_type),
            RawTocEntry(session, 0xA1, last.adr, last.control, pmin=toc.last_track),
            RawTocEntry.point_time(session, 0xA2, lead_out, last.adr, last.control),
        ]
        entries += [RawTocEntry.point_time(session, t.track, t.address, t.adr, t.control) for t in tracks]
        return cls(session, session, tuple(entries))

    def point(self, point: int, session: int | None = None) -> RawTocEntry | None:
        """The first descriptor with this POINT (in ``session`` when given)."""
        for entry in self.entries:
            if entry.point == point and (session is None or entry.session == session):
                return entry
        return None

    def to_bytes(self) -> bytes:
        body = b"".join(e.to_bytes() for e in self.entries)
        return (len(body) + 2).to_bytes(2, "big") + bytes((self.first_session, self.last_session)) + body

    @classmethod
    def from_bytes(cls, data: bytes) -> FullToc:
        """Decode; a descriptor cut off by the allocation length is dropped.

        Raises:
            MalformedData: fewer than 4 bytes.
        """
        data = require_length(data, 4, "full TOC")
        end = min(len(data), get_u(data, 0, 2) + 2)
        entries = tuple(
            RawTocEntry(data[o], data[o + 3], data[o + 1] >> 4, data[o + 1] & 0x0F, data[o + 2], *data[o + 4 : o + 11])
            for o in range(4, end - 10, 11)
        )
        return cls(data[2], data[3], entries)


@dataclass(frozen=True, slots=True)
class Atip:
    """Format 4 answer, the ATIP of a CD-R/RW (MMC-6 table 496, Orange Book).

    ``a1``/``a2``/``a3`` are the raw 3-byte special-information values when their valid
    bit is set, else None.

    Raises:
        ValueError: a field out of range, or an A value not 3 bytes.
    """

    writing_power: int
    lead_in_start: Msf
    last_lead_out_start: Msf
    reference_speed: int = 0
    ddcd: bool = False
    unrestricted_use: bool = False
    erasable: bool = False
    disc_subtype: int = 0
    a1: bytes | None = None
    a2: bytes | None = None
    a3: bytes | None = None

    LENGTH: ClassVar[int] = 28

    def __post_init__(self) -> None:
        check_uint("writing_power", self.writing_power, 3)
        check_uint("reference_speed", self.reference_speed, 3)
        check_uint("disc_subtype", self.disc_subtype, 3)
        for name in ("ddcd", "unrestricted_use", "erasable"):
            check_bool(name, getattr(self, name))
        for name in ("a1", "a2", "a3"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, bytes(value))
                if len(value) != 3:
                    raise ValueError(f"{name} is 3 bytes")
        if not isinstance(self.lead_in_start, Msf) or not isinstance(self.last_lead_out_start, Msf):
            raise ValueError("lead-in and lead-out times are Msf values")

    @property
    def lead_in_lba(self) -> int:
        """ATIP start time of lead-in as an LBA (negative)."""
        return self.lead_in_start.to_lba()

    @property
    def last_lead_out_lba(self) -> int:
        """Last possible start time of lead-out as an LBA."""
        return self.last_lead_out_start.to_lba()

    @property
    def short_strategy(self) -> bool:
        """Orange Book: a lead-in frame ending in 5-9 marks short-strategy (e.g.
        phthalocyanine) dye, 0-4 long-strategy (cyanine, azo)."""
        return self.lead_in_start.frame % 10 >= 5

    def to_bytes(self) -> bytes:
        buf = bytearray(self.LENGTH)
        put_u(buf, 0, 2, self.LENGTH - 2)
        buf[4] = 0x80 | self.writing_power << 4 | int(self.ddcd) << 3 | self.reference_speed
        buf[5] = int(self.unrestricted_use) << 6
        buf[6] = (0x80 | int(self.erasable) << 6 | self.disc_subtype << 3 | int(self.a1 is not None) << 2
                  | int(self.a2 is not None) << 1 | int(self.a3 is not None))
        buf[8:11] = self.lead_in_start.to_bytes()
        buf[12:15] = self.last_lead_out_start.to_bytes()
        for offset, value in ((16, self.a1), (20, self.a2), (24, self.a3)):
            if value is not None:
                buf[offset : offset + 3] = value
        return bytes(buf)

    @classmethod
    def from_bytes(cls, data: bytes) -> Atip:
        """Decode; A values beyond the bytes received read as absent.

        Raises:
            MalformedData: fewer than 15 bytes, or invalid lead-in/lead-out times.
        """
        data = require_length(data, 15, "ATIP")

        def special(offset: int, bit: int) -> bytes | None:
            if not data[6] & bit or len(data) < offset + 3:
                return None
            return data[offset : offset + 3]

        try:
            return cls(
                writing_power=data[4] >> 4 & 7, lead_in_start=Msf(*data[8:11]),
                last_lead_out_start=Msf(*data[12:15]), reference_speed=data[4] & 7, ddcd=bool(data[4] & 8),
                unrestricted_use=bool(data[5] & 0x40), erasable=bool(data[6] & 0x40),
                disc_subtype=data[6] >> 3 & 7, a1=special(16, 4), a2=special(20, 2), a3=special(24, 1),
            )
        except ValueError as exc:
            raise MalformedData(f"ATIP: {exc}") from exc


def cd_text_crc(pack: bytes) -> int:
    """CRC of a CD-TEXT pack: CRC-16/CCITT (x^16 + x^12 + x^5 + 1, initial value 0) over
    the first 16 bytes, inverted; stored big-endian in bytes 16-17.

    Raises:
        ValueError: fewer than 16 bytes.
    """
    if len(pack) < 16:
        raise ValueError("a CD-TEXT pack has 16 bytes before its CRC")
    crc = 0
    for byte in pack[:16]:
        crc ^= byte << 8
        for _ in range(8):
            crc = (crc << 1 ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc ^ 0xFFFF


@dataclass(frozen=True, slots=True)
class CdTextPacks:
    """Format 5 answer: the CD-TEXT packs of the lead-in, each 18 bytes, kept raw.

    Raises:
        ValueError: a pack that is not 18 bytes, or too many packs.
    """

    packs: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "packs", tuple(bytes(p) for p in self.packs))
        if any(len(p) != 18 for p in self.packs):
            raise ValueError("CD-TEXT packs are 18 bytes")
        if 2 + 18 * len(self.packs) > 0xFFFF:
            raise ValueError("too many CD-TEXT packs")

    @staticmethod
    def seal(pack16: bytes) -> bytes:
        """An 18-byte pack from its first 16 bytes and their CRC.

        Raises:
            ValueError: not 16 bytes.
        """
        if len(pack16) != 16:
            raise ValueError("give the 16 bytes before the CRC")
        return bytes(pack16) + cd_text_crc(pack16).to_bytes(2, "big")

    def bad_crc(self) -> tuple[int, ...]:
        """Indexes of the packs whose stored CRC is wrong."""
        return tuple(i for i, p in enumerate(self.packs) if cd_text_crc(p) != get_u(p, 16, 2))

    def to_bytes(self) -> bytes:
        body = b"".join(self.packs)
        return (len(body) + 2).to_bytes(2, "big") + bytes(2) + body

    @classmethod
    def from_bytes(cls, data: bytes) -> CdTextPacks:
        """Decode; a pack cut off by the allocation length is dropped.

        Raises:
            MalformedData: fewer than 4 bytes.
        """
        data = require_length(data, 4, "CD-TEXT")
        end = min(len(data), get_u(data, 0, 2) + 2)
        return cls(tuple(data[o : o + 18] for o in range(4, end - 17, 18)))
