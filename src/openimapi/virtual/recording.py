"""Handlers of the recording commands: WRITE(10/12), READ(10/12), VERIFY(10), SYNCHRONIZE
CACHE, RESERVE TRACK, CLOSE TRACK/SESSION, BLANK, FORMAT UNIT.

Sequential media (CD-R/RW, DVD±R, DVD-RW sequential, BD-R) accept writes only at a next
writable address; randomly writable media (formatted DVD+RW, DVD-RAM, BD-RE, DVD-RW in
restricted overwrite) anywhere below their formatted capacity.
"""

from __future__ import annotations

from typing import Any

from openimapi.mmc import write as mw
from openimapi.mmc.command import Command
from openimapi.virtual import conditions as cc
from openimapi.virtual.conditions import CheckCondition
from openimapi.virtual.device import Device, handler
from openimapi.virtual.discstate import DiscState

__all__: list[str] = []

#: page 05 data block type -> track mode of a CD track started with it.
_DATA_MODES = {0: "audio", 1: "audio", 2: "audio", 3: "audio", 8: "mode1", 9: "mode2", 10: "mode2", 11: "mode2",
               12: "mode2", 13: "mode2"}


def _cd_track_mode(page: dict[str, Any]) -> str:
    control = int(page["track_mode"])
    dbt = int(page["data_block_type"])
    if not control & 0x4:
        if dbt > 3:
            raise CheckCondition(0x5, 0x64, 0x00, "audio track mode with a data block type")
        return "audio"
    if dbt <= 3:
        return "mode1"  # raw data sectors
    return _DATA_MODES.get(dbt, "mode1")


#: Where the 2048 user bytes sit in a block the host sends, by block size and track mode:
#: raw sectors (2352, and 2368/2448 with sub-channel) carry sync and header (mode 2: and
#: the sub-header) before them; a mode 2 block of 2336 starts with the sub-header.
_USER_OFFSET = {("mode1", 2352): 16, ("mode2", 2352): 24, ("mode2", 2336): 8}


def _store_cd(disc: DiscState, lba: int, data: bytes, block: int, blocks: int, mode: str | None = None) -> None:
    """Store CD sectors in 2352-byte slots: audio as its 2352 bytes, data as its 2048 user
    bytes at offset 0 (raw data sectors are unpacked; READ CD rebuilds them)."""
    if block == 2352 and mode == "audio":
        disc.data.write(disc.slot(lba), data)
        return
    buf = bytearray(blocks * 2352)
    for i in range(blocks):
        kind = mode
        if kind is None:
            track = disc.track_of(lba + i)
            kind = str(track["mode"]) if track is not None else "audio"
        chunk = data[i * block : (i + 1) * block]
        if kind == "audio":
            buf[i * 2352 : i * 2352 + min(block, 2352)] = chunk[:2352]
            continue
        offset = _USER_OFFSET.get((kind, min(block, 2352)), 0)
        buf[i * 2352 : i * 2352 + 2048] = chunk[offset : offset + 2048]
    disc.data.write(disc.slot(lba), bytes(buf))


def do_write(dev: Device, lba: int, blocks: int, data: bytes) -> None:
    """One WRITE: check the address against the medium and the state, then record.

    Raises:
        CheckCondition: every misuse (wrong NWA, past capacity, closed disc, ...).
    """
    disc = dev.medium()
    disc.check_writable()
    m = disc.medium
    if not dev.model.writes_medium(m):
        raise cc.incompatible_format(f"this drive does not record {m.title}")
    if blocks == 0:
        return
    dev.pace(len(data))
    page = dev.page05
    test = bool(page.get("test_write")) and (m.is_cd or m.profile == 0x11)
    if disc.random_access:
        disc.write_random(lba, blocks, data)
        return
    if m.needs_format:
        if m.profile == 0x1A:  # a blank DVD+RW starts background formatting on the first write
            disc.format(0x26, 0xFFFFFFFF)
            disc.write_random(lba, blocks, data)
            return
        raise cc.not_formatted(f"{m.title} must be formatted first")
    if m.is_cd and disc.s.get("cue"):
        _write_sao(dev, disc, lba, blocks, data, test)
        return
    if test:
        _write_simulated(dev, disc, lba, blocks)
        return
    track = disc.writable_track_at(lba)
    if track is None:
        if lba >= disc.capacity:
            raise cc.lba_out_of_range(f"LBA {lba} is past the end of the medium")
        raise cc.invalid_write_address(f"LBA {lba} is not a next writable address")
    if m.is_cd:
        wt = int(page["write_type"])
        if wt != 1:
            raise CheckCondition(0x5, 0x64, 0x00, "CD incremental writing needs write type TAO")
        mode = _cd_track_mode(page)
        if track["written"] == 0:
            track["mode"] = mode
            track["control"] = int(page["track_mode"])
            track["pregap"] = 0 if not disc.tracks else 150
            if page.get("isrc"):
                disc.s["isrc"][str(len(disc.tracks) + 1)] = page["isrc"]
            if page.get("mcn"):
                disc.s["mcn"] = page["mcn"]
        elif track["mode"] != mode:
            raise CheckCondition(0x5, 0x64, 0x00, "illegal mode for this track")
    limit = int(track["start"]) + int(track["reserved"]) if track["reserved"] is not None else disc.capacity
    if lba + blocks > limit:
        raise cc.lba_out_of_range("the write does not fit the track")
    if m.is_cd:
        _store_cd(disc, lba, data, dev.write_block_size(), blocks, str(track["mode"]))
    else:
        disc.data.write(disc.slot(lba), data)
    track["written"] = int(track["written"]) + blocks
    disc.add_track(track)


