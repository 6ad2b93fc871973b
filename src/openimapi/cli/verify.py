"""``openimapi verify [--against IMAGE]``: read a data disc back, optionally comparing it
with an image."""

from __future__ import annotations

import time

import click

from openimapi.cli._common import EXIT_VERIFY, CliError, Options, check_inputs, common_options, emit_json, recorder, say
from openimapi.cli._media import family
from openimapi.cli._progress import Progress
from openimapi.cli._read import data_extents, no_data, read_chunks, total_sectors


@click.command("verify")
@common_options
@click.option("--against", "against", default=None, metavar="IMAGE",
              help="compare with this ISO image (its sector N against disc LBA START+N)")
@click.option("--start", default=None, type=int, metavar="LBA",
              help="with --against: the disc LBA of the image's first sector (default: the last session's start)")
def verify(against: str | None, start: int | None, opts: Options) -> None:
    """Read every recorded data sector of the disc; with --against, also compare it with an
    image (the one you burned, or one from 'openimapi read').

    \b
    Examples:
      openimapi verify
      openimapi verify --against photos.iso
      openimapi verify --against whole-disc.iso --start 0
    """
    if against:
        check_inputs([against])
    with recorder(opts) as rec:
        extents = data_extents(rec)
        if not extents:
            raise no_data()
        image = None
        base = 0
        if against:
            image = open(against, "rb")  # noqa: SIM115 - closed below
            size = image.seek(0, 2) // 2048
            base = start if start is not None else extents[-1][0]
            extents = [(max(a, base), min(a + n, base + size) - max(a, base)) for a, n in extents
                       if a < base + size and a + n > base]
            if not extents:
                raise CliError(f"no recorded data of the disc lies where {against} would be (LBA {base})",
                               "give the image's first LBA with --start", EXIT_VERIFY)
        total = total_sectors(extents)
        say(opts, f"verifying {total} sectors of {rec.active_disc_recorder}"
                  + (f" against {against}" if against else ""))
        done = 0
        started = time.monotonic()
        try:
            with Progress(opts, "verify", family(rec.current_physical_media_type)) as progress:
                for lba, data in read_chunks(rec, extents):
                    if image is not None:
                        image.seek((lba - base) * 2048)
                        expected = image.read(len(data))
                        if expected != data:
                            bad = next(i for i in range(0, len(data), 2048)
                                       if data[i:i + 2048] != expected[i:i + 2048]) // 2048
                            raise CliError(f"the disc differs from {against} at LBA {lba + bad} "
                                           f"(image sector {lba + bad - base})",
                                           "burn again, or check that this is the image that was burned",
                                           EXIT_VERIFY)
                    done += len(data) // 2048
                    progress.update("verifying", 100.0 * done / total, sectors_done=done)
                progress.update("completed", 100.0, final=True)
        finally:
            if image is not None:
                image.close()
        seconds = time.monotonic() - started
        say(opts, f"ok: {done} sectors read" + (f", identical to {against}" if against else "")
                  + f" in {seconds:.1f} s")
        if opts.json:
            emit_json("completed", drive=rec.active_disc_recorder, sectors=done, against=against,
                      seconds=round(seconds, 3))
