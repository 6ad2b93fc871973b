"""Disc and track state: READ DISC INFORMATION (51h), READ TRACK INFORMATION (52h),
READ CAPACITY (25h) and READ FORMAT CAPACITIES (23h) (MMC-6 6.22-6.27).

Answers are built by a device with ``to_bytes()`` (the whole structure; the device cuts it
to the allocation length) and read by a host with ``from_bytes()``, which accepts the
truncated answers real drives send for short allocation lengths: missing trailing fields
read as zero, and ``structure_length`` keeps the length the drive reported so that the
same bytes can be built again.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar

from openimapi.mmc._binfields import check_bool, check_uint, get_u, pad_to, put_u, require_length, reserved_zero
from openimapi.mmc.codec import InvalidCdbField, MalformedData, check_cdb, register
from openimapi.mmc.command import DEFAULT_TIMEOUT, Command
from openimapi.mmc.msf import Msf

__all__ = [
    "AddressType",
    "CapacityDescriptor",
    "DescriptorType",
    "DiscInformation",
    "DiscStatus",
    "FormatCapacities",
    "FormattableDescriptor",
    "OpcEntry",
    "PowResources",
    "ReadCapacity",
    "ReadCapacityData",
    "ReadDiscInformation",
    "ReadFormatCapacities",
    "ReadTrackInformation",
    "SessionState",
    "TrackInformation",
    "TrackResources",
]


def _cdb10(opcode: int) -> bytearray:
    cdb = bytearray(10)
    cdb[0] = opcode
    return cdb


# --- READ DISC INFORMATION ------------------------------------------------------------


class DiscStatus(enum.IntEnum):
    """Disc Status (byte 2, bits 1-0)."""

    EMPTY = 0
    INCOMPLETE = 1  # appendable
    COMPLETE = 2
    OTHER = 3  # random-access media: DVD-RAM, DVD+RW, BD-RE, formatted DVD-RW


class SessionState(enum.IntEnum):
    """State of Last Session (byte 2, bits 3-2)."""

    EMPTY = 0
    INCOMPLETE = 1
    DAMAGED = 2  # reserved/damaged
    COMPLETE = 3


@register
@dataclass(frozen=True, slots=True)
class ReadDiscInformation:
    """READ DISC INFORMATION CDB: data type (0 standard, 1 track resources, 2 POW
    resources) and allocation length.

    Raises:
        ValueError: a field out of range.
    """

    OPCODE: ClassVar[int] = 0x51
    NAME: ClassVar[str] = "READ DISC INFORMATION"

    data_type: int = 0
    allocation_length: int = 34

    def __post_init__(self) -> None:
        check_uint("data_type", self.data_type, 3)
        check_uint("allocation_length", self.allocation_length, 16)

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        cdb = _cdb10(self.OPCODE)
        cdb[1] = self.data_type
        put_u(cdb, 7, 2, self.allocation_length)
        return Command(bytes(cdb), data_in_length=self.allocation_length, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> ReadDiscInformation:
        """Parse the CDB strictly.

        Raises:
            InvalidCdbField: wrong opcode/length or a reserved bit set.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 10)
        reserved_zero(cdb, 1, 0xF8)
        for byte in range(2, 7):
            reserved_zero(cdb, byte)
        return cls(cdb[1] & 7, get_u(cdb, 7, 2))


@dataclass(frozen=True, slots=True)
class OpcEntry:
    """One OPC table entry: speed in kB/s and 6 bytes of OPC values."""

    speed: int
    values: bytes = bytes(6)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", bytes(self.values))
        check_uint("speed", self.speed, 16)
        if len(self.values) != 6:
            raise ValueError("OPC values are 6 bytes")