def _write_simulated(dev: Device, disc: DiscState, lba: int, blocks: int) -> None:
    """Test write: the drive goes through the motions and records nothing."""
    sim = dev.sim
    if sim is None:
        track = disc.writable_track_at(lba)
        if track is None:
            raise cc.invalid_write_address(f"LBA {lba} is not a next writable address")
        sim = dev.sim = {"nwa": lba}
    if lba != sim["nwa"]:
        raise cc.invalid_write_address(f"LBA {lba} is not the next writable address {sim['nwa']}")
    if lba + blocks > disc.capacity:
        raise cc.lba_out_of_range()
    sim["nwa"] = lba + blocks


def _write_sao(dev: Device, disc: DiscState, lba: int, blocks: int, data: bytes, test: bool) -> None:
    cue = disc.s["cue"]
    if lba < -150:
        from openimapi.virtual.cd import write_leadin_text

        write_leadin_text(disc, lba, blocks, data)
        return
    nwa = int(cue["start"]) + int(cue["written"])
    if lba != nwa:
        raise cc.invalid_write_address(f"SAO write at {lba}, expected {nwa}")
    if lba + blocks > int(cue["leadout"]):
        raise cc.lba_out_of_range("the write runs into the lead-out of the cue sheet")
    if not test:
        _store_cd(disc, lba, data, block_size_at(dev, lba), blocks)
    cue["written"] = int(cue["written"]) + blocks
    for t in disc.tracks:
        if t["session"] == len(disc.sessions) and not t["closed"]:
            t["written"] = max(0, min(lba + blocks, disc.track_end_cue(t)) - int(t["start"]))


@handler(0x2A, "write")
def write10(dev: Device, cmd: Command) -> bytes:
    head = mw.Write10.from_cdb(cmd.cdb, block_size=1)
    _check_length(dev, cmd, head.lba, head.transfer_length)
    do_write(dev, head.lba, head.transfer_length, cmd.data_out)
    return b""


@handler(0xAA, "write")
def write12(dev: Device, cmd: Command) -> bytes:
    head = mw.Write12.from_cdb(cmd.cdb, block_size=1)
    _check_length(dev, cmd, head.lba, head.transfer_length)
    do_write(dev, head.lba, head.transfer_length, cmd.data_out)
    return b""


def block_size_at(dev: Device, lba: int) -> int:
    """Bytes per block the host sends for a WRITE at ``lba``."""
    disc = dev.medium()
    if disc.medium.is_cd and disc.s.get("cue"):
        from openimapi.virtual.cd import sao_block_size

        return sao_block_size(disc, lba)
    return dev.write_block_size()


def _check_length(dev: Device, cmd: Command, lba: int, blocks: int) -> None:
    size = block_size_at(dev, lba)
    if len(cmd.data_out) != blocks * size:
        raise cc.parameter_length_error(f"{len(cmd.data_out)} bytes sent for {blocks} blocks of {size}")


@handler(0x35, "write")
def synchronize_cache(dev: Device, cmd: Command) -> bytes:
    req = mw.SynchronizeCache.from_cdb(cmd.cdb)
    disc = dev.medium()
    dev.buffer.stop()
    dev.sim = None
    m = disc.medium
    if m.is_cd and disc.s.get("cue"):
        cue = disc.s["cue"]
        if int(cue["start"]) + int(cue["written"]) >= int(cue["leadout"]):
            _finish_sao(dev, disc)
    elif m.is_cd:
        t = disc.open_track()
        if t is not None and t["written"]:
            t["closed"] = True  # TAO: the drive writes the run-out and closes the track
    del req
    dev.commit()
    return b""


def _finish_sao(dev: Device, disc: DiscState) -> None:
    for t in disc.tracks:
        if t["session"] == len(disc.sessions):
            t["written"] = disc.track_end_cue(t) - int(t["start"])
            t["closed"] = True
    disc.s["cue"] = None
    disc.close_session(finalize=int(dev.page05["multi_session"]) == 0)


