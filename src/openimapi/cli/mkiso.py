"""``openimapi mkiso PATH... -o OUT.iso``: master an image file with the burn options."""

from __future__ import annotations

import os
import time

import click

from openimapi.cli._common import EXIT_USAGE, CliError, Options, check_inputs, common_options, emit_json, say
from openimapi.cli._master import MasterOptions, build_image, master_options
from openimapi.cli._progress import Progress

CHUNK = 1 << 20


@click.command("mkiso")
@common_options
@click.argument("paths", nargs=-1, metavar="PATH...")
@click.option("-o", "--output", "output", default=None, metavar="OUT.iso", help="the image file to write")
@master_options
def mkiso(paths: tuple[str, ...], output: str | None, master: MasterOptions, opts: Options) -> None:
    """Master files and folders into an image file (ISO 9660 + Joliet + UDF by default).

    \b
    Examples:
      openimapi mkiso ./photos -o photos.iso
      openimapi mkiso ./site --fs iso9660,joliet --label WEB -o web.iso
      openimapi mkiso ./os --boot isolinux.bin -o boot.iso
    """
    if not paths:
        raise CliError("give at least one file or folder", "e.g. openimapi mkiso ./photos -o photos.iso", EXIT_USAGE)
    if not output:
        raise CliError("give the image to write with -o OUT.iso", "", EXIT_USAGE)
    check_inputs(paths)
    fsi = build_image(paths, master)
    result = fsi.create_result_image()
    total = int(result.total_blocks) * 2048
    say(opts, f"writing {total / 1e6:.1f} MB to {output}")
    started = time.monotonic()
    stream = result.image_stream
    tmp = output + ".part"
    done = 0
    try:
        with Progress(opts, "mkiso") as progress, open(tmp, "wb") as f:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                f.write(chunk)
                done += len(chunk)
                progress.update("writing", 100.0 * done / total, sectors_done=done // 2048)
            progress.update("completed", 100.0, final=True)
        os.replace(tmp, output)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    seconds = time.monotonic() - started
    say(opts, f"done: {output} ({fsi.file_count} files, {fsi.directory_count} folders, {done} bytes)")
    if opts.json:
        emit_json("completed", output=output, bytes=done, files=int(fsi.file_count),
                  directories=int(fsi.directory_count), seconds=round(seconds, 3))
