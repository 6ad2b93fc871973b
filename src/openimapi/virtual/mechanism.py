"""Handlers of the drive-mechanism commands: GET EVENT STATUS NOTIFICATION (media and
operational-change events), MECHANISM STATUS, SET CD SPEED, SET STREAMING, READ BUFFER
CAPACITY and SEND OPC INFORMATION. Answers are built with :mod:`openimapi.mmc.drive`.
"""

from __future__ import annotations

from openimapi.mmc import drive as mdr
from openimapi.mmc import speed as msp
from openimapi.mmc.command import Command
from openimapi.virtual import conditions as cc
from openimapi.virtual import faults as flt
from openimapi.virtual.device import Device, handler

__all__: list[str] = []

_SUPPORTED = mdr.EventClass.OPERATIONAL_CHANGE | mdr.EventClass.POWER_MANAGEMENT | mdr.EventClass.EXTERNAL_REQUEST \
    | mdr.EventClass.MEDIA | mdr.EventClass.DEVICE_BUSY


@handler(0x4A, "any", ua_exempt=True, busy_ok=True)
def get_event_status(dev: Device, cmd: Command) -> bytes:
    req = mdr.GetEventStatusNotification.from_cdb(cmd.cdb)
    if not req.polled:
        raise cc.invalid_field(1, 0, message="only polled operation is supported")
    asked = int(req.classes) & int(_SUPPORTED)
    if not asked:
        return mdr.EventStatus(mdr.NotificationClass.NONE, _SUPPORTED, nea=True).to_bytes()
    # a pending media event is reported first when the media class is asked for; with no
    # event pending, the lowest-numbered class asked for answers "no change" (MMC-6 6.6)
    pending = int(dev.state.get("media_event") or 0)
    if asked & mdr.EventClass.MEDIA and pending:
        dev.state["media_event"] = 0
        return _media(dev, pending)
    lowest = min(c for c in (0x02, 0x04, 0x08, 0x10, 0x40) if asked & c)
    if lowest == 0x10:
        return _media(dev, 0)
    klass = {0x02: mdr.NotificationClass.OPERATIONAL_CHANGE, 0x04: mdr.NotificationClass.POWER_MANAGEMENT,
             0x08: mdr.NotificationClass.EXTERNAL_REQUEST, 0x40: mdr.NotificationClass.DEVICE_BUSY}[lowest]
    if klass is mdr.NotificationClass.OPERATIONAL_CHANGE:
        return mdr.EventStatus(klass, _SUPPORTED, mdr.OperationalChangeEvent()).to_bytes()
    body = bytes(4)
    if klass is mdr.NotificationClass.POWER_MANAGEMENT:
        body = bytes([0, 1, 0, 0])  # no change, active
    elif klass is mdr.NotificationClass.DEVICE_BUSY:
        busy = dev.disc is not None and bool(dev.disc.s.get("busy"))
        body = bytes([0, 1 if busy else 0, 0, 0])
    return mdr.EventStatus(klass, _SUPPORTED, body).to_bytes()


def _media(dev: Device, code: int) -> bytes:
    event = mdr.MediaEvent(event_code=code, media_present=dev.disc is not None,
                           door_open=bool(dev.state.get("tray_open")))
    return mdr.EventStatus(mdr.NotificationClass.MEDIA, _SUPPORTED, event).to_bytes()


@handler(0xBD, "any", ua_exempt=True, busy_ok=True)
def mechanism_status(dev: Device, cmd: Command) -> bytes:
    mdr.MechanismStatus.from_cdb(cmd.cdb)
    busy = dev.disc is not None and bool(dev.disc.s.get("busy"))
    answer = mdr.MechanismStatusAnswer(
        door_open=bool(dev.state.get("tray_open")),
        mechanism_state=mdr.MechanismState.ACTIVE_HOST if busy else mdr.MechanismState.IDLE,
    )
    return answer.to_bytes()


def _retune(dev: Device) -> None:
    """The buffer drains at the newly selected speed from now on."""
    if dev.disc is not None and dev.model.reads(dev.disc.medium):
        dev.buffer.configure(paced=bool(dev.state.get("paced")), rate=dev.write_speed())


def _speed_fault(dev: Device) -> None:
    fired = flt.take(dev.state.setdefault("faults", []), "speed")
    if fired is not None and fired.action.sense is not None:
        raise flt.condition(fired)


@handler(0xBB, "any")
def set_cd_speed(dev: Device, cmd: Command) -> bytes:
    req = msp.SetCdSpeed.from_cdb(cmd.cdb)
    _speed_fault(dev)
    dev.state["write_speed"] = None if req.write_speed >= 0xFFFF else int(req.write_speed)
    dev.state["read_speed"] = None if req.read_speed >= 0xFFFF else int(req.read_speed)
    _retune(dev)
    return b""


@handler(0xB6, "any")
def set_streaming(dev: Device, cmd: Command) -> bytes:
    req = msp.SetStreaming.from_command(cmd)
    _speed_fault(dev)
    p = req.parameters
    if isinstance(p, msp.PerformanceDescriptor):
        if p.write_time:
            dev.state["write_speed"] = max(1, p.write_size * 1000 // p.write_time)
        if p.read_time:
            dev.state["read_speed"] = max(1, p.read_size * 1000 // p.read_time)
    _retune(dev)
    return b""


@handler(0x5C, "any")
def read_buffer_capacity(dev: Device, cmd: Command) -> bytes:
    req = mdr.ReadBufferCapacity.from_cdb(cmd.cdb)
    free = dev.buffer.free()
    if req.block:
        return mdr.BufferCapacity(available=free // 2048, block=True).to_bytes()
    return mdr.BufferCapacity(available=free, buffer_length=dev.buffer.size).to_bytes()


@handler(0x54, "write")
def send_opc_information(dev: Device, cmd: Command) -> bytes:
    mdr.SendOpcInformation.from_command(cmd)
    dev.medium().check_writable()
    return b""