@handler(0x53, "write")
def reserve_track(dev: Device, cmd: Command) -> bytes:
    req = mw.ReserveTrack.from_cdb(cmd.cdb)
    disc = dev.medium()
    if req.size is not None:
        size = req.size
    else:
        assert req.lba is not None
        size = req.lba - disc.next_track_start()
        if size <= 0:
            raise cc.invalid_field(2)
    if disc.medium.is_cd:
        raise CheckCondition(0x5, 0x64, 0x00, "track reservation on CD needs write type SAO/packet")
    disc.reserve(size)
    dev.commit()
    return b""


@handler(0x5B, "write")
def close_track_session(dev: Device, cmd: Command) -> bytes:
    req = mw.CloseTrackSession.from_cdb(cmd.cdb)
    disc = dev.medium()
    if not disc.random_access:
        disc.check_writable()
    fn = int(req.function)
    m = disc.medium
    if disc.random_access or (m.needs_format and m.profile == 0x1A):
        if fn in (0, 2, 3):
            disc.stop_background_format()
        elif fn != 1:
            raise cc.invalid_field(2, 2)
    elif fn == 1:
        disc.close_track(req.number)
    elif fn == 2 or (fn == 4 and m.layers == 2):
        finalize = (m.is_cd or m.profile in (0x11, 0x14)) and int(dev.page05["multi_session"]) == 0
        disc.close_session(finalize=finalize)
    elif (fn == 3 and m.profile == 0x14) or (fn in (5, 6) and m.profile in (0x1B, 0x2B)) or (fn == 6 and m.is_bd):
        disc.close_session(finalize=True)
    else:
        raise cc.invalid_field(2, 2, message=f"close function {fn} does not apply to {m.title}")
    dev.start_long("close", 64 * 2048, req.immed)
    dev.commit()
    return b""


@handler(0xA1, "write")
def blank(dev: Device, cmd: Command) -> bytes:
    req = mw.Blank.from_cdb(cmd.cdb)
    disc = dev.medium()
    kind = int(req.blanking_type)
    if kind not in (0, 1):
        raise cc.invalid_field(1, 2, message="only full and minimal blanking are emulated")
    if not disc.medium.erasable:
        raise CheckCondition(0x5, 0x30, 0x05 if disc.medium.writable else 0x02, "the medium cannot be blanked")
    disc.blank(full=kind == 0)
    size = disc.medium.capacity * disc.medium.slot_size if kind == 0 else 2 * 1024 * 1024
    dev.start_long("blank", size, req.immed)
    dev.commit()
    return b""


@handler(0x04, "write")
def format_unit(dev: Device, cmd: Command) -> bytes:
    req = mw.FormatUnit.from_command(cmd)
    disc = dev.medium()
    if req.parameters is None:
        raise cc.invalid_field(1, 4, message="FmtData=0 is not emulated")
    d = req.parameters.descriptor
    disc.format(d.format_type, d.number_of_blocks)
    bg = disc.medium.profile == 0x1A
    size = 8 * 1024 * 1024 if bg else disc.capacity * 2048
    dev.start_long("format", size, req.parameters.immed)
    dev.commit()
    return b""


def read_blocks(dev: Device, lba: int, blocks: int) -> bytes:
    """User data of READ(10/12).

    Raises:
        CheckCondition: unrecorded, past the end, or an audio track.
    """
    disc = dev.medium()
    if disc.medium.is_cd:
        for t in disc.tracks:
            if t["mode"] == "audio" and int(t["start"]) <= lba + blocks - 1 and lba < disc.track_end(t):
                raise CheckCondition(0x5, 0x64, 0x00, "READ of an audio track: use READ CD")
    return disc.read_user(lba, blocks)


@handler(0x28)
def read10(dev: Device, cmd: Command) -> bytes:
    from openimapi.mmc import read as mr

    req = mr.Read10.from_cdb(cmd.cdb)
    return read_blocks(dev, req.lba, req.transfer_length)


@handler(0xA8)
def read12(dev: Device, cmd: Command) -> bytes:
    from openimapi.mmc import read as mr

    req = mr.Read12.from_cdb(cmd.cdb)
    return read_blocks(dev, req.lba, req.transfer_length)


@handler(0x2F)
def verify10(dev: Device, cmd: Command) -> bytes:
    head = mw.Verify10.from_cdb(cmd.cdb, block_size=1)
    data = read_blocks(dev, head.lba, head.verification_length)
    if head.bytchk and cmd.data_out != data:
        raise CheckCondition(0xE, 0x1D, 0x00, "miscompare during verify")
    return b""
