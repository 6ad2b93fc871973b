"""A CUE sheet reader for ``openimapi write disc.cue``: one BINARY file of raw 2352-byte
sectors, AUDIO tracks, INDEX 00/01, TITLE/PERFORMER (CD-TEXT) and CATALOG/ISRC."""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass, field

from openimapi.cli._common import EXIT_USAGE, CliError

RAW = 2352


@dataclass(slots=True)
class CueTrack:
    number: int
    kind: str
    index0: int | None = None  # frames from the start of the BIN
    index1: int = 0
    title: str = ""
    performer: str = ""
    isrc: str = ""


@dataclass(slots=True)
class CueSheet:
    bin_path: str
    title: str = ""
    performer: str = ""
    catalog: str = ""
    tracks: list[CueTrack] = field(default_factory=list)

    def track_frames(self, bin_frames: int) -> list[tuple[int, int]]:
        """(first frame, frames) of every track's audio: from its INDEX 01 to the next track's
        INDEX 00 (or INDEX 01), the last one to the end of the BIN."""
        out = []
        for i, t in enumerate(self.tracks):
            if i + 1 < len(self.tracks):
                nxt = self.tracks[i + 1]
                end = nxt.index0 if nxt.index0 is not None else nxt.index1
            else:
                end = bin_frames
            out.append((t.index1, end - t.index1))
        return out

    def gaps(self) -> list[int]:
        """Pre-gap frames of tracks 2.. (INDEX 01 - INDEX 00)."""
        return [t.index1 - t.index0 if t.index0 is not None else 0 for t in self.tracks[1:]]


def _msf(text: str, where: str) -> int:
    try:
        m, s, f = (int(v) for v in text.split(":"))
    except ValueError:
        raise CliError(f"{where}: bad time {text!r} (want MM:SS:FF)", "", EXIT_USAGE) from None
    return (m * 60 + s) * 75 + f


def read_cue(path: str) -> CueSheet:
    """Parse ``path``.

    Raises:
        CliError: not a CUE sheet this command can write (exit 2), naming the line.
    """
    base = os.path.dirname(os.path.abspath(path))
    sheet: CueSheet | None = None
    track: CueTrack | None = None
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    head: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        where = f"{path} line {number}"
        try:
            words = shlex.split(line)
        except ValueError:
            raise CliError(f"{where}: unbalanced quotes", "", EXIT_USAGE) from None
        if not words:
            continue
        key = words[0].upper()
        arg = words[1] if len(words) > 1 else ""
        if key == "FILE":
            if sheet is not None:
                raise CliError(f"{where}: only one FILE per CUE sheet is supported", "", EXIT_USAGE)
            if len(words) < 3 or words[2].upper() != "BINARY":
                raise CliError(f"{where}: the FILE must be BINARY (raw sectors)", "", EXIT_USAGE)
            sheet = CueSheet(os.path.join(base, arg), head.get("TITLE", ""), head.get("PERFORMER", ""),
                             head.get("CATALOG", ""))
        elif key == "TRACK":
            if sheet is None:
                raise CliError(f"{where}: TRACK before FILE", "", EXIT_USAGE)
            kind = words[2].upper() if len(words) > 2 else ""
            if kind != "AUDIO":
                raise CliError(f"{where}: {kind or 'this'} tracks cannot be written yet (AUDIO only)",
                               "write data discs from an ISO image", EXIT_USAGE)
            track = CueTrack(int(arg), kind)
            sheet.tracks.append(track)
        elif key == "INDEX":
            if track is None or len(words) < 3:
                raise CliError(f"{where}: INDEX outside a TRACK", "", EXIT_USAGE)
            if int(arg) == 0:
                track.index0 = _msf(words[2], where)
            elif int(arg) == 1:
                track.index1 = _msf(words[2], where)
        elif key in ("TITLE", "PERFORMER", "CATALOG", "ISRC"):
            if track is not None:
                if key in ("TITLE", "PERFORMER", "ISRC"):
                    setattr(track, key.lower(), arg)
            elif sheet is not None:
                setattr(sheet, key.lower(), arg)
            else:
                head[key] = arg
        elif key == "PREGAP":
            raise CliError(f"{where}: PREGAP (silence not in the BIN) is not supported", "", EXIT_USAGE)
    if sheet is None or not sheet.tracks:
        raise CliError(f"{path} holds no FILE with tracks", "give a CUE sheet with FILE ... BINARY and TRACK lines",
                       EXIT_USAGE)
    return sheet
