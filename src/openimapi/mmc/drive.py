"""Drive-control commands of MMC-6: GET EVENT STATUS NOTIFICATION, MECHANISM STATUS,
SET CD SPEED, SET STREAMING, READ BUFFER CAPACITY and SEND OPC INFORMATION, with their
answers and parameter lists. Pure codecs in the shape of :mod:`openimapi.mmc.codec`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar

from openimapi.mmc._mmcbits import (
    check_bool,
    check_uint,
    get_u,
    require_control_zero,
    require_length,
    reserved_bits,
    reserved_bytes,
)
from openimapi.mmc.codec import MalformedData, check_cdb, register
from openimapi.mmc.command import DEFAULT_TIMEOUT, Command
from openimapi.mmc.disc import OpcEntry

__all__ = [
    "BufferCapacity",
    "ChangerState",
    "EventClass",
    "EventStatus",
    "GetEventStatusNotification",
    "MechanismState",
    "MechanismStatus",
    "MechanismStatusAnswer",
    "MediaEvent",
    "MediaEventCode",
    "NotificationClass",
    "OperationalChangeEvent",
    "OperationalEventCode",
    "ReadBufferCapacity",
    "SendOpcInformation",
    "SlotEntry",
]

# --------------------------------------------------------------------------- GET EVENT STATUS NOTIFICATION


class EventClass(enum.IntFlag):
    """Bits of the Notification Class Request (CDB byte 4) and of Supported Event Classes
    (answer byte 3), MMC-6 6.6, table 231."""

    OPERATIONAL_CHANGE = 0x02
    POWER_MANAGEMENT = 0x04
    EXTERNAL_REQUEST = 0x08
    MEDIA = 0x10
    MULTI_HOST = 0x20
    DEVICE_BUSY = 0x40


class NotificationClass(enum.IntEnum):
    """Notification Class field of the event header (answer byte 2 bits 2-0)."""

    NONE = 0  #: no event (with NEA: none of the requested classes is supported)
    OPERATIONAL_CHANGE = 1
    POWER_MANAGEMENT = 2
    EXTERNAL_REQUEST = 3
    MEDIA = 4
    MULTI_HOST = 5
    DEVICE_BUSY = 6


class MediaEventCode(enum.IntEnum):
    """Media Event Code (media event byte 0 bits 3-0), MMC-6 table 240."""

    NO_CHANGE = 0
    EJECT_REQUEST = 1
    NEW_MEDIA = 2
    MEDIA_REMOVAL = 3
    MEDIA_CHANGED = 4
    BG_FORMAT_COMPLETED = 5
    BG_FORMAT_RESTARTED = 6


class OperationalEventCode(enum.IntEnum):
    """Operational Change event code (byte 0 bits 3-0), MMC-6 table 234."""

    NO_CHANGE = 0
    CHANGE_REQUEST = 1  #: the drive was asked to change its operational state
    CHANGE_NOTIFY = 2  #: the drive changed its operational state


@register
@dataclass(frozen=True, slots=True)
class GetEventStatusNotification:
    """GET EVENT STATUS NOTIFICATION, opcode 4Ah (MMC-6 6.6).

    Byte 1 bit 0 Polled (MMC drives support only polled operation); byte 4 the event
    classes asked for; bytes 7-8 allocation length.

    Raises:
        ValueError: a field out of range.
    """

    OPCODE: ClassVar[int] = 0x4A
    NAME: ClassVar[str] = "GET EVENT STATUS NOTIFICATION"

    classes: EventClass = EventClass.MEDIA
    allocation_length: int = 8
    polled: bool = True

    def __post_init__(self) -> None:
        check_uint("classes", int(self.classes), 8)
        if int(self.classes) & 0x81:
            raise ValueError("event class bits 0 and 7 are reserved")
        object.__setattr__(self, "classes", EventClass(int(self.classes)))
        check_uint("allocation_length", self.allocation_length, 16)
        check_bool("polled", self.polled)

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        """Build the command (data in of ``allocation_length`` bytes)."""
        cdb = (
            bytes((self.OPCODE, int(self.polled), 0, 0, int(self.classes), 0, 0))
            + self.allocation_length.to_bytes(2, "big")
            + b"\x00"
        )
        return Command(cdb=cdb, data_in_length=self.allocation_length, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> GetEventStatusNotification:
        """Parse the CDB.

        Raises:
            InvalidCdbField: wrong opcode/length, or a reserved bit set.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 10)
        reserved_bits(cdb, 1, 0xFE)
        reserved_bytes(cdb, 2, 4)
        reserved_bits(cdb, 4, 0x81)
        reserved_bytes(cdb, 5, 7)
        require_control_zero(cdb)
        return cls(EventClass(cdb[4]), get_u(cdb, 7, 2), bool(cdb[1] & 0x01))


