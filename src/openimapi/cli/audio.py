"""``openimapi audio FILE...``: burn an audio CD from audio files (WAV, FLAC, OGG, ...
anything libsndfile decodes; resampled to 44.1 kHz stereo), disc-at-once with CD-TEXT or
track-at-once."""

from __future__ import annotations

import functools
import os
import time
from typing import Any

import click

import openimapi
from openimapi import errors
from openimapi.cli._audiocd import cancelled, cd_text, listener_for, write_dao
from openimapi.cli._audioimage import master_image
from openimapi.cli._common import (
    CLIENT,
    EXIT_FULL,
    EXIT_USAGE,
    CliError,
    Options,
    autoloader_of,
    check_inputs,
    common_options,
    emit_json,
    recorder,
    say,
)
from openimapi.cli._progress import Progress, run_cancellable
from openimapi.cli._record import VERIFY, speed_option, verify_option

#: Sectors on an 80-minute CD-R (the last possible start of the lead-out).
CD_SECTORS = 359_849
SECTORS_PER_SECOND = 75
MIN_TRACK = 4 * SECTORS_PER_SECOND  # Red Book: a track lasts at least 4 seconds


def _sources(files: tuple[str, ...]) -> list[Any]:
    from openimapi.audio import AudioSource, RedBookFormatError

    out = []
    for path in files:
        try:
            out.append(AudioSource(path))
        except RedBookFormatError as exc:
            raise CliError(f"{path} is not an audio file openimapi can decode", "give WAV, FLAC, OGG or AIFF "
                           f"files ({exc})", EXIT_USAGE) from None
    return out


@click.command("audio")
@common_options
@click.argument("files", nargs=-1, metavar="FILE...")
@click.option("-o", "--output", default=None, metavar="ALBUM.cue",
              help="master a BIN/CUE image instead of recording (ALBUM.bin + ALBUM.cue)")
@click.option("--dao/--tao", "dao", default=True,
              help="disc-at-once (default: exact gaps, CD-TEXT) or track-at-once (2-second gaps, no CD-TEXT)")
@click.option("--gap", type=float, default=2.0, show_default=True, metavar="SECONDS",
              help="pause between tracks: 2 (Red Book) or 0 (gapless, disc-at-once only)")
@click.option("--cd-text-title", "title", default=None, metavar="TEXT", help="album title (CD-TEXT, disc-at-once)")
@click.option("--cd-text-performer", "performer", default=None, metavar="TEXT", help="album performer (CD-TEXT)")
@click.option("--track-titles/--no-track-titles", default=True, show_default=True,
              help="with CD-TEXT: each track titled by its file name")
@click.option("--close/--no-close", "close", default=True, show_default=True,
              help="finalize the disc (players need it); --no-close leaves the session open (track-at-once)")