@dataclass(frozen=True, slots=True)
class DiscInformation:
    """Standard Disc Information (data type 000b).

    ``last_session_lead_in`` and ``last_possible_lead_out`` are the raw 4-byte fields:
    ``00 M S F`` on CD (see the ``*_msf`` properties), media-specific elsewhere. Counts
    above 255 (sessions, track numbers) use the MSB bytes 9-11 transparently.

    Raises:
        ValueError: a field out of range.
    """

    disc_status: DiscStatus | int = DiscStatus.EMPTY
    last_session_state: SessionState | int = SessionState.EMPTY
    erasable: bool = False
    first_track: int = 1
    sessions: int = 1
    first_track_last_session: int = 1
    last_track_last_session: int = 1
    did_valid: bool = False
    dbc_valid: bool = False
    unrestricted_use: bool = False
    dac_valid: bool = False
    legacy: bool = False
    bg_format_status: int = 0
    disc_type: int = 0x00
    disc_id: int = 0
    last_session_lead_in: int = 0
    last_possible_lead_out: int = 0
    bar_code: bytes = bytes(8)
    application_code: int = 0
    opc_table: tuple[OpcEntry, ...] = ()
    data_type: int = 0

    LENGTH: ClassVar[int] = 34

    def __post_init__(self) -> None:
        object.__setattr__(self, "disc_status", DiscStatus(self.disc_status))
        object.__setattr__(self, "last_session_state", SessionState(self.last_session_state))
        object.__setattr__(self, "bar_code", bytes(self.bar_code))
        object.__setattr__(self, "opc_table", tuple(self.opc_table))
        for name in ("erasable", "did_valid", "dbc_valid", "unrestricted_use", "dac_valid", "legacy"):
            check_bool(name, getattr(self, name))
        check_uint("first_track", self.first_track, 8)
        for name in ("sessions", "first_track_last_session", "last_track_last_session"):
            check_uint(name, getattr(self, name), 16)
        check_uint("bg_format_status", self.bg_format_status, 2)
        check_uint("disc_type", self.disc_type, 8)
        check_uint("disc_id", self.disc_id, 32)
        check_uint("last_session_lead_in", self.last_session_lead_in, 32)
        check_uint("last_possible_lead_out", self.last_possible_lead_out, 32)
        check_uint("application_code", self.application_code, 8)
        check_uint("data_type", self.data_type, 3)
        if len(self.bar_code) != 8:
            raise ValueError("the disc bar code is 8 bytes")
        if len(self.opc_table) > 255:
            raise ValueError("at most 255 OPC entries")

    @staticmethod
    def msf_field(msf: Msf | None) -> int:
        """The 4-byte ``00 M S F`` form of a CD time, for the lead-in/lead-out fields."""
        return 0 if msf is None else int.from_bytes(b"\0" + msf.to_bytes(), "big")

    @property
    def last_session_lead_in_msf(self) -> Msf | None:
        """The lead-in start of the last session as a CD time (None if not a valid MSF)."""
        return _msf_of(self.last_session_lead_in)

    @property
    def last_possible_lead_out_msf(self) -> Msf | None:
        """The last possible lead-out start as a CD time (None if not a valid MSF)."""
        return _msf_of(self.last_possible_lead_out)

    def to_bytes(self) -> bytes:
        buf = bytearray(self.LENGTH + 8 * len(self.opc_table))
        put_u(buf, 0, 2, len(buf) - 2)
        buf[2] = self.data_type << 5 | int(self.erasable) << 4 | int(self.last_session_state) << 2
        buf[2] |= int(self.disc_status)
        buf[3] = self.first_track
        buf[4], buf[9] = self.sessions & 0xFF, self.sessions >> 8
        buf[5], buf[10] = self.first_track_last_session & 0xFF, self.first_track_last_session >> 8
        buf[6], buf[11] = self.last_track_last_session & 0xFF, self.last_track_last_session >> 8
        buf[7] = (int(self.did_valid) << 7 | int(self.dbc_valid) << 6 | int(self.unrestricted_use) << 5
                  | int(self.dac_valid) << 4 | int(self.legacy) << 2 | self.bg_format_status)
        buf[8] = self.disc_type
        put_u(buf, 12, 4, self.disc_id)
        put_u(buf, 16, 4, self.last_session_lead_in)
        put_u(buf, 20, 4, self.last_possible_lead_out)
        buf[24:32] = self.bar_code
        buf[32] = self.application_code
        buf[33] = len(self.opc_table)
        for i, entry in enumerate(self.opc_table):
            put_u(buf, 34 + 8 * i, 2, entry.speed)
            buf[36 + 8 * i : 42 + 8 * i] = entry.values
        return bytes(buf)

    @classmethod
    def from_bytes(cls, data: bytes) -> DiscInformation:
        """Decode; an answer cut after byte 11 reads the missing fields as zero.

        Raises:
            MalformedData: fewer than 12 bytes, or a value MMC does not allow.
        """
        data = require_length(data, 12, "disc information")
        end = min(len(data), get_u(data, 0, 2) + 2)
        full = pad_to(data[:end], cls.LENGTH)
        count = full[33]
        opc = tuple(
            OpcEntry(get_u(full, 34 + 8 * i, 2), full[36 + 8 * i : 42 + 8 * i])
            for i in range(count)
            if 42 + 8 * i <= len(full)
        )
        try:
            return cls(
                disc_status=full[2] & 3, last_session_state=full[2] >> 2 & 3, erasable=bool(full[2] & 0x10),
                first_track=full[3], sessions=full[9] << 8 | full[4],
                first_track_last_session=full[10] << 8 | full[5], last_track_last_session=full[11] << 8 | full[6],
                did_valid=bool(full[7] & 0x80), dbc_valid=bool(full[7] & 0x40),
                unrestricted_use=bool(full[7] & 0x20), dac_valid=bool(full[7] & 0x10),
                legacy=bool(full[7] & 0x04), bg_format_status=full[7] & 3, disc_type=full[8],
                disc_id=get_u(full, 12, 4), last_session_lead_in=get_u(full, 16, 4),
                last_possible_lead_out=get_u(full, 20, 4), bar_code=full[24:32], application_code=full[32],
                opc_table=opc, data_type=full[2] >> 5,
            )
        except ValueError as exc:
            raise MalformedData(f"disc information: {exc}") from exc


