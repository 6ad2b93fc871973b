"""``openimapi demo``: burn a folder onto the built-in virtual recorder with full
verification, show the disc, export it and list it with an independent reader."""

from __future__ import annotations

import os
import shutil
import subprocess

import click

from openimapi.cli._common import EXIT_USAGE, CliError, Options, guarded


def _step(title: str) -> None:
    click.echo("")
    click.secho(f"== {title}", bold=True)


@click.command("demo")
@click.argument("folder", default="examples", metavar="[FOLDER]")
@click.option("-o", "--output", default="demo-disc.iso", show_default=True, metavar="OUT.iso",
              help="where to export the burned disc")
def demo(folder: str, output: str) -> None:
    """Burn FOLDER (default: examples/) onto virtual:default with full verification, print
    the disc's TOC, export it to OUT.iso and list it with isoinfo or xorriso if installed.

    \b
    Examples:
      openimapi demo
      openimapi demo ~/Pictures -o pictures.iso
    """
    from openimapi.cli.burn import burn
    from openimapi.cli.info import info

    opts = Options(None, False, False, False)
    with guarded(opts):
        if not os.path.isdir(folder):
            raise CliError(f"no such folder: {folder}", "run the demo from the source tree, or give a folder",
                           EXIT_USAGE)
        _step(f"burning {folder} onto the virtual recorder (a blank disc that fits is loaded)")
        burn.main(["-d", "virtual:default", "--new", "--verify", "full", folder], prog_name="openimapi burn",
                  standalone_mode=False)
        _step("the disc")
        info.main(["-d", "virtual:default"], prog_name="openimapi info", standalone_mode=False)
        _step(f"exporting it to {output}")
        from openimapi import virtual

        disc = virtual.open_drive("default").disc
        if disc is None:
            raise CliError("the virtual drive holds no disc after the burn", "", 1)
        for path in disc.export(output, "iso"):
            click.echo(f"wrote {path} ({path.stat().st_size} bytes)")
        _step("read back by an independent reader")
        _list(output)
        click.echo("")
        click.echo("Every disc burned on virtual:default stays in its library: openimapi virtual discs")


def _list(image: str) -> None:
    if shutil.which("isoinfo"):
        cmd = ["isoinfo", "-R", "-f", "-i", image]
    elif shutil.which("xorriso"):
        cmd = ["xorriso", "-indev", image, "-find", "/", "-type", "f"]
    else:
        click.echo("(install genisoimage or xorriso to list the image with an independent reader)")
        return
    click.echo("$ " + " ".join(cmd))
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    click.echo(done.stdout.rstrip())
    if done.returncode:
        raise CliError(f"{cmd[0]} could not read {image}: {done.stderr.strip()}", "", 1)
