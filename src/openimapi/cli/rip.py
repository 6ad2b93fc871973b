"""``openimapi rip DIR``: an audio CD's tracks to WAV or FLAC files (and the whole disc as
BIN/CUE with --cue)."""

from __future__ import annotations

import os
import re
import tempfile
import time

import click

import openimapi
from openimapi.cli._common import EXIT_MEDIUM, CliError, Options, common_options, emit_json, recorder, say
from openimapi.cli._media import media_status
from openimapi.cli._progress import Progress
from openimapi.enums import IMAPI_FORMAT2_DATA_MEDIA_STATE as MS

RAW = 2352


def _safe(name: str) -> str:
    cleaned = re.sub(r"[/\\\x00-\x1f]+", "-", name).strip(" .")
    return cleaned[:80]


@click.command("rip")
@common_options
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False))
@click.option("--format", "file_format", type=click.Choice(["wav", "flac"]), default="flac", show_default=True,
              help="file format of the tracks")
@click.option("--cue", "keep_cue", is_flag=True, help="also keep the whole disc as disc.bin + disc.cue")
def rip(directory: str, file_format: str, keep_cue: bool, opts: Options) -> None:
    """Copy the audio tracks of a CD into DIR, one file per track, named from CD-TEXT when
    the disc has it ("01 - Title.flac"), else "01.flac".

    \b
    Examples:
      openimapi rip ~/Music/live
      openimapi rip out --format wav --cue
    """
    import numpy as np
    import soundfile

    from openimapi.audio.rip import rip_bin_cue

    os.makedirs(directory, exist_ok=True)
    with recorder(opts) as rec:
        data_format = openimapi.DiscFormat2Data()
        data_format.recorder = rec
        status = media_status(data_format)
        if status is None or status & MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_BLANK:
            raise CliError("there is no audio CD in the drive" if status is None else "the disc is blank",
                           "insert an audio CD", EXIT_MEDIUM)
        say(opts, f"reading the audio CD in {rec.active_disc_recorder}")
        started = time.monotonic()
        work = tempfile.mkdtemp(prefix="openimapi-rip-", dir=directory)
        try:
            result = rip_bin_cue(rec.drive, os.path.join(work, "disc.cue"))
            toc = result.toc
            audio = [i for i, c in enumerate(toc.controls) if not c & 0x04]
            if not audio:
                raise CliError("the disc has no audio tracks", "copy a data disc with: openimapi read OUT.iso",
                               EXIT_MEDIUM)
            titles = _titles(result.cd_text, len(toc.starts))
            written = []
            ends = [*toc.starts[1:], toc.leadout]
            base = toc.starts[0]
            with Progress(opts, "rip", "cd") as progress, open(result.bin, "rb") as data:
                for n, i in enumerate(audio, 1):
                    number = toc.first_track + i
                    end = result.pregaps[i + 1] if i + 1 < len(result.pregaps) else ends[i]
                    data.seek((toc.starts[i] - base) * RAW)
                    pcm = data.read((end - toc.starts[i]) * RAW)
                    samples = np.frombuffer(pcm, dtype="<i2").reshape(-1, 2)
                    name = f"{number:02d}" + (f" - {_safe(titles[i])}" if titles[i] else "") + f".{file_format}"
                    path = os.path.join(directory, name)
                    soundfile.write(path, samples, 44100, subtype="PCM_16", format=file_format.upper())
                    written.append(path)
                    progress.update("writing files", 100.0 * n / len(audio))
            if keep_cue:
                for src in (result.bin, result.cue):
                    os.replace(src, os.path.join(directory, os.path.basename(src)))
        finally:
            for name in os.listdir(work):
                os.unlink(os.path.join(work, name))
            os.rmdir(work)
    seconds = time.monotonic() - started
    for path in written:
        say(opts, f"wrote {path}")
    if opts.json:
        emit_json("completed", drive=rec.active_disc_recorder, files=written, seconds=round(seconds, 3))


def _titles(cd_text: object, count: int) -> list[str]:
    """Track titles from CD-TEXT (pack type 0x80 of the first block), '' when absent."""
    blocks = getattr(cd_text, "blocks", None) or []
    if not blocks:
        return [""] * count
    items = getattr(blocks[0], "items", {}).get(0x80, [])
    names = [bytes(v).decode("latin-1", "replace") for v in items[1:]]
    return (names + [""] * count)[:count]
