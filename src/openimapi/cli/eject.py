"""``openimapi eject``: open the tray."""

from __future__ import annotations

import click

from openimapi.cli._common import Options, common_options, emit_json, recorder, say


@click.command("eject")
@common_options
def eject(opts: Options) -> None:
    """Open the tray (a virtual drive keeps the disc in its library).

    \b
    Examples:
      openimapi eject
      openimapi eject -d sg:/dev/sr1
    """
    with recorder(opts) as rec:
        rec.eject_media()
        say(opts, f"ejected {rec.active_disc_recorder}")
        if opts.json:
            emit_json("completed", drive=rec.active_disc_recorder, action="eject")
