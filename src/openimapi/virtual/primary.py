"""Handlers of the primary and drive-level commands: TEST UNIT READY, REQUEST SENSE,
INQUIRY, MODE SENSE(10)/MODE SELECT(10) (pages 01h, 05h, 1Ah, 2Ah), START STOP UNIT and
PREVENT ALLOW MEDIUM REMOVAL. Answers are built with :mod:`openimapi.mmc.spc`,
:mod:`openimapi.mmc.modepages` and :mod:`openimapi.mmc.modeparams`.
"""

from __future__ import annotations

from typing import Any

from openimapi.mmc import modepages as mp
from openimapi.mmc import spc, vpd
from openimapi.mmc.command import Command
from openimapi.mmc.modeparams import ModeParameters
from openimapi.mmc.sense import build_fixed_sense
from openimapi.virtual import conditions as cc
from openimapi.virtual.conditions import CheckCondition
from openimapi.virtual.device import Device, default_page05, handler

__all__: list[str] = []


@handler(0x00, "medium", busy_ok=True)
def test_unit_ready(dev: Device, cmd: Command) -> bytes:
    spc.TestUnitReady.from_cdb(cmd.cdb)
    disc = dev.medium()
    if disc.s.get("busy"):
        progress = disc.poll_busy()
        if progress is not None:
            raise dev.busy_condition(progress)
    return b""


@handler(0x03, "any", ua_exempt=True, busy_ok=True)
def request_sense(dev: Device, cmd: Command) -> bytes:
    req = spc.RequestSense.from_cdb(cmd.cdb)
    if req.desc:
        raise cc.invalid_field(1, 0, message="descriptor-format sense is not supported")
    ua = dev.state.get("unit_attention")
    if ua:
        dev.state["unit_attention"] = None
        return build_fixed_sense(0x6, ua[0], ua[1])[: req.allocation_length]
    if dev.disc is None:
        tray = bool(dev.state.get("tray_open"))
        return build_fixed_sense(0x2, 0x3A, 0x02 if tray else 0x01)[: req.allocation_length]
    if dev.disc.s.get("busy"):
        progress = dev.disc.poll_busy()
        if progress is not None:
            return dev.busy_condition(progress).sense[: req.allocation_length]
    return build_fixed_sense(0x0, 0x00, 0x00)[: req.allocation_length]


def _serial(dev: Device) -> str:
    return f"VIRT{abs(hash(dev.drive.name)) % 10**8:08d}"


@handler(0x12, "any", ua_exempt=True, busy_ok=True)
def inquiry(dev: Device, cmd: Command) -> bytes:
    req = spc.Inquiry.from_cdb(cmd.cdb)
    m = dev.model
    if req.evpd:
        if req.page_code == 0x00:
            return vpd.SupportedVpdPages(pages=(0x00, 0x80)).to_bytes()
        if req.page_code == 0x80:
            return vpd.UnitSerialNumberPage(serial_number=_serial(dev)).to_bytes()
        raise cc.invalid_field(2, message=f"VPD page {req.page_code:#04x} is not supported")
    data = spc.InquiryData(
        vendor=m.vendor, product=m.product, revision=m.revision, rmb=True, version=0, response_data_format=2,
        vendor_specific=_serial(dev).encode("ascii").ljust(20, b" "),
        version_descriptors=(0x02A0, 0x0300, 0, 0, 0, 0, 0, 0), trailing=bytes(22),
    )
    return data.to_bytes()


# --------------------------------------------------------------------------- mode pages


def page05_fields(dev: Device) -> dict[str, Any]:
    """The write-parameters page as keyword arguments of ``WriteParametersPage``."""
    return dev.page05


def _write_params(dev: Device) -> mp.WriteParametersPage:
    return mp.WriteParametersPage(**page05_fields(dev))


def _kbps(multiple: int, one_x: int) -> int:
    return min(round(multiple * one_x / 1000), 0xFFFF)


