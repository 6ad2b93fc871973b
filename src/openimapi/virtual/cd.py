"""CD specifics of the virtual device: session-at-once with a cue sheet (writing from
LBA -150), READ CD with raw sectors and formatted subchannel Q, and the Q-channel view
of a disc that TOC, full TOC and PMA answers are built from.

Audio is stored as 2352-byte sectors; data sectors keep their 2048 user bytes, and raw
forms (sync, header, EDC/ECC) are generated on reading (ECMA-130, :mod:`openimapi.cd`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openimapi.mmc import cuesheet as mcue
from openimapi.mmc import read as mr
from openimapi.mmc.command import Command
from openimapi.virtual import conditions as cc
from openimapi.virtual.conditions import CheckCondition
from openimapi.virtual.device import Device, handler
from openimapi.virtual.discstate import DiscState

__all__ = ["QEntry", "lba_to_msf", "q_entries"]


def lba_to_msf(lba: int) -> tuple[int, int, int]:
    """(minute, second, frame) of an LBA (MSF = LBA + 150; negative LBAs of the lead-in
    wrap to 90 minutes and above, MMC-6 table 674)."""
    value = lba + 150 if lba >= -150 else lba + 450_150
    m, rest = divmod(value, 4500)
    s, f = divmod(rest, 75)
    return m, s, f


def msf_to_lba(m: int, s: int, f: int) -> int:
    value = (m * 60 + s) * 75 + f
    return value - 150 if m < 90 else value - 450_150


def _mode_of_form(form: int) -> str:
    base = form & 0x3F
    if base in (0x00, 0x01):
        return "audio"
    if base in (0x10, 0x11, 0x14):
        return "mode1"
    return "mode2"


@handler(0x5D, "write")
def send_cue_sheet(dev: Device, cmd: Command) -> bytes:
    req = mcue.SendCueSheet.from_command(cmd)
    disc = dev.medium()
    disc.check_writable()
    if not disc.medium.is_cd:
        raise CheckCondition(0x5, 0x20, 0x00, "SEND CUE SHEET is a CD command")
    if int(dev.page05["write_type"]) != 2:
        raise CheckCondition(0x5, 0x2C, 0x00, "SEND CUE SHEET needs write type SAO in page 05")
    if disc.open_track() is not None or not disc.appendable():
        raise CheckCondition(0x5, 0x2C, 0x00, "the disc has an open track or is closed")
    assert req.cue_sheet is not None
    entries = [e for e in req.cue_sheet.entries if isinstance(e, mcue.CueSheetEntry)]
    codes = [e for e in req.cue_sheet.entries if isinstance(e, mcue.CueSheetCodeEntry)]
    tracks: dict[int, dict[str, Any]] = {}
    leadout = None
    segments: list[list[int]] = []
    for i, e in enumerate(entries):
        lba = msf_to_lba(e.minute, e.second, e.frame)
        if e.track == mcue.LEAD_OUT_TRACK:
            leadout = lba
            continue
        if e.track == 0:
            continue
        segments.append([lba, 0, e.data_form])
        if i + 1 < len(entries):
            nxt = entries[i + 1]
            segments[-1][1] = msf_to_lba(nxt.minute, nxt.second, nxt.frame)
        t: dict[str, Any] = tracks.setdefault(
            e.track, {"index0": None, "index1": None, "control": e.control, "mode": _mode_of_form(e.data_form)})
        if e.index == 0:
            t["index0"] = lba
        elif e.index == 1 and t["index1"] is None:
            t["index1"] = lba
            t["mode"] = _mode_of_form(e.data_form)
    if leadout is None or not tracks or any(t["index1"] is None for t in tracks.values()):
        raise cc.invalid_field(0, in_cdb=False, message="the cue sheet needs index 1 of every track and a lead-out")
    first = min(s[0] for s in segments)
    nwa = disc.next_track_start() - (150 if not disc.tracks else 0)
    if first != nwa and not (not disc.tracks and first == -150):
        raise cc.invalid_field(5, in_cdb=False, message=f"the cue sheet starts at {first}, the disc at {nwa}")
    if leadout > disc.capacity:
        raise CheckCondition(0x5, 0x21, 0x00, "the cue sheet does not fit the disc")
    numbers = sorted(tracks)
    session = len(disc.sessions)
    for k, n in enumerate(numbers):
        t = tracks[n]
        end = leadout
        if k + 1 < len(numbers):
            after = tracks[numbers[k + 1]]
            end = after["index0"] if after["index0"] is not None else after["index1"]
        start = int(t["index1"])
        pregap = start - int(t["index0"]) if t["index0"] is not None else 0
        disc.tracks.append({"session": session, "start": start, "reserved": None, "written": 0, "closed": False,
                            "control": int(t["control"]), "mode": t["mode"], "pregap": pregap, "sao_end": end})
    mcn = "".join(c.text for c in codes if c.adr == 2)
    if mcn:
        disc.s["mcn"] = mcn
    isrc: dict[str, str] = {}
    for c in codes:
        if c.adr == 3 and c.payload[0] in tracks:
            isrc[str(c.payload[0])] = isrc.get(str(c.payload[0]), "") + c.text
    disc.s["isrc"].update(isrc)
    disc.s["cue"] = {"start": first, "written": 0, "leadout": leadout, "segments": segments}
    lead_in = [e for e in entries if e.track == 0]
    if lead_in and lead_in[0].data_form >> 6 == 1 and disc.medium.atip is not None:
        # CD-TEXT: the host sends the lead-in's R-W packs (data form 41h), 96 bytes a block
        disc.s["cue"]["text"] = {"start": disc.medium.atip.lead_in_lba, "written": 0, "done": False}
        disc.s["cd_text"] = ""
    return b""


def write_leadin_text(disc: DiscState, lba: int, blocks: int, data: bytes) -> None:
    """Lead-in blocks of packed R-W: keep the distinct CD-TEXT packs (the list repeats).

    Raises:
        CheckCondition: not at the next lead-in address, or no CD-TEXT in the cue sheet.
    """
    from openimapi.cd.leadin_text import symbols_to_packs

    text = disc.s["cue"].get("text")
    if text is None:
        raise cc.invalid_write_address(f"LBA {lba} lies in the lead-in")
    expected = int(text["start"]) + int(text["written"])
    if lba != expected or lba + blocks > -150:
        raise cc.invalid_write_address(f"lead-in write at {lba}, expected {expected}")
    packs = bytes.fromhex(disc.s.get("cd_text") or "")
    raw = symbols_to_packs(data)
    for i in range(0, len(raw), 18):
        if text["done"]:
            break
        pack = raw[i : i + 18]
        if packs and pack == packs[:18]:
            text["done"] = True
        else:
            packs += pack
    disc.s["cd_text"] = packs.hex()
    text["written"] = int(text["written"]) + blocks


@handler(0x42)
def read_subchannel(dev: Device, cmd: Command) -> bytes:
    """READ SUB-CHANNEL (MMC-6 6.30): formats 02h (media catalogue number) and 03h (ISRC)."""
    disc = dev.medium()
    fmt, track = cmd.cdb[3], cmd.cdb[6]
    if not disc.medium.is_cd:
        raise CheckCondition(0x5, 0x64, 0x00, "READ SUB-CHANNEL of a non-CD medium")
    if not cmd.cdb[2] & 0x40:
        return bytes(4)
    body = bytearray(20)
    body[0] = fmt
    if fmt == 2:
        mcn = str(disc.s.get("mcn") or "")
        if mcn:
            body[4] = 0x80
            body[5:18] = mcn.encode("ascii")[:13].ljust(13, b"0")
    elif fmt == 3:
        if not 1 <= track <= len(disc.tracks):
            raise cc.invalid_field(6)
        body[1] = 0x10 | int(disc.tracks[track - 1]["control"])
        body[2] = track
        isrc = str(disc.s.get("isrc", {}).get(str(track), ""))
        if isrc:
            body[4] = 0x80
            body[5:17] = isrc.encode("ascii")[:12].ljust(12, b"0")
    else:
        raise cc.invalid_field(3, message=f"READ SUB-CHANNEL format {fmt} is not emulated")
    return bytes([0, 0x15]) + len(body).to_bytes(2, "big") + bytes(body)


def sao_block_size(disc: DiscState, lba: int) -> int:
    """Bytes per block the host sends at ``lba`` of a disc-at-once write."""
    cue = disc.s["cue"]
    if lba < -150 and cue.get("text") is not None:
        return 96
    for start, end, form in cue["segments"]:
        if start <= lba < end:
            return mcue.cue_sheet_block_size(form) or 2352
    return 2352


# --------------------------------------------------------------------------- subchannel Q


def _bcd(v: int) -> int:
    return (v // 10) << 4 | (v % 10)


def _crc16(data: bytes) -> int:
    """CRC-16/CCITT (x^16 + x^12 + x^5 + 1) of Q, stored inverted (Red Book / ECMA-130 22.3.6)."""
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc ^ 0xFFFF


def formatted_q(disc: DiscState, lba: int) -> bytes:
    """16 bytes of formatted Q (MMC-6 READ CD, sub-channel selection 010b) at ``lba``."""
    t = disc.track_of(lba)
    number = disc.tracks.index(t) + 1 if t is not None else 0xAA
    control = int(t["control"]) if t is not None else 0
    start = int(t["start"]) if t is not None else lba
    index = 1 if lba >= start else 0
    rel = abs(lba - start)
    rm, rs, rf = lba_to_msf(rel - 150)
    am, as_, af = lba_to_msf(lba)
    q = bytes([control << 4 | 1, _bcd(number) if number != 0xAA else 0xAA, _bcd(index), _bcd(rm), _bcd(rs),
               _bcd(rf), 0, _bcd(am), _bcd(as_), _bcd(af)])
    return q + _crc16(q).to_bytes(2, "big") + bytes(4)


# --------------------------------------------------------------------------- READ CD

_PARTS = {  # sector type -> offsets of (sync, header, subheader, user, edc/ecc) in the raw sector
    "mode1": ((0, 12), (12, 16), (16, 16), (16, 2064), (2064, 2352)),
    "mode2": ((0, 12), (12, 16), (16, 24), (24, 2072), (2072, 2352)),
}


def _raw_data_sector(disc: DiscState, lba: int, mode: str) -> bytes:
    from openimapi.cd.sector import encode_mode1, encode_mode2_form1

    user = disc.data.read(disc.slot(lba), 2048)
    enc = encode_mode1(user, lba) if mode == "mode1" else encode_mode2_form1(user, lba)
    return enc.tobytes()


@handler(0xBE)
def read_cd(dev: Device, cmd: Command) -> bytes:
    req = mr.ReadCd.from_cdb(cmd.cdb)
    disc = dev.medium()
    if not disc.medium.is_cd:
        raise CheckCondition(0x5, 0x64, 0x00, "READ CD of a non-CD medium")
    if req.transfer_length and not disc.recorded(req.lba, req.lba + req.transfer_length):
        raise cc.lba_out_of_range(f"READ CD {req.lba}+{req.transfer_length}: not recorded")
    out = bytearray()
    for lba in range(req.lba, req.lba + req.transfer_length):
        t = disc.track_of(lba)
        mode = t["mode"] if t is not None else "audio"
        actual = {"audio": mr.SectorType.CD_DA, "mode1": mr.SectorType.MODE1,
                  "mode2": mr.SectorType.MODE2_FORM1}[mode]
        if req.sector_type not in (mr.SectorType.ANY, actual):
            raise CheckCondition(0x5, 0x64, 0x00, "illegal mode for this track", information=lba)
        try:
            req.sector_size(actual)
        except ValueError:
            raise cc.invalid_field(9, message="illegal READ CD field selection") from None
        if mode == "audio":
            if req.sync or req.header_codes or req.user_data or req.edc_ecc:
                out += disc.data.read(disc.slot(lba), 2352)
        else:
            raw = _raw_data_sector(disc, lba, mode)
            sync, header, sub, user, edc = _PARTS[mode]
            hc = int(req.header_codes)
            chosen = [(sync, req.sync), (header, hc in (1, 3)), (sub, hc in (2, 3) and mode == "mode2"),
                      (user, req.user_data), (edc, req.edc_ecc)]
            for (a, b), want in chosen:
                if want:
                    out += raw[a:b]
        out += bytes({0: 0, 1: 294, 2: 296}[int(req.c2)])
        sub_sel = int(req.subchannel)
        if sub_sel == 2:
            out += formatted_q(disc, lba)
        elif sub_sel in (1, 4):
            out += bytes(96)
    return bytes(out)


# --------------------------------------------------------------------------- Q entries of TOC / PMA


@dataclass(frozen=True, slots=True)
class QEntry:
    """One Q-channel entry of the lead-in (full TOC, MMC-6 table 481)."""

    session: int
    control: int
    adr: int
    point: int
    min: int
    sec: int
    frame: int
    pmin: int
    psec: int
    pframe: int


def q_entries(disc: DiscState) -> list[QEntry]:
    """The lead-in Q entries of every closed session: A0 (first track, disc type), A1 (last
    track), A2 (lead-out start) and one per track; B0 for appendable discs."""
    out: list[QEntry] = []
    disc_type = 0x20 if any(t["mode"] == "mode2" for t in disc.tracks) else 0x00
    sessions = [i + 1 for i, s in enumerate(disc.sessions) if s["closed"]]
    for number in sessions:
        in_s = [(i + 1, t) for i, t in enumerate(disc.tracks) if t["session"] == number]
        if not in_s:
            continue
        first, last = in_s[0][0], in_s[-1][0]
        ctl_first, ctl_last = int(in_s[0][1]["control"]), int(in_s[-1][1]["control"])
        lead_out = disc.track_end(in_s[-1][1])
        out.append(QEntry(number, ctl_first, 1, 0xA0, 0, 0, 0, first, disc_type, 0))
        out.append(QEntry(number, ctl_last, 1, 0xA1, 0, 0, 0, last, 0, 0))
        out.append(QEntry(number, ctl_last, 1, 0xA2, 0, 0, 0, *lba_to_msf(lead_out)))
        for n, t in in_s:
            out.append(QEntry(number, int(t["control"]), 1, n, 0, 0, 0, *lba_to_msf(int(t["start"]))))
        if not disc.finalized and number == sessions[-1] and disc.atip_lead_out() is not None:
            nxt = disc.next_track_start()
            m, s, f = lba_to_msf(nxt)
            out.append(QEntry(number, ctl_last, 5, 0xB0, m, s, f, *lba_to_msf(disc.atip_lead_out() or 0)))
    return out
