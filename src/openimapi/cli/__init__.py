"""The ``openimapi`` command. Each subcommand lives in its own module and uses only the
public Python API."""

from __future__ import annotations

import click

from openimapi import __version__
from openimapi.cli.demo import demo
from openimapi.cli.drives import drives
from openimapi.cli.trace import trace
from openimapi.cli.virtual import virtual_group


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="openimapi")
def cli() -> None:
    """Master and record CD, DVD and BD media: IMAPI2 on Linux."""


cli.add_command(demo)
cli.add_command(drives)
cli.add_command(trace)
cli.add_command(virtual_group)


def main() -> None:
    """Entry point of the console script."""
    cli(prog_name="openimapi")