def capabilities_page(dev: Device) -> mp.CapabilitiesPage:
    """Page 2Ah from the model and the loaded medium."""
    m = dev.model
    p = set(m.profiles)
    w = set(m.writes)
    disc = dev.disc
    speeds: tuple[mp.WriteSpeedDescriptor, ...] = ()
    current = 0
    family = "cd"
    if disc is not None and m.reads(disc.medium):
        family = disc.medium.family.value
        mults = m.write_speeds(disc.medium)
        one_x = disc.medium.one_x
        speeds = tuple(mp.WriteSpeedDescriptor(_kbps(x, one_x)) for x in mults)
        if speeds:
            current = int(dev.write_speed() // 1000)
    from openimapi.virtual.media import ONE_X

    max_read = _kbps(m.max_read.get(family, m.max_read["cd"]), ONE_X[family if family in m.max_read else "cd"])
    return mp.CapabilitiesPage(
        cd_r_read=True, cd_rw_read=True, method2=True, dvd_rom_read=0x10 in p, dvd_r_read=0x11 in p,
        dvd_ram_read=0x12 in p, cd_r_write=0x09 in w, cd_rw_write=0x0A in w, test_write=m.test_write,
        dvd_r_write=0x11 in w, dvd_ram_write=0x12 in w, audio_play=True, mode2_form1=True, mode2_form2=True,
        multi_session=True, buf=m.bufe, cdda_commands=True, cdda_stream_accurate=True, rw_supported=True,
        rw_deinterleaved=True, c2_pointers=True, isrc=True, upc=True, lock=True,
        lock_state=bool(dev.state.get("prevent")), eject=True, loading_mechanism=mp.LoadingMechanism.TRAY,
        max_read_speed=max_read, volume_levels=256, buffer_size=m.buffer_size // 1024, current_read_speed=max_read,
        max_write_speed=speeds[0].write_speed if speeds else 0, current_write_speed=current,
        current_write_speed_selected=current, write_speed_descriptors=speeds,
    )


def _page(dev: Device, code: int, pc: int) -> list[Any]:
    if code == 0x01:
        return [mp.ReadWriteErrorRecoveryPage(read_retry_count=0x20 if pc != 1 else 0xFF,
                                              write_retry_count=1 if pc != 1 else 0)]
    if code == 0x05:
        if pc == 1:
            mask = bytearray(mp.WriteParametersPage().to_bytes())
            mask[2:16] = bytes([0x7F, 0xFF, 0x0F, 0xFF, 0, 0x3F, 0xFF, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
            return [mp.ModePage(code=0x05, data=bytes(mask[2:]))]
        fields = default_page05() if pc == 2 else page05_fields(dev)
        return [mp.WriteParametersPage(**fields)]
    if code == 0x1A:
        return [mp.PowerConditionPage()]
    if code == 0x2A:
        if pc == 1:
            return [mp.ModePage(code=0x2A, data=bytes(len(capabilities_page(dev).to_bytes()) - 2))]
        return [capabilities_page(dev)]
    raise KeyError(code)


@handler(0x5A, "any")
def mode_sense10(dev: Device, cmd: Command) -> bytes:
    req = spc.ModeSense10.from_cdb(cmd.cdb)
    if req.page_control == 3:
        raise CheckCondition(0x5, 0x39, 0x00, "saving parameters is not supported")
    if req.subpage_code not in (0, 0xFF):
        raise cc.invalid_field(3)
    pages: list[Any] = []
    if req.page_code == 0x3F:
        for code in (0x01, 0x05, 0x1A, 0x2A):
            pages += _page(dev, code, req.page_control)
    else:
        try:
            pages = _page(dev, req.page_code, req.page_control)
        except KeyError:
            raise cc.invalid_field(2, 5, message=f"mode page {req.page_code:#04x} is not supported") from None
    answer = ModeParameters(pages=tuple(pages))
    return answer.to_bytes()


@handler(0x55, "any")
def mode_select10(dev: Device, cmd: Command) -> bytes:
    req = spc.ModeSelect10.from_cdb(cmd.cdb, cmd.data_out)
    if req.sp:
        raise CheckCondition(0x5, 0x39, 0x00, "saving parameters is not supported", field=(True, 1, 0))
    if not req.pf:
        raise cc.invalid_field(1, 4)
    if not cmd.data_out:
        return b""
    params = req.parameters
    offset = 8 + sum(d.size for d in params.block_descriptors)
    for page in params.pages:
        if isinstance(page, mp.WriteParametersPage):
            _select_page05(dev, page, offset)
        elif page.code in (0x01, 0x1A, 0x2A):
            pass  # accepted; these values do not change the emulation
        else:
            raise cc.invalid_field(offset, 5, in_cdb=False, message=f"mode page {page.code:#04x} cannot be set")
        offset += len(page.to_bytes())
    return b""


def _select_page05(dev: Device, page: mp.WriteParametersPage, at: int) -> None:
    """Check a new write-parameters page as a drive does (5/26/00 with a field pointer)."""
    m = dev.model
    if page.write_type not in (0, 1, 2) + ((3,) if m.cd_raw else ()):
        raise cc.invalid_field(at + 2, 3, in_cdb=False, message=f"write type {page.write_type} is not supported")
    if page.data_block_type not in (0, 1, 2, 3, 8, 9, 10, 11, 12, 13):
        raise cc.invalid_field(at + 4, 3, in_cdb=False, message="reserved data block type")
    if page.multi_session == 2:
        raise cc.invalid_field(at + 3, 7, in_cdb=False, message="reserved multi-session value")
    audio = not page.track_mode & 0x4
    if page.write_type in (0, 1) and audio and page.data_block_type > 3:
        raise cc.invalid_field(at + 4, 3, in_cdb=False, message="audio track mode with a data block type")
    if page.write_type == 0 and page.fp and page.packet_size == 0:
        raise cc.invalid_field(at + 10, None, in_cdb=False, message="fixed packets of size 0")
    if page.write_type == 0 and dev.disc is not None and dev.disc.medium.is_cd:
        raise cc.invalid_field(at + 2, 3, in_cdb=False, message="CD packet writing is not emulated")
    if page.test_write and (not m.test_write or (dev.disc is not None and not (
            dev.disc.medium.is_cd or dev.disc.medium.profile in (0x11, 0x14)))):
        raise cc.invalid_field(at + 2, 4, in_cdb=False, message="test write is not possible on this medium")
    fields = {
        "write_type": int(page.write_type), "test_write": page.test_write, "ls_v": page.ls_v, "bufe": page.bufe,
        "multi_session": int(page.multi_session), "fp": page.fp, "copy": page.copy,
        "track_mode": int(page.track_mode), "data_block_type": int(page.data_block_type),
        "link_size": page.link_size, "host_application_code": page.host_application_code,
        "session_format": int(page.session_format), "packet_size": page.packet_size,
        "audio_pause_length": page.audio_pause_length, "mcn": page.mcn, "isrc": page.isrc,
    }
    dev.state["page05"] = fields


# --------------------------------------------------------------------------- tray and lock


@handler(0x1B, "any")
def start_stop_unit(dev: Device, cmd: Command) -> bytes:
    req = spc.StartStopUnit.from_cdb(cmd.cdb)
    if req.power_condition:
        dev.state["power"] = int(req.power_condition)
        return b""
    if not req.loej:
        return b""  # spin up / spin down
    if not req.start:  # eject
        if dev.state.get("prevent"):
            raise CheckCondition(0x5, 0x53, 0x02, "medium removal prevented")
        if dev.disc is not None and dev.disc.s.get("busy"):
            raise dev.busy_condition(0)
        dev.state["tray_open"] = True
        if dev.state.get("disc"):
            dev.state["media_event"] = 3
        dev.buffer.stop()
        return b""
    if dev.state.get("tray_open"):  # load
        dev.state["tray_open"] = False
        if dev.state.get("disc"):
            dev.state["media_event"] = 2
            dev.state["unit_attention"] = [0x28, 0x00]
    return b""


@handler(0x1E, "any")
def prevent_allow(dev: Device, cmd: Command) -> bytes:
    req = spc.PreventAllowMediumRemoval.from_cdb(cmd.cdb)
    dev.state["prevent"] = bool(req.prevent)
    return b""
