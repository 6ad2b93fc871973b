"""``openimapi demo``: what the project can do today, run end to end."""

from __future__ import annotations

import click

from openimapi import enums, errors, mmc, transport


@click.command()
def demo() -> None:
    """Show what works today: the IMAPI tables and the MMC codec."""
    failures = len(errors.FAILURE_CLASSES)
    successes = len(errors.SuccessCode)
    click.echo(f"openimapi: {failures} failure HRESULTs and {successes} success codes loaded.")
    click.echo(f"IMAPI enumerations: {len(enums.__all__) - 3}.")
    cmd = mmc.Command(cdb=bytes([0x12, 0, 0, 0, 36, 0]), data_in_length=36)
    click.echo(f"An INQUIRY command: {cmd.cdb.hex(' ')} ({cmd.direction.value}, {cmd.transfer_length} bytes).")
    click.echo(f"Transports: {', '.join(sorted(transport.BACKENDS))}.")
    click.echo("Recording on the virtual recorder arrives with the recording issues.")
