"""``openimapi erase``: blank a rewritable disc (DiscFormat2Erase)."""

from __future__ import annotations

from typing import Any

import click

import openimapi
from openimapi.cli._common import CLIENT, Options, common_options, emit_json, recorder, say
from openimapi.cli._progress import Progress


@click.command("erase")
@common_options
@click.option("--full", is_flag=True, help="erase every sector (slow) instead of a quick erase")
def erase(full: bool, opts: Options) -> None:
    """Erase a rewritable disc (CD-RW, DVD-RW, DVD+RW, DVD-RAM, BD-RE).

    \b
    Examples:
      openimapi erase
      openimapi erase --full -d sg:/dev/sr0
    """
    with recorder(opts) as rec:
        rec.acquire_exclusive_access(False, CLIENT)
        try:
            eraser = openimapi.DiscFormat2Erase()
            eraser.recorder = rec
            eraser.client_name = CLIENT
            eraser.full_erase = full
            say(opts, f"erasing the disc in {rec.active_disc_recorder} ({'full' if full else 'quick'})")
            with Progress(opts, "erase") as progress:

                def tick(_sender: Any, elapsed: int, total: int) -> None:
                    progress.update("erasing", 100.0 * elapsed / total if total else 0.0,
                                    remaining=float(max(0, total - elapsed)))

                eraser.add_listener(tick)
                eraser.erase_media()
                progress.update("completed", 100.0, final=True)
        finally:
            rec.release_exclusive_access()
        say(opts, "done: the disc is blank")
        if opts.json:
            emit_json("completed", drive=rec.active_disc_recorder, action="erase", full=full)