@dataclass(frozen=True, slots=True)
class TrackResources:
    """Disc information data type 001b, track resources: maximum possible number of
    tracks on the disc, number of assigned tracks, maximum and current number of
    appendable tracks.

    Raises:
        ValueError: a field out of range.
    """

    max_tracks: int = 99
    assigned_tracks: int = 0
    max_appendable_tracks: int = 99
    appendable_tracks: int = 99

    def __post_init__(self) -> None:
        for name in ("max_tracks", "assigned_tracks", "max_appendable_tracks", "appendable_tracks"):
            check_uint(name, getattr(self, name), 16)

    def to_bytes(self) -> bytes:
        values = (self.max_tracks, self.assigned_tracks, self.max_appendable_tracks, self.appendable_tracks)
        return bytes((0, 10, 1 << 5, 0)) + b"".join(v.to_bytes(2, "big") for v in values)

    @classmethod
    def from_bytes(cls, data: bytes) -> TrackResources:
        """Decode the 12-byte answer.

        Raises:
            MalformedData: fewer than 12 bytes, or another data type.
        """
        data = require_length(data, 12, "track resources")
        if data[2] >> 5 != 1:
            raise MalformedData(f"disc information data type {data[2] >> 5}, expected 1 (track resources)")
        return cls(*(get_u(data, o, 2) for o in (4, 6, 8, 10)))


@dataclass(frozen=True, slots=True)
class PowResources:
    """Disc information data type 010b, BD-R pseudo-overwrite resources: remaining POW
    replacements, remaining POW reallocation map entries, remaining POW updates.

    Raises:
        ValueError: a field out of range.
    """

    replacements: int = 0
    map_entries: int = 0
    updates: int = 0

    def __post_init__(self) -> None:
        for name in ("replacements", "map_entries", "updates"):
            check_uint(name, getattr(self, name), 32)

    def to_bytes(self) -> bytes:
        values = (self.replacements, self.map_entries, self.updates)
        return bytes((0, 14, 2 << 5, 0)) + b"".join(v.to_bytes(4, "big") for v in values)

    @classmethod
    def from_bytes(cls, data: bytes) -> PowResources:
        """Decode the 16-byte answer.

        Raises:
            MalformedData: fewer than 16 bytes, or another data type.
        """
        data = require_length(data, 16, "POW resources")
        if data[2] >> 5 != 2:
            raise MalformedData(f"disc information data type {data[2] >> 5}, expected 2 (POW resources)")
        return cls(get_u(data, 4, 4), get_u(data, 8, 4), get_u(data, 12, 4))


def _msf_of(value: int) -> Msf | None:
    m, s, f = value >> 16 & 0xFF, value >> 8 & 0xFF, value & 0xFF
    if value >> 24 or m > 99 or s > 59 or f > 74:
        return None
    return Msf(m, s, f)


# --- READ TRACK INFORMATION -----------------------------------------------------------


class AddressType(enum.IntEnum):
    """Address/Number Type of READ TRACK INFORMATION (IMAPI_READ_TRACK_ADDRESS_TYPE)."""

    LBA = 0
    TRACK = 1
    SESSION = 2


