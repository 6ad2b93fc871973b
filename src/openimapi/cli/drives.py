"""``openimapi drives``: list the optical drives of every backend (public API:
:func:`openimapi.devices.discover_all`), with the medium each one holds."""

from __future__ import annotations

import dataclasses
import json

import click

import openimapi
from openimapi import devices, errors
from openimapi.cli._media import media_name, media_status, state_words


def _medium(address: str) -> tuple[str | None, str | None]:
    """(medium, state) of the drive, (None, None) when it cannot be asked; ("none", "empty")
    without a disc."""
    try:
        with openimapi.DiscRecorder2(address) as rec:
            fmt = openimapi.DiscFormat2Data()
            fmt.recorder = rec
            status = media_status(fmt)
            if status is None:
                return "none", "empty"
            return media_name(fmt.current_physical_media_type), ", ".join(state_words(status)) or "unknown"
    except (errors.ImapiError, OSError, ValueError, LookupError):
        return None, None


@click.command("drives")
@click.option("--json", "as_json", is_flag=True, help="print a JSON list instead of a table")
def drives(as_json: bool) -> None:
    """List the drives found (real ones from sysfs, and any other registered backend) and
    the medium in each.

    The first column is the drive's address: give it to other commands with -d, or to
    openimapi.transport.open(). Without any drive given, commands use the first real drive,
    else the built-in virtual:default.

    \b
    Examples:
      openimapi drives
      openimapi drives --json
    """
    found = devices.discover_all()
    media = [_medium(d.address) for d in found]
    if as_json:
        rows = [{**dataclasses.asdict(d), "medium": m, "state": s} for d, (m, s) in zip(found, media, strict=True)]
        click.echo(json.dumps(rows, indent=2))
        return
    if not found:
        click.echo("no drives found")
        return
    for d, (medium, state) in zip(found, media, strict=True):
        nodes = ", ".join(n for n in (d.block_node, d.sg_node) if n)
        ident = " ".join(p for p in (d.vendor, d.product, d.revision) if p)
        disc = f"{medium} ({state})" if medium and medium != "none" else "no disc" if medium else ""
        click.echo(f"{d.address:<24} {ident:<40} {nodes:<20} {disc}".rstrip())
