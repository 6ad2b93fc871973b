"""Mastering an audio CD image (BIN/CUE) from decoded audio sources, for ``openimapi audio -o``."""

from __future__ import annotations

import os
import time
from typing import Any

from openimapi.cli._common import EXIT_FULL, EXIT_USAGE, CliError, Options, emit_json, say
from openimapi.cli._progress import Progress

RAW = 2352
SECTORS_PER_SECOND = 75
MIN_TRACK = 4 * SECTORS_PER_SECOND  # Red Book: a track lasts at least 4 seconds
CD_SECTORS = 359_849  # an 80-minute CD-R
CHUNK = 588 * 4 * 64  # 64 sectors of PCM


def _msf(frames: int) -> str:
    return f"{frames // 4500:02d}:{frames // 75 % 60:02d}:{frames % 75:02d}"


def _quote(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


def master_image(sources: list[Any], files: tuple[str, ...], output: str, gap: int, title: str | None,
            performer: str | None, track_titles: bool, opts: Options) -> None:
    for path, source in zip(files, sources, strict=True):
        if source.sectors < MIN_TRACK:
            raise CliError(f"{path} lasts {source.sectors / SECTORS_PER_SECOND:.1f} s; a CD track lasts at least 4 s",
                           "pad it with silence or join it to the next track", EXIT_USAGE)
    total = sum(s.sectors for s in sources) + gap * (len(sources) - 1) + 150
    if total > CD_SECTORS:
        raise CliError(f"{total / SECTORS_PER_SECOND / 60:.1f} minutes of audio do not fit on a CD (80 at most)",
                       "leave out some tracks", EXIT_FULL)
    bin_path = os.path.splitext(output)[0] + ".bin"
    lines = []
    if title:
        lines.append(f"TITLE {_quote(title)}")
    if performer:
        lines.append(f"PERFORMER {_quote(performer)}")
    lines.append(f"FILE {_quote(os.path.basename(bin_path))} BINARY")
    say(opts, f"mastering {len(sources)} track(s), {total / SECTORS_PER_SECOND / 60:.1f} minutes, to {output}")
    started = time.monotonic()
    frame = 0
    done = 0
    with Progress(opts, "audio", "cd") as progress, open(bin_path + ".part", "wb") as out:
        for number, (path, source) in enumerate(zip(files, sources, strict=True), 1):
            lines.append(f"  TRACK {number:02d} AUDIO")
            name = os.path.splitext(os.path.basename(path))[0]
            if track_titles and (title or performer):
                lines.append(f"    TITLE {_quote(name.encode('latin-1', 'replace').decode('latin-1'))}")
            if performer:
                lines.append(f"    PERFORMER {_quote(performer)}")
            if number > 1 and gap:
                lines.append(f"    INDEX 00 {_msf(frame)}")
                out.write(bytes(gap * RAW))
                frame += gap
            lines.append(f"    INDEX 01 {_msf(frame)}")
            while True:
                chunk = source.read(CHUNK)
                if not chunk:
                    break
                out.write(chunk)
                done += len(chunk)
                progress.update("decoding", 100.0 * done / (total * RAW), sectors_done=done // 2048)
            frame += source.sectors
        progress.update("completed", 100.0, final=True)
    os.replace(bin_path + ".part", bin_path)
    with open(output, "w", encoding="latin-1") as cue:
        cue.write("\n".join(lines) + "\n")
    seconds = time.monotonic() - started
    say(opts, f"done: {bin_path} ({frame} sectors) and {output}")
    if opts.json:
        emit_json("completed", output=output, bin=bin_path, tracks=len(sources), sectors=frame,
                  seconds=round(seconds, 3))
