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

    BIN/CUE images (raw CD, audio) need raw CD writing (DiscFormat2RawCD), which this
    version does not have yet; the command says so.

    \b
    Examples:
      openimapi write debian.iso
      openimapi write backup.iso --verify full --close --eject
    """
    check_inputs([image])
    if image.lower().endswith((".cue", ".bin", ".toc")):
        raise CliError("writing BIN/CUE images needs raw CD writing, which this version of openimapi lacks",
                       "write an ISO image, or burn the files with: openimapi burn", EXIT_USAGE)
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
