"""Ripping an audio CD to BIN/CUE through any recorder (beyond IMAPI).

The BIN holds the raw 2352-byte sectors (16-bit little-endian stereo PCM at 44.1 kHz, as
on the disc) from track 1 index 1 to the lead-out; the CUE names every track with its
index 0 (when the track has a pre-gap) and index 1, its ISRC, the disc's catalogue number
and the CD-TEXT titles and performers. Pre-gaps are found from the formatted Q
sub-channel (READ CD, sub-channel selection 010b). Everything is read through MMC
commands, so the same code rips a real drive.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from openimapi.cd.cdtext import CdText
from openimapi.imapi2._drive import Drive
from openimapi.imapi2.cdread import AudioToc, read_audio, read_cdtext, read_isrc, read_mcn, read_toc
from openimapi.mmc.read import ReadCd, SectorType, SubchannelSelection

__all__ = ["RipResult", "index0_start", "rip_bin_cue"]

SECTOR = 2352


@dataclass(frozen=True, slots=True)
class RipResult:
    """Where the rip went and what the disc said."""

    cue: Path
    bin: Path
    toc: AudioToc
    pregaps: tuple[int, ...]  # index 0 LBA of each track (== its start when there is none)
    isrc: tuple[str, ...]
    mcn: str
    cd_text: CdText


def _q(drive: Drive, lba: int, count: int) -> list[bytes]:
    cmd = ReadCd(lba, count, SectorType.ANY, user_data=False, subchannel=SubchannelSelection.Q).to_command()
    data = drive.run(cmd).data
    return [data[i : i + 16] for i in range(0, len(data), 16)]


def _bcd(v: int) -> int:
    return (v >> 4) * 10 + (v & 0xF)


def index0_start(drive: Drive, toc: AudioToc, number: int) -> int:
    """First LBA of track ``number``'s pre-gap (index 0), or its start when it has none."""
    i = number - toc.first_track
    start = toc.starts[i]
    low = toc.starts[i - 1] if i else max(-150, start - 150)
    lba = start
    while lba > low:
        n = min(75, lba - low)
        qs = _q(drive, lba - n, n)
        k = n
        while k and (qs[k - 1][0] & 0xF != 1 or (_bcd(qs[k - 1][1]) == number and qs[k - 1][2] == 0)):
            k -= 1
        if k:
            return lba - n + k
        lba -= n
    return lba


def _msf(frames: int) -> str:
    return f"{frames // 4500:02d}:{frames // 75 % 60:02d}:{frames % 75:02d}"


def _quote(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


def rip_bin_cue(drive: Drive, path: str | os.PathLike[str]) -> RipResult:
    """Rip the audio disc in ``drive`` to ``path`` (.cue) and its .bin.

    Raises:
        ImapiError: the device failed (no medium, a data track, ...).
        OSError: the files cannot be written.
    """
    cue_path = Path(path).with_suffix(".cue")
    bin_path = cue_path.with_suffix(".bin")
    toc = read_toc(drive)
    numbers = range(toc.first_track, toc.last_track + 1)
    pregaps = tuple(index0_start(drive, toc, n) if n > toc.first_track else toc.starts[0] for n in numbers)
    isrc = tuple(read_isrc(drive, n) for n in numbers)
    mcn = read_mcn(drive)
    text = read_cdtext(drive)
    base = toc.starts[0]
    with open(bin_path, "wb") as out:
        lba = base
        while lba < toc.leadout:
            n = min(1000, toc.leadout - lba)
            out.write(read_audio(drive, lba, n))
            lba += n
    lines = []
    block = text.blocks[0] if text.blocks else None
    if mcn:
        lines.append(f"CATALOG {mcn}")
    if block is not None:
        for ptype, key in ((0x80, "TITLE"), (0x81, "PERFORMER"), (0x82, "SONGWRITER")):
            if block.text(ptype, 0):
                lines.append(f"{key} {_quote(block.text(ptype, 0))}")
    lines.append(f"FILE {_quote(bin_path.name)} BINARY")
    for i, n in enumerate(numbers):
        lines.append(f"  TRACK {n:02d} {'MODE1/2352' if toc.controls[i] & 4 else 'AUDIO'}")
        if block is not None:
            for ptype, key in ((0x80, "TITLE"), (0x81, "PERFORMER"), (0x82, "SONGWRITER")):
                if block.text(ptype, n):
                    lines.append(f"    {key} {_quote(block.text(ptype, n))}")
        if isrc[i]:
            lines.append(f"    ISRC {isrc[i]}")
        if pregaps[i] < toc.starts[i]:
            lines.append(f"    INDEX 00 {_msf(pregaps[i] - base)}")
        lines.append(f"    INDEX 01 {_msf(toc.starts[i] - base)}")
    cue_path.write_text("\n".join(lines) + "\n", encoding="latin-1")
    return RipResult(cue_path, bin_path, toc, pregaps, isrc, mcn, text)
