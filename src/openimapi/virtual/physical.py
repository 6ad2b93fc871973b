"""Handlers of the physical-media queries: GET PERFORMANCE (write speeds, type 03h, and
nominal performance, type 00h) and READ DISC STRUCTURE. Answers are built with
:mod:`openimapi.mmc.performance` and :mod:`openimapi.mmc.structure`.
"""

from __future__ import annotations

from openimapi.mmc import performance as mperf
from openimapi.mmc import structure as mst
from openimapi.mmc.command import Command
from openimapi.virtual import conditions as cc
from openimapi.virtual.conditions import CheckCondition
from openimapi.virtual.device import Device, handler
from openimapi.virtual.discstate import DiscState
from openimapi.virtual.info import current_medium
from openimapi.virtual.media import Medium

__all__: list[str] = []


# --------------------------------------------------------------------------- GET PERFORMANCE


def _kbps(multiple: int, medium: Medium) -> int:
    return round(multiple * medium.one_x / 1000)


@handler(0xAC, "any")
def get_performance(dev: Device, cmd: Command) -> bytes:
    req = mperf.GetPerformance.from_cdb(cmd.cdb)
    medium, disc = current_medium(dev)
    kind = int(req.type)
    if kind == 3:
        if medium is None or disc is None:
            return mperf.WriteSpeeds(()).to_bytes()
        end = disc.capacity - 1
        read = _kbps(dev.model.max_read.get(medium.family.value, 8), medium)
        descs = tuple(mperf.SpeedDescriptor(end, read, _kbps(x, medium), wrc=1 if medium.is_bd else 0)
                      for x in dev.model.write_speeds(medium))
        return mperf.WriteSpeeds(descs[: req.max_descriptors]).to_bytes()
    if kind == 0:
        write = bool(req.data_type & 0x04)
        if req.data_type & 0x03:  # exception lists: none here
            return mperf.Performance((), write=write, exceptions=True).to_bytes()
        if medium is None or disc is None:
            raise cc.no_medium(bool(dev.state.get("tray_open")))
        end = disc.capacity - 1
        speed = int(dev.write_speed() // 1000) if write else _kbps(dev.model.max_read.get(medium.family.value, 8),
                                                                      medium)
        desc = mperf.NominalPerformance(0, speed, end, speed)
        return mperf.Performance((desc,), write=write).to_bytes()
    raise cc.invalid_field(10, message=f"performance type {kind:#04x} is not emulated")



# --------------------------------------------------------------------------- READ DISC STRUCTURE

#: DVD book type of each profile (ECMA-267/337/349; MMC-6 table 432).
_BOOK = {0x10: 0x0, 0x12: 0x1, 0x11: 0x2, 0x13: 0x3, 0x14: 0x3, 0x1A: 0x9, 0x1B: 0xA, 0x2B: 0xE}


def _split_id(media_id: str, first: int, second: int) -> tuple[str, str]:
    """("CMC MAG", "M01") of "CMC MAG/M01": manufacturer and media type ids."""
    left, _, right = media_id.partition("/")
    return left[:first], right[:second]


def _dvd_physical(disc: DiscState) -> mst.DvdPhysicalFormat:
    m = disc.medium
    end = disc.capacity if m.writable else disc.recorded_end()
    layer_type = 1 if m.rom else 2 if m.write_once else 4
    layer0 = 0x030000 + m.layer_break - 1 if m.layers == 2 else 0
    return mst.DvdPhysicalFormat(book_type=_BOOK.get(disc.profile, 0), part_version=1,
                                 disc_size=0, max_rate=0x2 if m.writable else 0xF, layers=m.layers,
                                 layer_type=layer_type, data_start=0x030000, data_end=0x030000 + max(end, 1) - 1,
                                 layer0_end=layer0)


def _bd_disc_information(disc: DiscState) -> mst.BdDiscInformation:
    m = disc.medium
    unit = bytearray(112 if m.writable else 64)
    unit[0:2] = b"DI"
    unit[2] = 1  # DI format
    unit[3] = 1  # DI units in each DI block
    unit[6] = len(unit)  # bytes in use
    unit[8:11] = b"BDO" if m.rom else b"BDR" if m.write_once else b"BDW"
    unit[11] = 0x01  # disc size 120 mm, class 0, version 1
    unit[12] = 0x10 * m.layers | 0x01  # layers in this disc / layer type
    if m.writable:
        manufacturer, media_type = _split_id(m.media_id or "VIRTUAL/BD0", 6, 3)
        unit[100:106] = manufacturer.encode("ascii").ljust(6, b" ")
        unit[106:109] = media_type.encode("ascii").ljust(3, b" ")
    return mst.BdDiscInformation((mst.BdDiscInformationUnit(bytes(unit)),))


@handler(0xAD)
def read_disc_structure(dev: Device, cmd: Command) -> bytes:
    req = mst.ReadDiscStructure.from_cdb(cmd.cdb)
    disc = dev.medium()
    m = disc.medium
    media_type = int(req.media_type)
    if req.format == 0xFF:
        if m.is_bd and media_type == 1:
            entries = [mst.StructureListEntry(0x00, length=len(_bd_disc_information(disc).to_bytes()) - 4)]
        elif m.is_dvd and media_type == 0:
            entries = [mst.StructureListEntry(0x00, length=2048)]
            if disc.profile in (0x11, 0x13, 0x14):
                entries.append(mst.StructureListEntry(0x0E, length=40))
            if disc.profile in (0x1A, 0x1B, 0x2B):
                entries.append(mst.StructureListEntry(0x11, length=256))
        else:
            entries = []
        return mst.StructureList((*entries, mst.StructureListEntry(0xFF, length=0xFFFF))).to_bytes()
    if media_type == 0:
        if not m.is_dvd:
            raise CheckCondition(0x5, 0x30, 0x02, "DVD structure of a non-DVD medium")
        if req.format in (0x00, 0x10):
            if req.layer >= m.layers:
                raise cc.invalid_field(6)
            return _dvd_physical(disc).to_bytes()
        if req.format == 0x0E and disc.profile in (0x11, 0x13, 0x14):
            last = 0x030000 + disc.medium.capacity - 1
            return mst.DvdPrerecordedInformation.build(m.media_id or "VIRTUAL", last).to_bytes()
        if req.format == 0x11 and disc.profile in (0x1A, 0x1B, 0x2B):
            manufacturer, media_type_id = _split_id(m.media_id or "VIRTUAL/000", 8, 3)
            return mst.DvdAdipInformation.build(manufacturer, media_type_id, 1, _BOOK[disc.profile]).to_bytes()
        raise cc.invalid_field(7, message=f"DVD structure format {req.format:#04x} is not emulated")
    if media_type == 1:
        if not m.is_bd:
            raise CheckCondition(0x5, 0x30, 0x02, "BD structure of a non-BD medium")
        if req.format == 0x00:
            return _bd_disc_information(disc).to_bytes()
        raise cc.invalid_field(7, message=f"BD structure format {req.format:#04x} is not emulated")
    raise cc.invalid_field(1, 3)