@speed_option
@verify_option
@click.option("--eject", is_flag=True, help="eject the disc when done")
def audio(files: tuple[str, ...], output: str | None, dao: bool, gap: float, title: str | None, performer: str | None,
          track_titles: bool, close: bool, speed: float | None, verify: str, eject: bool, opts: Options) -> None:
    """Burn an audio CD, one track per FILE, in the order given.

    \b
    Examples:
      openimapi audio 01.flac 02.flac 03.flac --cd-text-title "Live" --cd-text-performer "The Band"
      openimapi audio *.wav --gap 0                 # gapless, disc-at-once
      openimapi audio *.flac -o album.cue           # master a BIN/CUE image instead
      openimapi audio intro.wav outro.wav --tao --no-close   # not finalized
    """
    if not files:
        raise CliError("give at least one audio file", "e.g. openimapi audio 01.flac 02.flac", EXIT_USAGE)
    check_inputs(files)
    if gap not in (0, 2):
        raise CliError(f"a gap of {gap:g} seconds is not offered", "use --gap 2 (Red Book) or --gap 0 (gapless)",
                       EXIT_USAGE)
    if not dao and (gap == 0 or title or performer):
        raise CliError("track-at-once writes 2-second gaps and no CD-TEXT",
                       "leave out --tao for gapless audio or CD-TEXT", EXIT_USAGE)
    if dao and not close:
        raise CliError("disc-at-once always finalizes the disc", "use --tao --no-close to leave the disc unfinalized",
                       EXIT_USAGE)
    for text in (title, performer):
        if text is not None:
            try:
                text.encode("latin-1")
            except UnicodeEncodeError:
                raise CliError(f"CD-TEXT: {text!r} is not ISO 8859-1 text",
                               "CD-TEXT holds Latin-1 characters only", EXIT_USAGE) from None
    if output is not None:
        if not output.lower().endswith(".cue"):
            raise CliError(f"the output must be a .cue file, not {output}", "e.g. -o album.cue", EXIT_USAGE)
        sources = _sources(files)
        try:
            master_image(sources, files, output, int(gap * SECTORS_PER_SECOND), title, performer, track_titles, opts)
        finally:
            for s in sources:
                s.close()
        return
    sources = _sources(files)
    try:
        for path, source in zip(files, sources, strict=True):
            if source.sectors < MIN_TRACK:
                raise CliError(f"{path} lasts {source.sectors / SECTORS_PER_SECOND:.1f} s; a CD track lasts at "
                               "least 4 s", "pad it with silence or join it to the next track", EXIT_USAGE)
        sectors = sum(s.sectors for s in sources) + (len(sources) * 150 if gap else 150)
        minutes = sectors / SECTORS_PER_SECOND / 60
        if sectors > CD_SECTORS:
            raise CliError(f"{minutes:.1f} minutes of audio do not fit on a CD (80 minutes at most)",
                           "burn fewer tracks", EXIT_FULL)
        with recorder(opts) as rec:
            rec.acquire_exclusive_access(False, CLIENT)
            try:
                loader = autoloader_of(rec.active_disc_recorder)
                if loader is not None:
                    disc = loader.disc
                    if disc is None or disc.status != "blank" or not disc.media.startswith("cd-r"):
                        loader.load_blank(min(sectors, CD_SECTORS - 64))
                say(opts, f"burning {len(sources)} track(s), {minutes:.1f} minutes, "
                          f"{'disc-at-once' if dao else 'track-at-once'} to {rec.active_disc_recorder}")
                started = time.monotonic()
                if dao:
                    _dao(rec, sources, files, gap, title, performer, track_titles, speed, opts)
                else:
                    _tao(rec, sources, close, speed, verify, opts)
                seconds = time.monotonic() - started
                if eject:
                    rec.eject_media()
            finally:
                rec.release_exclusive_access()
    finally:
        for s in sources:
            s.close()
    say(opts, f"done: {len(sources)} track(s) in {seconds:.1f} s")
    if opts.json:
        emit_json("completed", drive=rec.active_disc_recorder, tracks=len(sources), sectors=sectors,
                  seconds=round(seconds, 3), mode="dao" if dao else "tao")


def _tao(rec: openimapi.DiscRecorder2, sources: list[Any], close: bool, speed: float | None, verify: str,
         opts: Options) -> None:
    fmt = openimapi.DiscFormat2TrackAtOnce()
    fmt.recorder = rec
    fmt.client_name = CLIENT
    fmt.do_not_finalize_media = not close
    fmt.burn_verification_level = VERIFY[verify]
    if speed:
        fmt.set_write_speed(max(1, int(speed * SECTORS_PER_SECOND)), False)
    fmt.prepare_media()
    try:
        for number, source in enumerate(sources, 1):
            with Progress(opts, f"track {number}", "cd") as progress:
                listener = listener_for(progress, source.sectors)
                fmt.add_listener(listener)
                try:
                    run_cancellable(functools.partial(fmt.add_audio_track, source), fmt.cancel_add_track)
                except errors.E_IMAPI_REQUEST_CANCELLED as exc:
                    raise cancelled(rec, exc) from None
                finally:
                    fmt.remove_listener(listener)
                progress.update(f"track {number} done", 100.0, final=True)
    finally:
        fmt.release_media()


def _dao(rec: openimapi.DiscRecorder2, sources: list[Any], files: tuple[str, ...], gap: float, title: str | None,
         performer: str | None, track_titles: bool, speed: float | None, opts: Options) -> None:
    text = None
    if title or performer:
        names = [os.path.splitext(os.path.basename(f))[0] if track_titles else "" for f in files]
        tracks = [{k: v for k, v in (("title", n), ("performer", performer or "")) if v} for n in names]
        text = cd_text(title or "", performer or "", tracks)
    write_dao(rec, sources, opts, gaps=bool(gap), text=text, speed=speed)