@register
@dataclass(frozen=True, slots=True)
class ReadTrackInformation:
    """READ TRACK INFORMATION CDB: Open bit, address type, LBA/track/session number.

    ``address`` is a signed LBA for :attr:`AddressType.LBA` (two's complement in the CDB)
    and a track or session number otherwise (track 0 is the lead-in, FFh the invisible
    track on CD).

    Raises:
        ValueError: a field out of range.
    """

    OPCODE: ClassVar[int] = 0x52
    NAME: ClassVar[str] = "READ TRACK INFORMATION"

    address_type: AddressType | int = AddressType.TRACK
    address: int = 1
    open: bool = False
    allocation_length: int = 48

    def __post_init__(self) -> None:
        object.__setattr__(self, "address_type", AddressType(self.address_type))
        check_bool("open", self.open)
        if self.address_type is AddressType.LBA:
            if not -(1 << 31) <= self.address < (1 << 31):
                raise ValueError(f"LBA {self.address} does not fit 32 bits")
        else:
            check_uint("address", self.address, 32)
        check_uint("allocation_length", self.allocation_length, 16)

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        cdb = _cdb10(self.OPCODE)
        cdb[1] = int(self.open) << 2 | int(self.address_type)
        put_u(cdb, 2, 4, self.address & 0xFFFFFFFF)
        put_u(cdb, 7, 2, self.allocation_length)
        return Command(bytes(cdb), data_in_length=self.allocation_length, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> ReadTrackInformation:
        """Parse the CDB strictly.

        Raises:
            InvalidCdbField: wrong opcode/length, reserved bits, or address type 3.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 10)
        reserved_zero(cdb, 1, 0xF8)
        reserved_zero(cdb, 6)
        if cdb[1] & 3 == 3:
            raise InvalidCdbField("address/number type 3 is reserved", byte=1, bit=1)
        address = get_u(cdb, 2, 4)
        if cdb[1] & 3 == AddressType.LBA and address >= 1 << 31:
            address -= 1 << 32
        return cls(cdb[1] & 3, address, bool(cdb[1] & 4), get_u(cdb, 7, 2))


@dataclass(frozen=True, slots=True)
class TrackInformation:
    """Track Information (MMC-6 table 526, 48 bytes; older drives send 36).

    ``structure_length`` is the total length the device sends (the Data Length field
    plus 2): 48 per MMC-6, 36 for MMC-4/5 drives; fields beyond it must be zero.

    Raises:
        ValueError: a field out of range or beyond ``structure_length``.
    """

    track: int = 1
    session: int = 1
    damage: bool = False
    copy: bool = False
    track_mode: int = 4
    rt: bool = False
    blank: bool = True
    packet: bool = False
    fp: bool = False
    data_mode: int = 1
    lra_valid: bool = False
    nwa_valid: bool = False
    start_address: int = 0
    next_writable_address: int = 0
    free_blocks: int = 0
    fixed_packet_size: int = 0
    track_size: int = 0
    last_recorded_address: int = 0
    read_compatibility_lba: int = 0
    next_layer_jump_address: int = 0
    last_layer_jump_address: int = 0
    ljrs: int = 0
    structure_length: int = 48

    _UINT32: ClassVar[tuple[str, ...]] = (
        "start_address", "next_writable_address", "free_blocks", "fixed_packet_size", "track_size",
        "last_recorded_address", "read_compatibility_lba", "next_layer_jump_address", "last_layer_jump_address",
    )

    def __post_init__(self) -> None:
        check_uint("track", self.track, 16)
        check_uint("session", self.session, 16)
        for name in ("damage", "copy", "rt", "blank", "packet", "fp", "lra_valid", "nwa_valid"):
            check_bool(name, getattr(self, name))
        check_uint("track_mode", self.track_mode, 4)
        check_uint("data_mode", self.data_mode, 4)
        check_uint("ljrs", self.ljrs, 2)
        for name in self._UINT32:
            check_uint(name, getattr(self, name), 32)
        if not 28 <= self.structure_length <= 48 or self.structure_length % 2:
            raise ValueError("structure_length is an even number of bytes, 28..48")
        cut = self.structure_length
        late = {"read_compatibility_lba": 40, "next_layer_jump_address": 44, "last_layer_jump_address": 48}
        for name, end in late.items():
            if getattr(self, name) and cut < end:
                raise ValueError(f"{name} needs a {end}-byte structure")
        if (self.track > 0xFF or self.session > 0xFF) and cut < 34:
            raise ValueError("track or session numbers above 255 need a 34-byte structure")

    def to_bytes(self) -> bytes:
        buf = bytearray(48)
        put_u(buf, 0, 2, self.structure_length - 2)
        buf[2], buf[32] = self.track & 0xFF, self.track >> 8
        buf[3], buf[33] = self.session & 0xFF, self.session >> 8
        buf[5] = self.ljrs << 6 | int(self.damage) << 5 | int(self.copy) << 4 | self.track_mode
        buf[6] = int(self.rt) << 7 | int(self.blank) << 6 | int(self.packet) << 5 | int(self.fp) << 4 | self.data_mode
        buf[7] = int(self.lra_valid) << 1 | int(self.nwa_valid)
        for i, name in enumerate(self._UINT32[:6]):
            put_u(buf, 8 + 4 * i, 4, getattr(self, name))
        put_u(buf, 36, 4, self.read_compatibility_lba)
        put_u(buf, 40, 4, self.next_layer_jump_address)
        put_u(buf, 44, 4, self.last_layer_jump_address)
        return bytes(buf[: self.structure_length])

    @classmethod
    def from_bytes(cls, data: bytes) -> TrackInformation:
        """Decode; fields past the bytes received read as zero.

        Raises:
            MalformedData: fewer than 8 bytes.
        """
        data = require_length(data, 8, "track information")
        reported = get_u(data, 0, 2) + 2
        length = max(28, min(48, reported + reported % 2))
        full = pad_to(data[: min(len(data), reported)], 48)
        values = {name: get_u(full, 8 + 4 * i, 4) for i, name in enumerate(cls._UINT32[:6])}
        try:
            return cls(
                track=full[32] << 8 | full[2], session=full[33] << 8 | full[3],
                damage=bool(full[5] & 0x20), copy=bool(full[5] & 0x10), track_mode=full[5] & 0x0F,
                rt=bool(full[6] & 0x80), blank=bool(full[6] & 0x40), packet=bool(full[6] & 0x20),
                fp=bool(full[6] & 0x10), data_mode=full[6] & 0x0F, lra_valid=bool(full[7] & 2),
                nwa_valid=bool(full[7] & 1), read_compatibility_lba=get_u(full, 36, 4) if length >= 40 else 0,
                next_layer_jump_address=get_u(full, 40, 4) if length >= 44 else 0,
                last_layer_jump_address=get_u(full, 44, 4) if length >= 48 else 0,
                ljrs=full[5] >> 6, structure_length=length, **values,
            )
        except ValueError as exc:
            raise MalformedData(f"track information: {exc}") from exc


# --- READ CAPACITY --------------------------------------------------------------------


@register
@dataclass(frozen=True, slots=True)
class ReadCapacity:
    """READ CAPACITY CDB (MMC: no fields; the obsolete RelAdr/PMI/LBA must be zero)."""

    OPCODE: ClassVar[int] = 0x25
    NAME: ClassVar[str] = "READ CAPACITY"

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        return Command(bytes(_cdb10(self.OPCODE)), data_in_length=8, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> ReadCapacity:
        """Parse the CDB strictly.

        Raises:
            InvalidCdbField: wrong opcode/length, or RelAdr, LBA or PMI set.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 10)
        for byte in range(1, 9):
            reserved_zero(cdb, byte)
        return cls()


