"""``openimapi audio FILE... -o ALBUM.cue``: master an audio CD image (BIN/CUE) from audio
files (WAV, FLAC, OGG, AIFF ... anything libsndfile decodes, resampled to 44.1 kHz stereo by
:class:`openimapi.audio.AudioSource`), with 2-second or no gaps and CD-TEXT titles in the
CUE sheet. Recording audio discs waits for DiscFormat2TrackAtOnce / DiscFormat2RawCD."""

from __future__ import annotations

import os
import time
from typing import Any

import click

from openimapi.cli._common import (
    EXIT_FULL,
    EXIT_USAGE,
    CliError,
    Options,
    check_inputs,
    common_options,
    emit_json,
    say,
)
from openimapi.cli._progress import Progress

RAW = 2352
SECTORS_PER_SECOND = 75
MIN_TRACK = 4 * SECTORS_PER_SECOND  # Red Book: a track lasts at least 4 seconds
CD_SECTORS = 359_849  # an 80-minute CD-R
CHUNK = 588 * 4 * 64  # 64 sectors of PCM


def _sources(files: tuple[str, ...]) -> list[Any]:
    from openimapi.audio import AudioSource, RedBookFormatError

    out = []
    for path in files:
        try:
            out.append(AudioSource(path))
        except RedBookFormatError as exc:
            for s in out:
                s.close()
            raise CliError(f"{path} is not an audio file openimapi can decode",
                           f"give WAV, FLAC, OGG or AIFF files ({exc})", EXIT_USAGE) from None
    return out


def _msf(frames: int) -> str:
    return f"{frames // 4500:02d}:{frames // 75 % 60:02d}:{frames % 75:02d}"


def _quote(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


@click.command("audio")
@common_options
@click.argument("files", nargs=-1, metavar="FILE...")
@click.option("-o", "--output", default=None, metavar="ALBUM.cue", help="the CUE sheet to write (and ALBUM.bin)")
@click.option("--gap", type=float, default=2.0, show_default=True, metavar="SECONDS",
              help="pause before each track after the first: 2 (Red Book) or 0 (gapless)")
@click.option("--cd-text-title", "title", default=None, metavar="TEXT", help="album title (CD-TEXT)")
@click.option("--cd-text-performer", "performer", default=None, metavar="TEXT", help="album performer (CD-TEXT)")
@click.option("--track-titles/--no-track-titles", default=True, show_default=True,
              help="title each track by its file name")
def audio(files: tuple[str, ...], output: str | None, gap: float, title: str | None, performer: str | None,
          track_titles: bool, opts: Options) -> None:
    """Master an audio CD image, one track per FILE in the order given: ALBUM.bin (raw
    44.1 kHz 16-bit stereo sectors) and ALBUM.cue (tracks, gaps, CD-TEXT titles).

    Recording it needs track-at-once / raw CD writing (DiscFormat2TrackAtOnce,
    DiscFormat2RawCD), which this version of openimapi does not have yet.

    \b
    Examples:
      openimapi audio 01.flac 02.flac -o live.cue --cd-text-title "Live" --cd-text-performer "The Band"
      openimapi audio *.wav --gap 0 -o mix.cue      # gapless
    """
    if not files:
        raise CliError("give at least one audio file", "e.g. openimapi audio 01.flac 02.flac -o album.cue",
                       EXIT_USAGE)
    check_inputs(files)
    if gap not in (0, 2):
        raise CliError(f"a gap of {gap:g} seconds is not offered", "use --gap 2 (Red Book) or --gap 0 (gapless)",
                       EXIT_USAGE)
    if not output:
        raise CliError("recording audio CDs needs track-at-once or raw CD writing, which this version of "
                       "openimapi lacks", "master the disc image instead: add -o album.cue", EXIT_USAGE)
    if not output.lower().endswith(".cue"):
        raise CliError(f"the output must be a .cue file, not {output}", "e.g. -o album.cue", EXIT_USAGE)
    for text in (title, performer):
        if text is not None:
            try:
                text.encode("latin-1")
            except UnicodeEncodeError:
                raise CliError(f"CD-TEXT: {text!r} is not ISO 8859-1 text",
                               "CD-TEXT holds Latin-1 characters only", EXIT_USAGE) from None
    sources = _sources(files)
    try:
        _master(sources, files, output, int(gap * SECTORS_PER_SECOND), title, performer, track_titles, opts)
    finally:
        for s in sources:
            s.close()


def _master(sources: list[Any], files: tuple[str, ...], output: str, gap: int, title: str | None,
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