@dataclass(frozen=True, slots=True)
class MediaEvent:
    """The 4-byte media event descriptor (MMC-6 6.6.2.6).

    Raises:
        ValueError: a field out of range.
    """

    event_code: int = MediaEventCode.NO_CHANGE
    media_present: bool = False
    door_open: bool = False
    start_slot: int = 0
    end_slot: int = 0

    def __post_init__(self) -> None:
        check_uint("event_code", self.event_code, 4)
        if self.event_code in MediaEventCode._value2member_map_:
            object.__setattr__(self, "event_code", MediaEventCode(self.event_code))
        check_bool("media_present", self.media_present)
        check_bool("door_open", self.door_open)
        check_uint("start_slot", self.start_slot, 8)
        check_uint("end_slot", self.end_slot, 8)

    def to_bytes(self) -> bytes:
        """The 4 bytes."""
        return bytes((int(self.event_code), self.media_present << 1 | self.door_open, self.start_slot, self.end_slot))

    @classmethod
    def from_bytes(cls, data: bytes) -> MediaEvent:
        """Decode 4 bytes (reserved bits ignored: this is an answer).

        Raises:
            MalformedData: fewer than 4 bytes.
        """
        data = require_length(data, 4, "media event")
        return cls(data[0] & 0x0F, bool(data[1] & 0x02), bool(data[1] & 0x01), data[2], data[3])