@dataclass(frozen=True, slots=True)
class ReadCapacityData:
    """READ CAPACITY answer: last logical block address and block length.

    On blank media drives report ``last_lba`` 0xFFFFFFFF or 0 (see :attr:`blocks`).

    Raises:
        ValueError: a field out of range.
    """

    last_lba: int
    block_length: int = 2048

    def __post_init__(self) -> None:
        check_uint("last_lba", self.last_lba, 32)
        check_uint("block_length", self.block_length, 32)

    @property
    def blocks(self) -> int:
        """Number of blocks, ``last_lba + 1`` modulo 2**32 (so 0xFFFFFFFF reads as 0)."""
        return (self.last_lba + 1) & 0xFFFFFFFF

    def to_bytes(self) -> bytes:
        return self.last_lba.to_bytes(4, "big") + self.block_length.to_bytes(4, "big")

    @classmethod
    def from_bytes(cls, data: bytes) -> ReadCapacityData:
        """Decode the 8-byte answer.

        Raises:
            MalformedData: fewer than 8 bytes.
        """
        data = require_length(data, 8, "READ CAPACITY answer")
        return cls(get_u(data, 0, 4), get_u(data, 4, 4))


# --- READ FORMAT CAPACITIES -----------------------------------------------------------


class DescriptorType(enum.IntEnum):
    """Descriptor Type of the current/maximum capacity descriptor."""

    UNFORMATTED = 1  # unformatted or blank media: maximum formattable capacity
    FORMATTED = 2  # formatted media: current capacity
    NO_MEDIA = 3  # no media present, or unknown capacity: maximum the drive can format


