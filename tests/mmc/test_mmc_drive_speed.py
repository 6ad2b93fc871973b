"""Drive-control codecs (openimapi.mmc.drive) and speeds (openimapi.mmc.speed).

Byte vectors are built from MMC-6 (T10 draft mmc6r02g): 6.6 GET EVENT STATUS
NOTIFICATION, 6.8 MECHANISM STATUS, 6.21 READ BUFFER CAPACITY, 6.38 SET CD SPEED,
6.39 SET STREAMING, 6.40 SEND OPC INFORMATION; the tests that use real-drive captures
(tests/data/captures) say so.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openimapi.enums import CONSTANTS
from openimapi.mmc import Command
from openimapi.mmc.codec import OPCODES, InvalidCdbField, MalformedData
from openimapi.mmc.disc import OpcEntry
from openimapi.mmc.drive import (
    BufferCapacity,
    ChangerState,
    EventClass,
    EventStatus,
    GetEventStatusNotification,
    MechanismState,
    MechanismStatus,
    MechanismStatusAnswer,
    MediaEvent,
    MediaEventCode,
    NotificationClass,
    OperationalChangeEvent,
    OperationalEventCode,
    ReadBufferCapacity,
    SendOpcInformation,
    SlotEntry,
)
from openimapi.mmc.profiles import MediaFamily
from openimapi.mmc.speed import (
    MAX_SPEED,
    SECTORS_PER_SECOND_AT_1X,
    PerformanceDescriptor,
    RotationalControl,
    SetCdSpeed,
    SetStreaming,
    StreamingType,
    kbps_from_factor,
    kbps_from_sectors_per_second,
    sectors_per_second_from_kbps,
    speed_factor,
)

CAPTURES = Path(__file__).parent.parent / "data" / "captures"


def h(text: str) -> bytes:
    return bytes.fromhex(text)


def _capture(file: str, command_prefix: str) -> dict[str, Any]:
    data = json.loads((CAPTURES / file).read_text(encoding="utf-8"))
    (cap,) = [c for c in data["captures"] if c["command"].startswith(command_prefix)]
    return dict(cap)


# ----------------------------------------------------------------------------- GET EVENT STATUS


def test_gesn_request_bytes() -> None:
    req = GetEventStatusNotification()
    cmd = req.to_command()
    assert cmd.cdb == h("4a 01 00 00 10 00 00 00 08 00")
    assert cmd.data_in_length == 8
    classes = EventClass.OPERATIONAL_CHANGE | EventClass.POWER_MANAGEMENT | EventClass.MEDIA | EventClass.DEVICE_BUSY
    req2 = GetEventStatusNotification(classes, 0x100)
    assert req2.to_command().cdb == h("4a 01 00 00 56 00 00 01 00 00")
    assert GetEventStatusNotification.from_cdb(req2.to_command().cdb) == req2
    for cdb, byte, bit in (
        ("4a 03 00 00 10 00 00 00 08 00", 1, 1),
        ("4a 01 00 00 11 00 00 00 08 00", 4, 0),
        ("4a 01 00 00 90 00 00 00 08 00", 4, 7),
        ("4a 01 00 01 10 00 00 00 08 00", 3, 0),
    ):
        with pytest.raises(InvalidCdbField) as err:
            GetEventStatusNotification.from_cdb(h(cdb))
        assert (err.value.byte, err.value.bit) == (byte, bit)


def test_gesn_media_event_answer() -> None:
    answer = EventStatus(
        NotificationClass.MEDIA,
        EventClass(0x5E),
        MediaEvent(MediaEventCode.NEW_MEDIA, media_present=True),
    )
    assert answer.to_bytes() == h("00 06 04 5e 02 02 00 00")
    assert EventStatus.from_bytes(answer.to_bytes()) == answer
    assert answer.media_event is not None and answer.media_event.event_code is MediaEventCode.NEW_MEDIA
    door = EventStatus.from_bytes(h("00 06 04 10 01 01 00 00"))
    assert door.media_event == MediaEvent(MediaEventCode.EJECT_REQUEST, door_open=True)


def test_gesn_other_answers() -> None:
    nea = EventStatus(NotificationClass.NONE, EventClass(0x10), nea=True)
    assert nea.to_bytes() == h("00 02 80 10")
    assert EventStatus.from_bytes(h("00 02 80 10")) == nea
    op = EventStatus(
        NotificationClass.OPERATIONAL_CHANGE,
        EventClass(0x12),
        OperationalChangeEvent(OperationalEventCode.CHANGE_NOTIFY, report=1),
    )
    assert op.to_bytes() == h("00 06 01 12 02 00 00 01")
    assert EventStatus.from_bytes(op.to_bytes()) == op
    busy = EventStatus.from_bytes(h("00 06 06 40 01 01 00 1e"))
    assert busy.notification_class is NotificationClass.DEVICE_BUSY and busy.event == h("01 01 00 1e")
    # cut by a 4-byte allocation length: the header alone
    cut = EventStatus.from_bytes(h("00 06 04 5e"))
    assert cut.event == b"" and cut.media_event is None
    with pytest.raises(MalformedData):
        EventStatus.from_bytes(h("00 06 07 5e 00 00 00 00"))
    with pytest.raises(ValueError, match="MEDIA"):
        EventStatus(NotificationClass.POWER_MANAGEMENT, EventClass(0x10), MediaEvent())
    with pytest.raises(ValueError, match="reserved"):
        EventStatus(NotificationClass.MEDIA, EventClass(0x90), MediaEvent())
    with pytest.raises(ValueError, match="NEA"):
        EventStatus(NotificationClass.MEDIA, EventClass(0x10), b"\x00\x00\x00\x00", nea=True)


# ----------------------------------------------------------------------------- MECHANISM STATUS


def test_mechanism_status() -> None:
    req = MechanismStatus()
    assert req.to_command().cdb == h("bd 00 00 00 00 00 00 00 00 08 00 00")
    assert MechanismStatus.from_cdb(h("bd 00 00 00 00 00 00 00 01 00 00 00")) == MechanismStatus(256)
    with pytest.raises(InvalidCdbField) as err:
        MechanismStatus.from_cdb(h("bd 00 00 00 00 00 00 00 00 08 01 00"))
    assert (err.value.byte, err.value.bit) == (10, 0)
    tray_open = MechanismStatusAnswer(door_open=True)
    assert tray_open.to_bytes() == h("00 10 00 00 00 00 00 00")
    playing = MechanismStatusAnswer(mechanism_state=MechanismState.PLAYING, current_lba=0x012345)
    assert playing.to_bytes() == h("00 20 01 23 45 00 00 00")
    changer = MechanismStatusAnswer(
        fault=True,
        changer_state=ChangerState.LOADING,
        current_slot=33,
        number_of_slots=2,
        slots=(SlotEntry(disc_present=True, change=True), SlotEntry(cwp_valid=True, cwp=True)),
    )
    assert changer.to_bytes() == h("a1 01 00 00 00 02 00 08 81 00 00 00 00 03 00 00")
    assert MechanismStatusAnswer.from_bytes(changer.to_bytes()) == changer
    # slot table cut by the allocation length
    assert MechanismStatusAnswer.from_bytes(changer.to_bytes()[:14]).slots == changer.slots[:1]
    with pytest.raises(MalformedData):
        MechanismStatusAnswer.from_bytes(h("00 80 00 00 00 00 00 00"))  # state 100b reserved


# ----------------------------------------------------------------------------- READ BUFFER CAPACITY


def test_read_buffer_capacity() -> None:
    assert ReadBufferCapacity().to_command().cdb == h("5c 00 00 00 00 00 00 00 0c 00")
    assert ReadBufferCapacity(block=True).to_command().cdb == h("5c 01 00 00 00 00 00 00 0c 00")
    with pytest.raises(InvalidCdbField):
        ReadBufferCapacity.from_cdb(h("5c 02 00 00 00 00 00 00 0c 00"))
    answer = BufferCapacity(available=0x1000, buffer_length=0x200000)
    assert answer.to_bytes() == h("00 0a 00 00 00 20 00 00 00 00 10 00")
    blocks = BufferCapacity(available=300, block=True)
    assert blocks.to_bytes() == h("00 0a 00 01 00 00 00 00 00 00 01 2c")
    assert BufferCapacity.from_bytes(blocks.to_bytes()) == blocks
    with pytest.raises(MalformedData):
        BufferCapacity.from_bytes(bytes(8))


def test_read_buffer_capacity_capture() -> None:
    """Plextor PX-755A capture (decoded only): total and available buffer 1162 KByte; the
    answer built from those values reads back the same."""
    stated = _capture("plextor_dvdr-px-755a_1.08.json", "READ BUFFER CAPACITY")["stated"]
    total = int(stated["TotalBufferSize"].removesuffix("KByte")) * 1024
    free = int(stated["AvailableBufferSize"].removesuffix("KByte")) * 1024
    decoded = BufferCapacity.from_bytes(BufferCapacity(free, total).to_bytes())
    assert decoded.buffer_length // 1024 == 1162 and decoded.available // 1024 == 1162


# ----------------------------------------------------------------------------- SEND OPC INFORMATION


def test_send_opc_information() -> None:
    assert SendOpcInformation().to_command().cdb == h("54 01 00 00 00 00 00 00 00 00")
    entries = (OpcEntry(7056, h("01 02 03 04 05 06")), OpcEntry(2822, bytes(6)))
    req = SendOpcInformation.for_entries(entries)
    cmd = req.to_command()
    assert cmd.cdb == h("54 00 00 00 00 00 00 00 10 00")
    assert cmd.data_out == h("1b 90 01 02 03 04 05 06 0b 06 00 00 00 00 00 00")
    assert SendOpcInformation.from_command(cmd) == req
    assert SendOpcInformation.from_cdb(cmd.cdb).entries is None
    excl = SendOpcInformation(exclude0=True, exclude1=True)
    assert SendOpcInformation.from_cdb(excl.to_command().cdb) == excl
    assert excl.to_command().cdb == h("54 01 03 00 00 00 00 00 00 00")
    with pytest.raises(InvalidCdbField) as err:
        SendOpcInformation.from_cdb(h("54 01 04 00 00 00 00 00 00 00"))
    assert (err.value.byte, err.value.bit) == (2, 2)
    with pytest.raises(MalformedData):
        SendOpcInformation.from_command(Command(cdb=h("54 00 00 00 00 00 00 00 08 00"), data_out=bytes(4)))
    with pytest.raises(ValueError):
        SendOpcInformation(parameter_list_length=8)


def test_send_opc_captures() -> None:
    """Three real drives were sent ``54 01 00 ...`` (cdrecord's DoOPC=1) -- captures."""
    seen = 0
    for path in sorted(CAPTURES.glob("*.json")):
        for cap in json.loads(path.read_text(encoding="utf-8")).get("captures", []):
            if cap["command"].startswith("SEND OPC INFORMATION (DoOpc=1)"):
                req = SendOpcInformation.from_cdb(h(cap["cdb"]))
                assert req == SendOpcInformation(do_opc=True)
                assert req.to_command().cdb == h(cap["cdb"])
                seen += 1
    assert seen == 3


# ----------------------------------------------------------------------------- SET CD SPEED


def test_set_cd_speed() -> None:
    assert SetCdSpeed().to_command().cdb == h("bb 00 ff ff ff ff 00 00 00 00 00 00")
    req = SetCdSpeed(read_speed=8467, write_speed=0, rotational_control=RotationalControl.PURE_CAV)
    assert req.to_command().cdb == h("bb 01 21 13 00 00 00 00 00 00 00 00")
    assert SetCdSpeed.from_cdb(req.to_command().cdb) == req
    with pytest.raises(InvalidCdbField) as err:
        SetCdSpeed.from_cdb(h("bb 02 ff ff ff ff 00 00 00 00 00 00"))
    assert (err.value.byte, err.value.bit) == (1, 1)
    with pytest.raises(InvalidCdbField) as err:
        SetCdSpeed.from_cdb(h("bb 04 ff ff ff ff 00 00 00 00 00 00"))
    assert (err.value.byte, err.value.bit) == (1, 2)
    with pytest.raises(ValueError):
        SetCdSpeed(rotational_control=2)  # type: ignore[arg-type]


def test_set_cd_speed_capture() -> None:
    """Plextor PX-755A capture (host side, as Windows issued it): read speed 8467 kB/s,
    write speed 0, default rotation -- 8467 kB/s is 48x CD."""
    stated = _capture("plextor_dvdr-px-755a_1.08.json", "SET CD SPEED")["stated"]
    read = int(stated["ReadSpeed"].removesuffix("KB/sec"))
    write = int(stated["WriteSpeed"].removesuffix("KB/sec"))
    req = SetCdSpeed(read, write, RotationalControl.CLV)
    assert req.to_command().cdb == h("bb 00 21 13 00 00 00 00 00 00 00 00")
    assert round(speed_factor(read, MediaFamily.CD)) == 48
    assert kbps_from_factor(48, MediaFamily.CD) == read


# ----------------------------------------------------------------------------- SET STREAMING


def test_set_streaming() -> None:
    desc = PerformanceDescriptor.for_speeds(end_lba=2295103, read_kbps=22160, write_kbps=22160)
    req = SetStreaming.for_descriptor(desc)
    cmd = req.to_command()
    assert cmd.cdb == h("b6 00 00 00 00 00 00 00 00 00 1c 00")
    assert cmd.data_out == h("00 00 00 00 00 00 00 00 00 23 05 3f 00 00 56 90 00 00 03 e8 00 00 56 90 00 00 03 e8")
    assert SetStreaming.from_command(cmd) == req
    assert desc.write_kbps == 22160 and round(speed_factor(desc.write_kbps, MediaFamily.DVD)) == 16
    flags = PerformanceDescriptor(1, 2, 3, 4, 5, start_lba=6, wrc=1, rdd=True, exact=True, ra=True)
    assert flags.to_bytes()[0] == 0x0F
    assert PerformanceDescriptor.from_bytes(flags.to_bytes()) == flags
    dbi = SetStreaming(8, StreamingType.DBI_CACHE_ZONE, h("00 00 10 00 00 00 00 00"))
    assert dbi.to_command().cdb == h("b6 00 00 00 00 00 00 00 05 00 08 00")
    assert SetStreaming.from_command(dbi.to_command()) == dbi


def test_set_streaming_strict() -> None:
    with pytest.raises(InvalidCdbField) as err:
        SetStreaming.from_cdb(h("b6 00 00 00 00 00 00 00 03 00 1c 00"))
    assert err.value.byte == 8
    with pytest.raises(InvalidCdbField) as err:
        SetStreaming.from_cdb(h("b6 00 00 00 00 01 00 00 00 00 1c 00"))
    assert (err.value.byte, err.value.bit) == (5, 0)
    bad = bytearray(PerformanceDescriptor(1, 0, 0, 0, 0).to_bytes())
    bad[0] = 0x10  # WRC 10b
    with pytest.raises(InvalidCdbField) as err:
        PerformanceDescriptor.from_bytes(bytes(bad))
    assert (err.value.byte, err.value.in_cdb) == (0, False)
    bad[0] = 0x20
    with pytest.raises(InvalidCdbField) as err:
        PerformanceDescriptor.from_bytes(bytes(bad))
    assert (err.value.byte, err.value.bit) == (0, 5)
    with pytest.raises(MalformedData):
        SetStreaming.from_command(Command(cdb=h("b6 00 00 00 00 00 00 00 00 00 1c 00"), data_out=bytes(20)))
    with pytest.raises(ValueError, match="needs its parameters"):
        SetStreaming().to_command()
    with pytest.raises(ValueError):
        SetStreaming(28, StreamingType.DBI_CACHE_ZONE, PerformanceDescriptor(1, 0, 0, 0, 0))


# ----------------------------------------------------------------------------- speed units


def test_one_x_matches_imapi_constants() -> None:
    for family, name in (
        (MediaFamily.CD, "CD"),
        (MediaFamily.DVD, "DVD"),
        (MediaFamily.BD, "BD"),
        (MediaFamily.HD_DVD, "HD_DVD"),
    ):
        constant = CONSTANTS[f"IMAPI_SECTORS_PER_SECOND_AT_1X_{name}"]
        assert SECTORS_PER_SECOND_AT_1X[family] == constant
        one_x = kbps_from_factor(1, family)
        assert sectors_per_second_from_kbps(one_x, family) == constant
    assert kbps_from_factor(1, MediaFamily.CD) == 176
    assert kbps_from_factor(1, MediaFamily.DVD) == 1385
    assert kbps_from_factor(1, MediaFamily.BD) == 4496  # 4495.5 kB/s, as MMC tables write it
    assert sectors_per_second_from_kbps(176400 / 1000, MediaFamily.CD) == 75


def test_common_speeds() -> None:
    assert kbps_from_factor(52, MediaFamily.CD) == 9173
    assert kbps_from_factor(16, MediaFamily.DVD) == 22160
    assert kbps_from_factor(12, MediaFamily.BD) == 53946
    assert sectors_per_second_from_kbps(7056, MediaFamily.CD) == 3000  # 40x
    assert sectors_per_second_from_kbps(22160, MediaFamily.DVD) == 16 * 680
    assert kbps_from_sectors_per_second(16 * 680, MediaFamily.DVD) == 22160
    assert math.isclose(speed_factor(4495.5 * 6, MediaFamily.BD), 6.0)
    assert MAX_SPEED == 0xFFFF
    with pytest.raises(ValueError):
        speed_factor(-1, MediaFamily.CD)
    with pytest.raises(ValueError, match="no 1x rate"):
        kbps_from_factor(1, MediaFamily.MO)


@given(st.integers(0, 0xFFFF), st.sampled_from([MediaFamily.CD, MediaFamily.DVD, MediaFamily.BD, MediaFamily.HD_DVD]))
def test_kbps_sectors_round_trip(kbps: int, family: MediaFamily) -> None:
    """kB/s -> IMAPI sectors/s -> kB/s is within one sector's worth of the start."""
    back = kbps_from_sectors_per_second(sectors_per_second_from_kbps(kbps, family), family)
    per_sector = kbps_from_factor(1, family) / SECTORS_PER_SECOND_AT_1X[family]
    assert abs(back - kbps) <= per_sector / 2 + 1


# ----------------------------------------------------------------------------- round trips and registry

u16 = st.integers(0, 0xFFFF)
u32 = st.integers(0, 0xFFFFFFFF)


@given(st.integers(0, 0x7E).map(lambda v: EventClass(v & 0x7E)), u16, st.booleans())
def test_gesn_round_trip(classes: EventClass, length: int, polled: bool) -> None:
    req = GetEventStatusNotification(classes, length, polled)
    assert GetEventStatusNotification.from_cdb(req.to_command().cdb) == req


@given(
    st.sampled_from(
        [c for c in NotificationClass if c not in (NotificationClass.MEDIA, NotificationClass.OPERATIONAL_CHANGE)]
    ),
    st.integers(0, 0x7E),
    st.binary(max_size=8),
)
def test_event_status_raw_round_trip(klass: NotificationClass, supported: int, body: bytes) -> None:
    answer = EventStatus(klass, EventClass(supported & 0x7E), body)
    assert EventStatus.from_bytes(answer.to_bytes()) == answer


@given(
    st.builds(MediaEvent, st.integers(0, 15), st.booleans(), st.booleans(), st.integers(0, 255), st.integers(0, 255))
)
def test_media_event_round_trip(event: MediaEvent) -> None:
    answer = EventStatus(NotificationClass.MEDIA, EventClass.MEDIA, event)
    assert EventStatus.from_bytes(answer.to_bytes()) == answer


@given(
    st.builds(
        MechanismStatusAnswer,
        st.booleans(),
        st.sampled_from(MechanismState),
        st.integers(0, 0xFFFFFF),
        st.booleans(),
        st.sampled_from(ChangerState),
        st.integers(0, 255),
        st.integers(0, 255),
        st.lists(st.builds(SlotEntry, st.booleans(), st.booleans(), st.booleans(), st.booleans()), max_size=4).map(
            tuple
        ),
    )
)
def test_mechanism_round_trip(answer: MechanismStatusAnswer) -> None:
    assert MechanismStatusAnswer.from_bytes(answer.to_bytes()) == answer


@given(u16, u16, st.sampled_from(RotationalControl))
def test_set_cd_speed_round_trip(read: int, write: int, rc: RotationalControl) -> None:
    req = SetCdSpeed(read, write, rc)
    assert SetCdSpeed.from_cdb(req.to_command().cdb) == req


@given(
    st.builds(
        PerformanceDescriptor,
        u32,
        u32,
        u32,
        u32,
        u32,
        u32,
        st.integers(0, 1),
        st.booleans(),
        st.booleans(),
        st.booleans(),
    )
)
def test_set_streaming_round_trip(desc: PerformanceDescriptor) -> None:
    req = SetStreaming.for_descriptor(desc)
    assert SetStreaming.from_command(req.to_command()) == req


@given(u32, u32, st.booleans())
def test_buffer_capacity_round_trip(available: int, length: int, block: bool) -> None:
    answer = BufferCapacity(available, 0 if block else length, block)
    assert BufferCapacity.from_bytes(answer.to_bytes()) == answer
    req = ReadBufferCapacity(block, length & 0xFFFF)
    assert ReadBufferCapacity.from_cdb(req.to_command().cdb) == req


@given(st.lists(st.builds(OpcEntry, u16, st.binary(min_size=6, max_size=6)), max_size=4), st.booleans())
def test_send_opc_round_trip(entries: list[OpcEntry], do_opc: bool) -> None:
    req = SendOpcInformation.for_entries(tuple(entries), do_opc=do_opc)
    assert SendOpcInformation.from_command(req.to_command()) == req


def test_registered() -> None:
    for cls in (
        GetEventStatusNotification,
        MechanismStatus,
        ReadBufferCapacity,
        SendOpcInformation,
        SetCdSpeed,
        SetStreaming,
    ):
        assert OPCODES[cls.OPCODE] is cls
