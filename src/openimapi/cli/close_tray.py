"""``openimapi close-tray``: close the tray."""

from __future__ import annotations

import click

from openimapi.cli._common import Options, common_options, emit_json, recorder, say


@click.command("close-tray")
@common_options
def close_tray(opts: Options) -> None:
    """Close the tray.

    \b
    Examples:
      openimapi close-tray
    """
    with recorder(opts) as rec:
        rec.close_tray()
        say(opts, f"closed the tray of {rec.active_disc_recorder}")
        if opts.json:
            emit_json("completed", drive=rec.active_disc_recorder, action="close-tray")
