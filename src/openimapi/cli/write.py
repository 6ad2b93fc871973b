"""``openimapi write IMAGE``: record an ISO image as it is."""

from __future__ import annotations

import os

import click

import openimapi
from openimapi.cli._common import (
    CLIENT,
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
from openimapi.cli._media import media_name, media_status, state_words
from openimapi.cli._record import record, speed_option, verify_option
from openimapi.enums import IMAPI_FORMAT2_DATA_MEDIA_STATE as MS


@click.command("write")
@common_options
@click.argument("image", metavar="IMAGE")
@click.option("--close", is_flag=True, help="close the disc (no more sessions)")
@speed_option
@verify_option
@click.option("--eject", is_flag=True, help="eject the disc when done")
def write(image: str, close: bool, speed: float | None, verify: str, eject: bool, opts: Options) -> None:
    """Write an ISO image to a disc, sector for sector (to a blank disc, or as a new
    session at the next writable address of an appendable one).

    A CUE sheet (IMAGE.cue with one BINARY file of audio tracks, as 'openimapi rip --cue'
    and 'openimapi virtual export NAME disc.cue' write them) is recorded disc-at-once with
    its CD-TEXT, ISRCs and catalogue number.

    \b
    Examples:
      openimapi write debian.iso
      openimapi write backup.iso --verify full --close --eject
      openimapi write album.cue
    """
    check_inputs([image])
    if image.lower().endswith(".cue"):
        _write_cue(image, speed, eject, opts)
        return
    if image.lower().endswith(".bin"):
        raise CliError("give the .cue sheet of a BIN image, not the .bin", "e.g. openimapi write disc.cue",
                       EXIT_USAGE)
    size = os.path.getsize(image)
    if size == 0 or size % 2048:
        raise CliError(f"{image} is not an ISO image ({size} bytes, not a multiple of 2048)",
                       "give a .iso file (mkiso makes one)", EXIT_USAGE)
    with recorder(opts) as rec:
        fmt = openimapi.DiscFormat2Data()
        fmt.recorder = rec
        fmt.client_name = CLIENT
        rec.acquire_exclusive_access(False, CLIENT)
        try:
            loader = autoloader_of(rec.active_disc_recorder)
            status = media_status(fmt)
            usable = status is not None and status & (MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_BLANK
                                                      | MS.IMAPI_FORMAT2_DATA_MEDIA_STATE_OVERWRITE_ONLY)
            if loader is not None and not usable:
                loader.load_blank(size // 2048)
            kind = fmt.current_physical_media_type
            say(opts, f"writing {image} ({size / 1e6:.1f} MB) to the {media_name(kind)} in "
                      f"{rec.active_disc_recorder}")
            seconds = record(fmt, image, opts, verify=verify, speed=speed, close=close)
            words = state_words(media_status(fmt) or 0)
            say(opts, f"done in {seconds:.1f} s, verified {verify}; the disc is {', '.join(words) or 'written'}")
            if opts.json:
                emit_json("completed", drive=rec.active_disc_recorder, image=image, sectors=size // 2048,
                          bytes=size, seconds=round(seconds, 3), verify=verify, state=words)
            if eject:
                rec.eject_media()
        finally:
            rec.release_exclusive_access()


def _write_cue(path: str, speed: float | None, eject: bool, opts: Options) -> None:
    from openimapi.cli._audiocd import RAW, FileSlice, cd_text, write_dao
    from openimapi.cli._cue import read_cue

    sheet = read_cue(path)
    check_inputs([sheet.bin_path])
    size = os.path.getsize(sheet.bin_path)
    if size % RAW:
        raise CliError(f"{sheet.bin_path} is not raw CD audio ({size} bytes, not a multiple of {RAW})", "",
                       EXIT_USAGE)
    if sheet.tracks[0].index1 != 0:
        raise CliError(f"{path}: track 1 must start at 00:00:00", "", EXIT_USAGE)
    gaps = sheet.gaps()
    if any(g not in (0, 150) for g in gaps) or (0 in gaps and 150 in gaps):
        raise CliError(f"{path}: pre-gaps must all be 2 seconds or all none", "", EXIT_USAGE)
    spans = sheet.track_frames(size // RAW)
    streams = [FileSlice(sheet.bin_path, first * RAW, count * RAW) for first, count in spans]
    tracks = [{k: v for k, v in (("title", t.title), ("performer", t.performer)) if v} for t in sheet.tracks]
    text = cd_text(sheet.title, sheet.performer, tracks)
    try:
        with recorder(opts) as rec:
            rec.acquire_exclusive_access(False, CLIENT)
            try:
                loader = autoloader_of(rec.active_disc_recorder)
                if loader is not None:
                    disc = loader.disc
                    if disc is None or disc.status != "blank" or not disc.media.startswith("cd-r"):
                        loader.load_blank(size // RAW + 150)
                say(opts, f"writing {path} ({len(spans)} audio track(s), {size // RAW / 75 / 60:.1f} minutes) "
                          f"disc-at-once to {rec.active_disc_recorder}")
                write_dao(rec, streams, opts, gaps=bool(gaps and gaps[0]), text=text, mcn=sheet.catalog,
                          isrcs=[t.isrc for t in sheet.tracks], speed=speed)
                say(opts, "done: the disc is finalized")
                if opts.json:
                    emit_json("completed", drive=rec.active_disc_recorder, image=path, tracks=len(spans),
                              sectors=size // RAW)
                if eject:
                    rec.eject_media()
            finally:
                rec.release_exclusive_access()
    finally:
        for stream in streams:
            stream.close()
