"""``openimapi read OUT.iso``: copy a data disc to an image file."""

from __future__ import annotations

import os
import time

import click

from openimapi.cli._common import Options, common_options, emit_json, recorder, say
from openimapi.cli._media import family
from openimapi.cli._progress import Progress
from openimapi.cli._read import data_extents, no_data, read_chunks, total_sectors


@click.command("read")
@common_options
@click.argument("out", metavar="OUT.iso", type=click.Path(dir_okay=False))
def read(out: str, opts: Options) -> None:
    """Copy a data disc, every session, to the image OUT.iso (unrecorded gaps between
    sessions become zeros, so that each session sits at its own address).

    \b
    Examples:
      openimapi read backup.iso
      openimapi read -d sg:/dev/sr0 disc.iso --json
    """
    with recorder(opts) as rec:
        extents = data_extents(rec)
        if not extents:
            raise no_data()
        total = total_sectors(extents)
        kind = family(rec.current_physical_media_type)
        say(opts, f"reading {total * 2048 / 1e6:.1f} MB from {rec.active_disc_recorder} to {out}")
        started = time.monotonic()
        done = 0
        tmp = out + ".part"
        try:
            with Progress(opts, "read", kind) as progress, open(tmp, "wb") as f:
                for lba, data in read_chunks(rec, extents):
                    f.seek(lba * 2048)
                    f.write(data)
                    done += len(data) // 2048
                    progress.update("reading", 100.0 * done / total, sectors_done=done)
                progress.update("completed", 100.0, final=True)
            os.replace(tmp, out)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        seconds = time.monotonic() - started
        say(opts, f"done: {done} sectors in {seconds:.1f} s")
        if opts.json:
            emit_json("completed", drive=rec.active_disc_recorder, output=out, sectors=done,
                      bytes=os.path.getsize(out), seconds=round(seconds, 3))
