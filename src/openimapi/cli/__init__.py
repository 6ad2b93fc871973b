"""The ``openimapi`` command. Each subcommand lives in its own module and uses only the
public Python API."""

from __future__ import annotations

import sys

import click

from openimapi import __version__
from openimapi.cli.audio import audio
from openimapi.cli.burn import burn
from openimapi.cli.close_tray import close_tray
from openimapi.cli.demo import demo
from openimapi.cli.drives import drives
from openimapi.cli.eject import eject
from openimapi.cli.erase import erase
from openimapi.cli.info import info
from openimapi.cli.mkiso import mkiso
from openimapi.cli.read import read
from openimapi.cli.rip import rip
from openimapi.cli.trace import trace
from openimapi.cli.verify import verify
from openimapi.cli.virtual import virtual_group
from openimapi.cli.write import write


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="openimapi")
def cli() -> None:
    """Master and record CD, DVD and BD media: IMAPI2 on Linux."""


for _command in (audio, burn, close_tray, eject, erase, info, mkiso, read, rip, verify, write):
    cli.add_command(_command)
cli.add_command(demo)
cli.add_command(drives)
cli.add_command(trace)
cli.add_command(virtual_group)


def main() -> None:
    """Entry point of the console script: a usage error is one line and a hint (exit 2)."""
    try:
        code = cli.main(prog_name="openimapi", standalone_mode=False)
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx is not None else "openimapi"
        click.echo(f"openimapi: {exc.format_message()}", err=True)
        click.echo(f"hint: see {where} --help", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"openimapi: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("openimapi: interrupted", err=True)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