@dataclass(frozen=True, slots=True)
class OperationalChangeEvent:
    """The 4-byte operational change event descriptor (MMC-6 6.6.2.3): event code,
    Persistent Prevented, Operational Status (0 available, 1 temporarily busy, 2 busy) and
    the 16-bit Operational Report (1 feature change, 2 feature added, 3 power reset,
    4 firmware changed, 5 inquiry change...).

    Raises:
        ValueError: a field out of range.
    """

    event_code: int = OperationalEventCode.NO_CHANGE
    persistent_prevented: bool = False
    status: int = 0
    report: int = 0

    def __post_init__(self) -> None:
        check_uint("event_code", self.event_code, 4)
        if self.event_code in OperationalEventCode._value2member_map_:
            object.__setattr__(self, "event_code", OperationalEventCode(self.event_code))
        check_bool("persistent_prevented", self.persistent_prevented)
        check_uint("status", self.status, 4)
        check_uint("report", self.report, 16)

    def to_bytes(self) -> bytes:
        """The 4 bytes."""
        return bytes((int(self.event_code), self.persistent_prevented << 7 | self.status)) + self.report.to_bytes(
            2, "big"
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> OperationalChangeEvent:
        """Decode 4 bytes.

        Raises:
            MalformedData: fewer than 4 bytes.
        """
        data = require_length(data, 4, "operational change event")
        return cls(data[0] & 0x0F, bool(data[1] & 0x80), data[1] & 0x0F, get_u(data, 2, 2))


@dataclass(frozen=True, slots=True)
class EventStatus:
    """The answer of GET EVENT STATUS NOTIFICATION: the 4-byte event header and the event.

    Header: bytes 0-1 Event Descriptor Length (bytes that follow byte 1); byte 2 NEA
    (bit 7) and Notification Class (bits 2-0); byte 3 Supported Event Classes. ``event``
    is a :class:`MediaEvent` (class MEDIA), an :class:`OperationalChangeEvent` (class
    OPERATIONAL_CHANGE), or the raw bytes of any other class; empty with NEA.

    Raises:
        ValueError: an event that does not match the class, or a field out of range.
    """

    notification_class: NotificationClass
    supported_classes: EventClass
    event: MediaEvent | OperationalChangeEvent | bytes = b""
    nea: bool = False

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "notification_class", NotificationClass(self.notification_class))
        except ValueError:
            raise ValueError(f"notification class {self.notification_class!r} is reserved") from None
        check_uint("supported_classes", int(self.supported_classes), 8)
        if int(self.supported_classes) & 0x81:
            raise ValueError("supported event class bits 0 and 7 are reserved")
        object.__setattr__(self, "supported_classes", EventClass(int(self.supported_classes)))
        check_bool("nea", self.nea)
        if isinstance(self.event, MediaEvent) and self.notification_class is not NotificationClass.MEDIA:
            raise ValueError("a media event needs notification class MEDIA")
        if isinstance(self.event, OperationalChangeEvent) and (
            self.notification_class is not NotificationClass.OPERATIONAL_CHANGE
        ):
            raise ValueError("an operational change event needs notification class OPERATIONAL_CHANGE")
        if isinstance(self.event, bytes | bytearray):
            object.__setattr__(self, "event", bytes(self.event))
        if self.nea and self.event:
            raise ValueError("with NEA (no event available) there is no event data")

    @property
    def media_event(self) -> MediaEvent | None:
        """The media event, if this answer holds one."""
        return self.event if isinstance(self.event, MediaEvent) else None

    def to_bytes(self) -> bytes:
        """The answer bytes."""
        body = self.event if isinstance(self.event, bytes) else self.event.to_bytes()
        return (
            (len(body) + 2).to_bytes(2, "big")
            + bytes((self.nea << 7 | int(self.notification_class), int(self.supported_classes)))
            + body
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> EventStatus:
        """Decode an answer, forgiving of one cut by the allocation length (the event is
        then kept raw if incomplete).

        Raises:
            MalformedData: fewer than 4 bytes, or a reserved notification class.
        """
        data = require_length(data, 4, "event status header")
        length = get_u(data, 0, 2)
        body = data[4 : 2 + length] if length >= 2 else b""
        nea = bool(data[2] & 0x80)
        code = data[2] & 0x07
        if code not in NotificationClass._value2member_map_:
            raise MalformedData(f"notification class {code} is reserved")
        klass = NotificationClass(code)
        event: MediaEvent | OperationalChangeEvent | bytes = body
        if nea:
            event = b""
        elif klass is NotificationClass.MEDIA and len(body) == 4:
            event = MediaEvent.from_bytes(body)
        elif klass is NotificationClass.OPERATIONAL_CHANGE and len(body) == 4:
            event = OperationalChangeEvent.from_bytes(body)
        return cls(klass, EventClass(data[3] & 0x7E), event, nea)


# --------------------------------------------------------------------------- MECHANISM STATUS


class ChangerState(enum.IntEnum):
    """Changer State (header byte 0 bits 6-5)."""

    READY = 0
    LOADING = 1
    UNLOADING = 2
    INITIALIZING = 3


class MechanismState(enum.IntEnum):
    """Mechanism State (header byte 1 bits 7-5); 4-6 are reserved."""

    IDLE = 0
    PLAYING = 1  #: audio or data access
    SCANNING = 2
    ACTIVE_HOST = 3  #: active with the host, composite or other ports in use
    NO_STATE_INFORMATION = 7


@register
@dataclass(frozen=True, slots=True)
class MechanismStatus:
    """MECHANISM STATUS, opcode BDh (MMC-6 6.8): bytes 8-9 allocation length.

    Raises:
        ValueError: allocation length out of range.
    """

    OPCODE: ClassVar[int] = 0xBD
    NAME: ClassVar[str] = "MECHANISM STATUS"

    allocation_length: int = 8

    def __post_init__(self) -> None:
        check_uint("allocation_length", self.allocation_length, 16)

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        """Build the command (data in of ``allocation_length`` bytes)."""
        cdb = bytes((self.OPCODE,)) + bytes(7) + self.allocation_length.to_bytes(2, "big") + bytes(2)
        return Command(cdb=cdb, data_in_length=self.allocation_length, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> MechanismStatus:
        """Parse the CDB.

        Raises:
            InvalidCdbField: wrong opcode/length, or a reserved bit set.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 12)
        reserved_bytes(cdb, 1, 8)
        reserved_bytes(cdb, 10, 11)
        require_control_zero(cdb)
        return cls(get_u(cdb, 8, 2))


@dataclass(frozen=True, slots=True)
class SlotEntry:
    """A 4-byte slot table entry: Disc Present, Change, CWP_V and CWP.

    Raises:
        ValueError: a field of the wrong type.
    """

    disc_present: bool = False
    change: bool = False
    cwp_valid: bool = False
    cwp: bool = False

    def __post_init__(self) -> None:
        for name in ("disc_present", "change", "cwp_valid", "cwp"):
            check_bool(name, getattr(self, name))

    def to_bytes(self) -> bytes:
        """The 4 bytes."""
        return bytes((self.disc_present << 7 | int(self.change), self.cwp_valid << 1 | int(self.cwp), 0, 0))

    @classmethod
    def from_bytes(cls, data: bytes) -> SlotEntry:
        """Decode 4 bytes.

        Raises:
            MalformedData: fewer than 4 bytes.
        """
        data = require_length(data, 4, "slot table entry")
        return cls(bool(data[0] & 0x80), bool(data[0] & 0x01), bool(data[1] & 0x02), bool(data[1] & 0x01))


@dataclass(frozen=True, slots=True)
class MechanismStatusAnswer:
    """The answer of MECHANISM STATUS (MMC-6 6.8.2): the 8-byte header and slot tables.

    Header: byte 0 Fault (7), Changer State (6-5), Current Slot low bits (4-0); byte 1
    Mechanism State (7-5), Door Open (4), Current Slot high bits (2-0); bytes 2-4 Current
    LBA; byte 5 Number of Slots Available; bytes 6-7 Length of Slot Tables.

    Raises:
        ValueError: a field out of range.
    """

    door_open: bool = False
    mechanism_state: MechanismState = MechanismState.IDLE
    current_lba: int = 0
    fault: bool = False
    changer_state: ChangerState = ChangerState.READY
    current_slot: int = 0
    number_of_slots: int = 0
    slots: tuple[SlotEntry, ...] = ()

    def __post_init__(self) -> None:
        check_bool("door_open", self.door_open)
        check_bool("fault", self.fault)
        try:
            object.__setattr__(self, "mechanism_state", MechanismState(self.mechanism_state))
        except ValueError:
            raise ValueError(f"mechanism state {self.mechanism_state!r} is reserved") from None
        object.__setattr__(self, "changer_state", ChangerState(self.changer_state))
        check_uint("current_lba", self.current_lba, 24)
        check_uint("current_slot", self.current_slot, 8)
        check_uint("number_of_slots", self.number_of_slots, 8)
        object.__setattr__(self, "slots", tuple(self.slots))
        for slot in self.slots:
            if not isinstance(slot, SlotEntry):
                raise ValueError("slots must be SlotEntry values")

    def to_bytes(self) -> bytes:
        """The answer bytes."""
        byte0 = self.fault << 7 | int(self.changer_state) << 5 | (self.current_slot & 0x1F)
        byte1 = int(self.mechanism_state) << 5 | self.door_open << 4 | self.current_slot >> 5
        return (
            bytes((byte0, byte1))
            + self.current_lba.to_bytes(3, "big")
            + bytes((self.number_of_slots,))
            + (4 * len(self.slots)).to_bytes(2, "big")
            + b"".join(slot.to_bytes() for slot in self.slots)
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> MechanismStatusAnswer:
        """Decode an answer; slot tables cut by the allocation length are dropped.

        Raises:
            MalformedData: fewer than 8 bytes, or a reserved mechanism state.
        """
        data = require_length(data, 8, "mechanism status header")
        state = data[1] >> 5
        if state not in MechanismState._value2member_map_:
            raise MalformedData(f"mechanism state {state} is reserved")
        table = data[8 : 8 + get_u(data, 6, 2)]
        slots = tuple(SlotEntry.from_bytes(table[i : i + 4]) for i in range(0, len(table) - 3, 4))
        return cls(
            door_open=bool(data[1] & 0x10),
            mechanism_state=MechanismState(state),
            current_lba=get_u(data, 2, 3),
            fault=bool(data[0] & 0x80),
            changer_state=ChangerState((data[0] >> 5) & 0x03),
            current_slot=(data[1] & 0x07) << 5 | (data[0] & 0x1F),
            number_of_slots=data[5],
            slots=slots,
        )


# --------------------------------------------------------------------------- READ BUFFER CAPACITY


@register
@dataclass(frozen=True, slots=True)
class ReadBufferCapacity:
    """READ BUFFER CAPACITY, opcode 5Ch (MMC-6 6.21): byte 1 bit 0 Block (answer in
    blocks); bytes 7-8 allocation length (12 for the whole answer).

    Raises:
        ValueError: a field out of range.
    """

    OPCODE: ClassVar[int] = 0x5C
    NAME: ClassVar[str] = "READ BUFFER CAPACITY"

    block: bool = False
    allocation_length: int = 12

    def __post_init__(self) -> None:
        check_bool("block", self.block)
        check_uint("allocation_length", self.allocation_length, 16)

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        """Build the command (data in of ``allocation_length`` bytes)."""
        cdb = bytes((self.OPCODE, int(self.block))) + bytes(5) + self.allocation_length.to_bytes(2, "big") + b"\x00"
        return Command(cdb=cdb, data_in_length=self.allocation_length, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> ReadBufferCapacity:
        """Parse the CDB.

        Raises:
            InvalidCdbField: wrong opcode/length, or a reserved bit set.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 10)
        reserved_bits(cdb, 1, 0xFE)
        reserved_bytes(cdb, 2, 7)
        require_control_zero(cdb)
        return cls(bool(cdb[1] & 0x01), get_u(cdb, 7, 2))


@dataclass(frozen=True, slots=True)
class BufferCapacity:
    """The 12-byte answer of READ BUFFER CAPACITY (MMC-6 6.21.2).

    Bytes 0-1 Data Length (10). In byte form (``block`` false): bytes 4-7 Length of
    Buffer, bytes 8-11 Blank Length of Buffer (``available``), in bytes. In block form:
    byte 3 bit 0 Block, bytes 4-7 reserved (``buffer_length`` 0), bytes 8-11 Available
    Length of Buffer in blocks.

    Raises:
        ValueError: a field out of range, or a buffer length in block form.
    """

    available: int
    buffer_length: int = 0
    block: bool = False

    LENGTH: ClassVar[int] = 12

    def __post_init__(self) -> None:
        check_uint("available", self.available, 32)
        check_uint("buffer_length", self.buffer_length, 32)
        check_bool("block", self.block)
        if self.block and self.buffer_length:
            raise ValueError("the block form of READ BUFFER CAPACITY has no buffer length")

    def to_bytes(self) -> bytes:
        """The 12 bytes."""
        return (
            bytes((0, 10, 0, int(self.block)))
            + self.buffer_length.to_bytes(4, "big")
            + self.available.to_bytes(4, "big")
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> BufferCapacity:
        """Decode the answer.

        Raises:
            MalformedData: fewer than 12 bytes.
        """
        data = require_length(data, cls.LENGTH, "buffer capacity")
        block = bool(data[3] & 0x01)
        return cls(get_u(data, 8, 4), 0 if block else get_u(data, 4, 4), block)


# --------------------------------------------------------------------------- SEND OPC INFORMATION


@register
@dataclass(frozen=True, slots=True)
class SendOpcInformation:
    """SEND OPC INFORMATION, opcode 54h (MMC-6 6.40).

    Byte 1 bit 0 DoOPC (perform power calibration now); byte 2 Exclude0 (bit 0) and
    Exclude1 (bit 1) leave a layer out; bytes 7-8 parameter list length (OPC table
    entries of :class:`openimapi.mmc.disc.OpcEntry`: 2 bytes speed in kB/s, 6 bytes OPC
    value; normally none with DoOPC). Build with :meth:`for_entries`; :meth:`from_cdb`
    leaves ``entries`` None unless the list is empty, :meth:`from_command` decodes it.

    Raises:
        ValueError: a field out of range, or entries whose size differs from the length.
    """

    OPCODE: ClassVar[int] = 0x54
    NAME: ClassVar[str] = "SEND OPC INFORMATION"

    do_opc: bool = True
    exclude0: bool = False
    exclude1: bool = False
    parameter_list_length: int = 0
    entries: tuple[OpcEntry, ...] | None = ()

    def __post_init__(self) -> None:
        for name in ("do_opc", "exclude0", "exclude1"):
            check_bool(name, getattr(self, name))
        check_uint("parameter_list_length", self.parameter_list_length, 16)
        if self.entries is not None:
            object.__setattr__(self, "entries", tuple(self.entries))
            assert self.entries is not None
            if any(not isinstance(entry, OpcEntry) for entry in self.entries):
                raise ValueError("entries must be OpcEntry values")
            if 8 * len(self.entries) != self.parameter_list_length:
                raise ValueError(f"{len(self.entries)} OPC entries, parameter list length {self.parameter_list_length}")

    @classmethod
    def for_entries(cls, entries: tuple[OpcEntry, ...], *, do_opc: bool = False) -> SendOpcInformation:
        """The command sending an OPC table."""
        return cls(do_opc=do_opc, parameter_list_length=8 * len(entries), entries=tuple(entries))

    def to_cdb(self) -> bytes:
        """The 10-byte CDB."""
        return (
            bytes((self.OPCODE, int(self.do_opc), self.exclude1 << 1 | int(self.exclude0), 0, 0, 0, 0))
            + self.parameter_list_length.to_bytes(2, "big")
            + b"\x00"
        )

    def to_command(self, timeout: float = DEFAULT_TIMEOUT) -> Command:
        """Build the command (with the OPC table as data out, if any).

        Raises:
            ValueError: a parameter list length without entries.
        """
        if self.entries is None:
            raise ValueError("SEND OPC INFORMATION needs its OPC entries")
        data = b"".join(entry.speed.to_bytes(2, "big") + entry.values for entry in self.entries)
        return Command(cdb=self.to_cdb(), data_out=data, timeout=timeout, name=self.NAME)

    @classmethod
    def from_cdb(cls, cdb: bytes) -> SendOpcInformation:
        """Parse the CDB.

        Raises:
            InvalidCdbField: wrong opcode/length, or a reserved bit set.
        """
        cdb = check_cdb(cdb, cls.OPCODE, 10)
        reserved_bits(cdb, 1, 0xFE)
        reserved_bits(cdb, 2, 0xFC)
        reserved_bytes(cdb, 3, 7)
        require_control_zero(cdb)
        length = get_u(cdb, 7, 2)
        return cls(bool(cdb[1] & 0x01), bool(cdb[2] & 0x01), bool(cdb[2] & 0x02), length, () if length == 0 else None)

    @classmethod
    def from_command(cls, command: Command) -> SendOpcInformation:
        """Parse CDB and OPC table.

        Raises:
            InvalidCdbField: as :meth:`from_cdb`.
            MalformedData: the data is not the announced length or not whole entries.
        """
        head = cls.from_cdb(command.cdb)
        data = command.data_out
        if len(data) != head.parameter_list_length or len(data) % 8:
            raise MalformedData(f"{len(data)} bytes of OPC table, CDB says {head.parameter_list_length}")
        entries = tuple(OpcEntry(get_u(data, i, 2), data[i + 2 : i + 8]) for i in range(0, len(data), 8))
        return cls(head.do_opc, head.exclude0, head.exclude1, head.parameter_list_length, entries)