@register
@dataclass(frozen=True, slots=True)
class ReadFormatCapacities:
    """READ FORMAT CAPACITIES CDB: allocation length.

    Raises:
        ValueError: allocation length out of range.
    """

    OPCODE: ClassVar[int] = 0x23
    NAME: ClassVar[str] = "READ FORMAT CAPACITIES"

    allocation_length: int = 0xFFFC

    def __post_init__(self) -> None:
        check_uint("allocation_length", self.allocation_length, 16)

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        cdb = _cdb10(self.OPCODE)
        put_u(cdb, 7, 2, self.allocation_length)
        return Command(bytes(cdb), data_in_length=self.allocation_length, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> ReadFormatCapacities:
        """Parse the CDB strictly.

        Raises:
            InvalidCdbField: wrong opcode/length or a reserved byte set.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 10)
        for byte in range(1, 7):
            reserved_zero(cdb, byte)
        return cls(get_u(cdb, 7, 2))


@dataclass(frozen=True, slots=True)
class CapacityDescriptor:
    """Current/Maximum Capacity Descriptor: blocks, descriptor type, block length.

    Raises:
        ValueError: a field out of range.
    """

    blocks: int
    descriptor_type: DescriptorType | int = DescriptorType.UNFORMATTED
    block_length: int = 2048

    def __post_init__(self) -> None:
        check_uint("blocks", self.blocks, 32)
        if self.descriptor_type not in (1, 2, 3):
            raise ValueError(f"descriptor type {self.descriptor_type} is reserved")
        object.__setattr__(self, "descriptor_type", DescriptorType(self.descriptor_type))
        check_uint("block_length", self.block_length, 24)

    def to_bytes(self) -> bytes:
        kind = bytes((int(self.descriptor_type),))
        return self.blocks.to_bytes(4, "big") + kind + self.block_length.to_bytes(3, "big")


@dataclass(frozen=True, slots=True)
class FormattableDescriptor:
    """Formattable Capacity Descriptor: blocks, format type (6 bits) and the
    type-dependent parameter (3 bytes; block length, packet size or spare size).

    Raises:
        ValueError: a field out of range.
    """

    blocks: int
    format_type: int = 0
    parameter: int = 2048

    def __post_init__(self) -> None:
        check_uint("blocks", self.blocks, 32)
        check_uint("format_type", self.format_type, 6)
        check_uint("parameter", self.parameter, 24)

    def to_bytes(self) -> bytes:
        return self.blocks.to_bytes(4, "big") + bytes((self.format_type << 2,)) + self.parameter.to_bytes(3, "big")


@dataclass(frozen=True, slots=True)
class FormatCapacities:
    """READ FORMAT CAPACITIES answer: capacity list header, the current/maximum
    descriptor and the formattable descriptors.

    Raises:
        ValueError: more than 31 formattable descriptors.
    """

    current: CapacityDescriptor
    formattable: tuple[FormattableDescriptor, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "formattable", tuple(self.formattable))
        if len(self.formattable) > 31:
            raise ValueError("the capacity list holds at most 31 formattable descriptors")

    def to_bytes(self) -> bytes:
        body = self.current.to_bytes() + b"".join(d.to_bytes() for d in self.formattable)
        return bytes((0, 0, 0, len(body))) + body

    @classmethod
    def from_bytes(cls, data: bytes) -> FormatCapacities:
        """Decode; descriptors cut off by the allocation length are dropped.

        Raises:
            MalformedData: no complete current/maximum descriptor, or a reserved type.
        """
        data = require_length(data, 12, "format capacities")
        end = min(len(data), 4 + data[3])
        if end < 12:
            raise MalformedData("format capacities: the capacity list is shorter than one descriptor")
        try:
            current = CapacityDescriptor(get_u(data, 4, 4), data[8] & 3, get_u(data, 9, 3))
        except ValueError as exc:
            raise MalformedData(f"format capacities: {exc}") from exc
        formattable = tuple(
            FormattableDescriptor(get_u(data, i, 4), data[i + 4] >> 2, get_u(data, i + 5, 3))
            for i in range(12, end - 7, 8)
        )
        return cls(current, formattable)
