"""``openimapi drives``: list the optical drives of every backend (public API:
:func:`openimapi.devices.discover_all`)."""

from __future__ import annotations

import dataclasses
import json

import click

from openimapi import devices


@click.command("drives")
@click.option("--json", "as_json", is_flag=True, help="print a JSON list instead of a table")
def drives(as_json: bool) -> None:
    """List the drives found (real ones from sysfs, and any other registered backend).

    The first column is the drive's address: give it to other commands or to
    openimapi.transport.open().
    """
    found = devices.discover_all()
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(d) for d in found], indent=2))
        return
    if not found:
        click.echo("no drives found")
        return
    for d in found:
        nodes = ", ".join(n for n in (d.block_node, d.sg_node) if n)
        ident = " ".join(p for p in (d.vendor, d.product, d.revision) if p)
        click.echo(f"{d.address:<24} {ident:<40} {nodes}".rstrip())
