"""``openimapi trace FILE``: show a trace recorded by the ``trace:`` transport, one line per
command (public API: :func:`openimapi.transport.trace.load_trace` and
:func:`~openimapi.transport.trace.format_trace`)."""

from __future__ import annotations

from pathlib import Path

import click

from openimapi.transport.trace import format_trace, load_trace


@click.command("trace")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def trace(file: Path) -> None:
    """Print the commands, answers and timings of a trace FILE (JSON lines).

    Record one by opening a drive as trace:ADDRESS (the file goes to $OPENIMAPI_TRACE, else
    under ~/.local/state/openimapi/traces); replay it in tests as replay:FILE.
    """
    try:
        records = load_trace(file.read_text(encoding="utf-8").splitlines(), source=str(file))
    except (OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    for line in format_trace(records):
        click.echo(line)
